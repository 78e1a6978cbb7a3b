"""The publishing pages and their security: anonymous, cross-Alliance, CSRF-less and forged-token
writes refused with 4xx (never 500), sign-in slowed after repeated failures, no session fixation,
no-store on every page, the same answer for an unknown address and a wrong password."""
from __future__ import annotations

import re

import flask
import pytest

from publishing import accounts, db
from tests.publishing_support.fixtures import LANAUDIERE_CSV, OUTSIDE_CSV, make_user
from web import publish

PASSWORD = "Une phrase de passe solide 42"


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("CARTE_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("CARTE_DATABASE_URL", f"sqlite:///{tmp_path / 'carte.db'}")
    server = flask.Flask("publish-test")
    publish.register(server)
    publish.routes.limiter.reset()
    yield server.test_client()
    db.dispose_all()


def token(client, path="/publier/connexion") -> str:
    page = client.get(path).get_data(as_text=True)
    return re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)


def sign_in(client, email, password=PASSWORD):
    return client.post("/publier/connexion", data={"email": email, "password": password, "csrf_token": token(client)})


def upload(client, data=LANAUDIERE_CSV, **extra):
    from io import BytesIO
    return client.post("/publier/televerser", data={"csrf_token": token(client, "/publier/"), "file": (BytesIO(data), "projets.csv"),
                                                    **extra}, content_type="multipart/form-data")


@pytest.fixture
def people(client):
    return {"coord": make_user("coord@lanaudiere.example", "coordinator", "14"),
            "other": make_user("coord@monteregie.example", "coordinator", "monteregie"),
            "op": make_user("operateur@example.org", "operator", None)}


def test_anonymous_pages_and_writes_are_refused_without_500(client, people):
    assert client.get("/publier/").status_code == 302  # to the sign-in page
    for path in ("/publier/televerser", "/publier/soumission/1/soumettre", "/publier/soumission/1/approuver",
                 "/publier/version/1/retirer", "/publier/alliance/lanaudiere/reglage"):
        answer = client.post(path, data={"csrf_token": token(client)})
        assert 300 <= answer.status_code < 500, (path, answer.status_code)
        assert answer.status_code != 200


def test_writes_without_or_with_a_forged_csrf_token_are_400(client, people):
    assert sign_in(client, "coord@lanaudiere.example").status_code == 303
    from io import BytesIO
    for data in ({}, {"csrf_token": "forged"}, {"csrf_token": token(client, "/publier/") + "x"}):
        answer = client.post("/publier/televerser", data={**data, "file": (BytesIO(LANAUDIERE_CSV), "p.csv")},
                             content_type="multipart/form-data")
        assert answer.status_code == 400
    assert client.post("/publier/connexion", data={"email": "x@y.zz", "password": "x"}).status_code == 400


def test_the_whole_workflow_and_no_cross_alliance_access(client, people):
    sign_in(client, "coord@lanaudiere.example")
    page = client.get("/publier/").get_data(as_text=True)
    assert "Publier mes projets" in page and "Lanaudière" in page
    answer = upload(client)
    assert answer.status_code == 303
    draft = answer.headers["Location"]
    page = client.get(draft).get_data(as_text=True)
    assert "5 valides" in page and "1 refusée" in page and "5 nouveaux projets" in page
    assert "<svg" in page  # her projects on her region's map
    submit = client.post(draft + "/soumettre", data={"csrf_token": token(client, draft), "note": "Nos projets"})
    assert submit.status_code == 303
    assert client.post(draft + "/approuver", data={"csrf_token": token(client, draft)}).status_code == 403
    # Montérégie's coordinator can neither read nor act on it
    client.post("/publier/deconnexion", data={"csrf_token": token(client, "/publier/")})
    sign_in(client, "coord@monteregie.example")
    assert client.get(draft).status_code == 404
    assert client.post(draft + "/soumettre", data={"csrf_token": token(client, "/publier/")}).status_code == 404
    assert upload(client, OUTSIDE_CSV, alliance="lanaudiere").status_code == 303  # ignored: her own Alliance
    client.post("/publier/deconnexion", data={"csrf_token": token(client, "/publier/")})
    sign_in(client, "operateur@example.org")
    assert "Soumissions à examiner" in client.get("/publier/").get_data(as_text=True)
    assert client.post(draft + "/approuver", data={"csrf_token": token(client, draft)}).status_code == 303
    assert db.read_data_version() == 1
    assert "approuvée et publiée" in client.get(draft).get_data(as_text=True)


def test_english_pages_are_in_english(client, people):
    sign_in(client, "coord@lanaudiere.example")
    page = client.get("/publier/?lang=en").get_data(as_text=True)
    assert 'lang="en"' in page and "Publish my projects" in page and "Publier mes projets" not in page


def test_every_page_is_no_store(client, people):
    assert client.get("/publier/connexion").headers["Cache-Control"] == "no-store"
    sign_in(client, "coord@lanaudiere.example")
    for path in ("/publier/", "/publier/?lang=en"):
        assert client.get(path).headers["Cache-Control"] == "no-store"
    cookie = client.get_cookie("carte_session", path="/publier")
    assert cookie is not None and cookie.http_only and cookie.same_site == "Lax"


