"""The offline presentation (offline/) opened from a file, as from a USB key, with the network cut.

Every request that is not to a local file is aborted (blob: and data: URLs are the page's own memory,
not the network; Chromium does not route them). The figures of each step are compared with the
app's own presentation mode, running in its subprocess (the session's `server_url`).
"""
from __future__ import annotations

from urllib.parse import urlparse

import pytest

from components import region_slides
from components.i18n import money
from offline import presentation as offline
from tests.browser.conftest import ARTIFACTS, wait_for_map
from tests.test_offline import HOSTILE_TITLE, hostile_upload

REGION = "14"
READY = "() => document.body.dataset.ready === '1'"
PANEL = ("() => ({name: document.querySelector('#off-panel .pres-name').textContent,"
         " mrc: document.querySelector('#off-panel').dataset.mrc,"
         " figures: Array.from(document.querySelectorAll('#off-panel [data-figure]'))"
         "   .map(f => [f.dataset.figure, f.querySelector('.pres-value').textContent]),"
         " focus: Array.from(document.getElementById('off-map').data[4].locations || [])})")
APP_PANEL = ("() => ({name: document.querySelector('#pres-name').innerText,"
             " figures: Array.from(document.querySelectorAll('#pres-panel [data-figure]'))"
             "   .map(f => [f.dataset.figure, f.querySelector('.pres-value').innerText])})")


class OfflinePage:
    """A page with the network cut: what it asked for, what the console said, any dialog it opened."""

    def __init__(self, browser, width: int = 1920, height: int = 1080):
        self.context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-CA")
        self.refused: list[str] = []
        self.requests: list[str] = []
        self.errors: list[str] = []
        self.dialogs: list[str] = []

        def only_files(route):
            if route.request.url.startswith("file://"):
                route.continue_()
            else:
                self.refused.append(route.request.url)
                route.abort()

        self.context.route("**/*", only_files)
        self.page = self.context.new_page()
        self.page.on("request", lambda r: self.requests.append(r.url))
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("dialog", lambda d: (self.dialogs.append(d.message), d.dismiss()))

    def open(self, path):
        self.page.goto(path.as_uri())
        self.page.wait_for_function(READY, timeout=30_000)
        return self.page

    def network(self) -> list[str]:
        return self.refused + [u for u in self.requests if urlparse(u).scheme not in ("file", "blob", "data")]

    def close(self):
        self.context.close()


@pytest.fixture()
def offline_page(browser):
    pages = []

    def make(**size):
        pages.append(OfflinePage(browser, **size))
        return pages[-1]

    yield make
    for page in pages:
        page.close()


def _wait_step(page, step: int):
    page.wait_for_function("(s) => document.querySelector('#off-panel').dataset.step === String(s)", arg=step)


def _map_fitted(page) -> dict:
    page.wait_for_function("() => { const m = document.getElementById('off-map')._fullLayout.map._subplot.map;"
                           " return m.loaded() && !m.isMoving(); }")
    return page.evaluate("() => { const gd = document.getElementById('off-map');"
                         " const m = gd._fullLayout.map._subplot.map; const b = m.getBounds();"
                         " return {zoom: gd._fullLayout.map.zoom,"
                         " west: b.getWest(), east: b.getEast(), south: b.getSouth(), north: b.getNorth()}; }")


