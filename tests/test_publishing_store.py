"""The publishing store on SQLite and on PostgreSQL: upload, difference, submit, approve into
immutable versions, send back, withdraw, territory, journal, data version."""
from __future__ import annotations

import pytest
from sqlalchemy import select, update

from data import load
from publishing import db, store
from publishing.db import JournalEntry, Version, VersionRow
from tests.publishing_support.fixtures import LANAUDIERE_CSV, OUTSIDE_CSV, database_url, make_user, postgresql_proc  # noqa: F401


@pytest.fixture
def people(database_url):
    return {"coord": make_user("coord@lanaudiere.example", "coordinator", "14"),
            "other": make_user("coord@monteregie.example", "coordinator", "monteregie"),
            "op": make_user("operateur@example.org", "operator", None)}


def actor(user, address="192.0.2.1"):
    return store.Actor(user, address)


def upload(user, data=LANAUDIERE_CSV, name="projets.csv", alliance="lanaudiere"):
    with db.session() as s:
        return store.upload(s, actor(user), alliance, data, name, load.load_projects())


def test_upload_reports_the_bad_row_and_keeps_five_projects_as_a_draft(people):
    draft = upload(people["coord"])
    assert draft.status == db.DRAFT
    assert draft.report["rows_read"] == 6 and draft.report["rows_valid"] == 5
    assert [e["row"] for e in draft.report["errors"]] == [4]
    assert len(draft.difference["new"]) == 5 and draft.difference["removed"] == []
    assert db.read_data_version() == 0  # nothing public yet


def test_a_row_outside_her_territory_is_refused_with_row_and_column(people):
    draft = upload(people["coord"], OUTSIDE_CSV)
    refused = [e for e in draft.report["errors"] if e["row"] == 3]
    assert refused and refused[0]["column"] == "MRC" and "Longueuil" in refused[0]["message"]
    assert [r["title"] for r in draft.rows] == ["Cuisine collective du Nord"]


def test_she_cannot_upload_read_submit_or_approve_for_another_alliance(people):
    with pytest.raises(store.Refused) as refused:
        upload(people["coord"], alliance="monteregie")
    assert refused.value.status == 404
    theirs = upload(people["other"], OUTSIDE_CSV, alliance="monteregie")
    with db.session() as s:
        for attempt in (lambda: store.submission_for(s, actor(people["coord"]), theirs.id),
                        lambda: store.submit(s, actor(people["coord"]), theirs.id, "")):
            with pytest.raises(store.Refused) as refused:
                attempt()
            assert refused.value.status == 404
        with pytest.raises(store.Refused) as refused:
            store.approve(s, actor(people["coord"]), theirs.id)
        assert refused.value.status == 403


def test_approval_makes_version_1_public_and_raises_the_data_version(people):
    draft = upload(people["coord"])
    with db.session() as s:
        store.submit(s, actor(people["coord"]), draft.id, "Nos projets 2024-2025")
    with db.session() as s:
        assert [x.id for x in store.queue(s, actor(people["op"]))] == [draft.id]
        version = store.approve(s, actor(people["op"]), draft.id)
    assert version.number == 1 and db.read_data_version() == 1
    with db.session() as s:
        current = store.current_versions(s)
        assert [(v.alliance_id, v.number, len(rows)) for v, rows in current] == [("lanaudiere", 1, 5)]
        ids = [r["project_id"] for r in current[0][1]]
        assert all(i.startswith("pub-lanaudiere-") for i in ids) and len(set(ids)) == 5
        actions = [e.action for e in s.execute(select(JournalEntry).order_by(JournalEntry.id)).scalars()]
        assert actions[-3:] == ["upload", "submit", "approve"]
        assert s.execute(select(JournalEntry.address).where(JournalEntry.action == "approve")).scalar() == "192.0.2.1"


def _publish(people, data=LANAUDIERE_CSV):
    draft = upload(people["coord"], data)
    with db.session() as s:
        store.submit(s, actor(people["coord"]), draft.id, "")
    with db.session() as s:
        return store.approve(s, actor(people["op"]), draft.id)


