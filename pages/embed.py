"""The embeddable map: `/embed?…` with the permalink's query, for a news article's <iframe>.

It shows the view's map with its title, legend, one-sentence summary and source line, and a link
« Explorer sur la Carte des Alliances » to the full view (same query); no filter panel. It has no
callback of its own and no form: nothing in it can change anything on the server. It is the only
page any site may frame (`frame-ancestors *`, set in web/security.py for `EMBED_PATH` alone).

The map is fitted to the view's territories (the chosen regions, MRC or Alliances; Québec
otherwise) by assets/fit_map.js from the bounds given in `data-bounds`, whatever the frame's size.
"""
from __future__ import annotations

import json
from functools import lru_cache

import dash
import pandas as pd
from dash import dcc, html

from components.dataset import Dataset, forget_on_new_data
from components.dataset import current as dataset
from components.document import site_title
from components.i18n import t, text
from components.ids import EMBED_MAP
from components.map.bounds import view_bounds
from components.map.figures import THEME_COLOURS, UNSTATED_THEME_COLOUR, map_figure
from components.map.summary import compute, map_caption, view_summary
from components.permalink import view_from_query, view_to_query
from components.state import View
from components.urls import EMBED_PATH
from data.schema import REFERENCE_DIR
from geo import layers
from texts.catalogs import Messages

MAP = EMBED_MAP
WORDS = Messages("embed")


def full_view_href(view: View) -> str:
    query = view_to_query(view)
    return "/?" + query if query else "/"


def points_legend(points: dict, lang: str) -> html.Div | None:
    """The priorities of the points on this map only: a frame has no room for all of them."""
    colours = points.get("marker", {}).get("color")
    shown = set(colours) if isinstance(colours, list) else set()
    if not shown:
        return None
    themes = pd.read_csv(REFERENCE_DIR / "themes.csv", dtype=str).set_index("theme_id")
    labels = themes["label_en" if lang == "en" else "label_fr"]
    entries = [(colour, labels.get(theme, theme)) for theme, colour in THEME_COLOURS.items() if colour in shown]
    if UNSTATED_THEME_COLOUR in shown:
        entries.append((UNSTATED_THEME_COLOUR, t("theme_none", lang)))
    items = [html.Li([html.Span(className="dot", style={"background": colour}), label]) for colour, label in entries]
    return html.Div([html.Span(t("legend_points", lang) + " ", className="embed-legend-title"),
                     html.Ul(items, className="legend-list")], className="map-legend embed-legend")


def layout(**query) -> html.Div:
    text_query = tuple(sorted((k, v) for k, v in query.items() if isinstance(k, str) and isinstance(v, str)))
    return _page(dataset(), text_query)


@forget_on_new_data
@lru_cache(maxsize=64)
def _page(data: Dataset, query: tuple[tuple[str, str], ...]) -> html.Div:
    view, _ignored = view_from_query(dict(query))
    lang = view.lang
    result = compute(view, data)
    caption = map_caption(view)
    # The territories the view is about outlined, as on the map page (figures.outline_data).
    figure = map_figure(result["no_data"], result["data"], result["points"], lang, outlines=result["outlines"])
    # A frame is small: a thinner colour bar and smaller type leave the territories the room.
    figure.update_layout(legend={"font": {"size": 11}})
    figure.data[1].colorbar.update(thickness=9, len=0.75, tickfont={"size": 10}, title_font={"size": 11})
    bounds = view_bounds(view)
    box_attributes = {"data-bounds": json.dumps(bounds)} if bounds else {}
    source = " · ".join([t("image_source", lang), *layers.attribution_lines(lang=lang)])
    return html.Div([
        html.H1(caption["title"], className="embed-title"),
        html.Div(dcc.Graph(id=MAP, className="embed-map", figure=figure,
                           # No scroll zoom: the reader's wheel scrolls the article, not the map.
                           config={"displayModeBar": False, "scrollZoom": False, "responsive": True, "locale": lang}),
                 className="embed-map-box", role="img",
                 **{"aria-label": text(WORDS, "map_label", lang, title=caption["title"]), "data-fit-map": "1"},
                 **box_attributes),
        points_legend(result["points"], lang),
        html.P(view_summary(view, result["headline"], result["agg"]), className="embed-summary"),
        html.P([html.A([text(WORDS, "explore", lang), " ",
                        html.Span(text(WORDS, "new_window", lang), className="visually-hidden")],
                       href=full_view_href(view), target="_blank", rel="noopener", className="embed-explore")],
               className="embed-links"),
        # The full attribution (licences ask for it) one click away: written out, it took five lines
        # of a 600 × 450 frame and was cut off.
        html.Details([html.Summary(text(WORDS, "sources_short", lang)), html.P(source)], className="embed-source"),
    ], className="embed-page", lang=lang)


# The tab title Dash sets; the server's <title> and preview tags describe the view (web/previews.py).
dash.register_page(__name__, path=EMBED_PATH, layout=layout, title=site_title)
