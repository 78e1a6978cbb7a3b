"""CPU of a filter change through the whole request path, in-process: the benchmark's own changes
sent through Flask's test client (no sockets), rounds of fresh views.

    python -m bench.change_cpu [--size 3000] [--rounds 5] [--profile tottime|cumulative]

Builds the app on demo data of `--size` projects (as `bench.run` starts it), finds the map's
callback and its scenario as `bench.run` does (bench/updates.py), sends 3 warm-up changes, then
`--rounds` rounds of 40 changes; before each round after the first, the caches of views and of
what views share are emptied, so every round computes the views afresh, like the benchmark's
fresh server. Prints the CPU time the server side took per change in each round (process time
spent inside the test client's calls: Flask, Dash, the callback, its JSON and compression) and the
smallest, which a busy machine inflates least. Quicker and steadier than `bench.run` while working
on a busy machine; `bench.run` stays the referee.
"""
from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time

ROUND = 40  # as bench.run's measured changes
SHARED = ("_selection", "_aggregation", "_points")  # components.map.summary's caches shared by views


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.change_cpu", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=3_000)
    parser.add_argument("--rounds", type=int, default=5)
    parser.add_argument("--profile", choices=("tottime", "cumulative"), default=None,
                        help="print cProfile's largest entries over the rounds")
    args = parser.parse_args(argv)
    os.environ.update(CARTE_DEMO="1", CARTE_DEMO_SIZE=str(args.size))
    started = time.process_time()
    import app  # noqa: F401  (the app as `python app.py` builds it)
    from bench.dash_http import DashApp, Reply, _decode
    from bench.updates import UpdateRunner
    from components.map import summary
    from pages.dashboard import view_outputs

    client = app.server.test_client()
    server_cpu = [0.0]

    class InProcess:
        """bench.dash_http.Http's interface over Flask's test client, timing the server's side."""

        def request(self, method, path, body=None, headers=None):
            headers = {"Accept-Encoding": "gzip", **(headers or {})}
            wall, cpu = time.perf_counter(), time.process_time()
            response = client.open(path, method=method, data=body, headers=headers)
            wire = response.get_data()
            server_cpu[0] += time.process_time() - cpu
            head = {k.lower(): v for k, v in response.headers.items()}
            return Reply(response.status_code, head, _decode(wire, head.get("content-encoding", "")), wire,
                         time.perf_counter() - wall, 0.0)

        def close(self):
            pass

    dash_app = DashApp(InProcess())
    dash_app.discover()
    runner = UpdateRunner(dash_app, dash_app.find_callback("filter-region.value", "map.figure"))
    runner.warm_up(3)
    print(f"ready: {time.process_time() - started:.2f} s CPU ({args.size} projects)")
    profiler = cProfile.Profile() if args.profile else None
    per_change = []
    for number in range(args.rounds):
        if number:  # fresh views, as a fresh server computes them
            for cached in (view_outputs, *(getattr(summary, name, None) for name in SHARED)):
                if cached is not None:  # (an older tree, measured for comparison, lacks some)
                    cached.cache_clear()
            runner.restart()
            runner.warm_up(3)
        server_cpu[0] = 0.0
        if profiler:
            profiler.enable()
        result = runner.measure(ROUND)
        if profiler:
            profiler.disable()
        if result["errors"]:
            print("errors:", *result["errors"][:3], sep="\n  ")
            return 1
        per_change.append(server_cpu[0] / ROUND * 1000)
    print(f"server CPU per change (ms), {ROUND} changes a round ({result['distinct_views']} distinct views): "
          + " ".join(f"{value:.2f}" for value in per_change) + f"; smallest {min(per_change):.2f}")
    if profiler:
        pstats.Stats(profiler).sort_stats(args.profile).print_stats(45)
    return 0


if __name__ == "__main__":
    sys.exit(main())
