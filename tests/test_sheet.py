"""The one-page sheets (/fiche/region/<code>, /fiche/mrc/<mrc_id>), called as plain functions.

Expected figures are worked out again here from the curated CSV files with pandas (and checked
against `data.metrics`), not with the code under test. Whether a sheet really prints on one page
is checked in a browser (tests/browser/test_sheet_browser.py); here, that every sheet was cut to
fit by its own estimate.
"""
from __future__ import annotations

import re
import xml.etree.ElementTree as ET

import pandas as pd
import pytest
from dash import dcc, html

from components import dataset
from components.dataset import Dataset, prepare_for_map
from components.document import CHANGELOG_PATH, kind_label
from components.i18n import money, money_cents, number, plural
from data import load, metrics
from geo import layers
from pages import sheet
from tests.test_territory_page import hrefs, of_type, page_text, walk, with_class, without_old_plan

# ---------------------------------------------------------------- reading a sheet

def figure(page, key: str) -> tuple[str, str]:
    """(value, note) of the key figure `key` (its data-figure attribute)."""
    (box,) = [c for c in walk(page) if getattr(c, "className", None) == "sheet-figure"
              and c.to_plotly_json()["props"].get("data-figure") == key]
    value = page_text(with_class(box, "sheet-figure-value"))
    notes = with_class(box, "sheet-figure-note")
    return value, page_text(notes) if notes else ""


def section(page, section_id: str):
    (found,) = [c for c in walk(page) if getattr(c, "id", None) == section_id]
    return found


def body_rows(node) -> list:
    """Data rows of the tables under `node` (not the cycle heading rows)."""
    return [row for body in of_type(node, html.Tbody) for row in of_type(body, html.Tr)
            if not with_class(row, "sheet-group")]


def cells(row) -> list[str]:
    return [page_text(td) for td in of_type(row, html.Td)]


def more_count(node, word: str) -> int:
    """N of « et N autres <word>s » (or « et 1 autre <word> ») under `node` (0 when there is no such line)."""
    found = re.search(r"et (\d+) autres? " + word, page_text(node))
    return int(found.group(1)) if found else 0


def estimated_mm(page) -> float:
    (paper,) = with_class(page, "sheet-paper")
    return float(paper.to_plotly_json()["props"]["data-estimated-mm"])


# ---------------------------------------------------------------- the curated data, read independently

@pytest.fixture(scope="module")
def raw_projects(raw_projects) -> pd.DataFrame:
    """The curated projects a sheet counts: every cycle but the old plan's (as on the map with no cycle chosen)."""
    return without_old_plan(raw_projects)


def prepared_aggregate(level: str) -> pd.DataFrame:
    """data.metrics on the validated, prepared table, the old plan's projects left out as on the map."""
    projects = metrics.prepare_projects(load.load_projects())
    return metrics.aggregate(projects, level, mask=metrics.filter_mask(projects, metrics.Filters()))


def amount(value: float) -> str:
    """How the site writes a source's amount: cents only when there are cents."""
    return money_cents(value, "fr") if round(value * 100) % 100 else money(value, "fr")


def region_rows(raw_envelopes: pd.DataFrame, code: str) -> pd.DataFrame:
    """The rows the region page lists: the region's own and its mapped Alliances'."""
    alliances = pd.read_csv(layers.layer_path("alliance").with_suffix(".csv"), dtype=str)
    mine = set(alliances.alliance_id[(alliances.region_code == code) & (alliances.mapped.str.lower() == "true")])
    return raw_envelopes[(raw_envelopes.region_code == code) | raw_envelopes.alliance_id.isin(mine)]


def counted_in_mrc(raw_projects: pd.DataFrame, mrc_id: str) -> pd.DataFrame:
    """Projects of exactly one MRC (multi-MRC ones count in the region)."""
    return raw_projects[raw_projects.mrc_ids == mrc_id]


@pytest.fixture(scope="module")
def lanaudiere():
    return sheet.region_sheet(code="14")


@pytest.fixture(scope="module")
def les_moulins():
    return sheet.mrc_sheet(mrc_id="les-moulins")


# ---------------------------------------------------------------- key figures

