"""How projects are doing (issue 26): a file's follow-up columns — status, actual end date, people reached,
report link — read under French or English headers, checked row by row, and shown where projects are
shown (the map's table, the territory pages, the presentation, the exports), filterable by status."""
from __future__ import annotations

import base64
import csv
import io
import json

import openpyxl
import pandas as pd
import pytest

from components import dataset, table
from components.own_file import upload
from components.permalink import view_from_query, view_to_query
from components.state import View
from data import datapackage, export, importer, metrics
from data.metrics import Filters
from publishing import db, store
from tests.publishing_support.fixtures import database_url, make_user, postgresql_proc  # noqa: F401

FRENCH_HEADERS = ["Nom du projet", "Organisme porteur", "MRC", "Montant accordé", "Statut", "Date de fin réelle",
                  "Personnes rejointes", "Lien du rapport"]
FRENCH_ROWS = [
    ["Cuisine collective du Nord", "Moisson Lanaudière", "Matawinie", 25000, "Terminé", "2024-06-30", 120,
     "https://exemple.org/rapport-cuisine.pdf"],
    ["Aide aux devoirs", "Maison des jeunes", "Les Moulins", 12000, "en cours", None, None, None],
    ["Halte-garderie", "Maison de la famille", "Joliette", 8000, "fini", None, 30, None],  # row 4: a bad status
    ["Épicerie solidaire", "Entraide Montcalm", "Montcalm", 30000, None, None, None, None],  # no follow-up at all
]
ENGLISH_HEADERS = ["Project name", "Organization", "RCM", "Amount", "Status", "End date", "People reached",
                   "Report link"]
ENGLISH_ROWS = [
    ["Food bank", "Moisson Lanaudière", "Matawinie", 25000, "Completed", "2024-06", "1,234", None],
    ["Homework help", "Youth centre", "Les Moulins", 12000, "Abandonned", None, None, None],  # row 3: misspelt
    ["Walk-in clinic", "Clinic", "Joliette", 8000, "Planned", None, None, "https://example.org/plan.pdf"],
]


def _xlsx(headers: list, rows: list[list]) -> bytes:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _prepared(result: importer.ImportResult) -> pd.DataFrame:
    return metrics.prepare_projects(result.projects.set_index("project_id", drop=False))


# ---------------------------------------------------------------- reading the columns


def test_french_headers_are_read_and_a_bad_status_is_reported_with_its_row_and_column():
    result = importer.import_spreadsheet(_xlsx(FRENCH_HEADERS, FRENCH_ROWS), "suivi.xlsx")
    assert [(e.row, e.column) for e in result.errors] == [(4, "Statut")]
    assert "« fini »" in result.errors[0].message and "« terminé »" in result.errors[0].message  # the allowed words
    assert result.rows_read == 4 and result.rows_valid == 3  # the valid rows are kept
    kept = result.projects.set_index("title")
    assert kept.loc["Cuisine collective du Nord", "status"] == "completed"
    assert kept.loc["Cuisine collective du Nord", "actual_end_date"] == "2024-06-30"
    assert kept.loc["Cuisine collective du Nord", "people_reached"] == 120
    assert kept.loc["Cuisine collective du Nord", "report_url"] == "https://exemple.org/rapport-cuisine.pdf"
    assert kept.loc["Aide aux devoirs", "status"] == "ongoing"
    # Never inferred: an empty cell stays unknown, not « prévu » nor 0 people.
    assert kept.loc["Épicerie solidaire", ["status", "actual_end_date", "people_reached", "report_url"]].isna().all()
    assert pd.isna(kept.loc["Aide aux devoirs", "people_reached"])


