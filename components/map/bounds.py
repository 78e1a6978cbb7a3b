"""The frame of a view: the box the map is fitted to, and the territories it outlines.

One definition for every renderer: the app's map and the embed (assets/fit_map.js fits the box to
the screen), the server-drawn first paint and SVG (components/map/static_map.py), the link previews'
picture (components/map/preview_image.py). A view about chosen territories (regions, MRC or Alliances
picked in a list, clicked on the map, found by the search, or read from a permalink) is framed on
them with room for their neighbours; a view about all of Québec has no box (None): each renderer
uses its default frame (the southern frame of figures.MAP_FRAMES, or all of Québec).
"""
from __future__ import annotations

import json
from functools import lru_cache

from shapely.geometry import shape

from components.state import View
from geo import layers

MIN_SPAN = (2.4, 1.2)  # degrees of longitude and latitude shown at least around the view's territories
# Room added on each side, as a share of the territories' own box: enough for the neighbours to be
# recognised (Lanaudière with Montréal, the Laurentides and the Mauricie around it), not so much that
# the chosen territory becomes small.
NEIGHBOUR_ROOM = 0.3
OUTLINED_LEVELS = ("region", "mrc", "alliance")


def _level_bounds(level: str) -> dict[str, tuple[float, float, float, float]]:
    collection = json.loads(layers.layer_path(level).read_text(encoding="utf-8"))
    return {str(f["id"]): shape(f["geometry"]).bounds for f in collection["features"]}


@lru_cache(maxsize=None)
def territory_bounds() -> dict[str, dict[str, tuple[float, float, float, float]]]:
    """(west, south, east, north) of every territory, by level, from the layers the browser draws."""
    return {level: _level_bounds(level) for level in layers.LEVELS}


def focus(view: View) -> dict[str, tuple[str, ...]]:
    """The territories the view is about, by level (region, mrc, alliance), as the map outlines them:
    the filters' regions, MRC and Alliances, and the territory clicked on the map. An MRC chosen
    while the map is coloured by region is outlined among the regions all the same."""
    filters = view.effective_filters()
    boxes = territory_bounds()
    chosen = {"region": filters.regions, "mrc": filters.mrcs, "alliance": filters.alliances}
    return {level: tuple(i for i in chosen[level] if i in boxes[level]) for level in OUTLINED_LEVELS}


def view_bounds(view: View) -> list[float] | None:
    """[west, south, east, north] of the view's frame: its territories with room for their neighbours
    (None: all of Québec, each renderer's default frame)."""
    boxes = territory_bounds()
    chosen = [boxes[level][i] for level, territory_ids in focus(view).items() for i in territory_ids]
    if not chosen:
        return None
    wests, souths, easts, norths = zip(*chosen)
    west, south, east, north = min(wests), min(souths), max(easts), max(norths)
    room_x, room_y = (east - west) * NEIGHBOUR_ROOM, (north - south) * NEIGHBOUR_ROOM
    # A small MRC alone would fill the frame with no landmark around it: at least MIN_SPAN degrees.
    grow_x = max(MIN_SPAN[0] - (east - west) - 2 * room_x, 0) / 2 + room_x
    grow_y = max(MIN_SPAN[1] - (north - south) - 2 * room_y, 0) / 2 + room_y
    return [round(west - grow_x, 4), round(max(south - grow_y, -85.0), 4), round(east + grow_x, 4),
            round(min(north + grow_y, 85.0), 4)]


def view_frame(view: View) -> dict[str, float] | None:
    """The same frame as figures.MAP_FRAMES writes one ({west, south, east, north}), for fit_map.js."""
    bounds = view_bounds(view)
    return dict(zip(("west", "south", "east", "north"), bounds)) if bounds else None
