"""Fixtures of the publishing tests: a fresh database on SQLite and on PostgreSQL, users, files.

PostgreSQL is started by the tests themselves (pytest-postgresql's `postgresql_proc`, Debian's
PostgreSQL 15 through tests/publishing_support/pg_ctl.sh); `make test` installs it when missing.
Each test gets an empty database of its own on the chosen engine, migrated by `db.migrate`.
"""
from __future__ import annotations

import itertools
import shutil
from pathlib import Path

import pytest
from pytest_postgresql import factories

from publishing import accounts, db

PG_CTL = Path(__file__).resolve().parent / "pg_ctl.sh"
PG_BIN = Path("/usr/lib/postgresql/15/bin/pg_ctl")
postgresql_proc = factories.postgresql_proc(executable=str(PG_CTL))
_numbers = itertools.count(1)

# Six Lanaudière projects as a coordinator writes them; row 4 (the third project) has no title.
LANAUDIERE_CSV = (
    "Titre du projet;Organisme porteur;MRC;Municipalité;Montant FQIS;Année de début\n"
    "Cuisine collective du Nord;Moisson Lanaudière;Matawinie;;25 000 $;2024\n"
    "Transport vers l'emploi;Coopérative de transport;;Berthierville;40 000 $;2025\n"
    ";Organisme sans titre;Montcalm;;5 000 $;2024\n"
    "Logement d'abord Repentigny;Comité logement;L'Assomption;;60 000 $;2024\n"
    "Aide aux devoirs;Maison des jeunes;Les Moulins;;12 000 $;2025\n"
    "Épicerie solidaire;Entraide Montcalm;Montcalm;;30 000 $;2024\n"
).encode("utf-8")
# A Montérégie project in a Lanaudière file: refused, with its row and column.
OUTSIDE_CSV = (
    "Titre du projet;Organisme porteur;MRC;Montant FQIS;Année de début\n"
    "Cuisine collective du Nord;Moisson Lanaudière;Matawinie;25 000 $;2024\n"
    "Frigo partagé;Centre d'entraide;Longueuil;9 000 $;2024\n"
).encode("utf-8")


def pg_available() -> bool:
    return PG_BIN.exists() and (shutil.which("runuser") is not None)


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path, monkeypatch):
    """An empty, migrated database of each kind, set as CARTE_DATABASE_URL for the test."""
    monkeypatch.setenv("CARTE_INSTANCE_DIR", str(tmp_path / "instance"))
    if request.param == "sqlite":
        url = f"sqlite:///{tmp_path / 'carte.db'}"
    else:
        if not pg_available():
            pytest.skip("Debian's postgresql 15 is not installed (make test installs it)")
        proc = request.getfixturevalue("postgresql_proc")
        import psycopg

        name = f"carte_{next(_numbers)}"
        with psycopg.connect(host=proc.host, port=proc.port, user=proc.user, dbname="postgres",
                             password=proc.password, autocommit=True) as connection:
            connection.execute(f"DROP DATABASE IF EXISTS {name}")
            connection.execute(f"CREATE DATABASE {name}")
        url = f"postgresql+psycopg://{proc.user}@{proc.host}:{proc.port}/{name}"
    monkeypatch.setenv("CARTE_DATABASE_URL", url)
    db.migrate(url)
    yield url
    db.dispose_all()


def make_user(email: str, role: str, alliance: str | None, password: str = "Une phrase de passe solide 42") -> db.User:
    """A user who accepted her invitation and chose `password`."""
    with db.session() as s:
        token = accounts.invite(s, email, role, alliance, "test")
    with db.session() as s:
        return accounts.accept(s, token, password)
