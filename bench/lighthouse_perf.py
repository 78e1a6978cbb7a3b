"""Lighthouse performance of `/` on `make serve` (gunicorn), mobile and desktop, in Debian's Chromium.

    python -m bench.lighthouse_perf [--runs 3] [--paths /] [--url http://127.0.0.1:8050]
                                    [--out bench-results/lighthouse-performance.json] [--no-write]

Starts `serve.py` (the production server, curated data) on a free loopback port unless `--url`
names a server already running, runs Lighthouse 12 (npm, exact version in
bench/lighthouse/package-lock.json; `make lighthouse` installs it) `--runs` times per profile —
mobile (Lighthouse's default: a simulated mid-range phone on slow 4G, CPU slowed 4×) and desktop
(`--preset=desktop`) — and prints the median of each figure: score, total blocking time, largest
contentful paint, first contentful paint, speed index, time to interactive, cumulative layout
shift and main-thread work. The figures, the machine and its load average go to a JSON file and
to the marked section of BENCHMARKS.md (replaced at each run). Targets (issue #18): mobile ≥ 90
with TBT ≤ 200 ms and LCP ≤ 2.5 s, desktop ≥ 98. Never run by the CI smoke run.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import subprocess
import sys
from pathlib import Path

from bench.lighthouse_seo import CHROMIUM, LIGHTHOUSE
from bench.run import machine_facts
from bench.server import ROOT, Server

PROFILES = {"mobile": [], "desktop": ["--preset=desktop"]}
TARGETS = {"mobile": {"score": 90, "tbt_ms": 200, "lcp_ms": 2500}, "desktop": {"score": 98}}
AUDITS = {  # figure → Lighthouse audit id
    "tbt_ms": "total-blocking-time", "lcp_ms": "largest-contentful-paint", "fcp_ms": "first-contentful-paint",
    "si_ms": "speed-index", "tti_ms": "interactive", "cls": "cumulative-layout-shift",
    "main_thread_ms": "mainthread-work-breakdown",
}
BENCHMARKS = ROOT / "BENCHMARKS.md"
START, END = "<!-- lighthouse-performance:start -->", "<!-- lighthouse-performance:end -->"
RUN_TIMEOUT_S = 300


def lighthouse_run(url: str, profile: str) -> dict:
    """One Lighthouse performance run: the score (0–100) and the figures of AUDITS."""
    env = {**os.environ, "CHROME_PATH": os.environ.get("CHROME_PATH", CHROMIUM)}
    completed = subprocess.run(
        [str(LIGHTHOUSE), url, "--only-categories=performance", *PROFILES[profile], "--output=json",
         "--output-path=stdout", "--quiet", "--chrome-flags=--headless=new --no-sandbox --disable-gpu"],
        env=env, capture_output=True, text=True, timeout=RUN_TIMEOUT_S, check=True)
    report = json.loads(completed.stdout)
    figures = {"score": round(report["categories"]["performance"]["score"] * 100)}
    for key, audit_id in AUDITS.items():
        figures[key] = report["audits"][audit_id].get("numericValue")
    # What the main thread spent its time on, by script, for the note (largest first).
    bootup = report["audits"].get("bootup-time", {}).get("details", {}).get("items", [])
    figures["scripts"] = [{"url": item["url"], "total_ms": item.get("total")} for item in bootup[:5]]
    return figures


def median_figures(runs: list[dict]) -> dict:
    """The median of each figure over the runs (scores and times separately: no run is 'the' median)."""
    keys = ["score", *AUDITS]
    out = {key: statistics.median(r[key] for r in runs if r.get(key) is not None) for key in keys}
    out["runs"] = len(runs)
    return out


def check(profile: str, figures: dict) -> dict[str, bool]:
    result = {}
    for key, limit in TARGETS[profile].items():
        result[key] = figures[key] >= limit if key == "score" else figures[key] <= limit
    return result


def format_line(path: str, profile: str, figures: dict) -> str:
    ok = check(profile, figures)
    mark = "✓" if all(ok.values()) else "✗"
    return (f"{mark} Lighthouse {profile:<7} {path}: performance {figures['score']:.0f} · "
            f"TBT {figures['tbt_ms']:.0f} ms · LCP {figures['lcp_ms'] / 1000:.2f} s · "
            f"FCP {figures['fcp_ms'] / 1000:.2f} s · SI {figures['si_ms'] / 1000:.2f} s · "
            f"TTI {figures['tti_ms'] / 1000:.2f} s · CLS {figures['cls']:.3f} · "
            f"main thread {figures['main_thread_ms'] / 1000:.2f} s (median of {figures['runs']})")


def markdown_section(report: dict) -> str:
    m = report["machine"]
    lines = [START, "",
             f"Run of {report['date']} against {report['server']} ({m['cpu_model']}, {m['cores']} cores, "
             f"{m['ram_gib']:.1f} GiB), Lighthouse {report['lighthouse']}, {report['chromium']}; machine load "
             f"(1-min average) {m['load_average_start']:.1f} at start, {report['load_average_end']:.1f} at end. "
             f"Median of {report['runs']} runs per profile.", "",
             "| page | profile | performance | TBT | LCP | FCP | Speed Index | TTI | CLS | main thread |",
             "|---|---|---|---|---|---|---|---|---|---|"]
    for path, profiles in report["results"].items():
        for profile, f in profiles.items():
            lines.append(f"| `{path}` | {profile} | {f['score']:.0f} | {f['tbt_ms']:.0f} ms | {f['lcp_ms'] / 1000:.2f} s | "
                         f"{f['fcp_ms'] / 1000:.2f} s | {f['si_ms'] / 1000:.2f} s | {f['tti_ms'] / 1000:.2f} s | "
                         f"{f['cls']:.3f} | {f['main_thread_ms'] / 1000:.2f} s |")
    lines += ["", END]
    return "\n".join(lines)


def write_benchmarks(report: dict, path: Path = BENCHMARKS) -> None:
    """Replace the section between the markers (added at the end the first time)."""
    text = path.read_text(encoding="utf-8") if path.exists() else ""
    section = markdown_section(report)
    if START in text and END in text:
        text = re.sub(re.escape(START) + ".*?" + re.escape(END), lambda _: section, text, flags=re.S)
    else:
        text = text.rstrip("\n") + "\n\n### Latest Lighthouse performance run (written by bench.lighthouse_perf)\n\n" \
            + section + "\n"
    path.write_text(text, encoding="utf-8")


def _version(argv: list[str]) -> str:
    try:
        return subprocess.run(argv, capture_output=True, text=True, timeout=30).stdout.strip()
    except (OSError, subprocess.TimeoutExpired):
        return "?"


def measure(base_url: str, paths: list[str], runs: int) -> dict:
    results: dict[str, dict] = {}
    for path in paths:
        results[path] = {}
        for profile in PROFILES:
            done = [lighthouse_run(base_url + path, profile) for _ in range(runs)]
            results[path][profile] = {**median_figures(done), "each": done}
            print(format_line(path, profile, results[path][profile]), flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--paths", default="/")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--url", help="a server already running (default: start serve.py)")
    parser.add_argument("--out", type=Path, default=ROOT / "bench-results" / "lighthouse-performance.json")
    parser.add_argument("--no-write", action="store_true", help="do not update BENCHMARKS.md")
    args = parser.parse_args(argv)
    if not LIGHTHOUSE.exists():
        print(f"Lighthouse absent ({LIGHTHOUSE}) : lancez « make lighthouse ».", file=sys.stderr)
        return 2
    paths = [p for p in args.paths.split(",") if p]
    report = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "machine": machine_facts(),
              "lighthouse": _version([str(LIGHTHOUSE), "--version"]),
              "chromium": _version([os.environ.get("CHROME_PATH", CHROMIUM), "--version"]), "runs": args.runs}
    if args.url:
        report["server"] = args.url
        report["results"] = measure(args.url.rstrip("/"), paths, args.runs)
    else:
        report["server"] = "make serve (serve.py, gunicorn)"
        # Two workers: Lighthouse asks for one page at a time, and the machine is shared.
        with Server("serve", [sys.executable, "serve.py"], {"WORKERS": "2"},
                    ROOT / "bench-results" / "lighthouse-serve.log") as server:
            server.wait_first_200("/", timeout=180)
            report["results"] = measure(server.base_url, paths, args.runs)
    report["load_average_end"] = os.getloadavg()[0]
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(report, ensure_ascii=False, indent=1))
    if not args.no_write:
        write_benchmarks(report)
    met = all(all(check(profile, figures).values()) for profiles in report["results"].values()
              for profile, figures in profiles.items())
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
