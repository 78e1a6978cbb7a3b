"""The browser part: what a first visit downloads, and how long the map takes to redraw after a click.

Debian's Chromium driven by Playwright (never a browser downloaded by Playwright). Both apps have a
`#filter-region` dropdown (Dash 4's, options as checkboxes in a popover) and a `#map` graph, so the
same clicks measure both.
"""
from __future__ import annotations

import shutil
import time
from pathlib import Path

from playwright.sync_api import TimeoutError as PlaywrightTimeout

from bench.dash_http import gzip_size
from bench.updates import stats

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# No sandbox (we run as root in CI) and no background calls to Google's hosts: loopback only.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync"]
PAGE_TIMEOUT_MS = 180_000  # a million-project baseline page takes a while
REDRAW_TIMEOUT_MS = 60_000
MAX_TIMEOUTS = 2  # clicks that never redraw: after this many, the page is broken; stop clicking
# Conditions are polled on a timer, not on animation frames: inside a frame MapLibre may be
# mid-render and report loaded() == false every time, so a frame-polled wait never ends.
POLL_MS = 50
IDLE_GRACE_MS = 3_000  # after the redraw, how long MapLibre may take to report `idle`
GRAPH = "#map .js-plotly-plot"

MAP_READY_JS = """() => { const gd = document.querySelector('%s');
  const m = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
            && gd._fullLayout.map._subplot.map;
  return !!(m && gd.data && gd.data.length && m.loaded() && !m.isMoving()); }""" % GRAPH

# Timestamps taken inside the page (performance.now()), so Playwright's own round trips do not
# count. t0: the pointerdown of the armed click. Redrawn: the first MapLibre `idle` event (the
# canvas shows everything it was given) at which the graph's data differ from before the click.
# plotly_afterplot is recorded too but is not the end: with a Patch, Plotly may emit it only at a
# later relayout (the page height changes when the table's rows arrive), after the map is drawn.
INSTRUMENT_JS = """(graph) => {
  const sig = (gd) => JSON.stringify((gd.data || []).map(
      t => [t.locations, t.z, t.lon ? t.lon.length : 0]));
  const b = window.__bench = window.__bench || {armed: false, t0: null};
  const changed = () => b.t0 !== null && sig(document.querySelector(graph)) !== b.before;
  if (!b.listening) {
    document.addEventListener('pointerdown', () => {
      if (b.armed) { b.t0 = performance.now(); b.armed = false; } }, true);
    b.listening = true;
  }
  b.hook = () => {
    const gd = document.querySelector(graph);
    if (gd && gd.on && !gd.__benchHooked) {
      gd.on('plotly_afterplot', () => {
        if (b.afterplot === null && changed()) b.afterplot = performance.now();
        b.hook();  // a whole new figure may come with a new MapLibre map
      });
      gd.on('plotly_relayout', () => { if (b.t0 !== null && b.idle === null) b.relayouts += 1; });
      gd.__benchHooked = true;
    }
    const m = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
              && gd._fullLayout.map._subplot.map;
    if (m && !m.__benchHooked) {
      m.on('idle', () => { if (b.idle === null && changed()) b.idle = performance.now(); });
      m.on('render', () => { if (b.t0 !== null && b.idle === null) b.renders += 1; });
      m.__benchHooked = true;
    }
  };
  b.arm = () => {
    b.hook();
    b.before = sig(document.querySelector(graph));
    performance.clearResourceTimings();
    b.t0 = null; b.afterplot = null; b.idle = null; b.armed = true; b.renders = 0; b.relayouts = 0;
  };
  b.hook();
}"""

REDRAWN_JS = """(grace) => { const b = window.__bench;
  return b.idle !== null || (b.afterplot !== null && performance.now() - b.afterplot > grace); }"""

# The callback request the click caused: its answer's last byte, for the breakdown
# click → answer received → map drawn; and how many frames MapLibre drew (each costs tens of ms
# in software WebGL) and how many relayouts the map had until then (a camera moved after the data).
RESULT_JS = """() => { const b = window.__bench;
  const r = performance.getEntriesByType('resource').find(
      e => e.name.includes('_dash-update-component') && e.startTime >= b.t0);
  return {t0: b.t0, afterplot: b.afterplot, idle: b.idle, response_end: r ? r.responseEnd : null,
          renders: b.renders, relayouts: b.relayouts}; }"""


def chromium_available() -> bool:
    return Path(CHROMIUM).exists()


def launch(playwright):
    return playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)


