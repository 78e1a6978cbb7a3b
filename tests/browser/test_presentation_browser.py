"""Presentation mode and the comparison page in a real browser (Debian's Chromium).

The app runs in a subprocess (the session's `server_url` fixture).
"""
from __future__ import annotations

from urllib.parse import parse_qs, urlparse

import pytest

from tests.browser.conftest import ARTIFACTS, PageWatch


@pytest.fixture(scope="module")
def app_url(server_url):
    """The session's app (app.py registers /presentation and /comparer)."""
    return server_url


@pytest.fixture()
def big_screen(browser, app_url):
    watch = PageWatch(browser, app_url, 1920, 1080)
    yield watch
    watch.close()


def _lanaudiere_order() -> list[tuple[str, str]]:
    """(id, name) of Lanaudière's MRC in alphabetical order, worked out here independently."""
    import unicodedata

    from geo import layers
    mrc = layers.territories("mrc")
    inside = mrc[mrc.region_code == "14"]

    def key(name: str) -> str:
        plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
        return "".join(c if c.isalnum() else " " for c in plain.lower())
    return sorted(((i, inside.name[i]) for i in inside.index), key=lambda pair: key(pair[1]))


def _wait_for_presentation_map(page, timeout: float = 30_000):
    page.wait_for_function(
        "() => { const gd = document.querySelector('#pres-map .js-plotly-plot');"
        " return gd && gd.data && gd.data.length === 5 && gd._fullLayout && gd._fullLayout.map"
        " && gd.dataset.fitted && gd._fullLayout.map._subplot"
        " && gd._fullLayout.map._subplot.map.loaded() && !gd._fullLayout.map._subplot.map.isMoving(); }",
        timeout=timeout)


def _shown(page) -> dict:
    return page.evaluate(
        "() => { const gd = document.querySelector('#pres-map .js-plotly-plot');"
        " return {name: document.querySelector('#pres-name').innerText,"
        " focus: Array.from(gd.data[4].locations || []), veil: Array.from(gd.data[3].locations || []),"
        " zoom: gd._fullLayout.map.zoom, center: gd._fullLayout.map.center}; }")


def _wait_for_name(page, name: str):
    page.wait_for_function("(name) => document.querySelector('#pres-name')"
                           " && document.querySelector('#pres-name').innerText === name", arg=name, timeout=15_000)


def _wait_for_focus(page, mrc_id: str):
    """The panel and the map are separate outputs: the map's highlight may land a frame later."""
    page.wait_for_function("(id) => { const gd = document.querySelector('#pres-map .js-plotly-plot');"
                           " const f = Array.from(gd.data[4].locations || []);"
                           " return f.length === 1 && f[0] === id; }", arg=mrc_id, timeout=15_000)


def _outside(watch: PageWatch, base: str) -> list[str]:
    own = urlparse(base).netloc
    return [u for u in watch.requests if urlparse(u).netloc not in (own, "") and not u.startswith(("data:", "blob:"))]


def _px(page, selector: str) -> float:
    return page.evaluate("(s) => parseFloat(getComputedStyle(document.querySelector(s)).fontSize)", selector)


