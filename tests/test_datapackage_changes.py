"""The data package names each table's last change (`lastModified`): the curated file's last line in
data/CHANGELOG.csv, or the newest approved publication among the projects, whichever is later."""
from __future__ import annotations

import io
import json
import zipfile

import pandas as pd
import pytest

from data import datapackage, load, metrics


@pytest.fixture(scope="module")
def curated():
    return metrics.prepare_projects(load.load_projects()), load.load_envelopes()


def _changelog_day(target: str) -> str:
    table = pd.read_csv(datapackage.CHANGELOG, dtype=str, keep_default_na=False)
    return max(d for d, t in zip(table.date, table.target_file) if target in [x.strip() for x in t.split(";")])


def _last_modified(tables) -> dict[str, str | None]:
    return {r["name"]: r.get("lastModified") for r in datapackage.descriptor(tables)["resources"]}


def test_each_curated_table_carries_its_files_last_change(curated):
    projects, envelopes = curated
    changed = _last_modified(datapackage.tables(projects, envelopes))
    assert changed["projets"] == changed["projets-pagsis-2010-2015"] == _changelog_day("data/projects.csv")
    assert changed["enveloppes"] == _changelog_day("data/envelopes.csv")
    newest = max(_changelog_day("data/projects.csv"), _changelog_day("data/envelopes.csv"))
    assert {changed[f"territoires-{level}"] for level in metrics.LEVELS} == {newest}


def test_an_approved_publication_newer_than_the_curation_is_the_projects_last_change(curated):
    projects, envelopes = curated
    projects = projects.copy()
    projects["published_on"] = None
    projects.loc[projects.index[0], "published_on"] = "2099-03-04"  # a publication approved after every curation
    changed = _last_modified(datapackage.tables(projects, envelopes))
    assert changed["projets"] == "2099-03-04" and changed["territoires-region"] == "2099-03-04"
    assert changed["enveloppes"] == _changelog_day("data/envelopes.csv")
    # The zip says the same beside its files.
    archive = zipfile.ZipFile(io.BytesIO(datapackage.zip_bytes(datapackage.tables(projects, envelopes))))
    described = json.loads(archive.read("datapackage.json"))
    assert {r["name"]: r["lastModified"] for r in described["resources"]}["projets"] == "2099-03-04"


def test_the_demo_names_no_last_change(curated):
    projects, envelopes = curated
    assert set(_last_modified(datapackage.tables(projects, envelopes, demo=True)).values()) == {None}
