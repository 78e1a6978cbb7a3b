"""The map page's first paint: the default view drawn on the server, the app loaded on first touch.

Why: on a mid-range phone, Dash's scripts (React, dash-renderer, plotly.js with MapLibre) take
seconds of main thread before a coloured map appears (Lighthouse mobile 56; BENCHMARKS.md). Most
visitors arrive on `/` from an article and first want to read the map. So `/` without a query
answers with the page itself already written — the same layout the app renders
(`web.static_html`), the map as an inline SVG with the same colours
(`components.map.static_map`), its legend, the figures, the summary and the table of territories — and
lists Dash's script files as data instead of loading them. assets/first_paint.js loads them at the
visitor's first gesture (pointer, key, focus, touch, wheel, mouse move, scroll), starts the
renderer, and swaps the static page for the app once the interactive map is drawn, with the same view.

A permalink with a query (another view, another language, the presentation mode) is answered as
before: the app loads at once, since the visitor asked for that view. The embeddable map
(pages/embed.py) has no control and its view is its query: it always gets its first paint (the
map fitted to its territories, without links: the box is one image for screen readers), and the
app loads when a reader's pointer or finger reaches the frame. Any other page is untouched.
The inline scripts Dash writes (clientside callbacks) stay where they are and keep their CSP hashes;
the loader is a file of assets/ (script-src 'self'); the renderer line is run by the loader.
"""
from __future__ import annotations

import html
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import parse_qsl

import flask
import pandas as pd

from components import ids
from components.dataset import Dataset
from components.dataset import current as dataset
from components.i18n import t
from components.map import static_map
from components.map.bounds import view_bounds
from components.map.figures import MAP_FRAMES, format_measure_many, measure_values
from components.map.summary import compute
from components.permalink import view_from_query, view_to_query
from components.state import View
from components.urls import EMBED_PATH
from web import static_html

LOADER = "first_paint.js"  # assets/first_paint.js, loaded at once (everything else waits)
DEFERRED_TYPE = "text/x-carte-deferred"  # a script type browsers do not run
APP_ID = "carte-app"
DEFAULT_RENDERER = "var renderer = new DashRenderer();"  # what the loader runs; other renderers opt out
# Ids the first paint keeps: in-page anchors (skip link, « À propos ») and an ARIA reference.
KEEP_IDS = ("main", "about", "program", "program-title")
EMBED_REGION_MARGIN = 2 ** 0.2  # fit_map.js: a little room around the box of the embed's territories


def wanted(request: flask.Request) -> str | None:
    """Which first paint a request gets: "map" for the default view asked for with no query, "embed"
    for the embeddable map (its view is its query, and it has no control), else None."""
    if request.method != "GET":
        return None
    if request.path == "/" and not request.args:
        return "map"
    return "embed" if request.path == EMBED_PATH else None


# ---------------------------------------------------------------- the page, written on the server

def map_markup(view: View, result: dict, *, class_name: str = "map fp-map", frame: dict | None = None,
               margin: float = static_map.FIT_MARGIN, links: bool = True) -> str:
    """The map box: the SVG and its legend, where the app's dcc.Graph will be."""
    agg = result["agg"]
    values = measure_values(agg, view.measure).dropna()
    labels = dict(zip(values.index, format_measure_many(values, view.measure, view.lang))) if len(values) else {}
    zmax = float(result["data"].get("zmax") or 0) if result["data"].get("locations") else 0.0
    top = format_measure_many(pd.Series([zmax]), view.measure, view.lang).iloc[0]
    title = result["data"].get("colorbar", {}).get("title", {}).get("text", "")
    svg = static_map.svg(view.level, result["no_data"], result["data"], result["points"],
                         names=agg.name.astype(str).to_dict(), labels=labels, title=title, frame=frame,
                         margin=margin, links=links)
    loading = html.escape(t("loading_interactive_map", view.lang))
    return (f'<div class="{class_name}" data-loading="{loading}">{svg}'
            f'{static_map.legend(title, top, result["no_data"].get("name", ""))}</div>')


@lru_cache(maxsize=2)
def page_markup(data: Dataset) -> str:
    """The default view's page as HTML (one per dataset: it changes only when the data do)."""
    from pages import dashboard  # the page module registers itself with Dash: imported once the app exists

    view = View()
    result = compute(view, data)
    layout = dashboard.layout()

    def replace(component) -> str | None:
        component_id = getattr(component, "id", None)
        if component_id == ids.MAP:
            return map_markup(view, result)
        if component_id == ids.RANKING:
            # The same room as the bar chart (its height is in its figure); the table below has the figures.
            height = component.figure["layout"]["height"] if component.figure else 0
            return f'<div class="ranking fp-ranking" style="height: {int(height or 0)}px" aria-hidden="true"></div>'
        return None

    return static_html.render(layout, replace, KEEP_IDS)


