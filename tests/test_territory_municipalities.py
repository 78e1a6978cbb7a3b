"""« Municipalités de cette MRC » on an MRC/TE page: every municipality of the Répertoire placed there, counted."""
from __future__ import annotations

import pandas as pd
import pytest

from components.territory.municipalities import SECTION_ID, designation
from pages import territory_page
from tests.test_territory_page import strings, walk


def _section(page):
    return next(node for node in walk(page) if getattr(node, "id", None) == SECTION_ID)


@pytest.fixture(scope="module")
def repertoire() -> pd.DataFrame:
    # Read plainly, not through the code under test.
    from config import geo_build_dir
    return pd.read_csv(geo_build_dir() / "municipality.csv", dtype=str, keep_default_na=False)


def test_an_mrc_page_lists_its_municipalities_with_the_count(repertoire):
    section = _section(territory_page.mrc_layout("la-riviere-du-nord"))
    expected = sorted(repertoire.name[repertoire.mrc_id == "la-riviere-du-nord"])
    text = strings(section)
    assert "Municipalités de cette MRC" in text
    assert f"{len(expected)} municipalités dans ce territoire :" in text
    items = [node for node in walk(section) if node.__class__.__name__ == "Li"]
    assert sorted(li.children[0] for li in items) == expected
    assert "Saint-Jérôme" in expected


def test_a_territory_equivalent_says_territory_and_a_single_municipality_is_singular(repertoire):
    counts = repertoire.groupby("mrc_id").size()
    single = counts[counts == 1].index
    assert len(single), "some TE (Laval, Gatineau…) hold a single municipality"
    section = _section(territory_page.mrc_layout(single[0]))
    text = strings(section)
    assert "1 municipalité dans ce territoire :" in text
    assert "Municipalités de ce territoire" in text  # a TE is no MRC


def test_in_english_with_designations_translated(repertoire):
    section = _section(territory_page.mrc_layout("memphremagog", lang="en"))
    text = " ".join(strings(section))
    assert "Municipalities of this MRC" in text and "municipalities in this territory:" in text
    assert "(Township)" in text and "(Town)" in text  # the two Stanstead: a township and a town
    assert "Canton" not in text and "Répertoire des municipalités du Québec" in text  # the source's own name
    assert designation("Village nordique", "en") == "Northern village"
    assert designation("Nouvelle désignation", "en") == "Nouvelle désignation"  # unknown: as the MAMH writes it
