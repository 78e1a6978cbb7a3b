"""The presentation's map on a phone (375 × 812, touch), live and in the offline file: the colour bar
and the « no data » legend, sized for a projector, covered the eastern MRC and were cut (« Aucune donnée
connue (≠ zér »). Under 600 px the colour bar lies under the map in smaller type
(components/region_slides.py SCREEN_LAYOUTS, assets/presentation_screen.js); at a desk it stays beside it.
"""
from __future__ import annotations

import pytest

from offline import presentation as offline
from tests.browser.conftest import ARTIFACTS

REGION = "14"
# Where the map's parts are on screen: the map's own area (MapLibre's container), the colour bar, the
# legend's texts and the graph, as rectangles [left, top, right, bottom].
GEOMETRY = """(selector) => {
  const gd = document.querySelector(selector);
  const rect = (el) => { const r = el.getBoundingClientRect(); return [r.left, r.top, r.right, r.bottom]; };
  return {map: rect(gd._fullLayout.map._subplot.map.getContainer()), bar: rect(gd.querySelector('g.colorbar')),
          legend: Array.from(gd.querySelectorAll('g.legend text.legendtext')).map(rect), graph: rect(gd),
          legendText: Array.from(gd.querySelectorAll('g.legend text.legendtext')).map(t => t.textContent),
          orientation: gd._fullData[1].colorbar.orientation, width: window.innerWidth};
}"""
SETTLED = """(selector) => { const gd = document.querySelector(selector);
  const m = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot
            && gd._fullLayout.map._subplot.map;
  return m && m.loaded() && !m.isMoving() && gd.querySelector('g.colorbar') !== null; }"""


# The colour bar drawn with that orientation (it is taken away for a moment when it turns).
ORIENTED = """([s, o]) => { const gd = document.querySelector(s);
  return gd._fullData[1] && gd._fullData[1].colorbar && gd._fullData[1].colorbar.orientation === o
         && gd.querySelector('g.colorbar') !== null; }"""


def _overlap(a, b) -> bool:
    return a[0] < b[2] - 1 and b[0] < a[2] - 1 and a[1] < b[3] - 1 and b[1] < a[3] - 1


def _check(shown: dict, narrow: bool):
    if narrow:
        assert shown["orientation"] == "h"
        assert not _overlap(shown["bar"], shown["map"]), f"the colour bar covers the map: {shown}"
        assert shown["bar"][0] >= -1 and shown["bar"][2] <= shown["width"] + 1, f"the colour bar is cut: {shown}"
    else:
        assert shown["orientation"] == "v"  # at a desk or on a projector, beside the map as before
    graph_right = min(shown["graph"][2], shown["width"])
    assert shown["legend"] and all(r[2] <= graph_right + 1 for r in shown["legend"]), \
        f"the legend {shown['legendText']} is cut: {shown}"


def _phone(browser):
    return browser.new_context(viewport={"width": 375, "height": 812}, device_scale_factor=2, is_mobile=True,
                               has_touch=True, locale="fr-CA")


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_live_presentation_on_a_phone_keeps_the_colour_bar_and_legend_off_the_map(browser, server_url, lang):
    context = _phone(browser)
    try:
        page = context.new_page()
        page.goto(server_url + f"/?mode=presentation&region={REGION}" + ("&lang=en" if lang == "en" else ""))
        selector = "#pres-map .js-plotly-plot"
        page.wait_for_function(SETTLED, arg=selector, timeout=90_000)
        page.wait_for_function(ORIENTED, arg=(selector, "h"),
                               timeout=15_000)
        page.wait_for_function(SETTLED, arg=selector, timeout=30_000)
        shown = page.evaluate(GEOMETRY, selector)
        page.screenshot(path=str(ARTIFACTS / f"presentation-phone-{lang}.png"))
        _check(shown, narrow=True)
        page.tap("#pres-next")  # the next MRC: the server's new figure comes in its wide layout
        page.wait_for_function("(s) => { const f = document.querySelector(s).data[4].locations || [];"
                               " return f.length === 1; }", arg=selector, timeout=30_000)
        page.wait_for_function(ORIENTED, arg=(selector, "h"), timeout=15_000)
        page.wait_for_function(SETTLED, arg=selector, timeout=30_000)
        _check(page.evaluate(GEOMETRY, selector), narrow=True)
        page.set_viewport_size({"width": 1440, "height": 900})  # a window made wider: beside the map again
        page.wait_for_function(ORIENTED, arg=(selector, "v"),
                               timeout=15_000)
        page.wait_for_function(SETTLED, arg=selector, timeout=30_000)
        _check(page.evaluate(GEOMETRY, selector), narrow=False)
    finally:
        context.close()


def test_offline_file_on_a_phone_keeps_the_colour_bar_and_legend_off_the_map(browser, tmp_path):
    path = tmp_path / offline.file_name(REGION)
    path.write_text(offline.presentation_html(REGION), encoding="utf-8")
    context = _phone(browser)
    try:
        page = context.new_page()
        page.goto(path.as_uri())
        page.wait_for_function("() => document.body.dataset.ready === '1'", timeout=60_000)
        page.wait_for_function(SETTLED, arg="#off-map", timeout=30_000)
        shown = page.evaluate(GEOMETRY, "#off-map")
        page.screenshot(path=str(ARTIFACTS / "offline-phone-fr.png"))
        _check(shown, narrow=True)
        assert "Aucune donnée connue (≠ zéro)" in shown["legendText"]
    finally:
        context.close()
