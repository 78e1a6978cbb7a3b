"""The built map layers: counts, geometry quality, population, size."""
from __future__ import annotations

import json

import geopandas as gpd
import pandas as pd
import pytest
import shapely

import config
from geo import layers
from geo.build import EQUAL_AREA, MAX_LAYER_BYTES

QUEBEC_POPULATION_2021 = 8_501_833  # Statistics Canada, 2021 Census
# Census divisions that hold several MRC/TE (geo README): their MRC populations are estimates.
SPLIT_CENSUS_DIVISIONS = {"2437": 2, "2494": 2, "2497": 2, "2498": 2, "2499": 3}


def _layer(level: str) -> gpd.GeoDataFrame:
    return gpd.read_file(layers.layer_path(level)).set_index("id")


def test_there_are_104_mrc_and_17_regions():
    mrc, regions = layers.territories("mrc"), layers.territories("region")
    assert len(mrc) == 104 and mrc.mrc_id.is_unique
    assert len(regions) == 17
    assert sorted(regions.region_id) == [f"{i:02d}" for i in range(1, 18)]
    assert set(mrc.region_code) == set(regions.region_id)  # every MRC in exactly one (known) region
    assert mrc.region_code.notna().all()
    assert set(mrc.type) == {"MRC", "TE"} and (mrc.type == "TE").sum() == 17


def test_browser_layers_match_the_tables_and_stay_small():
    for level in layers.LEVELS:
        path = layers.layer_path(level)
        assert path.stat().st_size <= MAX_LAYER_BYTES, f"{level} layer is {path.stat().st_size} bytes"
        ids = {f["id"] for f in json.loads(path.read_text())["features"]}
        table = layers.territories(level)
        mapped = table[table.get("mapped", "true").astype(str).str.lower() == "true"] if level == "alliance" else table
        assert ids == set(mapped.index), level


@pytest.mark.parametrize("level", layers.LEVELS)
def test_all_geometries_are_valid_polygons(level):
    gdf = _layer(level)
    assert gdf.is_valid.all()
    assert set(gdf.geom_type) <= {"Polygon", "MultiPolygon"}
    assert not gdf.is_empty.any()


def test_neighbouring_mrc_have_no_gap_or_overlap_over_1_km2():
    mrc = _layer("mrc").to_crs(EQUAL_AREA)
    geoms = mrc.geometry.values
    tree = shapely.STRtree(geoms)
    left, right = tree.query(geoms, predicate="intersects")
    pairs = [(a, b) for a, b in zip(left, right) if a < b]
    assert len(pairs) > 150  # the check really compared neighbours
    worst_overlap = max(shapely.intersection(geoms[a], geoms[b]).area for a, b in pairs) / 1e6
    assert worst_overlap < 1.0
    # The land mask has no holes, so any hole in the union of simplified MRC is a gap between them.
    union = shapely.union_all(geoms)
    holes = [shapely.Polygon(ring) for part in shapely.get_parts(union) for ring in part.interiors]
    assert max((h.area for h in holes), default=0) / 1e6 < 1.0


def test_each_region_is_the_union_of_its_mrc():
    mrc, regions = _layer("mrc").to_crs(EQUAL_AREA), _layer("region").to_crs(EQUAL_AREA)
    table = layers.territories("mrc")
    for code, region in regions.geometry.items():
        members = mrc.loc[table.index[table.region_code == code]].geometry
        diff = shapely.symmetric_difference(region, shapely.union_all(members.values)).area / 1e6
        assert diff < 0.01, f"region {code} differs from its MRC by {diff:.3f} km²"


def test_population_sums_to_the_census_and_estimates_are_flagged():
    mrc = layers.territories("mrc")
    assert mrc.population_2021.sum() == QUEBEC_POPULATION_2021
    assert (mrc.population_2021 > 0).all()
    estimated = mrc[mrc.population_estimated]
    assert estimated.cduid.value_counts().to_dict() == SPLIT_CENSUS_DIVISIONS
    assert mrc.loc["sherbrooke", "population_2021"] > 170_000 and not mrc.loc["sherbrooke", "population_estimated"]


def test_region_population_matches_the_official_region_file():
    """Independent check: our dissolved regions against the BDGA 17-region file's own 2021 population."""
    official = gpd.read_file(config.geo_sources_dir() / "regions17_bdga_1m.geojson")
    expected = official.set_index(official.RES_CO_REG.astype(str).str.zfill(2)).pop_2021
    ours = layers.territories("region").population_2021
    pd.testing.assert_series_equal(ours.sort_index(), expected.sort_index().astype(ours.dtype), check_names=False)


def test_land_areas_agree_with_statistics_canada():
    """Our clipped areas against the census land areas, for MRC that are a census division alone."""
    mrc = layers.territories("mrc")
    census = pd.read_csv(config.geo_sources_dir() / "cd_population_2021.csv", dtype={"CDUID": str})
    census_area = census.set_index("CDUID").area_km2_2021
    alone = mrc[~mrc.population_estimated]
    ratio = alone.land_area_km2 / alone.cduid.map(census_area)
    assert ratio.between(0.85, 1.15).mean() > 0.9, ratio.sort_values()
    assert mrc.loc["montreal", "land_area_km2"] == pytest.approx(census_area["2466"], rel=0.05)


def test_alliances_cover_every_mrc_once_and_first_nations_is_listed_unmapped():
    alliances = layers.territories("alliance")
    assert len(alliances) == 21
    assert alliances.loc["premieres-nations", "mapped"] in (False, "false", "False")
    assert (alliances.region_code == "10").sum() == 3
    membership = layers.alliance_membership()
    current = membership[membership.cycle == ""]
    assert current.mrc_id.value_counts().max() == 1 and set(current.mrc_id) == set(layers.territories("mrc").index)
    past = membership[membership.cycle == "PAGIEPS 2017-2023"]
    assert past[past.alliance_id == "monteregie"].mrc_id.nunique() == 15  # 14 MRC + Longueuil (2019)
    assert past.mrc_id.value_counts().max() == 1


def test_attribution_names_every_source():
    text = " ".join(layers.attribution_lines())
    assert "Gouvernement du Québec" in text and "Statistique Canada" in text
