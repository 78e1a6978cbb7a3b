"""The words inside a dcc.Dropdown of the presentation mode and the comparison (Dash writes them in
English by default), from the catalogs (`dropdown.*`)."""
from __future__ import annotations

from components.i18n import text
from texts.catalogs import Messages

WORDS = Messages("dropdown")


def dropdown_labels(lang: str) -> dict:
    """Dash's `labels` of a dropdown, in `lang`."""
    return {key: text(WORDS, key, lang) for key in WORDS}
