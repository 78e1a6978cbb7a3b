"""Presentation mode and the comparison page: layouts and callbacks called as plain functions."""
from __future__ import annotations

import json
import unicodedata

import pandas as pd
import pytest
from dash import Patch, html, no_update

from components import dataset as datasets
from components import document, page_links, region_slides
from components.dataset import Dataset, prepare_for_map
from components.i18n import money, money_cents, number
from components.map.figures import FOCUS_COLOUR
from components.territory.facts import amount_text
from components.territory.projects import theme_counts
from data import metrics
from data.metrics import Filters
from data.schema import ENVELOPE_KINDS
from data.synthetic import generate_projects
from geo import layers
from pages import compare, presentation

HOSTILE = [None, 14, 3.5, True, [], ["14"], {"a": 1}, "", " ", "zz", "14;drop", "<script>alert(1)</script>",
           "x" * 100_000, "../../etc/passwd", "14\x00", "１４", "montreal", "NaN"]


def _text(component) -> str:
    """Every string inside a Dash component tree, joined."""
    if component is None:
        return ""
    if isinstance(component, (str, int, float)):
        return str(component)
    if isinstance(component, (list, tuple)):
        return " ".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def _find(component, predicate) -> list:
    found = []
    if isinstance(component, (list, tuple)):
        for child in component:
            found += _find(child, predicate)
    elif component is not None and not isinstance(component, (str, int, float)):
        if predicate(component):
            found.append(component)
        found += _find(getattr(component, "children", None), predicate)
    return found


def _by_id(tree, component_id):
    matches = _find(tree, lambda c: getattr(c, "id", None) == component_id)
    assert len(matches) == 1, component_id
    return matches[0]


def _alphabetical(names: pd.Series) -> list[str]:
    """Alphabetical order worked out here: accents and case ignored, punctuation as a space."""
    def key(name: str) -> str:
        plain = "".join(c for c in unicodedata.normalize("NFKD", name) if not unicodedata.combining(c))
        return "".join(c if c.isalnum() else " " for c in plain.lower())
    return sorted(names.index, key=lambda i: key(names[i]))


@pytest.fixture()
def synthetic(monkeypatch):
    """Many projects in every region (the curated data has few), so every MRC figure is exercised."""
    data = Dataset(prepare_for_map(generate_projects(1500, seed=11)), datasets.current().envelopes, demo=True)
    monkeypatch.setattr(region_slides, "dataset", lambda: data)
    monkeypatch.setattr(compare, "dataset", lambda: data)
    return data


# ---------------------------------------------------------------- steps

def test_mrc_of_a_region_come_in_alphabetical_order():
    mrc = layers.territories("mrc")
    for region in layers.territories("region").index:
        names = mrc.name[mrc.region_code == region]
        assert list(presentation.region_mrcs(region)) == _alphabetical(names)
    assert [mrc.name[i] for i in presentation.region_mrcs("14")] == [
        "D'Autray", "Joliette", "L'Assomption", "Les Moulins", "Matawinie", "Montcalm"]


def test_steps_loop_forward_and_backward():
    """Documented choice: the steps loop (overview → MRC 1 … MRC n → overview)."""
    n = presentation.step_count("14")
    assert n == 7
    assert [presentation.step_from_clicks(0, 0, k, n) for k in range(9)] == [0, 1, 2, 3, 4, 5, 6, 0, 1]
    assert presentation.step_from_clicks(0, 1, 0, n) == 6  # back from the overview: the last MRC
    assert presentation.step_from_clicks(0, 2, 0, n) == 5
    assert presentation.step_from_clicks(3, 0, 0, n) == 3
    assert presentation.step_from_clicks(3, 5, 2, n) == 0
    assert presentation.step_from_clicks(6, 0, 1, n) == 0


@pytest.mark.parametrize("value", HOSTILE + [-1, 10**12, "3"])
def test_forged_click_counts_count_as_zero(value):
    n = presentation.step_count("14")
    assert presentation.step_from_clicks(value, value, value, n) in range(n)
    assert presentation.step_from_clicks(0, value, 2, n) == 2
    assert presentation.step_from_clicks(value, 0, 0, n) == 0


