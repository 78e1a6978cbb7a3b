"""The importer's « vouliez-vous dire … ? »: a near-miss MRC, region or municipality gets the nearest names (rapidfuzz),
with the row and the column named as for any error; a name nothing is near keeps the plain message."""
from __future__ import annotations

from tests.test_importer import HEADER, error_cells, line, run


def test_a_near_miss_mrc_gets_did_you_mean():
    result = run([HEADER, line(mrc="Les Moulinx")])
    assert error_cells(result) == [(2, "MRC")]
    assert result.errors[0].message == "MRC inconnue : « Les Moulinx » ; vouliez-vous dire « Les Moulins » ?"
    assert result.errors[0].code == "mrc_unknown_near"


def test_in_english_too():
    result = run([HEADER, line(mrc="Les Moulinx")], lang="en")
    assert result.errors[0].message == "unknown MRC: « Les Moulinx »; did you mean « Les Moulins »?"


def test_a_near_miss_municipality_names_the_municipality_and_its_mrc():
    result = run([HEADER, line(municipality="Rimousky")])
    assert error_cells(result) == [(2, "Municipalité")]
    message = result.errors[0].message
    assert "« Rimousky »" in message and "vouliez-vous dire « Rimouski » (Rimouski-Neigette)" in message
    assert "indiquez sa MRC" in message


def test_a_near_miss_region_gets_did_you_mean():
    result = run([HEADER, line(region="Gaspésie-Îles-de-la-Madelaine")])
    assert error_cells(result) == [(2, "Région")]
    assert "vouliez-vous dire « Gaspésie–Îles-de-la-Madeleine » ?" in result.errors[0].message


def test_a_name_nothing_is_near_keeps_the_plain_message():
    result = run([HEADER, line(mrc="Zzyzx Qwerty")])
    assert result.errors[0].code == "mrc_unknown"
    assert result.errors[0].message == "MRC inconnue : « Zzyzx Qwerty »"
