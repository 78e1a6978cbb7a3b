"""A coordinator's file with follow-up columns, in a real browser: the table's « Suivi » cell shows the status
and the report link (the FollowUp renderer), and the « Statut » filter keeps the projects of that status."""
from __future__ import annotations

from tests.browser.conftest import choose_by_typing, show_table
from tests.test_follow_up import FRENCH_HEADERS, FRENCH_ROWS, _xlsx

ROWS_JS = "() => dash_ag_grid.getApi('projects-table').getDisplayedRowCount()"
CELL = "#projects-table .ag-row .ag-cell[col-id=follow_up]"


def test_the_table_shows_the_follow_up_and_the_status_filter_keeps_its_projects(watch, tmp_path):
    w = watch()
    page = w.open("/")
    path = tmp_path / "suivi.xlsx"
    path.write_bytes(_xlsx(FRENCH_HEADERS, FRENCH_ROWS))
    show_table(page)
    page.locator("#upload-file input[type=file]").set_input_files(str(path))
    page.wait_for_selector("#upload-report >> text=3 valides")
    page.wait_for_function(f"() => ({ROWS_JS})() === 3")
    page.wait_for_function("(sel) => [...document.querySelectorAll(sel)].some(c => c.innerText.includes('terminé'))",
                           arg=CELL)
    done = page.locator(CELL, has_text="terminé")
    assert "120 personnes rejointes" in done.inner_text()
    link = done.get_by_role("link", name="rapport")
    assert link.get_attribute("href") == "https://exemple.org/rapport-cuisine.pdf"
    assert link.get_attribute("rel") == "noopener noreferrer"
    choose_by_typing(page, "filter-status", "termin", "terminé")
    page.wait_for_function(f"() => ({ROWS_JS})() === 1")
    assert "status=completed" in page.url
    assert w.errors == []
