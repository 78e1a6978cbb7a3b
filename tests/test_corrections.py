"""« Signaler une erreur ou un projet manquant » (/signaler) on SQLite and on PostgreSQL: the form from a
project row's link, a report stored and shown in the operators' queue with its page (as text), the
honeypot, the rate limit, the body limit, refused page and project ids, and who may mark a report treated."""
from __future__ import annotations

import re
from urllib.parse import parse_qs, urlsplit

import flask
import pytest
from sqlalchemy import func, select

from components.i18n import number
from components.urls import report_href
from publishing import db
from publishing.db import Correction, JournalEntry
from tests.publishing_support.fixtures import database_url, make_user, postgresql_proc  # noqa: F401
from web import body_limits, corrections, publish

PASSWORD = "Une phrase de passe solide 42"
PROJECT = "lan-2021-apparte-social"  # a curated Lanaudière project (data/projects.csv)
PROJECT_TITLE = "L'apparte social"


@pytest.fixture
def client(database_url):  # noqa: F811 (the fixture imported above)
    server = flask.Flask("corrections-test")
    publish.register(server)
    corrections.register(server)
    publish.routes.limiter.reset()
    return server.test_client()


@pytest.fixture
def people(client):
    return {"coord": make_user("coord@lanaudiere.example", "coordinator", "14"),
            "other": make_user("coord@monteregie.example", "coordinator", "monteregie"),
            "op": make_user("operateur@example.org", "operator", None)}


def form_fields(page: str) -> dict[str, str]:
    """The hidden fields of the form as the server wrote it (page, project, token, language)."""
    return dict(re.findall(r'<input type="hidden" name="([^"]+)" value="([^"]*)"', page))


def send(client, href: str = report_href("/region/14", "fr", PROJECT), **fields):
    shown = client.get(href)
    assert shown.status_code == 200, shown.get_data(as_text=True)
    data = {**form_fields(shown.get_data(as_text=True)), "texte": "Le montant est de 36 000 $, pas 35 700 $.", **fields}
    return client.post("/signaler", data=data)


def stored() -> list[Correction]:
    with db.session() as s:
        return list(s.execute(select(Correction).order_by(Correction.id)).scalars())


def csrf(client, path="/publier/") -> str:
    return re.search(r'name="csrf_token" value="([^"]+)"', client.get(path).get_data(as_text=True)).group(1)


def sign_in(client, email):
    answer = client.post("/publier/connexion", data={"email": email, "password": PASSWORD, "csrf_token": csrf(client, "/publier/connexion")})
    assert answer.status_code == 303


def test_a_territory_page_project_row_links_to_the_form_about_that_project(client):
    from pages import territory_page

    layout = str(territory_page.region_layout("14"))
    hrefs = set(re.findall(r"href='(/signaler\?[^']+)'", layout))
    row_link = report_href("/region/14", "fr", PROJECT)
    assert row_link in hrefs  # the row's « Signaler une erreur »
    assert report_href("/region/14", "fr") in hrefs  # and the page's own link
    page = client.get(row_link).get_data(as_text=True)
    assert "Signaler une erreur ou un projet manquant" in page
    assert f"« {PROJECT_TITLE.replace(chr(39), '&#39;')} »" in page
    assert form_fields(page)["projet"] == PROJECT and form_fields(page)["page"] == "/region/14"
    assert 'maxlength="4000"' in page and f"{number(4000, 'fr')} caractères" in page
    mrc = str(territory_page.mrc_layout("les-moulins", lang="en"))
    assert "/signaler?page=%2Fmrc%2Fles-moulins&projet=lan-2021-apparte-social&lang=en" in mrc


def test_the_map_table_has_a_report_link_on_every_row():
    from components import table

    report = [c for c in table.columns("fr") if c.get("cellRenderer") == "ReportLink"]
    assert len(report) == 1 and report[0]["field"] == "id"  # the row's project id
    assert report[0]["cellRendererParams"]["label"] == "Signaler une erreur"


def test_a_report_is_stored_journaled_and_shown_to_the_operator_with_its_page(client, people):
    answer = send(client, source="https://www.example.org/article", contact="Lecteur@Example.org")
    assert answer.status_code == 303
    thanks = client.get(answer.headers["Location"]).get_data(as_text=True)
    assert "Merci" in thanks and "Aucun courriel n&#39;est envoyé" in thanks and 'href="/region/14"' in thanks
    [report] = stored()
    assert (report.page, report.project_id, report.alliance_id, report.status) == ("/region/14", PROJECT, "lanaudiere", "new")
    assert report.contact == "lecteur@example.org" and report.source_url == "https://www.example.org/article"
    assert report.address == "127.0.0.1"
    with db.session() as s:
        line = s.execute(select(JournalEntry).where(JournalEntry.action == "correction_report")).scalar_one()
    assert line.subject == f"correction {report.id}" and line.address == "127.0.0.1" and line.actor == "anonyme"
    sign_in(client, "operateur@example.org")
    queue = client.get("/publier/").get_data(as_text=True)
    assert "Signalements du public" in queue and "Le montant est de 36 000 $, pas 35 700 $." in queue
    assert '<a class="correction-page" href="/region/14">/region/14</a>' in queue and PROJECT in queue
    english = client.get("/publier/?lang=en").get_data(as_text=True)
    assert "Reports from the public" in english and "Signalements du public" not in english


