"""Project dots on the map's screen (issue #23): each drawn dot lies inside its own territory's outline,
as the map projects it (`map.project` in the page), no two dots overlap, and none is lost (the projects
of a dot that groups a territory's keep their entries, 0 px wide, under it). On a phone (touch, CPU slowed 4×) and at a desk,
on the first view, after « Grand Montréal » and with Estrie chosen (regions and MRC)."""
from __future__ import annotations

import json
from functools import cache

import pytest
import shapely
from shapely.geometry import Point, Polygon, shape

from tests.browser.conftest import wait_for_map

GRAPH = "document.querySelector('#map .js-plotly-plot')"
# The points of the last update, placed, and the map still (an update or a zoom redoes the placing).
PLACED_JS = ("() => { const gd = " + GRAPH + "; const m = gd._fullLayout.map._subplot.map;"
             " return gd._carteSpreadLon === gd.data[2].lon && !gd._carteSpreadWaiting && !m.isMoving(); }")
DOTS_JS = "() => { const gd = " + GRAPH + """; const map = gd._fullLayout.map._subplot.map; const t = gd.data[2];
  return {layer: gd.data[1].geojson, ids: t.customdata, sizes: t.marker.size, hover: t.hovertext,
          sent: (gd._carteBase && gd._carteBase.customdata) || t.customdata,
          pixels: t.lon.map((lon, i) => { const p = map.project([lon, t.lat[i]]); return [p.x, p.y]; })}; }"""
PROJECT_JS = "(rings) => { const map = " + GRAPH + """._fullLayout.map._subplot.map;
  return rings.map(ring => ring.map(([lon, lat]) => { const p = map.project([lon, lat]); return [p.x, p.y]; })); }"""

VIEWS = {"first-view": ("/", False), "greater-montreal": ("/", True), "estrie": ("/?region=05", False),
         "estrie-mrc": ("/?level=mrc&region=05", False)}
SIZES = {"phone": (375, 812, True), "desktop": (1440, 900, False)}


@cache
def _outlines(level: str) -> dict:
    from geo import layers
    with open(layers.layer_path(level), encoding="utf-8") as f:
        return {feature["id"]: shape(feature["geometry"]) for feature in json.load(f)["features"]}


@cache
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
        ids, pixels, sizes, hovers = dots["ids"], dots["pixels"], dots["sizes"], dots["hover"]
        # Nothing lost: one entry per project sent by the server, whether drawn alone or in a group.
        assert sorted(ids) == sorted(dots["sent"])
        drawn = [k for k, size in enumerate(sizes) if size > 0]
        assert len(drawn) > 3
        # A project drawn in a group sits, 0 px wide, under the group's dot, which says how many
        # projects it holds and that its place is approximate; all of them are of its territory.
        for k in set(range(len(ids))) - set(drawn):
            group = next((g for g in drawn if pixels[g] == pixels[k] and hovers[g] == hovers[k]), None)
            assert group is not None, f"{ids[k]} is neither drawn nor in a drawn group"
            count = sum(1 for j in range(len(ids)) if pixels[j] == pixels[group] and hovers[j] == hovers[group])
            assert hovers[group].startswith(f"<b>{count} projets") and "Position approximative" in hovers[group]
            assert home[ids[k]] == home[ids[group]], "a group mixes territories"
        screens: dict[str, shapely.Geometry] = {}
        outside = []
        for k in drawn:
            territory = home[ids[k]]
            if territory not in screens:
                screens[territory] = _screen_polygon(page, outlines[territory])
            if not screens[territory].contains(Point(pixels[k])):
                outside.append((ids[k], territory, round(pixels[k][0]), round(pixels[k][1])))
        assert outside == [], f"{len(outside)} dots drawn outside their territory, e.g. {outside[:5]}"
        overlaps = []
        for n, i in enumerate(drawn):
            for j in drawn[n + 1:]:
                apart = ((pixels[i][0] - pixels[j][0]) ** 2 + (pixels[i][1] - pixels[j][1]) ** 2) ** 0.5
                if apart < (sizes[i] + sizes[j]) / 2 - 0.05:
                    overlaps.append((ids[i], ids[j], round(apart, 1)))
        assert overlaps == [], f"{len(overlaps)} pairs of dots overlap, e.g. {overlaps[:5]}"
        page.locator("#map").screenshot(path=f"test-artifacts/dots-{size}-{view}.png")
        assert errors == []
    finally:
        context.close()
