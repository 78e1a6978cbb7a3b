"""The integer-position filters and np.bincount aggregations agree with plain pandas on strings.

data.metrics filters and aggregates through positions computed once (see prepare_projects); these
tests recompute every figure the slow, obvious way on the same synthetic projects, for filters
drawn by hypothesis, so a wrong position, a lost multi-MRC project or a promoter counted twice
shows up as a difference."""
from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from components.dataset import prepare_for_map
from components.map.figures import cluster_data, grid_cells
from data import metrics
from data.metrics import Filters
from data.schema import vocabulary
from data.synthetic import generate_projects
from geo import layers
from geo.names import fold

_RAW = generate_projects(4_000, seed=7)
# The certainty columns of the curated file, drawn at random: about one tie in four inferred.
_DRAW = np.random.default_rng(7)
PROJECTS = prepare_for_map(_RAW.assign(
    fqis_link=np.where(_DRAW.random(len(_RAW)) < 0.25, "inferred", "explicit"),
    inferred=_DRAW.choice(["", "", "mrc", "cycle;amount"], size=len(_RAW))))
SHARE_CYCLE = "pagieps-2017-2023"  # the cycle whose documented amounts are checked


def _reference_mask(projects: pd.DataFrame, filters: Filters) -> pd.Series:
    keep = pd.Series(True, index=projects.index)
    if filters.regions:
        keep &= projects.region_code.isin(filters.regions)
    if filters.mrcs:
        keep &= projects.mrc_ids.fillna("").map(lambda cell: bool(set(cell.split(";")) & set(filters.mrcs)))
    if filters.themes:
        keep &= projects.themes.fillna("").map(lambda cell: bool(set(cell.split(";")) & set(filters.themes)))
    if filters.alliances:
        keep &= projects.alliance.isin(filters.alliances)
    if filters.cycles:
        keep &= projects.cycle.isin(filters.cycles)
    else:  # the 2010–2015 plan is never added to the later cycles
        keep &= projects.cycle.fillna("") != "pagsis-2010-2015"
    if filters.explicit_only:
        keep &= projects.fqis_link == "explicit"
    if filters.amount_min is not None:
        keep &= projects.amount_fqis.ge(filters.amount_min).fillna(False)
    if filters.amount_max is not None:
        keep &= projects.amount_fqis.le(filters.amount_max).fillna(False)
    for word in fold(filters.text).split():
        keep &= (projects.title.fillna("") + " " + projects.promoter.fillna("")).map(fold).str.contains(word, regex=False)
    return keep


def _reference_aggregate(chosen: pd.DataFrame, level: str) -> pd.DataFrame:
    key = {"mrc": chosen.counted_mrc, "region": chosen.region_code, "alliance": chosen.alliance}[level]
    keyed = chosen.assign(_key=key).dropna(subset=["_key"])
    grouped = keyed.groupby("_key")
    of_cycle = keyed[keyed.cycle == SHARE_CYCLE].groupby("_key")
    return pd.DataFrame({"n_projects": grouped.size(), "n_with_amount": grouped.amount_fqis.count(),
                         "amount": grouped.amount_fqis.sum(min_count=1), "n_promoters": grouped.promoter.nunique(),
                         "documented": of_cycle.amount_fqis.sum(min_count=1)})


def _some(ids) -> st.SearchStrategy:
    return st.lists(st.sampled_from(list(ids)), max_size=3, unique=True).map(tuple)


