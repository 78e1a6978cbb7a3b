"""Finding a place by name (geo.places): every municipality of the Répertoire, the MRC/TE and the regions."""
from __future__ import annotations

import pandas as pd
import pytest

from geo import layers, places


@pytest.fixture(scope="module")
def municipalities() -> pd.DataFrame:
    return layers.municipalities()


def test_each_of_the_1130_municipalities_finds_its_mrc_and_shared_names_offer_every_mrc(municipalities):
    assert len(municipalities) == 1130
    expected = municipalities.groupby("name").mrc_id.apply(set)
    wrong = []
    for name, mrc_ids in expected.items():
        found = places.search(name)
        exact = [p for p, score in zip(found.places, found.scores) if score == places.EXACT and p.kind == "municipality"]
        # Montcalm and Pontiac are also MRC elsewhere: then the visitor chooses between the two.
        others = {p.target for p, score in zip(found.places, found.scores) if score == places.EXACT
                  and p.kind != "municipality"} - {("mrc", m) for m in mrc_ids}
        if {p.mrc_id for p in exact} != mrc_ids:
            wrong.append((name, sorted(mrc_ids), sorted(p.mrc_id for p in exact)))
        elif others:
            if found.single_target() is not None:
                wrong.append((name, "a name shared with another territory must not choose", found.single_target()))
        elif len(mrc_ids) == 1 and found.single_target() != ("mrc", next(iter(mrc_ids))):
            wrong.append((name, "not a single answer", found.single_target()))
        elif len(mrc_ids) > 1 and found.single_target() is not None:
            wrong.append((name, "a shared name must not choose", found.single_target()))
    assert not wrong, wrong[:10]
    assert (expected.map(len) > 1).sum() >= 10  # names several municipalities share (Stanstead, Valcourt…)


def test_each_place_carries_what_a_link_needs(municipalities):
    mrc = layers.territories("mrc")
    row = municipalities[municipalities.name == "Saint-Jérôme"].iloc[0]
    (place,) = places.search("Saint-Jérôme").places
    assert (place.kind, place.mrc_id, place.mrc_name, place.mrc_type) == (
        "municipality", row.mrc_id, mrc.loc[row.mrc_id, "name"], "MRC")
    assert (place.region_code, place.region_name) == ("15", "Laurentides")
    assert place.mcode == row.mcode and place.population == row.population
    assert place.target == ("mrc", "la-riviere-du-nord")


@pytest.mark.parametrize("typed,expected_name,mrc_id", [
    ("Saint-Jérôme", "Saint-Jérôme", "la-riviere-du-nord"),
    ("St-Jérôme", "Saint-Jérôme", "la-riviere-du-nord"),
    ("st jerome", "Saint-Jérôme", "la-riviere-du-nord"),
    ("SAINT-JEROME", "Saint-Jérôme", "la-riviere-du-nord"),
    ("Ste-Anne-des-Monts", "Sainte-Anne-des-Monts", "la-haute-gaspesie"),
    ("sainte anne des monts", "Sainte-Anne-des-Monts", "la-haute-gaspesie"),
    ("Chibougamau", "Chibougamau", "jamesie"),
    ("Rimouski", "Rimouski", "rimouski-neigette"),
    ("Ville de Rimouski", "Rimouski", "rimouski-neigette"),
    ("Lîle-Verte", "L'Isle-Verte", None),  # apostrophe and accent ignored … but Île is not Isle: a suggestion
    ("LIsle-Verte", "L'Isle-Verte", "riviere-du-loup"),
    ("l isle verte", "L'Isle-Verte", "riviere-du-loup"),
    ("MRC de La Matanie", "La Matanie", "la-matanie"),
    ("moulins", "Les Moulins", "les-moulins"),
])
def test_accents_case_hyphens_apostrophes_and_saint_abbreviations_are_ignored(typed, expected_name, mrc_id):
    found = places.search(typed)
    if mrc_id is None:
        assert not found.found and expected_name in [p.name for p in found.suggestions]
        return
    assert found.places[0].name == expected_name
    assert found.single_target() == ("mrc", mrc_id)


