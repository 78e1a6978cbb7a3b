"""Back and Forward on the map, as a visitor uses them: every step shows the view its address
describes (filters, measure, map values) and nothing fails in the console on the way."""
from __future__ import annotations

from tests.browser.conftest import choose_by_typing, wait_for_map

LANAUDIERE = "14"


def _shown(page) -> dict:
    """The view on screen: the address, the checked measure, the chosen regions and the map's values."""
    return page.evaluate(
        "() => { const gd = document.querySelector('#map .js-plotly-plot');"
        " const measure = document.querySelector('#measure-radio input:checked');"
        " return {search: window.location.search, measure: measure && measure.value,"
        " regions: document.querySelector('#filter-region').innerText,"
        " located: (gd.data[1].locations || []).slice().sort(), z: gd.data[1].z || []}; }")


def _settle(page, search: str) -> dict:
    """Wait until the address is `search`, the app has answered and the map is drawn again."""
    page.wait_for_function("(s) => window.location.search === s", arg=search)
    page.wait_for_load_state("networkidle")
    wait_for_map(page)
    page.wait_for_timeout(800)  # a late redraw (the bug) would land here
    wait_for_map(page)
    return _shown(page)


def test_back_and_forward_restore_each_view_without_console_errors(watch):
    w = watch()
    page = w.open("/")
    views = [_settle(page, "")]
    choose_by_typing(page, "filter-region", "Lanaudi", "Lanaudière")
    views.append(_settle(page, f"?region={LANAUDIERE}"))
    page.locator("#measure-radio").get_by_label("Nombre de projets").check()
    views.append(_settle(page, f"?measure=count&region={LANAUDIERE}"))
    assert views[1]["z"] != views[2]["z"], "the measure changed the map's values"
    assert "Lanaudière" in views[1]["regions"] and views[2]["measure"] == "count"

    for expected in (views[1], views[0]):
        page.go_back()
        assert _settle(page, expected["search"]) == expected
    for expected in (views[1], views[2]):
        page.go_forward()
        assert _settle(page, expected["search"]) == expected
    assert w.errors == []
