"""The check report of a submission is read in the reader's language (issue #25): a coordinator who
uploads in English, an operator who reads in French — each sees every problem in her own language."""
from __future__ import annotations

import html

from data import importer
from publishing import db, store
from tests.publishing_support.fixtures import LANAUDIERE_CSV
from tests.test_publishing_web import client, people, sign_in, token, upload  # noqa: F401

# Her six projects (row 4 has no title) and a Montérégie project outside her territory (row 8).
FILE = LANAUDIERE_CSV + "Frigo partagé;Centre d'entraide;Longueuil;;9 000 $;2024\n".encode("utf-8")


def _messages(page: str) -> str:
    return html.unescape(page)


def test_an_english_upload_is_read_in_french_by_the_operator_and_the_reverse(client, people):
    sign_in(client, "coord@lanaudiere.example")
    answer = upload(client, FILE, lang="en")
    assert answer.status_code == 303
    draft = answer.headers["Location"].split("?")[0]
    with db.session() as s:
        report = store.submission_for(s, store.Actor(people["op"]), int(draft.rsplit("/", 1)[1])).report
    assert report["lang"] == "en" and [e["row"] for e in report["errors"]] == [4, 8]
    # The importer's own words, in each language, for the row without a title.
    french = importer.import_spreadsheet(FILE, "projets.csv", "fr").errors[0].message
    english = importer.import_spreadsheet(FILE, "projets.csv", "en").errors[0].message
    assert french != english
    mine = _messages(client.get(draft + "?lang=en").get_data(as_text=True))
    assert english in mine and french not in mine
    client.post("/publier/deconnexion", data={"csrf_token": token(client, "/publier/")})
    sign_in(client, "operateur@example.org")
    hers = _messages(client.get(draft).get_data(as_text=True))  # the operator reads French
    assert french in hers and english not in hers
    outside = {lang: store.report_in(report, lang)["errors"][1]["message"] for lang in ("fr", "en")}
    assert outside["fr"] != outside["en"] and "Longueuil" in outside["fr"]
    assert outside["fr"] in hers and outside["en"] not in hers


def test_a_report_stored_in_one_language_only_keeps_its_words():
    old = {"lang": "fr", "errors": [{"row": 4, "column": "Titre", "message": "Titre manquant"}], "warnings": []}
    assert store.report_in(old, "en")["errors"] == old["errors"]
