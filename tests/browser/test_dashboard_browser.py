"""The dashboard in a real browser: loads offline, filters, map clicks, levels, language, screenshots."""
from __future__ import annotations

from urllib.parse import urlparse

from tests.browser.conftest import ARTIFACTS, choose_by_typing, map_state, show_table, wait_for_map


def _wait_for_change(page, before: dict, timeout: float = 15_000):
    page.wait_for_function(
        "(before) => { const gd = document.querySelector('#map .js-plotly-plot');"
        " return JSON.stringify(gd.data[1].locations) !== before.located"
        " || JSON.stringify(gd.data[1].z) !== before.z || gd.data[2].lon.length !== before.points; }",
        arg={"located": _json(before["located"]), "z": _json(before["z"]), "points": before["points"]},
        timeout=timeout)


def _json(value) -> str:
    import json
    return json.dumps(value, separators=(",", ":"))


# Rows the grid knows it has (its rows arrive block by block from the server).
ROW_COUNT_JS = "() => { const api = dash_ag_grid.getApi('projects-table'); return api.getDisplayedRowCount(); }"


def _table_rows(page) -> int:
    show_table(page)
    page.wait_for_function("() => { const api = dash_ag_grid.getApi('projects-table');"
                           " return api && api.getDisplayedRowCount() >= 0 && !document.querySelector('#projects-table .ag-loading'); }")
    return page.evaluate(ROW_COUNT_JS)


def _headline(page) -> str:
    return page.locator("#headline").inner_text()


def test_page_loads_with_no_console_error_and_no_outside_request(watch, server_url):
    w = watch()
    page = w.open("/")
    page.wait_for_timeout(1500)  # let late requests (tiles, fonts) show up if there were any
    own = urlparse(server_url).netloc
    outside = [u for u in w.requests if urlparse(u).netloc not in (own, "") and not u.startswith("data:")]
    assert outside == []
    assert w.errors == []
    assert page.locator("h1").inner_text() == "Carte des Alliances pour la solidarité"
    assert page.get_attribute("html", "lang") == "fr" or page.locator(".page").get_attribute("lang") == "fr"


def test_choosing_a_region_changes_map_figures_and_table(watch):
    # A measure of the projects in view (the default, envelopes per inhabitant, colours every region
    # whose envelope is known whatever the filters).
    page = watch().open("/?measure=per_capita")
    before, headline_before = map_state(page), _headline(page)
    rows_before = _table_rows(page)
    choose_by_typing(page, "filter-region", "Lanaudi", "Lanaudière")
    _wait_for_change(page, before)
    after = map_state(page)
    assert after["located"] == ["14"] and after["located"] != before["located"]
    page.wait_for_function("(h) => document.querySelector('#headline').innerText !== h", arg=headline_before)
    assert _headline(page) != headline_before
    page.wait_for_function(f"(n) => ({ROW_COUNT_JS})() !== n", arg=rows_before)
    assert 0 < _table_rows(page) < rows_before
    page.wait_for_function("() => { const out = []; dash_ag_grid.getApi('projects-table')"
                           ".forEachNode(n => n.data && out.push(n.data.region)); return out.length > 0; }")
    regions = page.evaluate("() => { const out = []; dash_ag_grid.getApi('projects-table')"
                            ".forEachNode(n => n.data && out.push(n.data.region)); return out; }")
    assert set(regions) == {"Lanaudière"}
    count = page.locator("#table-count").inner_text()
    assert count.startswith(str(_table_rows(page)))


def test_clicking_an_mrc_filters_and_clicking_again_clears(watch):
    page = watch().open("/")
    page.locator("#level-radio").get_by_label("MRC", exact=True).check()
    page.wait_for_function("() => document.querySelector('#map .js-plotly-plot').data[0].locations.length"
                           " + document.querySelector('#map .js-plotly-plot').data[1].locations.length === 104")
    # The whole province in the frame (the first view shows the south, where the largest MRC are not).
    page.get_by_role("button", name="Tout le Québec").click()
    page.wait_for_function("() => document.querySelector('#map .js-plotly-plot').dataset.frame === 'quebec'"
                           " && !document.querySelector('#map .js-plotly-plot')._fullLayout.map._subplot.map.isMoving()")
    # The largest MRC without known projects: its centre is far from any project point.
    target = _largest(map_state(page)["nodata"])
    rows_before = _table_rows(page)  # (scrolls down to the table; clicks scroll back to the map)
    _click_map_at(page, *_rep_point(target))
    page.wait_for_selector("#selected-notice:not(:empty)")
    assert _rep_name(target) in page.locator("#selected-notice").inner_text()
    page.wait_for_function(f"(n) => ({ROW_COUNT_JS})() !== n", arg=rows_before)
    assert _table_rows(page) == 0  # filtered to an MRC with no known project
    _click_map_at(page, *_rep_point(target))
    page.wait_for_function("() => document.querySelector('#selected-notice').innerText.trim() === ''")
    page.wait_for_function(f"(n) => ({ROW_COUNT_JS})() === n", arg=rows_before)


