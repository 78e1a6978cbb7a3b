"""The box around the territories a view is about, to fit a map to them (assets/fit_map.js for the
embeddable map, the server-drawn first paint and the link previews' picture alike)."""
from __future__ import annotations

import json
from functools import lru_cache

from shapely.geometry import shape

from components.state import View
from geo import layers

MIN_SPAN = (1.6, 0.9)  # degrees of longitude and latitude shown at least around the view's territories


def _level_bounds(level: str) -> dict[str, tuple[float, float, float, float]]:
    collection = json.loads(layers.layer_path(level).read_text(encoding="utf-8"))
    return {str(f["id"]): shape(f["geometry"]).bounds for f in collection["features"]}


@lru_cache(maxsize=None)
def territory_bounds() -> dict[str, dict[str, tuple[float, float, float, float]]]:
    """(west, south, east, north) of every territory, by level, from the layers the browser draws."""
    return {level: _level_bounds(level) for level in layers.LEVELS}


def view_bounds(view: View) -> list[float] | None:
    """The box around the territories the view is about (None: all of Québec, fit_map.js's default)."""
    filters = view.effective_filters()
    boxes = territory_bounds()
    chosen = [boxes["region"][c] for c in filters.regions if c in boxes["region"]]
    chosen += [boxes["mrc"][m] for m in filters.mrcs if m in boxes["mrc"]]
    chosen += [boxes["alliance"][a] for a in filters.alliances if a in boxes["alliance"]]
    if not chosen:
        return None
    wests, souths, easts, norths = zip(*chosen)
    west, south, east, north = min(wests), min(souths), max(easts), max(norths)
    # A small MRC alone would fill the frame with no landmark around it: at least MIN_SPAN degrees.
    grow_x = max(MIN_SPAN[0] - (east - west), 0) / 2
    grow_y = max(MIN_SPAN[1] - (north - south), 0) / 2
    return [round(west - grow_x, 4), round(south - grow_y, 4), round(east + grow_x, 4), round(north + grow_y, 4)]
