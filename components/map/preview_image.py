"""The image a shared link shows (og:image): a 1200 × 630 PNG of the view's map, drawn on the server.

Drawn with Pillow from the same pieces as the page's map: the level's simplified layer (the file
the browser draws), the choropleth values and colour bounds of `figures.choropleth_data`, its
YlGnBu scale (`figures.SEQUENTIAL`, interpolated by plotly's own `sample_colorscale`), the grey of
« aucune donnée connue », and the project points of `figures.points_data` (sizes and priority
colours). Why not Plotly's own export: kaleido needs a headless browser at run time, which a
server should not start for a thumbnail; the map's traces are simple polygons and circles,
which Pillow draws in a few tens of milliseconds with no other dependency.

Web Mercator, like the page's map, fitted to the view's territories. Drawn at twice the size and
reduced, so edges are smooth.
"""
from __future__ import annotations

import io
import json
import math
import textwrap
from functools import lru_cache
from pathlib import Path

from PIL import Image, ImageDraw, ImageFont
from plotly.colors import sample_colorscale, unlabel_rgb

from components.map.figures import FOCUS_COLOUR, NO_DATA_COLOUR, SEQUENTIAL
from geo import layers

WIDTH, HEIGHT = 1200, 630
SCALE = 2  # drawn at twice the size, then reduced (anti-aliasing)
MAP_BOX = (0, 0, 700, HEIGHT)  # left part: the map; right part: the words
QUEBEC = (-79.8, 45.0, -57.1, 62.6)
BACKGROUND = "#f4f6f8"
INK = "#1c1c1f"
MUTED = "#4a4a4f"
FOCUS = FOCUS_COLOUR  # outline of the territories the view is about, as on the app and the embed
FONT_DIR = Path("/usr/share/fonts/truetype/dejavu")  # Debian's fonts-dejavu-core


@lru_cache(maxsize=None)
def _font(size: int, bold: bool = False) -> ImageFont.FreeTypeFont:
    path = FONT_DIR / ("DejaVuSans-Bold.ttf" if bold else "DejaVuSans.ttf")
    if path.is_file():
        return ImageFont.truetype(str(path), size * SCALE)
    return ImageFont.load_default(size * SCALE)  # Pillow's own scalable font: accents included


@lru_cache(maxsize=None)
def layer_polygons(level: str) -> tuple[tuple[str, tuple], ...]:
    """(id, polygons) of the level's layer; a polygon is a tuple of rings of (lon, lat)."""
    collection = json.loads(layers.layer_path(level).read_text(encoding="utf-8"))
    out = []
    for feature in collection["features"]:
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        out.append((str(feature["id"]), tuple(tuple(tuple(map(tuple, ring)) for ring in p) for p in polygons)))
    return tuple(out)


def _mercator_y(lat: float) -> float:
    return math.log(math.tan(math.pi / 4 + math.radians(lat) / 2))


class _Projection:
    """lon/lat → pixels of the map box, the bounds fitted with a margin and the aspect kept."""

    def __init__(self, bounds, box, margin: float = 0.06):
        west, south, east, north = bounds
        x0, y0, x1, y1 = (v * SCALE for v in box)
        span_x = math.radians(east - west) or 1e-6
        span_y = (_mercator_y(north) - _mercator_y(south)) or 1e-6
        self.scale = min((x1 - x0) / span_x, (y1 - y0) / span_y) * (1 - 2 * margin)
        self.cx, self.cy = math.radians((west + east) / 2), (_mercator_y(north) + _mercator_y(south)) / 2
        self.mx, self.my = (x0 + x1) / 2, (y0 + y1) / 2

    def __call__(self, lon: float, lat: float) -> tuple[float, float]:
        lat = max(min(lat, 85.0), -85.0)
        return (self.mx + (math.radians(lon) - self.cx) * self.scale,
                self.my - (_mercator_y(lat) - self.cy) * self.scale)


