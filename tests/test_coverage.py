"""Envelopes by cycle, the default cycle, the documented share and the explicit-links filter.

The expected shares are worked out by hand from the fixture below (written out in each test),
not recomputed with the functions under test."""
from __future__ import annotations

import csv
import math

import numpy as np
import pandas as pd
import pytest

from data import coverage, load, metrics
from data.metrics import Filters
from geo import layers
from tests.fixtures_projects import project
from data.schema import PROJECT_COLUMNS, project_schema, validate

PAGIEPS = "pagieps-2017-2023"
PLAN = "plan-2024-2029"
TRANSITION = "transition-2023-2024"


def _projects() -> pd.DataFrame:
    """Three regions, one cycle mostly; `link` and `inferred` are the curated columns' words."""
    rows = [  # id, region, mrc_ids, amount, cycle, fqis_link, inferred
        ("p1", "01", "rimouski-neigette", 100_000, PAGIEPS, "explicit", ""),
        ("p2", "01", "rimouski-neigette;la-mitis", 50_000, PAGIEPS, "inferred", "mrc"),
        ("p3", "01", None, 30_000, PAGIEPS, "explicit", "region"),
        ("p4", "01", "la-mitis", 80_000, PLAN, "explicit", ""),
        ("p5", "04", "mekinac", 200_000, PAGIEPS, "explicit", ""),
        ("p6", "04", "mekinac", np.nan, PAGIEPS, "explicit", "amount"),
        ("p7", "04", None, 5_300_000, PAGIEPS, "explicit", "cycle"),
        ("p8", "10", "jamesie", 40_000, PAGIEPS, "explicit", ""),
        ("p9", "10", "eeyou-istchee", 60_000, PAGIEPS, "inferred", "municipality ; mrc"),
    ]
    frame = pd.DataFrame([project(project_id=i, title=f"Projet {i}", promoter=f"Organisme {i}", region_code=r,
                                  mrc_ids=m, location_precision="mrc" if m else "region", amount_fqis=a, cycle=c)
                          for i, r, m, a, c, _, _ in rows], columns=list(PROJECT_COLUMNS))
    valid = validate(frame, project_schema(), "fixture")
    valid["fqis_link"] = [row[5] for row in rows]
    valid["inferred"] = [row[6] for row in rows]
    return metrics.prepare_projects(valid).set_index("project_id", drop=False)


def _envelope(cycle, level, amount, region=None, alliance=None, mrc=None, kind="envelope") -> dict:
    return {"kind": kind, "cycle": cycle, "territory_level": level, "region_code": region, "alliance_id": alliance,
            "mrc_id": mrc, "amount": amount}


ENVELOPES = pd.DataFrame([
    _envelope(PAGIEPS, "region", 1_000_000.0, region="01", alliance="bas-saint-laurent"),
    _envelope(PAGIEPS, "region", 300_000.0, region="01", kind="call"),  # a call is part of an envelope: never added
    _envelope(PAGIEPS, "region", 5_000_000.0, region="04", alliance="mauricie"),
    _envelope(PAGIEPS, "mrc", 400_000.0, region="04", alliance="mauricie", mrc="mekinac"),
    # Nord-du-Québec: three Alliances, each with its own envelope, no region row.
    _envelope(PAGIEPS, "alliance", 400_000.0, region="10", alliance="baie-james"),
    _envelope(PAGIEPS, "alliance", 300_000.0, region="10", alliance="eeyou-istchee"),
    _envelope(PAGIEPS, "alliance", 300_000.0, region="10", alliance="kativik"),
    _envelope(TRANSITION, "region", 2_000_000.0, region="01", alliance="bas-saint-laurent", kind="transition"),
    _envelope(PLAN, "region", np.nan, region="04", alliance="mauricie"),  # amount not given: unknown
])


@pytest.fixture(scope="module")
def projects() -> pd.DataFrame:
    return _projects()


