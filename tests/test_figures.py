"""Figure builders tested as objects: traces, values, hover text — not pixels."""
from __future__ import annotations

import pandas as pd
import plotly.graph_objects as go
import pytest
from dash import Patch

from components.map import figures
from components.i18n import money, t
from data import metrics
from geo import layers
from tests.fixtures_projects import small_projects


@pytest.fixture()
def projects() -> pd.DataFrame:
    return metrics.prepare_projects(small_projects()).set_index("project_id", drop=False)


def test_territories_without_data_go_to_the_grey_trace_and_say_so(projects):
    agg = metrics.aggregate(projects, "region")
    no_data, data = figures.choropleth_data(agg, "region", "amount", "fr")
    assert set(data["locations"]) == {"01", "05", "06"}
    assert len(no_data["locations"]) == 14 and "01" not in no_data["locations"]
    assert all(t("no_data_hover", "fr") in text for text in no_data["hovertext"])
    assert no_data["name"] == t("no_data", "fr")


def test_z_values_are_the_measure_of_each_territory(projects):
    agg = metrics.aggregate(projects, "region")
    _, data = figures.choropleth_data(agg, "region", "per_capita", "fr")
    z = dict(zip(data["locations"], data["z"]))
    assert z["01"] == pytest.approx(150_000 / layers.territories("region").population_2021["01"])
    _, count = figures.choropleth_data(agg, "region", "count", "fr")
    assert dict(zip(count["locations"], count["z"]))["01"] == 3


def test_a_zero_count_is_no_data_not_zero(projects):
    agg = metrics.aggregate(projects, "mrc")
    no_data, data = figures.choropleth_data(agg, "mrc", "count", "fr")
    assert "la-mitis" in no_data["locations"] and 0 not in data["z"]


def test_hover_text_is_french_with_proper_number_format(projects):
    agg = metrics.aggregate(projects, "region")
    _, data = figures.choropleth_data(agg, "region", "amount", "fr")
    hover = dict(zip(data["locations"], data["hovertext"]))["01"]
    assert "Bas-Saint-Laurent" in hover and "150\u00a0000\u00a0$" in hover and "Projets : 3" in hover
    _, english = figures.choropleth_data(agg, "region", "amount", "en")
    assert "$150,000" in dict(zip(english["locations"], english["hovertext"]))["01"]


def test_project_points_escape_markup_and_state_their_precision(projects):
    mrc, regions = layers.territories("mrc"), layers.territories("region")
    positions = figures.project_positions(projects, mrc, regions)
    points = figures.points_data(projects, positions, mrc.name, "fr")
    hover = dict(zip(points["customdata"], points["hovertext"]))
    assert "<script>" not in hover["d"] and "&lt;script&gt;" in hover["d"] and "&lt;b&gt;abordable" in hover["d"]
    assert t("precision_region", "fr") in hover["c"]
    assert t("precision_point", "fr") in hover["e"]
    assert t("precision_mrc", "fr") in hover["a"] and money(100_000, "fr") in hover["a"]
    assert "inconnu" in hover["c"]  # unknown amount said as such


def test_points_without_coordinates_sit_near_their_territory_centre(projects):
    mrc, regions = layers.territories("mrc"), layers.territories("region")
    positions = figures.project_positions(projects, mrc, regions)
    assert positions.loc["e", ["lon", "lat"]].tolist() == [-71.89, 45.40]
    assert abs(positions.loc["a", "lon"] - mrc.rep_lon["rimouski-neigette"]) < 0.1
    assert abs(positions.loc["c", "lat"] - regions.rep_lat["01"]) < 0.1
    assert positions.loc["c", "precision"] == "region"


def test_marker_sizes_grow_with_amount_and_unknown_is_smallest():
    sizes = figures.marker_sizes(pd.Series([float("nan"), 10_000, 100_000, 500_000, 5_000_000]))
    assert sizes[0] == min(sizes) and sizes[1] < sizes[2] < sizes[3] and sizes[3] == sizes[4] == 30


def test_map_figure_is_offline_and_keeps_the_view(projects):
    agg = metrics.aggregate(projects, "mrc")
    no_data, data = figures.choropleth_data(agg, "mrc", "amount", "fr")
    fig = figures.map_figure(no_data, data, {"lon": [], "lat": [], "hovertext": []}, "fr")
    assert isinstance(fig.data[0], go.Choroplethmap) and isinstance(fig.data[2], go.Scattermap)
    assert fig.layout.map.style == "white-bg" and fig.layout.uirevision
    assert fig.data[1].geojson == "/layers/mrc.geojson"  # geometry by URL, fetched once and cached
    assert fig.layout.separators == ", "


def test_a_filter_change_is_a_patch_of_values_only(projects):
    agg = metrics.aggregate(projects, "region")
    no_data, data = figures.choropleth_data(agg, "region", "amount", "fr")
    patch = figures.map_patch(no_data, data, {"lon": [1.0], "lat": [2.0]})
    assert isinstance(patch, Patch)
    operations = patch.to_plotly_json()["operations"]
    locations = {tuple(op["location"]) for op in operations}
    assert ("data", 1, "z") in locations and ("data", 2, "lon") in locations
    assert not any("features" in str(op["params"]) for op in operations)  # no geometry sent


def test_ranking_lists_only_territories_with_data_best_first(projects):
    agg = metrics.aggregate(projects, "region")
    fig = figures.ranking_figure(agg, "amount", "fr")
    assert fig["data"][0]["y"] == ["Bas-Saint-Laurent", "Montréal", "Estrie"]
    assert fig["data"][0]["x"] == [150_000, 30_000, 20_000]
    go.Figure(fig)  # a valid Plotly figure (validated here, not at each filter change)


def test_the_southern_frame_holds_where_95_percent_of_people_live_and_montreal_s_frame_its_three_cities():
    mrc = layers.territories("mrc")

    def inside(frame, row):
        return frame["west"] <= row.rep_lon <= frame["east"] and frame["south"] <= row.rep_lat <= frame["north"]

    south = figures.MAP_FRAMES["south"]
    held = mrc[[inside(south, row) for row in mrc.itertuples()]]
    assert held.population_2021.sum() >= 0.95 * mrc.population_2021.sum()
    assert len(held) < len(mrc)  # and it is not all of Québec: the north is one click away
    for city in ("montreal", "laval", "longueuil"):
        assert inside(figures.MAP_FRAMES["montreal"], mrc.loc[city])
    assert set(figures.FRAME_ORDER) == set(figures.MAP_FRAMES) and figures.FRAME_ORDER[0] == "south"


def test_project_points_are_drawn_largest_first_so_small_ones_stay_on_top(projects):
    positions = figures.project_positions(projects, layers.territories("mrc"), layers.territories("region"))
    points = figures.points_data(projects, positions, layers.territories("mrc").name, "fr")
    sizes = points["marker"]["size"]
    assert sizes == sorted(sizes, reverse=True)
    # Every list of the trace follows the same order: a dot keeps its own hover and id.
    by_id = dict(zip(points["customdata"], points["hovertext"]))
    for project_id, row in projects.iterrows():
        assert row.title.replace("<", "&lt;").replace(">", "&gt;") in by_id[str(project_id)]