@pytest.mark.parametrize("code", ["14", "06", "05", "17"])
def test_region_figures_equal_the_metrics_computed_independently(code, raw_projects):
    page = sheet.region_sheet(code=code)
    mine = raw_projects[raw_projects.region_code == code]
    known = mine.amount_fqis.dropna()
    population = float(layers.territories("region").population_2021[code])
    # Worked out here from the CSV…
    assert figure(page, "amount")[0] == (amount(known.sum()) if len(known) else "—")
    assert figure(page, "projects")[0] == number(len(mine), "fr")
    assert figure(page, "promoters")[0] == number(mine.promoter.dropna().nunique(), "fr")
    assert figure(page, "per_capita")[0] == money_cents(known.sum() / population if len(known) else None, "fr")
    assert figure(page, "population")[0] == number(population, "fr")
    # … and the same as data.metrics on the validated, prepared table.
    agg = prepared_aggregate("region").loc[code]
    assert (agg.n_projects, agg.n_promoters) == (len(mine), mine.promoter.dropna().nunique())
    assert agg.amount == pytest.approx(known.sum()) if len(known) else pd.isna(agg.amount)


def test_region_rank_is_among_the_regions_with_a_known_amount(lanaudiere, raw_projects):
    population = layers.territories("region").population_2021.astype(float)
    totals = raw_projects.dropna(subset=["amount_fqis"]).groupby("region_code").amount_fqis.sum()
    per_capita = totals / population.reindex(totals.index)
    rank = int((per_capita > per_capita["14"]).sum()) + 1
    ordinal = "1re" if rank == 1 else f"{rank}e"
    assert figure(lanaudiere, "per_capita")[1] == \
        f"rang : {ordinal} sur {len(per_capita)} régions avec données"


def _regions_where(raw_projects, keep) -> list[str]:
    """Region codes (of the map layer) whose projects satisfy `keep(projects of the region)`."""
    return [code for code in sorted(layers.territories("region").index)
            if keep(raw_projects[raw_projects.region_code == code])]


def test_region_without_known_amount_is_not_ranked_and_says_no_data_is_not_zero(raw_projects):
    without = _regions_where(raw_projects, lambda mine: mine.amount_fqis.isna().all())
    assert without, "every region has a known amount: this test needs one without"
    page = sheet.region_sheet(code=without[0])
    assert figure(page, "amount")[0] == "—"
    assert figure(page, "per_capita") == ("—", "non classé : aucune donnée connue")
    assert "Aucune donnée connue n'est pas zéro" in page_text(page)


def test_region_sheet_names_its_alliance_and_mandataire(lanaudiere):
    assert page_text(of_type(lanaudiere, html.H1)) == "Lanaudière"
    assert "Région administrative 14" in page_text(lanaudiere)
    (alliances,) = with_class(lanaudiere, "sheet-alliances")
    assert "Table des préfets de Lanaudière" in page_text(alliances)


def test_region_with_three_alliances_lists_each_mandataire():
    (alliances,) = with_class(sheet.region_sheet(code="10"), "sheet-alliances")
    assert len(of_type(alliances, html.Li)) == 3
    for mandataire in ("Administration régionale Baie-James", "Gouvernement de la nation crie",
                       "Administration régionale Kativik"):
        assert mandataire in page_text(alliances)


def test_estimated_population_is_said(raw_projects):
    regions = layers.territories("region")
    code = regions.index[regions.population_estimated.astype(str).str.lower() == "true"][0]
    assert figure(sheet.region_sheet(code=code), "population")[1] == "estimée"
    assert figure(sheet.region_sheet(code="14"), "population")[1] == ""


def test_mrc_figures_count_only_the_projects_counted_in_the_mrc(les_moulins, raw_projects):
    mine = counted_in_mrc(raw_projects, "les-moulins")
    assert len(mine) > 0
    population = float(layers.territories("mrc").population_2021["les-moulins"])
    assert figure(les_moulins, "amount")[0] == amount(mine.amount_fqis.sum())
    assert figure(les_moulins, "projects")[0] == number(len(mine), "fr")
    assert figure(les_moulins, "promoters")[0] == number(mine.promoter.dropna().nunique(), "fr")
    assert figure(les_moulins, "per_capita")[0] == money_cents(mine.amount_fqis.sum() / population, "fr")
    agg = prepared_aggregate("mrc")
    assert agg.amount["les-moulins"] == pytest.approx(mine.amount_fqis.sum())