def test_start_step_from_the_url():
    order = presentation.region_mrcs("14")
    assert presentation.start_step("14", order[3]) == 4
    for value in HOSTILE + ["sherbrooke"]:  # an MRC of another region is not a step of this one
        assert presentation.start_step("14", value) == 0


# ---------------------------------------------------------------- figures of a step

def test_each_mrc_step_shows_the_figures_of_metrics_aggregate(synthetic):
    # computed independently; no cycle chosen, as on the map: the 2010–2015 plan apart
    expected = metrics.aggregate(synthetic.projects, "mrc", synthetic.envelopes,
                                 mask=metrics.filter_mask(synthetic.projects, metrics.Filters()))
    checked = 0
    for region in ("14", "05", "06", "10"):
        for step, mrc_id in enumerate(presentation.region_mrcs(region), start=1):
            facts = presentation.slide(region, step, "fr")
            row = expected.loc[mrc_id]
            assert facts["mrc"] == mrc_id and facts["name"] == row["name"]
            assert facts["n_projects"] == row.n_projects
            assert facts["n_promoters"] == row.n_promoters
            assert facts["population"] == row.population
            if pd.isna(row.amount):
                assert facts["total"] is None and facts["per_capita"] is None
            else:
                assert facts["total"] == pytest.approx(row.amount)
                assert facts["per_capita"] == pytest.approx(row.amount / row.population)
            checked += row.n_projects > 0
    assert checked >= 10  # the synthetic set really put projects in these MRC


def test_panel_formats_like_the_dashboard(synthetic):
    region = "14"
    step = 4
    mrc_id = presentation.region_mrcs(region)[step - 1]
    row = metrics.aggregate(synthetic.projects, "mrc").loc[mrc_id]
    panel = presentation.slide_panel(presentation.slide(region, step, "fr"), "fr")
    values = {c.to_plotly_json()["props"]["data-figure"]: _text(c.children[1])
              for c in _find(panel, lambda c: "data-figure" in c.to_plotly_json()["props"])}
    assert values["total"] == money(row.amount, "fr")
    assert values["per_capita"] == money_cents(row.amount / row.population, "fr")
    assert values["projects"] == number(row.n_projects, "fr")
    assert values["promoters"] == number(row.n_promoters, "fr")
    assert values["population"] == number(row.population, "fr")
    assert _by_id(panel, presentation.NAME).children == row["name"]
    assert _text(panel).startswith(f"MRC {step} sur 6")


def test_overview_is_the_whole_region(synthetic):
    facts = presentation.slide("14", 0, "fr")
    filters = Filters(regions=("14",))
    head = metrics.headline(metrics.filter_projects(synthetic.projects, filters), filters)
    assert facts["mrc"] is None and facts["name"] == "Lanaudière" and facts["kicker"] == "Vue d'ensemble"
    assert facts["population"] == layers.territories("region").population_2021["14"]
    assert (facts["total"], facts["n_projects"], facts["n_promoters"]) == (head.total, head.n_projects, head.n_promoters)
    regional = synthetic.projects[(synthetic.projects.region_code == "14") & synthetic.projects.counted_mrc.isna()]
    if regional.amount_fqis.notna().any():
        assert facts["regional_amount"] == pytest.approx(regional.amount_fqis.sum())
        assert money(facts["regional_amount"], "fr") in _text(presentation.slide_panel(facts, "fr"))


def test_an_mrc_without_known_project_says_so_and_shows_no_zero_dollars():
    data = datasets.current()
    counted = set(data.projects.counted_mrc.dropna())
    region, step = next((r, s) for r in layers.territories("region").index
                        for s, m in enumerate(presentation.region_mrcs(r), start=1) if m not in counted)
    facts = presentation.slide(region, step, "en")
    text = _text(presentation.slide_panel(facts, "en"))
    assert facts["total"] is None and "No project known here" in text and "$0" not in text


# ---------------------------------------------------------------- the map