def test_a_prefix_lists_every_name_that_starts_with_it():
    found = places.search("sainte-anne", limit=50)
    names = [p.name for p in found.places]
    every = sorted(n for n in layers.municipalities().name if n.startswith("Sainte-Anne"))
    assert len(every) >= 10 and sorted(names) == every
    assert found.single_target() is None  # the visitor chooses
    assert places.search("Ste-Anne", limit=50).places == found.places


def test_an_exact_name_comes_before_the_names_it_begins():
    found = places.search("Rimouski")
    assert [p.name for p in found.places[:2]] == ["Rimouski", "Rimouski-Neigette"]
    assert found.single_target() == ("mrc", "rimouski-neigette")


def test_the_name_with_its_article_is_not_the_name_without_it():
    with_article = places.search("L'Ange-Gardien")
    first_two = with_article.places[:2]
    assert {(p.name, p.mrc_id) for p in first_two} == {("L'Ange-Gardien", "la-cote-de-beaupre"),
                                                      ("L'Ange-Gardien", "les-collines-de-l-outaouais")}
    assert with_article.places[2].name == "Ange-Gardien"
    assert with_article.single_target() is None  # two L'Ange-Gardien: the visitor chooses
    assert places.search("Ange-Gardien").single_target() == ("mrc", "rouville")


def test_cities_outside_any_mrc_land_on_their_territory_equivalent_as_the_data_say(municipalities):
    # The 52 cities the Répertoire places in no MRC: geo.build put them on their TE (README of shared/geo).
    for name, te in (("Gatineau", "gatineau"), ("Lévis", "levis"), ("Trois-Rivières", "trois-rivieres"),
                     ("Saguenay", "saguenay"), ("Mirabel", "mirabel")):
        assert municipalities.loc[municipalities.name == name, "mrc_id"].tolist() == [te]
        assert places.search(name).single_target() == ("mrc", te)
        assert places.search(name).places[0].mrc_type == "TE"


def test_regions_and_mrc_are_found_too():
    assert places.search("Estrie").single_target() == ("region", "05")
    assert places.search("bas st laurent").single_target() == ("region", "01")
    assert places.search("Robert-Cliche").single_target() == ("mrc", "beauce-centre")  # the former name
    assert places.search("Nunavik").single_target() == ("mrc", "administration-regionale-kativik")  # sourced alias
    # Laval is a region of one TE of the same name: one answer, the TE.
    assert places.search("Laval").single_target() == ("mrc", "laval")


def test_a_name_shared_by_an_mrc_and_a_municipality_elsewhere_offers_both():
    found = places.search("Montcalm")
    assert {(p.kind, p.mrc_id) for p in found.places} == {("mrc", "montcalm"), ("municipality", "les-laurentides")}
    assert found.single_target() is None


@pytest.mark.parametrize("typed,expected", [
    ("Les Moulinx", "Les Moulins"), ("Rimousky", "Rimouski"), ("Chibougamo", "Chibougamau"),
    ("Sainte-Anne-des-Mont", "Sainte-Anne-des-Monts"),
])
def test_near_misses_get_suggestions(typed, expected):
    found = places.search(typed)
    if found.found:  # « Sainte-Anne-des-Mont » is already a prefix of the real name
        assert found.places[0].name == expected
        return
    assert found.suggestions and found.suggestions[0].name == expected


def test_nothing_near_gives_no_suggestion_and_hostile_input_is_bounded():
    assert places.search("xyzzy qwerty").suggestions == ()
    for hostile in (None, 12, ["Laval"], {"q": 1}, "", "   ", "-'-"):
        assert not places.search(hostile).found
    long = places.search("Laval" + "x" * 10_000)
    assert len(long.query) == places.MAX_QUERY
    assert len(places.search("s", limit=10**9).places) <= places.MAX_LIMIT


def test_suggested_names_for_a_message():
    assert places.suggested_names("Les Moulinx", kinds=("mrc",)) == ["Les Moulins"]
    assert places.suggested_names("Zzzzzz", kinds=("mrc",)) == []


def test_municipalities_of_an_mrc(municipalities):
    listed = places.municipalities_of("la-riviere-du-nord")
    assert "Saint-Jérôme" in set(listed.name)
    assert len(listed) == (municipalities.mrc_id == "la-riviere-du-nord").sum()
    assert places.municipalities_of("no-such-mrc").empty
