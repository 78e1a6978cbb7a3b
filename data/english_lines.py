"""French wordings of data/envelopes.csv and their English, from a two-column table of data/reference/
(French column, English column) reviewed in git with the data: the periods (periods.csv) and the names
of the envelopes' territories that are ours rather than official (territory_names.csv: « Lanaudière
(volet régional) »). A wording with no English line is shown as it is; tests/test_english_pages.py
names it."""
from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import pandas as pd

from data.load import DATA_DIR

TERRITORY_NAMES_PATH = DATA_DIR / "reference" / "territory_names.csv"


@lru_cache(maxsize=None)
def english_lines(path: Path, french_column: str, english_column: str) -> dict[str, str]:
    """French wording → English wording; an empty cell is an error naming its file, row and column,
    never a French word on an English page."""
    table = pd.read_csv(path, dtype=str, keep_default_na=False)
    for row, (french, english) in enumerate(zip(table[french_column], table[english_column]), start=2):
        if not french.strip() or not english.strip():
            raise ValueError(f"{path}, row {row}, column {french_column if not french.strip() else english_column}:"
                             " empty cell")
    return dict(zip(table[french_column], table[english_column]))


def in_language(value, lang: str, path: Path, french_column: str, english_column: str) -> str | None:
    """`value` in `lang`; None when there is none."""
    if not isinstance(value, str) or not value.strip():
        return None
    return english_lines(path, french_column, english_column).get(value, value) if lang == "en" else value


def territory_name_text(value, lang: str) -> str:
    """The name of an envelope row's territory in `lang` (« Lanaudière (regional component) »)."""
    return in_language(value, lang, TERRITORY_NAMES_PATH, "name_fr", "name_en") or ""
