"""The period of an envelope row (« 7 mois (à partir d'avril 2024) ») in the page's language.

data/envelopes.csv writes each period in French, as its source does; the English wording of every
distinct period is in data/reference/periods.csv (`period_fr`, `period_en`), reviewed in git with
the data. tests/test_english_pages.py fails when a period of envelopes.csv has no English line.
"""
from __future__ import annotations

from data.english_lines import english_lines, in_language
from data.load import DATA_DIR

PERIODS_PATH = DATA_DIR / "reference" / "periods.csv"


def english_periods() -> dict[str, str]:
    """French period → English period, from data/reference/periods.csv (an empty cell is an error naming its row)."""
    return english_lines(PERIODS_PATH, "period_fr", "period_en")


def period_text(value, lang: str) -> str | None:
    """The period in `lang`; None when the row has none. A French period with no English line yet is
    shown as it is (the test above names it) rather than hidden."""
    return in_language(value, lang, PERIODS_PATH, "period_fr", "period_en")
