"""The envelope and documented-share measures and the explicit-links filter as the page shows them:
map traces and hovers, legend, notes under the map, ranking, project table, point hovers."""
from __future__ import annotations

import pandas as pd
import pytest

from components.map import summary
from components.own_file import upload
from components.dataset import Dataset, prepare_for_map
from components.map.figures import choropleth_data, ranking_figure
from components.i18n import TEXT, percent, plural
from components.state import AMOUNT_STEPS, View
from data.metrics import Filters
from pages import dashboard
from tests.fixtures_projects import small_projects

PAGIEPS = "pagieps-2017-2023"


def _envelope(region, amount, cycle=PAGIEPS, alliance=None, kind="envelope", level="region") -> dict:
    return {"envelope_id": f"{region}-{cycle}-{kind}", "cycle": cycle, "territory_level": level,
            "territory_name": region, "alliance_id": alliance, "region_code": region, "mrc_id": None,
            "mandataire": None, "amount": amount, "kind": kind, "period": None, "description": "Enveloppe",
            "source_url": "https://example.org/e", "source_date": None, "note": None}


# Small projects: region 01 holds 150 000 $ of 2017–2023 projects (a, b), region 05 20 000 $ and
# region 06 30 000 $ of 2024–2029. Region 01's envelope is 100 000 $: 150 %, the sources disagree.
ENVELOPES = pd.DataFrame([
    _envelope("01", 100_000.0, alliance="bas-saint-laurent"),
    _envelope("16", 11_800_000.0, alliance="monteregie"),  # the 2017–2023 Alliance covered two more MRC
    _envelope("06", 11_000_000.0, cycle="transition-2023-2024", alliance="montreal", kind="transition"),
])


@pytest.fixture(autouse=True)
def small_dataset(monkeypatch):
    projects = small_projects().assign(fqis_link=["explicit", "inferred", "explicit", "explicit", "inferred"],
                                       inferred=["", "mrc", "", "", "cycle;amount"])
    data = Dataset(prepare_for_map(projects), ENVELOPES, demo=False)
    monkeypatch.setattr(dashboard, "dataset", lambda: data)
    monkeypatch.setattr(summary, "dataset", lambda: data)
    monkeypatch.setattr(upload, "current", lambda: data)
    dashboard.view_outputs.cache_clear()
    return data


def _compute(**view) -> dict:
    return summary.compute(View(**view))


def test_with_no_cycle_chosen_the_map_shows_the_cycle_with_most_territories_known_and_says_so(small_dataset):
    result = _compute(measure="envelope")
    assert result["agg"].attrs["envelope_cycle"] == PAGIEPS  # two regions, against one for the transition
    assert result["data"]["locations"] == ["01", "16"]
    assert "PAGIEPS 2017–2023" in result["data"]["colorbar"]["title"]["text"]
    notes = dashboard.map_notes(View(measure="envelope"), result, small_dataset)
    assert "PAGIEPS 2017–2023" in notes and "2 sur 17" in notes


def test_the_envelope_measure_follows_the_cycle_filter(small_dataset):
    result = _compute(measure="envelope", filters=Filters(cycles=("transition-2023-2024",)))
    assert result["data"]["locations"] == ["06"] and result["data"]["z"] == [11_000_000.0]
    notes = dashboard.map_notes(View(measure="envelope", filters=Filters(cycles=("transition-2023-2024",))),
                                result, small_dataset)
    assert notes.startswith(plural("envelope_cycle_chosen", 1, "fr", cycle="Transition 2023–2024", total="17"))
    assert "1 territoire connu sur 17" in notes  # singular, not « territoire(s) »


def test_the_montérégie_envelope_of_2017_2023_is_flagged_in_its_hover_and_under_the_map(small_dataset):
    result = _compute(measure="envelope")
    hover = dict(zip(result["data"]["locations"], result["data"]["hovertext"]))
    assert "un autre territoire" in hover["16"] and "un autre territoire" not in hover["01"]
    assert "Montérégie" in dashboard.map_notes(View(measure="envelope"), result, small_dataset)


def test_per_inhabitant_envelope_is_coloured_with_cents(small_dataset):
    result = _compute(measure="envelope_per_capita")
    population = result["agg"].population["01"]
    assert result["data"]["z"][0] == pytest.approx(100_000 / population)


