"""Addresses that the pages and the server's own routes (web/) agree on."""
from __future__ import annotations


def layer_url(level: str) -> str:
    """The static, cacheable GeoJSON of one level's simplified layer (served by web/layer_files.py)."""
    return f"/layers/{level}.geojson"
