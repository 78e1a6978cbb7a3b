"""The first ten seconds (issue 14), in a real browser: what a visitor sees on a fresh load of `/`
before touching anything, the one-click « Grand Montréal » frame, and the filters' accessible names."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.browser.conftest import choose_by_typing, map_state

NO_PLURAL_IN_PARENTHESES = re.compile(r"\w\((s|e|es|x)\)")
FILTER_LISTS = {"filter-region": "Région", "filter-mrc": "MRC", "filter-theme": "Priorité",
                "filter-mandataire": "Mandataire", "filter-cycle": "Cycle"}


def _regions_with_an_envelope_of_the_default_view() -> int:
    """Computed from the curated files, as the page does."""
    from components.map.figures import measure_values
    from components.state import View
    from components.map import summary
    return int(measure_values(summary.compute(View())["agg"], View.measure).notna().sum())


@pytest.mark.parametrize("size", [(1440, 900), (375, 812)], ids=["desktop", "phone"])
def test_a_fresh_load_colours_the_most_regions_and_shows_the_program_totals_without_scrolling(watch, size):
    width, height = size
    w = watch(width, height)
    page = w.open("/")
    state = map_state(page)
    assert len(state["located"]) + len(state["nodata"]) == 17
    assert len(state["located"]) == _regions_with_an_envelope_of_the_default_view() >= 11
    assert page.evaluate("() => window.scrollY") == 0
    entries = page.locator("#program .program-entry")
    assert entries.count() >= 3  # 2017–2023, transition, 2024–2029 with today's file
    for i in range(entries.count()):
        box = entries.nth(i).bounding_box()
        assert box and box["y"] >= 0 and box["y"] + box["height"] <= height, f"program entry {i} is below the fold"
        assert "documenté" in entries.nth(i).inner_text()
        assert entries.nth(i).locator("a.source").count() == 1
    text = page.locator("body").inner_text()
    assert not NO_PLURAL_IN_PARENTHESES.search(text), NO_PLURAL_IN_PARENTHESES.search(text)
    assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1  # never sideways
    assert w.errors == []


def _inside_points(mrc_id: str) -> list[tuple[float, float]]:
    """Points well inside an MRC's drawn outline, nearest its representative point first."""
    import json

    import numpy as np
    import shapely
    from shapely.geometry import shape

    from geo import layers
    with open(layers.layer_path("mrc"), encoding="utf-8") as f:
        features = json.load(f)["features"]
    polygon = shape(next(f["geometry"] for f in features if f["id"] == mrc_id)).buffer(-0.008)
    row = layers.territories("mrc").loc[mrc_id]
    west, south, east, north = polygon.bounds
    lon, lat = np.meshgrid(np.linspace(west, east, 40), np.linspace(south, north, 40))
    inside = shapely.contains_xy(polygon, lon.ravel(), lat.ravel())
    points = [(float(x), float(y)) for x, y in zip(lon.ravel()[inside], lat.ravel()[inside])]
    return sorted(points, key=lambda p: (p[0] - row.rep_lon) ** 2 + (p[1] - row.rep_lat) ** 2)


def _click_inside(page, mrc_id: str, territory: str) -> None:
    """Click inside the MRC, on the screen, where no project dot is (a dot takes its own click), once
    the map's hover shows `territory` (the MRC, or its region at region level)."""
    # The whole map on screen (a phone shows its top under the program, the rest one scroll down).
    page.evaluate("() => document.querySelector('#map').scrollIntoView({block: 'center'})")
    points = _inside_points(mrc_id)
    for _attempt in range(3):
        # The points of the last update, already spread: a later update would move them under the mouse.
        page.wait_for_load_state("networkidle")
        page.wait_for_function("() => { const gd = document.querySelector('#map .js-plotly-plot');"
                               " return gd._carteSpreadLon === gd.data[2].lon; }")
        px = page.evaluate(FREE_SPOT_JS, points)
        assert px, f"no free spot inside {mrc_id} at this frame"
        canvas = page.locator("#map canvas").first.bounding_box()
        x, y = canvas["x"] + px[0], canvas["y"] + px[1]
        # As a person does: point, see the territory's hover, click (a redraw in between drops a click).
        page.mouse.move(x - 3, y - 3)
        page.mouse.move(x, y)
        try:
            page.wait_for_function("(id) => { const h = document.querySelector('#map .js-plotly-plot')._hoverdata;"
                                   " return h && h.length && h[0].curveNumber <= 1 && h[0].location === id; }",
                                   arg=territory, timeout=5_000)
        except PlaywrightTimeout:
            continue  # the map changed under the pointer: look again
        page.mouse.click(x, y)
        return
    raise AssertionError(f"{territory} never showed its hover inside {mrc_id}")


FREE_SPOT_JS = """(points) => { const gd = document.querySelector('#map .js-plotly-plot');
    const map = gd._fullLayout.map._subplot.map; const canvas = map.getCanvas();
    const dots = (gd.data[2].lon || []).map((lon, i) => map.project([lon, gd.data[2].lat[i]]));
    for (const [lon, lat] of points) {
      const p = map.project([lon, lat]);
      const onScreen = p.x > 20 && p.y > 20 && p.x < canvas.clientWidth - 60 && p.y < canvas.clientHeight - 20;
      if (onScreen && dots.every(d => Math.hypot(d.x - p.x, d.y - p.y) > 22)) { return [p.x, p.y]; }
    }
    return null; }"""


