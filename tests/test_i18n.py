"""Every interface string exists in both languages; numbers follow each language's conventions."""
from __future__ import annotations

import re

import pandas as pd
import pytest
from hypothesis import given, strategies as st

from components.i18n import (TEXT, money, money_cents, money_cents_many, money_compact, money_many, number,
                             number_many, t)


@pytest.mark.parametrize("key", sorted(TEXT))
def test_every_text_has_both_languages_with_the_same_placeholders(key):
    fr, en = TEXT[key]
    assert fr.strip() and en.strip()
    assert set(re.findall(r"{(\w+)}", fr)) == set(re.findall(r"{(\w+)}", en))


def test_french_money_format_uses_spaces_and_a_trailing_dollar():
    assert money(1_234_567, "fr") == "1\u00a0234\u00a0567\u00a0$"
    assert money(1_234_567, "en") == "$1,234,567"
    assert money_cents(28.4, "fr") == "28,40\u00a0$"
    assert money(None, "fr") == money(float("nan"), "en") == "—"  # unknown is not zero
    assert number(8_501_833, "fr") == "8\u00a0501\u00a0833"
    assert money_compact(4_100_000, "fr").startswith("4,1")


def test_unknown_language_falls_back_to_french():
    assert t("reset", "de") == TEXT["reset"][0]


@given(st.lists(st.one_of(st.none(), st.floats(min_value=0, max_value=1e9, allow_nan=False)), max_size=30),
       st.sampled_from(["fr", "en"]))
def test_formatting_many_values_equals_formatting_each(values, lang):
    series = pd.Series(values, dtype="float64")
    assert money_many(series, lang).tolist() == [money(v, lang) for v in series]
    assert money_cents_many(series, lang).tolist() == [money_cents(v, lang) for v in series]
    assert all(m.endswith("\u00a0$") or m == "—" for m in money_many(series, "fr"))
    assert number_many(series.dropna().round(), lang).tolist() == [number(v, lang) for v in series.dropna().round()]


def test_formatting_no_value_gives_an_empty_series():
    assert money_many(pd.Series([], dtype="float64"), "fr").tolist() == []


@pytest.mark.parametrize("unknown", [None, float("nan"), pd.NA, pd.NaT, "n/a"])
def test_every_kind_of_missing_value_is_written_as_unknown(unknown):
    assert money(unknown, "fr") == money_cents(unknown, "en") == number(unknown, "fr") == "—"
