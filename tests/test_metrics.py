"""Aggregations: totals, counts, per capita, filters and the multi-territory rule."""
from __future__ import annotations

import math

import pandas as pd
import pytest

from data import metrics
from data.metrics import Filters
from geo import layers
from tests.fixtures_projects import small_projects


@pytest.fixture()
def projects() -> pd.DataFrame:
    return metrics.prepare_projects(small_projects()).set_index("project_id", drop=False)


def test_a_multi_mrc_project_counts_in_its_region_not_in_any_mrc(projects):
    by_mrc = metrics.aggregate(projects, "mrc")
    assert by_mrc.loc["rimouski-neigette", "amount"] == 100_000  # a only; b spans two MRC
    assert by_mrc.loc["rimouski-neigette", "n_projects"] == 1
    assert math.isnan(by_mrc.loc["la-mitis", "amount"]) and by_mrc.loc["la-mitis", "n_projects"] == 0
    by_region = metrics.aggregate(projects, "region")
    assert by_region.loc["01", "amount"] == 150_000 and by_region.loc["01", "n_projects"] == 3
    assert by_region.loc["01", "n_with_amount"] == 2 and by_region.loc["01", "n_promoters"] == 2


def test_no_data_is_nan_never_zero(projects):
    by_region = metrics.aggregate(projects, "region")
    assert math.isnan(by_region.loc["09", "amount"]) and math.isnan(by_region.loc["09", "per_capita"])
    assert len(by_region) == 17 and len(metrics.aggregate(projects, "mrc")) == 104


def test_per_capita_is_total_over_the_same_territory_population(projects):
    by_region = metrics.aggregate(projects, "region")
    population = layers.territories("region").population_2021["01"]
    assert by_region.loc["01", "per_capita"] == pytest.approx(150_000 / population)


def test_sums_over_mrc_regions_and_province_agree(projects):
    total = projects.amount_fqis.sum()
    mrc_total = metrics.aggregate(projects, "mrc").amount.sum()
    regional_only = metrics.unattributed_by_region(projects).amount.sum()
    assert mrc_total + regional_only == pytest.approx(total)
    assert metrics.aggregate(projects, "region").amount.sum() == pytest.approx(total)
    assert metrics.headline(projects, Filters()).total == pytest.approx(total)


def test_alliance_totals_follow_the_mrc(projects):
    by_alliance = metrics.aggregate(projects, "alliance")
    assert by_alliance.loc["bas-saint-laurent", "amount"] == 150_000
    assert by_alliance.loc["estrie", "amount"] == 20_000
    assert "premieres-nations" not in by_alliance.index  # listed, not mapped


@pytest.mark.parametrize("filters,expected", [
    (Filters(), {"a", "b", "c", "d", "e"}),
    (Filters(regions=("01",)), {"a", "b", "c"}),
    (Filters(mrcs=("la-mitis",)), {"b"}),  # a multi-MRC project is found from any of its MRC
    (Filters(themes=("logement",)), {"d"}),
    (Filters(themes=("inclusion-milieux-de-vie", "transport-mobilite")), {"b", "d"}),
    (Filters(alliances=("estrie",)), {"e"}),
    (Filters(cycles=("plan-2024-2029",)), {"d", "e"}),
    (Filters(amount_min=40_000), {"a", "b"}),  # unknown amounts fall out of any amount range
    (Filters(amount_max=40_000), {"d", "e"}),
    (Filters(text="MONTREAL"), {"d"}),  # case and accents ignored
    (Filters(text="table transport"), {"b"}),  # every word must match
    (Filters(regions=("01",), themes=("logement",)), set()),
])
def test_filters_combine(projects, filters, expected):
    assert set(metrics.filter_projects(projects, filters).index) == expected


def test_headline_population_follows_the_geographic_filters(projects):
    regions = layers.territories("region").population_2021
    assert metrics.view_population(Filters()) == regions.sum()
    assert metrics.view_population(Filters(regions=("01", "05"))) == regions["01"] + regions["05"]
    chosen = metrics.filter_projects(projects, Filters(regions=("01",)))
    head = metrics.headline(chosen, Filters(regions=("01",)))
    assert head.n_projects == 3 and head.n_with_amount == 2 and head.per_capita == pytest.approx(150_000 / regions["01"])


def test_envelopes_never_mix_kinds():
    envelopes = pd.DataFrame([
        {"kind": "envelope", "cycle": "plan-2024-2029", "territory_level": "region", "region_code": "04", "alliance_id": "mauricie", "mrc_id": None, "amount": 5_000_000.0},
        {"kind": "cap", "cycle": "plan-2024-2029", "territory_level": "region", "region_code": "04", "alliance_id": "mauricie", "mrc_id": None, "amount": 50_000.0},
        {"kind": "envelope", "cycle": "pagieps-2017-2023", "territory_level": "region", "region_code": "04", "alliance_id": "mauricie", "mrc_id": None, "amount": 4_000_000.0},
        {"kind": "envelope", "cycle": "plan-2024-2029", "territory_level": "mrc", "region_code": "04", "alliance_id": "mauricie", "mrc_id": "mekinac", "amount": 400_000.0},
    ])
    assert metrics.envelope_totals(envelopes, "region", "plan-2024-2029").to_dict() == {"04": 5_000_000.0}
    assert metrics.envelope_totals(envelopes, "alliance", "pagieps-2017-2023").to_dict() == {"mauricie": 4_000_000.0}
    assert metrics.envelope_totals(envelopes, "mrc", "plan-2024-2029").to_dict() == {"mekinac": 400_000.0}


def test_clicking_a_territory_narrows_the_filters():
    assert Filters().with_territory("mrc", "laval").mrcs == ("laval",)
    assert Filters(regions=("01",)).with_territory("region", None).regions == ()


def test_the_2010_2015_plan_is_counted_only_when_its_cycle_is_chosen():
    """The old plan's projects are never added to the later cycles' (issue 13): with no cycle chosen they
    are out of every total; choosing their cycle shows them, alone."""
    from data.load import load_projects

    projects = metrics.prepare_projects(load_projects())
    old = projects.cycle == "pagsis-2010-2015"
    assert old.sum() > 0  # the curated file holds some: the rule is exercised on real rows
    shown = metrics.filter_projects(projects, Filters())
    assert not (shown.cycle == "pagsis-2010-2015").any()
    assert len(shown) == (~old).sum()  # everything else, projects of unknown cycle included
    alone = metrics.filter_projects(projects, Filters(cycles=("pagsis-2010-2015",)))
    assert len(alone) == old.sum()
    both = metrics.filter_projects(projects, Filters(cycles=("pagsis-2010-2015", "pagieps-2017-2023")))
    assert len(both) == (old | (projects.cycle == "pagieps-2017-2023")).sum()