def test_mrc_ranks_in_its_region_and_in_quebec(les_moulins, raw_projects):
    mrc = layers.territories("mrc")
    single = raw_projects[raw_projects.mrc_ids.notna() & ~raw_projects.mrc_ids.fillna("").str.contains(";")]
    totals = single.dropna(subset=["amount_fqis"]).groupby("mrc_ids").amount_fqis.sum()
    per_capita = totals / mrc.population_2021.astype(float).reindex(totals.index)
    in_region = per_capita[per_capita.index.isin(mrc.index[mrc.region_code == "14"])]
    rank_region = int((in_region > in_region["les-moulins"]).sum()) + 1
    rank_all = int((per_capita > per_capita["les-moulins"]).sum()) + 1

    def ordinal(n):
        return "1re" if n == 1 else f"{n}e"

    measure = "avec données"
    assert figure(les_moulins, "per_capita")[1] == (
        f"rang : {ordinal(rank_region)} sur {len(in_region)} MRC/TE de la région {measure}" if len(in_region) > 1
        else f"seule MRC/TE de la région {measure}")  # never « 1re sur 1 »
    assert figure(les_moulins, "rank_all") == (f"{ordinal(rank_all)} sur {len(per_capita)}",
                                               f"rang : {ordinal(rank_all)} sur {len(per_capita)} MRC/TE {measure}")
    assert "MRC · région Lanaudière (14)" in page_text(les_moulins)


# ---------------------------------------------------------------- envelopes: a few rows, never summed

def test_envelopes_are_cut_and_the_rest_is_counted(lanaudiere, raw_envelopes):
    expected = region_rows(raw_envelopes, "14")
    assert len(expected) > sheet.MAX_ENVELOPES
    envelopes = section(lanaudiere, "fiche-enveloppes")
    rows = body_rows(envelopes)
    assert 0 < len(rows) <= sheet.MAX_ENVELOPES
    assert more_count(envelopes, "montant") == len(expected) - len(rows)
    assert "voir la page complète du territoire" in page_text(envelopes)
    assert "(/region/" not in page_text(envelopes)  # no bare path printed on paper


def test_every_envelope_row_is_one_published_amount_with_its_kind(lanaudiere, raw_envelopes):
    expected = region_rows(raw_envelopes, "14")
    published = {(kind_label(k, "fr"), amount(float(a))) for k, a in zip(expected.kind, expected.amount)}
    for row in body_rows(section(lanaudiere, "fiche-enveloppes")):
        territory, kind, shown, period, source = cells(row)
        assert (kind, shown) in published  # a row of the file as it is: nothing added up
    assert set(hrefs(section(lanaudiere, "fiche-enveloppes"))) <= set(expected.source_url)


def test_envelopes_come_newest_cycle_first_under_their_cycle(raw_envelopes):
    # Lanaudière: its rows of two cycles fit under the figures (the envelope per inhabitant's row of
    # figures leaves room for fewer envelope rows than before on most sheets).
    page = sheet.region_sheet(code="14")
    cycles = pd.read_csv(load.DATA_DIR / "reference" / "cycles.csv", dtype=str)
    shown = [page_text(th) for th in with_class(section(page, "fiche-enveloppes"), "sheet-group")]
    mine = set(region_rows(raw_envelopes, "14").cycle)
    newest_first = [label for cycle, label in zip(cycles.cycle_id[::-1], cycles.label_fr[::-1]) if cycle in mine]
    assert shown == newest_first[:len(shown)] and len(shown) >= 2


def test_region_with_few_envelopes_shows_them_all_without_a_more_line(raw_envelopes):
    # The region with the fewest amounts (but some), read from the data rather than named.
    counts = {code: len(region_rows(raw_envelopes, code)) for code in layers.territories("region").index}
    code = min((c for c in counts if counts[c]), key=counts.get)
    assert counts[code] <= sheet.MAX_ENVELOPES
    page = sheet.region_sheet(code=code)
    envelopes = section(page, "fiche-enveloppes")
    assert len(body_rows(envelopes)) == counts[code]
    assert more_count(envelopes, "montant") == 0


def test_mrc_without_own_envelope_points_to_its_region_sheet():
    page = sheet.mrc_sheet(mrc_id="montreal")
    envelopes = section(page, "fiche-enveloppes")
    assert body_rows(envelopes) == []
    assert "sur la fiche de la région Montréal" in page_text(envelopes)  # named, never a bare path on paper


# ---------------------------------------------------------------- priorities and projects