def test_figure_shows_the_region_mrc_and_focuses_the_current_one():
    order = presentation.region_mrcs("14")
    fig = presentation.presentation_figure("14", 2, "fr")
    assert len(fig.data) == 5
    drawn = set(fig.data[0].locations) | set(fig.data[1].locations)
    assert drawn == set(order)  # only this region's MRC, each once
    assert not set(fig.data[0].locations) & set(fig.data[1].locations)
    assert list(fig.data[4].locations) == [order[1]]
    assert fig.data[4].marker.line.color == FOCUS_COLOUR  # the map's own outline colour, not one of its own
    assert set(fig.data[3].locations) == set(order) - {order[1]}
    assert fig.layout.map.style == "white-bg"  # no tile server: works offline
    assert all(trace.geojson == "/layers/mrc.geojson" for i, trace in enumerate(fig.data) if i != 2)
    overview = presentation.presentation_figure("14", 0, "fr")
    assert list(overview.data[3].locations) == [] and list(overview.data[4].locations) == []


def test_region_bounds_hold_its_mrc_points():
    mrc = layers.territories("mrc")
    for region in layers.territories("region").index:
        west, south, east, north = presentation.region_bounds(region)
        assert -80 < west < east < -56 and 44.9 < south < north < 63
        inside = mrc[mrc.region_code == region]
        assert inside.rep_lon.between(west, east).all() and inside.rep_lat.between(south, north).all()


def test_step_patch_carries_only_ids():
    patch = presentation.focus_patch("14", 3)
    assert isinstance(patch, Patch)
    operations = patch.to_plotly_json()["operations"]
    assert {tuple(op["location"]) for op in operations} == {
        ("data", 3, "locations"), ("data", 3, "z"), ("data", 4, "locations"), ("data", 4, "z")}
    assert len(json.dumps(operations)) < 500


# ---------------------------------------------------------------- layout and callbacks

def test_layout_of_a_region_opens_on_its_overview_or_the_url_mrc():
    page = presentation.layout(region="14")
    assert _by_id(page, presentation.NAME).children == "Lanaudière"
    assert _by_id(page, presentation.START).data == 0
    box = _by_id(page, presentation.MAP_BOX).to_plotly_json()["props"]
    assert json.loads(box["data-bounds"]) == list(presentation.region_bounds("14"))
    order = presentation.region_mrcs("14")
    page = presentation.layout(region="14", mrc=order[2], lang="en")
    assert _by_id(page, presentation.START).data == 3
    assert _by_id(page, presentation.NAME).children == layers.territories("mrc").name[order[2]]
    assert _by_id(page, presentation.QUIT).href == "/?region=14&lang=en"
    assert {_by_id(page, i).id for i in (presentation.PREV, presentation.NEXT)} == {"pres-prev", "pres-next"}


def test_dashboard_region_list_takes_its_first_known_region():
    assert _by_id(presentation.layout(region="zz,15,14"), presentation.REGION).data == "15"


@pytest.mark.parametrize("region", ["", "zz", "99", "<script>alert(1)</script>", "x" * 100_000])
def test_without_a_known_region_the_page_is_the_region_chooser(region):
    page = presentation.layout(region=region)
    links = _find(page, lambda c: "pres-choice" == getattr(c, "className", None))
    assert len(links) == 17
    assert sorted(link.href for link in links) == [f"/presentation?region={r:02d}" for r in range(1, 18)]
    notice = _find(page, lambda c: getattr(c, "className", None) == "pres-notice")
    assert bool(notice) == bool(region)
    if notice:
        assert len(_text(notice)) < 120  # the forged value is cut, never echoed whole


@pytest.mark.parametrize("value", HOSTILE)
def test_hostile_query_values_never_raise(value):
    presentation.layout(region=value, lang=value, mrc=value, mode=value)
    presentation.layout(region="14", lang=value, mrc=value)
    compare.layout(a=value, b=value, level=value, lang=value)
    compare.layout(a="05", b=value, level="mrc", lang="en")