FILTERS = st.builds(
    Filters,
    regions=_some(layers.territories("region").index),
    mrcs=_some(layers.territories("mrc").index) | st.just(()),
    themes=_some(vocabulary("themes")),
    alliances=_some(layers.territories("alliance").index) | st.just(()),
    cycles=_some(vocabulary("cycles")),
    amount_min=st.none() | st.sampled_from([0.0, 10_000.0, 50_000.0]),
    amount_max=st.none() | st.sampled_from([25_000.0, 100_000.0]),
    text=st.sampled_from(["", "aide", "ÉPICERIE", "zz-nothing"]),
    explicit_only=st.booleans(),
)


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(filters=FILTERS, level=st.sampled_from(metrics.LEVELS))
@example(filters=Filters(mrcs=("gatineau", "l-assomption")), level="region")  # multi-MRC projects are in
@example(filters=Filters(alliances=("outaouais",), amount_min=10_000.0), level="mrc")
@example(filters=Filters(), level="alliance")
@example(filters=Filters(explicit_only=True, regions=("10",)), level="alliance")
def test_fast_filters_and_aggregates_equal_plain_pandas(filters, level):
    mask = metrics.filter_mask(PROJECTS, filters)
    expected_mask = _reference_mask(PROJECTS, filters)
    assert mask.tolist() == expected_mask.tolist()
    fast = metrics.aggregate(PROJECTS, level, envelope_cycle=SHARE_CYCLE, mask=mask)
    slow = _reference_aggregate(PROJECTS[expected_mask.to_numpy()], level).reindex(fast.index)
    counts = ["n_projects", "n_with_amount", "n_promoters"]
    assert fast[counts].to_numpy().tolist() == slow[counts].fillna(0).astype(int).to_numpy().tolist()
    np.testing.assert_allclose(fast.amount.to_numpy(), slow.amount.to_numpy(), rtol=1e-9, equal_nan=True)
    np.testing.assert_allclose(fast.documented.to_numpy(), slow.documented.to_numpy(), rtol=1e-9, equal_nan=True)
    head = metrics.headline(PROJECTS, filters, mask=mask)
    chosen = PROJECTS[mask]
    assert head.n_projects == len(chosen) and head.n_promoters == chosen.promoter.dropna().nunique()


def test_a_frame_not_prepared_by_prepare_projects_gives_the_same_aggregates():
    """Callers may pass any validated frame with the derived string columns: positions are then
    computed on the fly."""
    without_positions = PROJECTS.drop(columns=["region_pos", "mrc_pos", "alliance_pos", "cycle_pos", "promoter_code",
                                               "link_explicit"])
    for level in metrics.LEVELS:
        pd.testing.assert_frame_equal(metrics.aggregate(without_positions, level), metrics.aggregate(PROJECTS, level))
    filters = Filters(regions=("06",), cycles=("plan-2024-2029",), explicit_only=True)
    assert (metrics.filter_mask(without_positions, filters) == metrics.filter_mask(PROJECTS, filters)).all()


def test_clusters_sum_to_the_projects_they_group():
    cells = PROJECTS.map_cell.to_numpy()
    amount = PROJECTS.amount_fqis.to_numpy(dtype=float, na_value=np.nan)
    points = cluster_data(cells, PROJECTS.map_lon.to_numpy(), PROJECTS.map_lat.to_numpy(), amount, "fr")
    assert len(points["lon"]) == len(np.unique(cells)) == len(points["hovertext"])
    # every cluster sits inside the grid square of the projects it groups
    squares = set(zip(np.floor(PROJECTS.map_lon / 0.25).astype(int), np.floor(PROJECTS.map_lat / 0.25).astype(int)))
    assert all((int(np.floor(x / 0.25)), int(np.floor(y / 0.25))) in squares for x, y in zip(points["lon"], points["lat"]))
    assert (grid_cells(PROJECTS.map_lon, PROJECTS.map_lat) == cells).all()
    assert grid_cells(np.array([np.nan]), np.array([45.0])).tolist() == [-1]  # no position: in no cluster


@pytest.mark.parametrize("level", metrics.LEVELS)
def test_unattributed_total_is_the_region_only_money(level):
    mask = metrics.filter_mask(PROJECTS, Filters(regions=("06", "03")))
    expected = metrics.unattributed_by_region(PROJECTS[mask]).amount.sum(min_count=1)
    assert metrics.unattributed_total(PROJECTS, mask) == pytest.approx(expected)


def test_promoters_are_counted_alike_by_the_pair_table_and_by_hashing(monkeypatch):
    """Past _PAIR_TABLE_LIMIT cells the distinct (territory, promoter) pairs are hashed: same counts."""
    mask = metrics.filter_mask(PROJECTS, Filters(themes=("logement",)))
    by_table = {level: metrics.aggregate(PROJECTS, level, mask=mask).n_promoters for level in metrics.LEVELS}
    monkeypatch.setattr(metrics, "_PAIR_TABLE_LIMIT", 0)
    for level, expected in by_table.items():
        assert metrics.aggregate(PROJECTS, level, mask=mask).n_promoters.tolist() == expected.tolist()
    assert by_table["region"].sum() > 0
