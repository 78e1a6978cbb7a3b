"""The territory table as GeoJSON (RFC 7946): the map's own simplified shapes with the table's figures.

For QGIS, Datawrapper or a newsroom's mapping tool. The geometry is the layer the map draws
(`geo.layers.layer_path`), never a second simplification, so the export and the map show the same
borders. RFC 7946 wants WGS 84 longitude/latitude (the layers already are) and exteriors
counter-clockwise, holes clockwise: the build writes them the other way round (Plotly does not
care), so every polygon is re-oriented here. Properties are `export.territory_records` under their
English keys, with null for what is unknown, so the numbers are the CSV's, cell for cell.
"""
from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd
import shapely
from shapely.geometry import mapping, shape

from geo import layers


@lru_cache(maxsize=None)
def _oriented_geometries(level: str) -> dict[str, dict]:
    """Territory id → its GeoJSON geometry, exterior rings counter-clockwise (read once per level)."""
    collection = json.loads(layers.layer_path(level).read_text(encoding="utf-8"))
    ids = [str(feature["id"]) for feature in collection["features"]]
    shapes = [shape(feature["geometry"]) for feature in collection["features"]]
    oriented = shapely.orient_polygons(shapes, exterior_cw=False)
    return {territory_id: mapping(geometry) for territory_id, geometry in zip(ids, oriented)}


def _json_ready(records: pd.DataFrame) -> list[dict]:
    # pandas' writer knows every dtype (Int64, boolean, NaN → null); the same path as the API's JSON.
    return json.loads(records.to_json(orient="records", force_ascii=False, double_precision=15))


def territory_features(records: pd.DataFrame, level: str) -> dict:
    """A FeatureCollection: one feature per row of `records` (from `export.territory_records` at
    `level`), in its order, with the row as properties. A territory the layer does not draw (an
    Alliance without a mapped area) is a feature with a null geometry, as RFC 7946 allows, so the
    feature count equals the CSV's row count."""
    geometries = _oriented_geometries(level)
    features = []
    for row in _json_ready(records):
        territory_id = str(row["territory_id"])
        features.append({"type": "Feature", "id": territory_id, "geometry": geometries.get(territory_id),
                         "properties": row})
    return {"type": "FeatureCollection", "features": features}