def test_step_callback_moves_forward_and_back(synthetic):
    order = presentation.region_mrcs("14")
    panel, patch, current = presentation.show_step("14", 0, 0, 1, "fr")
    assert _by_id(panel, presentation.NAME).children == layers.territories("mrc").name[order[0]]
    assert current == order[0] and isinstance(patch, Patch)
    panel, _, current = presentation.show_step("14", 0, 1, 0, "fr")
    assert current == order[-1]
    panel, _, current = presentation.show_step("14", 0, 3, 3, "fr")
    assert current == "" and _by_id(panel, presentation.NAME).children == "Lanaudière"


@pytest.mark.parametrize("value", HOSTILE)
def test_step_callback_with_forged_values(value):
    if presentation.clean_region(value) is None:
        assert presentation.show_step(value, 0, 0, 1, "fr") == (no_update,) * 3
    panel, _, current = presentation.show_step("14", value, value, value, value)
    assert current in ("", *presentation.region_mrcs("14"))


def test_region_list_leads_to_that_region_only_for_known_ids():
    assert presentation.region_change_href("13", "14", "fr") == "/presentation?region=13"
    assert presentation.region_change_href("13", "14", "en") == "/presentation?region=13&lang=en"
    assert presentation.region_change_href("14", "14", "fr") is no_update
    for value in HOSTILE + ["13,14"]:
        assert presentation.region_change_href(value, "14", "fr") is no_update


def test_links_for_the_dashboard():
    assert page_links.presentation_link(("14", "15"), "fr").href == "/presentation?region=14"
    assert page_links.presentation_link((), "en").href == "/presentation?lang=en"
    assert page_links.presentation_link(["zz"], "fr").href == "/presentation"
    assert page_links.href_for(("zz", "13"), "en") == "/presentation?region=13&lang=en"
    for value in HOSTILE:
        assert page_links.href_for(value, value).startswith("/presentation")
    assert page_links.compare_link("fr", ("05", "06", "07")).href == "/comparer?a=05&b=06"
    assert page_links.compare_link("fr").href == "/comparer"


def test_every_text_has_both_languages():
    for table in (presentation._TEXT, compare._TEXT, document.KIND_LABELS):
        for key, (fr, en) in table.items():
            assert fr.strip() and en.strip(), key
    assert set(document.KIND_LABELS) == set(ENVELOPE_KINDS)


# ---------------------------------------------------------------- compare

def _facts_values(panel) -> dict:
    return {c.to_plotly_json()["props"]["data-fact"]: c.children
            for c in _find(panel, lambda c: "data-fact" in c.to_plotly_json()["props"])}


def test_compare_regions_05_and_06_show_their_populations():
    population = layers.territories("region").population_2021
    panel_a, panel_b, query = compare.panels("region", "05", "06", "fr")
    assert _facts_values(panel_a)["population"] == number(population["05"], "fr")
    assert _facts_values(panel_b)["population"] == number(population["06"], "fr")
    assert "Estrie" in _text(panel_a) and "Montréal" in _text(panel_b)
    assert query == "a=05&b=06"
    page = compare.layout(a="05", b="06")
    assert _by_id(page, compare.PICK_A).value == "05" and _by_id(page, compare.PICK_B).value == "06"


def test_compare_figures_equal_metrics_aggregate(synthetic):
    for level, ids in (("region", ("05", "14")), ("mrc", ("sherbrooke", "les-moulins"))):
        # Every cycle but the old plan's, as on the map with no cycle chosen.
        expected = metrics.aggregate(synthetic.projects, level, synthetic.envelopes,
                                     mask=metrics.filter_mask(synthetic.projects, Filters()))
        for territory in ids:
            row = expected.loc[territory]
            values = _facts_values(compare.panel(level, territory, "fr"))
            assert values["projects"] == number(row.n_projects, "fr")
            assert values["promoters"] == number(row.n_promoters, "fr")
            assert values["per_capita"] == money_cents(row.per_capita, "fr")
            assert values["total"] == (money(row.amount, "fr") if pd.notna(row.amount) else "aucune donnée connue (≠ zéro)")
            population = layers.territories(level).population_2021[territory]
            assert values["population"] == number(population, "fr")


