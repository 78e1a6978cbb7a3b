"""No page prints a placeholder where a fact should be: « — — », « — connus », « None », « nan », a
{name} left unfilled… An unknown value is said in words (« inconnu ») or its sentence is left out.

Every page a visitor can reach (the map, the 17 region pages and sheets, a sample of MRC pages and
sheets, the comparison, the methodology, the presentation, the embed) is fetched over HTTP in French
and in English (tests/page_walk.py) and every text is checked, sentence by sentence.
"""
from __future__ import annotations

import re

import pytest

from tests import page_walk

# What a value that was missing, or a template that was not filled, looks like once printed.
PLACEHOLDER = re.compile(
    r"—\s+—"  # two unknowns in a row: « — — 1 projet »
    r"|—\s+(?:connus?|connues?|known|par habitant|per inhabitant)\b"  # « — connus », « — par habitant »
    r"|\b(?:de|soit|of|i\.e\.|sur|out of)\s+—(?=[\s,.;:)]|$)"  # « un montant connu de — », « soit — »
    r"|\bNone\b(?!\s+[a-z])|\b(?:nan|NaN|NaT|undefined|null|Infinity)\b|<NA>"  # Python, pandas or JavaScript's nothing
    r"|\{[a-z_]+\}|%\(\w+\)s|\{\{\s*\w+\s*\}\}"  # a template's hole left unfilled
)


def _is_dash_link(t) -> bool:
    """A link whose whole text is « — » (an unknown value made clickable): it reads as a broken link."""
    return t.where.endswith("› A") and t.text.strip() == "—"


def placeholders(texts) -> list[str]:
    return [f"{t.where}: {t.text[:200]!r}" for t in texts if PLACEHOLDER.search(t.text) or _is_dash_link(t)]


def test_the_pattern_catches_what_the_issue_reported():
    assert PLACEHOLDER.search("— — 1 projet régional ou multi-MRC, dans aucune MRC")
    assert PLACEHOLDER.search("6 projets de l'ancien plan 2010–2015, — connus, hors des totaux ci-dessus")
    assert PLACEHOLDER.search("0 projet connu, pour un montant connu de —, soit — par habitant")
    assert PLACEHOLDER.search("Montant : nan $") and PLACEHOLDER.search("{name} — Carte")
    # A dash between words, or alone in a table cell, is punctuation, not a placeholder.
    assert not PLACEHOLDER.search("Montréal — Carte des Alliances")
    assert not PLACEHOLDER.search("—")
    assert not PLACEHOLDER.search("None of the regions")  # English « None » starting a sentence is a word


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("url", page_walk.page_urls("fr"))
def test_page_has_no_placeholder(url, lang):
    if lang == "en":
        url = url + ("&" if "?" in url else "?") + "lang=en"
    found = placeholders(page_walk.page_texts(url, lang))
    assert not found, f"{len(found)} placeholder(s) on {url}:\n" + "\n".join(found[:30])


@pytest.mark.parametrize("lang", ["fr", "en"])
@pytest.mark.parametrize("url", ["/mrc/rimouski-neigette", "/comparer?level=mrc&a=rimouski-neigette&b=d-autray"])
def test_an_unknown_documented_share_is_said_in_words(url, lang):
    # Rimouski-Neigette has a known PAGIEPS envelope but no known project amount of that cycle: its
    # documented share is unknown, which the facts said with a bare (and, on its page, linked) « — ».
    if lang == "en":
        url += ("&" if "?" in url else "?") + "lang=en"
    texts = page_walk.page_texts(url, lang)
    label = "Documented share of the envelope, " if lang == "en" else "Part documentée de l'enveloppe, "
    values = [texts[i + 1].text for i, t in enumerate(texts[:-1]) if t.where.endswith("› Dt") and t.text.startswith(label)]
    assert values, f"no documented share on {url}"
    assert all(v.strip() != "—" for v in values), f"{url}: {values}"
