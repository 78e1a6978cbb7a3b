"""The map's first paint (web/first_paint.py): any view arrives drawn by the server, its controls work
before any script of Dash's has run (links and GET forms), nothing a visitor does is lost, and when
the app is needed it takes over with the same view, the typed text and the focus, without a jump.

The phone tests run as issue 24 measured: 375 × 812, touch, CPU slowed 4× (CDP)."""
from __future__ import annotations

import re

import pytest

from tests.browser.conftest import map_state, wait_for_map

GREY = "#c8c8c8"  # figures.NO_DATA_COLOUR
TAKEOVER_MS = 90_000  # the app under a 4× slower CPU on a shared machine
# Layout shifts after the visitor's gesture (CLS's own rule: shifts within 500 ms of an input do not count).
SHIFTS_JS = """() => { window.__shifts = []; new PerformanceObserver(list => { for (const e of list.getEntries()) {
  if (!e.hadRecentInput) window.__shifts.push(e.value); } }).observe({type: 'layout-shift', buffered: false}); }"""


def _first_paint_map(page) -> list[dict]:
    return page.evaluate(
        "() => Array.from(document.querySelectorAll('#first-paint .fp-svg path[data-id]')).map(p => ({"
        " id: p.dataset.id, fill: p.getAttribute('fill'), value: p.dataset.value === undefined ? null"
        " : Number(p.dataset.value), href: p.closest('a') && p.closest('a').getAttribute('href')}))")


@pytest.fixture()
def phone(browser, server_url):
    """A phone as issue 24 measured it: 375 × 812, touch, CPU slowed 4×; its console errors recorded."""
    context = browser.new_context(viewport={"width": 375, "height": 812}, has_touch=True, is_mobile=True,
                                  locale="fr-CA")
    page = context.new_page()
    page.errors = []
    page.on("console", lambda m: page.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: page.errors.append(str(e)))
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    page.base = server_url
    yield page
    context.close()


def _open(page, path: str = "/") -> None:
    page.goto(page.base + path)
    page.wait_for_selector("#first-paint .fp-svg")


def _written_sentence(page) -> str:
    return page.locator("#first-paint .map-sentence span").first.inner_text()


# ---------------------------------------------------------------- drawn before any script

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
    # Later, the idle page prefetches the app's scripts, which this test refuses: only those may fail.
    assert [e for e in w.errors if "Failed to load resource" not in e] == []


def test_reading_scrolling_and_tabbing_do_not_start_the_app(watch):
    """The app is loaded when something needs it, not at any gesture: its scripts may be prefetched
    (in the cache, not run), but the written page stays and no Dash code runs."""
    w = watch(1280, 900)
    w.page.goto(w.base + "/")
    w.page.wait_for_selector("#first-paint .fp-svg")
    w.page.mouse.move(40, 40)
    w.page.mouse.move(300, 300)
    w.page.mouse.wheel(0, 400)  # over the page, not the map
    w.page.keyboard.press("Tab")
    w.page.wait_for_timeout(1500)
    assert w.page.locator("#first-paint").count() == 1
    assert w.page.evaluate("() => typeof window.DashRenderer") == "undefined"
    assert w.errors == []


def test_when_the_app_is_asked_for_it_takes_over_with_the_same_view(watch):
    w = watch(1440, 900)
    w.page.goto(w.base + "/")
    w.page.wait_for_selector("#first-paint .fp-svg")
    drawn = {t["id"]: t["value"] for t in _first_paint_map(w.page)}
    wait_for_map(w.page, timeout=TAKEOVER_MS)  # asks for the app, as a zoom on the map would
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


def test_a_permalink_with_a_query_is_drawn_too_and_the_app_shows_the_same_view(watch):
    w = watch(1280, 900)
    w.page.goto(w.base + "/?level=mrc&region=14")
    w.page.wait_for_selector("#first-paint .fp-svg")
    drawn = {t["id"] for t in _first_paint_map(w.page)}
    assert {"joliette", "matawinie", "d-autray"} <= drawn  # MRC, around Lanaudière
    wait_for_map(w.page, timeout=TAKEOVER_MS)
    state = map_state(w.page)
    assert len(state["located"]) + len(state["nodata"]) > 17  # MRC, not regions
    assert "ignorés" not in w.page.locator("#carte-app").inner_text()
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


# ---------------------------------------------------------------- a phone's first tap is never lost

