"""The region, MRC and methodology pages, called as plain functions and checked as Dash component trees.

Expected figures are worked out here again from the CSV files with pandas, not with the code under
test, so a mistake in the pages' arithmetic cannot hide behind itself.
"""
from __future__ import annotations

import re
from datetime import date

import pandas as pd
import pytest
from dash import html
from dash.development.base_component import Component

from components import dataset, document
from components.dataset import Dataset, prepare_for_map
from components.i18n import money, money_cents, percent
from data.load import ENVELOPES_PATH, PROJECTS_PATH, ROOT
from data.metrics import SEPARATE_CYCLES
from data.schema import ENVELOPE_KINDS
from geo import layers
from pages import methodology, territory_page
from tests.fixtures_projects import small_projects

# ---------------------------------------------------------------- reading a component tree

def walk(node):
    """Every component under `node` (itself included), depth first."""
    if isinstance(node, (list, tuple)):
        for child in node:
            yield from walk(child)
    elif isinstance(node, Component):
        yield node
        yield from walk(getattr(node, "children", None))


def strings(node) -> list[str]:
    """Every text child under `node`, in order."""
    if isinstance(node, (list, tuple)):
        return [s for child in node for s in strings(child)]
    if isinstance(node, Component):
        return strings(getattr(node, "children", None))
    return [str(node)] if node is not None else []


def page_text(node) -> str:
    return " ".join(strings(node))


def of_type(node, kind) -> list:
    return [c for c in walk(node) if isinstance(c, kind)]


def with_class(node, name: str) -> list:
    return [c for c in walk(node) if name in (getattr(c, "className", None) or "").split()]


def heading(node) -> str:
    (h1,) = of_type(node, html.H1)
    return page_text(h1)


def section(node, section_id: str):
    (found,) = [c for c in walk(node) if getattr(c, "id", None) == section_id]
    return found


def body_rows(node) -> list:
    return [row for body in of_type(node, html.Tbody) for row in of_type(body, html.Tr)]


def hrefs(node) -> list[str]:
    return [a.href for a in of_type(node, html.A)]


def facts(node) -> dict[str, str]:
    """The « En bref » list as {term: value text}."""
    (dl,) = with_class(node, "facts")
    items = dl.children
    return {page_text(items[i]): page_text(items[i + 1]) for i in range(0, len(items), 2)}


# ---------------------------------------------------------------- the curated data, read independently

def without_old_plan(raw_projects: pd.DataFrame) -> pd.DataFrame:
    """The projects an all-cycles total adds: not the old plan's (as on the map with no cycle chosen)."""
    return raw_projects[~raw_projects.cycle.isin(SEPARATE_CYCLES)]


def _expected_region_rank(raw_projects: pd.DataFrame, code: str) -> tuple[int, int]:
    """Rank by amount per inhabitant among the regions with a known amount (1 = highest)."""
    population = layers.territories("region").population_2021.astype(float)
    totals = without_old_plan(raw_projects).dropna(subset=["amount_fqis"]).groupby("region_code").amount_fqis.sum()
    per_capita = totals / population.reindex(totals.index)
    return int((per_capita > per_capita[code]).sum()) + 1, len(per_capita)


# ---------------------------------------------------------------- region page

@pytest.fixture(scope="module")
def lanaudiere():
    return territory_page.region_layout(code="14")


def test_region_page_is_named_and_in_french(lanaudiere):
    assert heading(lanaudiere) == "Lanaudière"
    assert lanaudiere.lang == "fr"
    assert "Région administrative 14" in page_text(lanaudiere)
    known = facts(lanaudiere)
    assert "Table des préfets de Lanaudière" in known["Alliance"]  # the mandataire, from alliances.csv
    assert known["Population 2021"] == "528\u00a0598"


def test_region_page_counts_the_projects_of_the_region(lanaudiere, raw_projects):
    mine = without_old_plan(raw_projects)[without_old_plan(raw_projects).region_code == "14"]
    projects = section(lanaudiere, "projets")
    assert len(body_rows(projects)) == len(mine) > 0
    assert facts(lanaudiere)["Nombre de projets connus"].startswith(f"{len(mine)} ")
    total = mine.amount_fqis.sum()
    assert facts(lanaudiere)["Montant FQIS connu des projets"] == money_cents(total, "fr")
    titles = {page_text(row.children[0]) for row in body_rows(projects)}
    assert titles == set(mine.title)


