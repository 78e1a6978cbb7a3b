"""Where start-up time and memory go, phase by phase, at a given demo size.

    python -m bench.startup_phases [--size 1000000] [--profile]
    py-spy record -o bench-results/flame-start-1000000.svg -- .venv/bin/python -m bench.startup_phases

Runs in this process what `python app.py` does before it is ready (CARTE_DEMO=1, as `bench.run`):
imports, the synthetic projects, their preparation for the map, the app's creation, the first
page and the first filter change; prints for each phase its wall and CPU seconds, the resident
memory after it and the peak so far (Linux VmHWM). With --profile, cProfile's largest cumulative
entries of the data phases.
"""
from __future__ import annotations

import argparse
import cProfile
import gc
import os
import pstats
import resource
import sys
import time
from contextlib import contextmanager

import psutil

ROWS: list[tuple[str, float, float, float, float]] = []


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


@contextmanager
def phase(name: str):
    wall, cpu = time.perf_counter(), time.process_time()
    yield
    rss = psutil.Process().memory_info().rss / 2**20
    ROWS.append((name, time.perf_counter() - wall, time.process_time() - cpu, rss, _peak_mib()))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.startup_phases", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=1_000_000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args(argv)
    os.environ.update(CARTE_DEMO="1", CARTE_DEMO_SIZE=str(args.size))
    profiler = cProfile.Profile() if args.profile else None
    started = time.perf_counter()
    gc.disable()  # as app.py does from its first line; `import app` below collects once and freezes
    with phase("imports (pandas, dash, the app's modules)"):
        import dash  # noqa: F401

        from components import dataset
        from components.state import View
        from data import load, synthetic
        from geo import layers
        for level in ("mrc", "region", "alliance"):
            layers.territories(level)
    if profiler:
        profiler.enable()
    with phase("envelopes read and validated"):
        envelopes = load.load_envelopes()
    with phase(f"{args.size:,} synthetic projects generated".replace(",", " ")):
        projects = synthetic.generate_projects(args.size, seed=2018)
    with phase("projects prepared for the map (dataset.from_frames)"):
        data = dataset.from_frames(projects, envelopes, True, key=dataset.PUBLIC_KEY)
        prepared = data.projects
    del projects
    with phase("raw table freed"):
        pass
    if profiler:
        profiler.disable()
    # The app finds the same dataset (the modules imported below read `dataset.current`): what
    # follows is what the app adds.
    dataset.current = lambda: data
    with phase("app created (pages registered, start-up checks)"):
        import app
    with phase("first page (/) and first filter change"):
        client = app.server.test_client()
        assert client.get("/").status_code == 200
        from pages.dashboard import view_outputs
        view_outputs(data, View(level="region", measure="amount"))
    total = time.perf_counter() - started
    width = max(len(r[0]) for r in ROWS)
    print(f"{'phase':<{width}}  {'wall s':>7}  {'CPU s':>6}  {'RSS MiB':>8}  {'peak MiB':>8}")
    for name, wall, cpu, rss, peak in ROWS:
        print(f"{name:<{width}}  {wall:7.2f}  {cpu:6.2f}  {rss:8.0f}  {peak:8.0f}")
    print(f"{'total':<{width}}  {total:7.2f}")
    print(f"prepared table: {prepared.memory_usage(deep=True).sum() / 2**20:.0f} MiB in {prepared.shape[1]} columns")
    if profiler:
        pstats.Stats(profiler).sort_stats(os.environ.get("SORT", "cumulative")).print_stats(40)
    return 0


if __name__ == "__main__":
    sys.exit(main())
