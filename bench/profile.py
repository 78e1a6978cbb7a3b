"""Where a filter change spends its time: py-spy samples the app while the benchmark's changes run.

    python -m bench.profile --size 3000 [--requests 300] [--out bench-results/flame-change-3000.svg]

The app is started as in `bench.run` (demo data of `--size` projects), made ready by one change,
warmed up, then py-spy (pinned in requirements-test.txt) records it while `--requests` changes of
the benchmark's scenario are sent. Writes the flame graph (SVG: open it in a browser) and prints
the functions holding the most samples, self and inclusive, so the findings can be quoted.
"""
from __future__ import annotations

import argparse
import re
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from html import unescape
from pathlib import Path

from bench.dash_http import DashApp, Http
from bench.run import START_TIMEOUT, SUBJECTS
from bench.server import HOST, ROOT, Server
from bench.updates import UpdateRunner

PY_SPY = shutil.which("py-spy") or str(Path(sys.executable).parent / "py-spy")
SAMPLE_RATE = 250  # per second: enough samples for a 10 ms request, small overhead


def record(size: int, requests: int, out: Path, subprocesses: bool = False) -> Path:
    app = SUBJECTS[0]
    log = out.with_suffix(".log")
    with Server(app.name, list(app.argv), app.env(size), log) as server:
        server.wait_first_200("/", timeout=START_TIMEOUT)
        http = Http(HOST, server.port)
        try:
            client = DashApp(http)
            client.discover()
            runner = UpdateRunner(client, client.find_callback("filter-region.value", "map.figure"))
            runner.warm_up(5)
            spy = subprocess.Popen([PY_SPY, "record", "--pid", str(server.process.pid), "--rate", str(SAMPLE_RATE),
                                    "--format", "flamegraph", "--output", str(out), "--nonblocking",
                                    *(["--subprocesses"] if subprocesses else [])],
                                   stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
            time.sleep(1.0)  # py-spy attaches
            started = time.perf_counter()
            runner.measure(requests)
            elapsed = time.perf_counter() - started
            spy.send_signal(signal.SIGINT)
            output, _ = spy.communicate(timeout=60)
        finally:
            http.close()
    print(f"{requests} changes in {elapsed:.1f} s; py-spy: {output.strip().splitlines()[-1] if output else ''}")
    return out


FRAME = re.compile(r'<title>(.*?) \(([\d,]+) samples?, [\d.]+%\)</title><rect [^>]*?y="([\d.]+)"[^>]*?fg:x="(\d+)" fg:w="(\d+)"')


def frames(svg: Path) -> list[tuple[str, float, int, int]]:
    """(function without its line, depth, first sample, samples) of every box of the flame graph."""
    boxes = []
    for name, _, y, x, w in FRAME.findall(svg.read_text(errors="replace")):
        boxes.append((re.sub(r":\d+\)$", ")", unescape(name)), float(y), int(x), int(w)))
    return boxes


def shares(svg: Path, within: str | None = None) -> tuple[int, Counter, Counter]:
    """Samples (of those under a frame whose name contains `within`, when given) per function:
    inclusive (a function counted once per stack, however deep it recurses) and self."""
    boxes = sorted(frames(svg), key=lambda b: b[1])
    roots = [b for b in boxes if within is None or within in b[0]]
    def under(box, parent):
        return parent[1] < box[1] and parent[2] <= box[2] and box[2] + box[3] <= parent[2] + parent[3]
    if within is not None:  # the outermost boxes of `within`
        roots = [r for r in roots if not any(under(r, o) for o in roots if o is not r)]
        boxes = [b for b in boxes if any(b is r or under(b, r) for r in roots)]
    total = sum(r[3] for r in roots) if within is not None else max((b[3] for b in boxes), default=0)
    inclusive, own = Counter(), Counter()
    for box in boxes:
        ancestors = [a for a in boxes if under(box, a)]
        if not any(a[0] == box[0] for a in ancestors):
            inclusive[box[0]] += box[3]
        children = sum(c[3] for c in boxes if under(c, box) and c[1] == min(
            (d[1] for d in boxes if under(d, box)), default=-1))
        own[box[0]] += box[3] - children
    return total, inclusive, own


def report(svg: Path, within: str | None, count: int = 30) -> None:
    every, _, _ = shares(svg)
    total, inclusive, own = shares(svg, within)
    print(f"{total} of {every} samples ({100 * total / max(every, 1):.0f} %) under {within!r}")
    for title, counter in (("inclusive", inclusive), ("self", own)):
        print(f"largest {title} shares (% of those under {within!r}):")
        for name, samples in counter.most_common(count):
            print(f"  {100 * samples / max(total, 1):5.1f} %  {name[:140]}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.profile", description=__doc__.split("\n\n")[0])
    parser.add_argument("--size", type=int, default=3_000, help="synthetic projects (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=300, help="filter changes recorded (default: %(default)s)")
    parser.add_argument("--out", type=Path, default=None, help="SVG file (default: bench-results/flame-change-N.svg)")
    parser.add_argument("--within", default="update_view", help="frame to break down (default: %(default)s)")
    parser.add_argument("--read", type=Path, default=None, help="only break down an SVG already recorded")
    args = parser.parse_args(argv)
    if args.read:
        report(args.read, args.within)
        return 0
    out = args.out or ROOT / "bench-results" / f"flame-change-{args.size}.svg"
    out.parent.mkdir(parents=True, exist_ok=True)
    record(args.size, args.requests, out)
    print(f"flame graph: {out}")
    report(out, args.within)
    return 0


if __name__ == "__main__":
    sys.exit(main())