def test_region_page_lists_the_old_plan_apart_and_never_adds_it(lanaudiere, raw_projects):
    old = raw_projects[(raw_projects.region_code == "14") & raw_projects.cycle.isin(SEPARATE_CYCLES)]
    assert len(old), "Lanaudière has no project of the old plan any more: this test needs another region"
    apart = section(lanaudiere, "ancien-plan")
    assert "hors des totaux" in page_text(of_type(apart, html.H2))
    assert {page_text(row.children[0]) for row in body_rows(apart)} == set(old.title)
    assert not set(old.title) & {page_text(row.children[0]) for row in body_rows(section(lanaudiere, "projets"))}


def test_region_page_lists_every_amount_of_the_region_with_its_source_and_kind(lanaudiere, raw_envelopes):
    mine = raw_envelopes[(raw_envelopes.region_code == "14") | (raw_envelopes.alliance_id == "lanaudiere")]
    envelopes = section(lanaudiere, "enveloppes")
    rows = body_rows(envelopes)
    assert len(rows) == len(mine) > 0  # one row per published amount: no total row
    links = set(hrefs(envelopes))
    assert set(mine.source_url) <= links
    shown_kinds = {page_text(row.children[1]) for row in rows}
    assert shown_kinds == {document.kind_label(kind, "fr") for kind in mine.kind.unique()}
    # One table per cycle, under the cycle's name.
    cycles = pd.read_csv(ROOT / "data" / "reference" / "cycles.csv", dtype=str).set_index("cycle_id").label_fr
    assert [page_text(h) for h in of_type(envelopes, html.H3)] == [cycles[c] for c in cycles.index
                                                                  if c in set(mine.cycle)]


def test_region_page_gives_its_rank_among_regions_with_data(lanaudiere, raw_projects):
    rank, n = _expected_region_rank(raw_projects, "14")
    ordinal = "1re" if rank == 1 else f"{rank}e"
    assert facts(lanaudiere)["Rang du montant connu par habitant"] == \
        f"{ordinal} sur {n} régions avec données, pour le montant connu par habitant"


def _expected_envelope_rank(raw_envelopes: pd.DataFrame, code: str) -> tuple[float, int, int]:
    """(envelope per inhabitant, rank, regions ranked) in the cycle the map shows by default, read
    from envelopes.csv: the region-level envelope rows of that cycle (one region may have several
    Alliances, each with its own envelope row, which add up)."""
    from data import metrics
    cycle = metrics.choose_envelope_cycle(dataset.current().envelopes, "region")
    rows = raw_envelopes[(raw_envelopes.cycle == cycle) & (raw_envelopes.kind == "envelope")
                         & raw_envelopes.territory_level.isin(("region", "alliance"))]
    totals = rows.assign(amount=rows.amount.astype(float)).groupby("region_code").amount.sum()
    population = layers.territories("region").population_2021.astype(float)
    per_capita = totals / population.reindex(totals.index)
    return per_capita[code], int((per_capita > per_capita[code]).sum()) + 1, len(per_capita)


def test_region_page_names_the_envelope_per_inhabitant_beside_the_known_amount(raw_envelopes):
    # Bas-Saint-Laurent: first on the map by envelope per inhabitant, last by known amount per inhabitant.
    page = territory_page.region_layout(code="01")
    known = facts(page)
    value, rank, n = _expected_envelope_rank(raw_envelopes, "01")
    per_capita = [v for k, v in known.items() if k.startswith("Enveloppe par habitant, ")]
    assert per_capita == [money_cents(value, "fr")]
    ordinal = "1re" if rank == 1 else f"{rank}e"
    assert known["Rang de l'enveloppe par habitant"] == f"{ordinal} sur {n} régions avec données, pour l'enveloppe par habitant"
    assert "Montant connu par habitant" in known and "Par habitant" not in known
    assert [k for k in known if k.startswith("Part documentée de l'enveloppe, ")]
    # Every « par habitant » of the page says of what.
    text_ = page_text(page)
    assert re.findall(r"(?<!connu )(?<!Enveloppe )(?<!enveloppe )par habitant", text_) == []


