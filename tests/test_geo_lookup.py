"""Placing points and names in their MRC."""
from __future__ import annotations

import pytest
from hypothesis import given, strategies as st

from geo import layers
from geo.locate import locate_points
from geo.lookup import NameIndex, find_mrc, find_region
from geo.names import name_key

# Town centres (longitude, latitude), rounded from public gazetteers; the expected MRC is the
# one the municipality belongs to.
KNOWN_PLACES = [
    ("Rimouski", -68.523, 48.449, "rimouski-neigette"),
    ("Gatineau", -75.701, 45.477, "gatineau"),
    ("Kuujjuaq", -68.399, 58.104, "administration-regionale-kativik"),
    ("Chisasibi", -78.908, 53.787, "eeyou-istchee"),
    ("Sherbrooke", -71.893, 45.404, "sherbrooke"),
    ("Cowansville", -72.744, 45.201, "brome-missisquoi"),
    ("Percé", -64.213, 48.524, "le-rocher-perce"),
    ("Saint-Georges", -70.670, 46.118, "beauce-sartigan"),
    ("Longueuil", -73.518, 45.531, "longueuil"),
    ("Laval", -73.750, 45.583, "laval"),
]


@pytest.mark.parametrize("town,lon,lat,expected", KNOWN_PLACES, ids=[p[0] for p in KNOWN_PLACES])
def test_known_places_fall_in_the_right_mrc(town, lon, lat, expected):
    found = locate_points([lon], [lat]).iloc[0]
    assert found.mrc_id == expected
    assert found.status in ("inside", "nearest") and found.distance_km <= 5


def test_cowansville_is_in_estrie():
    mrc_id = locate_points([-72.744], [45.201]).mrc_id[0]
    assert layers.territories("mrc").loc[mrc_id, "region_code"] == "05"


def test_a_point_just_offshore_goes_to_the_nearest_mrc_but_the_open_sea_does_not():
    # 1.5 km into the St. Lawrence off Rimouski, then the middle of the Gulf.
    result = locate_points([-68.52, -61.0], [48.465, 48.5])
    assert result.mrc_id[0] == "rimouski-neigette" and result.status[0] == "nearest"
    assert result.mrc_id[1] is None and result.status[1] == "outside"


def test_points_outside_quebec_or_invalid_are_outside():
    result = locate_points([-79.38, float("nan"), 500.0], [43.65, 46.0, 46.0])  # Toronto, NaN, nonsense
    assert result.status.tolist() == ["outside"] * 3 and result.mrc_id.isna().all()


def test_locate_rejects_mismatched_inputs():
    with pytest.raises(ValueError, match="same shape"):
        locate_points([1.0, 2.0], [1.0])


@pytest.mark.parametrize("typed,expected", [
    ("Rimouski-Neigette", "rimouski-neigette"),
    ("RIMOUSKI NEIGETTE", "rimouski-neigette"),
    ("MRC de La Matanie", "la-matanie"),
    ("Matane", "la-matanie"),
    ("Robert-Cliche", "beauce-centre"),
    ("MRC Robert-Cliche", "beauce-centre"),
    ("mrc des appalaches", "les-appalaches"),
    ("MRC du Granit", "le-granit"),
    ("L'Île-d'Orléans", "l-ile-d-orleans"),
    ("ile d orleans", "l-ile-d-orleans"),
    ("Thérèse-De Blainville", "therese-de-blainville"),
    ("therese de blainville", "therese-de-blainville"),
    ("Kativik", "administration-regionale-kativik"),
    ("Les Îles-de-la-Madeleine", "communaute-maritime-des-iles-de-la-madeleine"),
    ("MRC de Beauce Sartigan", "beauce-sartigan"),
    ("la-vallee-de-l-or", "la-vallee-de-l-or"),
])
def test_mrc_names_are_found_however_they_are_typed(typed, expected):
    assert find_mrc(typed).id == expected


@pytest.mark.parametrize("typed", ["", None, "Toronto", "Saint-Laurent", "MRC"])
def test_unknown_mrc_names_are_not_guessed(typed):
    match = find_mrc(typed)
    assert not match.found and match.reason


def test_an_ambiguous_name_is_refused_with_both_candidates():
    index = NameIndex({"a": "Les Chenaux", "b": "Trois-Rivières"}, {"Francheville": "a"}, "MRC")
    index._add("Francheville", "b")  # a former name shared by two current MRC
    match = index.find("francheville")
    assert not match.found and "Les Chenaux" in match.reason and "Trois-Rivières" in match.reason


def test_regions_by_name_or_number():
    assert find_region("5").id == "05" and find_region("05").id == "05"
    assert find_region("saguenay lac st jean").id == "02"
    assert find_region("Gaspésie–Îles-de-la-Madeleine").id == "11"
    assert not find_region("18").found




@given(st.text(max_size=60))
def test_name_key_never_fails_and_is_idempotent_on_folded_text(text):
    key = name_key(text)
    assert key == key.strip() and "  " not in key
    assert key == key.lower()


@given(st.data())
def test_every_official_name_survives_case_and_accent_changes(data):
    mrc = layers.territories("mrc")
    row = mrc.iloc[data.draw(st.integers(0, len(mrc) - 1))]
    variant = data.draw(st.sampled_from([row["name"].upper(), row["name"].lower(), "MRC " + row["name"],
                                         row["name"].replace("-", " "), row["name"].replace("é", "e")]))
    assert find_mrc(variant).id == row.mrc_id
