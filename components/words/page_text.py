"""Interface text shared by the document pages (territory pages, one-page sheets, comparison,
presentation mode, methodology): each (French, English) wording written once.

A page module keeps its own table for the words only it uses and looks words up there first,
then here (`with_shared`): a word changed here changes on every page that shows it.
"""
from __future__ import annotations

from collections import ChainMap

from texts.catalogs import Messages

SHARED = Messages("shared")


def with_shared(own: dict[str, tuple[str, str]]) -> ChainMap:
    """A page's text table: its own words first, then the shared ones."""
    return ChainMap(own, SHARED)
