"""« Municipalités de cette MRC »: the section of an MRC/TE page that lists its municipalities, counted.

The list is the MAMH's Répertoire des municipalités as `geo.build` placed it (geo.places.municipalities_of):
the 52 cities outside any MRC are on their territoire équivalent there. A municipality's designation
(« Ville », « Canton »…) is written beside its name, in the page's language: it tells apart the two
Stanstead of Memphrémagog, a town and a township.
"""
from __future__ import annotations

from dash import html

from components.i18n import plural
from geo.names import slugify
from geo.places import municipalities_of
from texts.catalogs import gettext

SECTION_ID = "municipalites"


def designation(kind: str, lang: str) -> str:
    """« Canton » → « Township » in English; a designation the catalogs do not know is written as the MAMH does."""
    try:
        return gettext(f"places.type_{slugify(kind)}", lang)
    except KeyError:
        return kind


def section(mrc_id: str, lang: str, territory_type: str = "MRC") -> html.Section:
    """The section of the MRC/TE page: a counted sentence, the municipalities by name, the source.
    `territory_type` is « MRC » or « TE » (a territoire équivalent is no MRC: its title says « territoire »)."""
    table = municipalities_of(mrc_id)
    items = [html.Li([m.name, html.Span(f" ({designation(m.type, lang)})", className="note")])
             for m in table.itertuples()]
    return html.Section([
        html.H2(gettext("places.section_title_te" if territory_type == "TE" else "places.section_title", lang)),
        html.P(plural("municipalities_count", len(table), lang)),
        html.Ul(items, className="municipality-list") if items else None,
        html.P(gettext("places.section_source", lang), className="note"),
    ], className="doc-section", id=SECTION_ID)
