"""The program's published totals per cycle and the share known projects document (data/program.py),
and the strip at the top of the map page (pages/dashboard/program.py), checked against the curated files."""
from __future__ import annotations

import pandas as pd

from pages.dashboard import program
from components.dataset import current
from components.i18n import money, money_compact, percent
from data.program import cycle_totals
from data.schema import vocabulary
from tests.test_presentation import _text


def test_each_cycle_total_is_its_largest_province_envelope_row_with_its_source(raw_envelopes):
    data = current()
    totals = cycle_totals(data.envelopes, data.projects)
    assert totals, "the curated file has province totals"
    province = raw_envelopes[raw_envelopes.territory_level == "province"].assign(
        amount=lambda t: pd.to_numeric(t.amount))
    for row in totals:
        kinds = ("envelope", "transition") if row.cycle == "transition-2023-2024" else ("envelope",)
        rows = province[(province.cycle == row.cycle) & province.kind.isin(kinds)]
        best = rows.loc[rows.amount.idxmax()]
        assert row.total == best.amount and row.source_url == best.source_url
    # Cycles come in the order of the reference table, each once.
    order = [c for c in vocabulary("cycles") if c in {r.cycle for r in totals}]
    assert [r.cycle for r in totals] == order


def test_documented_is_the_known_amount_of_the_cycle_s_projects_over_the_total(raw_projects):
    data = current()
    for row in cycle_totals(data.envelopes, data.projects):
        mine = raw_projects[raw_projects.cycle == row.cycle]
        known = mine.amount_fqis.dropna()
        assert row.n_projects == len(mine) and row.n_with_amount == len(known)
        if len(known):
            assert abs(row.documented - known.sum()) < 0.01
            assert abs(row.share - known.sum() / row.total) < 1e-12
        else:
            assert row.documented is None and row.share is None  # unknown, never 0 %


def test_a_total_the_source_gives_as_a_lower_bound_says_so():
    envelopes = pd.DataFrame({
        "territory_level": ["province", "province"], "cycle": ["plan-2024-2029", "pagieps-2017-2023"],
        "kind": ["envelope", "envelope"], "amount": [145e6, 160.1e6], "source_url": ["https://a.example", "https://b.example"],
        "source_date": ["2024-12-09", None],
        "note": ["montant arrondi dans la source (« plus de 145 M$ »).", "montant arrondi dans la source (160,1 M$)."]})
    projects = pd.DataFrame({"cycle": ["plan-2024-2029"], "amount_fqis": [None]})
    by_cycle = {row.cycle: row for row in cycle_totals(envelopes, projects)}
    assert by_cycle["plan-2024-2029"].at_least and not by_cycle["pagieps-2017-2023"].at_least
    assert program.total_text(by_cycle["plan-2024-2029"], "fr").startswith("plus de 145")
    assert by_cycle["plan-2024-2029"].documented is None  # one project, amount unknown: not 0 $
    assert program.documented_text(by_cycle["plan-2024-2029"], "fr") == "documenté : aucun montant connu"


def test_the_strip_shows_each_total_its_documented_share_and_a_link_to_its_source():
    data = current()
    strip = program.strip(data, "fr")
    shown = _text(strip)
    links = [a.href for entry in strip.children[1].children for a in _links(entry)]
    for row in cycle_totals(data.envelopes, data.projects):
        assert money_compact(row.total, "fr") in shown
        if row.documented is not None:
            assert f"documenté : {money(row.documented, 'fr')}, {percent(row.share, 'fr')}" in shown
        assert row.source_url in links
    assert "par habitant" not in shown  # the program's scale, never a per-inhabitant figure of known projects


def _links(component):
    from dash import html
    if isinstance(component, html.A):
        yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _links(child)
