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


# ---------------------------------------------------------------- plural forms

from components.i18n import PLURALS, plural, plural_form  # noqa: E402


@pytest.mark.parametrize("key", sorted(PLURALS))
def test_every_plural_entry_has_two_forms_in_both_languages_with_the_same_placeholders(key):
    forms = [form for language in PLURALS[key] for form in language]
    assert len(PLURALS[key]) == 2 and all(len(language) == 2 for language in PLURALS[key])
    assert all(form.strip() and "(s)" not in form for form in forms)
    assert len({frozenset(re.findall(r"{(\w+)}", form)) for form in forms}) == 1


def test_french_and_english_plural_rules_follow_cldr():
    assert [plural("n_projects", n, "fr") for n in (0, 1, 2, 7)] == ["0 projet", "1 projet", "2 projets", "7 projets"]
    assert [plural("n_projects", n, "en") for n in (0, 1, 2)] == ["0 projects", "1 project", "2 projects"]
    assert plural("n_projects", 1_000_000, "fr") == "1\u00a0000\u00a0000 projets"  # CLDR « many » takes « other »
    assert plural_form(float("nan"), "fr") == plural_form(None, "en") == "other"


def test_plural_fills_the_other_placeholders():
    text = plural("territories_with_envelope", 11, "fr", noun=plural("noun_region", 11, "fr"), total=17,
                  cycle="PAGIEPS 2017–2023")
    assert text == "11 régions sur 17 ont une enveloppe PAGIEPS 2017–2023 connue"
    one = plural("territories_with_envelope", 1, "en", noun=plural("noun_mrc", 1, "en"), total=104, cycle="2024–2029")
    assert one == "1 MRC of 104 has a known 2024–2029 envelope"


def test_no_interface_text_writes_a_plural_in_parentheses():
    from components.map import heading
    from components.words import page_text
    from pages.dashboard import program
    from pages import compare, methodology, presentation, sheet, territory_page
    tables = [TEXT, page_text.SHARED, program.TEXT, heading.TEXT, compare._TEXT, methodology._TEXT,
              presentation._TEXT, sheet._TEXT, territory_page._TEXT]
    found = [(key, value) for table in tables for key, pair in table.items() for value in pair
             if re.search(r"\w\((s|e|es|x)\)", value)]
    assert found == []


def test_a_share_is_a_percent_and_a_tiny_share_never_reads_as_zero():
    from components.i18n import percent
    assert percent(0.0094, "fr") == "0,9\u00a0%" and percent(0.0094, "en") == "0.9%"
    assert percent(0.0001, "fr") == "< 0,1\u00a0%" and percent(0, "fr") == "0,0\u00a0%"
    assert percent(None, "fr") == "—"
