"""The map's place search (pages/dashboard/place_search.py) as functions: what it offers, and what a forged tap does."""
from __future__ import annotations

import pytest
from dash import html
from dash.exceptions import PreventUpdate

from components.dataset import current as dataset
from pages.dashboard import filter_options, place_search


def _buttons(children) -> list[tuple[str, str]]:
    out = []
    for child in children:
        if isinstance(child, html.Ul):
            out += [(li.children.children, li.children.id["index"]) for li in child.children]
    return out


def test_a_town_offers_one_button_to_its_mrc():
    children = place_search.results("St-Jérôme", "fr", dataset().projects)
    assert _buttons(children) == [("Saint-Jérôme → MRC La Rivière-du-Nord (Laurentides)", "mrc:la-riviere-du-nord")]


def test_a_city_that_is_its_own_te_is_one_button_and_many_places_link_to_the_whole_list():
    assert [index for _, index in _buttons(place_search.results("Laval", "fr", None))][0] == "mrc:laval"
    assert len([i for _, i in _buttons(place_search.results("Laval", "fr", None)) if i == "mrc:laval"]) == 1
    children = place_search.results("sainte-anne", "en", None)
    assert len(_buttons(children)) == place_search.SHOWN
    link = children[-1].children
    assert link.href == "/lieu?q=sainte-anne&lang=en" and link.children == "… and 5 more places: see the whole list"


def test_nothing_found_says_what_was_searched_what_to_try_and_the_nearest_names():
    children = place_search.results("Rimousky", "fr", dataset().projects)
    words = " ".join(c.children for c in children if isinstance(c, html.P))
    assert "« Rimousky »" in words and "Essayez" in words and "—" not in words
    assert _buttons(children)[0] == ("Rimouski → MRC Rimouski-Neigette (Bas-Saint-Laurent)", "mrc:rimouski-neigette")


def test_words_of_a_project_are_left_to_the_project_search_and_short_or_forged_text_shows_nothing():
    projects = dataset().projects
    # A word of a real title that names no place (many titles start with a town's name).
    word = next(w for title in projects.title.dropna() for w in str(title).split()
                if len(w) >= 4 and not place_search.places.search(w).found)
    assert place_search.results(word, "fr", projects) == []
    for forged in ("s", None, 5, ["Laval"], {"x": 1}):
        assert place_search.results(forged, "fr", projects) == []


@pytest.mark.parametrize("index,expected", [
    ("mrc:la-riviere-du-nord", ("mrc", [], ["la-riviere-du-nord"])), ("region:05", ("region", ["05"], [])),
    ("mrc:nowhere", None), ("region:99", None), ("alliance:estrie", None), (None, None), (["mrc:laval"], None),
    ("mrc:" + "x" * 10_000, None),
])
def test_a_tap_is_read_only_when_it_names_a_known_territory(index, expected):
    assert place_search.picked_filters(index) == expected


def test_a_tap_that_is_no_tap_changes_nothing(monkeypatch):
    class Ctx:
        triggered_id = {"type": place_search.PICK, "index": "mrc:laval"}
        triggered = [{"prop_id": "x.n_clicks", "value": 0}]
    monkeypatch.setattr(place_search, "ctx", Ctx)
    with pytest.raises(PreventUpdate):
        place_search.pick_place([0])
    Ctx.triggered = [{"prop_id": "x.n_clicks", "value": 1}]
    assert place_search.pick_place([1]) == ("mrc", [], ["laval"], "", None)


def test_the_mrc_list_offers_the_mrc_of_a_typed_town_and_keeps_the_chosen_ones():
    default = filter_options("fr")["mrc"]
    options = place_search.mrc_options("st-jerome", ["les-moulins", "forged"], "fr", default)
    assert options[0] == {"label": "Saint-Jérôme → MRC La Rivière-du-Nord (Laurentides)", "value": "la-riviere-du-nord",
                          "search": "st-jerome"}
    assert [o["value"] for o in options] == ["la-riviere-du-nord", "les-moulins"]
    assert place_search.mrc_options("", [], "fr", default) is default
    # a region's name still lists its MRC, as the plain list did
    lanaudiere = place_search.mrc_options("Lanaudi", [], "fr", default)
    assert {o["value"] for o in lanaudiere} >= {"les-moulins", "d-autray", "matawinie"}
    assert place_search.mrc_options("x" * 10_000, [], "fr", default) == []  # bounded, and nothing near
    assert len(place_search.mrc_options("saint", [], "fr", default)) <= place_search.MRC_OPTIONS + len(default)


def test_the_text_typed_is_answered_as_the_box_is_and_forged_stores_show_nothing(monkeypatch):
    """The store of the text typed (assets/place_suggest.js) is answered like the search box's Enter."""
    class Ctx:
        triggered_id = place_search.ids.PLACE_TYPED
    monkeypatch.setattr(place_search, "ctx", Ctx)
    typed = place_search.show_places("", {"text": "St-Jérôme", "n": 3}, "fr", "public", None)
    assert _buttons(typed) == [("Saint-Jérôme → MRC La Rivière-du-Nord (Laurentides)", "mrc:la-riviere-du-nord")]
    for forged in (None, "St-Jérôme", ["St-Jérôme"], {"text": 5}, {"text": "x" * 10_000}):
        assert _buttons(place_search.show_places("", forged, "fr", "public", None)) == []
    Ctx.triggered_id = place_search.ids.SEARCH  # Enter: the box's own value
    assert _buttons(place_search.show_places("Rimouski", {"text": "St-Jérôme"}, "fr", "public", None))[0][1] \
        == "mrc:rimouski-neigette"
