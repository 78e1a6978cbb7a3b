"""The written first paint draws the ranking's bars (web/first_paint.ranking_bars) instead of an empty box of
the chart's height: a visitor of a written page, which may never load the app, saw ~480 px of nothing."""
from __future__ import annotations

import html
import re

import pytest

import app as application  # noqa: F401  (pages register themselves with the app)
from components import ids
from tests.test_territory_page import walk
from web import first_paint


@pytest.fixture(scope="module")
def client():
    return application.server.test_client()


def _chart(query: dict) -> dict:
    from pages import dashboard

    (graph,) = [c for c in walk(dashboard.layout(**query)) if getattr(c, "id", None) == ids.RANKING]
    return graph.figure


def _written(body: str) -> str:
    found = re.search(r'<div class="ranking fp-ranking"[^>]*>(.*?)</div><div class="territory-table-box"', body, re.S)
    assert found, "no written ranking"
    return found.group(1)


@pytest.mark.parametrize("query", [{}, {"measure": "amount", "level": "mrc"}, {"lang": "en", "measure": "count"}])
def test_the_written_ranking_has_the_charts_bars_names_and_labels_in_order(client, query):
    chart = _chart(query)["data"][0]
    assert len(chart["x"]) > 3  # else this checks little
    written = _written(client.get("/", query_string=query).get_data(as_text=True))
    names = [html.unescape(n) for n in re.findall(r'class="fp-rank-name">([^<]*)<', written)]
    labels = [html.unescape(v) for v in re.findall(r"</span>([^<]*)</span></div>", written)]
    widths = [float(w) for w in re.findall(r"width:([\d.]+)%", written)]
    assert names == list(chart["y"]) and labels == list(chart["text"])
    top = max(chart["x"])
    assert widths == pytest.approx([x / top * first_paint.BAR_ROOM for x in chart["x"]], abs=0.06)  # to scale


def test_a_hostile_name_is_text_and_an_empty_ranking_writes_nothing():
    figure = {"data": [{"x": [2.0], "y": ["<script>x</script>"], "text": ["2 $"], "marker": {"color": "#2c7fb8"}}],
              "layout": {"title": {"text": "Classement<br><sup>Montant</sup>"}}}
    written = first_paint.ranking_bars(figure)
    assert "<script>" not in written and "&lt;script&gt;" in written and "<small>Montant</small>" in written
    assert first_paint.ranking_bars({"data": [{"x": [], "y": [], "text": []}], "layout": {}}) == ""
    assert first_paint.ranking_bars(None) == ""
