"""Addresses that the pages and the server's own routes (web/) agree on."""
from __future__ import annotations


def layer_url(level: str) -> str:
    """The static, cacheable GeoJSON of one level's simplified layer (served by web/layer_files.py)."""
    return f"/layers/{level}.geojson"


# The embeddable map: the only page any site may frame (web/security.py), made by pages/embed.py.
EMBED_PATH = "/embed"

# « Ma municipalité » written on the server (web/places_page.py), where the map's place search leads for the whole list.
PLACES_PATH = "/lieu"