def test_priorities_are_themes_counted_over_the_projects(raw_projects):
    page = sheet.region_sheet(code="06")
    mine = raw_projects[raw_projects.region_code == "06"]
    expected = mine.themes.dropna().str.split(";").explode().value_counts()
    items = of_type(section(page, "fiche-priorites"), html.Li)
    shown = {item.to_plotly_json()["props"]["data-theme"]: page_text(item) for item in items}
    unthemed = int(mine.themes.isna().sum())
    if unthemed:  # projects with no theme are counted on a line of their own
        assert shown.pop("none").endswith(plural("n_projects", unthemed, "fr"))
    assert set(shown) == set(expected.index)
    for theme, n in expected.items():
        assert shown[theme].endswith(plural("n_projects", n, "fr"))


def test_projects_are_the_largest_known_amounts_and_the_rest_is_counted(raw_projects):
    page = sheet.region_sheet(code="06")
    mine = raw_projects[raw_projects.region_code == "06"].sort_values("amount_fqis", ascending=False)
    projects = section(page, "fiche-projets")
    rows = body_rows(projects)
    assert 0 < len(rows) <= sheet.MAX_PROJECTS
    assert [cells(r)[0] for r in rows] == list(mine.title[:len(rows)])
    assert [cells(r)[3] for r in rows] == [amount(a) for a in mine.amount_fqis[:len(rows)]]
    assert more_count(projects, "projet") == len(mine) - len(rows)


def test_projects_of_unknown_amount_come_after_and_show_a_dash(raw_projects):
    unknown = _regions_where(raw_projects, lambda mine: len(mine) > 0 and mine.amount_fqis.isna().all())
    assert unknown, "no region has only projects of unknown amount: this test needs one"
    page = sheet.region_sheet(code=unknown[0])
    rows = body_rows(section(page, "fiche-projets"))
    assert rows and all(cells(r)[3] == "—" for r in rows)
    assert more_count(section(page, "fiche-projets"), "projet") == (raw_projects.region_code == unknown[0]).sum() - len(rows)
    # In a region with both, every known amount is listed before the first unknown one.
    mixed = _regions_where(raw_projects, lambda mine: mine.amount_fqis.notna().any() and mine.amount_fqis.isna().any())
    shown = [cells(r)[3] for r in body_rows(section(sheet.region_sheet(code=mixed[0]), "fiche-projets"))]
    assert shown == sorted(shown, key=lambda text: text == "—")


def test_region_without_projects_says_so(raw_projects):
    without = _regions_where(raw_projects, lambda mine: mine.empty)
    assert without, "every region has a project: this test needs one without"
    page = sheet.region_sheet(code=without[0])
    assert "Aucun projet connu pour ce territoire." in page_text(section(page, "fiche-projets"))
    assert "Aucun projet connu, donc aucune priorité à compter." in page_text(section(page, "fiche-priorites"))


def test_sheet_ordering_functions():
    envelopes = pd.DataFrame({
        "envelope_id": list("abcd"), "cycle": ["pagieps-2017-2023", "plan-2024-2029", "plan-2024-2029",
                                               "plan-2024-2029"],
        "territory_level": ["region", "mrc", "region", "region"], "kind": ["envelope", "envelope", "call", "envelope"],
        "source_date": ["2018", "2025-01", "2025-06", None]})
    assert list(sheet.sheet_envelopes(envelopes).envelope_id) == ["d", "c", "b", "a"]
    projects = pd.DataFrame({"title": ["b", "a", "c", "d"], "amount_fqis": [10.0, None, 30.0, None]})
    assert list(sheet.sheet_projects(projects).title) == ["c", "b", "a", "d"]


# ---------------------------------------------------------------- source line, links, language

def test_source_line_names_the_territory_page_and_the_latest_data_date(lanaudiere):
    latest = pd.read_csv(CHANGELOG_PATH, dtype=str).date.max()
    (source,) = with_class(lanaudiere, "sheet-source")
    line = page_text(source)
    assert f"Carte des Alliances, /region/14 — données au {latest}" in line
    assert "Statistique Canada" in line and "CC BY 4.0" in line


def test_links_lead_to_the_map_the_territory_page_and_the_english_sheet(lanaudiere, les_moulins):
    assert {"/", "/region/14", "/fiche/region/14?lang=en"} <= set(hrefs(lanaudiere))
    assert {"/mrc/les-moulins", "/fiche/mrc/les-moulins?lang=en"} <= set(hrefs(les_moulins))
    (button,) = [c for c in walk(lanaudiere) if isinstance(c, html.Button)]
    assert button.id == sheet.PRINT_BUTTON and page_text(button) == "Imprimer"


