"""The exports for data users: the Frictionless data package and the GeoJSON of the territories."""
from __future__ import annotations

import csv
import io
import json
import zipfile

import flask
import pytest
import shapely
from frictionless import Package, Resource, validate
from shapely.geometry import shape

from components import dataset
from data import export, metrics
from web import api

# Québec's extent with a margin (its southern border is near 45° N, Cap Wolstenholme near 62.6° N).
QUEBEC_BOUNDS = (-80.0, 44.9, -57.0, 62.7)
BOM = b"\xef\xbb\xbf"


@pytest.fixture(scope="module")
def client():
    app = flask.Flask(__name__)
    api.register(app)
    dataset.current()
    return app.test_client()


def _csv_rows(data: bytes) -> list[dict[str, str]]:
    assert data.startswith(BOM)
    return list(csv.DictReader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))


# ---------------------------------------------------------------- data package

def _extracted(client, tmp_path) -> Package:
    response = client.get("/api/datapackage.zip")
    assert response.status_code == 200 and response.mimetype == "application/zip"
    zipfile.ZipFile(io.BytesIO(response.data)).extractall(tmp_path)
    return tmp_path / "datapackage.json"


def test_the_zipped_package_validates_with_zero_errors(client, tmp_path):
    report = validate(str(_extracted(client, tmp_path)))
    errors = [(task.name, e.type, e.message) for task in report.tasks for e in task.errors] + \
             [(None, e.type, e.message) for e in report.errors]
    assert report.valid and errors == []
    assert {task.name for task in report.tasks} == {"projets", "projets-pagsis-2010-2015", "enveloppes",
                                                    *(f"territoires-{lv}" for lv in metrics.LEVELS)}


def test_the_two_plans_are_two_tables_that_together_hold_every_project(client, tmp_path):
    """The 2010–2015 plan is never added to the later cycles: its projects are a table of their own."""
    _extracted(client, tmp_path)
    later = list(csv.DictReader(io.StringIO((tmp_path / "projets.csv").read_text(encoding="utf-8-sig"))))
    old = list(csv.DictReader(io.StringIO((tmp_path / "projets-pagsis-2010-2015.csv").read_text(encoding="utf-8-sig"))))
    ids = [row["Identifiant du projet"] for row in later + old]
    assert len(old) > 0 and sorted(ids) == sorted(dataset.current().projects.project_id)
    assert {row["Cycle"] for row in old} == {"PAGSIS 2010–2015"}


def test_the_descriptor_served_online_describes_the_apis_own_csv_files(client, tmp_path):
    descriptor = client.get("/api/datapackage.json").get_json()
    assert len(descriptor["resources"]) == 3 + len(metrics.LEVELS)
    for resource in descriptor["resources"]:
        url = resource["path"]
        assert url.startswith("http://localhost/api/") and "format=csv" in url
        # The bytes the API serves at that address, checked against the descriptor's schema.
        served = client.get(url.removeprefix("http://localhost"))
        assert served.status_code == 200
        local = tmp_path / f"{resource['name']}.csv"
        local.write_bytes(served.data)
        report = Resource({**resource, "path": local.name}, basepath=str(tmp_path)).validate()
        assert report.valid, [e.message for task in report.tasks for e in task.errors]


def test_the_descriptor_says_units_missing_values_sources_and_date(client):
    descriptor = client.get("/api/datapackage.json").get_json()
    assert descriptor["created"][:10] == descriptor["version"] and descriptor["version"] in descriptor["description"]
    assert all(source["path"].startswith("https://") for source in descriptor["sources"])
    projects = next(r for r in descriptor["resources"] if r["name"] == "projets")
    assert projects["schema"]["missingValues"] == [""]
    amount = next(f for f in projects["schema"]["fields"] if f["name"] == "Montant FQIS ($)")
    assert amount["type"] == "number" and amount["unit"] == "CAD"
    territories = next(r for r in descriptor["resources"] if r["name"] == "territoires-mrc")
    assert territories["licenses"] and territories["sources"]


