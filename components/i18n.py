"""Interface words in French (first) and English, and number formatting through Babel.

Every visible string goes through `t()` so the language switch can translate all of it; a test
checks that every key has both languages.
"""
from __future__ import annotations

import math
from functools import lru_cache

from babel.numbers import format_compact_currency

from texts.catalogs import Messages, PluralMessages, ngettext

LANGS = ("fr", "en")
LOCALES = {"fr": "fr_CA", "en": "en_CA"}

TEXT = Messages("ui")


def text(table: dict[str, tuple[str, str]], key: str, lang: str, **values) -> str:
    """`table[key]` in `lang` (French for any unknown language), with {placeholders} filled.

    Page modules keep their own (fr, en) tables and look them up through this one function.
    """
    fr, en = table[key]
    chosen = en if lang == "en" else fr
    return chosen.format(**values) if values else chosen


def t(key: str, lang: str, **values) -> str:
    """The shared interface text of `key` in `lang`."""
    return text(TEXT, key, lang, **values)


def inferred_phrases(cell, lang: str) -> list[str]:
    """A project's `inferred` cell (« mrc;cycle ») → « MRC déduite », « cycle déduit »; a word
    without a phrase is kept as written, so nothing inferred goes unsaid."""
    return [t(f"inferred_{part}", lang) if f"inferred_{part}" in TEXT else part
            for part in str(cell or "").split(";") if part]


def percent(value, lang: str) -> str:
    """0.134 → « 13,4 % » (fr) or « 13.4% » (en); unknown → « — ». A share above zero but below
    0,05 % is « < 0,1 % », never « 0,0 % », which would read as nothing."""
    if not _missing(value) and 0 < value < 0.0005:
        return "< " + percent(0.001, lang)
    text = _format(value * 100 if not _missing(value) else value, lang, 1, currency=False)
    if text == "—":
        return text
    return text + ("%" if lang == "en" else "\u00a0%")


def percent_many(values, lang: str):
    import pandas as pd
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype="float64")
    return pd.Series([percent(v, lang) for v in series.to_numpy(dtype="float64", na_value=float("nan"))],
                     index=series.index, dtype=object)


def clean_lang(lang) -> str:
    """Only "en" switches to English; anything else (absent, repeated, forged) is French."""
    return "en" if lang == "en" else "fr"


def _missing(value) -> bool:
    return value is None or (isinstance(value, float) and math.isnan(value))


def money(value: float | None, lang: str) -> str:
    """1234567 → « 1 234 567 $ » (fr) or « $1,234,567 » (en); 187800.5 → « 187 800,50 $ »; unknown → « — ».

    An amount is written as its source gives it: cents only when it has cents. One rule for every page,
    table, hover text and sentence, so one total never reads « 187 800,50 $ » here and « 187 800 $ » there.
    """
    return _format(value, lang, AS_GIVEN, currency=True)


def money_compact(value: float | None, lang: str) -> str:
    """4100000 → « 4,1 M$ » (fr) or « $4.1M » (en), for tight spaces like bar labels."""
    if _missing(value):
        return "—"
    return format_compact_currency(value, "CAD", locale=LOCALES.get(lang, "fr_CA"), fraction_digits=1)


def money_cents(value: float | None, lang: str) -> str:
    """Amounts per inhabitant keep two decimals: « 28,40 $ »."""
    return _format(value, lang, 2, currency=True)


def number(value: float | int | None, lang: str) -> str:
    """8501833 → « 8 501 833 » (fr) or « 8,501,833 » (en)."""
    return _format(value, lang, 0, currency=False)


# ---------------------------------------------------------------- the one number formatter
# Maps and tables format thousands of numbers per update; Babel's per-value formatting costs about
# 0.1 ms each. _format applies the locale's symbols (read from Babel once) with Python's own
# grouping, about a microsecond a value; every number on the page goes through it, so all agree.

@lru_cache(maxsize=None)
def _translation(lang: str) -> dict:
    """Python's « , » and « . » → the locale's group and decimal symbols (fr_CA: narrow no-break
    space and comma)."""
    from babel.numbers import get_decimal_symbol, get_group_symbol
    locale = LOCALES.get(lang, "fr_CA")
    return str.maketrans({",": get_group_symbol(locale), ".": get_decimal_symbol(locale)})


AS_GIVEN = None  # `decimals` of an amount: two when it has cents, none when it is whole dollars


def _format(value, lang: str, decimals: int | None, currency: bool) -> str:
    try:
        number = float(value)
    except (TypeError, ValueError):  # None, pd.NA, NaT and other non-numbers: unknown
        return "—"
    if math.isnan(number):
        return "—"
    if decimals is AS_GIVEN:
        decimals = 2 if round(number * 100) % 100 else 0
    text = f"{number:,.{decimals}f}".translate(_translation(lang))
    if not currency:
        return text
    return "$" + text if lang == "en" else text + "\u00a0$"


def _many(values, lang: str, decimals: int | None, currency: bool):
    import pandas as pd
    series = values if isinstance(values, pd.Series) else pd.Series(values, dtype="float64")
    numbers = series.to_numpy(dtype="float64", na_value=float("nan"))
    if decimals is AS_GIVEN:  # which amounts have cents, for all at once (as _format decides for one)
        import numpy as np
        with np.errstate(invalid="ignore"):
            places = np.where(np.round(numbers * 100) % 100 != 0, 2, 0).tolist()
        return pd.Series([_format(v, lang, d, currency) for v, d in zip(numbers, places)], index=series.index,
                         dtype=object)
    return pd.Series([_format(v, lang, decimals, currency) for v in numbers], index=series.index, dtype=object)


def money_many(values, lang: str):
    """money() for a whole Series (same output, element by element)."""
    return _many(values, lang, AS_GIVEN, currency=True)


def money_cents_many(values, lang: str):
    return _many(values, lang, 2, currency=True)


def number_many(values, lang: str):
    return _many(values, lang, 0, currency=False)


# ---------------------------------------------------------------- plural forms
# Every text that holds a count, in one table: key → ((French one, other), (English one, other)).
# {n} is the count (formatted by `plural`); other placeholders are filled from its keyword arguments.
# The form is chosen by the language's CLDR plural rule through Babel (French: « 0 projet »,
# « 1 projet », « 2 projets »; English: « 0 projects », « 1 project »). Kept in one place so the
# move to gettext catalogs (ngettext) finds every entry.

PLURALS = PluralMessages("plurals")  # key → the plural message plurals.<key> (ngettext)


@lru_cache(maxsize=None)
def _locale(lang: str):
    from babel import Locale
    return Locale.parse(LOCALES.get(lang, "fr_CA"))


def plural_form(count, lang: str) -> str:
    """« one » or « other »: the CLDR category of `count` in `lang`, reduced to the two forms the
    interface writes (French « many », for round millions, takes the « other » form; an unknown
    count, the « other » form)."""
    try:
        value = abs(float(count))
    except (TypeError, ValueError):
        return "other"
    if value != value:  # NaN
        return "other"
    category = _locale(clean_lang(lang)).plural_form(int(value) if value.is_integer() else value)
    return "one" if category == "one" else "other"


def plural(key: str, count: float, lang: str, **values) -> str:
    """The text of `key` for `count` in `lang`, the count written as a number of the language."""
    # One form or the other by the CLDR category (plural_form), which also reads decimals and unknown
    # counts: gettext's own rule would need an integer.
    chosen = ngettext(f"plurals.{key}", 1 if plural_form(count, lang) == "one" else 2, lang)
    return chosen.format(n=number(count, lang), **values)