def test_unknown_address_and_wrong_password_get_the_same_answer(client, people):
    unknown = sign_in(client, "nobody@example.org", "Quelque chose de long 99")
    wrong = sign_in(client, "coord@lanaudiere.example", "Quelque chose de long 99")
    assert unknown.status_code == wrong.status_code == 401
    strip = lambda page: re.sub(r'value="[^"]+"', "", page.get_data(as_text=True))  # noqa: E731
    assert strip(unknown) == strip(wrong)


def test_an_unknown_address_costs_what_a_wrong_password_costs():
    """The hash checked for an unknown address is written in the code: it must carry the hasher's own
    parameters (memory, time, parallelism), or an unknown address would answer faster than a known one."""
    from publishing import accounts

    assert accounts._DUMMY_HASH.startswith("$argon2id$")
    assert not accounts._HASHER.check_needs_rehash(accounts._DUMMY_HASH)


def test_twenty_wrong_passwords_in_a_minute_are_slowed(client, people):
    codes = [sign_in(client, "coord@lanaudiere.example", f"Mauvais mot de passe {i}").status_code for i in range(20)]
    assert codes[:10] == [401] * 10 and set(codes[10:]) == {429}
    assert sign_in(client, "coord@lanaudiere.example").status_code == 429  # even the right one, for a minute


def test_a_session_set_before_sign_in_is_not_kept(client, people):
    client.get("/publier/connexion")
    before = client.get_cookie("carte_session", path="/publier").value
    sign_in(client, "coord@lanaudiere.example")
    after = client.get_cookie("carte_session", path="/publier").value
    assert after != before
    # A planted pre-sign-in cookie does not open her session.
    other = client.application.test_client()
    other.set_cookie("carte_session", before, path="/publier")
    assert other.get("/publier/").status_code == 302


def test_a_new_invitation_resets_the_password_and_ends_sessions(client, people):
    sign_in(client, "coord@lanaudiere.example")
    assert client.get("/publier/").status_code == 200
    with db.session() as s:
        link = accounts.invite(s, "coord@lanaudiere.example", "coordinator", "14", "test")
    assert client.get("/publier/").status_code == 302  # her open session ended
    assert sign_in(client, "coord@lanaudiere.example").status_code == 401  # the old password no longer works
    page = client.get(f"/publier/invitation/{link}")
    assert page.status_code == 200
    weak = client.post(f"/publier/invitation/{link}", data={"csrf_token": token(client, f"/publier/invitation/{link}"),
                                                            "password": "motdepasse2024!", "confirm": "motdepasse2024!"})
    assert weak.status_code == 400 and "trop courant" in weak.get_data(as_text=True)
    good = client.post(f"/publier/invitation/{link}", data={"csrf_token": token(client, f"/publier/invitation/{link}"),
                                                             "password": "Un tout autre mot de passe 7", "confirm": "Un tout autre mot de passe 7"})
    assert good.status_code == 303
    assert client.get(f"/publier/invitation/{link}").status_code == 404  # used once
    assert sign_in(client, "coord@lanaudiere.example", "Un tout autre mot de passe 7").status_code == 303


def test_password_rules():
    assert accounts.password_problem("court") == "too_short"
    assert accounts.password_problem("Motdepasse2024!") == "common"
    assert accounts.password_problem("123456789012") == "common"
    assert accounts.password_problem("aaaaaaaaaaaaaaaa") == "common"
    assert accounts.password_problem("coordination.lanaudiere", "coordination.lanaudiere@x.org") == "common"
    assert accounts.password_problem("Trois pommes vertes au marché") is None
    assert accounts.hash_password("Trois pommes vertes au marché").startswith("$argon2id$")


def test_the_session_cookie_is_secure_behind_https(tmp_path, monkeypatch):
    monkeypatch.setenv("CARTE_PUBLIC_URL", "https://carte.example.org")
    monkeypatch.setenv("CARTE_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("CARTE_DATABASE_URL", f"sqlite:///{tmp_path / 'carte.db'}")
    server = flask.Flask("publish-https")
    publish.register(server)
    client = server.test_client()
    client.get("/publier/connexion", base_url="https://carte.example.org")
    cookie = client.get_cookie("carte_session", domain="carte.example.org", path="/publier")
    assert cookie is not None and cookie.secure and cookie.http_only
    db.dispose_all()


def test_a_changed_field_is_named_as_the_downloads_name_it(client, people):
    from data import load
    from publishing import store

    with db.session() as s:
        draft = store.upload(s, store.Actor(people["coord"]), "lanaudiere", LANAUDIERE_CSV, "v1.csv", load.load_projects())
        store.submit(s, store.Actor(people["coord"]), draft.id, "")
        store.approve(s, store.Actor(people["op"]), draft.id)
    sign_in(client, "coord@lanaudiere.example")
    answer = upload(client, LANAUDIERE_CSV.decode().replace("25 000 $", "27 500 $").encode())
    page = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "1 projet modifié" in page and "Montant FQIS ($) : 25 000 → 27 500" in page.replace("\u202f", " ").replace("\xa0", " ")
