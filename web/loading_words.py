"""The words a page shows while its scripts load, in the visitor's language.

Dash writes « Loading... » in English into every page it serves (its `app_entry`); a visitor on a slow
connection reads it until the page has drawn. Here it becomes the catalog's `ui.loading` in the
language the address asks for (French unless ?lang=en), escaped.
"""
from __future__ import annotations

import html
import re

import flask

from components.i18n import clean_lang, t

_DASH_LOADING = re.compile(r'(<div class="_dash-loading">)\s*Loading\.\.\.\s*(</div>)')


def localised(app_entry: str, lang: str) -> str:
    """Dash's `app_entry` with its loading words in `lang` (unchanged if Dash wrote something else)."""
    words = html.escape(t("loading", lang))
    return _DASH_LOADING.sub(lambda found: found[1] + words + found[2], app_entry, count=1)


def register(app) -> None:
    original = app.interpolate_index

    def interpolate_index(**kwargs):
        kwargs["app_entry"] = localised(kwargs.get("app_entry", ""), clean_lang(flask.request.args.get("lang")))
        return original(**kwargs)

    app.interpolate_index = interpolate_index