def _click_map_at(page, lon: float, lat: float) -> None:
    """Click the map where (lon, lat) is drawn, with the map on screen."""
    page.locator("#map").scroll_into_view_if_needed()
    px = page.evaluate("([lon, lat]) => { const m = document.querySelector('#map .js-plotly-plot')"
                       "._fullLayout.map._subplot.map; const p = m.project([lon, lat]); return [p.x, p.y]; }",
                       [lon, lat])
    canvas = page.locator("#map canvas").first.bounding_box()
    page.mouse.click(canvas["x"] + px[0], canvas["y"] + px[1])


def _largest(mrc_ids: list[str]) -> str:
    from geo import layers
    return str(layers.territories("mrc").loc[mrc_ids].land_area_km2.idxmax())


def _rep_point(mrc_id: str) -> tuple[float, float]:
    from geo import layers
    row = layers.territories("mrc").loc[mrc_id]
    return float(row.rep_lon), float(row.rep_lat)


def _rep_name(mrc_id: str) -> str:
    from geo import layers
    return str(layers.territories("mrc").loc[mrc_id, "name"])


def test_switching_level_changes_the_number_of_territories_drawn(watch):
    page = watch().open("/")
    counts = {}
    for label, level in (("MRC", "mrc"), ("Région", "region"), ("Alliance", "alliance")):
        page.locator("#level-radio").get_by_label(label, exact=True).check()
        page.wait_for_function(
            "(url) => document.querySelector('#map .js-plotly-plot').data[1].geojson === url", arg=f"/layers/{level}.geojson")
        state = map_state(page)
        counts[level] = len(state["nodata"]) + len(state["located"])
    assert counts == {"mrc": 104, "region": 17, "alliance": 20}


def test_the_language_switch_translates_labels_and_table(watch):
    page = watch().open("/")
    page.get_by_role("link", name="English").click()
    page.wait_for_selector("text=Filters")
    wait_for_map(page)
    assert page.locator("h1").inner_text() == "Map of the Alliances pour la solidarité"
    show_table(page)
    assert page.locator("#projects-table .ag-header-cell-text").first.inner_text() == "Project"
    assert "Known amount per inhabitant" in page.locator("#measure-radio").inner_text()
    page.get_by_role("link", name="Français").click()
    page.wait_for_selector("text=Filtres")


def test_zoom_is_kept_across_filter_changes(watch):
    page = watch().open("/")
    page.evaluate("() => Plotly.relayout(document.querySelector('#map .js-plotly-plot'), {'map.zoom': 5.5, 'map.center': {lat: 46.8, lon: -71.2}})")
    before = map_state(page)
    page.locator("#measure-radio").get_by_label("Nombre de projets").check()
    _wait_for_change(page, before)
    after = map_state(page)
    assert abs(after["zoom"] - 5.5) < 0.01 and abs(after["center"]["lat"] - 46.8) < 0.01


def test_screenshots_at_phone_desktop_and_projector_sizes(watch):
    ARTIFACTS.mkdir(exist_ok=True)
    for name, (width, height) in {"phone": (375, 812), "desktop": (1280, 900), "projector": (1920, 1080)}.items():
        w = watch(width, height)
        page = w.open("/")
        page.wait_for_timeout(500)
        path = ARTIFACTS / f"dashboard-{name}.png"
        page.screenshot(path=str(path), full_page=False)
        assert path.stat().st_size > 10_000
        # Nothing wider than the screen: a phone must never scroll sideways.
        assert page.evaluate("() => document.documentElement.scrollWidth") <= width + 1
        assert w.errors == []


def test_presentation_mode_opens_from_the_map_url_and_its_button(watch):
    page = watch().open("/?region=14")
    href = page.locator("#presentation-link").get_attribute("href")
    assert "region=14" in href
    page.goto(page.url.split("?")[0] + "?mode=presentation&region=14")
    page.wait_for_selector("text=MRC suivante")
    page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.body.innerText.includes(\"D'Autray\")")


def test_the_table_grid_loads_only_when_the_table_comes_into_view(watch):
    """AG Grid's scripts (606 kB gzip) are not part of a first visit that stays on the map."""
    w = watch()
    page = w.open("/")
    wait_for_map(page)
    page.wait_for_load_state("networkidle")
    assert not [u for u in w.requests if "dash_ag_grid" in u]
    show_table(page)
    page.wait_for_selector("#projects-table .ag-row")
    assert [u for u in w.requests if "/dash_ag_grid/dash_ag_grid.v" in u]


def test_the_table_button_loads_the_grid_without_intersection_observer(watch):
    """Older browsers (and keyboards) get the grid from the slot's button."""
    w = watch()
    w.page.add_init_script("delete window.IntersectionObserver;")
    page = w.open("/")
    wait_for_map(page)
    button = page.get_by_role("button", name="Afficher le tableau des projets")
    button.focus()
    page.keyboard.press("Enter")
    page.wait_for_selector("#projects-table .ag-row")
    assert page.evaluate("() => dash_ag_grid.getApi('projects-table').getDisplayedRowCount()") > 0
