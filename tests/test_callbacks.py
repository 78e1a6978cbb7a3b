"""Dash callbacks called as plain functions, on a small hand-made dataset."""
from __future__ import annotations

import pandas as pd
import pytest
from dash import Patch

from components import ids
from components.own_file import upload
from components.dataset import Dataset, prepare_for_map
from components.state import AMOUNT_STEPS
from data.schema import ENVELOPE_COLUMNS
from pages import dashboard
from tests.fixtures_projects import small_projects


@pytest.fixture(autouse=True)
def small_dataset(monkeypatch):
    data = Dataset(prepare_for_map(small_projects()), pd.DataFrame(columns=list(ENVELOPE_COLUMNS)), demo=False)
    monkeypatch.setattr(dashboard, "dataset", lambda: data)
    monkeypatch.setattr(upload, "current", lambda: data)
    return data


def _values(**changes) -> dict:
    values = dict(level="region", measure="amount", regions=[], mrcs=[], themes=[], alliances=[], cycles=[],
                  amount=[0, len(AMOUNT_STEPS) - 1], text="", selected=None, explicit=[], source="public", uploaded=None,
                  lang="fr")
    values.update(changes)
    return values


def _update(**changes):
    return dashboard.update_view(*_values(**changes).values())


def _rows(request=None, **changes) -> dict:
    request = request if request is not None else {"startRow": 0, "endRow": 100}
    return dashboard.table_block(request, *_values(**changes).values())


def _ids(**changes) -> list[str]:
    return [row["id"] for row in _rows(**changes)["rowData"]]


def _patched(patch: Patch, trace: int, key: str):
    for op in patch.to_plotly_json()["operations"]:
        if op["location"] == ["data", trace, key]:
            return op["params"]["value"]
    raise KeyError((trace, key))


def test_choosing_a_region_changes_map_figures_and_table():
    everything = _update()
    one_region = _update(regions=["01"])
    assert _patched(everything[0], 1, "locations") == ["01", "05", "06"]
    assert _patched(one_region[0], 1, "locations") == ["01"]
    assert _ids(regions=["01"]) == ["a", "b", "c"] and len(_ids()) == 5
    assert "3" in one_region[3] and one_region[4] != everything[4]  # count shown, table told to reload
    assert str(one_region[1]) != str(everything[1])  # headline cards changed


def test_a_selected_territory_filters_and_is_announced():
    result = _update(level="mrc", selected="sherbrooke")
    assert _ids(level="mrc", selected="sherbrooke") == ["e"]
    assert "Sherbrooke" in result[5]


def test_mrc_level_says_how_much_is_counted_at_region_level_only():
    result = _update(level="mrc")
    assert "50\u00a0000\u00a0$" in result[6]  # project b spans two MRC


def test_hostile_values_do_not_break_the_callback():
    result = _update(level="<img src=x>", regions="DROP TABLE", amount="all", text=["x"], lang=None)
    assert "5" in result[3]
    assert len(_rows(request={"startRow": -50, "endRow": 10**9, "sortModel": "x", "filterModel": [1]},
                     regions="DROP TABLE")["rowData"]) == 5


def test_the_table_sorts_and_filters_on_the_server():
    by_amount = _rows(request={"startRow": 0, "endRow": 100, "sortModel": [{"colId": "amount", "sort": "desc"}]})
    assert [r["id"] for r in by_amount["rowData"]] == ["a", "b", "d", "e", "c"]  # unknown amount last
    filtered = _rows(request={"startRow": 0, "endRow": 100,
                              "filterModel": {"promoter": {"filterType": "text", "type": "contains", "filter": "table"}}})
    assert [r["id"] for r in filtered["rowData"]] == ["b", "c"] and filtered["rowCount"] == 2
    for direction in ("asc", "desc"):  # projects with no single MRC (region-wide, several MRC) come last
        by_mrc = _rows(request={"startRow": 0, "endRow": 100, "sortModel": [{"colId": "mrc", "sort": direction}]})
        names = [r["mrc"] for r in by_mrc["rowData"]]
        assert "" not in names[:names.index("")] and set(names[names.index(""):]) == {""}
        assert names[:names.index("")] == sorted(names[:names.index("")], reverse=direction == "desc")
    second_page = _rows(request={"startRow": 3, "endRow": 100})
    assert second_page["rowCount"] == 5 and [r["id"] for r in second_page["rowData"]] == ["d", "e"]


def test_table_rows_keep_text_as_text_and_link_only_web_sources(small_dataset):
    rows = {row["id"]: row for row in _rows()["rowData"]}
    assert rows["d"]["promoter"] == "Organisme <script>x</script>"  # shown verbatim by the grid, never parsed
    assert rows["a"]["source"] == "https://example.org/source"
    assert rows["d"]["years"] == "2024–2026" and rows["c"]["amount"] is None


def test_clicking_a_territory_twice_clears_it_and_changing_level_clears_it():
    click = {"points": [{"curveNumber": 1, "location": "05"}]}
    assert dashboard.next_selection(ids.MAP, click, "region", None) == "05"
    assert dashboard.next_selection(ids.MAP, click, "region", "05") is None
    assert dashboard.next_selection(ids.LEVEL, click, "mrc", "05") is None


def test_reset_clears_every_filter():
    assert list(dashboard.reset_filters(1)) == [[], [], [], [], [], [0, len(AMOUNT_STEPS) - 1], "", None, [], []]  # the last: the status filter


def test_a_view_with_no_project_still_draws_every_territory_as_no_data():
    result = _update(level="mrc", mrcs=["administration-regionale-kativik"])
    assert _patched(result[0], 1, "locations") == []
    assert len(_patched(result[0], 0, "locations")) == 104
    assert _patched(result[0], 2, "lon") == [] and _ids(level="mrc", mrcs=["administration-regionale-kativik"]) == []


@pytest.mark.parametrize("query", [{}, {"lang": "en"}, {"level": "mrc", "region": "01", "sel": "rimouski-neigette"},
                                   {"region": "<script>", "amount_min": "abc", "q": "x" * 500, "lang": "de"}])
def test_the_page_layout_builds_for_any_query(query):
    page = dashboard.layout(**query)
    text = str(page)
    assert ids.MAP in text and ids.TABLE in text
    if query.get("region") == "<script>":
        assert "url-notice" in text  # the visitor is told what was ignored


def test_the_territory_table_names_each_territory_with_its_value():
    import json

    from plotly.utils import PlotlyJSONEncoder
    result = _update(level="region", measure="amount")
    text = json.dumps(result[12], cls=PlotlyJSONEncoder, ensure_ascii=False)
    assert "Bas-Saint-Laurent" in text and "150\u00a0000\u00a0$" in text
    assert '"children": "01"' not in text  # names, not codes
