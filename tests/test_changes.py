"""« Ce qui a changé »: /changements lists every approval (with the counts of its stored difference)
and every withdrawal as its own entry; the Atom feeds (all of Québec, per region) are Atom 1.0 and
carry the same events; the data package names the publishing data version."""
from __future__ import annotations

import html as html_text
import xml.etree.ElementTree as ET

import flask
import pytest

from data import datapackage, load
from publishing import db, store
from tests.publishing_support.fixtures import (  # noqa: F401 (pytest fixtures)
    LANAUDIERE_CSV,
    OUTSIDE_CSV,
    database_url,
    make_user,
    postgresql_proc,
)
from web import changes

ATOM = "{http://www.w3.org/2005/Atom}"
# Lanaudière's second file: « Cuisine collective du Nord » changes its amount, « Aide aux devoirs » is
# gone, « Halte-garderie » is new; the three others are the same.
LANAUDIERE_V2_CSV = (
    "Titre du projet;Organisme porteur;MRC;Municipalité;Montant FQIS;Année de début\n"
    "Cuisine collective du Nord;Moisson Lanaudière;Matawinie;;27 500 $;2024\n"
    "Transport vers l'emploi;Coopérative de transport;;Berthierville;40 000 $;2025\n"
    "Logement d'abord Repentigny;Comité logement;L'Assomption;;60 000 $;2024\n"
    "Épicerie solidaire;Entraide Montcalm;Montcalm;;30 000 $;2024\n"
    "Halte-garderie communautaire;Maison de la famille;Joliette;;15 000 $;2025\n"
).encode()


@pytest.fixture
def client(tmp_path, monkeypatch):
    monkeypatch.setenv("CARTE_INSTANCE_DIR", str(tmp_path / "instance"))
    monkeypatch.setenv("CARTE_DATABASE_URL", f"sqlite:///{tmp_path / 'carte.db'}")
    monkeypatch.setenv("CARTE_PUBLIC_URL", "https://carte.exemple.org")
    db.migrate()
    server = flask.Flask("changes-test")
    changes.register(server)
    yield server.test_client()
    db.dispose_all()


@pytest.fixture(scope="module")
def curated():
    return load.load_projects()


@pytest.fixture
def people(client):
    return {"coord": make_user("coord@lanaudiere.example", "coordinator", "14"),
            "op": make_user("operateur@example.org", "operator", None)}


def publish(people, curated, data=LANAUDIERE_CSV) -> db.Version:
    coord, op = store.Actor(people["coord"], "192.0.2.1"), store.Actor(people["op"], "192.0.2.2")
    with db.session() as s:
        draft = store.upload(s, coord, "lanaudiere", data, "projets.csv", curated)
        store.submit(s, coord, draft.id, "")
    with db.session() as s:
        version = store.approve(s, op, draft.id)
        return version.id


def withdraw(people, version_id):
    with db.session() as s:
        store.withdraw(s, store.Actor(people["op"], "192.0.2.2"), version_id, "Erreur de fichier")


def page(client, path: str = "/changements") -> str:
    answer = client.get(path)
    assert answer.status_code == 200 and answer.mimetype == "text/html"
    return html_text.unescape(answer.get_data(as_text=True))  # the words as read (Jinja escapes « ' »)


def entry_of(html: str, anchor: str) -> str:
    """The page's <li> of one event."""
    start = html.index(f'id="{anchor}"')
    ends = [i for i in (html.find("<li id=", start), html.find("</ol>", start)) if i >= 0]
    return html[start:min(ends)]


def atom(client, path: str) -> ET.Element:
    answer = client.get(path)
    assert answer.status_code == 200 and answer.mimetype == "application/atom+xml"
    feed = ET.fromstring(answer.data)
    assert feed.tag == f"{ATOM}feed"
    for name in ("id", "title", "updated"):
        assert (feed.findtext(f"{ATOM}{name}") or "").strip(), name
    for entry in feed.findall(f"{ATOM}entry"):
        for name in ("id", "title", "updated"):
            assert (entry.findtext(f"{ATOM}{name}") or "").strip(), name
        assert entry.findtext(f"{ATOM}updated").endswith(("+00:00", "Z"))  # UTC
    rfc4287_rules(feed)
    return feed


