"""The short « Territoire inconnu » page of an address that names no region or MRC, never an error:
what was asked, a way back to the map and the 17 regions' pages. Shared by the territory pages and
the one-page sheets, which differ only in the pages they point to and the frame around them."""
from __future__ import annotations

from collections.abc import Callable

from dash import html

from components.i18n import text
from components.words.page_text import SHARED
from geo import layers


def unknown_territory(kind: str, value, lang: str, *, region_path: str, choose_region: str,
                      frame: Callable[[list], html.Div], map_link_css: str | None = None,
                      list_css: str = "region-list") -> html.Div:
    """The page for `value`, typed where a `kind` ("region" or "mrc") was expected.

    `region_path`: the address of a region's page with « {code} » for its code (« /region/{code} »);
    `choose_region`: the sentence above the regions' list; `frame`: the page around the children.
    """
    shown = value[:40] if isinstance(value, str) else ""
    if not shown.strip():
        message = text(SHARED, "unknown_empty", lang)
    else:
        message = text(SHARED, "unknown_region" if kind == "region" else "unknown_mrc", lang, value=shown)
    suffix = "?lang=en" if lang == "en" else ""
    regions = layers.territories("region")
    links = [html.Li(html.A(f"{r.region_id} – {r.region_name}", href=region_path.format(code=r.region_id) + suffix))
             for r in regions.itertuples()]
    back = {"className": map_link_css} if map_link_css else {}
    return frame([
        html.H1(text(SHARED, "unknown_title", lang)),
        html.P(message),
        html.P(html.A(text(SHARED, "back_to_map", lang), href="/" + suffix, **back)),
        html.P(choose_region),
        html.Ul(links, className=list_css),
    ])
