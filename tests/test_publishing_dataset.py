"""The public data follow the publications: curated rows + current versions, one schema, one data
version; a worker notices a new version by reading one number and reloads beside the requests."""
from __future__ import annotations

import time

import pandas as pd
import pytest
from sqlalchemy import select

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


# ---------------------------------------------------------------- reloads under load, and failed ones


def test_requests_during_a_reload_get_the_old_or_the_new_data_whole(fresh_watcher, monkeypatch):
    """A request served while a worker rebuilds gets a complete dataset: the version its key names,
    with exactly that version's rows (the build is slowed so that many requests fall inside it)."""
    import threading

    before = dataset.current()
    merge = published.merge

    def slow_merge(*args):
        time.sleep(0.4)
        return merge(*args)

    monkeypatch.setattr(published, "merge", slow_merge)
    _publish(LANAUDIERE_CSV)
    seen, stop = [], threading.Event()

    def request():
        while not stop.is_set():
            data = dataset.current()
            seen.append((data.key, len(data.projects), int(data.projects.published_by.notna().sum())))
            time.sleep(0.002)  # requests, not a spin: four spinning threads would starve the rebuild of the GIL

    readers = [threading.Thread(target=request) for _ in range(4)]
    for reader in readers:
        reader.start()
    try:
        assert _wait_for(lambda: dataset.current().key == "public@1", seconds=15)
        time.sleep(0.1)
    finally:
        stop.set()
        for reader in readers:
            reader.join()
    expected = {("public@0", len(before.projects), 0), ("public@1", len(before.projects) + 5, 5)}
    assert set(seen) == expected  # both were served, nothing else
    assert sum(key == "public@0" for key, _, _ in seen) > 10  # the old one, for the whole rebuild