def test_region_without_known_amount_is_not_ranked_and_says_no_data_is_not_zero(raw_projects):
    current = without_old_plan(raw_projects)
    with_amount = set(current.region_code[current.amount_fqis.notna()])
    without = sorted(set(layers.territories("region").index) - with_amount)
    assert without, "every region has a known amount: this test needs another region without one"
    page = territory_page.region_layout(code=without[0])
    assert facts(page)["Rang du montant connu par habitant"] == \
        "non classé : aucune donnée connue pour le montant connu par habitant"
    assert "Aucune donnée connue n'est pas zéro" in page_text(page)


def test_monteregie_page_names_the_mrc_its_2017_2023_alliance_also_covered():
    # The 2017–2023 Montérégie Alliance also covered two MRC now in Estrie.
    assert "Brome-Missisquoi" in facts(territory_page.region_layout(code="16"))["Alliance"]


def test_region_page_links_back_to_the_map_filtered_on_it_and_to_its_mrc(lanaudiere):
    links = hrefs(lanaudiere)
    assert "/?region=14" in links
    assert "/mrc/les-moulins" in links
    assert "/region/14?lang=en" in links  # the language switch keeps the page


def test_region_page_in_english():
    page = territory_page.region_layout(code="14", lang="en")
    assert page.lang == "en"
    assert "Administrative region 14" in page_text(page)
    assert re.fullmatch(r"\d+(st|nd|rd|th) of \d+ regions with data, for the known amount per inhabitant",
                        facts(page)["Rank of the known amount per inhabitant"])
    assert re.fullmatch(r"\d+(st|nd|rd|th) of \d+ regions with data, for the envelope per inhabitant",
                        facts(page)["Rank of the envelope per inhabitant"])
    assert "/?region=14&lang=en" in hrefs(page)


def test_region_with_several_alliances_lists_each_mandataire():
    page = territory_page.region_layout(code="10")
    alliances = facts(page)["Alliances"]
    for mandataire in ("Administration régionale Baie-James", "Gouvernement de la nation crie",
                       "Administration régionale Kativik"):
        assert mandataire in alliances


# ---------------------------------------------------------------- MRC page

@pytest.fixture(scope="module")
def les_moulins():
    return territory_page.mrc_layout(mrc_id="les-moulins")


def test_mrc_page_names_its_region_and_counts_its_projects(les_moulins, raw_projects):
    assert heading(les_moulins) == "Les Moulins"
    assert "/region/14" in hrefs(les_moulins)
    mine = without_old_plan(raw_projects)[without_old_plan(raw_projects).mrc_ids == "les-moulins"]
    assert len(body_rows(section(les_moulins, "projets"))) == len(mine) > 0
    assert facts(les_moulins)["Montant FQIS connu des projets"] == money_cents(mine.amount_fqis.sum(), "fr")


def test_mrc_page_ranks_among_its_region_and_among_all_mrc(les_moulins, raw_projects):
    known = facts(les_moulins)
    region_rank = known["Rang parmi les MRC/TE de la région"]
    all_rank = known["Rang parmi les 104 MRC/TE du Québec"]
    current = without_old_plan(raw_projects)
    single = current[current.mrc_ids.notna() & ~current.mrc_ids.fillna("").str.contains(";")]
    with_amount = single.dropna(subset=["amount_fqis"])
    region_mrc = set(layers.territories("mrc").query("region_code == '14'").index)
    n_region = with_amount.mrc_ids[with_amount.mrc_ids.isin(region_mrc)].nunique()
    measure = ", pour le montant connu par habitant"
    assert region_rank.endswith(f"sur {n_region} MRC/TE de la région avec données{measure}") if n_region > 1 \
        else region_rank == f"seule MRC/TE de la région avec données{measure}"
    assert all_rank.endswith(f"sur {with_amount.mrc_ids.nunique()} MRC/TE avec données{measure}")