def rfc4287_rules(feed: ET.Element) -> None:
    """The MUSTs of RFC 4287 (Atom 1.0) that a feed writer can get wrong: one id, title and updated per
    feed and entry; ids absolute IRIs, unique; dates RFC 3339 with a zone; an author on the feed or on
    every entry; a self link; an entry without content has an alternate link; one alternate per type."""
    import datetime as dt

    import rfc3986
    from rfc3986 import validators

    iri_rules = (validators.Validator().require_presence_of("scheme", "host")
                 .check_validity_of("scheme", "host", "path", "fragment"))

    def one(element: ET.Element, name: str) -> str:
        found = element.findall(f"{ATOM}{name}")
        assert len(found) == 1, f"{element.tag} has {len(found)} {name}"
        return (found[0].text or "").strip()

    def alternates(element: ET.Element) -> list[ET.Element]:
        return [link for link in element.findall(f"{ATOM}link") if link.get("rel", "alternate") == "alternate"]

    def check(element: ET.Element) -> str:
        identifier = one(element, "id")
        # an IRI with a scheme and a host (a fragment is allowed); raises when it is not one
        iri_rules.validate(rfc3986.uri_reference(identifier))
        one(element, "title")
        updated = dt.datetime.fromisoformat(one(element, "updated").replace("Z", "+00:00"))
        assert updated.tzinfo is not None
        kinds = [(link.get("type"), link.get("hreflang")) for link in alternates(element)]
        assert len(kinds) == len(set(kinds)), "two alternate links of the same type and language"
        assert all(link.get("href") for link in element.findall(f"{ATOM}link"))
        return identifier

    check(feed)
    assert any(link.get("rel") == "self" for link in feed.findall(f"{ATOM}link"))
    feed_author = feed.find(f"{ATOM}author") is not None
    ids = []
    for entry in feed.findall(f"{ATOM}entry"):
        ids.append(check(entry))
        assert feed_author or entry.find(f"{ATOM}author") is not None, "an entry without author"
        if entry.find(f"{ATOM}content") is None:
            assert alternates(entry), "an entry without content nor alternate link"
    assert len(ids) == len(set(ids)), "two entries with one id"


def entry_ids(feed: ET.Element) -> list[str]:
    return [e.findtext(f"{ATOM}id") for e in feed.findall(f"{ATOM}entry")]


def test_the_page_lists_each_approval_with_the_counts_of_its_difference(client, people, curated):
    empty = page(client)
    assert "Aucune Alliance n'a encore publié" in empty and 'id="curation-1"' in empty  # never empty
    publish(people, curated)
    publish(people, curated, LANAUDIERE_V2_CSV)
    html = page(client)
    assert html.index('id="publication-lanaudiere-2"') < html.index('id="publication-lanaudiere-1"')  # newest first
    first, second = entry_of(html, "publication-lanaudiere-1"), entry_of(html, "publication-lanaudiere-2")
    assert "a publié la version 1" in first and "5 projets ajoutés · 0 projet modifié · 0 projet retiré" in first
    assert "1 projet ajouté · 1 projet modifié · 1 projet retiré" in second
    assert "Halte-garderie communautaire (15\u00a0000\u00a0$)" in second and "Aide aux devoirs" in second
    assert "Cuisine collective du Nord : Montant FQIS" in second  # the field's words, not its stored name
    assert 'type="application/atom+xml"' in html and 'href="/changements.atom"' in html
    english = page(client, "/changements?lang=en")
    assert '<html lang="en">' in english and "published version 2" in english
    assert "1 project added · 1 project changed · 1 project withdrawn" in english
    assert "a publié" not in english and "Cuisine collective du Nord: FQIS amount" in english


def test_every_compared_field_has_words_in_both_languages():
    from publishing import difference

    for name in difference.COMPARED:
        assert changes._field_label(name, "fr") != name and changes._field_label(name, "en") != name, name


