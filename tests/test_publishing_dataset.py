"""The public data follow the publications: curated rows + current versions, one schema, one data
version; a worker notices a new version by reading one number and reloads beside the requests."""
from __future__ import annotations

import time

import pandas as pd
import pytest

from components import dataset
from data import load
from publishing import dataset as published
from publishing import db, store
from tests.publishing_support.fixtures import LANAUDIERE_CSV, database_url, make_user, postgresql_proc  # noqa: F401

KNOWN = ("Titre du projet;Organisme porteur;MRC;Montant FQIS;Année de début\n"
         "Travailleur de rue secteur Mascouche;Travail de rue le Trajet;Les Moulins;105 000 $;2021\n"
         "Cuisine collective du Nord;Moisson Lanaudière;Matawinie;25 000 $;2024\n").encode()


@pytest.fixture
def fresh_watcher(database_url, monkeypatch):
    monkeypatch.setenv("CARTE_DATA_CHECK_SECONDS", "0")
    dataset._public_watcher.cache_clear()
    yield
    dataset._public_watcher.cache_clear()


def _publish(data: bytes) -> tuple[db.User, store.Submission]:
    coord = make_user("coord@lanaudiere.example", "coordinator", "lanaudiere")
    op = make_user("op@example.org", "operator", None)
    with db.session() as s:
        draft = store.upload(s, store.Actor(coord), "lanaudiere", data, "projets.csv", load.load_projects())
        store.submit(s, store.Actor(coord), draft.id, "")
        version = store.approve(s, store.Actor(op), draft.id)
    return op, version


def _wait_for(predicate, seconds: float = 5.0):
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if predicate():
            return True
        time.sleep(0.05)
    return False


def test_a_worker_serves_an_approved_publication_without_restart(fresh_watcher):
    before = dataset.current()
    assert before.key == "public@0" and "published_by" in before.projects.columns
    _publish(LANAUDIERE_CSV)
    assert _wait_for(lambda: dataset.current().key == "public@1")
    projects = dataset.current().projects
    mine = projects[projects.published_by.notna()]
    assert len(mine) == 5 and set(mine.region_code) == {"14"}
    assert set(mine.publication_version.astype(int)) == {1}
    assert len(projects) == len(before.projects) + 5


def test_withdrawal_restores_the_curated_data(fresh_watcher):
    op, version = _publish(LANAUDIERE_CSV)
    assert _wait_for(lambda: dataset.current().key == "public@1")
    with db.session() as s:
        store.withdraw(s, store.Actor(op), version.id)
    assert _wait_for(lambda: dataset.current().key == "public@2")
    assert dataset.current().projects.published_by.notna().sum() == 0


def test_a_published_project_known_from_the_press_is_one_row_with_both_sources(fresh_watcher):
    curated = load.load_projects()
    _publish(KNOWN)
    projects, version = published.public_projects(curated)
    assert version == 1 and len(projects) == len(curated) + 1
    row = projects[projects.project_id == "lan-2021-travailleur-de-rue-mascouche"].iloc[0]
    assert row.source_url.startswith("https://www.larevue.qc.ca/")  # the press source stays
    assert row.published_by == "Table des préfets de Lanaudière" and row.publication_version == 1
    text = published.provenance(row.published_by, row.published_on, row.publication_version, "fr")
    assert text.startswith("Publié par Table des préfets de Lanaudière, ") and text.endswith("(version 1)")


def test_the_check_reads_the_version_at_most_once_per_period(database_url):
    reads = []
    watcher = published.Watcher(lambda: ("data", 0), lambda: reads.append(1) or 0, every=1.0)
    for _ in range(200):
        watcher.current()
    assert len(reads) == 0  # the first value was just built: nothing to check within the second
    time.sleep(1.05)
    for _ in range(200):
        watcher.current()
    assert len(reads) == 1


def test_requests_keep_the_old_data_while_the_new_are_built(database_url):
    versions = iter([0, 1])
    started = []

    def build():
        version = next(versions)
        if version:
            started.append(time.monotonic())
            time.sleep(0.5)
        return f"data {version}", version

    watcher = published.Watcher(build, lambda: 1, every=0)
    assert watcher.current() == "data 0"
    begin = time.monotonic()
    assert watcher.current() == "data 0"  # does not wait for the rebuild
    assert time.monotonic() - begin < 0.3
    assert _wait_for(lambda: watcher.current() == "data 1")


def test_a_publication_that_breaks_the_schema_is_refused_at_the_load_boundary():
    bad = pd.DataFrame([{"title": "x"}])
    with pytest.raises(Exception):
        published._published_frame([(type("V", (), {"created_at": db.now(), "mandataire": "m", "number": 1})(),
                                     bad.to_dict("records"))])


def test_the_api_carries_the_provenance_and_an_etag_of_the_data_version(fresh_watcher):
    import flask

    from web import api

    server = flask.Flask("api-test")
    api.register(server)
    client = server.test_client()
    first = client.get("/api/projects?region=14&per_page=500")
    assert first.headers["ETag"] == '"public-0"'
    assert client.get("/api/projects?region=14&per_page=500", headers={"If-None-Match": '"public-0"'}).status_code == 304
    _publish(LANAUDIERE_CSV)
    assert _wait_for(lambda: dataset.current().key == "public@1")
    answer = client.get("/api/projects?region=14&per_page=500&lang=en")
    assert answer.status_code == 200 and answer.headers["ETag"] == '"public-1"'
    mine = [r for r in answer.get_json()["results"] if r["published_by"]]
    assert len(mine) == 5
    assert all(r["publication"].startswith("Published by Table des préfets de Lanaudière, ")
               and r["publication"].endswith("(version 1)") and r["publication_version"] == 1 for r in mine)
    assert all(r["source_url"] == "import:publication/lanaudiere/1" for r in mine)
