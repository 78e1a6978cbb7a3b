"""Benchmark: the map against a naive Dash baseline, on synthetic datasets of several sizes.

    python -m bench.run [--sizes 3000,100000,1000000] [--smoke] [--out bench-results/latest.json]

For each size, each server (the app in demo mode, then `bench/naive_app.py`) is started as a
subprocess on a free port and measured by the same code:
- cold start: process created → first 200 on `/`, and → first filter update answered;
- memory (RSS of the process, MiB) after warm-up, after the measured updates, after the browser;
- filter changes through `/_dash-update-component`, sent as the browser sends them: client wall
  time and time to first byte over loopback (p50, p95), bytes raw / gzip level 6 / as sent;
- in Chromium (if installed): everything a first visit downloads, and click → map redrawn.
Prints one table per size (app, naive, naive ÷ app), the targets with ✓/✗, and writes every
figure to a JSON file with the machine's facts. See BENCHMARKS.md.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import signal
import subprocess
import sys
import time
from dataclasses import asdict, dataclass
from importlib import metadata
from pathlib import Path

from bench import browser as browser_part
from bench.dash_http import DashApp, Http
from bench.server import HOST, ROOT, Server, ServerError
from bench.updates import UpdateRunner

DEFAULT_SIZES = (3_000, 100_000, 1_000_000)
DEFAULT_OUT = ROOT / "bench-results" / "latest.json"
START_TIMEOUT = 600.0  # seconds; a million synthetic projects are generated and prepared at start
PACKAGES = ("dash", "plotly", "pandas", "numpy", "flask", "werkzeug", "flask-compress", "dash-ag-grid",
            "playwright", "psutil")
REPEATED_REQUESTS = 20  # views already computed once: what a cache of views is worth
KB, MB = 1_000, 1_000_000  # bytes are counted in decimal units; memory in MiB


@dataclass(frozen=True)
class Subject:
    """A server to measure: how to start it for a dataset of `size` projects."""

    name: str
    argv: tuple[str, ...]
    demo_env: bool  # the app needs CARTE_DEMO=1; the baseline always uses synthetic data

    def env(self, size: int) -> dict[str, str]:
        env = {"CARTE_DEMO_SIZE": str(size)}
        return {**env, "CARTE_DEMO": "1"} if self.demo_env else env


SUBJECTS = (
    Subject("app", (sys.executable, "app.py"), demo_env=True),
    Subject("naive", (sys.executable, "-m", "bench.naive_app"), demo_env=False),
)


@dataclass(frozen=True)
class Options:
    sizes: tuple[int, ...]
    requests: int
    warmup: int
    clicks: int
    click_warmup: int
    browser: bool
    out: Path
    subjects: tuple[str, ...] = tuple(subject.name for subject in SUBJECTS)
    page_timeout_ms: float = browser_part.PAGE_TIMEOUT_MS
    redraw_timeout_ms: float = browser_part.REDRAW_TIMEOUT_MS


# ---------------------------------------------------------------- measuring one server


def measure_subject(subject: Subject, size: int, opts: Options, browser) -> dict:
    """Every figure for one server and one dataset size; the server is stopped on every way out.

    Order matters because the app caches the outputs of views it has computed: the browser clicks
    come before the HTTP filter changes, and both walk views not seen before. Views seen again are
    measured last, on purpose ("repeated view").
    """
    log = opts.out.parent / "logs" / f"{subject.name}-{size}.log"
    with Server(subject.name, list(subject.argv), subject.env(size), log) as server:
        result: dict = {"log": str(log), "cold_start_s": server.wait_first_200("/", timeout=START_TIMEOUT)}
        memory: dict = {}
        http = Http(HOST, server.port)
        try:
            runner = first_update(server, http, result)
            memory["after_first_update"] = server.memory()
            if browser is not None:
                result["browser"] = measure_browser(browser, server, opts)
                memory["after_browser"] = server.memory()
            measure_updates(server, runner, opts, result, memory)
        finally:
            http.close()
        server.check_alive()
        memory["max_rss_mb"] = max(m["rss_mb"] for m in memory.values())
        memory["peak_rss_mb"] = max(m["peak_rss_mb"] for m in memory.values() if isinstance(m, dict))
        result["memory"] = memory
        return result


def first_update(server: Server, http: Http, result: dict) -> UpdateRunner:
    """Load the page as a browser would, send one filter change: the server is then ready."""
    app = DashApp(http)
    app.discover()
    runner = UpdateRunner(app, app.find_callback("filter-region.value", "map.figure"))
    _, _, reply = runner.send()
    if reply.status != 200:
        raise ServerError(f"first update: HTTP {reply.status}{server.log_tail()}")
    # The first update needs everything loaded: data, layers, caches built lazily.
    result["ready_s"] = time.perf_counter() - server.started_at
    return runner


def measure_browser(browser, server: Server, opts: Options) -> dict:
    try:
        return browser_part.measure(browser, server.base_url + "/", opts.clicks, opts.click_warmup,
                                    opts.page_timeout_ms, opts.redraw_timeout_ms)
    except Exception as error:  # keep the other figures; say what went wrong in the browser
        return {"error": f"{type(error).__name__}: {str(error)[:2000]}"}


def measure_updates(server: Server, runner: UpdateRunner, opts: Options, result: dict, memory: dict) -> None:
    """Warm-up, then the measured filter changes (new views), then views seen again."""
    runner.warm_up(opts.warmup)
    memory["after_warmup"] = server.memory()
    result["load_average"] = os.getloadavg()[0]
    cpu_before = server.cpu_seconds()
    result["update"] = runner.measure(opts.requests)
    result["update"]["server_cpu_ms"] = (server.cpu_seconds() - cpu_before) * 1000 / opts.requests
    server.check_alive()
    memory["after_updates"] = server.memory()
    # The same changes from the page's first view: every view was computed above.
    runner.restart()
    result["repeated_update"] = runner.measure(min(opts.requests, REPEATED_REQUESTS))


def run(opts: Options) -> dict:
    started = time.perf_counter()
    report = {"schema": 1, "date": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
              "machine": machine_facts(), "options": _options_json(opts), "sizes": {}}
    with _maybe_browser(opts.browser) as (browser, browser_note):
        report["machine"]["chromium"] = browser.version if browser is not None else None
        report["browser_part"] = browser_note
        for size in opts.sizes:
            per_size = report["sizes"][str(size)] = {}
            for subject in (s for s in SUBJECTS if s.name in opts.subjects):
                print(f"… {_num(size, 0):>9} projects: {subject.name}", flush=True)
                t = time.perf_counter()
                try:
                    per_size[subject.name] = measure_subject(subject, size, opts, browser)
                except Exception as error:  # recorded, and the other servers are still measured
                    per_size[subject.name] = {"error": f"{type(error).__name__}: {error}"}
                    print(f"  ✗ {subject.name} at {size}: {error}", flush=True)
                per_size[subject.name]["bench_seconds"] = time.perf_counter() - t
    report["targets"] = check_targets(report)
    report["duration_s"] = time.perf_counter() - started
    # Other work on the machine skews timings: say how busy it was (1-minute load, 2 cores = 2.0).
    report["machine"]["load_average_end"] = os.getloadavg()[0]
    return report


class _maybe_browser:
    """Playwright + Debian's Chromium when asked for and installed; else (None, why not)."""

    def __init__(self, wanted: bool):
        self.wanted = wanted
        self._playwright = self._browser = None

    def __enter__(self):
        if not self.wanted:
            return None, "skipped (--no-browser)"
        if not browser_part.chromium_available():
            return None, f"skipped: {browser_part.CHROMIUM} not found"
        from playwright.sync_api import sync_playwright

        self._playwright = sync_playwright().start()
        try:
            self._browser = browser_part.launch(self._playwright)
        except Exception as error:  # a Chromium that cannot start: the HTTP figures are still worth having
            return None, f"skipped: {browser_part.CHROMIUM} did not start ({str(error).splitlines()[0]})"
        return self._browser, "Playwright + " + browser_part.CHROMIUM

    def __exit__(self, *exc):
        if self._browser is not None:
            self._browser.close()
        if self._playwright is not None:
            self._playwright.stop()