def test_feeds_are_atom_and_carry_the_approval_in_its_region_only(client, people, curated):
    publish(people, curated)
    expected = "https://carte.exemple.org/changements#publication-lanaudiere-1"
    quebec = atom(client, "/changements.atom")
    assert expected in entry_ids(quebec)
    assert quebec.findtext(f"{ATOM}id") == "https://carte.exemple.org/changements.atom"
    assert any(i.startswith("https://carte.exemple.org/changements#curation-") for i in entry_ids(quebec))
    lanaudiere = atom(client, "/changements/region/14.atom")
    assert entry_ids(lanaudiere) == [expected]
    assert "5 projets ajoutés" in lanaudiere.find(f"{ATOM}entry").findtext(f"{ATOM}summary")
    assert entry_ids(atom(client, "/changements/region/16.atom")) == []  # Montérégie
    assert entry_ids(atom(client, "/changements.atom?lang=en"))[0] == expected  # one event, one id
    assert client.get("/changements/region/99.atom").status_code == 404
    assert client.get("/changements/region/..%2f14.atom").status_code == 404


def test_a_withdrawal_is_an_entry_of_its_own(client, people, curated):
    publish(people, curated)
    second = publish(people, curated, LANAUDIERE_V2_CSV)
    withdraw(people, second)
    html = page(client)
    withdrawn = entry_of(html, "retrait-lanaudiere-2")
    assert "a retiré la version 2" in withdrawn and "5 projets ne sont plus publics" in withdrawn
    assert html.index('id="retrait-lanaudiere-2"') < html.index('id="publication-lanaudiere-2"')
    assert "Erreur de fichier" not in html  # the reason stays with the operators
    ids = entry_ids(atom(client, "/changements/region/14.atom"))
    assert ids[0].endswith("#retrait-lanaudiere-2") and ids[1].endswith("#publication-lanaudiere-2")


def test_another_regions_publication_stays_out_of_lanaudiere_feed(client, people, curated):
    make_user("coord@monteregie.example", "coordinator", "monteregie")
    with db.session() as s:
        other = s.query(db.User).filter_by(email="coord@monteregie.example").one()
        draft = store.upload(s, store.Actor(other), "monteregie", OUTSIDE_CSV.replace(b"Matawinie", b"Longueuil"),
                             "projets.csv", curated)
        store.submit(s, store.Actor(other), draft.id, "")
    with db.session() as s:
        store.approve(s, store.Actor(people["op"]), draft.id)
    assert entry_ids(atom(client, "/changements/region/14.atom")) == []
    assert [i.rsplit("#", 1)[1] for i in entry_ids(atom(client, "/changements/region/16.atom"))] == [
        "publication-monteregie-1"]


def test_the_data_package_names_the_data_version():
    tables = [datapackage.Table("projets", "Projets", "", [], None)]
    assert datapackage.descriptor(tables, data_version=3)["dataVersion"] == 3
    assert "dataVersion" not in datapackage.descriptor(tables)  # the demo: no version to name


def test_the_api_reads_the_data_version_from_the_public_datasets_key():
    from components.dataset import Dataset
    from web.api import _data_version

    assert _data_version(Dataset(None, None, False, key="public@7")) == 7
    assert _data_version(Dataset(None, None, True, key="public")) is None
    assert _data_version(Dataset(None, None, False, key="upload-abc@3")) is None


def test_the_served_data_package_names_the_version_of_the_data_it_describes(client, people, curated):
    from components import dataset
    from web import api

    publish(people, curated)
    watcher = dataset._public_watcher()
    watcher.reset()  # the public data of this test's database (version 1), not a value an earlier test built
    try:
        server = flask.Flask("changes-api")
        api.register(server)
        descriptor = server.test_client().get("/api/datapackage.json").get_json()
        assert descriptor["dataVersion"] == db.read_data_version() == 1
    finally:
        watcher.reset()  # later tests read their own database


def test_the_events_read_the_same_on_sqlite_and_postgresql(database_url, curated):
    people = {"coord": make_user("coord@lanaudiere.example", "coordinator", "14"),
              "op": make_user("operateur@example.org", "operator", None)}
    publish(people, curated)
    withdraw(people, publish(people, curated, LANAUDIERE_V2_CSV))
    found = changes.events("14")
    assert [(e.kind, e.number) for e in found] == [("withdrawal", 2), ("publication", 2), ("publication", 1)]
    assert [found[1].count(p) for p in ("new", "changed", "removed")] == [1, 1, 1] and found[0].projects == 5
    assert all(e.when.tzinfo is not None and e.when.utcoffset().total_seconds() == 0 for e in found)
    assert changes.events("16") == []