def test_html_in_the_text_is_shown_as_text(client, people):
    assert send(client, texte='<script>alert("x")</script><b>gras</b>').status_code == 303
    sign_in(client, "operateur@example.org")
    queue = client.get("/publier/").get_data(as_text=True)
    assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;&lt;b&gt;gras&lt;/b&gt;" in queue
    assert "<script>alert" not in queue and "<b>gras" not in queue


def test_the_honeypot_catches_a_naive_bot_without_telling_it(client):
    person = send(client)
    bot = send(client, site_web="http://spam.example", contact="bot@spam.example")
    assert bot.status_code == person.status_code == 303
    assert bot.headers["Location"] == person.headers["Location"]
    assert len(stored()) == 1  # the person's only


def test_thirty_posts_in_a_minute_from_one_address_are_slowed(client):
    codes = [send(client, texte=f"Signalement {i}").status_code for i in range(30)]
    assert codes[:10] == [303] * 10 and set(codes[10:]) == {429}
    slowed = send(client)
    assert "Trop de signalements en peu de temps" in slowed.get_data(as_text=True)
    assert len(stored()) == 10
    # Another address is not slowed by this one.
    other = client.post("/signaler", data={**form_fields(client.get("/signaler").get_data(as_text=True)), "texte": "x"},
                        environ_base={"REMOTE_ADDR": "192.0.2.7"})
    assert other.status_code == 303


def test_a_one_megabyte_post_is_refused(client):
    answer = send(client, texte="x" * 1_000_000)
    assert answer.status_code == 413
    assert "dépasse la taille d'un signalement" in answer.get_data(as_text=True).replace("&#39;", "'")
    assert stored() == []
    # The same limit for the gevent front of `make serve` (web/offload.py reads this table).
    limit = body_limits.limit_for("/signaler", {"GET", "POST"})
    assert limit is body_limits.BODY_LIMITS["/signaler"] and limit.max_bytes < 1_000_000


def test_the_longest_text_in_any_script_fits_the_body_limit(client):
    assert send(client, texte="€" * 4000, source="https://exemple.org/" + "a" * 1900).status_code == 303
    assert len(stored()[0].text) == 4000


@pytest.mark.parametrize("page", ["https://evil.example/", "//evil.example/region/14", "/nulle-part", "javascript:alert(1)",
                                  "/region/14\\..", "/region/14/../../x"])
def test_a_page_that_is_not_a_local_page_of_the_site_is_refused_with_a_message(client, page):
    answer = client.get(report_href(page))
    assert answer.status_code == 400
    assert "Page d&#39;origine inconnue" in answer.get_data(as_text=True)
    fields = form_fields(client.get("/signaler").get_data(as_text=True))
    posted = client.post("/signaler", data={**fields, "page": page, "texte": "Mon texte gardé"})
    assert posted.status_code == 400
    body = posted.get_data(as_text=True)
    assert "pas une page de ce site" in body and "Mon texte gardé" in body  # nothing typed is lost
    assert stored() == []


def test_an_unknown_project_id_is_refused_with_a_message(client):
    answer = client.get(report_href("/region/14", "fr", "projet-qui-n-existe-pas"))
    assert answer.status_code == 400 and "Projet inconnu" in answer.get_data(as_text=True)
    fields = form_fields(client.get(report_href("/region/14", "fr", PROJECT)).get_data(as_text=True))
    posted = client.post("/signaler", data={**fields, "projet": "x" * 5000, "texte": "Texte"})
    assert posted.status_code == 400 and "existe pas (ou plus) sur la carte" in posted.get_data(as_text=True)
    assert stored() == []


@pytest.mark.parametrize(("fields", "message"), [
    ({"texte": "   "}, "Écrivez ce qui est faux"),
    ({"texte": "x" * 4001}, f"Le texte dépasse {number(4000, 'fr')} caractères"),
    ({"source": "javascript:alert(1)"}, "pas une adresse web"),
    ({"contact": "pas-une-adresse"}, "pas une adresse courriel"),
    ({"jeton": ""}, "Le formulaire a expiré"),
    ({"jeton": "forgé"}, "Le formulaire a expiré"),
])
def test_a_bad_field_shows_the_form_again_with_what_was_typed(client, fields, message):
    answer = send(client, **{"contact": "garde@example.org", **fields})
    assert answer.status_code == 400
    body = answer.get_data(as_text=True)
    assert message in body and f'value="{fields.get("contact", "garde@example.org")}"' in body  # kept as typed
    assert stored() == []


