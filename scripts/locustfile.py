"""Visitors of the map, for Locust: the load test of a running `make serve` (loopback only).

    .venv/bin/python scripts/loadtest.py --users 100 --duration 60 --ramp 3   # the bounded wrapper

Each visitor does what a browser does when it opens the map: GET /, the Dash layout and
dependencies, then the page-content callback (the page itself is built there) — all through the
project's one Dash client (bench/dash_http.py). It then changes one filter at a time, pausing
1,5 to 4,5 s between changes, and sends the view callback exactly as the browser does, then the
project table's rows when the view changed; now and then it fetches `/layers/region.geojson`.
Pauses: CARTE_LOADTEST_THINK (mean, seconds; 0 for a stress test with no pause).

Dash's 204 (« nothing to change ») counts as a success. The run stops by itself: Locust's
`--run-time` (set by the wrapper) and a cap on the number of requests (CARTE_LOADTEST_MAX_REQUESTS).
Any host other than 127.0.0.1/localhost stops the run before the first request.
"""
from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit

from locust import HttpUser, events, task
from locust.exception import StopUser

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.dash_http import DashApp, Reply  # noqa: E402

ALLOWED_HOSTS = ("127.0.0.1", "localhost")
MAX_REQUESTS = int(os.environ.get("CARTE_LOADTEST_MAX_REQUESTS", "1000000"))
THINK = float(os.environ.get("CARTE_LOADTEST_THINK", "3"))  # mean pause, seconds
# Component ids, as in components/ids.py (a renamed id shows up as an error in the first request).
LEVEL, MEASURE, REGION, MRC, THEME = "level-radio", "measure-radio", "filter-region", "filter-mrc", "filter-theme"
ALLIANCE, CYCLE, AMOUNT, SEARCH = "filter-mandataire", "filter-cycle", "filter-amount", "filter-search"
CHOICES = (REGION, MRC, THEME, ALLIANCE, CYCLE)
SEARCH_WORDS = ("", "jeunes", "logement", "sécurité alimentaire", "travail de rue", "aînés", "transport")


def loopback_only(host: str | None) -> None:
    parts = urlsplit(host or "")
    if parts.scheme != "http" or parts.hostname not in ALLOWED_HOSTS:
        raise SystemExit(f"refused: only http://127.0.0.1 or http://localhost may be load-tested, not {host!r}")


_run = {"environment": None, "requests": 0}


@events.init.add_listener
def _on_init(environment, **_):
    loopback_only(environment.host)
    _run["environment"] = environment


@events.request.add_listener
def _cap_requests(**_):
    _run["requests"] += 1
    runner = _run["environment"].runner if _run["environment"] else None
    if _run["requests"] >= MAX_REQUESTS and runner is not None:
        runner.quit()


def _think_time(user) -> float:
    """Pauses of 0,5 to 1,5 times THINK seconds between a visitor's changes (0: none, a stress test)."""
    return user.rng.uniform(0.5, 1.5) * THINK


class LocustHttp:
    """The transport `DashApp` needs, over Locust's client, so every request is counted by Locust under
    a readable name, and a 204 of a callback is a success."""

    def __init__(self, client):
        self.client = client

    def request(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None) -> Reply:
        name = _name(method, path, body)
        started = time.perf_counter()
        with self.client.request(method, path, data=body, headers={"Accept-Encoding": "gzip", **(headers or {})},
                                 name=name, catch_response=True) as response:
            seconds = time.perf_counter() - started
            if response.status_code == 204 and name.startswith("callback"):
                response.success()
            elif response.status_code != 200:
                response.failure(f"HTTP {response.status_code}: {response.text[:120]}")
            elif name.startswith("callback") and b'"response"' not in response.content:
                response.failure("callback answer without a response")
            return Reply(response.status_code, {k.lower(): v for k, v in response.headers.items()},
                         response.content or b"", response.content or b"", seconds, seconds)


def _name(method: str, path: str, body: bytes | None) -> str:
    if not path.split("?")[0].endswith("_dash-update-component"):
        return f"{method} {path.split('?')[0]}"
    text = (body or b"")[:300].decode("utf-8", "replace")
    if "_pages_content" in text:
        return "callback page"
    return "callback table rows" if "getRowsResponse" in text else "callback update_view"


class Visitor(HttpUser):
    wait_time = _think_time

    def on_start(self) -> None:
        self.rng = random.Random()
        self.app = DashApp(LocustHttp(self.client))
        try:
            self.app.discover()
        except (RuntimeError, KeyError, ValueError):
            raise StopUser()  # the failed request is already counted by Locust
        self.view = self.app.find_callback(f"{REGION}.value", "map.figure")
        self.table = next((cb for cb in self.app.callbacks if "getRowsResponse" in cb.output), None)
        props = self.app.components
        self.options = {key: [o["value"] if isinstance(o, dict) else o for o in props[key].get("options", [])]
                        for key in (LEVEL, MEASURE, *CHOICES) if key in props}
        self.amount_top = int(props.get(AMOUNT, {}).get("max", 8))

    @task(9)
    def change_a_filter(self) -> None:
        changed = self._random_change()
        reply = self.app.post(self.view, self.app.initial_values(self.view), [changed])
        self.app.remember(reply)
        if self.table is not None and reply.status == 200:
            table_id = self.table.inputs[0]["id"]
            self.app.components.setdefault(table_id, {})["getRowsRequest"] = {
                "startRow": 0, "endRow": 100, "sortModel": [], "filterModel": {}}
            self.app.post(self.table, self.app.initial_values(self.table), [f"{table_id}.getRowsRequest"])

    @task(1)
    def fetch_the_region_layer(self) -> None:
        self.client.get("/layers/region.geojson", name="GET /layers/region.geojson")

    def _random_change(self) -> str:
        """Change one filter the way a visitor would; returns the changed prop id."""
        choice = self.rng.choice([REGION, REGION, MRC, THEME, ALLIANCE, CYCLE, LEVEL, MEASURE, AMOUNT, SEARCH])
        props = self.app.components.setdefault(choice, {})
        if choice in (LEVEL, MEASURE):
            props["value"] = self.rng.choice(self.options[choice])
        elif choice == AMOUNT:
            low = self.rng.randint(0, self.amount_top)
            props["value"] = [low, self.rng.randint(low, self.amount_top)]
        elif choice == SEARCH:
            props["value"] = self.rng.choice(SEARCH_WORDS)
        else:
            pool = self.options.get(choice, [])
            props["value"] = self.rng.sample(pool, k=min(len(pool), self.rng.choice([0, 1, 1, 2])))
        return f"{choice}.value"
