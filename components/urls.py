"""Addresses that the pages and the server's own routes (web/) agree on."""
from __future__ import annotations


def layer_url(level: str) -> str:
    """The static, cacheable GeoJSON of one level's simplified layer (served by web/layer_files.py)."""
    return f"/layers/{level}.geojson"


# The embeddable map: the only page any site may frame (web/security.py), made by pages/embed.py.
EMBED_PATH = "/embed"

# « Ma municipalité » written on the server (web/places_page.py), where the map's place search leads for the whole list.
PLACES_PATH = "/lieu"

# « Ce qui a changé » (web/changes.py): every publication and withdrawal; the map's about panel and
# the methodology page link to it.
CHANGES_PATH = "/changements"


def changes_href(lang: str = "fr") -> str:
    return CHANGES_PATH + ("?lang=en" if lang == "en" else "")


# « Signaler une erreur ou un projet manquant » (web/corrections): a public form, linked from every
# project row and territory page with the page it is on and the project's id.
REPORT_PATH = "/signaler"


def report_href(page: str, lang: str = "fr", project_id: str | None = None) -> str:
    """The form's address for a report about `page` (a local path of this site) and, if any, one project."""
    from urllib.parse import urlencode

    values = {"page": page}
    if project_id:
        values["projet"] = project_id
    if lang == "en":
        values["lang"] = "en"
    return f"{REPORT_PATH}?{urlencode(values)}"