# ---------------------------------------------------------------- targets


@dataclass(frozen=True)
class Target:
    size: int
    label: str
    path: tuple[str, ...]  # where the value is in a subject's result
    limit: float
    unit: str
    # "naive ÷ app" of the value, at least `limit` (the naive baseline in the same run is the referee),
    # instead of the app's own value at most `limit`.
    times_naive: bool = False


CPU = ("update", "server_cpu_ms")
TARGETS = (
    Target(3_000, "server CPU per filter change", CPU, 12, "ms"),
    Target(3_000, "server CPU per filter change, naive ÷ app", CPU, 60, "×", times_naive=True),
    Target(100_000, "filter change p50 (client wall, loopback)", ("update", "wall_ms", "p50"), 20, "ms"),
    Target(100_000, "server CPU per filter change", CPU, 20, "ms"),
    Target(100_000, "gzip bytes per update p95", ("update", "gzip_bytes", "p95"), 20 * KB, "B"),
    Target(100_000, "redraw after click p50", ("browser", "redraw", "redraw_ms", "p50"), 300, "ms"),
    Target(100_000, "initial transfer (gzip)", ("browser", "transfer", "gzip_bytes"), 1.5 * MB, "B"),
    Target(100_000, "memory (largest RSS seen)", ("memory", "max_rss_mb"), 400, "MiB"),
    Target(1_000_000, "process start → ready (first update answered)", ("ready_s",), 5, "s"),
    Target(1_000_000, "memory peak (VmHWM)", ("memory", "peak_rss_mb"), 700, "MiB"),
    Target(1_000_000, "filter change p50 (client wall, loopback)", ("update", "wall_ms", "p50"), 150, "ms"),
    Target(1_000_000, "server CPU per filter change", CPU, 150, "ms"),
)


