"""Build the app's map layers from the official files: `python -m geo.build [--sources DIR] [--force]`.

What it writes (into the git-ignored build folder, `config.geo_build_dir()`):
- `mrc.csv`, `region.csv`, `alliance.csv`: one row per territory with names, codes, 2021 population,
  land area and a representative point (where a project known only at that level is drawn);
- `alliance_mrc.csv`: which MRC make up each Alliance, per cycle;
- `mrc.geojson`, `region.geojson`, `alliance.geojson`: simplified browser layers (≤ 300 KB each),
  feature `id` = territory id;
- `municipality.csv`: each of the 1 130 municipalities with its MRC/TE (`geo.municipalities`), for
  placing a project known by its town;
- `mrc_land.fgb`: full-resolution, shoreline-clipped MRC polygons for point lookups (never sent to browsers);
- `attribution.json`, `manifest.json` (hash of the inputs: an unchanged input means no rebuild).
"""
from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from pathlib import Path

import geopandas as gpd
import numpy as np
import pandas as pd
import shapely

import config
from geo.municipalities import MunicipalitySourceError, municipality_table, read_source
from geo.names import slugify
from geo.sources import SourceError, attributions, source_path

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"
BUILD_VERSION = "1"  # bump when the build logic changes, so existing build folders are rebuilt

WGS84 = "EPSG:4326"
# Equal-area projection centred on Québec, for land areas in km².
EQUAL_AREA = "+proj=aea +lat_0=44 +lon_0=-68.5 +lat_1=46 +lat_2=60 +datum=NAD83 +units=m +no_defs"
# Browser layers must stay small enough to load fast on a phone over a weak connection.
MAX_LAYER_BYTES = 300_000
# Finest simplification tolerance (degrees) first; the first one that fits every layer wins.
TOLERANCES = (0.004, 0.005, 0.006, 0.008, 0.01, 0.012, 0.015, 0.02)
COORD_GRID = 0.001  # ~100 m: finer than any tolerance tried, coarse enough to keep files small
# Islands smaller than this are invisible at any zoom the app offers; dropping them saves bytes.
MIN_ISLAND_KM2 = 0.5

LEVELS = ("mrc", "region", "alliance")


# ---------------------------------------------------------------- reading sources

def _read_layer(path: Path, required: set[str]) -> gpd.GeoDataFrame:
    try:
        gdf = gpd.read_file(path)
    except Exception as exc:  # pyogrio raises several types for a damaged file
        raise SourceError(f"fichier source illisible : {path} ({type(exc).__name__}: {exc})") from exc
    missing = required - set(gdf.columns)
    if missing:
        raise SourceError(f"fichier source incomplet : {path} (colonnes absentes : {', '.join(sorted(missing))})")
    if gdf.crs is None or gdf.crs.to_epsg() != 4326:
        raise SourceError(f"fichier source inattendu : {path} (système de coordonnées {gdf.crs}, EPSG:4326 attendu)")
    return gdf


def _read_population(path: Path) -> pd.Series:
    try:
        table = pd.read_csv(path, dtype={"CDUID": str})
        return table.set_index("CDUID")["pop_2021"].astype(int)
    except Exception as exc:
        raise SourceError(f"fichier source illisible : {path} ({type(exc).__name__}: {exc})") from exc


def _read_municipalities(path: Path, mrc: pd.DataFrame) -> pd.DataFrame:
    try:
        return municipality_table(read_source(path), mrc)
    except (MunicipalitySourceError, ValueError, pd.errors.ParserError, UnicodeDecodeError) as exc:
        raise SourceError(f"fichier source illisible : {path} ({exc})") from exc


def _read_reference(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / name, dtype=str, keep_default_na=False)


# ---------------------------------------------------------------- geometry

def _polygonal(geom: shapely.Geometry) -> shapely.Geometry:
    """Keep only the polygon parts of a clip result (clipping can leave stray lines and points)."""
    if geom.geom_type in ("Polygon", "MultiPolygon"):
        return geom
    parts = [p for p in shapely.get_parts(geom) if p.geom_type in ("Polygon", "MultiPolygon")]
    return shapely.union_all(parts)


