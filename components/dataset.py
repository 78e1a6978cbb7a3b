"""The data the app shows: the curated, validated tables, or the synthetic demo set behind a switch."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

import config
from components.figures import grid_cells, project_positions
from data import load, metrics
from geo import layers


@dataclass(frozen=True, eq=False)  # compared and hashed by identity: caches key on the dataset itself
class Dataset:
    projects: pd.DataFrame  # validated + metrics.prepare_projects columns, indexed by project_id
    envelopes: pd.DataFrame
    demo: bool


def demo_enabled() -> bool:
    return config.get("demo").strip().lower() in ("1", "true", "oui", "yes")


def demo_size() -> int:
    """CARTE_DEMO_SIZE, bounded: a typo must not ask for a billion rows."""
    try:
        return min(max(int(config.get("demo_size")), 1), 2_000_000)
    except ValueError:
        return 3_000


@lru_cache(maxsize=1)
def current() -> Dataset:
    """Loaded once per process. Invalid files raise here, so the server refuses to start on bad data."""
    envelopes = load.load_envelopes()
    if demo_enabled():
        from data.synthetic import generate_projects  # only ever imported behind the demo switch
        projects = generate_projects(demo_size(), seed=2018)
    else:
        projects = load.load_projects()
    return Dataset(prepare_for_map(projects), envelopes, demo_enabled())


def prepare_for_map(projects: pd.DataFrame) -> pd.DataFrame:
    """Validated projects → the columns every view needs, computed once: the metrics' derived
    columns, where each project is drawn (map_lon, map_lat, map_precision) and the cluster cell
    its point joins when there are too many to draw (map_cell)."""
    prepared = metrics.prepare_projects(projects).set_index("project_id", drop=False)
    positions = project_positions(prepared, layers.territories("mrc"), layers.territories("region"))
    return prepared.assign(map_lon=positions.lon, map_lat=positions.lat, map_precision=positions.precision,
                           map_cell=grid_cells(positions.lon, positions.lat))
