"""The map goes where the visitor chose (issue 23, bullet 3) and says so when it colours nothing (bullet 7).

Choosing a region or an MRC in a list, by a click on the map or through a permalink frames the map on
it with room for its neighbours (components/map/bounds.py, fitted by assets/fit_map.js), outlines it
(traces 3–5 of the map: regions, MRC, Alliances) and names it in the sentence above the map. A pan by
the visitor is not undone by an unrelated change. The embed shows its legend and source line inside
the usual frames. An empty view says why and links the nearest view with data; no empty ranking.
"""
from __future__ import annotations

import pytest

from components.map.bounds import territory_bounds, view_bounds
from components.permalink import view_from_query
from tests.browser.conftest import choose_by_typing, wait_for_map
from tests.browser.test_embed_browser import ARTICLE, _wait_for_embedded_map, other_origin

GRAPH = "document.querySelector('#map .js-plotly-plot')"
# What the map shows on screen, in degrees, and which territories it outlines.
SHOWN_JS = ("() => { const gd = " + GRAPH + "; const b = gd._fullLayout.map._subplot.map.getBounds();"
            " return {west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth(),"
            " frame: gd.dataset.frame, regions: gd.data[3].locations, mrcs: gd.data[4].locations,"
            " pressed: Array.from(document.querySelectorAll('button[data-frame][aria-pressed=true]'))"
            ".map(b => b.dataset.frame)}; }")
SETTLED_JS = ("() => { const gd = " + GRAPH + "; const m = gd._fullLayout.map._subplot.map;"
              " return m.loaded() && !m.isMoving(); }")


def _shown(page) -> dict:
    page.wait_for_function(SETTLED_JS)
    return page.evaluate(SHOWN_JS)


def _holds(shown: dict, box, slack: float = 0.02) -> bool:
    west, south, east, north = box
    return (shown["west"] <= west + slack and shown["east"] >= east - slack
            and shown["south"] <= south + slack and shown["north"] >= north - slack)


def _wait_for_frame(page, wanted: str = "view"):
    page.wait_for_function(f"() => {GRAPH}.dataset.frame === '{wanted}'", timeout=30_000)
    page.wait_for_timeout(300)  # the relayout has started: let MapLibre settle (SETTLED_JS)


def _assert_framed_on(shown: dict, level: str, territory: str, query: str):
    """The territory is wholly on screen, with its neighbours (the frame's room) and not all of the south."""
    box = territory_bounds()[level][territory]
    assert _holds(shown, box), (shown, box)
    frame = view_bounds(view_from_query(query)[0])
    # The screen shows the frame (fitted, so one side may show more): its room around the territory is seen.
    assert _holds(shown, frame, slack=0.15 * (frame[2] - frame[0])), (shown, frame)
    assert _fitted(shown, frame, room=1.6), (shown, frame)  # the legend and colour bar take some height


def _fitted(shown: dict, frame, room: float = 1.3) -> bool:
    """The screen is fitted to the frame: across or down (whichever fills the screen), it shows
    little more than the frame (never the southern frame's 18.6° across). `room`: how much more, at
    most (a short map gives up to 45 % of its height to its legend and colour bar)."""
    return (shown["east"] - shown["west"] < room * (frame[2] - frame[0])
            or shown["north"] - shown["south"] < room * (frame[3] - frame[1]))


def test_choosing_lanaudiere_in_the_list_frames_outlines_and_names_it(watch):
    w = watch(1440, 900)
    page = w.open("/?measure=per_capita")
    assert _shown(page)["frame"] == "south"
    choose_by_typing(page, "filter-region", "Lanaudi", "Lanaudière")
    _wait_for_frame(page)
    shown = _shown(page)
    _assert_framed_on(shown, "region", "14", "region=14")
    assert shown["regions"] == ["14"] and shown["pressed"] == []
    assert "Lanaudière" in page.locator("#map-sentence").inner_text()
    page.screenshot(path="test-artifacts/framing-list-lanaudiere.png")
    assert w.errors == []


