"""Dash callbacks called as plain functions, on a small hand-made dataset."""
from __future__ import annotations

import pandas as pd
import pytest
from dash import Patch

from components import dashboard, ids
from components.dataset import Dataset
from components.state import AMOUNT_STEPS
from data import metrics
from data.schema import ENVELOPE_COLUMNS
from tests.fixtures_projects import small_projects


@pytest.fixture(autouse=True)
def small_dataset(monkeypatch):
    projects = metrics.prepare_projects(small_projects()).set_index("project_id", drop=False)
    data = Dataset(projects, pd.DataFrame(columns=list(ENVELOPE_COLUMNS)), demo=False)
    monkeypatch.setattr(dashboard, "dataset", lambda: data)
    return data


def _update(**changes):
    values = dict(level="region", measure="amount", regions=[], mrcs=[], themes=[], alliances=[], cycles=[],
                  amount=[0, len(AMOUNT_STEPS) - 1], text="", selected=None, lang="fr")
    values.update(changes)
    return dashboard.update_view(*values.values())


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
    assert [row["id"] for row in one_region[3]] == ["a", "b", "c"]
    assert len(everything[3]) == 5
    assert str(one_region[1]) != str(everything[1])  # headline cards changed


def test_a_selected_territory_filters_and_is_announced():
    result = _update(level="mrc", selected="sherbrooke")
    assert [row["id"] for row in result[3]] == ["e"]
    assert "Sherbrooke" in result[4]


def test_mrc_level_says_how_much_is_counted_at_region_level_only():
    result = _update(level="mrc")
    assert "50\u00a0000\u00a0$" in result[5]  # project b spans two MRC


def test_hostile_values_do_not_break_the_callback():
    result = _update(level="<img src=x>", regions="DROP TABLE", amount="all", text=["x"], lang=None)
    assert len(result[3]) == 5


def test_table_rows_keep_text_as_text_and_link_only_web_sources(small_dataset):
    rows = {row["id"]: row for row in dashboard.table_rows(small_dataset.projects, "fr")}
    assert rows["d"]["promoter"] == "Organisme <script>x</script>"  # shown verbatim by the grid, never parsed
    assert rows["a"]["source"] == "https://example.org/source"
    assert rows["d"]["years"] == "2024–2026" and rows["c"]["amount"] is None


def test_clicking_a_territory_twice_clears_it_and_changing_level_clears_it():
    click = {"points": [{"curveNumber": 1, "location": "05"}]}
    assert dashboard.next_selection(ids.MAP, click, "region", None) == "05"
    assert dashboard.next_selection(ids.MAP, click, "region", "05") is None
    assert dashboard.next_selection(ids.LEVEL, click, "mrc", "05") is None


def test_reset_clears_every_filter():
    assert list(dashboard.reset_filters(1)) == [[], [], [], [], [], [0, len(AMOUNT_STEPS) - 1], "", None]
