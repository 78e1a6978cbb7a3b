"""The frame and small pieces every printable document page shares (methodology, territory pages,
one-page sheets): navigation, language switch, a source line printed at the bottom, source links,
the labels of the envelope kinds and territory levels, plain tables, and the dated log of data
changes (data/CHANGELOG.csv).
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import dash
import pandas as pd
from dash import html
from dash.exceptions import MissingCallbackContextException

import geo
from components.i18n import TEXT, clean_lang, plural, t, text
from data import load
from geo import layers
from texts.catalogs import Messages

METHODOLOGY_PATH = "/methodologie"
CHANGELOG_PATH = load.DATA_DIR / "CHANGELOG.csv"
GEO_REFERENCE_DIR = Path(geo.__file__).resolve().parent / "reference"
# One line per operation on a data file; `data.importer`'s « add » command appends lines with this header.
CHANGELOG_COLUMNS = ("date", "operation", "target_file", "rows_added", "rows_duplicate", "rows_dropped",
                     "source_url", "note")
SITE_TITLE = TEXT["title"]
FOLD_AFTER_ROWS = 3  # a longer table folds on a phone (assets/table_fold.js)
_HTTP = re.compile(r"^https?://", re.IGNORECASE)
IMPORT_PREFIX = "import:"  # the source of a row of her file (data/importer.py)
_SITE = {"site": SITE_TITLE}

# Envelope kinds: the label shown next to every amount, and what the kind means (data/schema.py,
# data/README.md). A kind added to data.schema.ENVELOPE_KINDS without its two messages fails a test.
KIND_LABELS = Messages("kinds")
KIND_MEANINGS = Messages("kind_meanings")
LEVEL_LABELS = Messages("levels")

# Words shared by the territory pages and this one.
COMMON = Messages("document")


def kind_label(kind: str, lang: str) -> str:
    labels = KIND_LABELS.get(kind)
    return (labels[1] if lang == "en" else labels[0]) if labels else str(kind)


def level_label(level: str, lang: str) -> str:
    labels = LEVEL_LABELS.get(level)
    return (labels[1] if lang == "en" else labels[0]) if labels else str(level)


def is_http(url) -> bool:
    return isinstance(url, str) and bool(_HTTP.match(url))


def source_link(url, date=None, lang: str = "fr"):
    """A link to a public source, named by its site (and date); only http(s) addresses become links.

    Anything else is shown as plain text (Dash escapes it): a row of her file (« import:projets.xlsx »,
    data/importer.py) as « votre fichier projets.xlsx », never the code name.
    """
    if not is_http(url):
        if isinstance(url, str) and url.startswith(IMPORT_PREFIX):
            return html.Span(text(COMMON, "own_file_source", lang, name=url[len(IMPORT_PREFIX):]), className="source-text")
        return html.Span(url if isinstance(url, str) and url else COMMON["no_source"][0], className="source-text")
    return html.A(source_label(url, date), href=url, className="source", rel="noopener noreferrer")


def source_label(url: str, date=None) -> str:
    """How a source link reads: its site without « www. » (and its date), « lanaudiere.ca, 2021-09 »."""
    try:
        host = urlsplit(url).hostname or url
    except ValueError:  # a malformed address still gets its text, never a broken page
        host = url
    label = host.removeprefix("www.")
    if isinstance(date, str) and date:
        label += f", {date}"
    return label


# ---------------------------------------------------------------- the dated log of data changes

@lru_cache(maxsize=1)
def changelog() -> pd.DataFrame:
    """data/CHANGELOG.csv, newest first. A missing file gives an empty table (the page says so)."""
    if not CHANGELOG_PATH.is_file():
        return pd.DataFrame(columns=list(CHANGELOG_COLUMNS))
    table = pd.read_csv(CHANGELOG_PATH, dtype=str, keep_default_na=False)
    return table.sort_values("date", ascending=False, kind="stable").reset_index(drop=True)


def data_as_of() -> str | None:
    """Date of the latest entry of the log of data changes."""
    log = changelog()
    return str(log.date.iloc[0]) if len(log) else None


# ---------------------------------------------------------------- page frame

def title_lang(lang: str | None = None) -> str:
    """The language of a page's tab title. web/previews.py passes it; Dash's router calls a page's
    `title` with the path's variables only (never the query), so there it is read from the address the
    router callback is answering, else an English page's tab would turn French once routed."""
    if lang is not None:
        return clean_lang(lang)
    try:
        search = dash.ctx.inputs.get("_pages_location.search") or ""
    except MissingCallbackContextException:
        return "fr"
    values = parse_qs(str(search).lstrip("?")).get("lang") or [None]
    return clean_lang(values[-1])