def test_documented_share_of_explicit_links_equals_the_hand_computation(projects):
    """Explicit links, PAGIEPS 2017–2023:
    01: p1 100 000 + p3 30 000 (p2 is inferred, p4 is another cycle) over 1 000 000 → 13 %;
    04: p5 200 000 + p7 5 300 000 (p6 has no amount) over 5 000 000 → 110 %, sources disagree;
    10: p8 40 000 (p9 is inferred) over 400 000 + 300 000 + 300 000 → 4 %."""
    mask = metrics.filter_mask(projects, Filters(explicit_only=True))
    agg = metrics.aggregate(projects, "region", ENVELOPES, envelope_cycle=PAGIEPS, mask=mask)
    assert agg.loc["01", "documented_share"] == pytest.approx(130_000 / 1_000_000)
    assert agg.loc["04", "documented_share"] == pytest.approx(5_500_000 / 5_000_000)
    assert agg.loc["10", "documented_share"] == pytest.approx(40_000 / 1_000_000)
    assert agg.share_over.to_dict() == {code: code == "04" for code in agg.index}
    assert agg.loc["01", "documented"] == 130_000 and agg.loc["10", "envelope"] == 1_000_000
    # every other region lacks an envelope or a documented project: no share, not 0 %
    assert agg.drop(index=["01", "04", "10"]).documented_share.isna().all()


def test_documented_share_of_all_projects_counts_inferred_ties_too(projects):
    """01: 100 000 + 50 000 (multi-MRC, counted in its region) + 30 000 → 18 %; 10: 100 000 → 10 %."""
    agg = metrics.aggregate(projects, "region", ENVELOPES, envelope_cycle=PAGIEPS)
    assert agg.loc["01", "documented_share"] == pytest.approx(180_000 / 1_000_000)
    assert agg.loc["10", "documented_share"] == pytest.approx(100_000 / 1_000_000)


def test_documented_share_at_mrc_and_alliance_level(projects):
    """Mékinac: p5 200 000 over its own 400 000 → 50 %; a multi-MRC project is in no MRC.
    Alliance level: Baie-James reads its own envelope, 40 000 / 400 000 → 10 %."""
    by_mrc = metrics.aggregate(projects, "mrc", ENVELOPES, envelope_cycle=PAGIEPS)
    assert by_mrc.loc["mekinac", "documented_share"] == pytest.approx(0.5)
    assert math.isnan(by_mrc.loc["la-mitis", "documented_share"])
    by_alliance = metrics.aggregate(projects, "alliance", ENVELOPES, envelope_cycle=PAGIEPS)
    assert by_alliance.loc["baie-james", "documented_share"] == pytest.approx(0.1)
    assert by_alliance.loc["bas-saint-laurent", "envelope"] == 1_000_000  # the region's single Alliance


def test_a_region_of_several_alliances_has_an_envelope_only_when_all_are_known():
    partial = ENVELOPES[ENVELOPES.alliance_id != "kativik"]
    assert "10" not in metrics.envelope_totals(partial, "region", PAGIEPS).index
    assert metrics.envelope_totals(ENVELOPES, "region", PAGIEPS)["10"] == 1_000_000
    agg = metrics.aggregate(_projects(), "region", ENVELOPES, envelope_cycle=PAGIEPS)
    assert agg.envelope_summed.to_dict() == {code: code == "10" for code in agg.index}  # said in the hover
    # and a region row of a multi-Alliance region is never given to one of its Alliances
    region_row = pd.DataFrame([_envelope(PAGIEPS, "region", 900_000.0, region="10")])
    assert metrics.envelope_totals(region_row, "alliance", PAGIEPS).empty


def test_envelopes_follow_the_cycle_and_read_transition_rows_only_for_the_transition():
    assert metrics.envelope_totals(ENVELOPES, "region", TRANSITION).to_dict() == {"01": 2_000_000.0}
    assert metrics.envelope_totals(ENVELOPES, "region", PAGIEPS).to_dict() == {
        "01": 1_000_000.0, "04": 5_000_000.0, "10": 1_000_000.0}
    transition_kind_elsewhere = pd.DataFrame([_envelope(PAGIEPS, "region", 7.0, region="02", kind="transition")])
    assert metrics.envelope_totals(transition_kind_elsewhere, "region", PAGIEPS).empty
    assert metrics.envelope_totals(ENVELOPES, "region", PLAN).empty  # an empty amount is unknown, not 0