def _dig(data, path):
    for key in path:
        if not isinstance(data, dict) or data.get(key) is None:
            return None
        data = data[key]
    return data


def _target_value(target: Target, per_size: dict):
    app = per_size.get("app")
    value = _dig(app, target.path) if app else None
    if not target.times_naive or value is None:
        return value
    naive = _dig(per_size.get("naive"), target.path)
    return naive / value if naive is not None and value else None


def check_targets(report: dict) -> list[dict]:
    checks = []
    for target in TARGETS:
        value = _target_value(target, report["sizes"].get(str(target.size), {}))
        ok = None if value is None else value >= target.limit if target.times_naive else value <= target.limit
        checks.append({"size": target.size, "measure": target.label, "unit": target.unit, "limit": target.limit,
                       "value": value, "ok": ok, "at_least": target.times_naive})
    return checks


# ---------------------------------------------------------------- printing


ROWS = (  # label, path in a subject's result, format
    ("machine load before the updates (1-min avg)", ("load_average",), "{:.1f}"),
    ("cold start → first 200 on / (s)", ("cold_start_s",), "{:.2f}"),
    ("cold start → first update answered (s)", ("ready_s",), "{:.2f}"),
    ("memory after first update (MiB RSS)", ("memory", "after_first_update", "rss_mb"), "{:.0f}"),
    ("memory after browser visit (MiB RSS)", ("memory", "after_browser", "rss_mb"), "{:.0f}"),
    ("memory after warm-up (MiB RSS)", ("memory", "after_warmup", "rss_mb"), "{:.0f}"),
    ("memory after updates (MiB RSS)", ("memory", "after_updates", "rss_mb"), "{:.0f}"),
    ("memory peak (MiB, VmHWM)", ("memory", "peak_rss_mb"), "{:.0f}"),
    ("filter change p50 (ms, client wall)", ("update", "wall_ms", "p50"), "{:.1f}"),
    ("filter change p95 (ms, client wall)", ("update", "wall_ms", "p95"), "{:.1f}"),
    ("filter change p50 (ms, to first byte)", ("update", "ttfb_ms", "p50"), "{:.1f}"),
    ("server CPU per filter change, mean (ms)", ("update", "server_cpu_ms"), "{:.1f}"),
    ("region change p50 (ms)", ("update", "by_kind", "region", "wall_ms", "p50"), "{:.1f}"),
    ("view seen before p50 (ms, client wall)", ("repeated_update", "wall_ms", "p50"), "{:.1f}"),
    ("update raw p50 (kB)", ("update", "raw_bytes", "p50"), "kB"),
    ("update gzip-6 p50 (kB)", ("update", "gzip_bytes", "p50"), "kB"),
    ("update gzip-6 p95 (kB)", ("update", "gzip_bytes", "p95"), "kB"),
    ("update as sent p50 (kB)", ("update", "wire_bytes", "p50"), "kB"),
    ("first visit, gzip-6 (kB)", ("browser", "transfer", "gzip_bytes"), "kB"),
    ("first visit, as sent (kB)", ("browser", "transfer", "wire_bytes"), "kB"),
    ("first visit, requests", ("browser", "transfer", "requests"), "{:.0f}"),
    ("first visit → map drawn (s)", ("browser", "transfer", "seconds_to_map"), "{:.2f}"),
    ("click → map redrawn p50 (ms)", ("browser", "redraw", "redraw_ms", "p50"), "{:.0f}"),
    ("click → map redrawn p95 (ms)", ("browser", "redraw", "redraw_ms", "p95"), "{:.0f}"),
    ("  of which click → answer p50 (ms)", ("browser", "redraw", "response_ms", "p50"), "{:.0f}"),
    ("  of which answer → drawn p50 (ms)", ("browser", "redraw", "draw_ms", "p50"), "{:.0f}"),
)


