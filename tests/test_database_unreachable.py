"""PostgreSQL out of reach (issue #25): at start, one line naming the setting and the host (never the
password) and a non-zero exit, for `python app.py` and `python serve.py` (`make serve`); while running,
the public map keeps serving its data from memory, and the pages that need the database say it does
not answer (503), never a 500 or a traceback."""
from __future__ import annotations

import re
import time

import flask
import pytest

from data import load
from publishing import dataset as published
from publishing import db, store
from tests.publishing_support.fixtures import LANAUDIERE_CSV, database_url, make_user, postgresql_proc  # noqa: F401
from tests.servers import free_port
from tests.test_startup import ENTRIES, ROOT, _listening, _start
from web import changes, publish, startup

PASSWORD = "mot-de-passe-secret-42"


def _unreachable_url() -> str:
    return f"postgresql+psycopg://carte:{PASSWORD}@127.0.0.1:{free_port()}/carte"  # nothing listens there


@pytest.mark.parametrize("entry", ENTRIES)
def test_an_unreachable_database_stops_the_start_with_one_line_and_no_password(entry):
    url = _unreachable_url()
    result, port = _start(entry, ROOT, CARTE_DATABASE_URL=url)
    output = result.stdout + result.stderr
    assert result.returncode == startup.EXIT_DATABASE != 0, output
    assert "Traceback" not in output and PASSWORD not in output
    line = [x for x in result.stderr.splitlines() if "démarrage refusé" in x]
    assert len(line) == 1, result.stderr
    host = url.rsplit("@", 1)[1].split("/")[0]
    assert "CARTE_DATABASE_URL" in line[0] and f"injoignable sur {host}" in line[0] and "carte:***@" in line[0]
    assert not _listening(port)


def test_the_command_line_says_it_in_one_line_too(monkeypatch, capsys):
    from publishing import __main__ as cli

    monkeypatch.setenv("CARTE_DATABASE_URL", _unreachable_url())
    assert cli.main(["migrate"]) != 0
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "CARTE_DATABASE_URL" in err and PASSWORD not in err


@pytest.fixture
def server(database_url):
    """The public API, /changements and /publier on a database of each kind (that the test then takes away)."""
    from components import dataset
    from web import api

    app = flask.Flask("outage-test")
    for register in (api.register, changes.register, publish.register):
        register(app)
    publish.routes.limiter.reset()
    watcher = dataset._public_watcher()
    watcher.reset()  # this test's database, not what an earlier test built
    yield app.test_client()
    watcher.reset()


def _titles(client) -> set[str]:
    answer = client.get("/api/projects?region=14&per_page=500")
    assert answer.status_code == 200
    return {p["title"] for p in answer.get_json()["results"]}


def test_an_outage_while_running_keeps_the_map_and_says_503_where_the_database_is_needed(server, monkeypatch):
    coord = make_user("coord@lanaudiere.example", "coordinator", "14")
    op = make_user("operateur@example.org", "operator", None)
    with db.session() as s:
        draft = store.upload(s, store.Actor(coord), "lanaudiere", LANAUDIERE_CSV, "projets.csv", load.load_projects())
        store.submit(s, store.Actor(coord), draft.id, "")
        store.approve(s, store.Actor(op), draft.id)
    before = _titles(server)
    assert "Cuisine collective du Nord" in before
    page = server.get("/publier/connexion").get_data(as_text=True)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)

    monkeypatch.setenv("CARTE_DATABASE_URL", _unreachable_url())  # the database goes away
    time.sleep(published.check_seconds() + 0.2)  # the next request reads the data version: it fails
    assert _titles(server) == before  # served from memory
    assert _titles(server) == before
    answer = server.post("/publier/connexion", data={"email": "coord@lanaudiere.example", "password": "x" * 12,
                                                     "csrf_token": token})
    body = answer.get_data(as_text=True)
    assert answer.status_code == 503 and "Base de données injoignable" in body and PASSWORD not in body
    assert answer.headers["Retry-After"] and answer.headers["Cache-Control"] == "no-store"
    for path in ("/changements", "/changements.atom", "/changements/region/14.atom?lang=en"):
        answer = server.get(path)
        assert answer.status_code == 503, path
        assert PASSWORD not in answer.get_data(as_text=True)
    assert "publications database is not answering" in server.get("/changements?lang=en").get_data(as_text=True)
