"""The frame of a view, its outlines, the sentence that names it and its empty state, as objects
(issue 23, bullets 3 and 7): components/map/bounds.py, figures.outline_data, scope.py, heading.py."""
from __future__ import annotations

import pytest

from components.map import heading, summary
from components.map.bounds import MIN_SPAN, NEIGHBOUR_ROOM, territory_bounds, view_bounds, view_frame
from components.map.figures import FOCUS_COLOUR, map_figure, map_patch, measure_values
from components.map.scope import in_view, territories_kept
from components.permalink import view_from_query
from components.state import View
from components.urls import layer_url
from data.metrics import Filters


def _view(query: str):
    view, ignored = view_from_query(query)
    assert ignored == []
    return view


def _text(component) -> str:
    if component is None:
        return ""
    if isinstance(component, str):
        return component
    if isinstance(component, (list, tuple)):
        return "".join(_text(c) for c in component)
    return _text(getattr(component, "children", None))


def test_a_region_is_framed_with_room_for_its_neighbours():
    west, south, east, north = territory_bounds()["region"]["14"]
    frame = view_bounds(_view("region=14"))
    room_x, room_y = (east - west) * NEIGHBOUR_ROOM, (north - south) * NEIGHBOUR_ROOM
    assert frame == pytest.approx([west - room_x, south - room_y, east + room_x, north + room_y], abs=1e-3)
    assert view_frame(_view("region=14")) == dict(zip(("west", "south", "east", "north"), frame))


def test_a_small_mrc_gets_at_least_the_minimum_span_centred_on_it():
    west, south, east, north = territory_bounds()["mrc"]["rimouski-neigette"]
    frame = view_bounds(_view("level=mrc&mrc=rimouski-neigette"))
    assert frame[2] - frame[0] >= MIN_SPAN[0] - 1e-3 and frame[3] - frame[1] >= MIN_SPAN[1] - 1e-3
    assert (frame[0] + frame[2]) / 2 == pytest.approx((west + east) / 2, abs=1e-3)
    assert frame[0] < west and frame[2] > east and frame[1] < south and frame[3] > north


def test_all_of_quebec_has_no_frame_and_a_click_frames_the_clicked_territory():
    assert view_bounds(_view("")) is None and view_frame(_view("")) is None
    clicked = View(selected="01")  # a click on the map of regions
    assert view_bounds(clicked) == view_bounds(_view("region=01"))


def test_the_chosen_mrc_is_outlined_on_the_map_of_regions_and_nothing_else():
    result = summary.compute(_view("mrc=rimouski-neigette"))  # the default level: regions
    regions, mrcs, alliances = result["outlines"]
    assert mrcs == {"geojson": layer_url("mrc"), "locations": ["rimouski-neigette"], "z": [0]}
    # An outline with nothing to outline asks the browser for no layer.
    assert regions["locations"] == [] and not isinstance(regions["geojson"], str)
    assert alliances["locations"] == [] and not isinstance(alliances["geojson"], str)


def test_the_map_figure_draws_the_outlines_as_traces_3_to_5_and_the_patch_sends_them():
    result = summary.compute(_view("region=14&level=mrc"))
    fig = map_figure(result["no_data"], result["data"], result["points"], "fr", outlines=result["outlines"])
    assert len(fig.data) == 6
    outline = fig.data[3]
    assert list(outline.locations) == ["14"] and outline.geojson == layer_url("region")
    assert outline.marker.line.color == FOCUS_COLOUR and outline.hoverinfo == "skip" and not outline.showscale
    patch = map_patch(result["no_data"], result["data"], result["points"], result["outlines"]).to_plotly_json()
    sent = {op["location"][1]: op for op in patch["operations"] if op["location"][-1] == "locations"}
    assert sent[3]["params"]["value"] == ["14"] and sent[4]["params"]["value"] == []


def test_the_sentence_names_the_chosen_territory():
    for query, name in (("region=14", "Lanaudière"), ("level=mrc&mrc=rimouski-neigette", "Rimouski-Neigette"),
                        ("mrc=la-haute-gaspesie", "La Haute-Gaspésie"), (None, "Bas-Saint-Laurent")):
        view = _view(query) if query else View(selected="01")
        result = summary.compute(view)
        shown = _text(heading.sentence(view, result["agg"], result["nearest"]))
        assert f"Territoire choisi, entouré de noir : {name}." in shown, shown
    view = _view("region=14&lang=en")
    assert "Chosen territory, outlined in black: Lanaudière." in _text(heading.sentence(view, summary.compute(view)["agg"]))


def test_the_filters_keep_the_territories_of_the_chosen_region():
    assert list(territories_kept("mrc", Filters(regions=("14",)))) == [
        "d-autray", "joliette", "l-assomption", "les-moulins", "matawinie", "montcalm"]
    assert list(territories_kept("region", Filters(mrcs=("rimouski-neigette",)))) == ["01"]
    assert territories_kept("mrc", Filters()) is None


def test_an_empty_view_counts_what_the_filter_keeps_says_why_and_links_a_view_with_data():
    view = _view("level=mrc&region=14&measure=documented_share")
    result = summary.compute(view)
    assert len(result["shown"]) == 6 and not measure_values(result["shown"], view.measure).notna().any()
    shown = _text(heading.sentence(view, result["agg"], result["nearest"]))
    assert "Rien n'est coloré : aucune des 6 MRC de cette vue" in shown and "104" not in shown
    nearest = result["nearest"]
    assert nearest is not None and nearest.filters.regions == ("14",)
    assert measure_values(summary.compute(nearest)["shown"], nearest.measure).notna().any()
    assert "Vue la plus proche qui a des données" in shown


def test_a_view_with_data_has_no_nearest_view_and_counts_among_the_chosen_territories():
    view = _view("level=mrc&region=14&measure=amount")
    result = summary.compute(view)
    assert result["nearest"] is None
    coloured = int(measure_values(result["shown"], view.measure).notna().sum())
    assert f"{coloured} MRC sur 6 " in _text(heading.sentence(view, result["agg"]))


def test_an_empty_ranking_is_not_drawn_and_the_table_says_why():
    from pages import dashboard  # registered by tests/conftest.py's app

    view = _view("level=mrc&region=14&measure=documented_share")
    result = summary.compute(view)
    assert dashboard.ranking_style(result["shown"], view.measure) == {"display": "none"}
    assert "Pas de classement" in _text(dashboard.territory_table(result["shown"], view.measure, "fr"))
    full = summary.compute(_view("level=mrc&region=14&measure=amount"))
    assert dashboard.ranking_style(full["shown"], "amount") == {}
    assert in_view(full["agg"], "mrc", view.filters).attrs == full["agg"].attrs
