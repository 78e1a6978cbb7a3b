"""The map as an inline SVG, drawn on the server: the page's first paint before plotly.js loads.

Same pieces as the interactive map and the shared-link image (components/map/preview_image.py): the
level's simplified layer (the file the browser draws), the values and colour bounds of
`figures.choropleth_data` on its YlGnBu scale, the grey of « aucune donnée connue », and the project
points of `figures.points_data` (diameters in screen pixels and priority colours).

Framing: as assets/fit_map.js fits the map, by default the southern frame of `figures.MAP_FRAMES`
(the embed: the box of its territories). The viewBox is the frame in Web Mercator (degrees of
longitude across, Mercator degrees down) and `preserveAspectRatio="xMidYMax meet"` does what
fit_map.js does for any screen: the whole frame fits, centred across, its southern edge at the
bottom, the rest of Québec in the room left above (a frame without anchor is centred).

Each territory with a page is a link to it (`/region/05`), named for screen readers with its value;
the table of every territory's figure is the side panel's (the map's text equivalent).

Outline: the territories the view is about (components.map.bounds.focus: regions, MRC, Alliances,
whatever the level coloured) get the app's outline (figures.FOCUS_COLOUR, FOCUS_WIDTH screen pixels,
as traces 3–5 of figures.map_figure), drawn above the territories and under the dots.
"""
from __future__ import annotations

import html
import math
import re
from functools import lru_cache

from shapely.geometry import Polygon

from components.map.figures import FOCUS_COLOUR, FOCUS_WIDTH, MAP_FRAMES, NO_DATA_COLOUR, OUTLINE_LEVELS, SEQUENTIAL
from components.map.preview_image import layer_polygons, scale_colour

# Zoom margin and southern offset of fit_map.js's fittingView (kept in step with it).
FIT_MARGIN = 2 ** 0.05
SOUTH_OFFSET = 0.04
# Vertices closer than this (degrees) are merged: a territory a few pixels wide on a phone does
# not need the layer's full detail, and the page's HTML stays small.
SCREEN_TOLERANCE = 0.01
PAGE_LEVELS = {"region": "/region/", "mrc": "/mrc/"}  # territory pages (pages/territory.py)
POINT_OPACITY = 0.9
ROOM = 3  # frames of room drawn on each side of the frame (a 600 × 235 map of a tall region shows ~2)
# The map's colour scale as the legend's bar.
GRADIENT = "background: linear-gradient(to right, " + ", ".join(f"{c} {s * 100:g}%" for s, c in SEQUENTIAL) + ")"


def mercator_degrees(lat: float) -> float:
    lat = max(min(lat, 85.0), -85.0)
    return math.degrees(math.log(math.tan(math.pi / 4 + math.radians(lat) / 2)))


def view_box(frame: dict, margin: float = FIT_MARGIN) -> tuple[float, float, float, float]:
    """(x, y, width, height) in SVG units (x = longitude, y = −Mercator latitude, in degrees) of a
    frame ({west, south, east, north}, anchor "south" or none) with fit_map.js's zoom margin."""
    width = (frame["east"] - frame["west"]) * margin
    top, bottom = -mercator_degrees(frame["north"]), -mercator_degrees(frame["south"])
    span = bottom - top
    height = span * margin
    if frame.get("anchor") == "south":
        bottom += span * SOUTH_OFFSET  # the southern edge a little above the bottom, as on the map
        return (frame["west"] + frame["east"]) / 2 - width / 2, bottom - height, width, height
    return (frame["west"] + frame["east"]) / 2 - width / 2, (top + bottom) / 2 - height / 2, width, height


def _ring_path(ring) -> str:
    points = [f"{lon:.3f} {-mercator_degrees(lat):.3f}" for lon, lat in ring]
    return "M" + "L".join(points) + "Z"


@lru_cache(maxsize=None)
def territory_paths(level: str) -> tuple[tuple[str, str, tuple[float, float, float, float]], ...]:
    """(territory id, SVG path data, its box in SVG units) of the level's layer, simplified for the screen."""
    out = []
    for territory_id, polygons in layer_polygons(level):
        lons = [lon for rings in polygons for lon, _ in rings[0]]
        ys = [-mercator_degrees(lat) for rings in polygons for _, lat in rings[0]]
        parts = []
        for rings in polygons:
            shape = Polygon(rings[0], rings[1:]).simplify(SCREEN_TOLERANCE, preserve_topology=True)
            if shape.is_empty:
                continue
            parts.append(_ring_path(shape.exterior.coords))
            parts += [_ring_path(hole.coords) for hole in shape.interiors]
        out.append((territory_id, "".join(parts), (min(lons), min(ys), max(lons), max(ys))))
    return tuple(out)


def _hex(rgb: tuple[int, int, int]) -> str:
    return "#{:02x}{:02x}{:02x}".format(*rgb)


