"""Load test of a running `make serve`, on this machine only.

    .venv/bin/python scripts/loadtest.py [--url http://127.0.0.1:8050] [--users 100] [--duration 60]

Each simulated visitor does what a browser does when it opens the map: GET /, the Dash layout and
dependencies, then the page-content callback (the page itself is built there). It then changes one
filter at a time and sends the `update_view` callback exactly as the browser does (body built from
`/_dash-dependencies`, values taken from the layout and options the server sent), then, when the
table loads its rows by callback, that request too; and now and then it fetches
`/layers/region.geojson`. There is no think time unless `--think` is given: every user sends its
next request as soon as the previous answer arrives, so this is a stress test, not a traffic model.

Bounded and self-stopping: at most 600 s, at most 1 000 000 requests, 127.0.0.1/localhost only.
Prints a table and writes JSON (default bench-results/loadtest.json, a git-ignored folder), with
the memory of the server's processes (RSS and PSS of every process holding the listening socket:
the gunicorn master and its workers) before, at peak and after.
"""
from __future__ import annotations

import argparse
import asyncio
import contextlib
import json
import random
import ssl
import re
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import httpx
import psutil

ROOT = Path(__file__).resolve().parents[1]
ALLOWED_HOSTS = ("127.0.0.1", "localhost")
MAX_DURATION = 600.0
MAX_REQUESTS = 1_000_000
MAX_USERS = 2_000
UPDATE = "/_dash-update-component"

# Component ids, as in components/ids.py (copied rather than imported: this script is a client and
# needs nothing of the app installed; a renamed id shows up as an error in the first request).
LEVEL, MEASURE, REGION, MRC, THEME = "level-radio", "measure-radio", "filter-region", "filter-mrc", "filter-theme"
ALLIANCE, CYCLE, AMOUNT, SEARCH, LANG = "filter-mandataire", "filter-cycle", "filter-amount", "filter-search", "lang-store"
SEARCH_WORDS = ("", "jeunes", "logement", "sécurité alimentaire", "travail de rue", "aînés", "transport")


class LoadTestError(Exception):
    pass


# ---------------------------------------------------------------- what the server answers