def _rgb(colour: str) -> tuple[int, int, int]:
    if colour.startswith("#"):
        return tuple(int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return tuple(round(float(v)) for v in unlabel_rgb(colour))


def scale_colour(value: float, zmax: float) -> tuple[int, int, int]:
    """The colour Plotly gives `value` on the map: linear on [0, zmax] over figures.SEQUENTIAL."""
    share = 0.0 if not zmax else min(max(value / zmax, 0.0), 1.0)
    return _rgb(sample_colorscale(SEQUENTIAL, [share])[0])


def _wrap(draw: ImageDraw.ImageDraw, text: str, font, width_px: int, max_lines: int) -> list[str]:
    """Lines of `text` no wider than `width_px` (at drawing scale); the last one ends with « … » if cut."""
    average = max(draw.textlength("abcdefghijklmnopqrstuvwxyz", font=font) / 26, 1)
    lines = textwrap.wrap(text, max(int(width_px / average), 8))
    while lines and any(draw.textlength(line, font=font) > width_px for line in lines):
        lines = textwrap.wrap(text, max(len(max(lines, key=len)) - 2, 8))
    if len(lines) > max_lines:
        lines = lines[:max_lines]
        lines[-1] = lines[-1].rstrip(" ,;.") + " …"
    return lines


def _text_block(draw, xy, lines, font, fill, spacing: float = 1.25) -> float:
    x, y = xy
    for line in lines:
        draw.text((x, y), line, font=font, fill=fill)
        y += font.size * spacing
    return y


def render(level: str, no_data: dict, data: dict, points: dict, *, bounds=None, focus=(), title: str, summary: str,
           measure_label: str, low_label: str, high_label: str, no_data_label: str, source: str) -> bytes:
    """The PNG. `no_data`, `data` and `points` are the map's three traces (`figures.choropleth_data`,
    `figures.points_data`); `bounds` (west, south, east, north) defaults to Québec; `focus` lists
    (level, ids) of the territories the view is about, outlined so that the eye finds them."""
    image = Image.new("RGB", (WIDTH * SCALE, HEIGHT * SCALE), BACKGROUND)
    draw = ImageDraw.Draw(image)
    project = _Projection(bounds or QUEBEC, MAP_BOX)
    values = dict(zip(data.get("locations", []), data.get("z", [])))
    zmax = float(data.get("zmax") or 1.0)
    grey = _rgb(NO_DATA_COLOUR)
    map_layer = Image.new("RGB", image.size, (255, 255, 255))
    map_draw = ImageDraw.Draw(map_layer)
    for territory_id, polygons in layer_polygons(level):
        fill = scale_colour(values[territory_id], zmax) if territory_id in values else grey
        for rings in polygons:
            exterior = [project(lon, lat) for lon, lat in rings[0]]
            map_draw.polygon(exterior, fill=fill, outline=(255, 255, 255), width=SCALE)
            for hole in rings[1:]:
                map_draw.polygon([project(lon, lat) for lon, lat in hole], fill=(255, 255, 255))
    for focus_level, focus_ids in focus:
        wanted = set(focus_ids)
        for territory_id, polygons in layer_polygons(focus_level):
            if territory_id in wanted:
                for rings in polygons:
                    outline = [project(lon, lat) for lon, lat in rings[0]]
                    map_draw.line(outline + outline[:1], fill=FOCUS, width=3 * SCALE, joint="curve")
    sizes = points.get("marker", {}).get("size", [])
    colours = points.get("marker", {}).get("color", [])
    for i, (lon, lat) in enumerate(zip(points.get("lon", []), points.get("lat", []))):
        x, y = project(lon, lat)
        size = sizes[i] if isinstance(sizes, list) and i < len(sizes) else 10
        colour = colours[i] if isinstance(colours, list) and i < len(colours) else colours or "#4a4a4a"
        r = size * SCALE / 2
        map_draw.ellipse((x - r, y - r, x + r, y + r), fill=_rgb(colour), outline=(255, 255, 255), width=SCALE)
    box = tuple(v * SCALE for v in MAP_BOX)
    image.paste(map_layer.crop(box), box[:2])

    # The words, right of the map.
    left, right = (MAP_BOX[2] + 36) * SCALE, (WIDTH - 36) * SCALE
    width = right - left
    y = 40 * SCALE
    y = _text_block(draw, (left, y), _wrap(draw, title, _font(34, True), width, 3), _font(34, True), INK, 1.2)
    y += 14 * SCALE
    y = _text_block(draw, (left, y), _wrap(draw, summary, _font(24), width, 5), _font(24), INK, 1.3)
    y += 22 * SCALE
    # The colour bar: the map's scale from 0 to its top value, then the no-data swatch.
    draw.text((left, y), measure_label, font=_font(19, True), fill=MUTED)
    y += 30 * SCALE
    bar_height = 22 * SCALE
    steps = 100
    for step in range(steps):
        x0 = left + width * step / steps
        draw.rectangle((x0, y, left + width * (step + 1) / steps + 1, y + bar_height),
                       fill=scale_colour(step / (steps - 1) * zmax, zmax))
    y += bar_height + 6 * SCALE
    draw.text((left, y), low_label, font=_font(18), fill=MUTED)
    draw.text((right, y), high_label, font=_font(18), fill=MUTED, anchor="ra")
    y += 34 * SCALE
    draw.rectangle((left, y, left + 22 * SCALE, y + 22 * SCALE), fill=grey, outline=(150, 150, 150), width=SCALE)
    draw.text((left + 32 * SCALE, y), no_data_label, font=_font(18), fill=MUTED)
    # The source, at the bottom.
    source_lines = _wrap(draw, source, _font(13), width, 9)
    _text_block(draw, (left, (HEIGHT - 20) * SCALE - len(source_lines) * 13 * 1.3 * SCALE), source_lines,
                _font(13), MUTED, 1.3)

    final = image.resize((WIDTH, HEIGHT), Image.Resampling.LANCZOS)
    buffer = io.BytesIO()
    final.save(buffer, format="PNG", optimize=True)
    return buffer.getvalue()