def clip_to_land(mrc: gpd.GeoDataFrame, land_mask: gpd.GeoDataFrame) -> gpd.GeoSeries:
    """MRC polygons include estuary and gulf water; the census-division layer is clipped to the shore."""
    land = shapely.union_all(land_mask.geometry.values)
    clipped = shapely.intersection(mrc.geometry.values, land)
    return gpd.GeoSeries([_polygonal(g) for g in clipped], index=mrc.index, crs=WGS84)


def _drop_small_islands(geoms: gpd.GeoSeries) -> gpd.GeoSeries:
    """Remove parts under MIN_ISLAND_KM2, always keeping each territory's largest part."""
    out = []
    for geom in geoms:
        parts = shapely.get_parts(geom)
        areas = gpd.GeoSeries(parts, crs=WGS84).to_crs(EQUAL_AREA).area.to_numpy() / 1e6
        keep = [p for p, a in zip(parts, areas) if a >= MIN_ISLAND_KM2 or a == areas.max()]
        out.append(shapely.union_all(keep) if len(keep) > 1 else keep[0])
    return gpd.GeoSeries(out, index=geoms.index, crs=WGS84)


def simplify_coverage(geoms: gpd.GeoSeries, tolerance: float) -> gpd.GeoSeries:
    """Simplify shared borders once for all neighbours (topology-aware), then round coordinates.

    Rounding after simplifying keeps neighbours gap-free: a vertex two MRC share rounds to the same
    point on both sides. Rounding can make a rare sliver self-intersect; those few polygons are
    repaired, which moves edges by metres, far under the 1 km² tolerance the tests hold us to.
    """
    simplified = shapely.coverage_simplify(geoms.values, tolerance)
    decimals = round(-np.log10(COORD_GRID))
    rounded = shapely.transform(simplified, lambda xy: np.round(xy, decimals))
    repaired = [g if g.is_valid else _polygonal(shapely.make_valid(g)) for g in rounded]
    return gpd.GeoSeries(repaired, index=geoms.index, crs=WGS84)


def dissolve(geoms: gpd.GeoSeries, keys: pd.Series) -> gpd.GeoSeries:
    """Union MRC polygons into larger territories, so their borders are exactly the MRC borders."""
    groups = {key: shapely.union_all(geoms[keys == key].values) for key in keys.dropna().unique()}
    return gpd.GeoSeries(groups, crs=WGS84)


def layer_json(geoms: gpd.GeoSeries) -> str:
    """A compact GeoJSON FeatureCollection whose feature ids are the territory ids."""
    features = [
        {"type": "Feature", "id": str(key), "properties": {}, "geometry": shapely.geometry.mapping(geom)}
        for key, geom in geoms.items()
    ]
    return json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":"))


# ---------------------------------------------------------------- attributes

def split_population(cd_population: pd.Series, cduid: pd.Series, weights: pd.Series) -> pd.Series:
    """Split each census division's 2021 population among its MRC by their 2016 shares.

    Largest-remainder rounding keeps every census division's total exact, so the province sums to
    the census count.
    """
    result = pd.Series(0, index=cduid.index, dtype=int)
    for cd, members in cduid.groupby(cduid).groups.items():
        total = int(cd_population[cd])
        w = weights[members].astype(float)
        exact = total * w / w.sum()
        floor = np.floor(exact).astype(int)
        remainder = total - floor.sum()
        bonus = (exact - floor).sort_values(ascending=False).index[:remainder]
        floor[bonus] += 1
        result[members] = floor
    return result


def _representative_points(geoms: gpd.GeoSeries) -> pd.DataFrame:
    pts = geoms.representative_point()
    return pd.DataFrame({"rep_lon": pts.x.round(5), "rep_lat": pts.y.round(5)}, index=geoms.index)