def test_compare_priorities_are_counted_per_project(synthetic):
    projects = synthetic.projects[synthetic.projects.region_code == "05"]
    expected: dict[str, int] = {}
    for cell in projects.themes.fillna(""):
        themes = {t for t in str(cell).split(";") if t} or {""}
        for theme in themes:
            expected[theme] = expected.get(theme, 0) + 1
    rows = theme_counts(projects, "fr")
    assert {theme: n for theme, _, n in rows} == expected
    labels = pd.read_csv("data/reference/themes.csv", dtype=str).set_index("theme_id").label_fr
    assert all(label == (labels[theme] if theme else "Priorité non précisée") for theme, label, _ in rows)
    assert [n for theme, _, n in rows if theme] == sorted((n for theme, _, n in rows if theme), reverse=True)


def test_compare_lists_envelopes_one_by_one_never_summed():
    envelopes = datasets.current().envelopes
    rows, parts = compare.envelope_rows(envelopes, "region", "14")
    assert set(rows.territory_level) <= {"region", "alliance"} and (rows.region_code == "14").all()
    assert parts == int(((envelopes.region_code == "14") & envelopes.territory_level.isin(("sub_region", "mrc"))).sum())
    table = _find(compare.panel("region", "14", "fr"), lambda c: getattr(c, "className", None) == "cmp-envelopes")[0]
    shown = [_text(cell) for cell in _find(table, lambda c: getattr(c, "className", None) == "cmp-amount")]
    assert shown == [amount_text(v, "fr") for v in rows.amount]  # one line per known amount, none added up
    cycles = list(pd.read_csv("data/reference/cycles.csv", dtype=str).cycle_id)
    assert list(rows.cycle.map(cycles.index)) == sorted(rows.cycle.map(cycles.index))
    mrc_rows, _ = compare.envelope_rows(envelopes, "mrc", "matawinie")
    assert (mrc_rows.territory_level == "mrc").all() and (mrc_rows.mrc_id == "matawinie").all() and len(mrc_rows)


@pytest.mark.parametrize("value", HOSTILE)
def test_compare_unknown_or_forged_ids_give_a_message(value):
    panel_a, panel_b, query = compare.panels("region", value, "06", "fr")
    assert "Montréal" in _text(panel_b)
    text = _text(panel_a)
    if value in (None, ""):
        assert "Choisissez un territoire" in text
    else:
        assert "Choisissez-en une" in text and len(text) < 200
    assert query == "b=06"


def test_compare_mrc_level_and_level_fallback():
    panel_a, panel_b, query = compare.panels("mrc", "joliette", "05", "en")
    assert _facts_values(panel_a)["population"] == number(layers.territories("mrc").population_2021["joliette"], "en")
    assert "not a known MRC" in _text(panel_b)
    assert query == "level=mrc&a=joliette&lang=en"
    page = compare.layout(a="05", b="06", level="alliance")  # an unknown level falls back to regions
    assert _by_id(page, compare.LEVEL).data == "region"


def test_compare_callback_with_forged_state():
    for level in HOSTILE:
        panel_a, panel_b, query = compare.on_pick("05", "06", level, level, level, level)
        assert "Estrie" in _text(panel_a) and query.startswith("a=05")


def _bars(panel) -> dict[str, tuple[int, str]]:
    """theme → (projects, bar width) of a comparison panel."""
    items = _find(panel, lambda c: "data-count" in c.to_plotly_json()["props"])
    return {i.to_plotly_json()["props"]["data-theme"]: (i.to_plotly_json()["props"]["data-count"],
                                                        i.children[2].style["width"]) for i in items}


def test_compare_bars_share_one_scale_for_both_sides():
    panel_a, panel_b, _ = compare.panels("region", "05", "06", "fr")
    bars = {**{("a", k): v for k, v in _bars(panel_a).items()}, **{("b", k): v for k, v in _bars(panel_b).items()}}
    top = max(n for n, _ in bars.values())
    assert top > min(n for n, _ in bars.values())
    for n, width in bars.values():
        assert width == f"{100 * n / top:.2f}%"  # one scale: a bar's length is its count over the larger side's