def test_mrc_page_shows_its_own_amounts_and_points_to_the_region(les_moulins, raw_envelopes):
    mine = raw_envelopes[raw_envelopes.mrc_id == "les-moulins"]
    envelopes = section(les_moulins, "enveloppes")
    assert len(body_rows(envelopes)) == len(mine)
    assert set(mine.source_url) <= set(hrefs(envelopes))
    assert "/?level=mrc&mrc=les-moulins" in hrefs(les_moulins)


def test_mrc_page_tells_when_another_alliance_covered_it():
    page = territory_page.mrc_layout(mrc_id="brome-missisquoi")
    assert "l'Alliance pour la solidarité de la Montérégie" in facts(page)["Alliance"]
    assert "PAGIEPS 2017-2023" in facts(page)["Alliance"]


def test_population_estimated_is_said():
    page = territory_page.mrc_layout(mrc_id="trois-rivieres")
    assert facts(page)["Population 2021"].endswith("(estimée)")


# ---------------------------------------------------------------- unknown territories and lookups

@pytest.mark.parametrize("layout, value", [
    (territory_page.region_layout, "99"), (territory_page.region_layout, "<script>alert(1)</script>"),
    (territory_page.region_layout, ["14", "15"]), (territory_page.region_layout, None),
    (territory_page.region_layout, "1" * 5000), (territory_page.mrc_layout, "nulle-part"),
    (territory_page.mrc_layout, ""), (territory_page.mrc_layout, "../../etc/passwd"),
])
def test_unknown_territory_gives_a_friendly_page_with_a_link_to_the_map(layout, value):
    page = layout(value)
    assert heading(page) == "Territoire inconnu"
    assert "/" in hrefs(page)
    assert all(h.startswith(("/", "#")) for h in hrefs(page) if not h.startswith("https://"))
    assert not of_type(page, html.Script)


def test_unknown_territory_in_english():
    page = territory_page.mrc_layout(mrc_id="nowhere", lang="en")
    assert heading(page) == "Unknown area"
    assert "/?lang=en" in hrefs(page)


def test_a_region_number_or_name_and_an_mrc_name_are_understood():
    assert heading(territory_page.region_layout(code="5")) == "Estrie"
    assert heading(territory_page.region_layout(code="lanaudiere")) == "Lanaudière"
    assert heading(territory_page.mrc_layout(mrc_id="Les Moulins")) == "Les Moulins"


def test_page_titles():
    assert territory_page.region_title(code="14") == "Lanaudière — Carte des Alliances"
    assert territory_page.mrc_title(mrc_id="les-moulins") == "Les Moulins — Carte des Alliances"
    assert territory_page.region_title() == "Territoire inconnu — Carte des Alliances"


# ---------------------------------------------------------------- hostile text and sources

@pytest.fixture()
def small_dataset(monkeypatch):
    projects = small_projects()
    projects.loc[projects.project_id == "e", "source_url"] = "import:tableur.xlsx, ligne 6"
    data = Dataset(prepare_for_map(projects), dataset.current().envelopes, demo=False)
    monkeypatch.setattr(dataset, "current", lambda: data)
    return data


def test_markup_in_a_project_is_text_never_markup(small_dataset):
    page = territory_page.region_layout(code="06")
    row = [r for r in body_rows(section(page, "projets")) if "Montréal" in page_text(r.children[0])]
    assert len(row) == 1
    cells = row[0].children
    assert cells[0].children == "Logement <b>abordable</b> à Montréal"  # a plain string: Dash escapes it
    assert cells[1].children == "Organisme <script>x</script>"
    assert not of_type(page, html.Script) and not of_type(page, html.B)
    assert "https://example.org/source" in hrefs(cells[-1])


def test_only_http_sources_become_links(small_dataset):
    page = territory_page.mrc_layout(mrc_id="sherbrooke")
    (row,) = body_rows(section(page, "projets"))
    source, _dot, report = row.children[-1].children  # the source, then « Signaler une erreur » (web/corrections)
    assert not of_type(source, html.A)
    assert page_text(source) == "votre fichier tableur.xlsx, ligne 6"  # her file, never the code « import: »
    assert report.href.startswith("/signaler?page=%2Fmrc%2Fsherbrooke&projet=")
    every = [h for name, layout in (("region", territory_page.region_layout), ("mrc", territory_page.mrc_layout))
             for h in hrefs(layout("01" if name == "region" else "rimouski-neigette"))]
    assert all(h.startswith(("/", "#", "http://", "https://")) for h in every)


