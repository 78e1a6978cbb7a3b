"""Browser tests: the real app in a subprocess, driven by Playwright in Debian's Chromium.

Chromium comes from Debian (`make test` installs it); a browser downloaded by a test tool is never
used. Screenshots go to test-artifacts/ for people to look at.
"""
from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from bench.browser import start_app
from tests.servers import running

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
# Flags from this machine's notes: no sandbox as root, and no background calls to Google's hosts.
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]


@pytest.fixture(scope="session")
def server_url():
    ARTIFACTS.mkdir(exist_ok=True)
    with running("app.py", ARTIFACTS / "server.log") as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not Path(CHROMIUM).exists():
        # In CI (and for root, where `make test` installs it) a missing browser is a failure, never a
        # silent skip of every browser test; elsewhere the developer is told why they did not run.
        if os.environ.get("CI"):
            pytest.fail("Debian's chromium is missing: make test installs it, and CI never skips the browser tests")
        else:
            pytest.skip("Debian's chromium is not installed (make test installs it when it can)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class PageWatch:
    """A page with its console errors and the hosts it asked for, recorded from the first request."""

    def __init__(self, browser, server_url: str, width: int = 1280, height: int = 900):
        self.context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-CA")
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.base = server_url

    def open(self, path: str = "/"):
        self.page.goto(self.base + path)
        wait_for_map(self.page)
        return self.page

    def close(self):
        self.context.close()


def wait_for_map(page, timeout: float = 30_000):
    """Until the map's traces exist and its territories have been drawn. On `/`'s first paint the
    app loads at the visitor's first gesture: one is made first, as a visitor would (a mouse move)."""
    start_app(page, timeout)
    page.wait_for_function(
        "() => { const gd = document.querySelector('#map .js-plotly-plot');"
        " return gd && gd.data && gd.data.length >= 3 && gd._fullLayout && gd._fullLayout.map"
        " && gd.dataset.fitted === '1' && gd._fullLayout.map._subplot"
        " && gd._fullLayout.map._subplot.map.loaded() && !gd._fullLayout.map._subplot.map.isMoving(); }",
        timeout=timeout)


def choose_by_typing(page, dropdown_id: str, typed: str, option: str) -> None:
    """Open a filter list, type in its search box as a visitor would, and press Enter once the list has
    filtered to the one `option` (typing under a loaded run can lag behind the keys)."""
    page.locator(f"#{dropdown_id}").click()
    # Type only once the list's search box has the focus (it appears a moment after the click).
    page.wait_for_function("() => document.activeElement.classList.contains('dash-dropdown-search')")
    page.keyboard.type(typed)
    page.wait_for_function("(text) => { const o = document.querySelectorAll('.dash-dropdown-option');"
                           " return o.length === 1 && o[0].innerText.includes(text); }", arg=option)
    page.keyboard.press("Enter")


def show_table(page, timeout: float = 20_000):
    """Scroll to the project table, which loads AG Grid as it comes into view (pages/dashboard/lazy_grid.py),
    and wait until the grid holds its first block of rows (or says the view has none)."""
    start_app(page, timeout)  # a view of the map arrives drawn by the server: the table is the app's
    # The page's own first callbacks end first: a late one would empty the grid's cache while we count.
    page.wait_for_load_state("networkidle")
    page.locator("#projects-table-slot").scroll_into_view_if_needed()
    page.wait_for_function(
        "() => { let api; try { api = window.dash_ag_grid && dash_ag_grid.getApi('projects-table'); }"
        " catch (error) { return false; }"  # getApi throws until the grid is ready
        " if (!api) { return false; } const first = api.getDisplayedRowAtIndex(0);"
        " return !!(first && first.data) || !!document.querySelector('#projects-table .ag-overlay-no-rows-wrapper'); }",
        timeout=timeout)  # an empty view shows AG Grid's "no rows" overlay


def map_state(page) -> dict:
    """What the map shows right now, read from the Plotly graph in the page."""
    return page.evaluate(
        "() => { const gd = document.querySelector('#map .js-plotly-plot');"
        " return {nodata: gd.data[0].locations || [], located: gd.data[1].locations || [],"
        " z: gd.data[1].z || [], points: (gd.data[2].lon || []).length,"
        " geojson: gd.data[1].geojson, zoom: gd._fullLayout.map.zoom, center: gd._fullLayout.map.center}; }")


@pytest.fixture()
def watch(browser, server_url):
    pages: list[PageWatch] = []

    def make(width: int = 1280, height: int = 900) -> PageWatch:
        pages.append(PageWatch(browser, server_url, width, height))
        return pages[-1]

    yield make
    for p in pages:
        p.close()