# Counts the map's relayouts from now on: a camera moved after the data were drawn (issue 28).
COUNT_RELAYOUTS_JS = ("() => { const gd = " + GRAPH + "; gd.__relayouts = 0;"
                      " gd.on('plotly_relayout', () => { gd.__relayouts += 1; }); }")


def test_a_chosen_region_comes_framed_with_its_data_and_an_unrelated_change_keeps_the_frame(watch):
    """The frame is put into the figure Dash draws: no relayout after the new data (each one made
    MapLibre tile everything again, and Dash draw the whole figure a second time)."""
    w = watch(1440, 900)
    page = w.open("/?measure=per_capita")
    assert _shown(page)["frame"] == "south"
    page.evaluate(COUNT_RELAYOUTS_JS)
    choose_by_typing(page, "filter-region", "Lanaudi", "Lanaudière")
    _wait_for_frame(page)
    shown = _shown(page)
    _assert_framed_on(shown, "region", "14", "region=14")
    assert page.evaluate(f"() => {GRAPH}.__relayouts") == 0
    # Dash's own figure still holds the camera from before the frame: a change of measure (same
    # territory) must not bring it back.
    page.locator("#measure-radio").get_by_label("Nombre de projets").check()
    page.wait_for_function("() => document.querySelector('#map-sentence').innerText.includes('Nombre de projets')")
    page.wait_for_timeout(800)
    after = _shown(page)
    assert abs(after["west"] - shown["west"]) < 0.01 and abs(after["north"] - shown["north"]) < 0.01, (after, shown)
    assert w.errors == []


def test_a_click_on_bas_saint_laurent_frames_and_outlines_it(watch):
    w = watch(1440, 900)
    page = w.open("/")
    lon, lat = _clear_point(page, "01")
    page.locator("#map").scroll_into_view_if_needed()
    x, y = page.evaluate("([lon, lat]) => { const p = " + GRAPH + "._fullLayout.map._subplot.map.project([lon, lat]);"
                         " return [p.x, p.y]; }", [lon, lat])
    canvas = page.locator("#map canvas").first.bounding_box()
    page.mouse.click(canvas["x"] + x, canvas["y"] + y)
    _wait_for_frame(page)
    shown = _shown(page)
    _assert_framed_on(shown, "region", "01", "region=01")
    assert shown["regions"] == ["01"]
    page.wait_for_function("() => document.querySelector('#map-sentence').innerText.includes('Bas-Saint-Laurent')")
    assert w.errors == []


def _clear_point(page, region: str) -> tuple[float, float]:
    """A point inside `region`, as far as can be from the project dots (a click on a dot is not a
    click on the territory): among its MRC's representative points, the farthest from every dot."""
    from geo import layers
    mrc = layers.territories("mrc")
    candidates = mrc[mrc.region_code.astype(str) == region][["rep_lon", "rep_lat"]].to_numpy(dtype=float)
    dots = page.evaluate(f"() => [{GRAPH}.data[2].lon || [], {GRAPH}.data[2].lat || []]")
    points = list(zip(*dots))

    def clearance(point) -> float:
        return min(((point[0] - x) ** 2 + (point[1] - y) ** 2 for x, y in points), default=1e9)

    best = max(candidates.tolist(), key=clearance)
    return float(best[0]), float(best[1])