def test_english_form_is_in_english(client):
    page = client.get(report_href("/", "en")).get_data(as_text=True)
    assert 'lang="en"' in page and "Report an error or a missing project" in page and "Signaler" not in page
    answer = send(client, report_href("/", "en"))
    assert answer.status_code == 303 and "lang=en" in answer.headers["Location"]
    assert "Thank you" in client.get(answer.headers["Location"]).get_data(as_text=True)


def test_only_an_operator_with_the_form_token_marks_a_report_treated(client, people):
    send(client, contact="lectrice@example.org")
    [report] = stored()
    mark = f"/publier/signalement/{report.id}/traite"
    # Anonymous: sent to sign in, nothing changed.
    anonymous = client.post(mark, data={"csrf_token": csrf(client, "/publier/connexion")})
    assert anonymous.status_code == 302 and "/publier/connexion" in anonymous.headers["Location"]
    # Her coordinator sees it (it is about Lanaudière) but may not mark it.
    sign_in(client, "coord@lanaudiere.example")
    hers = client.get("/publier/").get_data(as_text=True)
    assert "Le montant est de 36 000 $" in hers and "lectrice@example.org" not in hers  # the contact: operators only
    assert client.post(mark, data={"csrf_token": csrf(client)}).status_code == 403
    client.post("/publier/deconnexion", data={"csrf_token": csrf(client)})
    sign_in(client, "coord@monteregie.example")
    assert "Le montant est de 36 000 $" not in client.get("/publier/").get_data(as_text=True)
    client.post("/publier/deconnexion", data={"csrf_token": csrf(client)})
    # The operator: without the token, or with a forged one, refused.
    sign_in(client, "operateur@example.org")
    assert "lectrice@example.org" in client.get("/publier/").get_data(as_text=True)
    assert client.post(mark).status_code == 400
    assert client.post(mark, data={"csrf_token": "forgé"}).status_code == 400
    assert stored()[0].status == "new"
    done = client.post(mark, data={"csrf_token": csrf(client)})
    assert done.status_code == 303
    treated = stored()[0]
    assert treated.status == "treated" and treated.treated_by == people["op"].id
    assert "traité" in client.get("/publier/").get_data(as_text=True)
    assert client.post(mark, data={"csrf_token": csrf(client)}).status_code == 409
    with db.session() as s:
        lines = s.execute(select(func.count()).select_from(JournalEntry).where(JournalEntry.action == "correction_treated")).scalar()
    assert lines == 1


def test_a_report_from_a_territory_page_goes_to_its_alliance(client):
    send(client, report_href("/mrc/les-moulins"))
    send(client, report_href("/"))
    assert [(r.page, r.alliance_id) for r in stored()] == [("/mrc/les-moulins", "lanaudiere"), ("/", None)]


def test_the_map_and_the_methodology_link_to_the_change_log():
    from pages import methodology
    from pages.dashboard import about

    for lang, words in (("fr", "Ce qui a changé"), ("en", "What changed")):
        suffix = "?lang=en" if lang == "en" else ""
        for part in (str(about.panel(lang)), str(methodology.blocks(lang)["changelog"])):
            assert f"href='/changements{suffix}'" in part and words in part
        assert parse_qs(urlsplit(re.search(r"href='(/signaler[^']*)'", str(about.panel(lang))).group(1)).query)["page"] == ["/"]


def test_migration_0002_makes_the_corrections_table_the_model_describes(database_url):  # noqa: F811
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext
    from sqlalchemy import inspect

    with db.engine(database_url).connect() as connection:
        assert "corrections" in inspect(connection).get_table_names()
        assert compare_metadata(MigrationContext.configure(connection), db.Base.metadata) == []


def test_a_report_sent_while_the_database_is_away_keeps_the_text_and_says_so(client, monkeypatch):
    fields = form_fields(client.get(report_href("/region/14", "fr", PROJECT)).get_data(as_text=True))
    monkeypatch.setenv("CARTE_DATABASE_URL", "postgresql+psycopg://carte@127.0.0.1:1/absente")
    answer = client.post("/signaler", data={**fields, "texte": "Mon texte à ne pas perdre"})
    assert answer.status_code == 503 and answer.headers["Retry-After"] == "60"
    body = answer.get_data(as_text=True)
    assert "ne répond pas pour le moment" in body and "Mon texte à ne pas perdre" in body