def test_the_offline_file_steps_through_every_mrc_with_no_network_and_the_apps_figures(
        offline_page, tmp_path, watch, server_url):
    path = tmp_path / offline.file_name(REGION)
    path.write_text(offline.presentation_html(REGION), encoding="utf-8")
    shown = offline_page()
    page = shown.open(path)
    app = watch(1920, 1080)
    app.page.goto(server_url + f"/presentation?region={REGION}")
    app.page.wait_for_selector("#pres-name")

    order = region_slides.region_mrcs(REGION)
    keys = ["PageDown", "ArrowRight"]  # a clicker sends the first, a keyboard the second
    for step in range(len(order) + 1):
        if step:
            page.keyboard.press(keys[step % 2])
            app.page.keyboard.press("PageDown")
        _wait_step(page, step)
        offline_panel = page.evaluate(PANEL)
        expected_name = offline_panel["name"]
        app.page.wait_for_function("(n) => document.querySelector('#pres-name').innerText === n", arg=expected_name,
                                   timeout=15_000)
        app_panel = app.page.evaluate(APP_PANEL)
        assert offline_panel["figures"] == app_panel["figures"], offline_panel["name"]
        assert offline_panel["mrc"] == (order[step - 1] if step else "")
        assert offline_panel["focus"] == ([order[step - 1]] if step else [])
    page.keyboard.press("PageDown")  # past the last MRC: back to the overview, as in the app
    _wait_step(page, 0)
    page.keyboard.press("PageUp")
    _wait_step(page, len(order))

    fitted = _map_fitted(page)
    west, south, east, north = region_slides.region_bounds(REGION)
    assert fitted["zoom"] > 5  # fitted to the region, not left on all of Québec
    assert fitted["west"] <= west and fitted["east"] >= east and fitted["south"] <= south and fitted["north"] >= north
    assert shown.errors == []
    assert shown.network() == []


def test_the_language_switch_and_full_screen_button_work_offline(offline_page, tmp_path):
    path = tmp_path / "en.html"
    path.write_text(offline.presentation_html(REGION, lang="en"), encoding="utf-8")
    shown = offline_page()
    page = shown.open(path)
    assert page.evaluate("() => document.documentElement.lang") == "en"
    assert page.locator("#off-panel .pres-kicker").text_content() == "Overview"
    page.click("#off-lang")
    page.wait_for_function("() => document.documentElement.lang === 'fr'")
    assert page.locator("#off-panel .pres-kicker").text_content() == "Vue d'ensemble"
    assert page.locator("#off-next").text_content() == "MRC suivante →"
    page.click("#off-fullscreen")
    page.wait_for_function("() => !!document.fullscreenElement")
    page.screenshot(path=str(ARTIFACTS / "offline-fullscreen.png"))
    assert shown.errors == [] and shown.network() == []


def test_a_hostile_title_from_her_file_is_shown_as_text(offline_page, tmp_path):
    data = offline.dataset_from_projects(hostile_upload())
    path = tmp_path / "hostile.html"
    path.write_text(offline.presentation_html(REGION, data, "fr", offline.OwnFile("projets.csv")), encoding="utf-8")
    shown = offline_page()
    page = shown.open(path)
    step = region_slides.region_mrcs(REGION).index("joliette") + 1
    for _ in range(step):
        page.keyboard.press("ArrowRight")
    _wait_step(page, step)
    assert HOSTILE_TITLE in page.locator(".pres-project-title").all_text_contents()
    assert page.locator("#off-panel script, #off-panel img").count() == 0
    assert page.locator(".off-mark").text_content() == "Données : votre fichier, non publiées"
    assert shown.dialogs == [] and shown.errors == [] and shown.network() == []


def _upload_two_mrc(page, server_url, tmp_path):
    """Her file on the dashboard: two projects in two MRC of Lanaudière."""
    import pandas as pd

    from data.export import to_csv_bytes
    path = tmp_path / "mes-projets.csv"
    path.write_bytes(to_csv_bytes(pd.DataFrame([
        {"Nom du projet": "Cuisine collective de Joliette", "Organisme porteur": "Groupe A", "MRC": "Joliette",
         "Région": "14", "Montant accordé": "12 500 $"},
        {"Nom du projet": "Transport solidaire", "Organisme porteur": "Groupe B", "MRC": "Matawinie",
         "Région": "14", "Montant accordé": "30 000 $"}])))
    page.goto(server_url + "/")
    wait_for_map(page)  # `/` is first drawn by the server; the upload box comes with the app
    page.locator("#upload-file input[type=file]").set_input_files(str(path))
    page.wait_for_selector("#upload-report >> text=mes-projets.csv")
    page.wait_for_function("() => document.querySelector(\"#data-source input[value='upload']\").checked")


