"""The dots' legend under the map names every kind of dot the map can draw, grouped dots included."""
from __future__ import annotations

import re
from pathlib import Path

from components.map.figures import CLUSTER_COLOUR, UNSTATED_THEME_COLOUR
from pages.dashboard import legend

ROOT = Path(__file__).resolve().parent.parent


def _entries(lang: str) -> dict[str, str]:
    items = legend(lang).children[1].children
    return {item.children[0].style["background"]: item.children[1] for item in items}


def test_the_grouped_dot_has_its_own_legend_entry_in_both_languages():
    for lang, words in (("fr", "regroupés"), ("en", "grouped")):
        entries = _entries(lang)
        assert words in entries[CLUSTER_COLOUR]
        assert entries[CLUSTER_COLOUR] != entries[UNSTATED_THEME_COLOUR]  # not one more priority


def test_the_page_groups_dots_in_the_colour_the_legend_names():
    script = (ROOT / "assets" / "map_dots.js").read_text(encoding="utf-8")
    assert re.search(r'GROUP_COLOUR = "(#[0-9a-fA-F]{6})"', script).group(1).lower() == CLUSTER_COLOUR.lower()
