"""Coordinators' own spreadsheets in a real browser: shown on the map, errors reported, limits kept."""
from __future__ import annotations

from pathlib import Path

from tests.browser.conftest import ARTIFACTS, map_state

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "import"


def _upload(page, path: Path):
    page.locator("#upload-file input[type=file]").set_input_files(str(path))


def test_a_valid_file_appears_on_the_map_figures_and_table(watch):
    w = watch()
    page = w.open("/")
    before = map_state(page)
    _upload(page, FIXTURES / "coordinator_clean.csv")
    page.wait_for_selector("#upload-report >> text=2 valides")
    page.wait_for_function("() => document.querySelector('#map .js-plotly-plot').data[2].lon.length === 2")
    assert map_state(page)["points"] == 2 != before["points"]
    page.wait_for_function("() => document.querySelector('#headline').innerText.includes('52\u00a0500')")
    page.wait_for_function("() => document.querySelector('#table-count').innerText.startsWith('2 ')")
    assert page.locator("#data-source input[value='upload']").is_checked()
    page.locator("#data-source").get_by_label("Données publiques").check()
    page.wait_for_function("(n) => document.querySelector('#map .js-plotly-plot').data[2].lon.length === n",
                           arg=before["points"])
    assert w.errors == []


def test_a_file_with_errors_lists_the_rejected_rows(watch):
    page = watch().open("/")
    _upload(page, FIXTURES / "coordinator_messy.csv")
    page.wait_for_selector("#upload-report table.errors")
    rows = page.locator("#upload-report table.errors tbody tr").all_inner_texts()
    numbers = [r.split("\t")[0].strip() for r in rows]
    assert numbers == ["11", "12", "13", "14", "15", "16", "17", "17", "21"]
    page.screenshot(path=str(ARTIFACTS / "upload-errors.png"), full_page=True)


def test_oversized_and_wrong_type_files_get_a_message_and_the_page_still_works(watch, tmp_path):
    w = watch()
    page = w.open("/")
    big = tmp_path / "enorme.csv"
    big.write_bytes(b"Nom du projet,Organisme porteur,MRC\n" + b"x,y,Laval\n" * 600_000)
    _upload(page, big)
    page.wait_for_selector("#upload-report .error")
    assert "enorme.csv" in page.locator("#upload-report").inner_text()
    picture = tmp_path / "photo.png"
    picture.write_bytes(b"\x89PNG\r\n\x1a\n" + b"\0" * 100)
    _upload(page, picture)
    page.wait_for_function("() => document.querySelector('#upload-report').innerText.includes('photo.png')")
    z_js = "() => JSON.stringify(document.querySelector('#map .js-plotly-plot').data[1].z)"
    before = page.evaluate(z_js)
    page.locator("#measure-radio").get_by_label("Nombre de projets").check()
    page.wait_for_function(f"(z) => ({z_js})() !== z", arg=before)
    assert w.errors == []


def test_at_375_px_the_error_table_stays_inside_its_box(watch, tmp_path):
    """Long importer messages wrap, or the table scrolls inside its own box: the page itself never
    scrolls sideways on a phone, even when a message quotes a long value without spaces."""
    messy = (FIXTURES / "coordinator_messy.csv").read_bytes()
    assert b"Saint-Machin-des-Bois" in messy
    long_name = tmp_path / "long.csv"
    long_name.write_bytes(messy.replace(b"Saint-Machin-des-Bois", b"SaintMachinDesBois" * 8))
    w = watch(375, 812)
    page = w.open("/")
    _upload(page, long_name)
    page.wait_for_selector("#upload-report table.errors")
    page.locator("#upload-report table.errors").scroll_into_view_if_needed()
    widths = page.evaluate(
        "() => { const report = document.querySelector('#upload-report').getBoundingClientRect();"
        " const table = document.querySelector('#upload-report table.errors');"
        " const box = table.parentElement.getBoundingClientRect();"
        " return {page: document.documentElement.scrollWidth, viewport: window.innerWidth,"
        " box: box.right, report: report.right, scrolls: getComputedStyle(table.parentElement).overflowX}; }")
    page.screenshot(path=str(ARTIFACTS / "upload-errors-375.png"), full_page=False)
    assert widths["page"] <= widths["viewport"], widths
    assert widths["box"] <= widths["viewport"] and widths["report"] <= widths["viewport"], widths
    assert w.errors == []