def test_english_sheet():
    page = sheet.region_sheet(code="14", lang="en")
    assert page.lang == "en"
    text = page_text(page)
    assert "Administrative region 14" in text and "Known FQIS amount" in text and "Print" in text
    assert figure(page, "amount")[0].startswith("$")
    assert re.fullmatch(r"rank: \d+(st|nd|rd|th) of \d+ regions with data",
                        figure(page, "per_capita")[1])
    assert re.fullmatch(r"rank: \d+(st|nd|rd|th) of \d+ regions with data",
                        figure(page, "envelope_per_capita")[1])
    assert "/fiche/region/14" in hrefs(page)  # the switch back to French
    assert "Carte des Alliances" not in page_text(with_class(page, "sheet-source"))


def test_any_other_language_is_french():
    assert sheet.region_sheet(code="14", lang="de").lang == "fr"
    assert sheet.region_sheet(code="14", lang=["en", "en"]).lang == "fr"


def test_a_region_name_in_the_address_is_understood():
    page = sheet.region_sheet(code="Lanaudière")
    assert page_text(of_type(page, html.H1)) == "Lanaudière"
    assert sheet.region_title(code="14") == "Fiche — Lanaudière — Carte des Alliances"
    assert sheet.mrc_title(mrc_id="les-moulins") == "Fiche — Les Moulins — Carte des Alliances"


# ---------------------------------------------------------------- unknown territory

@pytest.mark.parametrize("value", ["zz", "99", "", None, "x" * 5000, "<script>alert(1)</script>", "../../etc"])
def test_unknown_region_is_a_friendly_page(value):
    page = sheet.region_sheet(code=value)
    assert page_text(of_type(page, html.H1)) == "Territoire inconnu"
    assert "/fiche/region/14" in hrefs(page) and "/" in hrefs(page)
    assert not with_class(page, "sheet-figures")
    assert sheet.region_title(code=value) == "Fiche — Territoire inconnu — Carte des Alliances"


def test_unknown_mrc_is_a_friendly_page_in_english_too():
    page = sheet.mrc_sheet(mrc_id="nulle-part", lang="en")
    assert page_text(of_type(page, html.H1)) == "Unknown area"
    assert "No MRC has the id « nulle-part »." in page_text(page)


# ---------------------------------------------------------------- text stays text

def _with_title(title: str) -> Dataset:
    projects = load.load_projects()
    projects.loc[projects.index[0], "title"] = title
    return Dataset(prepare_for_map(projects), load.load_envelopes(), demo=False)


def test_text_stays_text(monkeypatch):
    hostile = "<img src=x onerror=alert(1)> & « guillemets »"
    monkeypatch.setattr(dataset, "current", lambda: _with_title(hostile))
    page = sheet.mrc_sheet(mrc_id="les-moulins")
    # Every component is a plain Dash html component (no Markdown, no raw HTML): Dash escapes strings.
    assert not [c for c in walk(page) if isinstance(c, dcc.Markdown) or "dangerously" in str(c.to_plotly_json())]
    texts = [s for s in (getattr(c, "children", None) for c in walk(page)) if isinstance(s, str)]
    assert hostile in texts
    # Names and figures are text of the page, not pixels of the map: the map holds only its scale.
    (image,) = of_type(page, html.Img)
    assert image.alt == "Carte de Les Moulins et des territoires voisins"
    svg = ET.fromstring(sheet.map_svg("mrc", "les-moulins"))
    assert ["".join(t.itertext()) for t in svg.iter("{http://www.w3.org/2000/svg}text")] == ["10 km"]


# ---------------------------------------------------------------- the map

@pytest.mark.parametrize("level, territory", [("region", "14"), ("region", "10"), ("mrc", "les-moulins"),
                                              ("mrc", "montreal"), ("mrc", "administration-regionale-kativik")])
def test_map_is_a_square_black_and_white_svg_of_the_territory(level, territory):
    svg = ET.fromstring(sheet.map_svg(level, territory))
    assert svg.get("viewBox") == f"0 0 {sheet.MAP_SIZE} {sheet.MAP_SIZE}"
    paths = list(svg.iter("{http://www.w3.org/2000/svg}path"))
    assert len(paths) > 3
    colours = set(re.findall(r"#[0-9a-f]{3,6}", sheet.map_svg(level, territory)))
    for colour in colours:  # greys only: it prints the same on any printer
        digits = colour[1:] if len(colour) == 7 else "".join(c * 2 for c in colour[1:])
        assert digits[0:2] == digits[2:4] == digits[4:6], colour
    coordinates = [float(n) for p in paths for n in re.findall(r"-?\d+(?:\.\d+)?", p.get("d"))]
    assert min(coordinates) >= 0 and max(coordinates) <= sheet.MAP_SIZE  # clipped to the frame
    assert sheet.map_uri(level, territory).startswith("data:image/svg+xml;base64,")


