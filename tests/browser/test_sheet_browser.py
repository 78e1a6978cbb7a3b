"""The one-page sheets in a real browser: each prints on exactly ONE page in US Letter and in A4.

Chromium prints to PDF (`page.pdf`), and the PDF's pages are counted. The app runs in a subprocess
from app.py's `create_app()`; the sheet's two pages are registered there only if app.py does not
register them yet (so these tests run before and after the pages are wired into app.py).
Artifacts to look at: test-artifacts/sheet-region-14.pdf (Letter), sheet-region-14-a4.pdf and
sheet-region-14.png (the print stylesheet at the printable width of A4).
"""
from __future__ import annotations

import re

import numpy as np
import pandas as pd
import pytest

from data.load import ENVELOPES_PATH, PROJECTS_PATH
from geo import layers
from tests.browser.conftest import ARTIFACTS, PageWatch
from tests.browser.test_accessibility_browser import axe_violations

FORMATS = ("Letter", "A4")
PRINTABLE_WIDTH_PX = round(186 / 25.4 * 96)  # A4 less 2 × 12 mm: the narrower printable width

RUNNER = """
import os
import dash
import app
from pages import sheet
templates = {page.get("path_template") for page in dash.page_registry.values()}
if sheet.REGION_PATH_TEMPLATE not in templates:
    dash.register_page("fiche-region", path_template=sheet.REGION_PATH_TEMPLATE, layout=sheet.region_sheet,
                       title=sheet.region_title)
if sheet.MRC_PATH_TEMPLATE not in templates:
    dash.register_page("fiche-mrc", path_template=sheet.MRC_PATH_TEMPLATE, layout=sheet.mrc_sheet,
                       title=sheet.mrc_title)
app.app.run(host="127.0.0.1", port=int(os.environ["PORT"]), debug=False)
"""


@pytest.fixture(scope="module")
def sheet_url(server_url):
    """The session's app (app.py registers the sheet pages)."""
    return server_url


@pytest.fixture()
def open_sheet(browser, sheet_url):
    watches: list[PageWatch] = []

    def make(path: str, width: int = 1280) -> PageWatch:
        w = PageWatch(browser, sheet_url, width=width, height=1000)
        watches.append(w)
        response = w.page.goto(sheet_url + path)
        assert response.status == 200
        w.page.wait_for_selector("main#main h1", timeout=30_000)
        w.page.wait_for_function("() => [...document.images].every(i => i.complete && i.naturalWidth > 0)")
        return w

    yield make
    for w in watches:
        w.close()


def pdf_pages(pdf: bytes) -> int:
    """Number of pages of a PDF: its page objects (not the /Pages tree), checked against the tree's /Count."""
    pages = len(re.findall(rb"/Type\s*/Page(?![a-zA-Z])", pdf))
    counts = {int(n) for n in re.findall(rb"/Type\s*/Pages\b[^>]*?/Count\s+(\d+)", pdf)} | \
        {int(n) for n in re.findall(rb"/Count\s+(\d+)[^>]*?/Type\s*/Pages\b", pdf)}
    assert counts == {pages}, (pages, counts)
    return pages


def _envelope_rows_by_region() -> pd.Series:
    """Rows each region page lists (the region's own and its mapped Alliances'), read from the CSV."""
    envelopes = pd.read_csv(ENVELOPES_PATH, dtype=str, keep_default_na=False).replace("", np.nan)
    alliances = layers.territories("alliance")
    mapped = alliances[alliances.mapped.astype(str).str.lower() == "true"]
    return pd.Series({code: int(((envelopes.region_code == code)
                                 | envelopes.alliance_id.isin(mapped.index[mapped.region_code == code])).sum())
                      for code in layers.territories("region").index})


def _most_envelope_rows() -> str:
    counts = _envelope_rows_by_region()
    return str(counts.idxmax())


def _with_data() -> list[str]:
    """Every region, and every MRC with a project or an amount of its own."""
    projects = pd.read_csv(PROJECTS_PATH, dtype=str, keep_default_na=False)
    envelopes = pd.read_csv(ENVELOPES_PATH, dtype=str, keep_default_na=False)
    mrc = set(projects.mrc_ids[projects.mrc_ids != ""].str.split(";").explode()) | set(envelopes.mrc_id) - {""}
    return [f"/fiche/region/{code}" for code in layers.territories("region").index] + \
        [f"/fiche/mrc/{m}" for m in sorted(mrc)]


SHEETS = list(dict.fromkeys(["/fiche/region/14", "/fiche/region/06", "/fiche/mrc/les-moulins",
                             f"/fiche/region/{_most_envelope_rows()}"]))


# ---------------------------------------------------------------- one page, Letter and A4

@pytest.mark.parametrize("path", SHEETS)
def test_sheet_prints_on_exactly_one_page_in_letter_and_a4(open_sheet, path):
    w = open_sheet(path)
    for paper in FORMATS:
        assert pdf_pages(w.page.pdf(format=paper)) == 1, paper
    w.page.wait_for_timeout(300)
    assert w.errors == []