def _fmt(value, fmt: str) -> str:
    if value is None:
        return "–"
    if fmt == "kB":
        return _num(value / KB)
    return fmt.format(value)


def format_table(size: int, per_size: dict) -> str:
    app, naive = per_size.get("app", {}), per_size.get("naive", {})
    width = max(len(r[0]) for r in ROWS)
    lines = [f"{_num(size, 0)} projects",
             f"{'measure':<{width}}  {'app':>10}  {'naive':>10}  {'naive÷app':>9}",
             "-" * (width + 37)]
    for label, path, fmt in ROWS:
        a, n = _dig(app, path), _dig(naive, path)
        comparable = path != ("load_average",) and all(isinstance(v, (int, float)) for v in (a, n)) and a
        ratio = f"{n / a:.1f}×" if comparable else "–"
        lines.append(f"{label:<{width}}  {_fmt(a, fmt):>10}  {_fmt(n, fmt):>10}  {ratio:>9}")
    for name, result in (("app", app), ("naive", naive)):
        if "error" in result:
            lines.append(f"  ✗ {name}: {result['error'].splitlines()[0]}")
        errors = _dig(result, ("update", "errors"))
        if errors:
            lines.append(f"  ✗ {name}: {len(errors)} update(s) failed, first: {errors[0][:160]}")
    return "\n".join(lines)


def format_largest(per_size: dict) -> str:
    lines = []
    for name in ("app", "naive"):
        largest = _dig(per_size.get(name), ("browser", "transfer", "largest"))
        if largest:
            lines.append(f"5 largest items of a first visit, {name} (gzip-6 kB · as sent kB · url)")
            for item in largest:
                lines.append(f"  {item['gzip_bytes'] / KB:9.1f}  {item['wire_bytes'] / KB:9.1f}  {item['url'][:90]}")
    return "\n".join(lines)


def _num(value: float, digits: int = 1) -> str:
    """1 234.5: thousands split by a space, as in the French interface and unambiguous in English."""
    return f"{value:,.{digits}f}".replace(",", " ")


def _shown(value: float, unit: str) -> str:
    if unit == "×":
        return f"{_num(value)}×"
    return f"{_num(value / KB)} kB" if unit == "B" else f"{_num(value)} {unit}"


def format_targets(checks: list[dict]) -> str:
    lines = ["Targets (the app; ✓ met, ✗ missed, · size not run)"]
    for c in checks:
        mark = "·" if c["ok"] is None else "✓" if c["ok"] else "✗"
        sign = "≥" if c.get("at_least") else "≤"
        head = f"  {mark} {_num(c['size'], 0):>9} projects · {c['measure']} {sign} {_shown(c['limit'], c['unit'])}"
        if c["value"] is None:
            lines.append(f"{head}: not measured")
            continue
        over = (c["value"] / c["limit"] - 1) * 100
        lines.append(f"{head}: {_shown(c['value'], c['unit'])}" + ("" if c["ok"] else f" ({over:+.0f} %)"))
    return "\n".join(lines)


def format_report(report: dict) -> str:
    m = report["machine"]
    parts = [f"Machine: {m['cpu_model']}, {m['cores']} cores, {m['ram_gib']:.1f} GiB RAM, Python {m['python']}, "
             f"{report['date']}; load average {m['load_average_start']:.1f} at start, "
             f"{m.get('load_average_end', 0):.1f} at end; browser part: {report['browser_part']}"]
    for size, per_size in report["sizes"].items():
        parts += [format_table(int(size), per_size), format_largest(per_size)]
    parts += [format_targets(report["targets"]), f"Total run time: {report['duration_s']:.0f} s"]
    return "\n\n".join(p for p in parts if p)


