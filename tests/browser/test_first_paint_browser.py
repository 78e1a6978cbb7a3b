"""`/`'s first paint (web/first_paint.py): the coloured map and the figures are on screen before any
of Dash's scripts or plotly.js has loaded, and at the first gesture the interactive map takes over
with the same view and no console error. A permalink with a query loads the app at once."""
from __future__ import annotations

import re

from tests.browser.conftest import map_state, wait_for_map

GREY = "#c8c8c8"  # figures.NO_DATA_COLOUR


def _first_paint_map(page) -> list[dict]:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('#first-paint .fp-svg path[data-id]')).map(p => ({"
        " id: p.dataset.id, fill: p.getAttribute('fill'), value: p.dataset.value === undefined ? null"
        " : Number(p.dataset.value), href: p.closest('a') && p.closest('a').getAttribute('href')}))")


def test_the_first_paint_holds_the_coloured_map_and_the_figures_before_any_script(watch):
    w = watch(375, 812)
    blocked: list[str] = []

    def refuse(route):  # neither plotly.js nor any of Dash's scripts may be needed for the first paint
        blocked.append(route.request.url)
        route.abort()

    w.page.route(re.compile(r".*(/_dash-component-suites/|plotly).*"), refuse)
    w.page.goto(w.base + "/")
    w.page.wait_for_selector("#first-paint .fp-svg")
    w.page.wait_for_timeout(500)  # time for anything that would load by itself
    assert blocked == []
    territories = _first_paint_map(w.page)
    assert len(territories) == 17  # the default view is by region
    coloured = [t for t in territories if t["value"] is not None]
    assert coloured and all(t["fill"] != GREY for t in coloured)
    assert all(t["fill"] == GREY for t in territories if t["value"] is None)
    assert all(t["href"] == f"/region/{t['id']}" for t in territories)  # readable and linkable regions
    # Its legend, its sentence, the headline figures, the summary and the text table of territories.
    text = w.page.locator("#first-paint").inner_text()
    assert "Aucune donnée connue" in w.page.locator("#first-paint .fp-legend").inner_text()
    assert w.page.locator("#first-paint .map-sentence").inner_text().startswith("La carte montre")
    assert w.page.locator("#first-paint .headline .card").count() == 4
    assert re.search(r"\d[\d\u202f\u00a0 ]*[\u202f\u00a0 ]\$", w.page.locator("#first-paint .headline").inner_text())
    assert w.page.locator("#first-paint .view-summary").inner_text()
    rows = w.page.locator("#first-paint .territory-table tbody tr")
    assert rows.count() == len(coloured)
    assert "PAGIEPS 2017–2023" in text  # the program strip
    # The app waits out of sight and out of the accessibility tree.
    assert w.page.locator("#carte-app").get_attribute("aria-hidden") == "true"
    assert w.errors == []


def test_at_the_first_gesture_the_interactive_map_takes_over_with_the_same_view(watch):
    w = watch(1440, 900)
    w.page.goto(w.base + "/")
    w.page.wait_for_selector("#first-paint .fp-svg")
    drawn = {t["id"]: t["value"] for t in _first_paint_map(w.page)}
    assert not [r for r in w.requests if "plotly" in r]
    wait_for_map(w.page)  # makes the gesture (a mouse move), as a visitor would
    assert w.page.locator("#first-paint").count() == 0
    assert w.page.locator("#carte-app").get_attribute("aria-hidden") is None
    state = map_state(w.page)
    interactive = dict(zip(state["located"], state["z"]))
    assert {k for k, v in drawn.items() if v is not None} == set(interactive)
    assert all(abs(interactive[k] - v) < 1e-9 for k, v in drawn.items() if v is not None)
    assert set(state["nodata"]) == {k for k, v in drawn.items() if v is None}
    assert w.page.locator("#map-sentence").inner_text().startswith("La carte montre")
    assert w.page.url.rstrip("/") == w.base.rstrip("/")  # still the default view
    w.page.wait_for_timeout(500)
    assert w.errors == []


def test_a_keyboard_visitor_starts_the_app_with_the_first_tab(watch):
    w = watch(1280, 900)
    w.page.goto(w.base + "/")
    w.page.wait_for_selector("#first-paint")
    w.page.keyboard.press("Tab")  # the skip link: focusin starts the app
    w.page.wait_for_function("() => !document.getElementById('first-paint')", timeout=30_000)
    wait_for_map(w.page)
    assert w.errors == []


def test_a_permalink_with_a_query_loads_the_app_at_once(watch):
    w = watch(1280, 900)
    w.page.goto(w.base + "/?level=mrc&region=14")
    assert w.page.locator("#first-paint").count() == 0
    # No gesture at all: the map draws by itself.
    w.page.wait_for_function("() => { const gd = document.querySelector('#map .js-plotly-plot');"
                             " return gd && gd.data && gd.data.length >= 3; }", timeout=30_000)
    state = map_state(w.page)
    assert len(state["located"]) + len(state["nodata"]) > 17  # MRC, not regions
    assert w.errors == []


def test_the_embed_is_drawn_first_and_its_map_takes_over_when_a_pointer_reaches_it(watch):
    w = watch(600, 450)
    w.page.goto(w.base + "/embed?region=14&level=mrc")
    w.page.wait_for_selector("#first-paint .fp-svg")
    assert not [r for r in w.requests if "/_dash-component-suites/" in r or "plotly" in r]
    drawn = {t["id"]: t["value"] for t in _first_paint_map(w.page)}
    assert all(t["href"] is None for t in _first_paint_map(w.page))  # one image: no links inside role="img"
    assert w.page.locator("#first-paint .embed-summary").inner_text()
    w.page.locator(".embed-title").hover()
    w.page.wait_for_function("() => !document.getElementById('first-paint')", timeout=30_000)
    w.page.wait_for_function(
        "() => { const gd = document.querySelector('#embed-map .js-plotly-plot');"
        " return gd && gd.dataset.fitted === '1' && gd._fullLayout.map._subplot.map.loaded(); }", timeout=30_000)
    located = w.page.evaluate("() => document.querySelector('#embed-map .js-plotly-plot').data[1].locations")
    assert set(located) == {k for k, v in drawn.items() if v is not None}
    assert w.errors == []