def test_phone_tap_on_a_measure_shows_that_measure(phone):
    _open(phone)
    assert "Nombre de projets" not in _written_sentence(phone)
    phone.locator("#first-paint .filters").get_by_text("Nombre de projets", exact=True).tap()
    phone.wait_for_url(re.compile(r"/\?measure=count$"))
    phone.wait_for_selector("#first-paint .fp-svg path[data-id]")
    assert "Nombre de projets" in _written_sentence(phone)
    current = phone.locator('#first-paint #fp-measure-radio [aria-current="true"]').inner_text()
    assert current == "Nombre de projets"
    assert phone.errors == []


def test_phone_tap_on_a_frame_button_frames_the_map(phone):
    _open(phone, "/?measure=count")
    phone.locator("#first-paint .map-frames").get_by_text("Grand Montréal", exact=True).tap()
    phone.wait_for_url(re.compile(r"frame=montreal"))
    phone.wait_for_selector('#first-paint .fp-map[data-frame="montreal"] .fp-svg')
    assert phone.locator('#first-paint [data-frame="montreal"][aria-pressed="true"]').count() == 1
    assert "Nombre de projets" in _written_sentence(phone)  # the rest of the view kept
    assert phone.errors == []


def test_phone_tap_on_a_level_draws_that_level(phone):
    _open(phone)
    phone.locator("#first-paint #fp-level-radio").get_by_text("MRC", exact=True).tap()
    phone.wait_for_url(re.compile(r"level=mrc"))
    phone.wait_for_selector("#first-paint .fp-svg path[data-id]")
    assert len(_first_paint_map(phone)) > 50  # MRC of the southern frame, not 17 regions
    assert all((t["href"] or "").startswith("/mrc/") for t in _first_paint_map(phone))
    assert phone.errors == []


def test_phone_region_chosen_in_the_list_is_shown(phone):
    _open(phone)
    phone.locator('#first-paint select[name="region"]').select_option("14")
    phone.wait_for_url(re.compile(r"/\?region=14$"))  # empty lists stay out of the address
    phone.wait_for_selector("#first-paint .fp-svg path[data-id]")
    assert phone.locator("#first-paint .view-summary").inner_text().startswith("Lanaudière")
    assert phone.locator('#first-paint select[name="region"]').input_value() == "14"
    assert phone.errors == []


def test_phone_the_search_sends_what_was_typed_to_the_place_search(phone):
    asked: list[str] = []

    def place_page(route):  # the municipality search's page is another module's: only the request matters here
        asked.append(route.request.url)
        route.fulfill(status=200, content_type="text/html", body="<title>lieu</title>")

    phone.route(re.compile(r".*/lieu\?.*"), place_page)
    _open(phone)
    search = phone.locator("#first-paint input[name='q']")
    search.tap()
    search.type("Saint-Jérôme")
    search.press("Enter")
    phone.wait_for_url(re.compile(r"/lieu\?"))
    assert asked and "q=Saint-J%C3%A9r%C3%B4me" in asked[0]


def test_phone_typed_text_and_focus_survive_the_takeover(phone):
    _open(phone)
    search = phone.locator("#first-paint input[name='q']")
    search.tap()
    search.type("cuisine")
    # Something that needs the app (a pinch on the map) while the visitor keeps typing.
    phone.evaluate("() => window.carteStartApp()")
    search.type(" collective")
    phone.wait_for_function("() => !document.getElementById('first-paint')", timeout=TAKEOVER_MS)
    assert phone.locator("#filter-search").input_value() == "cuisine collective"
    assert phone.evaluate("() => document.activeElement.id") == "filter-search"
    assert phone.errors == []


def test_phone_a_control_that_needs_the_app_says_so_and_the_page_does_not_jump(phone):
    _open(phone, "/?measure=count")
    slider = phone.locator("#first-paint .fp-slider")
    slider.scroll_into_view_if_needed()
    phone.evaluate(SHIFTS_JS)
    before = slider.bounding_box()["y"]
    map_before = phone.evaluate("() => document.querySelector('#first-paint .map').getBoundingClientRect().top")
    slider.tap()
    assert phone.locator("#first-paint .fp-waiting").get_attribute("data-waiting") == "Chargement…"
    phone.wait_for_function("() => !document.getElementById('first-paint')", timeout=TAKEOVER_MS)
    phone.wait_for_timeout(1000)
    after = phone.locator("#filter-amount").bounding_box()["y"]
    map_after = phone.evaluate("() => document.querySelector('#map').getBoundingClientRect().top")
    assert abs(after - before) <= 4  # the control the visitor touched stays under their finger
    assert abs(map_after - map_before) <= 4
    assert sum(phone.evaluate("() => window.__shifts")) <= 0.05  # CLS across the takeover
    # The app's slider has the focus: the visitor goes on where they were.
    phone.wait_for_function("() => !!document.activeElement.closest('#filter-amount')", timeout=10_000)
    assert phone.errors == []