# ---------------------------------------------------------------- machine and options


def machine_facts() -> dict:
    import psutil

    return {
        "cpu_model": _cpu_model(),
        "cores": os.cpu_count(),
        "cores_usable": len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count(),
        "ram_gib": psutil.virtual_memory().total / 2**30,
        "os": platform.platform(),
        "python": platform.python_version(),
        "packages": {name: _version(name) for name in PACKAGES},
        "load_average_start": os.getloadavg()[0],
        "git_commit": _git("rev-parse", "HEAD"),
        "git_dirty": bool(_git("status", "--porcelain", "--untracked-files=no")),
    }


def _cpu_model() -> str:
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def _version(package: str) -> str | None:
    try:
        return metadata.version(package)
    except metadata.PackageNotFoundError:
        return None


def _git(*args: str) -> str | None:
    try:
        done = subprocess.run(["git", *args], cwd=ROOT, capture_output=True, text=True, timeout=10)
    except (OSError, subprocess.TimeoutExpired):
        return None
    return done.stdout.strip() if done.returncode == 0 else None


def _options_json(opts: Options) -> dict:
    return {**asdict(opts), "sizes": list(opts.sizes), "out": str(opts.out)}


def parse_args(argv: list[str] | None = None) -> Options:
    parser = argparse.ArgumentParser(prog="python -m bench.run", description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", default=",".join(map(str, DEFAULT_SIZES)),
                        help="dataset sizes, comma-separated (default: %(default)s)")
    parser.add_argument("--smoke", action="store_true",
                        help="CI check: 3 000 projects, 5 requests, 5 clicks (if Chromium is installed)")
    parser.add_argument("--out", type=Path, default=DEFAULT_OUT, help="JSON file to write (default: %(default)s)")
    parser.add_argument("--requests", type=int, default=40, help="measured filter changes per server (min 30)")
    parser.add_argument("--clicks", type=int, default=24, help="measured clicks in the browser per server (min 20)")
    parser.add_argument("--no-browser", action="store_true", help="skip the Chromium part")
    parser.add_argument("--subjects", default="app,naive",
                        help="servers to measure (default: %(default)s); the naive one is the referee of the "
                             "ratios, « app » alone repeats the app's start-up and memory quickly")
    args = parser.parse_args(argv)
    if args.smoke:
        # Short browser timeouts: a broken page must fail CI in seconds, not in minutes.
        return Options(sizes=(3_000,), requests=5, warmup=1, clicks=5, click_warmup=1,
                       browser=not args.no_browser, out=args.out, page_timeout_ms=30_000, redraw_timeout_ms=10_000)
    try:
        sizes = tuple(int(s.replace("_", "")) for s in args.sizes.split(",") if s.strip())
    except ValueError:
        parser.error(f"--sizes: whole numbers separated by commas, not {args.sizes!r}")
    if not sizes or min(sizes) < 1:
        parser.error("--sizes: at least one size, each ≥ 1")
    subjects = tuple(name.strip() for name in args.subjects.split(",") if name.strip())
    if not subjects or set(subjects) - {s.name for s in SUBJECTS}:
        parser.error(f"--subjects: among {', '.join(s.name for s in SUBJECTS)}, not {args.subjects!r}")
    return Options(sizes=sizes, requests=max(args.requests, 30), warmup=3, clicks=max(args.clicks, 20),
                   click_warmup=2, browser=not args.no_browser, out=args.out, subjects=subjects)


def _exit_on_sigterm(signum, frame):
    # SystemExit unwinds the stack, so every server and the browser are stopped on the way out.
    raise SystemExit(128 + signum)


def main(argv: list[str] | None = None) -> int:
    opts = parse_args(argv)
    signal.signal(signal.SIGTERM, _exit_on_sigterm)
    try:
        report = run(opts)
    except KeyboardInterrupt:  # servers and browser are already stopped by their context managers
        print("interrupted", file=sys.stderr)
        return 130
    opts.out.parent.mkdir(parents=True, exist_ok=True)
    opts.out.write_text(json.dumps(report, indent=1, ensure_ascii=False))
    print(format_report(report))
    print(f"\nAll figures: {opts.out}")
    failed = [f"{size}/{name}" for size, per in report["sizes"].items() for name, r in per.items() if "error" in r]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
