"""A found place (geo.places.Place) as the pages write it: its words and where a link to it goes.

One wording everywhere the visitor searches a place (the map's search, the MRC list, /lieu, /api/places):
« Saint-Jérôme → MRC La Rivière-du-Nord (Laurentides) ». A link goes to the map's permalink of the place's
territory (components.permalink, so the parameter names are the map's own) or to its territory page.
"""
from __future__ import annotations

from components.permalink import view_to_query
from components.state import View
from data.metrics import Filters
from geo.places import Place
from texts.catalogs import gettext


def place_words(key: str, lang: str, **values) -> str:
    """A sentence of the place search (catalog « places.<key> »), with its {placeholders} filled."""
    return gettext(f"places.{key}", lang).format(**values)


def place_label(place: Place, lang: str) -> str:
    """« Saint-Jérôme → MRC La Rivière-du-Nord (Laurentides) », « MRC Les Moulins (Lanaudière) »,
    « Gatineau, territoire équivalent à une MRC (Outaouais) », « Région Estrie (05) »."""
    if place.kind == "region":
        return place_words("region", lang, name=place.region_name, code=place.region_code)
    territory = place_words("te" if place.mrc_type == "TE" else "mrc", lang, mrc=place.mrc_name,
                            region=place.region_name)
    if place.name == place.mrc_name:
        return territory
    return place_words("leads_to", lang, name=place.name, territory=territory)


def map_query(place: Place, lang: str) -> str:
    """The map's permalink query of the place's territory: `level=mrc&mrc=<id>`, or `region=<code>`."""
    if place.mrc_id is None:
        view = View(filters=Filters(regions=(place.region_code,)), lang=lang)
    else:
        view = View(level="mrc", filters=Filters(mrcs=(place.mrc_id,)), lang=lang)
    return view_to_query(view)


def map_href(place: Place, lang: str) -> str:
    """The map's address for the place's territory (« /?level=mrc&mrc=la-riviere-du-nord »)."""
    return "/?" + map_query(place, lang)


def page_href(place: Place, lang: str) -> str:
    """The territory page of the place's MRC/TE or region (« /mrc/la-riviere-du-nord »)."""
    path = f"/region/{place.region_code}" if place.mrc_id is None else f"/mrc/{place.mrc_id}"
    return path + ("?lang=en" if lang == "en" else "")
