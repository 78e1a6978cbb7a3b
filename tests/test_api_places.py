"""GET /api/places: the place search of the map and of /lieu, as JSON, described in the OpenAPI description."""
from __future__ import annotations

import flask
import pytest

from geo import layers
from web import api


@pytest.fixture(scope="module")
def client():
    app = flask.Flask(__name__)
    api.register(app)
    return app.test_client()


def test_a_town_gives_its_mrc_region_and_the_map_address(client):
    response = client.get("/api/places?q=St-J%C3%A9r%C3%B4me")
    assert response.status_code == 200 and response.mimetype == "application/json"
    body = response.json
    assert body["count"] == 1
    assert body["target"] == {"level": "mrc", "id": "la-riviere-du-nord", "map_url": "/?level=mrc&mrc=la-riviere-du-nord"}
    (place,) = body["results"]
    assert place["label"] == "Saint-Jérôme → MRC La Rivière-du-Nord (Laurentides)"
    row = layers.municipalities().set_index("name").loc["Saint-Jérôme"]
    assert (place["mcode"], place["population"], place["region_code"], place["match"]) == (
        row.mcode, int(row.population), "15", "exact")
    assert place["page_url"] == "/mrc/la-riviere-du-nord"


def test_a_shared_name_gives_every_mrc_and_no_target(client):
    body = client.get("/api/places?q=saint-donat").json
    every = layers.municipalities()
    expected = set(every.mrc_id[every.name == "Saint-Donat"])
    assert len(expected) == 2
    assert {p["mrc_id"] for p in body["results"] if p["name"] == "Saint-Donat"} == expected
    assert body["target"] is None


def test_a_near_miss_gets_suggestions_in_the_asked_language(client):
    body = client.get("/api/places?q=Rimousky&lang=en").json
    assert body["count"] == 0 and body["results"] == []
    assert body["suggestions"][0]["name"] == "Rimouski"
    assert body["suggestions"][0]["map_url"] == "/?level=mrc&mrc=rimouski-neigette&lang=en"
    assert body["suggestions"][0]["label"] == "Rimouski → MRC Rimouski-Neigette (Bas-Saint-Laurent)"


def test_kind_limit_and_unknown_parameters(client):
    body = client.get("/api/places?q=saint&kind=mrc&limit=3&regions=05").json
    assert {p["kind"] for p in body["results"]} == {"mrc"} and len(body["results"]) == 3
    assert body["count"] > 3
    assert body["ignored"] == {"regions": ["05"]}
    assert client.get("/api/places?q=saint&limit=0").status_code == 400
    assert client.get("/api/places?q=saint&limit=51").json["parameter"] == "limit"
    forged = client.get("/api/places?kind=volcano&q=Laval").json
    assert forged["ignored"] == {"kind": ["volcano"]} and forged["target"]["id"] == "laval"


def test_hostile_queries_are_bounded(client):
    body = client.get("/api/places?q=" + "Laval" * 2000).json
    assert len(body["query"]) <= 100
    assert client.get("/api/places").json["results"] == []
    assert client.get("/api/places?q=%3Cscript%3E").status_code == 200


def test_the_description_names_the_route_and_its_parameters():
    description = api.openapi.description()
    operation = description["paths"]["/api/places"]["get"]
    assert {p["name"] for p in operation["parameters"]} == {"q", "kind", "limit", "lang"}
    assert "PlacesPage" in description["components"]["schemas"]