def measure(browser, url: str, clicks: int, warmup: int = 2, page_timeout_ms: float = PAGE_TIMEOUT_MS,
            redraw_timeout_ms: float = REDRAW_TIMEOUT_MS) -> dict:
    """First-visit transfer, then `clicks` region changes timed to the redrawn map (same page)."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-CA")
    try:
        page = context.new_page()
        page.set_default_timeout(page_timeout_ms)
        transfer = page_transfer(page, url, page_timeout_ms)
        redraw = redraw_times(page, clicks, warmup, redraw_timeout_ms)
        return {"transfer": transfer, "redraw": redraw}
    finally:
        context.close()


# ---------------------------------------------------------------- first visit


def start_app(page, timeout_ms: float) -> None:
    """A view of the map first shows the page written on the server (web/first_paint.py) and loads the
    app when the visitor asks for something only it does: ask for it (what a tap on the map does),
    so the visit measured is that of the full app. The baseline has no first paint: nothing to do."""
    if page.locator("#first-paint").count():
        page.evaluate("() => window.carteStartApp && window.carteStartApp()")
        page.wait_for_function("() => !document.getElementById('first-paint')", timeout=timeout_ms,
                               polling=POLL_MS)


def page_transfer(page, url: str, timeout_ms: float) -> dict:
    """Every response of a first visit (cold cache) until the map is drawn and the network is quiet."""
    finished, failed = [], []
    page.on("requestfinished", lambda r: finished.append(r))
    page.on("requestfailed", lambda r: failed.append(r.url))
    started = time.perf_counter()
    page.goto(url, wait_until="load")
    start_app(page, timeout_ms)
    page.wait_for_function(MAP_READY_JS, timeout=timeout_ms, polling=POLL_MS)
    to_map = time.perf_counter() - started
    page.wait_for_load_state("networkidle")  # the table's rows, late callbacks
    items = []
    for request in finished:
        response = request.response()
        if response is None or request.url.startswith(("blob:", "data:")):
            continue  # made inside the page (a worker's script), never on the network
        try:
            body = response.body()
        except Exception:  # redirects and some cached answers have no body to give
            body = b""
        sizes = request.sizes()
        items.append({"url": _short(request.url, url), "type": request.resource_type, "status": response.status,
                      "raw_bytes": len(body), "gzip_bytes": gzip_size(body) if body else 0,
                      "wire_bytes": sizes["responseBodySize"] + sizes["responseHeadersSize"],
                      "content_encoding": response.headers.get("content-encoding", "identity")})
    items.sort(key=lambda i: i["gzip_bytes"], reverse=True)
    return {"requests": len(items), "failed_requests": failed, "seconds_to_map": to_map,
            "raw_bytes": sum(i["raw_bytes"] for i in items), "gzip_bytes": sum(i["gzip_bytes"] for i in items),
            "wire_bytes": sum(i["wire_bytes"] for i in items), "largest": items[:5], "items": items}


def _short(request_url: str, base: str) -> str:
    """The path of a URL of the server under test (ports change between runs); others unchanged."""
    origin = base.rstrip("/")
    if not request_url.startswith(origin):
        return request_url
    return request_url[len(origin):] or "/"


# ---------------------------------------------------------------- redraw after a click


def redraw_times(page, clicks: int, warmup: int, timeout_ms: float) -> dict:
    """Click region options in `#filter-region` and time each redraw (warm-up clicks not counted)."""
    page.evaluate(INSTRUMENT_JS, GRAPH)
    regions = page_regions(page)
    multi = _is_multi(page)
    samples, timeouts, fallbacks = [], 0, 0
    for n, code in enumerate(_click_plan(regions, multi, warmup + clicks)):
        _open_dropdown(page)
        page.evaluate("() => window.__bench.arm()")
        page.locator(f".dash-dropdown-content .dash-dropdown-option:has(input[value='{code}'])").click()
        try:
            page.wait_for_function(REDRAWN_JS, arg=IDLE_GRACE_MS, timeout=timeout_ms, polling=POLL_MS)
        except PlaywrightTimeout:
            timeouts += 1  # counted and reported; one stuck click must not sink the whole run
            if timeouts >= MAX_TIMEOUTS:
                break
            continue
        finally:
            if not multi:
                page.keyboard.press("Escape")
        t = page.evaluate(RESULT_JS)
        if n < warmup:
            continue
        fallbacks += t["idle"] is None
        end = t["idle"] if t["idle"] is not None else t["afterplot"]
        samples.append({"redraw_ms": end - t["t0"],
                        "response_ms": (t["response_end"] - t["t0"]) if t["response_end"] else None,
                        "draw_ms": (end - t["response_end"]) if t["response_end"] else None,
                        "renders": t["renders"], "relayouts": t["relayouts"]})
    page.keyboard.press("Escape")
    return {"n": len(samples), "action": "region option clicked in #filter-region (each click a new view)",
            "redraw_ms": stats([s["redraw_ms"] for s in samples]),
            # click → last byte of the callback's answer, then answer → map idle with the new data
            "response_ms": stats([s["response_ms"] for s in samples if s["response_ms"] is not None]),
            "draw_ms": stats([s["draw_ms"] for s in samples if s["draw_ms"] is not None]),
            # MapLibre frames drawn and map relayouts between the click and the map drawn
            "renders": stats([s["renders"] for s in samples]),
            "relayouts": stats([s["relayouts"] for s in samples]),
            "timeouts": timeouts, "without_idle_event": fallbacks}


def page_regions(page) -> list[str]:
    _open_dropdown(page)
    codes = page.eval_on_selector_all(".dash-dropdown-content .dash-dropdown-option input", "els => els.map(e => e.value)")
    page.keyboard.press("Escape")
    if not codes:
        raise RuntimeError("no option found in #filter-region")
    return codes


def _is_multi(page) -> bool:
    _open_dropdown(page)
    kind = page.eval_on_selector(".dash-dropdown-content .dash-dropdown-option input", "e => e.type")
    page.keyboard.press("Escape")
    return kind == "checkbox"


def _open_dropdown(page) -> None:
    if page.get_attribute("#filter-region", "aria-expanded") != "true":
        page.locator("#filter-region").click()
    page.wait_for_selector(".dash-dropdown-content .dash-dropdown-option input", state="attached")


def _click_plan(regions: list[str], multi: bool, n: int) -> list[str]:
    """Options to click, each click changing the view to one not seen before (the app caches the
    outputs of views already computed; a benchmark of cache hits would say little).

    Multiple choice: select r1 → [r1], select r2 → [r1, r2], unselect r1 → [r2], select r3 → [r2, r3]…
    Single choice: r1, r2, r3… (the baseline caches nothing; after the last region it starts again).
    """
    if not multi:
        return [regions[i % len(regions)] for i in range(n)]
    plan = [regions[0]]
    i = 0
    while len(plan) < n:
        plan += [regions[(i + 1) % len(regions)], regions[i % len(regions)]]
        i += 1
    return plan[:n]