@lru_cache(maxsize=64)
def embed_markup(data: Dataset, query: str) -> str:
    """The embed's page for one cleaned query (`view_to_query`, so that a hostile query cannot fill
    the cache) as HTML: its map fitted to the view's territories as fit_map.js fits it (a little
    room around a region's box, or all of Québec)."""
    from pages import embed  # the page module registers itself with Dash: imported once the app exists

    arguments = dict(parse_qsl(query))
    view, _ignored = view_from_query(arguments)
    result = compute(view, data)
    bounds = view_bounds(view)
    if bounds:
        frame, margin = dict(zip(("west", "south", "east", "north"), bounds)), EMBED_REGION_MARGIN
    else:
        frame, margin = MAP_FRAMES["quebec"], static_map.FIT_MARGIN

    def replace(component) -> str | None:
        if getattr(component, "id", None) == ids.EMBED_MAP:
            # No links: the box is one image for screen readers (role="img" with the view's title).
            return map_markup(view, result, class_name="embed-map fp-map", frame=frame, margin=margin, links=False)
        return None

    return static_html.render(embed.layout(**arguments), replace, KEEP_IDS)


# ---------------------------------------------------------------- the scripts, listed for later

class _Scripts(HTMLParser):
    """Dash's `{%scripts%}`: the files to load later, and the inline scripts and the loader to keep."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.deferred: list[str] = []
        self.kept: list[str] = []
        self._inline: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag != "script":
            return
        src = dict(attrs).get("src")
        if src is None:
            self._inline = []
        elif LOADER in src.split("?")[0].rsplit("/", 1)[-1]:
            self.kept.append(f'<script src="{html.escape(src)}"></script>')
        else:
            self.deferred.append(src)

    def handle_data(self, data):
        if self._inline is not None:
            self._inline.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._inline is not None:
            # Written back byte for byte: its CSP hash must still match.
            self.kept.append("<script>" + "".join(self._inline) + "</script>")
            self._inline = None


def split_scripts(scripts: str) -> tuple[list[str], list[str]]:
    """(script URLs to load on first touch, in order; the script tags to keep as they are)."""
    parser = _Scripts()
    parser.feed(scripts)
    parser.close()
    return parser.deferred, parser.kept


def deferred_page(kwargs: dict, body: str) -> dict:
    """The index's parts for a first paint: the written page before an invisible app entry, the
    scripts as inert elements (the loader runs them, then the renderer line)."""
    deferred, kept = split_scripts(kwargs.get("scripts", ""))
    # Script elements of a type no browser runs: Dash checks that the page names its renderer's file
    # and line, and the loader reads them back in order.
    listing = "".join(f'<script type="{DEFERRED_TYPE}" data-src="{html.escape(src)}"></script>' for src in deferred)
    return {
        **kwargs,
        "app_entry": (f'<div id="first-paint" class="first-paint">{body}</div>'
                      f'<div id="{APP_ID}" class="app-waiting" aria-hidden="true">{kwargs.get("app_entry", "")}</div>'),
        "scripts": listing + "".join(kept),
        "renderer": f'<script id="_dash-renderer" type="{DEFERRED_TYPE}">{DEFAULT_RENDERER}</script>',
    }


def register(app) -> None:
    """Answer `/` (no query) with its first paint; every other page as Dash writes it."""
    original = app.interpolate_index

    def interpolate_index(**kwargs):
        request = flask.request
        kind = wanted(request)
        if not kind or kwargs.get("renderer", "").find(DEFAULT_RENDERER) < 0 or LOADER not in kwargs.get("scripts", ""):
            return original(**kwargs)
        try:
            if kind == "map":
                body = page_markup(dataset())
            else:
                view, _ignored = view_from_query({k: request.args.get(k, "") for k in request.args.keys()})
                body = embed_markup(dataset(), view_to_query(view))
        except Exception:  # the first paint is a bonus: the page must still load without it
            app.server.logger.exception("première image de la carte impossible")
            return original(**kwargs)
        return original(**deferred_page(kwargs, body))

    app.interpolate_index = interpolate_index