def test_a_share_above_100_percent_is_never_shown_without_its_warning(small_dataset):
    view = View(measure="documented_share")
    result = _compute(measure="documented_share")
    assert result["data"]["locations"] == ["01"]  # 16 has an envelope but no project of the cycle: no data
    assert result["data"]["z"] == [pytest.approx(1.5)] and result["data"]["zmax"] == 1.0
    (hover,) = result["data"]["hovertext"]
    assert percent(1.5, "fr") in hover and TEXT["hover_share_over"][0] in hover
    assert "16" in result["no_data"]["locations"]
    notes = dashboard.map_notes(view, result, small_dataset)
    assert "dépasse 100 %" in notes and "Bas-Saint-Laurent" in notes
    ranking = ranking_figure(result["agg"], "documented_share", "fr")
    assert ranking["data"][0]["text"][0].startswith("⚠")
    table = str(dashboard.territory_table(result["agg"], "documented_share", "fr"))
    assert "⚠" in table and "ne concordent pas" in table


def test_documented_share_counts_only_explicit_ties_when_asked(small_dataset):
    """Region 01, explicit only: project a (100 000 $; b's tie is inferred) over 100 000 $ → 100 %."""
    result = _compute(measure="documented_share", filters=Filters(explicit_only=True))
    assert result["data"]["z"] == [pytest.approx(1.0)]
    assert not result["agg"].share_over.any()


def test_share_legend_and_english(small_dataset):
    agg = _compute(measure="documented_share", lang="en")["agg"]
    _, data = choropleth_data(agg, "region", "documented_share", "en")
    assert data["colorbar"]["tickformat"] == ".0%"
    assert data["colorbar"]["title"]["text"].startswith("Documented share of the envelope<br>PAGIEPS 2017–2023")


def _values(**changes) -> list:
    values = dict(level="region", measure="amount", regions=[], mrcs=[], themes=[], alliances=[], cycles=[],
                  amount=[0, len(AMOUNT_STEPS) - 1], text="", selected=None, explicit=[], source="public",
                  uploaded=None, lang="fr")
    values.update(changes)
    return list(values.values())


def test_the_explicit_links_checkbox_filters_the_map_the_table_and_the_link():
    everything = dashboard.update_view(*_values())
    explicit = dashboard.update_view(*_values(explicit=["explicit"]))
    assert "5 projets" in everything[3] and "3 projets" in explicit[3]
    assert "link=explicit" in explicit[7] and "link" not in everything[7]
    rows = dashboard.table_block({"startRow": 0, "endRow": 100}, *_values(explicit=["explicit"]))
    assert [row["id"] for row in rows["rowData"]] == ["a", "c", "d"]


def test_the_table_and_the_point_hovers_say_what_was_inferred():
    rows = {row["id"]: row for row in
            dashboard.table_block({"startRow": 0, "endRow": 100}, *_values())["rowData"]}
    assert rows["b"]["certainty"] == "lien avec le FQIS : déduit; MRC déduite"
    assert rows["e"]["certainty"] == "lien avec le FQIS : déduit; cycle déduit; montant déduit"
    assert rows["a"]["certainty"] == TEXT["certainty_all_read"][0]
    points = _compute()["points"]
    hover = dict(zip(points["customdata"], points["hovertext"]))
    assert "lien avec le FQIS : déduit" in hover["b"] and "MRC déduite" in hover["b"]
    assert "lien avec le FQIS : explicite" in hover["a"] and "déduit" not in hover["a"]


def test_the_page_built_from_a_link_ticks_the_checkbox():
    page = str(dashboard.layout(link="explicit", measure="documented_share"))
    assert "'value': ['explicit']" in page or "value=['explicit']" in page
    assert "Seulement les liens explicites" in page


def test_an_envelope_the_sources_disagree_on_says_so_in_its_hover(monkeypatch, small_dataset):
    disputed = Dataset(small_dataset.projects, ENVELOPES.assign(amount_disputed=["yes", None, None]), demo=False)
    monkeypatch.setattr(summary, "dataset", lambda: disputed)
    result = _compute(measure="envelope")
    hover = dict(zip(result["data"]["locations"], result["data"]["hovertext"]))
    assert TEXT["hover_envelope_disputed"][0] in hover["01"] and TEXT["hover_envelope_disputed"][0] not in hover["16"]


def test_the_exported_map_image_names_the_envelope_cycle():
    outputs = dashboard.update_view(*_values(measure="documented_share"))
    assert outputs[10]["title"].startswith("Part documentée de l'enveloppe — PAGIEPS 2017–2023 — Région")
