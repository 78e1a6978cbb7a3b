"""Shared fixtures. The map layers are built once per test session (a no-op when already current)."""
from __future__ import annotations

import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import config  # noqa: E402
from geo import build as geo_build  # noqa: E402


@pytest.fixture(scope="session", autouse=True)
def built_layers() -> Path:
    """Make sure the build folder is current before any test reads it."""
    geo_build.build(config.geo_sources_dir(), config.geo_build_dir())
    return config.geo_build_dir()