def test_compare_lists_the_other_amounts_with_their_kind_and_names_each_per_inhabitant():
    envelopes = datasets.current().envelopes
    panel = compare.panel("region", "14", "fr")
    parts = compare.part_rows(envelopes, "region", "14")
    assert len(parts) == int(((envelopes.region_code == "14")
                              & envelopes.territory_level.isin(("sub_region", "mrc"))).sum()) > 0
    (table,) = _find(panel, lambda c: "cmp-parts" in str(getattr(c, "className", "")) and isinstance(c, html.Table))
    rows = _find(table, lambda c: isinstance(c, html.Tr))[1:]
    assert [_text(r.children[1]) for r in rows] == list(parts.territory_name)
    assert [_text(r.children[2]) for r in rows] == [document.kind_label(k, "fr") for k in parts.kind]
    values = _facts_values(panel)
    agg = compare.all_cycles(datasets.current(), "region")
    assert values["envelope_per_capita"] == money_cents(agg.envelope_per_capita["14"], "fr")
    text = _text(panel)
    assert "Montant connu par habitant" in text and "pour l'enveloppe par habitant" in text
    assert "À savoir" not in text  # no column of « — »


# ---------------------------------------------------------------- what each step shows (issue #23, 5)

def test_an_mrc_step_shows_its_published_amounts_with_kind_and_source():
    rows = pd.read_csv("data/envelopes.csv", dtype=str)
    mine = rows[(rows.territory_level == "mrc") & (rows.mrc_id == "d-autray")]
    assert len(mine) >= 3, "D'Autray has no MRC-level amounts any more: this test needs another MRC"
    step = region_slides.region_mrcs("14").index("d-autray") + 1
    facts = region_slides.slide("14", step, "fr")
    amounts = facts["amounts"]
    assert sorted(a["amount"] for a in amounts) == sorted(amount_text(float(v), "fr") for v in mine.amount)
    assert {a["kind"] for a in amounts} == {document.kind_label(k, "fr") for k in mine.kind}
    assert {a["source"] for a in amounts} == set(mine.source_url)
    panel = _text(html.Div(presentation.slide_panel(facts, "fr")))
    assert "Appel de projets" in panel and amount_text(float(mine.amount.iloc[0]), "fr") in panel
    assert "Montants publiés pour cette MRC" in panel


def test_a_live_mrc_step_lists_its_projects_as_the_offline_file_does():
    data = datasets.current()
    order = region_slides.region_mrcs("14")
    step = next(i + 1 for i, m in enumerate(order) if len(region_slides.step_projects("14", i + 1, data)))
    projects = region_slides.step_projects("14", step, data)
    panel = html.Div(presentation.slide_panel(region_slides.slide("14", step, "fr"), "fr", projects))
    titles = [_text(c) for c in _find(panel, lambda c: getattr(c, "className", None) == "pres-project-title")]
    assert titles == list(projects.title) and titles
    # The same projects as the offline file's step.
    from offline import presentation as offline
    assert list(offline.step_projects(data, "14", step).title) == titles
    # Through the callback too (a click on « MRC suivante » from the step before).
    children, _, _ = presentation.show_step("14", step - 1, 0, 1, "fr")
    assert [_text(c) for c in _find(html.Div(children), lambda c: getattr(c, "className", None)
                                    == "pres-project-title")] == titles


def test_the_step_counter_uses_the_kickers_numbers():
    n_steps = region_slides.step_count("14")
    for step in range(1, n_steps):
        kicker = region_slides.slide("14", step, "fr")["kicker"]
        assert kicker.endswith(f"{step} sur {n_steps - 1}")
        assert region_slides.step_position(step, n_steps, "fr") == f"{step} / {n_steps - 1}"
    assert region_slides.step_position(0, n_steps, "fr") == "Vue d'ensemble"


def test_every_mrc_of_the_region_is_named_on_the_map():
    labels = region_slides.map_labels("14")
    assert [label[0] for label in labels] == list(region_slides.region_mrcs("14"))
    west, south, east, north = region_slides.region_bounds("14")
    assert all(west <= lon <= east and south <= lat <= north for _, _, lon, lat in labels)