def test_presentation_mode_shows_her_file_and_downloads_it_offline(watch, server_url, tmp_path, offline_page):
    app = watch(1920, 1080)
    page = app.page
    _upload_two_mrc(page, server_url, tmp_path)
    page.goto(server_url + f"/presentation?region={REGION}")
    page.wait_for_selector("#pres-own-mark:not([hidden])")
    assert page.locator("#pres-own-mark").inner_text() == "Données : votre fichier « mes-projets.csv », non publiées"
    assert page.locator("#pres-source input[value='upload']").is_checked()
    total = "#pres-panel [data-figure='total'] .pres-value"
    shows = "([s, text]) => document.querySelector(s).innerText === text"
    page.wait_for_function(shows, arg=[total, money(42_500, "fr")])
    order = region_slides.region_mrcs(REGION)
    for _ in range(order.index("joliette") + 1):
        page.keyboard.press("ArrowRight")
    page.wait_for_function("() => document.querySelector('#pres-name').innerText === 'Joliette'")
    page.wait_for_function(shows, arg=[total, money(12_500, "fr")])
    # Her colours came as a new figure: the map is still fitted to the region, not back on all of Québec.
    page.wait_for_function("() => document.querySelector('#pres-map .js-plotly-plot')._fullLayout.map.zoom > 6")
    page.screenshot(path=str(ARTIFACTS / "presentation-own-file.png"))

    with page.expect_download() as download:
        page.click("#pres-offline")
    saved = tmp_path / download.value.suggested_filename
    download.value.save_as(saved)
    assert saved.name == "presentation-14-lanaudiere.html"
    shown = offline_page()
    offline = shown.open(saved)
    assert offline.locator(".off-mark").text_content() == "Données : votre fichier, non publiées"
    assert offline.locator("#off-panel [data-figure='total'] .pres-value").text_content() == money(42_500, "fr")
    for _ in range(order.index("joliette") + 1):
        offline.keyboard.press("PageDown")
    _wait_step(offline, order.index("joliette") + 1)
    assert offline.locator(".pres-project-title").all_text_contents() == ["Cuisine collective de Joliette"]
    assert shown.errors == [] and shown.network() == []

    # The one-page sheet and the comparison offer her file too, with the mark, on screen and on paper.
    page.goto(server_url + "/fiche/mrc/joliette")
    page.wait_for_selector("#sheet-own-mark:not([hidden])")
    page.wait_for_selector("#sheet-body >> text=Cuisine collective de Joliette")
    page.emulate_media(media="print")
    assert page.locator("#sheet-own-mark").is_visible()
    page.screenshot(path=str(ARTIFACTS / "sheet-own-file-print.png"), full_page=True)
    page.emulate_media(media="screen")
    page.goto(server_url + "/comparer?level=mrc&a=joliette&b=matawinie")
    page.wait_for_selector("#cmp-own-mark:not([hidden])")
    page.wait_for_function("(t) => document.querySelector('#cmp-panel-b').innerText.includes(t)",
                           arg=money(30_000, "fr"))
    assert app.errors == []


@pytest.fixture(scope="module")
def browser_without_webgl(browser):
    """Chromium with WebGL turned off, as on a laptop whose graphics driver is blocklisted (launched by
    the session's Playwright: one sync Playwright at a time)."""
    from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS

    other = browser.browser_type.launch(executable_path=CHROMIUM,
                                        args=[*CHROMIUM_ARGS, "--disable-webgl", "--disable-3d-apis"])
    yield other
    other.close()


STATIC_MAP = ("() => ({ids: Array.from(document.querySelectorAll('#off-map svg path[data-id]')).map(p => p.dataset.id),"
              " focus: Array.from(document.querySelectorAll('#off-map path.off-focus')).map(p => p.dataset.id),"
              " veiled: document.querySelectorAll('#off-map path.off-veil').length,"
              " fills: Array.from(document.querySelectorAll('#off-map svg path[data-id]')).map(p => p.getAttribute('fill')),"
              " note: (document.querySelector('#off-map .off-static-note') || {}).textContent,"
              " canvas: document.querySelectorAll('#off-map canvas').length})")