def test_sheet_of_region_14_is_saved_as_pdf_and_png_to_look_at(open_sheet):
    w = open_sheet("/fiche/region/14", width=PRINTABLE_WIDTH_PX)
    page = w.page
    assert page.locator("main h1").inner_text() == "Lanaudière"
    page.wait_for_function("() => document.title === 'Fiche — Lanaudière — Carte des Alliances'")
    letter = page.pdf(format="Letter")
    (ARTIFACTS / "sheet-region-14.pdf").write_bytes(letter)
    (ARTIFACTS / "sheet-region-14-a4.pdf").write_bytes(page.pdf(format="A4"))
    assert pdf_pages(letter) == 1
    # The map stays vector lines in the PDF (no bitmap), so it prints sharp.
    assert not re.search(rb"/Subtype\s*/Image", letter)
    page.emulate_media(media="print")
    page.screenshot(path=str(ARTIFACTS / "sheet-region-14.png"), full_page=True)
    assert w.errors == []


@pytest.mark.parametrize("path", _with_data())
def test_every_territory_with_data_fits_one_page_and_its_estimate_holds(open_sheet, path):
    """Every sheet with something to list, in both papers; and the height the server cut the sheet
    to (`data-estimated-mm`) is never below what Chromium lays out at the narrower printable width."""
    w = open_sheet(path + "?lang=en" if path.endswith(("/14", "/05")) else path, width=PRINTABLE_WIDTH_PX)
    page = w.page
    page.emulate_media(media="print")
    measured, estimated = page.evaluate(
        "() => { const m = document.querySelector('.sheet-paper');"
        " return [m.getBoundingClientRect().height * 25.4 / 96, parseFloat(m.dataset.estimatedMm)]; }")
    assert measured <= estimated <= 255
    for paper in FORMATS:
        assert pdf_pages(page.pdf(format=paper)) == 1, paper
    assert w.errors == []


# ---------------------------------------------------------------- what the printed page looks like

def test_print_hides_the_screen_bar_and_prints_black_text_of_at_least_9_points(open_sheet):
    w = open_sheet("/fiche/mrc/les-moulins")
    page = w.page
    assert page.locator("#sheet-print").is_visible()
    page.emulate_media(media="print")
    assert page.locator(".sheet-bar").is_hidden() and page.locator("#sheet-print").is_hidden()
    styles = page.evaluate(
        "() => [...document.querySelectorAll('.sheet-paper *')]"
        ".filter(e => e.offsetParent !== null && [...e.childNodes].some(n => n.nodeType === 3 && n.textContent.trim()))"
        ".map(e => [e.tagName, getComputedStyle(e).fontSize, getComputedStyle(e).color])")
    assert len(styles) > 50
    assert [s for s in styles if float(s[1].removesuffix("px")) < 12 - 0.01] == []  # 9 pt = 12 px
    assert {s[2] for s in styles} == {"rgb(0, 0, 0)"}
    background = page.evaluate("() => getComputedStyle(document.body).backgroundColor")
    assert background in ("rgb(255, 255, 255)", "rgba(0, 0, 0, 0)")
    assert w.errors == []


def test_print_button_opens_the_print_dialog(open_sheet):
    w = open_sheet("/fiche/region/06")
    page = w.page
    page.evaluate("() => { window.printed = 0; window.print = () => { window.printed += 1; }; }")
    page.get_by_role("button", name="Imprimer").click()
    page.wait_for_function("() => window.printed === 1")
    assert w.errors == []


def test_english_sheet_and_the_html_language(open_sheet):
    w = open_sheet("/fiche/region/14?lang=en")
    page = w.page
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    assert "Known FQIS amount" in page.locator(".sheet-figures").inner_text()
    assert page.get_by_role("button", name="Print").is_visible()
    assert w.errors == []


def test_unknown_territory_is_a_friendly_page(open_sheet):
    w = open_sheet("/fiche/region/zz")
    assert w.page.locator("main h1").inner_text() == "Territoire inconnu"
    assert w.page.locator("main a[href='/fiche/region/14']").count() == 1
    w.page.wait_for_timeout(300)
    assert w.errors == []


@pytest.mark.parametrize("path", ["/fiche/region/14", "/fiche/mrc/les-moulins?lang=en"])
def test_no_serious_or_critical_axe_violation(open_sheet, path):
    w = open_sheet(path)
    w.page.wait_for_load_state("networkidle")
    assert [v["id"] for v in axe_violations(w.page)] == []


# ---------------------------------------------------------------- issue #23 (10): her file holds one region

def test_the_sheet_of_her_file_with_one_region_says_seule_region(watch, server_url, tmp_path):
    from tests.browser.test_offline_browser import _upload_two_mrc
    app_page = watch(1280, 1000)
    page = app_page.page
    _upload_two_mrc(page, server_url, tmp_path)  # two projects, both in Lanaudière
    page.goto(server_url + "/fiche/region/14")
    page.wait_for_selector("#sheet-own-mark:not([hidden])")
    page.wait_for_selector("#sheet-body >> text=Cuisine collective de Joliette")
    figure = page.locator("[data-figure='per_capita']").inner_text()
    assert "seule région avec données" in figure and "sur 1 " not in page.locator("#sheet-body").inner_text()
    page.screenshot(path=str(ARTIFACTS / "sheet-own-file-one-region.png"), full_page=True)
    assert app_page.errors == []