def test_region_level_money_and_multi_mrc_projects(small_dataset):
    region = territory_page.region_layout(code="01")
    # Project b serves two MRC and c the whole region: both count at region level only.
    assert facts(region)["Comptés à l'échelle de la région seulement"].startswith(money(50_000, "fr") + " — ")
    assert "2 projets régionaux" in facts(region)["Comptés à l'échelle de la région seulement"]
    mrc = territory_page.mrc_layout(mrc_id="la-mitis")
    assert "Projets multi-MRC qui servent aussi cette MRC" in page_text(mrc)
    assert "Transport solidaire" in page_text(mrc)
    assert facts(mrc)["Montant FQIS connu des projets"] == "—"  # not split into the MRC


# ---------------------------------------------------------------- methodology page and the log of changes

@pytest.mark.parametrize("lang", ["fr", "en"])
def test_methodology_page_defines_every_kind_and_lists_estimated_populations(lang):
    page = methodology.layout(lang=lang)
    text = page_text(page)
    assert page.lang == lang
    for kind in ENVELOPE_KINDS:
        assert kind in document.KIND_LABELS and kind in document.KIND_MEANINGS, f"no label for the envelope kind {kind!r}"
        assert kind in text and document.kind_label(kind, lang) in text
    mrc = layers.territories("mrc")
    for name in mrc.name[mrc.population_estimated.astype(str).str.lower() == "true"]:
        assert name in text
    assert "Brome-Missisquoi" in text and "La Haute-Yamaska" in text
    for entry in document.changelog().itertuples():
        assert entry.date in text and entry.note in text  # the note is in French on both pages
        if entry.rows_added:
            assert (f"rows added: {entry.rows_added}" if lang == "en" else f"lignes ajoutées : {entry.rows_added}") in text


def test_methodology_page_in_french_by_default_and_states_the_rules():
    text = page_text(methodology.layout())
    assert heading(methodology.layout()) == "Méthodologie"
    assert "plus petit territoire qui contient tous les lieux" in text
    assert "Ce ne sont pas des paiements" in text
    projects = pd.read_csv(PROJECTS_PATH, dtype=str)
    n, known = len(projects), int(projects.amount_fqis.notna().sum())
    assert f"{n} sont documentés ici, dont {known} avec une part FQIS connue" in text


def test_changelog_is_dated_and_names_existing_files():
    log = pd.read_csv(ROOT / "data" / "CHANGELOG.csv", dtype=str, keep_default_na=False)
    assert tuple(log.columns) == document.CHANGELOG_COLUMNS
    assert len(log) >= 2
    for entry in log.itertuples():
        date.fromisoformat(entry.date)
        assert entry.operation.strip() and entry.note.strip() and entry.source_url.strip()
        for name in entry.target_file.split(";"):
            assert (ROOT / name.strip()).is_file(), name
        for count in (entry.rows_added, entry.rows_duplicate, entry.rows_dropped):
            assert count == "" or count.isdigit()
    # The projects file holds what the curations added to it.
    projects = pd.read_csv(PROJECTS_PATH, dtype=str)
    envelopes = pd.read_csv(ENVELOPES_PATH, dtype=str)
    added = log[log.target_file == "data/projects.csv"].rows_added.replace("", "0").astype(int).sum()
    assert added == len(projects)
    # An envelope curation may also merge away a row it finds repeated: its note gives the file's count.
    latest_envelopes = log[log.target_file == "data/envelopes.csv"].iloc[-1]
    assert f"{len(envelopes)} lignes" in latest_envelopes.note
    assert "call" in " ".join(log.note)


def test_every_page_source_line_dates_the_data():
    for page in (methodology.layout(), territory_page.region_layout(code="14"),
                 territory_page.mrc_layout(mrc_id="les-moulins")):
        (footer,) = with_class(page, "print-source")
        assert f"données au {document.data_as_of()}" in page_text(footer)
    assert document.data_as_of() == max(pd.read_csv(ROOT / "data" / "CHANGELOG.csv", dtype=str).date)


