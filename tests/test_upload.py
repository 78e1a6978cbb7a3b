"""A coordinator's spreadsheet through the upload: report, session store, hostile stores."""
from __future__ import annotations

import base64
from pathlib import Path

import openpyxl

from components.own_file import upload
from data.spreadsheet import MAX_FILE_BYTES
from web import templates

FIXTURES = Path(__file__).parent / "fixtures" / "import"


def _data_url(data: bytes, mime: str = "text/csv") -> str:
    return f"data:{mime};base64," + base64.b64encode(data).decode()


def test_a_valid_file_becomes_a_session_dataset():
    payload, report = upload.read_upload(_data_url((FIXTURES / "coordinator_clean.csv").read_bytes()),
                                         "coordinator_clean.csv", "fr")
    assert payload["file"] == "coordinator_clean.csv" and len(payload["projects"]) == 2
    assert "2 valides" in str(report) and "(s)" not in str(report)
    data = upload.active_dataset("upload", payload)
    assert len(data.projects) == 2 and data is not upload.current()
    assert {"map_lon", "map_lat", "counted_mrc"} <= set(data.projects.columns)


def test_a_file_with_errors_lists_each_rejected_row_and_column():
    payload, report = upload.read_upload(_data_url((FIXTURES / "coordinator_messy.csv").read_bytes()),
                                         "coordinator_messy.csv", "fr")
    text = str(report)
    assert payload is not None and len(payload["projects"]) == 7
    for row, column in ((11, "MRC/TE"), (12, "Montant FQIS"), (13, "Nom du Projet"), (15, "Ville")):
        assert f"'{row}'" in text and column in text


def test_oversized_and_wrong_files_get_a_clear_message_and_no_data():
    big = _data_url(b"x" * (MAX_FILE_BYTES + 10))
    payload, report = upload.read_upload(big, "enorme.csv", "fr")
    assert payload is None and "dépasse la taille permise" in str(report)
    payload, report = upload.read_upload(_data_url(b"\x89PNG\r\n\x1a\n fake", "image/png"), "photo.png", "fr")
    assert payload is None and ("photo.png" in str(report) or "ne peut pas être lu" in str(report))
    payload, report = upload.read_upload("not a data url", "x.csv", "fr")
    assert payload is None


def test_a_forged_store_falls_back_to_the_public_data():
    public = upload.current()
    assert upload.active_dataset("upload", {"projects": [{"title": "<script>", "region_code": "99"}]}) is public
    assert upload.active_dataset("upload", {"projects": "DROP"}) is public
    assert upload.active_dataset("upload", None) is public
    assert upload.active_dataset("public", {"projects": []}) is public


def test_the_template_has_the_expected_columns_and_two_example_rows(tmp_path):
    from flask import Flask
    server = Flask(__name__)
    templates.register(server)
    response = server.test_client().get("/modele/projets.xlsx")
    assert response.status_code == 200
    path = tmp_path / "modele.xlsx"
    path.write_bytes(response.data)
    rows = list(openpyxl.load_workbook(path).active.iter_rows(values_only=True))
    assert list(rows[0]) == templates.TEMPLATE_COLUMNS and len(rows) == 3
    from data.importer import import_spreadsheet
    result = import_spreadsheet(response.data, "modele-projets.xlsx")
    assert result.rows_valid == 2 and not result.errors  # the template itself imports cleanly


def test_with_the_visitor_s_file_on_screen_the_downloads_are_that_file_as_filtered(monkeypatch):
    import io

    import pandas as pd
    from dash._callback_context import context_value
    from dash._utils import AttributeDict

    from components.state import AMOUNT_STEPS
    from pages import dashboard

    payload, _ = upload.read_upload(_data_url((FIXTURES / "coordinator_clean.csv").read_bytes()),
                                    "coordinator_clean.csv", "fr")
    inputs = ["region", "amount", [], [], [], [], [], [0, len(AMOUNT_STEPS) - 1], "", None, [], "upload", payload, "fr"]
    shown = dashboard.update_view(*inputs)[9]  # the downloads block
    assert "votre fichier" in str(shown) and "/api/projects" not in str(shown)
    public = dashboard.update_view(*inputs[:11], "public", payload, "fr")[9]
    assert "/api/projects" in str(public)

    context_value.set(AttributeDict(triggered_inputs=[{"prop_id": '{"file":"projects_csv","type":"upload-download"}.n_clicks',
                                                       "value": 1}]))
    sent = dashboard.download_upload([1, 0, 0, 0], *inputs)
    table = pd.read_csv(io.BytesIO(downloads_bytes(sent)), sep=None, engine="python")
    assert len(table) == len(payload["projects"]) == 2  # the visitor's 2 projects, not the 35 public ones
    assert sent["filename"] == "projets-coordinator_clean.csv"


def downloads_bytes(sent: dict) -> bytes:
    import base64 as b64
    return b64.b64decode(sent["content"]) if sent.get("base64") else sent["content"].encode()
