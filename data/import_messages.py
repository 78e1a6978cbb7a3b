"""The words of the spreadsheet importer, in French (default) and English.

Every message has both languages; `tests/test_importer.py` checks that they use the same
placeholders. Codes are stable: the app's upload can key on them.
"""
from __future__ import annotations

from typing import Any

from babel.numbers import format_currency, format_decimal

from data.schema import PROJECT_STATUSES
from texts.catalogs import Messages

LANGS = ("fr", "en")

# (French, English) text of every message; `{placeholders}` are filled by `message()`.
MESSAGES = Messages("import")
REPORT_WORDS = Messages("report")
# The `add` command's words. Counted words have their singular and plural forms: (fr one, fr many,
# en one, en many); French uses the singular for 0 and 1, English for 1 only.
ADD_WORDS = Messages("add")
COUNTED: dict[str, tuple[str, str, str, str]] = {
    "project_added": ("projet ajouté", "projets ajoutés", "project added", "projects added"),
    "project": ("projet", "projets", "project", "projects"),
    "duplicate": ("doublon", "doublons", "duplicate", "duplicates"),
    "row_rejected": ("ligne rejetée", "lignes rejetées", "row rejected", "rows rejected"),
}
FIELD_LABELS = Messages("fields")
STATUS_LABELS = Messages("status")  # data.schema.PROJECT_STATUSES → (« terminé », "completed")


def message(code: str, lang: str = "fr", **params: Any) -> str:
    """The text of message `code` in `lang` ("fr" or "en"); unused parameters are ignored."""
    return MESSAGES[code][LANGS.index(lang)].format(**params)


def word(key: str, lang: str) -> str:
    """A word of the readable report (REPORT_WORDS)."""
    return REPORT_WORDS[key][LANGS.index(lang)]


def label(field: str, lang: str) -> str:
    """The standard header of a field, for messages about a column the file lacks."""
    return FIELD_LABELS[field][LANGS.index(lang)]


def size_text(n: int, lang: str) -> str:
    """A file size in megabytes: « 5,0 Mo » or « 5.0 MB »."""
    text = f"{n / 1_000_000:.1f}"
    return (text.replace(".", ",") + " Mo") if lang == "fr" else (text + " MB")


def count_text(n: int, lang: str) -> str:
    """A whole number in the reader's convention: « 20 000 » or « 20,000 »."""
    return format_decimal(n, locale="fr_CA" if lang == "fr" else "en_CA")


def money_text(amount: float, lang: str) -> str:
    """Whole dollars in the reader's convention: « 50 000 000 $ » or « $50,000,000 »."""
    locale, pattern = ("fr_CA", "#,##0\u00a0¤") if lang == "fr" else ("en_CA", "¤#,##0")
    return format_currency(amount, "CAD", locale=locale, format=pattern, currency_digits=False)



def status_words(lang: str) -> tuple[str, ...]:
    """The status words a file may use, in the reader's language first (« prévu, en cours… »)."""
    first = LANGS.index(lang)
    return tuple(STATUS_LABELS[s][i] for i in (first, 1 - first) for s in PROJECT_STATUSES)


def add_word(key: str, lang: str, **params: Any) -> str:
    """A sentence of the `add` command's report (ADD_WORDS)."""
    return ADD_WORDS[key][LANGS.index(lang)].format(**params)


def counted(n: int, key: str, lang: str) -> str:
    """« 1 projet ajouté », « 2 projets ajoutés », « 0 doublon »; « 1 duplicate », « 0 duplicates »."""
    fr_one, fr_many, en_one, en_many = COUNTED[key]
    if lang == "fr":
        return f"{n} {fr_one if n < 2 else fr_many}"
    return f"{n} {en_one if n == 1 else en_many}"
