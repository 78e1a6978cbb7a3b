"""The map page's download links in English name one thing with one word."""
from __future__ import annotations

from components.i18n import t


def test_every_download_of_the_territories_names_them_with_one_word_in_english():
    """« Areas (CSV) », « Areas (Excel) » beside « Territories, CSV (French-language Excel) » read as two
    different files of different things (seen on the map page in English)."""
    labels = [t(f"download_territories_{kind}", "en") for kind in ("csv", "csv_fr", "xlsx")]
    assert {label.split()[0].strip(",") for label in labels} == {"Areas"}, labels
