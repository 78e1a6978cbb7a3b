"""The build command: missing or damaged sources, skipping unchanged inputs."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

import config
from geo import build as geo_build
from geo.build import split_population
from geo.sources import SOURCES

ROOT = Path(__file__).resolve().parents[1]


def _run_build(sources: Path, out: Path) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "geo.build", "--sources", str(sources), "--out", str(out)],
                          cwd=ROOT, capture_output=True, text=True, timeout=120)


@pytest.fixture()
def source_copy(tmp_path) -> Path:
    folder = tmp_path / "sources"
    folder.mkdir()
    for source in SOURCES.values():
        shutil.copy(config.geo_sources_dir() / source.filename, folder / source.filename)
    return folder


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_a_missing_source_gives_one_line_naming_it(source_copy, tmp_path, key):
    (source_copy / SOURCES[key].filename).unlink()
    result = _run_build(source_copy, tmp_path / "out")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and SOURCES[key].filename in lines[0] and "manquant" in lines[0]
    assert "Traceback" not in result.stderr


@pytest.mark.parametrize("key", sorted(SOURCES))
def test_a_corrupt_source_gives_one_line_naming_it(source_copy, tmp_path, key):
    (source_copy / SOURCES[key].filename).write_text("{ ceci n'est pas un fichier valide")
    result = _run_build(source_copy, tmp_path / "out")
    assert result.returncode != 0
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and SOURCES[key].filename in lines[0], result.stderr


def test_unchanged_sources_are_not_rebuilt_and_changed_ones_are(source_copy, tmp_path):
    out = tmp_path / "out"
    first = geo_build.build(source_copy, out)
    assert not first.get("skipped") and (out / "mrc.geojson").is_file()
    assert geo_build.build(source_copy, out).get("skipped")
    population = source_copy / SOURCES["population"].filename
    population.write_text(population.read_text().replace("24764", "24765"))  # Abitibi, +1 person
    assert not geo_build.build(source_copy, out).get("skipped")


def test_split_population_keeps_each_census_division_total_exact():
    import pandas as pd
    cd_pop = pd.Series({"A": 10, "B": 7})
    cduid = pd.Series(["A", "A", "A", "B"], index=list("wxyz"))
    weights = pd.Series([1.0, 1.0, 1.0, 3.0], index=list("wxyz"))
    result = split_population(cd_pop, cduid, weights)
    assert result[["w", "x", "y"]].sum() == 10 and sorted(result[["w", "x", "y"]]) == [3, 3, 4]
    assert result["z"] == 7
