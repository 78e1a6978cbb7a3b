"""What a walk through every page at 375, 1440 and 1920 px found, one test per defect (issue #23, point 6):

- a table wider than its box hides its last column behind a sideways scroll: the region page's MRC table
  at 1440 px (a figure column's header kept on one line), the comparison's documented share at 1920 px,
  the map's territory table on a phone (its population column);
- the comparison's « Régions » / « MRC » links stretched to the height of the data switch beside them;
- the comparison's documented share drawn in a larger type than the tables around it;
- the embed's written legend over a third of a 320 px map.
"""
from __future__ import annotations

import pytest

from tests.browser.conftest import ARTIFACTS

# How far each visible table box's content runs past its box, in px (0: it fits).
TABLE_OVERFLOW_JS = """() => [...document.querySelectorAll(
    '.table-wrap, .cmp-table-scroll, .territory-table-box')]
  .filter((box) => box.getClientRects().length > 0)
  .map((box) => [box.className, box.scrollWidth - box.clientWidth])
  .filter(([, over]) => over > 1)"""


def _open(page, url: str) -> None:
    page.goto(url)
    if "/comparer" in url:  # the comparison draws its panels with a callback
        page.wait_for_selector(".cmp-envelopes", timeout=60_000)
    page.wait_for_load_state("networkidle")


@pytest.mark.parametrize("path", ["/region/14", "/comparer?a=05&b=06", "/comparer?a=14&b=05&lang=en"])
@pytest.mark.parametrize("width,height", [(1440, 900), (1920, 1080)])
def test_document_tables_fit_their_box_at_desktop_sizes(watch, path, width, height):
    w = watch(width, height)
    _open(w.page, w.base + path)
    over = w.page.evaluate(TABLE_OVERFLOW_JS)
    assert not over, f"{path} at {width} px: tables wider than their box (hidden columns): {over}"


def test_the_maps_territory_table_fits_a_phone(browser, server_url):
    context = browser.new_context(viewport={"width": 375, "height": 812}, is_mobile=True, has_touch=True,
                                  device_scale_factor=2, locale="fr-CA")
    page = context.new_page()
    context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    try:
        for path in ("/", "/?lang=en"):
            page.goto(server_url + path)
            page.wait_for_selector(".territory-table", timeout=60_000)
            over = page.evaluate(TABLE_OVERFLOW_JS)
            page.locator(".territory-table").first.screenshot(path=str(ARTIFACTS / "walk-territory-table-375.png"))
            assert not over, f"{path} at 375 px: the territory table is wider than the screen: {over}"
    finally:
        context.close()


def test_the_comparisons_level_links_keep_their_own_height(watch):
    w = watch(1440, 900)
    _open(w.page, w.base + "/comparer?a=05&b=06")
    # Box height minus the text's own height: the padding, border and line spacing (a few px), not the
    # switch's second line (about 20 px more).
    extra = w.page.evaluate("""() => [...document.querySelectorAll('.cmp-level')].map((link) => {
        const range = document.createRange(); range.selectNodeContents(link);
        const s = getComputedStyle(link);
        const frame = ['paddingTop', 'paddingBottom', 'borderTopWidth', 'borderBottomWidth']
          .reduce((sum, k) => sum + parseFloat(s[k]), 0);
        return link.getBoundingClientRect().height - range.getBoundingClientRect().height - frame; })""")
    assert len(extra) == 2 and all(e <= 8 for e in extra), f"level links stretched by {extra} px"


def test_the_comparisons_documented_share_reads_like_its_other_tables(watch):
    w = watch(1440, 900)
    _open(w.page, w.base + "/comparer?a=14&b=06")
    sizes = w.page.evaluate("""() => ['.cmp-envelopes', '.cmp .doc-table']
        .map((css) => getComputedStyle(document.querySelector(css)).fontSize)""")
    assert sizes[0] == sizes[1], f"envelope table {sizes[0]}, documented share {sizes[1]}"


def test_the_embeds_legend_leaves_a_320_px_map_visible(watch):
    """In a 320 × 480 frame the written map's legend hid a third of the map (Lanaudière's MRC under it)."""
    w = watch(320, 480)
    w.page.goto(w.base + "/embed?level=mrc&region=14")
    w.page.wait_for_selector(".fp-legend", timeout=60_000)
    share, height = w.page.evaluate("""() => { const l = document.querySelector('.fp-legend').getBoundingClientRect();
        const m = document.querySelector('.fp-map').getBoundingClientRect();
        return [l.width * l.height / (m.width * m.height), document.documentElement.scrollHeight]; }""")
    w.page.screenshot(path=str(ARTIFACTS / "walk-embed-320.png"))
    assert share <= 0.25, f"the legend covers {share:.0%} of the map"
    assert height <= 480  # the source line stays inside the frame
