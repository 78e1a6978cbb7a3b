"""Shared fixtures. The map layers are built once per test session (a no-op when already current)."""
from __future__ import annotations

import sys
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import config  # noqa: E402
from data.load import ENVELOPES_PATH, PROJECTS_PATH  # noqa: E402
from geo import build as geo_build  # noqa: E402

# Page modules register themselves with Dash when imported, which Dash allows only once the app
# exists; test modules import them at collection, so the app is created first (its start-up checks
# read the built layers: build them now, a no-op when current).
geo_build.build(config.geo_sources_dir(), config.geo_build_dir())
import app  # noqa: E402,F401


@pytest.fixture(scope="session", autouse=True)
def built_layers() -> Path:
    """Make sure the build folder is current before any test reads it."""
    geo_build.build(config.geo_sources_dir(), config.geo_build_dir())
    return config.geo_build_dir()


# The curated files read plainly, without the app's loader: pages are checked against these.

@pytest.fixture(scope="module")
def raw_projects() -> pd.DataFrame:
    table = pd.read_csv(PROJECTS_PATH, dtype=str, keep_default_na=False).replace("", np.nan)
    return table.assign(amount_fqis=pd.to_numeric(table.amount_fqis))


@pytest.fixture(scope="module")
def raw_envelopes() -> pd.DataFrame:
    return pd.read_csv(ENVELOPES_PATH, dtype=str, keep_default_na=False).replace("", np.nan)