def test_the_default_cycle_is_the_one_with_most_territories_known(projects):
    assert metrics.choose_envelope_cycle(ENVELOPES, "region") == PAGIEPS  # 3 regions, against 1 for the transition
    assert metrics.choose_envelope_cycle(ENVELOPES, "region", (TRANSITION,)) == TRANSITION
    assert metrics.choose_envelope_cycle(ENVELOPES, "region", (TRANSITION, PLAN)) == TRANSITION
    assert metrics.choose_envelope_cycle(ENVELOPES, "mrc", (PLAN, TRANSITION)) == PLAN  # none known: latest
    agg = metrics.aggregate(projects, "region", ENVELOPES)
    assert agg.attrs["envelope_cycle"] == PAGIEPS and agg.loc["04", "envelope"] == 5_000_000


def test_an_envelope_the_sources_disagree_on_is_flagged_at_every_level_that_reads_it():
    envelopes = ENVELOPES.assign(amount_disputed=[None, None, "yes", None, None, None, "yes", None, None])
    by_region = metrics.aggregate(_projects(), "region", envelopes, envelope_cycle=PAGIEPS)
    assert by_region.envelope_disputed.to_dict() == {code: code in ("04", "10") for code in by_region.index}
    by_alliance = metrics.aggregate(_projects(), "alliance", envelopes, envelope_cycle=PAGIEPS)
    assert set(by_alliance.index[by_alliance.envelope_disputed]) == {"mauricie", "kativik"}
    assert not metrics.aggregate(_projects(), "region", ENVELOPES, envelope_cycle=PAGIEPS).envelope_disputed.any()


def test_per_inhabitant_envelope_is_the_envelope_over_the_same_population(projects):
    agg = metrics.aggregate(projects, "region", ENVELOPES, envelope_cycle=PAGIEPS)
    population = layers.territories("region").population_2021
    assert agg.loc["04", "envelope_per_capita"] == pytest.approx(5_000_000 / population["04"])
    assert math.isnan(agg.loc["02", "envelope_per_capita"])


def test_the_montérégie_envelope_of_2017_2023_is_flagged_as_another_territory():
    envelopes = pd.DataFrame([_envelope(PAGIEPS, "region", 11_800_000.0, region="16", alliance="monteregie"),
                              _envelope(PLAN, "region", 9_000_000.0, region="16", alliance="monteregie")])
    empty = _projects().iloc[:0]
    agg = metrics.aggregate(empty, "region", envelopes, envelope_cycle=PAGIEPS)
    assert agg.territory_differs.to_dict() == {code: code == "16" for code in agg.index}
    assert not metrics.aggregate(empty, "region", envelopes, envelope_cycle=PLAN).territory_differs.any()
    assert coverage.territory_differs("alliance", PAGIEPS) == {"monteregie", "estrie"}


def test_explicit_only_keeps_the_projects_whose_source_states_the_tie(projects):
    kept = metrics.filter_projects(projects, Filters(explicit_only=True)).index
    assert set(kept) == {"p1", "p3", "p4", "p5", "p6", "p7", "p8"}
    assert projects.loc["p9", "inferred"] == "mrc;municipality"  # tidy, in a fixed order


def test_a_table_without_the_certainty_columns_is_read_as_explicit():
    older = [column for column in PROJECT_COLUMNS if column not in ("fqis_link", "inferred")]
    bare = metrics.prepare_projects(_projects().reset_index(drop=True)[older])
    assert (bare.fqis_link == "explicit").all() and (bare.inferred == "").all()
    assert metrics.filter_mask(bare, Filters(explicit_only=True)).all()


def test_an_unknown_link_word_is_never_read_as_explicit():
    frame = _projects().reset_index(drop=True)[list(PROJECT_COLUMNS)].assign(fqis_link="probable", inferred="")
    assert (metrics.prepare_projects(frame).fqis_link == "inferred").all()


def test_with_the_2017_2023_cycle_every_region_with_a_known_region_envelope_has_one():
    """Read data/envelopes.csv plainly: the regions with a 2017–2023 region-level envelope amount."""
    with open(load.DATA_DIR / "envelopes.csv", encoding="utf-8", newline="") as handle:
        expected = {row["region_code"] for row in csv.DictReader(handle)
                    if row["kind"] == "envelope" and row["cycle"] == PAGIEPS and row["territory_level"] == "region"
                    and row["amount"].strip()}
    assert expected, "the curated file has 2017–2023 region envelopes"
    totals = metrics.envelope_totals(load.load_envelopes(), "region", PAGIEPS)
    assert expected <= set(totals.index)
