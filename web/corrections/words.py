"""The correction form's and queue's words (catalog messages `correction.*`), in the page's language."""
from __future__ import annotations

from collections.abc import Callable

from components.i18n import text
from texts.catalogs import Messages

WORDS = Messages("correction")


def of(lang: str) -> Callable[..., str]:
    """`w("key", name=value)`: the message in `lang`, with its {placeholders} filled."""
    return lambda key, **values: text(WORDS, key, lang, **values)