def test_mrc_map_draws_the_mrc_dark_on_top():
    svg = ET.fromstring(sheet.map_svg("mrc", "les-moulins"))
    paths = [p for p in svg.iter("{http://www.w3.org/2000/svg}path") if "fill:#3a3a3a" in p.get("style", "")]
    assert len(paths) == 1


# ---------------------------------------------------------------- one page

def test_text_width_estimate_matches_the_font():
    # Measured in Chromium with Liberation Sans (Arial's metrics) at 9 pt: 46.94 mm.
    assert sheet.text_mm("lejournaldejoliette.ca, 2021-09-28") == pytest.approx(46.94, abs=0.3)
    assert sheet.line_count("un deux trois", 1000) == 1
    # Two lines in the browser (a 40 mm column less its padding); the estimate may round up, never down.
    assert 2 <= sheet.line_count("Société de développement et d'animation de Mascouche", 38.8) <= 3
    assert sheet.line_count("x" * 200, 20) >= 10  # a word longer than its box is cut anywhere


@pytest.mark.parametrize("lang", ["fr", "en"])
def test_every_sheet_is_cut_to_fit_one_page(lang):
    budget = sheet.PAGE_HEIGHT_MM - sheet.SAFETY_MM
    for code in layers.territories("region").index:
        assert estimated_mm(sheet.region_sheet(code=code, lang=lang)) <= budget, code
    for mrc_id in layers.territories("mrc").index:
        assert estimated_mm(sheet.mrc_sheet(mrc_id=mrc_id, lang=lang)) <= budget, mrc_id


def test_a_large_synthetic_dataset_still_fits_and_says_it_is_a_demo(monkeypatch):
    from data.synthetic import generate_projects

    demo = Dataset(prepare_for_map(generate_projects(3000, seed=2018)), load.load_envelopes(), demo=True)
    monkeypatch.setattr(dataset, "current", lambda: demo)
    page = sheet.region_sheet(code="16")
    assert estimated_mm(page) <= sheet.PAGE_HEIGHT_MM - sheet.SAFETY_MM
    assert with_class(page, "sheet-demo")
    projects = section(page, "fiche-projets")
    rows = body_rows(projects)
    # The old plan's projects are not among them (a note says how many: the territory page lists them).
    expected = ((demo.projects.region_code == "16") & ~demo.projects.cycle.isin(metrics.SEPARATE_CYCLES)).sum()
    assert 0 < len(rows) <= sheet.MAX_PROJECTS and more_count(projects, "projet") == expected - len(rows)


# ---------------------------------------------------------------- her file with a single region

def test_a_sheet_of_her_file_with_one_region_never_says_1er_sur_1(raw_projects):
    """A coordinator's file holds her region only: « seule région avec données », not « 1er sur 1 régions »."""
    from tests.fixtures_projects import small_projects
    projects = small_projects()
    mine = projects[projects.region_code == "01"]
    data = Dataset(prepare_for_map(mine), load.load_envelopes(), demo=False)
    body, _ = sheet.region_body("01", "fr", data)
    page = html.Div(body)
    assert figure(page, "per_capita")[1] == "seule région avec données"
    assert "sur 1 " not in page_text(page)
    english = html.Div(sheet.region_body("01", "en", data)[0])
    assert figure(english, "per_capita")[1] == "the only region with data"


def test_sheet_names_the_envelope_per_inhabitant_of_the_map_and_its_rank(lanaudiere):
    env = metrics.aggregate(dataset.current().projects, "region", dataset.current().envelopes)
    value, label = figure(lanaudiere, "envelope_per_capita")
    assert value == money_cents(env.envelope_per_capita["14"], "fr")
    rank = int((env.envelope_per_capita.dropna() > env.envelope_per_capita["14"]).sum()) + 1
    assert label == f"rang : {'1re' if rank == 1 else f'{rank}e'} sur {env.envelope_per_capita.notna().sum()} régions avec données"
    assert "Enveloppe par habitant" in page_text(lanaudiere) and "Montant connu par habitant" in page_text(lanaudiere)