def alliance_membership(mrc: pd.DataFrame) -> pd.DataFrame:
    """Rows (cycle, alliance_id, mrc_id). cycle "" is the current configuration (2024–2029)."""
    alliances = _read_reference("alliances.csv")
    rows = []
    for a in alliances.itertuples():
        if a.mapped != "true":
            continue
        ids = a.mrc_ids.split(";") if a.mrc_ids else mrc.loc[mrc.region_code == a.region_code, "mrc_id"].tolist()
        rows += [("", a.alliance_id, m) for m in ids]
    current = pd.DataFrame(rows, columns=["cycle", "alliance_id", "mrc_id"])
    unknown = set(current.mrc_id) - set(mrc.mrc_id)
    if unknown:
        raise SourceError(f"geo/reference/alliances.csv : MRC inconnues {sorted(unknown)}")
    tables = [current]
    changes = _read_reference("alliance_territory_changes.csv")
    for cycle, group in changes.groupby("cycle"):
        table = current.assign(cycle=cycle)
        for c in group.itertuples():
            if c.change == "add":
                table = pd.concat([table, pd.DataFrame([[cycle, c.alliance_id, c.mrc_id]], columns=table.columns)])
            else:
                table = table[~((table.alliance_id == c.alliance_id) & (table.mrc_id == c.mrc_id))]
        tables.append(table)
    return pd.concat(tables, ignore_index=True)


# ---------------------------------------------------------------- the build

def _inputs_digest(sources: Path) -> str:
    digest = hashlib.sha256(BUILD_VERSION.encode())
    files = [source_path(sources, key) for key in ("mrc", "cd", "population", "municipalities")]
    files += sorted(REFERENCE_DIR.glob("*.csv")) + [Path(__file__)]
    for f in files:
        digest.update(f.name.encode())
        digest.update(f.read_bytes())
    return digest.hexdigest()