def site_title(lang: str | None = None, **_) -> str:
    """The site's name as a tab title, in the page's language (the map, the embed)."""
    return SITE_TITLE[1 if title_lang(lang) == "en" else 0]


def page_frame(lang: str, path: str, children: list, css: str = "", demo: bool = False) -> html.Div:
    """Header with navigation (hidden in print), the page's content, and a source line at the bottom.

    `path` is the page's own address without query: the language switch and the printed source
    line point to it. `demo`: the synthetic data set is shown, and the page says so at the top.
    """
    other = "fr" if lang == "en" else "en"
    switch = path + ("?lang=en" if other == "en" else "")
    map_link = "/?lang=en" if lang == "en" else "/"
    as_of = data_as_of()
    source = text(COMMON, "source_line", lang, site=text(_SITE, "site", lang), path=path,
                  as_of=text(COMMON, "as_of", lang, date=as_of) if as_of else "")
    return html.Div([
        html.A(text(COMMON, "skip", lang), href="#main", className="skip-link no-print"),
        html.Div(t("demo_banner", lang), className="demo-banner", role="alert") if demo else None,
        html.Header([
            html.P(html.A(text(_SITE, "site", lang), href=map_link), className="site-name"),
            html.Nav([
                html.A(text(COMMON, "map", lang), href=map_link, className="map-link"),
                html.A(text(COMMON, "methodology", lang), href=METHODOLOGY_PATH + ("?lang=en" if lang == "en" else "")),
                html.A(text(COMMON, "language_switch", lang), href=switch, lang=other, className="lang-switch"),
            ], **{"aria-label": text(COMMON, "nav", lang)}),
        ], className="page-header doc-header no-print"),
        html.Main([
            *children,
            # Inside <main>, not a <footer>: the page template already has the document's one footer
            # landmark, and every piece of content belongs to a landmark.
            html.Div([html.P(source), html.P(" · ".join(layers.attribution_lines(lang=lang)))], className="print-source"),
        ], id="main", className=f"doc-page {css}".strip()),
    ], className="page doc", lang=lang)



def table(headers: list[str], rows: list[list], numeric: set[int] = frozenset(), caption: str | None = None,
          css: str = "", lang: str = "fr") -> html.Div:
    """A plain HTML table; `numeric` columns are right-aligned. On a phone each row becomes a card of
    « header : value » lines (assets/style.css reads each cell's `data-label`, its column's header)."""
    head = html.Thead(html.Tr([html.Th(h, scope="col", className="num" if i in numeric else None)
                               for i, h in enumerate(headers)]))
    body = html.Tbody([html.Tr([html.Td(cell, className="num" if i in numeric else None, **{"data-label": headers[i]})
                                for i, cell in enumerate(row)])
                       for row in rows])
    shown = html.Table([html.Caption(caption) if caption else None, head, body], className=f"doc-table {css}".strip())
    if len(rows) > FOLD_AFTER_ROWS:
        # Open as written; on a phone assets/table_fold.js folds it once, so a long page of cards stays
        # a page of headings the visitor opens one by one (and printing opens them all again).
        shown = html.Details([html.Summary(plural("table_fold", len(rows), lang)), shown], open=True,
                             className="table-fold")
    return html.Div(shown, className="table-wrap")