def _show_greater_montreal(page) -> None:
    page.get_by_role("button", name="Grand Montréal").click()
    page.wait_for_function(
        "() => { const gd = document.querySelector('#map .js-plotly-plot'); const m = gd._fullLayout.map._subplot.map;"
        " return gd.dataset.frame === 'montreal' && gd._fullLayout.map.zoom > 7 && !m.isMoving()"
        " && gd._carteSpreadLon === gd.data[2].lon; }")
    page.wait_for_load_state("networkidle")
    expect(page.get_by_role("button", name="Grand Montréal")).to_have_attribute("aria-pressed", "true")


# Issue #23: a territory too small on screen for its dots apart gets one grouped dot (assets/map_dots.js),
# so most of it stays free to click; and undoing a choice (the change of level) brings back the frame
# the visitor chose with a button, « Grand Montréal », not the southern frame.
@pytest.mark.parametrize("size", [(1440, 900), (375, 812)], ids=["desktop", "phone"])
def test_montreal_laval_and_longueuil_each_take_a_click_after_the_greater_montreal_frame(watch, size):
    from geo import layers
    page = watch(*size).open("/")
    _show_greater_montreal(page)
    regions = layers.territories("region").region_name
    for mrc_id, region in (("montreal", "06"), ("laval", "13"), ("longueuil", "16")):
        _click_inside(page, mrc_id, region)
        page.wait_for_function("(name) => document.querySelector('#selected-notice').innerText.includes(name)",
                               arg=regions[region])
        # The page is filtered to that region: the summary names it.
        page.wait_for_function("(name) => document.querySelector('#view-summary').innerText.startsWith(name)",
                               arg=regions[region])
    # At MRC level the three cities are territories of their own.
    page.locator("#level-radio").get_by_label("MRC", exact=True).check()
    page.wait_for_function("() => document.querySelector('#map .js-plotly-plot').data[1].geojson.endsWith('mrc.geojson')")
    names = layers.territories("mrc").name
    for mrc_id in ("montreal", "laval", "longueuil"):
        _click_inside(page, mrc_id, mrc_id)
        page.wait_for_function("(name) => document.querySelector('#view-summary').innerText.startsWith(name)",
                               arg=names[mrc_id])


def test_the_frame_buttons_go_back_to_the_south_and_show_all_of_quebec(watch):
    page = watch(1440, 900).open("/")
    south = map_state(page)
    page.get_by_role("button", name="Tout le Québec").click()
    page.wait_for_function("() => document.querySelector('#map .js-plotly-plot').dataset.frame === 'quebec'")
    whole = map_state(page)
    assert whole["zoom"] < south["zoom"]  # the north comes into view
    bounds = page.evaluate("() => { const b = document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot"
                           ".map.getBounds(); return [b.getSouth(), b.getNorth()]; }")
    assert bounds[0] <= 45.0 and bounds[1] >= 62.0
    page.get_by_role("button", name="Sud du Québec").click()
    page.wait_for_function("() => document.querySelector('#map .js-plotly-plot').dataset.frame === 'south'")
    assert abs(map_state(page)["zoom"] - south["zoom"]) < 0.01


def test_project_dots_do_not_hide_each_other_at_the_default_zoom(watch):
    page = watch(1440, 900).open("/")
    page.wait_for_function("() => { const gd = document.querySelector('#map .js-plotly-plot');"
                           " return gd._carteSpreadLon === gd.data[2].lon; }")
    gaps = page.evaluate(
        """() => { const gd = document.querySelector('#map .js-plotly-plot'); const map = gd._fullLayout.map._subplot.map;
        const t = gd.data[2]; const p = t.lon.map((lon, i) => map.project([lon, t.lat[i]]))
          .filter((_, i) => t.marker.size[i] > 0);  // a project in a group sits under it, 0 px wide
        return p.map((a, i) => Math.min(...p.filter((_, j) => j !== i).map(b => Math.hypot(a.x - b.x, a.y - b.y)))); }""")
    assert len(gaps) > 1
    assert min(gaps) >= 5  # every dot's centre is its own: none sits under another


def test_the_accessible_name_of_each_filter_list_contains_its_visible_label(watch):
    page = watch().open("/")
    for control_id, label in FILTER_LISTS.items():
        visible = page.locator(f"label[for='{control_id}']").inner_text()
        assert visible == label
        # (\s, not \b: the pattern runs in the browser, where \b does not know « é »)
        expect(page.locator(f"button#{control_id}")).to_have_accessible_name(re.compile(rf"^{re.escape(label)}\s.*Toutes"))
    # After a choice the name still starts with the label, then says what is chosen.
    choose_by_typing(page, "filter-region", "Lanaudi", "Lanaudière")
    page.keyboard.press("Escape")
    expect(page.locator("button#filter-region")).to_have_accessible_name(re.compile(r"^Région\s.*Lanaudière"))
    for group_id, label in (("level-radio", "Découpage"), ("measure-radio", "Mesure")):
        expect(page.locator(f"#{group_id}")).to_have_accessible_name(label)