def test_a_permalink_frames_an_mrc_outlined_on_the_map_of_regions_and_a_pan_survives_a_measure_change(watch):
    w = watch(1440, 900)
    page = w.open("/?mrc=rimouski-neigette")
    _wait_for_frame(page)
    shown = _shown(page)
    _assert_framed_on(shown, "mrc", "rimouski-neigette", "mrc=rimouski-neigette")
    assert shown["mrcs"] == ["rimouski-neigette"] and shown["regions"] == []  # an MRC outlined among regions
    assert "Rimouski-Neigette" in page.locator("#map-sentence").inner_text()
    # The visitor pans; a change of measure (same territory) keeps the pan.
    canvas = page.locator("#map canvas").first.bounding_box()
    x, y = canvas["x"] + canvas["width"] / 2, canvas["y"] + canvas["height"] / 2
    page.mouse.move(x, y)
    page.mouse.down()
    for step in range(1, 11):  # a drag, as a hand does it
        page.mouse.move(x - 20 * step, y, steps=2)
    page.mouse.up()
    page.wait_for_timeout(800)
    panned = _shown(page)
    page.locator("#measure-radio").get_by_label("Nombre de projets").check()
    page.wait_for_function("() => document.querySelector('#map-sentence').innerText.includes('Nombre de projets')")
    page.wait_for_timeout(800)
    after = _shown(page)
    assert abs(after["west"] - panned["west"]) < 0.01 and abs(after["west"] - shown["west"]) > 0.1
    assert w.errors == []


@pytest.mark.parametrize("width, height", [(600, 450), (320, 480)])
def test_the_embed_of_lanaudiere_frames_it_with_legend_and_source_inside_the_frame(watch, server_url, width, height):
    query = "level=mrc&region=14"
    pages = {"/article.html": ARTICLE.format(src=f"{server_url}/embed?{query}", width=width, height=height)}
    with other_origin(pages) as origin:
        w = watch(1000, 800)
        w.page.goto(origin + "/article.html")
        frame = w.page.frame_locator("#frame")
        frame.locator(".embed-summary").wait_for(timeout=30_000)
        embedded = next(f for f in w.page.frames if f.url.startswith(server_url))
        _wait_for_embedded_map(embedded)
        embedded.wait_for_timeout(500)
        w.page.screenshot(path=f"test-artifacts/framing-embed-{width}x{height}.png")
        shown = embedded.evaluate(
            "() => { const gd = document.querySelector('#embed-map .js-plotly-plot');"
            " const b = gd._fullLayout.map._subplot.map.getBounds();"
            " return {west: b.getWest(), south: b.getSouth(), east: b.getEast(), north: b.getNorth(),"
            " mrcs: gd.data[4].locations, regions: gd.data[3].locations}; }")
        assert _holds(shown, territory_bounds()["region"]["14"]), shown
        assert _fitted(shown, view_bounds(view_from_query(query)[0]), room=2.2) and shown["regions"] == ["14"]
        # Everything a reader needs is inside the frame, without scrolling: title, map, legend, summary, source.
        outside = embedded.evaluate(
            "() => ['.embed-title', '.embed-map-box', '.embed-legend', '.embed-summary', '.embed-source']"
            ".filter(s => document.querySelector(s)).filter(s => {"
            " const r = document.querySelector(s).getBoundingClientRect();"
            " return r.top < 0 || r.bottom > window.innerHeight + 0.5 || r.right > window.innerWidth + 0.5; })")
        assert outside == []
        assert embedded.evaluate("() => document.documentElement.scrollHeight <= window.innerHeight + 1")
        assert w.errors == []


def test_an_empty_view_says_why_links_the_nearest_view_and_draws_no_ranking(watch):
    w = watch(1440, 900)
    page = w.open("/?level=mrc&region=14&measure=documented_share")
    sentence = page.locator("#map-sentence").inner_text()
    assert "Rien n'est coloré" in sentence and "6 MRC" in sentence and "104" not in sentence
    assert not page.locator("#ranking").is_visible()
    assert "Pas de classement" in page.locator("#territory-table").inner_text()
    page.locator("#map-sentence a.nearest-view").click()
    wait_for_map(page)
    page.wait_for_function(f"() => ({GRAPH}.data[1].locations || []).length > 0")
    assert "Rien n'est coloré" not in page.locator("#map-sentence").inner_text()
    assert page.locator("#ranking").is_visible()
    assert w.errors == []
