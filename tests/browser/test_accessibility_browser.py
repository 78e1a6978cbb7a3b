"""Accessibility in a real browser: axe-core finds no serious or critical violation; keyboard alone works."""
from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.browser.conftest import ARTIFACTS, ROOT, show_table, wait_for_map

AXE = ROOT / "tests" / "a11y" / "node_modules" / "axe-core" / "axe.min.js"
# Pages a visitor reaches: the map (French and English), a territory page, presentation mode, the
# embeddable map (as a news site frames it).
PAGES = ["/", "/?lang=en&level=mrc&measure=amount", "/region/14", "/presentation?region=14", "/embed?region=14&level=mrc"]


def axe_violations(page) -> list[dict]:
    if not AXE.exists():
        pytest.fail(f"{AXE} is missing: `make test` installs axe-core from the npm registry")
    # Evaluated by the browser, not injected as a <script>: the page's CSP refuses inline scripts.
    page.evaluate(AXE.read_text(encoding="utf-8"))
    result = page.evaluate("async () => await axe.run(document, {resultTypes: ['violations']})")
    return [v for v in result["violations"] if v["impact"] in ("serious", "critical")]


@pytest.mark.parametrize("path", PAGES)
def test_no_serious_or_critical_axe_violation(watch, path):
    w = watch()
    w.page.goto(w.base + path)
    w.page.wait_for_selector("h1, h2")
    if path.startswith("/embed"):  # the embed's app, once a reader's pointer reaches it
        w.page.locator(".embed-title").hover()
        w.page.wait_for_function(
            "() => { const gd = document.querySelector('#embed-map .js-plotly-plot');"
            " return !document.getElementById('first-paint') && gd && gd.dataset.fitted === '1'; }", timeout=30_000)
    elif w.page.locator("#map, #first-paint").count():  # on `/`, the app itself (after the first gesture)
        wait_for_map(w.page)
    if w.page.locator("#projects-table-slot").count():  # the grid is checked too, once loaded
        show_table(w.page)
        w.page.wait_for_selector("#projects-table .ag-row")
    w.page.wait_for_load_state("networkidle")
    assert w.page.locator("h1, h2").count() >= 1 and "404 - Page not found" not in w.page.locator("body").inner_text()
    violations = axe_violations(w.page)
    report = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
               "targets": [n["target"] for n in v["nodes"][:5]]} for v in violations]
    (ARTIFACTS / f"axe{path.replace('/', '_').replace('?', '_')}.json").write_text(json.dumps(report, indent=1))
    assert report == []


def test_no_serious_or_critical_axe_violation_on_the_first_paint(watch):
    """`/` as written by the server, before the first gesture loads the app (web/first_paint.py)."""
    w = watch(375, 812)
    w.page.goto(w.base + "/")
    w.page.wait_for_selector("#first-paint .fp-svg")
    violations = axe_violations(w.page)
    report = [{"id": v["id"], "impact": v["impact"], "help": v["help"],
               "targets": [n["target"] for n in v["nodes"][:5]]} for v in violations]
    (ARTIFACTS / "axe_first_paint.json").write_text(json.dumps(report, indent=1))
    assert w.page.locator("#first-paint").count() == 1  # axe ran on the first paint, not on the app
    assert report == []


def test_the_page_language_is_set_on_the_html_element(watch):
    page = watch().open("/?lang=en")
    page.wait_for_function("() => document.documentElement.lang === 'en'")
    page.get_by_role("link", name="Français").click()
    page.wait_for_function("() => document.documentElement.lang === 'fr'")


def test_keyboard_only_pick_a_region_read_the_summary_and_download_the_table(watch):
    page = watch().open("/")
    # The skip link is the first stop, and leads to the content.
    page.keyboard.press("Tab")
    assert page.evaluate("() => document.activeElement.className") == "skip-link"
    # Tab to the region filter, type, choose with Enter: no mouse anywhere.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("() => !!document.activeElement.closest('#filter-region')"):
            break
    else:
        pytest.fail("the region filter cannot be reached with Tab")
    outline = page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle")
    page.keyboard.press("ArrowDown")  # opens the list, the way a combobox does
    page.wait_for_function("() => document.activeElement.classList.contains('dash-dropdown-search')")
    page.keyboard.type("Lanaudi")
    page.wait_for_selector("[role=option] >> text=Lanaudière")  # the list has filtered
    page.keyboard.press("Enter")
    page.keyboard.press("Escape")
    page.wait_for_function("() => document.querySelector('#view-summary').innerText.startsWith('Lanaudière')")
    summary = page.locator("#view-summary").inner_text()
    assert "projet" in summary and "par habitant" in summary
    assert page.locator("#view-summary").get_attribute("aria-live") == "polite"
    # Then on to the first download link, and Enter downloads exactly the filtered table.
    for _ in range(80):
        page.keyboard.press("Tab")
        if page.evaluate("() => document.activeElement.classList.contains('download')"):
            break
    else:
        pytest.fail("the downloads cannot be reached with Tab")
    with page.expect_download() as download_info:
        page.keyboard.press("Enter")
    content = Path(download_info.value.path()).read_bytes().decode("utf-8-sig")
    lines = [line for line in content.splitlines()[1:] if line.strip()]
    count = int(page.locator("#table-count").inner_text().split()[0])
    assert len(lines) == count and all("Lanaudière" in line for line in lines)
    assert outline != "none" or page.evaluate("() => getComputedStyle(document.activeElement).outlineStyle") != "none"