def test_presentation_arrow_keys_step_through_lanaudiere_mrc(big_screen, app_url):
    page = big_screen.page
    page.goto(app_url + "/presentation?region=14")
    _wait_for_presentation_map(page)
    order = _lanaudiere_order()
    start = _shown(page)
    assert start["name"] == "Lanaudière" and start["focus"] == [] and start["veil"] == []
    # Fitted to the region: much closer than the whole of Québec, centred on Lanaudière.
    assert start["zoom"] > 6 and 45.6 < start["center"]["lat"] < 47.8 and -74.9 < start["center"]["lon"] < -73.0

    seen = []
    for mrc_id, name in order[:3]:
        before = page.locator("#pres-name").inner_text()
        page.keyboard.press("ArrowRight")
        _wait_for_name(page, name)
        _wait_for_focus(page, mrc_id)
        shown = _shown(page)
        assert shown["name"] != before
        assert shown["focus"] == [mrc_id] and mrc_id not in shown["veil"]
        assert parse_qs(urlparse(page.url).query)["mrc"] == [mrc_id]  # the address follows the step
        seen.append(shown["name"])
    assert seen == [name for _, name in order[:3]]

    page.keyboard.press("ArrowLeft")
    _wait_for_name(page, order[1][1])
    page.keyboard.press("PageUp")  # what a presentation clicker sends
    _wait_for_name(page, order[0][1])
    page.keyboard.press("PageDown")
    _wait_for_name(page, order[1][1])

    # The user's own zoom was never reset by a step.
    assert abs(_shown(page)["zoom"] - start["zoom"]) < 1e-6

    # The MRC with known projects, for the screenshot people look at.
    with_data = page.evaluate("() => Array.from(document.querySelector('#pres-map .js-plotly-plot').data[1].locations)")
    target = next(i for i, (mrc_id, _) in enumerate(order) if mrc_id in with_data) + 1
    for _ in range((target - 2) % (len(order) + 1)):  # from step 2, where the keys above left it
        page.keyboard.press("ArrowRight")
        page.wait_for_timeout(50)
    _wait_for_name(page, order[target - 1][1])
    assert page.locator("[data-figure='total'] .pres-value").inner_text() != "—"

    # Readable from the back of a room at 1920×1080.
    assert _px(page, ".pres-label") >= 28
    assert _px(page, ".pres-kicker") >= 28
    assert _px(page, ".pres-note") >= 28
    assert _px(page, ".pres-value") >= 56
    assert _px(page, ".pres-name") >= 56
    # Nothing cut off or overlapping: the panel fits without scrolling, each value fits its row
    # under (or beside) its label, as in the offline file, and the page has no scrollbars.
    fits = page.evaluate(
        "() => { const p = document.querySelector('#pres-panel');"
        " const rows = Array.from(document.querySelectorAll('.pres-figure'));"
        " const apart = rows.every(r => { const l = r.querySelector('.pres-label').getBoundingClientRect();"
        "   const v = r.querySelector('.pres-value').getBoundingClientRect();"
        "   const box = r.getBoundingClientRect();"
        "   return (l.right <= v.left || l.bottom <= v.top + 1) && v.right <= box.right + 1 && v.left >= box.left; });"
        " return {panel: p.scrollHeight <= p.clientHeight + 1, rows: apart,"
        " page: document.documentElement.scrollWidth <= 1920"
        " && document.documentElement.scrollHeight <= 1080}; }")
    assert fits == {"panel": True, "rows": True, "page": True}
    page.wait_for_timeout(600)
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / "presentation-1920.png"))
    assert big_screen.errors == []
    assert _outside(big_screen, app_url) == []


def test_quick_presses_are_neither_lost_nor_doubled(big_screen, app_url):
    page = big_screen.page
    page.goto(app_url + "/presentation?region=14")
    _wait_for_presentation_map(page)
    order = _lanaudiere_order()
    for _ in range(3):
        page.keyboard.press("PageDown")
    _wait_for_name(page, order[2][1])
    page.wait_for_timeout(800)
    assert _shown(page)["name"] == order[2][1]
    for _ in range(4):  # back past the overview: the steps loop to the last MRC
        page.keyboard.press("ArrowLeft")
    _wait_for_name(page, order[-1][1])
    _wait_for_focus(page, order[-1][0])
    assert _shown(page)["focus"] == [order[-1][0]]
    assert big_screen.errors == []


def test_reload_reopens_the_same_mrc_and_region_list_changes_region(big_screen, app_url):
    page = big_screen.page
    order = _lanaudiere_order()
    page.goto(app_url + f"/presentation?region=14&mrc={order[3][0]}")
    _wait_for_presentation_map(page)
    assert _shown(page)["name"] == order[3][1]
    page.screenshot(path=str(ARTIFACTS / "presentation-1920-step.png"))
    page.locator("#pres-region-select").click()
    page.get_by_placeholder("Rechercher").fill("Laval")
    page.locator(".dash-dropdown-option", has_text="13 – Laval").click()
    page.wait_for_url("**/presentation?region=13", timeout=15_000)
    _wait_for_presentation_map(page)
    assert _shown(page)["name"] == "Laval"
    assert big_screen.errors == []


def test_unknown_region_shows_the_region_chooser(big_screen, app_url):
    page = big_screen.page
    page.goto(app_url + "/presentation?region=%3Cscript%3E99")
    page.wait_for_selector(".pres-choices")
    assert page.locator(".pres-choice").count() == 17
    assert "99" in page.locator(".pres-notice").inner_text()
    page.locator(".pres-choice", has_text="Lanaudière").click()
    _wait_for_presentation_map(page)
    assert _shown(page)["name"] == "Lanaudière"
    page.goto(app_url + "/presentation")
    page.wait_for_selector(".pres-choices")
    page.screenshot(path=str(ARTIFACTS / "presentation-chooser.png"))
    assert big_screen.errors == []


