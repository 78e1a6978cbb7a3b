"""The downloads a visitor takes away (issue 23, bullet 7): the territory export follows the region
filter, a CSV for a French-language Excel (« ; », decimal comma, UTF-8 BOM) holds the same table as the
standard CSV, and yes/no cells say « oui » / « non » (« yes » / « no » in English)."""
from __future__ import annotations

import io

import flask
import pandas as pd
import pytest

from components.map.scope import territories_kept
from data.metrics import Filters
from web import api

LANAUDIERE_MRC = ["d-autray", "joliette", "l-assomption", "les-moulins", "matawinie", "montcalm"]


@pytest.fixture(scope="module")
def client():
    app = flask.Flask(__name__)
    api.register(app)
    return app.test_client()


def _standard(body: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(body), encoding="utf-8-sig", dtype=str, keep_default_na=False)


def _french(body: bytes) -> pd.DataFrame:
    return pd.read_csv(io.BytesIO(body), sep=";", decimal=",", encoding="utf-8-sig", dtype=str, keep_default_na=False)


def test_the_territory_export_keeps_the_mrc_of_the_chosen_region(client):
    table = _standard(client.get("/api/territories?level=mrc&region=14&format=csv").data)
    assert sorted(table["Identifiant de la MRC"]) == LANAUDIERE_MRC
    answer = client.get("/api/territories?level=mrc&region=14").get_json()
    assert answer["count"] == 6 and len(answer["results"]) == 6
    # At region level, a chosen MRC keeps its region; with no filter, every territory is there.
    assert list(_standard(client.get("/api/territories?level=region&mrc=rimouski-neigette&format=csv").data)
                .iloc[:, 0]) == ["01"]
    assert len(_standard(client.get("/api/territories?level=mrc&format=csv").data)) == 104
    assert list(territories_kept("mrc", Filters(regions=("14",)))) == LANAUDIERE_MRC


@pytest.mark.parametrize("path", ["/api/territories?level=mrc&region=14", "/api/territories?level=region",
                                  "/api/projects?region=14", "/api/envelopes?cycle=pagieps-2017-2023"])
def test_the_french_excel_csv_reads_back_as_the_standard_csv(client, path):
    standard = client.get(path + "&format=csv")
    french = client.get(path + "&format=csv-fr")
    assert french.status_code == 200 and french.mimetype == "text/csv"
    assert french.data.startswith("\ufeff".encode()) and b";" in french.data.splitlines()[0]
    assert "excel-fr.csv" in french.headers["Content-Disposition"]
    numbers = pd.read_csv(io.BytesIO(standard.data), encoding="utf-8-sig")
    read_back = pd.read_csv(io.BytesIO(french.data), sep=";", decimal=",", encoding="utf-8-sig")
    pd.testing.assert_frame_equal(read_back, numbers)
    # A French Excel sees decimal commas: no number is written with a point.
    decimals = [c for c in numbers.columns if numbers[c].dtype == float and (numbers[c] % 1).fillna(0).any()]
    for column in decimals:
        assert not _french(french.data)[column].str.contains(".", regex=False).any()


def test_yes_no_cells_say_oui_non_and_yes_no(client):
    fr = _standard(client.get("/api/projects?format=csv").data)
    en = _standard(client.get("/api/projects?format=csv&lang=en").data)
    inferred_fr, inferred_en = fr["Déduit plutôt que lu dans la source"], en.iloc[:, fr.columns.get_loc(
        "Déduit plutôt que lu dans la source")]
    assert "rien" not in set(inferred_fr) and "nothing" not in set(inferred_en)
    assert "non" in set(inferred_fr) and "no" in set(inferred_en)
    territories = _standard(client.get("/api/territories?level=mrc&format=csv").data)
    assert set(territories["Population estimée"]) <= {"oui", "non"}
