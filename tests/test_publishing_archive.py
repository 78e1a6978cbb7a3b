"""`python -m publishing export` / `import-archive`, on SQLite and on PostgreSQL: every published version
written as CSV with its provenance (withdrawn ones marked, nothing left out), the same bytes twice, and
an archive imported into an empty database gives back the same versions and the same public data."""
from __future__ import annotations

import csv
import itertools

import pandas as pd
import pytest

from data import load
from publishing import __main__ as cli
from publishing import dataset, db, export, store
from tests.publishing_support.fixtures import LANAUDIERE_CSV, OUTSIDE_CSV, database_url, make_user, postgresql_proc  # noqa: F401

_twins = itertools.count(1)


@pytest.fixture
def people(database_url):
    return {"coord": make_user("coord@lanaudiere.example", "coordinator", "14"),
            "other": make_user("coord@monteregie.example", "coordinator", "monteregie"),
            "op": make_user("operateur@example.org", "operator", None)}


def _publish(user, operator, data, alliance="lanaudiere", note=""):
    with db.session() as s:
        draft = store.upload(s, store.Actor(user), alliance, data, "projets.csv", load.load_projects())
    with db.session() as s:
        store.submit(s, store.Actor(user), draft.id, note)
    with db.session() as s:
        return store.approve(s, store.Actor(operator, "192.0.2.9"), draft.id)


@pytest.fixture
def history(people):
    """Lanaudière: v1 superseded, v2 current, v3 withdrawn; Montérégie: v1 current."""
    coord, op = people["coord"], people["op"]
    _publish(coord, op, LANAUDIERE_CSV, note="Nos projets, « première » version")
    _publish(coord, op, LANAUDIERE_CSV.decode().replace("25 000 $", "27 500 $").encode(), note="montant corrigé")
    third = _publish(coord, op, LANAUDIERE_CSV.decode().replace("Épicerie solidaire", "Friperie solidaire").encode())
    with db.session() as s:
        store.withdraw(s, store.Actor(coord), third.id, "erreur de titre")
    _publish(people["other"], op, OUTSIDE_CSV, alliance="monteregie")
    return people


def _empty_twin(url: str, tmp_path) -> str:
    """Another empty database on the same engine as `url`."""
    if url.startswith("sqlite"):
        return f"sqlite:///{tmp_path / 'twin.db'}"
    import psycopg
    from sqlalchemy.engine import make_url

    parsed, name = make_url(url), f"carte_twin_{next(_twins)}"
    with psycopg.connect(host=parsed.host, port=parsed.port, user=parsed.username, password=parsed.password,
                         dbname="postgres", autocommit=True) as connection:
        connection.execute(f"DROP DATABASE IF EXISTS {name}")
        connection.execute(f"CREATE DATABASE {name}")
    return parsed.set(database=name).render_as_string(hide_password=False)


def _tree(directory) -> dict[str, bytes]:
    return {str(p.relative_to(directory)): p.read_bytes() for p in sorted(directory.rglob("*")) if p.is_file()}


def test_every_version_is_written_with_its_provenance_and_status(history, tmp_path):
    assert cli.main(["export", "--out", str(tmp_path / "archive")]) == 0
    tree = _tree(tmp_path / "archive")
    assert sorted(tree) == ["lanaudiere/v1.csv", "lanaudiere/v1.submission.json", "lanaudiere/v2.csv",
                            "lanaudiere/v2.submission.json", "lanaudiere/v3.csv", "lanaudiere/v3.submission.json",
                            "monteregie/v1.csv", "monteregie/v1.submission.json", "people.csv", "versions.csv"]
    versions = list(csv.DictReader(tree["versions.csv"].decode("utf-8").splitlines()))
    assert [(v["alliance_id"], v["version"], v["status"], v["rows"]) for v in versions] == [
        ("lanaudiere", "1", "superseded", "5"), ("lanaudiere", "2", "current", "5"),
        ("lanaudiere", "3", "withdrawn", "5"), ("monteregie", "1", "current", "1")]
    first = versions[0]
    assert first["approved_by"] == "operateur@example.org" and first["submitted_by"] == "coord@lanaudiere.example"
    assert first["note"] == "Nos projets, « première » version"
    assert first["alliance"] == "Alliance pour la solidarité et l'inclusion sociale de Lanaudière"
    assert first["mandataire"] == "Table des préfets de Lanaudière"
    assert versions[2]["withdrawn_by"] == "coord@lanaudiere.example" and versions[2]["withdrawal_reason"] == "erreur de titre"
    assert versions[2]["withdrawn_at"].endswith("+00:00") and first["approved_at"].endswith("+00:00")
    rows = list(csv.DictReader(tree["lanaudiere/v2.csv"].decode("utf-8").splitlines()))
    assert {r["title"]: r["amount_fqis"] for r in rows}["Cuisine collective du Nord"] == "27500"
    assert all(r["project_id"].startswith("pub-lanaudiere-") for r in rows)
    # The same database gives the same bytes.
    export.write_archive(tmp_path / "again")
    assert _tree(tmp_path / "again") == tree


def test_reimporting_the_archive_gives_the_same_versions_and_public_data(history, database_url, tmp_path):
    export.write_archive(tmp_path / "archive")
    twin = _empty_twin(database_url, tmp_path)
    counts = export.import_archive(tmp_path / "archive", twin)
    assert counts == {"versions": 4, "rows": 16, "people": 3}
    # Everything written comes back: exporting the new database gives the very same files.
    export.write_archive(tmp_path / "twin-archive", twin)
    assert _tree(tmp_path / "twin-archive") == _tree(tmp_path / "archive")
    curated = load.load_projects()
    before, _ = dataset.public_projects(curated)
    after, _ = dataset.public_projects(curated, twin)
    assert len(after) == len(curated) + 6  # Lanaudière's version 2 (5) and Montérégie's version 1 (1)
    pd.testing.assert_frame_equal(before, after)
    with db.session(twin) as s:
        assert [(v.alliance_id, v.number) for v, _rows in store.current_versions(s)] == [("lanaudiere", 2),
                                                                                          ("monteregie", 1)]
        assert db.read_data_version(twin) == 1
    # A database that already holds publications is refused: nothing is mixed or overwritten.
    with pytest.raises(export.ArchiveError, match="vide"):
        export.import_archive(tmp_path / "archive", twin)


def test_a_hand_edited_archive_is_refused_with_file_row_and_column(history, database_url, tmp_path):
    export.write_archive(tmp_path / "archive")
    path = tmp_path / "archive" / "lanaudiere" / "v2.csv"
    path.write_text(path.read_text(encoding="utf-8").replace(",27500,", ",beaucoup,", 1), encoding="utf-8")
    with pytest.raises(export.ArchiveError) as refused:
        export.import_archive(tmp_path / "archive", _empty_twin(database_url, tmp_path))
    assert "lanaudiere/v2.csv, ligne 2, colonne amount_fqis" in str(refused.value)
    assert cli.main(["import-archive", str(tmp_path / "archive")]) == 2