def test_english_headers_are_read_and_a_near_status_gets_a_suggestion(tmp_path, capsys):
    path = tmp_path / "follow-up.xlsx"
    path.write_bytes(_xlsx(ENGLISH_HEADERS, ENGLISH_ROWS))
    assert importer.main(["check", str(path), "--lang", "en"]) == 1  # `importer check`: rows rejected
    report = capsys.readouterr().out
    assert "File: follow-up.xlsx" in report
    assert "row 3, column « Status »: unknown status: « Abandonned »; did you mean « abandoned »?" in report
    result = importer.import_file(path, "en")
    kept = result.projects.set_index("title")
    assert kept.loc["Food bank", "status"] == "completed" and kept.loc["Food bank", "people_reached"] == 1234
    assert kept.loc["Food bank", "actual_end_date"] == "2024-06"
    assert kept.loc["Walk-in clinic", "status"] == "planned"
    assert kept.loc["Walk-in clinic", "report_url"] == "https://example.org/plan.pdf"


def test_bad_follow_up_cells_are_each_reported_in_their_column():
    rows = [["Projet A", "Org", "Joliette", 1000, "en cour", "31/02/2024", -3, "rapport.pdf"]]
    result = importer.import_spreadsheet(_xlsx(FRENCH_HEADERS, rows), "suivi.xlsx")
    found = {e.column: e.message for e in result.errors}
    assert set(found) == {"Statut", "Date de fin réelle", "Personnes rejointes", "Lien du rapport"}
    assert "vouliez-vous dire « en cours » ?" in found["Statut"]
    assert "« 31/02/2024 »" in found["Date de fin réelle"] and "« -3 »" in found["Personnes rejointes"]
    assert result.rows_valid == 0


