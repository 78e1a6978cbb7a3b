"""Every interface string exists in both languages; numbers follow each language's conventions."""
from __future__ import annotations

import re

import pytest

from components.i18n import TEXT, money, money_cents, money_compact, number, t


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
