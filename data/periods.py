"""The period of an envelope row (« 7 mois (à partir d'avril 2024) ») in the page's language.

data/envelopes.csv writes each period in French, as its source does; the English wording of every
distinct period is in data/reference/periods.csv (`period_fr`, `period_en`), reviewed in git with
the data. tests/test_english_pages.py fails when a period of envelopes.csv has no English line.
"""
from __future__ import annotations

from functools import lru_cache

import pandas as pd

from data.load import DATA_DIR

PERIODS_PATH = DATA_DIR / "reference" / "periods.csv"


@lru_cache(maxsize=1)
def english_periods() -> dict[str, str]:
    """French period → English period, from data/reference/periods.csv; an empty English cell is an
    error naming its row, never a French word on an English page."""
    table = pd.read_csv(PERIODS_PATH, dtype=str, keep_default_na=False)
    for row, (french, english) in enumerate(zip(table.period_fr, table.period_en), start=2):
        if not french.strip() or not english.strip():
            raise ValueError(f"{PERIODS_PATH}, row {row}, column {'period_fr' if not french.strip() else 'period_en'}:"
                             " empty cell")
    return dict(zip(table.period_fr, table.period_en))


def period_text(value, lang: str) -> str | None:
    """The period in `lang`; None when the row has none. A French period with no English line yet is
    shown as it is (the test above names it) rather than hidden."""
    if not isinstance(value, str) or not value.strip():
        return None
    return english_periods().get(value, value) if lang == "en" else value