def test_demo_data_is_announced_on_territory_pages(monkeypatch):
    data = Dataset(prepare_for_map(small_projects()), dataset.current().envelopes, demo=True)
    monkeypatch.setattr(dataset, "current", lambda: data)
    page = territory_page.region_layout(code="01")
    (banner,) = with_class(page, "demo-banner")
    assert "synthétiques" in page_text(banner)


def test_curated_data_has_no_demo_banner(lanaudiere):
    assert not with_class(lanaudiere, "demo-banner")


# ---------------------------------------------------------------- documented share and certainty

def test_region_page_gives_the_documented_share_of_each_cycle(lanaudiere, raw_projects, raw_envelopes):
    """Worked out from the CSV files: the 2017–2023 projects of region 14 over its 2017–2023 envelope."""
    cycle = "pagieps-2017-2023"
    documented = raw_projects[(raw_projects.region_code == "14") & (raw_projects.cycle == cycle)].amount_fqis.sum()
    envelope = float(raw_envelopes[(raw_envelopes.region_code == "14") & (raw_envelopes.cycle == cycle)
                                   & (raw_envelopes.kind == "envelope")
                                   & (raw_envelopes.territory_level == "region")].amount.iloc[0])
    shares = section(lanaudiere, "part-documentee-14")
    rows = {page_text(row.children[0]): [page_text(cell) for cell in row.children] for row in body_rows(shares)}
    assert rows["PAGIEPS 2017–2023"][4] == percent(documented / envelope, "fr")
    # The envelope per inhabitant beside it, over the region's 2021 population.
    population = float(layers.territories("region").population_2021["14"])
    assert rows["PAGIEPS 2017–2023"][2] == money_cents(envelope / population, "fr")
    # No warning to give: no « À savoir » column of « — ».
    assert "À savoir" not in page_text(shares)
    # 2024–2029: an envelope but no project amount of that cycle is known → no share, never 0 %
    plan = raw_projects[(raw_projects.region_code == "14") & (raw_projects.cycle == "plan-2024-2029")]
    if plan.amount_fqis.isna().all():
        assert rows["Plan 2024–2029"][4] == "aucune donnée connue"


def test_a_share_above_100_percent_is_flagged_on_the_page(monkeypatch):
    projects = small_projects()  # region 01: 150 000 $ of 2017–2023 projects
    envelopes = pd.DataFrame([{"envelope_id": "x", "cycle": "pagieps-2017-2023", "territory_level": "region",
                               "territory_name": "Bas-Saint-Laurent", "alliance_id": "bas-saint-laurent",
                               "region_code": "01", "mrc_id": None, "mandataire": None, "amount": 100_000.0,
                               "kind": "envelope", "period": None, "description": "Enveloppe",
                               "source_url": "https://example.org/e", "source_date": None, "note": None}])
    data = Dataset(prepare_for_map(projects), envelopes, demo=False)
    monkeypatch.setattr(dataset, "current", lambda: data)
    shares = section(territory_page.region_layout(code="01"), "part-documentee-01")
    (row,) = body_rows(shares)
    assert page_text(row.children[4]) == percent(1.5, "fr")
    assert "les sources ne concordent pas" in page_text(row.children[6])


def test_project_lists_say_what_was_inferred(monkeypatch):
    projects = small_projects().assign(fqis_link=["explicit", "inferred", "explicit", "explicit", "explicit"],
                                       inferred=["", "mrc;cycle", "", "", ""])
    data = Dataset(prepare_for_map(projects), dataset.current().envelopes, demo=False)
    monkeypatch.setattr(dataset, "current", lambda: data)
    page = territory_page.region_layout(code="01")
    rows = {page_text(row.children[0]): page_text(row) for row in body_rows(section(page, "projets"))}
    assert "lien avec le FQIS : déduit; MRC déduite; cycle déduit" in rows["Transport solidaire"]
    assert "rien : tout est lu dans la source" in rows["Cuisine collective"]


def test_a_row_of_her_file_names_her_file_not_a_code():
    shown = document.source_link("import:projets.xlsx", lang="fr")
    assert page_text(shown) == "votre fichier projets.xlsx"
    assert page_text(document.source_link("import:projets.xlsx", lang="en")) == "your file projets.xlsx"
