"""« Signaler une erreur ou un projet manquant »: the link to the public form (web/corrections) that
project rows and territory pages carry, with the page they are on and, for a row, its project's id;
and « Ce qui a changé », the link to the public change log that the map and the methodology carry."""
from __future__ import annotations

from dash import html

from components.i18n import text
from components.urls import changes_href, report_href
from texts.catalogs import Messages

WORDS = Messages("correction")


def report_link(page: str, lang: str, project_id: str | None = None) -> html.A:
    """The short « Signaler une erreur » of a project row, or the whole sentence for a page."""
    words = text(WORDS, "link_row" if project_id else "link", lang)
    return html.A(words, href=report_href(page, lang, project_id), className="report-link no-print")


def changes_link(lang: str) -> html.A:
    """« Ce qui a changé »: the public log of every publication (web/changes.py)."""
    return html.A(text(WORDS, "changes_link", lang), href=changes_href(lang), className="changes-link")