def check_target(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme != "http" or parts.hostname not in ALLOWED_HOSTS:
        raise LoadTestError(f"refused: only http://127.0.0.1 or http://localhost may be load-tested, not {url!r}")
    return f"http://{parts.hostname}:{parts.port or 80}"


def split_outputs(output: str) -> list[dict] | dict:
    """Dash's output string as the renderer sends it: "..a.b...c.d.." → a list, "a.b" → one dict."""
    if not output.startswith(".."):
        return dict(zip(("id", "property"), output.rsplit(".", 1)))
    return [dict(zip(("id", "property"), name.rsplit(".", 1))) for name in output[2:-2].split("...")]


def find_callback(deps: list[dict], output_part: str, input_id: str | None = None, required: bool = True) -> dict | None:
    for dep in deps:
        ids = {i["id"] for i in dep.get("inputs", [])}
        if output_part in dep["output"] and (input_id is None or input_id in ids):
            return dep
    if required:
        raise LoadTestError(f"no callback with output {output_part!r} in /_dash-dependencies")
    return None


def callback_body(dep: dict, values: dict[tuple[str, str], object], changed: list[str]) -> dict:
    """The JSON the Dash renderer posts for `dep`, with the current values of its inputs and state."""
    def entry(item: dict) -> dict:
        out = {"id": item["id"], "property": item["property"]}
        value = values.get((item["id"], item["property"]))
        if value is not None:  # the renderer leaves "value" out when a prop is unset
            out["value"] = value
        return out

    body = {"output": dep["output"], "outputs": split_outputs(dep["output"]),
            "inputs": [entry(i) for i in dep["inputs"]], "changedPropIds": changed,
            "parsedChangedPropsIds": changed}
    if dep.get("state"):
        body["state"] = [entry(s) for s in dep["state"]]
    return body


def find_props(tree: object) -> dict[str, dict]:
    """The props of every component of the layout JSON that has a string id."""
    found: dict[str, dict] = {}
    stack = [tree]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            props = node.get("props")
            if isinstance(props, dict) and isinstance(props.get("id"), str):
                found[props["id"]] = props
            stack.extend(node.values())
        elif isinstance(node, list):
            stack.extend(node)
    return found


def end_id(html: str) -> str | None:
    match = re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>', html, re.S)
    return json.loads(match.group(1)).get("end_id") if match else None


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


# ---------------------------------------------------------------- the run

@dataclass
class Stats:
    latencies: dict[str, list[float]] = field(default_factory=dict)
    errors: dict[str, int] = field(default_factory=dict)
    error_samples: list[str] = field(default_factory=list)
    requests: int = 0
    started: float = field(default_factory=time.perf_counter)
    # (seconds since the start when the request was sent, latency): where in the run the slow ones are
    timeline: list[tuple[float, float]] = field(default_factory=list)

    def record(self, kind: str, seconds: float, ok: bool, why: str = "") -> None:
        self.requests += 1
        self.latencies.setdefault(kind, []).append(seconds)
        self.timeline.append((time.perf_counter() - seconds - self.started, seconds))
        if not ok:
            self.errors[kind] = self.errors.get(kind, 0) + 1
            if len(self.error_samples) < 10:
                self.error_samples.append(f"{kind}: {why}"[:300])


class Budget:
    """Stops every user at the deadline or when the request cap is spent."""

    def __init__(self, seconds: float, max_requests: int):
        self.deadline = time.monotonic() + seconds
        self.left = max_requests

    def take(self) -> bool:
        if self.left <= 0 or time.monotonic() >= self.deadline:
            return False
        self.left -= 1
        return True


async def timed(client: httpx.AsyncClient, stats: Stats, kind: str, method: str, url: str, **kwargs) -> httpx.Response | None:
    start = time.perf_counter()
    try:
        response = await client.request(method, url, **kwargs)
        await response.aread()
    except httpx.HTTPError as error:
        stats.record(kind, time.perf_counter() - start, False, f"{type(error).__name__}: {error}")
        return None
    # 204 is Dash's answer when a callback has nothing to change (e.g. the view asked for is the one
    # already shown): a success with no body.
    no_change = kind.startswith("callback") and response.status_code == 204
    ok = response.status_code == 200 or no_change
    if response.status_code == 200 and kind.startswith("callback"):
        try:
            ok = "response" in response.json()
        except ValueError:
            ok = False
    stats.record(kind, time.perf_counter() - start, ok, f"HTTP {response.status_code} {response.text[:120]}")
    return response if ok else None


def apply_outputs(values: dict, answer: httpx.Response | None) -> None:
    """Keep the stores a callback wrote, as the renderer does (update_view tells which view is shown)."""
    if answer is None or answer.status_code != 200:
        return
    for component_id, props in answer.json().get("response", {}).items():
        for prop, value in props.items():
            if isinstance(value, (str, int, float, type(None))):  # plain values only; figures are Patches
                values[(component_id, prop)] = value


def random_change(rng: random.Random, values: dict, options: dict[str, list]) -> str:
    """Change one filter the way a visitor would; returns the changed prop id."""
    choice = rng.choice([REGION, REGION, MRC, THEME, ALLIANCE, CYCLE, LEVEL, MEASURE, AMOUNT, SEARCH])
    if choice in (LEVEL, MEASURE):
        values[(choice, "value")] = rng.choice(options[choice])
    elif choice == AMOUNT:
        top = options[AMOUNT][-1]
        low = rng.randint(0, top)
        values[(choice, "value")] = [low, rng.randint(low, top)]
    elif choice == SEARCH:
        values[(choice, "value")] = rng.choice(SEARCH_WORDS)
    else:
        pool = options[choice]
        values[(choice, "value")] = rng.sample(pool, k=min(len(pool), rng.choice([0, 1, 1, 2])))
    return f"{choice}.value"


async def user(n: int, base: str, client: httpx.AsyncClient, stats: Stats, budget: Budget,
               layer_every: int, think: float, seed: int, ramp: float = 0.0) -> None:
    rng = random.Random(seed + n)
    if ramp:  # visitors arrive over the first `ramp` seconds, not all in the same millisecond
        await asyncio.sleep(rng.uniform(0, ramp))
    if not budget.take():
        return
    page = await timed(client, stats, "GET /", "GET", base + "/")
    if page is None:
        return
    params = {"endId": end_id(page.text)} if end_id(page.text) else {}
    deps_response = None
    for path in ("/_dash-layout", "/_dash-dependencies"):
        if not budget.take():
            return
        deps_response = await timed(client, stats, "GET " + path, "GET", base + path)
        if deps_response is None:
            return
    deps = deps_response.json()
    pages = find_callback(deps, "_pages_content.children")
    if not budget.take():
        return
    content = await timed(client, stats, "callback page", "POST", base + UPDATE, params=params, json=callback_body(
        pages, {("_pages_location", "pathname"): "/", ("_pages_location", "search"): ""},
        ["_pages_location.pathname", "_pages_location.search"]))
    if content is None:
        return
    props = find_props(content.json())
    # Every prop of the layout, as the renderer holds them; callbacks pick their inputs and state here.
    values: dict = {(cid, prop): value for cid, p in props.items() for prop, value in p.items() if prop != "children"}
    values.setdefault((LANG, "data"), "fr")
    options = {key: [o["value"] for o in props[key].get("options", [])]
               for key in (LEVEL, MEASURE, REGION, MRC, THEME, ALLIANCE, CYCLE) if key in props}
    options[AMOUNT] = list(range(int(props[AMOUNT].get("max", 8)) + 1)) if AMOUNT in props else [0, 8]
    view = find_callback(deps, "map.figure", REGION)
    # The project table loads its rows with a callback of its own after each change (infinite rows).
    table = find_callback(deps, "getRowsResponse", required=False)
    loop = 0
    while budget.take():
        loop += 1
        if layer_every and loop % layer_every == 0:
            await timed(client, stats, "GET /layers/region.geojson", "GET", base + "/layers/region.geojson")
        else:
            changed = random_change(rng, values, options)
            answer = await timed(client, stats, "callback update_view", "POST", base + UPDATE, params=params,
                                 json=callback_body(view, values, [changed]))
            apply_outputs(values, answer)
            if table and answer is not None and answer.status_code == 200 and budget.take():
                table_id = table["inputs"][0]["id"]
                values[(table_id, "getRowsRequest")] = {"startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
                await timed(client, stats, "callback table rows", "POST", base + UPDATE, params=params,
                            json=callback_body(table, values, [f"{table_id}.getRowsRequest"]))
        if think:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * think)


def percentile(sorted_values: list[float], q: float) -> float:
    if not sorted_values:
        return float("nan")
    index = min(len(sorted_values) - 1, max(0, round(q / 100 * (len(sorted_values) - 1))))
    return sorted_values[index]


def summary(stats: Stats, elapsed: float) -> dict:
    rows = {}
    everything: list[float] = []
    for kind, values in sorted(stats.latencies.items()):
        ordered = sorted(values)
        everything += values
        rows[kind] = {"requests": len(values), "errors": stats.errors.get(kind, 0),
                      "p50_ms": round(percentile(ordered, 50) * 1000, 1), "p95_ms": round(percentile(ordered, 95) * 1000, 1),
                      "p99_ms": round(percentile(ordered, 99) * 1000, 1), "max_ms": round(ordered[-1] * 1000, 1)}
    ordered = sorted(everything)
    rows["all"] = {"requests": len(ordered), "errors": sum(stats.errors.values()),
                   "p50_ms": round(percentile(ordered, 50) * 1000, 1), "p95_ms": round(percentile(ordered, 95) * 1000, 1),
                   "p99_ms": round(percentile(ordered, 99) * 1000, 1),
                   "max_ms": round(ordered[-1] * 1000, 1) if ordered else float("nan")}
    for row in rows.values():
        row["per_second"] = round(row["requests"] / elapsed, 1) if elapsed else 0.0
    return rows


TIMELINE_WINDOW = 5.0  # seconds


def timeline(stats: Stats) -> list[dict]:
    """p50/p95 of the requests sent in each TIMELINE_WINDOW of the run."""
    windows: dict[int, list[float]] = {}
    for sent, seconds in stats.timeline:
        windows.setdefault(int(max(sent, 0.0) // TIMELINE_WINDOW), []).append(seconds)
    rows = []
    for index, values in sorted(windows.items()):
        ordered = sorted(values)
        rows.append({"from_s": index * TIMELINE_WINDOW, "requests": len(ordered),
                     "p50_ms": round(percentile(ordered, 50) * 1000, 1), "p95_ms": round(percentile(ordered, 95) * 1000, 1)})
    return rows


def print_timeline(rows: list[dict]) -> None:
    print("when sent (s)      n    p50 ms    p95 ms")
    for row in rows:
        print(f"{row['from_s']:>5.0f}–{row['from_s'] + TIMELINE_WINDOW:<5.0f} {row['requests']:>7} {row['p50_ms']:>9} {row['p95_ms']:>9}")


def print_table(rows: dict, mem: dict) -> None:
    header = f"{'request':<30} {'n':>8} {'err':>6} {'req/s':>8} {'p50 ms':>9} {'p95 ms':>9} {'p99 ms':>9} {'max ms':>9}"
    print(header)
    print("-" * len(header))
    for kind, r in rows.items():
        print(f"{kind:<30} {r['requests']:>8} {r['errors']:>6} {r['per_second']:>8} {r['p50_ms']:>9} "
              f"{r['p95_ms']:>9} {r['p99_ms']:>9} {r['max_ms']:>9}")
    for moment in ("before", "peak", "after"):
        m = mem.get(moment)
        if m:
            print(f"server memory {moment:<6}: {m['processes']} processes, RSS {m['rss_mib']} MiB, PSS {m['pss_mib']} MiB")
        else:
            print(f"server memory {moment:<6}: unknown (no process found listening on the port)")


async def run(args: argparse.Namespace) -> dict:
    base = check_target(args.url)
    port = urlsplit(base).port or 80
    mem: dict = {"before": memory(port)}
    peak: dict = dict(mem["before"] or {})
    stats = Stats()
    budget = Budget(args.duration, args.max_requests)
    # One client (one keep-alive connection) per simulated visitor, like a browser tab. A single
    # client shared by every user made httpcore scan its whole pool at each request: with 100
    # users that scan, not the server, filled this process's CPU during the first seconds.
    limits = httpx.Limits(max_connections=1, max_keepalive_connections=1)
    tls = ssl.create_default_context()  # plain http here; one context instead of one per client (20 ms each)
    stop = asyncio.Event()

    async def sample_memory() -> None:
        while not stop.is_set():
            now = await asyncio.to_thread(memory, port)
            if now and now["pss_mib"] > peak.get("pss_mib", 0):
                peak.update(now)
            try:
                await asyncio.wait_for(stop.wait(), timeout=1.0)
            except asyncio.TimeoutError:
                pass

    started = time.monotonic()
    async with contextlib.AsyncExitStack() as clients:
        sampler = asyncio.create_task(sample_memory())
        users = []
        for n in range(args.users):
            client = await clients.enter_async_context(httpx.AsyncClient(
                limits=limits, timeout=httpx.Timeout(30.0), verify=tls,
                headers={"Accept-Encoding": "gzip", "User-Agent": "carte-loadtest"}))
            users.append(asyncio.create_task(user(n, base, client, stats, budget, args.layer_every, args.think,
                                                  args.seed, args.ramp)))
        # The budget stops users at the deadline; a short grace lets requests in flight finish,
        # and anything left at the hard stop is cancelled (never past MAX_DURATION).
        hard_stop = min(args.duration + 30, MAX_DURATION)
        done, pending = await asyncio.wait(users, timeout=hard_stop)
        for task in pending:
            task.cancel()
        for task in done:
            if task.exception() is not None and len(stats.error_samples) < 10:
                stats.error_samples.append(f"user: {type(task.exception()).__name__}: {task.exception()}")
        stop.set()
        await sampler
    elapsed = time.monotonic() - started
    mem["peak"] = peak or None
    mem["after"] = memory(port)
    rows = summary(stats, elapsed)
    return {"url": base, "users": args.users, "duration_s": round(elapsed, 1), "think_s": args.think, "ramp_s": args.ramp,
            "layer_every": args.layer_every, "table": rows, "timeline": timeline(stats), "memory": mem,
            "error_samples": stats.error_samples}


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--url", default="http://127.0.0.1:8050", help="server to test (127.0.0.1/localhost only)")
    parser.add_argument("--users", type=int, default=100, help="concurrent simulated visitors (default 100)")
    parser.add_argument("--duration", type=float, default=60.0, help=f"seconds (default 60, at most {MAX_DURATION:.0f})")
    parser.add_argument("--max-requests", type=int, default=MAX_REQUESTS, help=f"stop after this many (at most {MAX_REQUESTS})")
    parser.add_argument("--layer-every", type=int, default=10, help="every Nth request of a user fetches region.geojson")
    parser.add_argument("--think", type=float, default=0.0, help="mean pause between a user's requests, seconds")
    parser.add_argument("--ramp", type=float, default=0.0,
                        help="visitors start at random moments within this many seconds (default 0: all at once)")
    parser.add_argument("--seed", type=int, default=2018)
    parser.add_argument("--json", type=Path, default=ROOT / "bench-results" / "loadtest.json", help="where to write the results")
    args = parser.parse_args(argv)
    if not 0 < args.duration <= MAX_DURATION:
        parser.error(f"--duration must be in (0, {MAX_DURATION:.0f}]")
    if not 0 < args.max_requests <= MAX_REQUESTS:
        parser.error(f"--max-requests must be in [1, {MAX_REQUESTS}]")
    if not 0 < args.users <= MAX_USERS:
        parser.error(f"--users must be in [1, {MAX_USERS}]")
    if args.think < 0 or args.layer_every < 0 or not 0 <= args.ramp < args.duration:
        parser.error("--think and --layer-every cannot be negative; --ramp must be in [0, --duration)")
    try:
        check_target(args.url)
    except LoadTestError as error:
        parser.error(str(error))
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    result = asyncio.run(run(args))
    print_table(result["table"], result["memory"])
    print_timeline(result["timeline"])
    for sample in result["error_samples"]:
        print("error:", sample, file=sys.stderr)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(result, indent=2, ensure_ascii=False))
    print(f"results: {args.json}")
    return 1 if result["table"]["all"]["errors"] else 0


if __name__ == "__main__":
    sys.exit(main())
