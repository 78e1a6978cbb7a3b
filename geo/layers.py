"""Reading what `python -m geo.build` wrote. Every reader fails with a message that says how to build."""
from __future__ import annotations

import json
from functools import lru_cache
from pathlib import Path

import pandas as pd

import config
from geo.sources import english_attribution

LEVELS = ("mrc", "region", "alliance")
ID_COLUMN = {"mrc": "mrc_id", "region": "region_id", "alliance": "alliance_id"}


class LayersNotBuilt(FileNotFoundError):
    """The build folder lacks a file; the message names it and the command that makes it."""


def _built_file(name: str, folder: Path | None = None) -> Path:
    path = Path(folder or config.geo_build_dir()) / name
    if not path.is_file():
        raise LayersNotBuilt(f"couche absente : {path} — lancez « python -m geo.build » (ou « make build »).")
    return path


def layer_path(level: str, folder: Path | None = None) -> Path:
    """The simplified browser GeoJSON of `level` (mrc, region or alliance)."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    return _built_file(f"{level}.geojson", folder)


@lru_cache(maxsize=None)
def territories(level: str, folder: Path | None = None) -> pd.DataFrame:
    """One row per territory of `level`, indexed by its id, with names, population, area and a point."""
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")
    table = pd.read_csv(_built_file(f"{level}.csv", folder),
                        dtype={"region_id": str, "region_code": str, "cduid": str, "former_name": str, "mrc_ids": str},
                        keep_default_na=False, na_values={"population_2021": [""], "rep_lon": [""], "rep_lat": [""]})
    return table.set_index(ID_COLUMN[level], drop=False)


@lru_cache(maxsize=None)
def alliance_membership(folder: Path | None = None) -> pd.DataFrame:
    """(cycle, alliance_id, mrc_id) rows; cycle "" is the current configuration."""
    return pd.read_csv(_built_file("alliance_mrc.csv", folder), dtype=str, keep_default_na=False)


@lru_cache(maxsize=None)
def municipalities(folder: Path | None = None) -> pd.DataFrame:
    """The 1 130 municipalities: mcode, name, type, mrc_id, region_code, population (MAMH Répertoire)."""
    return pd.read_csv(_built_file("municipality.csv", folder), dtype={"mcode": str, "region_code": str},
                       keep_default_na=False, na_values={"population": [""]})


def land_polygons_path(folder: Path | None = None) -> Path:
    return _built_file("mrc_land.fgb", folder)


def attribution_lines(folder: Path | None = None, lang: str = "fr") -> list[str]:
    """The credits of the built layers (French, as built), in English for `lang="en"`."""
    lines = json.loads(_built_file("attribution.json", folder).read_text())
    if lang == "en":
        return [english_attribution(line) for line in lines]
    return lines
