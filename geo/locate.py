"""Placing points (longitude, latitude) in their MRC/TE with a GeoPandas spatial join."""
from __future__ import annotations

from functools import lru_cache

import geopandas as gpd
import numpy as np
import pandas as pd

from geo import layers

# Geocoded coastal villages often land a few hundred metres offshore: within this distance the
# nearest MRC takes them; farther out the point is "not in Québec" rather than forced somewhere.
OFFSHORE_TOLERANCE_KM = 5.0
# NAD83 / Québec Lambert: metres, good for distances across the province.
METRIC_CRS = "EPSG:32198"


@lru_cache(maxsize=1)
def _land() -> gpd.GeoDataFrame:
    return gpd.read_file(layers.land_polygons_path()).to_crs(METRIC_CRS)


def locate_points(lon, lat, tolerance_km: float = OFFSHORE_TOLERANCE_KM) -> pd.DataFrame:
    """For each point: `mrc_id` (None when not in Québec), `status` and `distance_km` to that MRC.

    status is "inside" (in the MRC's land polygon), "nearest" (offshore, within `tolerance_km`) or
    "outside". Non-finite coordinates are "outside". Input order is kept.
    """
    lon = np.asarray(lon, dtype=float)
    lat = np.asarray(lat, dtype=float)
    if lon.shape != lat.shape:
        raise ValueError(f"lon and lat must have the same shape, got {lon.shape} and {lat.shape}")
    result = pd.DataFrame({"mrc_id": pd.Series([None] * lon.size, dtype=object),
                           "status": "outside", "distance_km": np.nan})
    ok = np.isfinite(lon) & np.isfinite(lat) & (np.abs(lat) <= 90) & (np.abs(lon) <= 180)
    if not ok.any():
        return result
    points = gpd.GeoDataFrame(index=np.flatnonzero(ok),
                              geometry=gpd.points_from_xy(lon[ok], lat[ok]), crs="EPSG:4326").to_crs(METRIC_CRS)
    land = _land()
    inside = gpd.sjoin(points, land, how="left", predicate="within")
    inside = inside[~inside.index.duplicated()]  # a point on a shared border: keep the first MRC
    found = inside.mrc_id.notna()
    result.loc[inside.index[found], "mrc_id"] = inside.mrc_id[found].values
    result.loc[inside.index[found], ["status", "distance_km"]] = ["inside", 0.0]
    offshore = points.loc[inside.index[~found]]
    if len(offshore):
        near = gpd.sjoin_nearest(offshore, land, how="left", max_distance=tolerance_km * 1000, distance_col="dist_m")
        near = near[~near.index.duplicated()]
        hit = near.mrc_id.notna()
        result.loc[near.index[hit], "mrc_id"] = near.mrc_id[hit].values
        result.loc[near.index[hit], "status"] = "nearest"
        result.loc[near.index[hit], "distance_km"] = (near.dist_m[hit] / 1000).round(3).values
    return result