def test_many_requests_at_once_start_one_rebuild():
    """The requests' threads race for the check: one reads the version, one rebuild starts."""
    import threading

    builds, reads = [], []

    def build():
        builds.append(1)
        time.sleep(0.2)
        return f"data {len(builds)}", 0 if len(builds) == 1 else 1

    def read_version():
        reads.append(1)
        time.sleep(0.1)  # a database a little slow to answer: the others arrive meanwhile
        return 1

    watcher = published.Watcher(build, read_version, every=0)
    watcher.current()
    threads = [threading.Thread(target=watcher.current) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert _wait_for(lambda: watcher.current() == "data 2")
    time.sleep(0.3)
    assert len(builds) == 2  # the first value, then one rebuild
    assert len(reads) < 8 + 20


def test_a_failed_rebuild_keeps_the_old_data_says_why_and_is_not_retried_every_second(caplog):
    attempts, target = [], [1]

    def build():
        if target[0] == 0 or not attempts:
            attempts.append(0)
            return "data 0", 0
        attempts.append(target[0])
        if target[0] == 1:
            raise ValueError("publication lanaudiere version 1, ligne 4 : bad row")
        return f"data {target[0]}", target[0]

    watcher = published.Watcher(build, lambda: target[0], every=0)
    assert watcher.current() == "data 0"
    caplog.set_level("WARNING", logger="publishing.dataset")
    end = time.monotonic() + 0.5
    while time.monotonic() < end:  # requests keep coming: the same broken version is tried once
        assert watcher.current() == "data 0"
        time.sleep(0.005)
    assert attempts == [0, 1]
    failure = next(r for r in caplog.records if r.levelname == "ERROR")
    assert "version 1" in failure.getMessage() and "la version 0 reste servie" in failure.getMessage()
    assert "ligne 4" in failure.getMessage()
    target[0] = 2  # a new publication: tried at once
    assert _wait_for(lambda: watcher.current() == "data 2")
    assert attempts == [0, 1, 2]


def test_bad_rows_in_the_database_keep_the_public_data_and_name_the_version_and_row(fresh_watcher, caplog):
    """A version whose rows the schema refuses (written by hand, or by an older app) does not take the
    public data down: the previous data stay, and the log names publication, version, row and column."""
    op, _ = _publish(LANAUDIERE_CSV)
    assert _wait_for(lambda: dataset.current().key == "public@1")
    with db.session() as s:
        good = s.execute(select(db.VersionRow.data).limit(1)).scalar_one()
        version = db.Version(alliance_id="lanaudiere", number=2, submission_id=1, approved_by=op.id,
                             mandataire="Table des préfets de Lanaudière")
        s.add(version)
        s.flush()
        s.add(db.VersionRow(version_id=version.id, position=0, project_id="pub-a", data={**good, "project_id": "pub-a"}))
        s.add(db.VersionRow(version_id=version.id, position=1, project_id="pub-b",
                            data={**good, "project_id": "pub-b", "region_code": "99"}))
        db.bump_data_version(s)
    caplog.set_level("WARNING", logger="publishing.dataset")
    # Each request (here, each call) may notice the new version.
    assert _wait_for(lambda: dataset.current().key == "public@1" and any(r.levelname == "ERROR" for r in caplog.records))
    assert dataset.current().key == "public@1"
    message = next(r for r in caplog.records if r.levelname == "ERROR").getMessage()
    assert "(version 2)" in message and "la version 1 reste servie" in message
    assert "publication lanaudiere version 2, ligne 2, colonne « region_code »" in message


def test_a_new_version_gets_its_first_pages_computed_and_the_old_data_let_go(fresh_watcher, caplog):
    """Once the new data are served, the reload's thread computes the bare address's page for them,
    and the caches keyed on the dataset no longer keep the previous one alive (7 MB at 3 000 projects)."""
    import gc
    import weakref

    from pages import dashboard

    caplog.set_level("WARNING", logger="publishing.dataset")
    old = weakref.ref(dataset.current())
    dashboard.layout()  # the old version's page, cached
    _publish(LANAUDIERE_CSV)
    assert _wait_for(lambda: dataset.current().key == "public@1"
                     and any("version 1 servie" in r.getMessage() for r in caplog.records))
    before = dashboard._page.cache_info()
    dashboard.layout()
    dashboard.layout(lang="en")
    after = dashboard._page.cache_info()
    assert after.hits - before.hits == 2 and after.misses == before.misses  # both were ready
    gc.collect()
    assert old() is None


def test_a_listener_that_fails_leaves_the_new_data_served(caplog):
    builds = []

    def build():
        builds.append(1)
        return f"data {len(builds)}", len(builds) - 1

    def on_new(_value):
        raise RuntimeError("préchauffage cassé")

    watcher = published.Watcher(build, lambda: 1, every=0, on_new=on_new)
    watcher.current()
    caplog.set_level("WARNING", logger="publishing.dataset")
    assert _wait_for(lambda: watcher.current() == "data 2")
    assert _wait_for(lambda: any("préchauffage a échoué" in r.getMessage() for r in caplog.records))
    time.sleep(0.1)
    watcher.current()
    assert len(builds) == 2 and watcher.version == 1  # served, and not rebuilt again
    assert not any("rechargement des données publiques impossible" in r.getMessage() for r in caplog.records)


def test_a_worker_no_request_reaches_still_picks_up_a_new_version():
    """The background check (serve.py starts it in each worker): the new data are built without any
    request, so the first visitor after an approval gets them, not the version before."""
    version = [0]
    watcher = published.Watcher(lambda: (f"data {version[0]}", version[0]), lambda: version[0], every=0.05)
    assert watcher.current() == "data 0"
    watcher.poll_in_background()
    version[0] = 1
    end = time.monotonic() + 5
    while watcher.version != 1 and time.monotonic() < end:
        time.sleep(0.02)  # no call to current(): only the background check can move it
    assert watcher.version == 1 and watcher.current() == "data 1"


def test_a_database_outage_is_logged_once_not_at_every_check(caplog):
    up = [True]

    def read_version():
        if not up[0]:
            raise ConnectionError("connection refused")
        return 0

    watcher = published.Watcher(lambda: ("data 0", 0), read_version, every=0)
    watcher.current()
    caplog.set_level("WARNING", logger="publishing.dataset")
    up[0] = False
    for _ in range(50):
        assert watcher.current() == "data 0"  # the map keeps being served from memory
    errors = [r for r in caplog.records if r.levelname == "ERROR"]
    assert len(errors) == 1 and "connection refused" in errors[0].getMessage()
    up[0] = True
    watcher.current()
    assert any("lisible de nouveau" in r.getMessage() for r in caplog.records)
