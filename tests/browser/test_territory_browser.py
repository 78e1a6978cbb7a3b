"""The region, MRC and methodology pages in a real browser: they load without a console error, show
their heading and tables, and print as a clean black-on-white document (screenshot to look at)."""
from __future__ import annotations

import pandas as pd

from data.load import ENVELOPES_PATH, PROJECTS_PATH
from data.metrics import SEPARATE_CYCLES
from tests.browser.conftest import ARTIFACTS


def _open(w, path: str):
    response = w.page.goto(w.base + path)
    w.page.wait_for_selector("main#main h1", timeout=30_000)
    return w.page, response


def _projects() -> pd.DataFrame:
    """The projects a territory page lists and counts: the old plan's are listed apart (#ancien-plan)."""
    projects = pd.read_csv(PROJECTS_PATH, dtype=str, keep_default_na=False)
    return projects[~projects.cycle.isin(SEPARATE_CYCLES)]


def test_region_page_shows_heading_figures_and_tables_without_console_error(watch):
    w = watch()
    page, response = _open(w, "/region/14")
    assert response.status == 200
    assert page.locator("main h1").inner_text() == "Lanaudière"
    expected = (_projects().region_code == "14").sum()
    assert page.locator("#projets tbody tr").count() == expected > 0
    envelopes = pd.read_csv(ENVELOPES_PATH, dtype=str, keep_default_na=False)
    assert page.locator("#enveloppes tbody tr").count() == (envelopes.region_code == "14").sum()
    assert "avec données" in page.locator(".facts").inner_text()  # each rank says among which territories
    page.wait_for_function("() => document.title === 'Lanaudière — Carte des Alliances'")
    page.screenshot(path=str(ARTIFACTS / "territory-region-14.png"), full_page=True)
    page.wait_for_timeout(500)
    assert w.errors == []


def test_mrc_page_shows_heading_and_project_rows_without_console_error(watch):
    w = watch()
    page, _ = _open(w, "/mrc/les-moulins")
    assert page.locator("main h1").inner_text() == "Les Moulins"
    assert page.locator("#projets tbody tr").count() == (_projects().mrc_ids == "les-moulins").sum() > 0
    assert page.locator("main a.map-link").get_attribute("href") == "/?level=mrc&mrc=les-moulins"
    page.wait_for_timeout(500)
    assert w.errors == []


def test_region_page_in_print_hides_navigation_and_prints_black_text(watch):
    w = watch(width=900, height=1200)
    page, _ = _open(w, "/region/14")
    page.emulate_media(media="print")
    assert page.locator(".doc-header").is_hidden()
    assert page.locator("main .map-link").is_hidden()
    assert page.locator(".print-source").is_visible()
    colours = page.evaluate("() => [...document.querySelectorAll('main h1, main td, main dd')]"
                            ".map(e => getComputedStyle(e).color)")
    assert colours and set(colours) == {"rgb(0, 0, 0)"}
    # Each source link writes its address after it, so a printed page still leads to the source.
    after = page.evaluate("() => getComputedStyle(document.querySelector('#projets a.source'), '::after').content")
    assert "https://" in after
    page.screenshot(path=str(ARTIFACTS / "territory-region-14-print.png"), full_page=True)
    assert w.errors == []


def test_unknown_territory_is_a_friendly_page(watch):
    w = watch()
    page, response = _open(w, "/mrc/nulle-part")
    assert response.status == 200
    assert page.locator("main h1").inner_text() == "Territoire inconnu"
    assert page.locator("main a[href='/']").count() >= 1
    page.wait_for_timeout(300)
    assert w.errors == []


def test_methodology_page_in_both_languages(watch):
    w = watch()
    page, _ = _open(w, "/methodologie")
    assert page.locator("main h1").inner_text() == "Méthodologie"
    assert page.locator("#journal tbody tr").count() >= 2
    page, _ = _open(w, "/methodologie?lang=en")
    assert page.locator("main h1").inner_text() == "Methodology"
    page.wait_for_timeout(300)
    assert w.errors == []


# ---------------------------------------------------------------- issue #23 (4): one meaning per word

def test_region_page_names_the_envelope_per_inhabitant_and_the_measure_of_each_rank(watch):
    """Bas-Saint-Laurent: first on the map (envelope per inhabitant), last by known amount per inhabitant."""
    import re

    from components import dataset
    from components.i18n import money_cents
    from data import metrics
    agg = metrics.aggregate(dataset.current().projects, "region", dataset.current().envelopes)
    w = watch(1440, 900)
    w.page.goto(w.base + "/region/01")
    w.page.wait_for_selector("#en-bref dl")
    facts = w.page.locator("#en-bref").inner_text()
    assert money_cents(agg.envelope_per_capita["01"], "fr").replace("\u00a0", " ") in facts.replace("\u00a0", " ")
    assert "Enveloppe par habitant" in facts and "Montant connu par habitant" in facts
    # Every rank says which measure it ranks.
    ranks = [line for line in facts.splitlines() if re.search(r"\d+(re|e|er) sur \d+", line)]
    assert ranks and all(line.endswith(("pour le montant connu par habitant", "pour l'enveloppe par habitant"))
                         for line in ranks), ranks
    # No bare « par habitant » on the page: each says of what.
    text = w.page.locator("main").inner_text()
    assert re.findall(r"(?<!connu )(?<!nveloppe )par habitant", text) == []
    w.page.screenshot(path=str(ARTIFACTS / "region-01-facts-1440.png"), full_page=False)
    assert w.errors == []