def test_the_curated_file_has_the_columns_and_no_follow_up():
    """data/projects.csv carries the four columns, empty: public announcements say nothing of how projects went."""
    with open(dataset.load.PROJECTS_PATH, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert {"status", "actual_end_date", "people_reached", "report_url"} <= set(rows[0])
    assert not any(row[c] for row in rows for c in ("status", "actual_end_date", "people_reached", "report_url"))


# ---------------------------------------------------------------- the map: table, filter, permalink


def _payload(content: bytes, name: str, lang: str = "fr") -> dict:
    data_url = ("data:application/vnd.openxmlformats-officedocument.spreadsheetml.sheet;base64,"
                + base64.b64encode(content).decode())
    payload, _report = upload.read_upload(data_url, name, lang)
    assert payload is not None
    return payload


def _table_rows(payload: dict, lang: str, statuses=None) -> list[dict]:
    from pages import dashboard

    return dashboard.table_block({"startRow": 0, "endRow": 100}, "region", "amount", [], [], [], [], [],
                                 [0, 8], "", None, [], "upload", payload, lang, statuses)["rowData"]


def test_an_uploaded_file_shows_its_follow_up_on_the_map_table_and_the_status_filter_keeps_them():
    payload = _payload(_xlsx(FRENCH_HEADERS, FRENCH_ROWS), "suivi.xlsx")
    rows = {r["title"]: r for r in _table_rows(payload, "fr")}
    assert len(rows) == 3
    assert rows["Cuisine collective du Nord"]["follow_up"] == "terminé · fin réelle : 2024-06-30 · 120 personnes rejointes"
    assert rows["Cuisine collective du Nord"]["report"] == "https://exemple.org/rapport-cuisine.pdf"
    assert rows["Aide aux devoirs"]["follow_up"] == "en cours" and rows["Épicerie solidaire"]["follow_up"] == ""
    completed = _table_rows(payload, "fr", ["completed"])
    assert [r["title"] for r in completed] == ["Cuisine collective du Nord"]
    both = _table_rows(payload, "fr", ["completed", "ongoing", "<b>forged</b>"])
    assert {r["title"] for r in both} == {"Cuisine collective du Nord", "Aide aux devoirs"}
    english = {r["title"]: r for r in _table_rows(payload, "en")}
    assert english["Cuisine collective du Nord"]["follow_up"] == "completed · ended: 2024-06-30 · 120 people reached"
    assert english["Aide aux devoirs"]["follow_up"] == "ongoing"


def test_the_table_has_a_suivi_column_in_both_languages():
    assert [c["headerName"] for c in table.columns("fr") if c["field"] == "follow_up"] == ["Suivi"]
    assert [c["headerName"] for c in table.columns("en") if c["field"] == "follow_up"] == ["Follow-up"]


def test_the_status_filter_is_in_the_permalink_and_all_by_default():
    view = View(filters=Filters(statuses=("completed",)))
    assert view_to_query(view) == "status=completed"
    read, ignored = view_from_query("status=completed,fini")
    assert read.filters.statuses == ("completed",) and ignored == ["status=fini"]
    assert view_from_query("")[0].filters.statuses == ()  # « tous »
    projects = dataset.current().projects
    assert metrics.filter_mask(projects, Filters()).sum() == metrics.filter_mask(projects, Filters(statuses=())).sum()
    assert metrics.filter_mask(projects, Filters(statuses=("completed",))).sum() == 0  # the curated data: no follow-up


def test_the_first_paint_form_has_a_status_list_with_tous_first():
    import app as application

    page = application.server.test_client().get("/?status=ongoing").get_data(as_text=True)
    assert 'name="status"' in page and '<option value="">Tous</option>' in page
    assert '<option value="ongoing" selected>en cours</option>' in page


# ---------------------------------------------------------------- exports


def test_the_exports_carry_the_follow_up_in_the_visitors_language():
    projects = _prepared(importer.import_spreadsheet(_xlsx(FRENCH_HEADERS, FRENCH_ROWS), "suivi.xlsx"))
    french = export.project_table(projects, "fr").set_index("Projet")
    assert french.loc["Cuisine collective du Nord", "Statut"] == "terminé"
    assert french.loc["Cuisine collective du Nord", "Personnes rejointes"] == 120
    assert french.loc["Cuisine collective du Nord", "Lien du rapport"] == "https://exemple.org/rapport-cuisine.pdf"
    assert pd.isna(french.loc["Épicerie solidaire", "Statut"])
    english = export.project_table(projects, "en")
    csv_text = export.to_csv_bytes(english).decode("utf-8-sig")
    assert "Status,Actual end date,People reached,Report link" in csv_text and ",completed,2024-06-30,120," in csv_text
    french_csv = export.to_french_csv_bytes(export.project_table(projects, "fr")).decode("utf-8-sig")
    assert ";terminé;2024-06-30;120;https://exemple.org/rapport-cuisine.pdf;" in french_csv
    book = openpyxl.load_workbook(io.BytesIO(export.to_xlsx_bytes(export.project_table(projects, "fr"), "Projets")))
    values = [[c.value for c in row] for row in book.active.iter_rows()]
    status, people = values[0].index("Statut"), values[0].index("Personnes rejointes")
    assert ("terminé", 120) in [(row[status], row[people]) for row in values[1:]]


def test_the_data_package_describes_the_follow_up_fields():
    fields = {f.key: datapackage.field_descriptor(f, "fr") for f in export.PROJECT_FIELDS}
    assert fields["status"]["constraints"]["enum"] == ["prévu", "en cours", "terminé", "abandonné"]
    assert fields["people_reached"]["type"] == "integer" and fields["people_reached"]["constraints"] == {"minimum": 0}
    for key in ("status", "actual_end_date", "people_reached", "report_url"):
        assert "vide" in fields[key]["description"]  # says what an empty cell means
    english = {f.key: datapackage.field_descriptor(f, "en") for f in export.PROJECT_FIELDS}
    assert english["status"]["constraints"]["enum"] == ["planned", "ongoing", "completed", "abandoned"]


# ---------------------------------------------------------------- a publication: territory page and API


@pytest.fixture
def published(database_url, monkeypatch):
    """The French file published by Lanaudière's coordinator and approved; the public data follow."""
    monkeypatch.setenv("CARTE_DATA_CHECK_SECONDS", "0")
    dataset._public_watcher.cache_clear()
    coord = make_user("coord@lanaudiere.example", "coordinator", "lanaudiere")
    op = make_user("op@example.org", "operator", None)
    with db.session() as s:
        draft = store.upload(s, store.Actor(coord), "lanaudiere", _xlsx(FRENCH_HEADERS, FRENCH_ROWS), "suivi.xlsx",
                             dataset.load.load_projects())
        store.submit(s, store.Actor(coord), draft.id, "")
        store.approve(s, store.Actor(op), draft.id)
    yield
    dataset._public_watcher.cache_clear()


def _texts(component) -> str:
    return json.dumps(component.to_plotly_json(), default=lambda o: o.to_plotly_json(), ensure_ascii=False)


def _current_with_publication():
    import time

    end = time.monotonic() + 5
    while dataset.current().key != "public@1" and time.monotonic() < end:
        time.sleep(0.05)
    return dataset.current()


def test_a_publication_carries_the_follow_up_to_the_territory_page_and_the_api(published):
    import flask

    from pages import territory_page
    from web import api

    data = _current_with_publication()
    mine = data.projects[data.projects.published_by.notna()].set_index("title")
    assert mine.loc["Cuisine collective du Nord", "status"] == "completed"
    assert mine.loc["Cuisine collective du Nord", "people_reached"] == 120

    page = _texts(territory_page.region_layout("14", "fr"))
    counted = int(((data.projects.region_code == "14") & metrics.filter_mask(data.projects, Filters())).sum())
    assert f"2 projets sur {counted} ont un suivi publié" in page
    assert "terminé · fin réelle : 2024-06-30 · 120 personnes rejointes" in page and "en cours" in page
    english = _texts(territory_page.region_layout("14", "en"))
    assert f"2 projects of {counted} have published follow-up" in english
    assert "completed · ended: 2024-06-30 · 120 people reached" in english and "terminé" not in english
    mrc_page = _texts(territory_page.mrc_layout("les-moulins", "fr"))  # « Aide aux devoirs »: en cours
    assert "1 projet sur " in mrc_page and " a un suivi publié" in mrc_page

    server = flask.Flask("api-test")
    api.register(server)
    client = server.test_client()
    answer = client.get("/api/projects?region=14&status=completed&per_page=500").get_json()
    assert [r["title"] for r in answer["results"]] == ["Cuisine collective du Nord"]
    assert answer["results"][0]["status"] == "terminé" and answer["results"][0]["people_reached"] == 120
    english_csv = client.get("/api/projects?region=14&status=ongoing&format=csv&lang=en").get_data().decode("utf-8-sig")
    assert "Aide aux devoirs" in english_csv and ",ongoing," in english_csv and "Cuisine collective" not in english_csv


def test_the_real_data_say_honestly_that_no_project_has_a_follow_up():
    from pages import territory_page

    page = _texts(territory_page.region_layout("14", "fr"))
    assert "Aucun projet n'a de suivi publié" in page and "ont un suivi publié" not in page
    assert "No project has published follow-up" in _texts(territory_page.region_layout("14", "en"))


def test_the_presentation_lists_each_projects_status():
    from pages import presentation

    projects = _prepared(importer.import_spreadsheet(_xlsx(FRENCH_HEADERS, FRENCH_ROWS), "suivi.xlsx"))
    items = [_texts(presentation._project_item(row, "fr")) for row in projects.itertuples()]
    assert any("pres-project-status" in i and "terminé · fin réelle : 2024-06-30" in i for i in items)
    assert sum("pres-project-status" in i for i in items) == 2  # the project without follow-up says nothing
    english = [_texts(presentation._project_item(row, "en")) for row in projects.itertuples()]
    assert any("completed · ended: 2024-06-30 · 120 people reached" in i for i in english)