def test_compare_two_regions_side_by_side(browser, app_url):
    from geo import layers
    watch = PageWatch(browser, app_url, 1400, 1000)
    try:
        page = watch.page
        page.goto(app_url + "/comparer?a=05&b=06")
        page.wait_for_selector("#cmp-panel-a [data-fact='population']")
        population = layers.territories("region").population_2021
        a = page.locator("#cmp-panel-a [data-fact='population']").inner_text().replace("\u00a0", " ").replace("\u202f", " ")
        b = page.locator("#cmp-panel-b [data-fact='population']").inner_text().replace("\u00a0", " ").replace("\u202f", " ")
        assert a.replace(" ", "") == str(int(population["05"]))
        assert b.replace(" ", "") == str(int(population["06"]))
        assert "Estrie" in page.locator("#cmp-panel-a h2").inner_text()
        assert "Montréal" in page.locator("#cmp-panel-b h2").inner_text()
        page.wait_for_timeout(300)
        page.screenshot(path=str(ARTIFACTS / "compare.png"), full_page=True)

        page.locator("#cmp-b").click()
        page.get_by_placeholder("Rechercher").fill("Lanaudi")
        page.locator(".dash-dropdown-option", has_text="14 – Lanaudière").click()
        page.wait_for_function("() => document.querySelector('#cmp-panel-b h2').innerText.includes('Lanaudière')")
        page.wait_for_function("() => new URLSearchParams(location.search).get('b') === '14'")
        assert "Estrie" in page.locator("#cmp-panel-a h2").inner_text()

        page.goto(app_url + "/comparer?a=zzz&b=05&level=nope")
        page.wait_for_selector("#cmp-panel-a .cmp-message")
        assert "zzz" in page.locator("#cmp-panel-a").inner_text()
        assert "Estrie" in page.locator("#cmp-panel-b h2").inner_text()
        assert watch.errors == []
        assert _outside(watch, app_url) == []
    finally:
        watch.close()


# ---------------------------------------------------------------- issue #23 (5) and (9)

def test_presentation_mrc_step_shows_its_published_amounts_projects_and_names(big_screen, app_url):
    """D'Autray: no known project, but calls for projects and a balance published for the MRC itself."""
    import pandas as pd

    from components.territory.facts import amount_text
    envelopes = pd.read_csv("data/envelopes.csv", dtype=str)
    mine = envelopes[(envelopes.territory_level == "mrc") & (envelopes.mrc_id == "d-autray")]
    page = big_screen.page
    page.goto(app_url + "/?mode=presentation&region=14&mrc=d-autray")
    _wait_for_presentation_map(page)
    _wait_for_name(page, "D'Autray")
    panel = page.locator("#pres-panel .pres-amounts").inner_text()
    for amount, url in zip(mine.amount, mine.source_url):
        assert amount_text(float(amount), "fr") in panel
        assert page.locator(f"#pres-panel .pres-amount-source a[href='{url}']").count() >= 1
    assert "Appel de projets" in panel and "Solde" in panel
    # The MRC names are written over the map.
    names = page.locator("#pres-map-box .pres-label-name").all_text_contents()
    assert sorted(names) == sorted(name for _, name in _lanaudiere_order())
    page.screenshot(path=str(ARTIFACTS / "presentation-d-autray-1920.png"))
    # An MRC with projects lists them, as the offline file does.
    page.goto(app_url + "/?mode=presentation&region=14&mrc=les-moulins")
    _wait_for_name(page, "Les Moulins")
    from components import region_slides
    step = region_slides.region_mrcs("14").index("les-moulins") + 1
    expected = list(region_slides.step_projects("14", step).title)
    assert expected and page.locator("#pres-panel .pres-project-title").all_inner_texts() == expected
    page.keyboard.press("ArrowRight")  # the next step's panel comes from the callback
    _wait_for_name(page, region_slides.slide("14", step + 1, "fr")["name"])
    assert page.locator("#pres-panel .pres-amounts-title").count() == 1
    assert big_screen.errors == []


def test_compare_bars_share_one_scale_and_list_the_other_amounts(browser, app_url):
    watch = PageWatch(browser, app_url, 1440, 900)
    try:
        page = watch.page
        page.goto(app_url + "/comparer?a=05&b=06")
        page.wait_for_selector("#cmp-panel-a [data-count]")
        bars = page.evaluate("() => Array.from(document.querySelectorAll('.cmp-priorities li')).map(li =>"
                             " [Number(li.dataset.count), li.querySelector('.cmp-bar').getBoundingClientRect().width,"
                             "  li.getBoundingClientRect().width])")
        top = max(n for n, _, _ in bars)
        for n, width, row in bars:  # one scale: pixels per project are the same on both sides
            assert abs(width - row * n / top) <= 2, (n, width, row, top)
        parts = page.locator("#cmp-panel-a .cmp-parts tbody tr")
        assert parts.count() > 0 and parts.first.is_visible()
        assert page.locator("#cmp-panel-a .cmp-parts").inner_text().count("Projets annoncés") >= 1
        text = page.locator("#cmp-root").inner_text()
        assert "À savoir" not in text
        assert "Montant connu par habitant" in text and "Enveloppe par habitant" in text
        page.screenshot(path=str(ARTIFACTS / "compare-05-06-1440.png"), full_page=True)
        assert watch.errors == []
    finally:
        watch.close()
