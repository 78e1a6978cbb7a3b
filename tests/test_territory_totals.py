"""With no cycle chosen, a territory's page and its one-page sheet give the figures of the map and of
the API: the old plan's projects (data.metrics.SEPARATE_CYCLES) are in none of their totals, counts
and ranks; the territory page lists them apart, never added."""
from __future__ import annotations

import flask
import pandas as pd
import pytest

from components.map import summary
from components.i18n import money_cents, number
from components.state import View
from components.territory.facts import amount_text
from data.metrics import SEPARATE_CYCLES, Filters
from pages import sheet, territory_page
from tests.test_sheet import figure
from tests.test_territory_page import body_rows, facts, page_text, section
from web import api


@pytest.fixture(scope="module")
def region_with_old_plan(raw_projects) -> str:
    """A region of the curated data with projects of the old plan of known amount (they would change its total)."""
    old = raw_projects[raw_projects.cycle.isin(SEPARATE_CYCLES) & raw_projects.amount_fqis.notna()]
    assert len(old), "no project of the old plan has a known amount: this test needs one"
    return old.region_code.value_counts().index[0]


@pytest.fixture(scope="module")
def api_region(region_with_old_plan) -> dict:
    server = flask.Flask(__name__)
    api.register(server)
    answer = server.test_client().get("/api/territories?level=region").get_json()
    (row,) = [r for r in answer["results"] if r["territory_id"] == region_with_old_plan]
    return row


def test_the_old_plan_would_change_the_total(region_with_old_plan, raw_projects, api_region):
    mine = raw_projects[raw_projects.region_code == region_with_old_plan]
    assert mine.amount_fqis.sum() != pytest.approx(api_region["amount"])  # else this file checks nothing


def test_the_territory_page_gives_the_api_and_map_totals(region_with_old_plan, api_region, raw_projects):
    page = territory_page.region_layout(code=region_with_old_plan)
    known = facts(page)
    assert known["Montant FQIS connu des projets"] == amount_text(api_region["amount"], "fr")
    assert known["Nombre de projets connus"].startswith(f"{api_region['n_projects']} ")
    assert known["Montant connu par habitant"] == money_cents(api_region["per_capita"], "fr")
    head = summary.compute(View(filters=Filters(regions=(region_with_old_plan,))))["headline"]
    assert (head.total, head.n_projects) == (pytest.approx(api_region["amount"]), api_region["n_projects"])
    # The old plan's projects: listed apart, under a heading that says they are not in the totals.
    old = raw_projects[(raw_projects.region_code == region_with_old_plan) & raw_projects.cycle.isin(SEPARATE_CYCLES)]
    apart = section(page, "ancien-plan")
    assert "hors des totaux" in page_text(apart)
    # « En bref » says they exist, how many, how much, and that the figures above leave them out
    old_amount = amount_text(old.amount_fqis.sum(min_count=1), "fr")
    assert known["Ancien plan 2010–2015"] == f"{len(old)} projets de l'ancien plan 2010–2015, {old_amount} connus, hors des totaux ci-dessus"
    assert len(body_rows(apart)) == len(old)
    assert len(body_rows(section(page, "projets"))) == api_region["n_projects"]


def test_the_sheet_gives_the_api_and_map_totals(region_with_old_plan, api_region, raw_projects):
    page = sheet.region_sheet(code=region_with_old_plan)
    assert figure(page, "amount")[0] == amount_text(api_region["amount"], "fr")
    assert figure(page, "projects")[0] == number(api_region["n_projects"], "fr")
    assert figure(page, "per_capita")[0] == money_cents(api_region["per_capita"], "fr")
    old = raw_projects[(raw_projects.region_code == region_with_old_plan) & raw_projects.cycle.isin(SEPARATE_CYCLES)]
    assert f"{len(old)} projets de l'ancien plan 2010–2015, hors des totaux" in page_text(section(page, "fiche-projets"))


def test_the_mrc_figures_leave_the_old_plan_out_too(raw_projects):
    old = raw_projects[raw_projects.cycle.isin(SEPARATE_CYCLES) & raw_projects.amount_fqis.notna()
                       & raw_projects.mrc_ids.notna() & ~raw_projects.mrc_ids.fillna("").str.contains(";")]
    mrc_id = old.mrc_ids.value_counts().index[0]
    current = raw_projects[(raw_projects.mrc_ids == mrc_id) & ~raw_projects.cycle.isin(SEPARATE_CYCLES)]
    total = current.amount_fqis.sum(min_count=1)
    expected = amount_text(None if pd.isna(total) else total, "fr")
    assert facts(territory_page.mrc_layout(mrc_id=mrc_id))["Montant FQIS connu des projets"] == expected
    assert figure(sheet.mrc_sheet(mrc_id=mrc_id), "amount")[0] == expected


def test_an_mrc_with_only_old_plan_projects_does_not_say_it_has_none(raw_projects):
    single = raw_projects[raw_projects.mrc_ids.notna() & ~raw_projects.mrc_ids.fillna("").str.contains(";")]
    only_old = single.groupby("mrc_ids").cycle.agg(lambda cycles: cycles.isin(SEPARATE_CYCLES).all())
    assert only_old.any(), "every MRC with an old-plan project has a later one too: this test needs another"
    mrc_id = only_old.index[only_old][0]
    page = territory_page.mrc_layout(mrc_id=mrc_id)
    said = "Aucun projet connu pour ce territoire hors de l'ancien plan 2010–2015."
    assert said in page_text(section(page, "projets"))
    assert len(body_rows(section(page, "ancien-plan"))) == (single.mrc_ids == mrc_id).sum()
    assert facts(page)["Montant FQIS connu des projets"] == "—"
    assert said in page_text(section(sheet.mrc_sheet(mrc_id=mrc_id), "fiche-projets"))