def test_second_version_difference_new_changed_removed_and_ids_kept(people):
    first = _publish(people)
    changed = LANAUDIERE_CSV.decode().replace("25 000 $", "27 500 $").replace(
        "Aide aux devoirs;Maison des jeunes;Les Moulins;;12 000 $;2025\n", "").replace(
        "Épicerie solidaire", "Friperie solidaire").encode()
    draft = upload(people["coord"], changed)
    diff = draft.difference
    assert [n["title"] for n in diff["new"]] == ["Friperie solidaire"]
    assert sorted(r["title"] for r in diff["removed"]) == ["Aide aux devoirs", "Épicerie solidaire"]
    assert diff["changed"][0]["fields"] == [{"field": "amount_fqis", "before": 25000.0, "after": 27500.0}]
    assert diff["unchanged"] == 2
    with db.session() as s:
        store.submit(s, actor(people["coord"]), draft.id, "")
        second = store.approve(s, actor(people["op"]), draft.id)
        rows = {r.data["title"]: r.project_id for r in s.execute(select(VersionRow).where(VersionRow.version_id == second.id)).scalars()}
        old = {r.data["title"]: r.project_id for r in s.execute(select(VersionRow).where(VersionRow.version_id == first.id)).scalars()}
    assert second.number == 2
    assert rows["Cuisine collective du Nord"] == old["Cuisine collective du Nord"]  # a project keeps its id


def test_withdraw_brings_the_previous_version_back_and_deletes_nothing(people):
    _publish(people)
    second = _publish(people, LANAUDIERE_CSV.decode().replace("Épicerie solidaire", "Friperie solidaire").encode())
    with db.session() as s:
        previous = store.withdraw(s, actor(people["coord"]), second.id, "erreur de montant")
    assert previous.number == 1 and db.read_data_version() == 3
    with db.session() as s:
        assert store.current_version(s, "lanaudiere").number == 1
        assert s.execute(select(Version).where(Version.alliance_id == "lanaudiere")).scalars().all()[-1].number == 2
        assert len(s.execute(select(VersionRow)).scalars().all()) == 10  # both versions' rows still there
        with pytest.raises(store.Refused):
            store.withdraw(s, actor(people["other"]), previous.id)


def test_send_back_with_a_message_then_she_submits_again(people):
    draft = upload(people["coord"])
    with db.session() as s:
        store.submit(s, actor(people["coord"]), draft.id, "")
        store.send_back(s, actor(people["op"]), draft.id, "Le montant de la ligne 2 ?")
    with db.session() as s:
        again = store.submission_for(s, actor(people["coord"]), draft.id)
        assert again.status == db.SENT_BACK and again.decision_message == "Le montant de la ligne 2 ?"
        store.submit(s, actor(people["coord"]), draft.id, "corrigé")
    assert db.read_data_version() == 0


def test_publish_without_review_approves_at_submission(people):
    with db.session() as s:
        store.set_publish_without_review(s, actor(people["op"]), "lanaudiere", True)
        with pytest.raises(store.Refused):
            store.set_publish_without_review(s, actor(people["coord"]), "lanaudiere", True)
    draft = upload(people["coord"])
    with db.session() as s:
        submitted = store.submit(s, actor(people["coord"]), draft.id, "")
        assert submitted.status == db.APPROVED
    assert db.read_data_version() == 1


def test_a_project_known_from_the_press_is_named_in_the_difference(people):
    known = ("Titre du projet;Organisme porteur;MRC;Montant FQIS\n"
             "Travailleur de rue secteur Mascouche;Travail de rue le Trajet;Les Moulins;105 000 $\n").encode()
    draft = upload(people["coord"], known)
    assert draft.difference["known"][0]["project_id"] == "lan-2021-travailleur-de-rue-mascouche"


def test_versions_are_written_once(people):
    """The journal and versions are only ever added to: the store has no update path for them."""
    version = _publish(people)
    with db.session() as s:
        s.execute(update(db.DataVersion).values(number=db.DataVersion.number))  # harmless touch
        assert s.get(Version, version.id).number == 1
    assert not [name for name in dir(store) if name.startswith(("delete", "update_version", "edit"))]


def test_the_command_line_prints_a_one_time_link_and_refuses_an_unknown_alliance(database_url, capsys):
    from publishing.__main__ import main

    assert main(["invite", "--alliance", "14", "--email", "Coord@Lanaudiere.example"]) == 0
    out = capsys.readouterr().out
    assert "coord@lanaudiere.example" in out and "/publier/invitation/" in out and "Aucun courriel" in out
    with db.session() as s:
        user = s.execute(select(db.User).where(db.User.email == "coord@lanaudiere.example")).scalar_one()
        assert (user.role, user.alliance_id) == ("coordinator", "lanaudiere")
    assert main(["invite", "--alliance", "10", "--email", "x@example.org"]) == 2  # Nord-du-Québec has three
    assert "plusieurs Alliances" in capsys.readouterr().err