def test_without_webgl_the_file_draws_the_svg_map_and_follows_the_steps(browser_without_webgl, tmp_path):
    path = tmp_path / offline.file_name(REGION)
    path.write_text(offline.presentation_html(REGION), encoding="utf-8")
    shown = OfflinePage(browser_without_webgl)
    try:
        page = shown.open(path)
        assert page.evaluate("() => !document.createElement('canvas').getContext('webgl')")  # really without
        order = region_slides.region_mrcs(REGION)
        drawn = page.evaluate(STATIC_MAP)
        assert sorted(drawn["ids"]) == sorted(order) and drawn["canvas"] == 0
        assert drawn["focus"] == [] and drawn["veiled"] == 0
        assert "WebGL" in drawn["note"]
        # the colours are the interactive map's: a known amount in the scale, the others grey
        with_data = region_slides.region_map_data(REGION, "fr")[1]
        assert sum(fill != "#c8c8c8" for fill in drawn["fills"]) == len(with_data["locations"])
        page.screenshot(path=str(ARTIFACTS / "offline-without-webgl-overview.png"))
        page.keyboard.press("ArrowRight")
        _wait_step(page, 1)
        drawn = page.evaluate(STATIC_MAP)
        assert drawn["focus"] == [order[0]] and drawn["veiled"] == len(order) - 1
        page.screenshot(path=str(ARTIFACTS / "offline-without-webgl-step1.png"))
        page.click("#off-lang")  # the other language redraws the SVG, keeping the step's focus
        page.wait_for_function("() => document.documentElement.lang === 'en'")
        drawn = page.evaluate(STATIC_MAP)
        assert drawn["focus"] == [order[0]] and "WebGL" in drawn["note"] and "map" in drawn["note"]
        assert shown.errors == [] and shown.network() == []
    finally:
        shown.close()


# ---------------------------------------------------------------- issue #23 (5): counters, names, nothing cut

FITS = ("() => { const cut = []; const panel = document.getElementById('off-panel').getBoundingClientRect();"
        " const facts = document.querySelector('#off-panel .pres-facts');"
        " if (facts.scrollHeight > facts.clientHeight + 1) cut.push('figures: ' + facts.scrollHeight + ' > ' + facts.clientHeight);"
        " for (const e of document.querySelectorAll('#off-panel .pres-kicker, #off-panel .pres-name, #off-panel .pres-note,"
        " #off-panel .pres-figure, .pres-bar > *, #off-sources')) { const r = e.getBoundingClientRect();"
        "   if (e.closest('.pres-list')) continue;"
        "   if (r.bottom > window.innerHeight + 1 || r.right > window.innerWidth + 1) cut.push(e.textContent.slice(0, 40)); }"
        " return cut; }")


@pytest.mark.parametrize("width, height", [(1920, 1080), (1280, 720)])
def test_the_offline_counter_agrees_with_the_kicker_and_no_text_is_cut(offline_page, tmp_path, width, height):
    path = tmp_path / offline.file_name(REGION)
    path.write_text(offline.presentation_html(REGION), encoding="utf-8")
    shown = offline_page(width=width, height=height)
    page = shown.open(path)
    n_mrc = len(region_slides.region_mrcs(REGION))
    for step in range(n_mrc + 1):
        if step:
            page.keyboard.press("ArrowRight")
        _wait_step(page, step)
        counter = page.locator("#off-step").text_content()
        kicker = page.locator("#off-panel .pres-kicker").text_content()
        if step:
            assert counter == f"{step} / {n_mrc}" and kicker.endswith(f"{step} sur {n_mrc}"), (counter, kicker)
        else:
            assert counter == kicker == "Vue d'ensemble"
        assert page.evaluate(FITS) == [], (width, height, step)
        # The amounts published for the step's territory, each with its kind and a source.
        assert page.locator("#off-panel .pres-amount").count() == len(region_slides.step_amounts(REGION, step, "fr"))
        if step == 1:
            page.screenshot(path=str(ARTIFACTS / f"offline-14-mrc1-{width}.png"))
    names = page.locator(".pres-label-name").all_text_contents()
    assert sorted(names) == sorted(region_slides.map_labels(REGION)[i][1] for i in range(n_mrc))
    assert shown.errors == [] and shown.network() == []