def test_a_csv_that_breaks_its_schema_is_caught(client, tmp_path):
    """The validation above can fail: a text in an amount column is an error."""
    path = _extracted(client, tmp_path)
    projects = tmp_path / "projets.csv"
    rows = projects.read_bytes().decode("utf-8-sig").split("\r\n")
    header = next(csv.reader([rows[0]]))
    cells = next(csv.reader([rows[1]]))
    cells[header.index("Montant FQIS ($)")] = "beaucoup"
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerow(cells)
    rows[1] = buffer.getvalue().rstrip("\r\n")
    projects.write_bytes("\r\n".join(rows).encode("utf-8-sig"))
    report = validate(str(path))
    assert not report.valid
    assert "type-error" in {e.type for task in report.tasks for e in task.errors}


# ---------------------------------------------------------------- GeoJSON

def _rings(geometry):
    polygons = geometry.geoms if geometry.geom_type == "MultiPolygon" else [geometry]
    for polygon in polygons:
        yield polygon.exterior, True
        for hole in polygon.interiors:
            yield hole, False


@pytest.mark.parametrize("level", metrics.LEVELS)
def test_geojson_is_valid_rfc7946_in_quebec(client, level):
    response = client.get(f"/api/territories?level={level}&format=geojson")
    assert response.status_code == 200 and response.mimetype == "application/geo+json"
    collection = json.loads(response.data)
    assert collection["type"] == "FeatureCollection" and "crs" not in collection  # RFC 7946: WGS 84, no crs
    assert collection["features"]
    for feature in collection["features"]:
        assert feature["type"] == "Feature" and feature["id"] == feature["properties"]["territory_id"]
        geometry = shape(feature["geometry"])
        assert geometry.geom_type in ("Polygon", "MultiPolygon")
        assert geometry.is_valid, (feature["id"], shapely.is_valid_reason(geometry))
        for ring, exterior in _rings(geometry):
            assert ring.is_ccw == exterior, (feature["id"], "exterior counter-clockwise, holes clockwise")
        west, south, east, north = geometry.bounds
        assert QUEBEC_BOUNDS[0] <= west and east <= QUEBEC_BOUNDS[2], feature["id"]
        assert QUEBEC_BOUNDS[1] <= south and north <= QUEBEC_BOUNDS[3], feature["id"]


def test_geojson_draws_the_maps_own_simplified_shapes(client):
    from geo import layers

    drawn = json.loads(layers.layer_path("mrc").read_text())
    exported = json.loads(client.get("/api/territories?level=mrc&format=geojson").data)
    drawn_shapes = {f["id"]: shape(f["geometry"]) for f in drawn["features"]}
    for feature in exported["features"]:
        # Same vertices (re-oriented only): the symmetric difference is empty.
        assert shape(feature["geometry"]).equals(drawn_shapes[feature["id"]]), feature["id"]


@pytest.mark.parametrize("query", ["level=mrc", "level=region&measure=amount", "level=alliance&region=14",
                                   "level=mrc&theme=logement"])
def test_geojson_numbers_equal_the_csvs(client, query):
    """Every cell of the CSV (English headers, same column order as the JSON keys) equals its property."""
    features = json.loads(client.get(f"/api/territories?{query}&format=geojson&lang=en").data)["features"]
    response = client.get(f"/api/territories?{query}&format=csv&lang=en")
    header, *rows = list(csv.reader(io.StringIO(response.data[len(BOM):].decode("utf-8"), newline="")))
    assert len(features) == len(rows)
    level = query.split("&")[0].removeprefix("level=")
    kinds = {f.key: f.kind for f in export.territory_fields(level)}
    keys = list(features[0]["properties"])
    assert len(keys) == len(header) and set(keys) == set(kinds)
    if query == "level=mrc":  # the comparison below compares some real amounts, not only blanks
        assert any(f["properties"]["amount"] is not None for f in features)
    for feature, row in zip(features, rows):
        for key, cell in zip(keys, row):
            value = feature["properties"][key]
            assert (cell == "") == (value is None), (key, cell, value)  # unknown is empty, never 0
            if value is None:
                continue
            if kinds[key] in ("money", "integer", "year", "percent"):
                assert float(cell) == pytest.approx(float(value), rel=1e-12), (key, cell, value)
            elif kinds[key] == "flag":
                assert cell == ("yes" if value else "no"), (key, cell, value)
            else:
                assert cell == value, (key, cell, value)
