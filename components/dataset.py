"""The data the app shows: the curated, validated tables, or the synthetic demo set behind a switch."""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import pandas as pd

import config
from data import load, metrics


@dataclass(frozen=True)
class Dataset:
    projects: pd.DataFrame  # validated + metrics.prepare_projects columns, indexed by project_id
    envelopes: pd.DataFrame
    demo: bool


def demo_enabled() -> bool:
    return config.get("demo").strip().lower() in ("1", "true", "oui", "yes")


@lru_cache(maxsize=1)
def current() -> Dataset:
    """Loaded once per process. Invalid files raise here, so the server refuses to start on bad data."""
    envelopes = load.load_envelopes()
    if demo_enabled():
        from data.synthetic import generate_projects  # only ever imported behind the demo switch
        projects = generate_projects(3_000, seed=2018)
    else:
        projects = load.load_projects()
    prepared = metrics.prepare_projects(projects).set_index("project_id", drop=False)
    return Dataset(prepared, envelopes, demo_enabled())