def build(sources: Path, out: Path, force: bool = False) -> dict:
    """Build every layer into `out`; returns the manifest. Skips the work if the inputs are unchanged."""
    sources, out = Path(sources), Path(out)
    digest = _inputs_digest(sources)
    manifest_path = out / "manifest.json"
    if not force and manifest_path.is_file():
        manifest = json.loads(manifest_path.read_text())
        if manifest.get("inputs") == digest and all((out / f).is_file() for f in manifest.get("files", [])):
            return manifest | {"skipped": True}

    started = time.perf_counter()
    mrc_src = _read_layer(source_path(sources, "mrc"), {"MRC_NAME", "MRC_NAME_CURRENT", "CDUID", "RES_CO_REG", "RES_NM_REG", "pop_2016_isq"})
    cd_src = _read_layer(source_path(sources, "cd"), {"CDUID"})
    cd_population = _read_population(source_path(sources, "population"))

    mrc = pd.DataFrame({
        "mrc_id": mrc_src.MRC_NAME_CURRENT.map(slugify),
        "name": mrc_src.MRC_NAME_CURRENT,
        "former_name": np.where(mrc_src.MRC_NAME != mrc_src.MRC_NAME_CURRENT, mrc_src.MRC_NAME, ""),
        "cduid": mrc_src.CDUID.astype(str),
        "region_code": mrc_src.RES_CO_REG.astype(str).str.zfill(2),
        "region_name": mrc_src.RES_NM_REG,
    })
    reference = _read_reference("mrc_reference.csv").set_index("mrc_id")
    unknown = set(mrc.mrc_id) - set(reference.index)
    if unknown:
        raise SourceError(f"geo/reference/mrc_reference.csv ne connaît pas : {sorted(unknown)}")
    mrc["type"] = mrc.mrc_id.map(reference["type"])
    mrc["seat"] = mrc.mrc_id.map(reference["seat"])
    missing_cd = set(mrc.cduid) - set(cd_population.index)
    if missing_cd:
        raise SourceError(f"{source_path(sources, 'population')} : division(s) de recensement absente(s) {sorted(missing_cd)}")
    mrc["population_2021"] = split_population(cd_population, mrc.cduid, mrc_src.pop_2016_isq)
    mrc["population_estimated"] = mrc.cduid.map(mrc.cduid.value_counts()) > 1
    municipalities = _read_municipalities(source_path(sources, "municipalities"), mrc.set_index("mrc_id", drop=False))

    land = clip_to_land(mrc_src, cd_src)
    land.index = mrc.mrc_id
    mrc = mrc.set_index("mrc_id", drop=False)
    mrc["land_area_km2"] = (land.to_crs(EQUAL_AREA).area / 1e6).round(1)
    mrc = mrc.join(_representative_points(land))

    membership = alliance_membership(mrc)
    current = membership[membership.cycle == ""].set_index("mrc_id").alliance_id
    mrc["alliance_id"] = mrc.mrc_id.map(current).fillna("")

    regions = (mrc.groupby("region_code")
               .agg(region_name=("region_name", "first"), population_2021=("population_2021", "sum"),
                    land_area_km2=("land_area_km2", "sum"), mrc_count=("mrc_id", "size"),
                    population_estimated=("population_estimated", "any"))
               .round({"land_area_km2": 1})
               .reset_index())
    regions.insert(0, "region_id", regions.region_code)

    alliances = _read_reference("alliances.csv")
    per_alliance = mrc[mrc.alliance_id != ""].groupby("alliance_id").agg(
        population_2021=("population_2021", "sum"), land_area_km2=("land_area_km2", "sum"),
        mrc_count=("mrc_id", "size"), population_estimated=("population_estimated", "any")).round({"land_area_km2": 1})
    alliances = alliances.join(per_alliance, on="alliance_id")

    # Representative points of regions and alliances come from the full-resolution land polygons.
    region_land = dissolve(land, mrc.region_code)
    alliance_land = dissolve(land[mrc.alliance_id != ""], mrc.alliance_id[mrc.alliance_id != ""])
    regions = regions.join(_representative_points(region_land), on="region_code")
    alliances = alliances.join(_representative_points(alliance_land), on="alliance_id")

    display = _drop_small_islands(land)
    layers, tolerance = {}, None
    for tolerance in TOLERANCES:
        simple = simplify_coverage(display, tolerance)
        layers = {
            "mrc": layer_json(simple),
            "region": layer_json(dissolve(simple, mrc.region_code)),
            "alliance": layer_json(dissolve(simple[mrc.alliance_id != ""], mrc.alliance_id[mrc.alliance_id != ""])),
        }
        if max(len(s.encode()) for s in layers.values()) <= MAX_LAYER_BYTES:
            break
    else:
        raise SourceError(f"impossible de réduire les couches sous {MAX_LAYER_BYTES} octets")

    out.mkdir(parents=True, exist_ok=True)
    mrc.reset_index(drop=True).to_csv(out / "mrc.csv", index=False)
    regions.to_csv(out / "region.csv", index=False)
    alliances.to_csv(out / "alliance.csv", index=False)
    membership.to_csv(out / "alliance_mrc.csv", index=False)
    municipalities.to_csv(out / "municipality.csv", index=False)
    for level, text in layers.items():
        (out / f"{level}.geojson").write_text(text)
    gpd.GeoDataFrame({"mrc_id": mrc.mrc_id.values}, geometry=land.values, crs=WGS84).to_file(out / "mrc_land.fgb", driver="FlatGeobuf")
    (out / "attribution.json").write_text(json.dumps(attributions(), ensure_ascii=False, indent=1))
    files = ["mrc.csv", "region.csv", "alliance.csv", "alliance_mrc.csv", "municipality.csv", "mrc_land.fgb", "attribution.json"] + [f"{lv}.geojson" for lv in layers]
    manifest = {
        "inputs": digest,
        "files": files,
        "tolerance_degrees": tolerance,
        "layer_bytes": {lv: len(s.encode()) for lv, s in layers.items()},
        "seconds": round(time.perf_counter() - started, 2),
    }
    manifest_path.write_text(json.dumps(manifest, indent=1))
    return manifest


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m geo.build", description=__doc__.splitlines()[0])
    parser.add_argument("--sources", default=config.geo_sources_dir(), type=Path,
                        help="folder of the official files (default: CARTE_GEO_SOURCES or ../shared/geo)")
    parser.add_argument("--out", default=config.geo_build_dir(), type=Path, help="output folder")
    parser.add_argument("--force", action="store_true", help="rebuild even if the inputs are unchanged")
    args = parser.parse_args(argv)
    try:
        manifest = build(args.sources, args.out, force=args.force)
    except SourceError as exc:
        print(f"geo.build : {exc}", file=sys.stderr)
        return 2
    if manifest.get("skipped"):
        print(f"geo.build : couches à jour dans {args.out} (sources inchangées)")
    else:
        sizes = ", ".join(f"{k} {v / 1000:.0f} Ko" for k, v in manifest["layer_bytes"].items())
        print(f"geo.build : couches écrites dans {args.out} en {manifest['seconds']} s ({sizes}; tolérance {manifest['tolerance_degrees']}°)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
