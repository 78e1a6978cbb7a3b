"""Load test of a running `make serve`, on this machine only: Locust (scripts/locustfile.py), bounded.

    .venv/bin/python scripts/loadtest.py [--url http://127.0.0.1:8050] [--users 100] [--duration 60]
                                         [--ramp 3] [--think 3]

This wrapper only checks the bounds (loopback only, at most 600 s, 2 000 visitors, 1 000 000
requests), starts Locust headless with them, and samples the server's memory (RSS and PSS of every
process holding the listening socket: the gunicorn master and its workers) before, at peak and
after. Locust itself counts, times and reports (its table at the end, CSV files next to the JSON);
its exit status is non-zero when any request failed.
"""
from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import threading
from pathlib import Path
from urllib.parse import urlsplit

import psutil

ROOT = Path(__file__).resolve().parents[1]
LOCUSTFILE = ROOT / "scripts" / "locustfile.py"
ALLOWED_HOSTS = ("127.0.0.1", "localhost")
MAX_DURATION = 600.0
MAX_REQUESTS = 1_000_000
MAX_USERS = 2_000


class LoadTestError(Exception):
    pass


def check_target(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in ALLOWED_HOSTS:
        raise LoadTestError(f"refused: only http://127.0.0.1 or http://localhost may be load-tested, not {url!r}")
    return f"http://{parts.hostname}:{parts.port or 80}"


# ---------------------------------------------------------------- the server's memory

def server_processes(port: int) -> list[psutil.Process]:
    """The server listening on `port`: gunicorn's master and all its workers.

    The kernel names one process per listening socket although every worker shares it; the master
    is found by climbing to the oldest ancestor with the same command line (workers are forks).
    """
    pids = {c.pid for c in psutil.net_connections(kind="tcp")
            if c.status == psutil.CONN_LISTEN and c.laddr and c.laddr.port == port and c.pid}
    found: dict[int, psutil.Process] = {}
    for pid in pids:
        try:
            top = psutil.Process(pid)
            command = top.cmdline()
            while (parent := top.parent()) is not None and parent.cmdline() == command:
                top = parent
            for proc in [top, *top.children(recursive=True)]:
                found[proc.pid] = proc
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
    return [found[pid] for pid in sorted(found)]


def memory(port: int) -> dict | None:
    """RSS and PSS (shared pages counted once across processes), in MiB, summed over the server."""
    rss = pss = 0
    procs = server_processes(port)
    if not procs:
        return None
    for proc in procs:
        try:
            info = proc.memory_full_info()
        except (psutil.NoSuchProcess, psutil.AccessDenied):
            continue
        rss += info.rss
        pss += getattr(info, "pss", info.rss)
    return {"processes": len(procs), "rss_mib": round(rss / 2**20, 1), "pss_mib": round(pss / 2**20, 1)}


class MemorySampler(threading.Thread):
    """The server's memory once a second while Locust runs; keeps the peak (by PSS)."""

    def __init__(self, port: int):
        super().__init__(daemon=True)
        self.port, self.peak, self.stop = port, None, threading.Event()

    def run(self) -> None:
        while not self.stop.wait(1.0):
            now = memory(self.port)
            if now and (self.peak is None or now["pss_mib"] > self.peak["pss_mib"]):
                self.peak = now


# ---------------------------------------------------------------- the run

def locust_command(args: argparse.Namespace, base: str, csv_prefix: Path) -> list[str]:
    # Arrivals spread over --ramp seconds: Locust starts users at a rate, not at random moments.
    rate = args.users / args.ramp if args.ramp else args.users
    return [sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless", "--host", base,
            "--users", str(args.users), "--spawn-rate", f"{rate:g}", "--run-time", f"{args.duration:g}s",
            "--stop-timeout", "10", "--csv", str(csv_prefix), "--only-summary", "--loglevel", "WARNING"]


def run(args: argparse.Namespace) -> tuple[int, dict]:
    base = check_target(args.url)
    port = urlsplit(base).port or 80
    args.json.parent.mkdir(parents=True, exist_ok=True)
    csv_prefix = args.json.with_suffix("")
    env = {"CARTE_LOADTEST_THINK": str(args.think), "CARTE_LOADTEST_MAX_REQUESTS": str(args.max_requests)}
    mem = {"before": memory(port)}
    sampler = MemorySampler(port)
    sampler.start()
    try:
        status = subprocess.run(locust_command(args, base, csv_prefix), cwd=ROOT,
                                env={**os.environ, **env}, timeout=args.duration + 60).returncode
    finally:
        sampler.stop.set()
        sampler.join()
    mem["peak"], mem["after"] = sampler.peak, memory(port)
    return status, {"url": base, "users": args.users, "duration_s": args.duration, "think_s": args.think,
                    "ramp_s": args.ramp, "locust_csv": f"{csv_prefix}_stats.csv", "memory": mem}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8050", help="server to test (127.0.0.1/localhost only)")
    parser.add_argument("--users", type=int, default=100, help="simulated visitors (default 100)")
    parser.add_argument("--duration", type=float, default=60.0, help=f"seconds (default 60, at most {MAX_DURATION:.0f})")
    parser.add_argument("--max-requests", type=int, default=MAX_REQUESTS, help=f"stop after this many (at most {MAX_REQUESTS})")
    parser.add_argument("--think", type=float, default=3.0,
                        help="mean pause between a visitor's changes, seconds (default 3; 0: no pause, a stress test)")
    parser.add_argument("--ramp", type=float, default=0.0,
                        help="visitors arrive within this many seconds (default 0: all at once)")
    parser.add_argument("--json", type=Path, default=ROOT / "bench-results" / "loadtest.json", help="where to write the results")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION:
        parser.error(f"--duration must be in (0, {MAX_DURATION:.0f}]")
    if not 0 < args.max_requests <= MAX_REQUESTS:
        parser.error(f"--max-requests must be in [1, {MAX_REQUESTS}]")
    if not 0 < args.users <= MAX_USERS:
        parser.error(f"--users must be in [1, {MAX_USERS}]")
    if args.think < 0 or not 0 <= args.ramp < args.duration:
        parser.error("--think cannot be negative; --ramp must be in [0, --duration)")
    try:
        check_target(args.url)
    except LoadTestError as error:
        parser.error(str(error))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    status, result = run(args)
    for moment in ("before", "peak", "after"):
        m = result["memory"].get(moment)
        print(f"server memory {moment:<6}: " + (f"{m['processes']} processes, RSS {m['rss_mib']} MiB, PSS {m['pss_mib']} MiB"
                                                 if m else "unknown (no process found listening on the port)"))
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"results: {args.json} and {result['locust_csv']}")
    return status


if __name__ == "__main__":
    sys.exit(main())