def svg(level: str, no_data: dict, data: dict, points: dict, *, names: dict[str, str], labels: dict[str, str],
        title: str, frame: dict | None = None, margin: float = FIT_MARGIN, links: bool = True,
        only: frozenset[str] | None = None, outlines: dict[str, tuple[str, ...]] | None = None) -> str:
    """The SVG markup. `no_data`, `data` and `points` are the map's three traces; `names` gives each
    territory's name and `labels` its value as written on the page (for the links' names); `frame`
    defaults to the southern frame; `links` makes each territory a link to its page; `only`, when
    given, keeps those territories and draws no other (a region's presentation shows its MRC alone);
    `outlines` (components.map.bounds.focus) are the territories outlined, by level."""
    frame = frame or MAP_FRAMES["south"]
    values = dict(zip(data.get("locations", []), data.get("z", [])))
    zmax = float(data.get("zmax") or 1.0)
    x, y, width, height = view_box(frame, margin)
    prefix = PAGE_LEVELS.get(level) if links else None
    shapes = []
    # What a screen can show around the frame (the room `meet` leaves, up to a very wide or tall
    # box): territories wholly beyond it are not written (an embed of one region stays small).
    reach = (x - ROOM * width, y - ROOM * height, x + (ROOM + 1) * width, y + (ROOM + 1) * height)
    for territory_id, path, (left, top, right, bottom) in territory_paths(level):
        if right < reach[0] or left > reach[2] or bottom < reach[1] or top > reach[3]:
            continue
        if only is not None and territory_id not in only:
            continue
        known = territory_id in values
        fill = _hex(scale_colour(values[territory_id], zmax)) if known else NO_DATA_COLOUR
        name = names.get(territory_id, territory_id)
        label = f"{name} : {labels[territory_id]}" if territory_id in labels else name
        value = f' data-value="{float(values[territory_id])!r}"' if known else ""
        shape = (f'<path d="{path}" fill="{fill}" data-id="{html.escape(territory_id)}"{value}>'
                 f"<title>{html.escape(label)}</title></path>")
        if prefix:
            shape = f'<a href="{prefix}{html.escape(territory_id)}" aria-label="{html.escape(label)}">{shape}</a>'
        shapes.append(shape)
    outline = outline_paths(outlines or {})
    dots = []
    marker = points.get("marker", {})
    sizes, colours = marker.get("size", []), marker.get("color", [])
    for i, (lon, lat) in enumerate(zip(points.get("lon", []), points.get("lat", []))):
        size = sizes[i] if isinstance(sizes, (list, tuple)) and i < len(sizes) else 10
        colour = colours[i] if isinstance(colours, (list, tuple)) and i < len(colours) else (colours or "#4a4a4a")
        # A zero-length line with round ends and a stroke that ignores the viewBox's scale (style.css:
        # vector-effect): a dot of `size` screen pixels, as Plotly draws it, whatever the screen.
        dots.append(f'<path d="M{lon:.4f} {-mercator_degrees(lat):.4f}h0" stroke="{html.escape(str(colour))}" '
                    f'stroke-width="{float(size):.1f}"/>')
    # The frame's southern edge at the bottom (the room left shows the north), else centred.
    align = "xMidYMax" if frame.get("anchor") == "south" else "xMidYMid"
    return (f'<svg class="fp-svg" viewBox="{x:.3f} {y:.3f} {width:.3f} {height:.3f}" '
            f'preserveAspectRatio="{align} meet" xmlns="http://www.w3.org/2000/svg" role="group" '
            f'aria-label="{html.escape(" ".join(title_lines(title)))}">'
            f'<g class="fp-territories" stroke="#fff" stroke-width="0.6">'
            f'{"".join(shapes)}</g>{outline}'
            f'<g class="fp-points" stroke-linecap="round" stroke-opacity="{POINT_OPACITY}" aria-hidden="true">'
            f'{"".join(dots)}</g></svg>')


def outline_paths(focus: dict[str, tuple[str, ...]]) -> str:
    """The outline of the chosen territories (by level) as the app draws it: no fill, a dark line of
    FOCUS_WIDTH screen pixels (style.css gives every path of the SVG a stroke that ignores the
    viewBox's scale). Ids unknown to a level's layer are not drawn."""
    paths = []
    for level in OUTLINE_LEVELS:
        chosen = set(focus.get(level, ()))
        if chosen:
            paths += [path for territory_id, path, _box in territory_paths(level) if territory_id in chosen]
    if not paths:
        return ""
    return (f'<g class="fp-outline" fill="none" stroke="{FOCUS_COLOUR}" stroke-width="{FOCUS_WIDTH:g}" '
            f'stroke-linejoin="round" pointer-events="none" aria-hidden="true">'
            + "".join(f'<path d="{path}"/>' for path in paths) + "</g>")


def title_lines(plotly_title: str) -> list[str]:
    """A Plotly title's lines: the colour bar's title breaks its long names with « <br> » (figures.py),
    which a page written as HTML must draw as a line break, not print."""
    return [line.strip() for line in re.split(r"<br\s*/?>", plotly_title) if line.strip()]


def legend(measure_title: str, top: str, no_data_label: str) -> str:
    """The legend drawn next to the SVG: the grey of « no data », the measure and its colour bar from 0 to `top`."""
    e = html.escape
    return ('<div class="fp-legend">'
            f'<p class="fp-no-data"><span class="fp-swatch"></span>{e(no_data_label)}</p>'
            f'<p class="fp-scale-title">{"<br>".join(e(line) for line in title_lines(measure_title))}</p>'
            f'<p class="fp-scale"><span class="fp-bar" style="{GRADIENT}"></span></p>'
            f'<p class="fp-scale-ends"><span>0</span><span>{e(top)}</span></p></div>')
