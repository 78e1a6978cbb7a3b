"""CPU of one filter change in-process, without HTTP: the map callback's work and its JSON.

    python -m bench.view_cpu [--size 3000] [--views 200] [--profile]

Builds the demo dataset of `--size` synthetic projects (as the app does with CARTE_DEMO=1), then
computes, for views that walk every region, theme, measure and level as bench/updates.py does,
every output of the map's callback (uncached) and the JSON Dash would send. Prints the CPU time
per view (mean and median) and, with --profile, cProfile's largest cumulative entries. Quicker to
run than `bench.run` while working; `bench.run` stays the referee.
"""
from __future__ import annotations

import argparse
import cProfile
import itertools
import os
import pstats
import statistics
import sys
import time


def views(count: int) -> list:
    from components.state import View
    from data import metrics
    from data.metrics import Filters
    from data.schema import vocabulary
    from geo import layers

    regions = list(layers.territories("region").index)
    themes = list(vocabulary("themes"))
    others = ([("themes", themes[:1]), ("themes", themes[1:3]), ("themes", [])]
              + [("measure", m) for m in metrics.MEASURES] + [("level", lv) for lv in metrics.LEVELS])
    other = itertools.cycle(others)
    state = {"level": "region", "measure": "envelope_per_capita", "regions": (), "themes": ()}
    out = []
    for i, code in enumerate(itertools.cycle(regions)):
        steps = [("regions", (code,))] + ([("regions", ())] if i % 3 == 2 else []) + [next(other)]
        for key, value in steps:
            state[key] = tuple(value) if isinstance(value, list) else value
            out.append(View(level=state["level"], measure=state["measure"],
                            filters=Filters(regions=state["regions"], themes=state["themes"])))
        if len(out) >= count:
            return out[:count]
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.view_cpu", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=3_000)
    parser.add_argument("--views", type=int, default=200)
    parser.add_argument("--profile", action="store_true", help="print cProfile's largest cumulative entries")
    args = parser.parse_args(argv)
    os.environ.update(CARTE_DEMO="1", CARTE_DEMO_SIZE=str(args.size))
    started = time.process_time()
    from dash._utils import to_json

    import app  # noqa: F401  (pages register themselves with the app)
    from components.dataset import current
    from pages.dashboard import view_outputs

    data = current()
    print(f"start (import + data of {args.size} projects): {time.process_time() - started:.2f} s CPU")
    walk = views(args.views)
    for view in walk[:5]:  # warm-up: the caches of the data version are filled
        to_json(view_outputs.__wrapped__(data, view))
    profiler = cProfile.Profile() if args.profile else None
    samples = []
    for view in walk:
        t = time.process_time()
        if profiler:
            profiler.enable()
        to_json(view_outputs.__wrapped__(data, view))
        if profiler:
            profiler.disable()
        samples.append((time.process_time() - t) * 1000)
    print(f"{len(samples)} views: CPU per view mean {statistics.fmean(samples):.2f} ms, "
          f"median {statistics.median(samples):.2f} ms, max {max(samples):.2f} ms")
    if profiler:
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
    return 0


if __name__ == "__main__":
    sys.exit(main())
