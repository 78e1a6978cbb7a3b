"""Project dots on the map's screen (issue #23): each drawn dot lies inside its own territory's outline,
as the map projects it (`map.project` in the page), no two dots overlap, and none is lost (a dot that
groups a territory's projects carries all their ids). On a phone (touch, CPU slowed 4×) and at a desk,
on the first view, after « Grand Montréal » and with Estrie chosen (regions and MRC)."""
from __future__ import annotations

import json
from functools import lru_cache

import pytest
import shapely
from shapely.geometry import Point, Polygon, shape

from tests.browser.conftest import wait_for_map

GRAPH = "document.querySelector('#map .js-plotly-plot')"
# The points of the last update, placed, and the map still (an update or a zoom redoes the placing).
PLACED_JS = ("() => { const gd = " + GRAPH + "; const m = gd._fullLayout.map._subplot.map;"
             " return gd._carteSpreadLon === gd.data[2].lon && !gd._carteSpreadWaiting && !m.isMoving(); }")
DOTS_JS = """() => { const gd = %s; const map = gd._fullLayout.map._subplot.map; const t = gd.data[2];
  return {layer: gd.data[1].geojson, ids: t.customdata, sizes: t.marker.size, hover: t.hovertext,
          sent: (gd._carteBase && gd._carteBase.customdata) || t.customdata,
          pixels: t.lon.map((lon, i) => { const p = map.project([lon, t.lat[i]]); return [p.x, p.y]; })}; }""" % GRAPH
PROJECT_JS = """(rings) => { const map = %s._fullLayout.map._subplot.map;
  return rings.map(ring => ring.map(([lon, lat]) => { const p = map.project([lon, lat]); return [p.x, p.y]; })); }""" % GRAPH

VIEWS = {"first-view": ("/", False), "greater-montreal": ("/", True), "estrie": ("/?region=05", False),
         "estrie-mrc": ("/?level=mrc&region=05", False)}
SIZES = {"phone": (375, 812, True), "desktop": (1440, 900, False)}


@lru_cache(maxsize=None)
def _outlines(level: str) -> dict:
    from geo import layers
    with open(layers.layer_path(level), encoding="utf-8") as f:
        return {feature["id"]: shape(feature["geometry"]) for feature in json.load(f)["features"]}


@lru_cache(maxsize=None)
def _home(level: str) -> dict[str, str]:
    """The territory of `level` each project belongs to, from the data (its region, its MRC), or, for a
    project counted at region level, the MRC that holds the place it is drawn at."""
    from components import dataset
    projects = dataset.current().projects
    if level == "region":
        return dict(zip(projects.index.astype(str), projects.region_code.astype(str)))
    outlines = _outlines(level)
    home = {}
    for pid, mrc, lon, lat in zip(projects.index.astype(str), projects.counted_mrc, projects.map_lon, projects.map_lat):
        home[pid] = mrc if isinstance(mrc, str) else next(k for k, g in outlines.items() if g.contains(Point(lon, lat)))
    return home


def _screen_polygon(page, geometry) -> shapely.Geometry:
    """`geometry` (lon/lat) as the map draws it on the screen now, projected by the map itself."""
    parts = list(geometry.geoms) if geometry.geom_type == "MultiPolygon" else [geometry]
    polygons = []
    for part in parts:
        rings = [list(part.exterior.coords)] + [list(r.coords) for r in part.interiors]
        screen = page.evaluate(PROJECT_JS, rings)
        polygons.append(Polygon(screen[0], screen[1:]))
    return shapely.union_all(polygons)


def _open(browser, server_url, size: str, view: str):
    width, height, touch = SIZES[size]
    context = browser.new_context(viewport={"width": width, "height": height}, locale="fr-CA", has_touch=touch,
                                  is_mobile=touch)
    page = context.new_page()
    errors: list[str] = []
    page.on("pageerror", lambda e: errors.append(str(e)))
    if touch:
        context.new_cdp_session(page).send("Emulation.setCPUThrottlingRate", {"rate": 4})
    path, greater_montreal = VIEWS[view]
    page.goto(server_url + path)
    wait_for_map(page, 90_000)
    if greater_montreal:
        page.get_by_role("button", name="Grand Montréal").click()
        page.wait_for_function("() => " + GRAPH + ".dataset.frame === 'montreal'")
    page.wait_for_load_state("networkidle")
    page.wait_for_function(PLACED_JS, timeout=60_000)
    return context, page, errors


@pytest.mark.parametrize("view", list(VIEWS))
@pytest.mark.parametrize("size", list(SIZES))
def test_each_dot_is_drawn_inside_its_own_territory_and_none_overlaps_another(browser, server_url, size, view):
    context, page, errors = _open(browser, server_url, size, view)
    try:
        dots = page.evaluate(DOTS_JS)
        level = dots["layer"].rsplit("/", 1)[-1].removesuffix(".geojson")
        outlines, home = _outlines(level), _home(level)
        ids = [d if isinstance(d, list) else [d] for d in dots["ids"]]
        # Nothing lost: every project sent by the server is drawn, alone or in a group, once.
        assert sorted(i for group in ids for i in group) == sorted(dots["sent"])
        assert len(ids) > 3
        screens: dict[str, shapely.Geometry] = {}
        outside = []
        for members, (x, y) in zip(ids, dots["pixels"]):
            territories = {home[i] for i in members}
            assert len(territories) == 1, f"a group mixes territories: {territories}"
            territory = territories.pop()
            if territory not in screens:
                screens[territory] = _screen_polygon(page, outlines[territory])
            if not screens[territory].contains(Point(x, y)):
                outside.append((members[0], territory, round(x), round(y)))
        assert outside == [], f"{len(outside)} dots drawn outside their territory, e.g. {outside[:5]}"
        overlaps = []
        pixels, sizes = dots["pixels"], dots["sizes"]
        for i in range(len(pixels)):
            for j in range(i + 1, len(pixels)):
                apart = ((pixels[i][0] - pixels[j][0]) ** 2 + (pixels[i][1] - pixels[j][1]) ** 2) ** 0.5
                if apart < (sizes[i] + sizes[j]) / 2 - 0.05:
                    overlaps.append((ids[i][0], ids[j][0], round(apart, 1)))
        assert overlaps == [], f"{len(overlaps)} pairs of dots overlap, e.g. {overlaps[:5]}"
        # A grouped dot says how many projects it holds and that its place is approximate.
        for members, hover in zip(ids, dots["hover"]):
            if len(members) > 1:
                assert hover.startswith(f"<b>{len(members)} projets") and "Position approximative" in hover
        page.locator("#map").screenshot(path=f"test-artifacts/dots-{size}-{view}.png")
        assert errors == []
    finally:
        context.close()
