"""Addresses of the presentation mode and of the comparison, and the links other pages show to them
(the map's header, its callback that keeps the presentation link on the view's region). Only known
ids go into an address: anything else from a URL or a form is left out."""
from __future__ import annotations

from urllib.parse import urlencode

from dash import html

from components.i18n import clean_lang, text
from components.region_slides import clean_region
from components.state import clean_choice
from geo import layers
from texts.catalogs import Messages

PRESENTATION_PATH = "/presentation"
COMPARE_PATH = "/comparer"
COMPARE_LEVELS = ("region", "mrc")

_PRESENTATION = Messages("presentation")
_COMPARE = Messages("compare")


# ---------------------------------------------------------------- presentation mode

def presentation_href(region: str | None = None, lang: str = "fr", mrc: str | None = None) -> str:
    """The URL of the presentation of `region` (the chooser without one)."""
    pairs = [("region", region)] if region else []
    if mrc:
        pairs.append(("mrc", mrc))
    if lang == "en":
        pairs.append(("lang", "en"))
    return PRESENTATION_PATH + ("?" + urlencode(pairs) if pairs else "")


def href_for(regions=(), lang: str = "fr") -> str:
    """The presentation URL for a view filtered on `regions` (an id or a list of ids): the first
    known region, else the region chooser. For the dashboard's link and the callback that updates it."""
    if isinstance(regions, str):
        regions = [regions]
    elif not isinstance(regions, (list, tuple)):
        regions = []
    region = next((code for code in map(clean_region, regions) if code), None)
    return presentation_href(region, clean_lang(lang))


def presentation_link(regions=(), lang: str = "fr", **attributes) -> html.A:
    """The « Mode présentation » link for another page (see `href_for`)."""
    return html.A(text(_PRESENTATION, "page_title", lang), href=href_for(regions, lang), **attributes)


# ---------------------------------------------------------------- comparison

def clean_level(level) -> str:
    return clean_choice(level, COMPARE_LEVELS, "region")


def known(level: str) -> frozenset[str]:
    return frozenset(layers.territories(level).index)


def clean_id(value, level: str) -> str | None:
    """A territory id from the URL or a dropdown → the id if it is one of `level`, else None."""
    return clean_choice(value, known(level), None)


def compare_query(level, a, b, lang) -> str:
    """The comparison's query for these choices: only known ids are kept."""
    level, lang = clean_level(level), clean_lang(lang)
    pairs = [("level", level)] if level != "region" else []
    pairs += [(key, value) for key, value in (("a", clean_id(a, level)), ("b", clean_id(b, level))) if value]
    if lang == "en":
        pairs.append(("lang", "en"))
    return urlencode(pairs)


def compare_href(level: str = "region", a: str | None = None, b: str | None = None, lang: str = "fr") -> str:
    query = compare_query(level, a, b, lang)
    return COMPARE_PATH + ("?" + query if query else "")


def compare_link(lang: str = "fr", regions=(), **attributes) -> html.A:
    """The « Comparer deux territoires » link for another page (the view's first two regions, if any)."""
    regions = [regions] if isinstance(regions, str) else list(regions) if isinstance(regions, (list, tuple)) else []
    chosen = [r for r in regions if clean_id(r, "region")][:2] + [None, None]
    return html.A(text(_COMPARE, "title", lang), href=compare_href("region", chosen[0], chosen[1], clean_lang(lang)),
                  **attributes)
