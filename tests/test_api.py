"""The read-only API: the page's filters as query parameters, the page's totals, hostile input cleaned."""
from __future__ import annotations

import csv
import io
from urllib.parse import quote_from_bytes, urlencode

import flask
import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import load_workbook

from components import dataset
from components.dataset import Dataset
from components.state import view_from_inputs
from data import load, metrics
from data.metrics import Filters
from data.schema import ENVELOPE_COLUMNS
from geo import layers
from tests.fixtures_projects import small_projects
from web import api

BOM = b"\xef\xbb\xbf"


def _small() -> Dataset:
    projects = metrics.prepare_projects(small_projects()).set_index("project_id", drop=False)
    return Dataset(projects, pd.DataFrame(columns=list(ENVELOPE_COLUMNS)), demo=False)


_REAL: list[Dataset] = []


def _real() -> Dataset:
    if not _REAL:
        projects = metrics.prepare_projects(load.load_projects()).set_index("project_id", drop=False)
        _REAL.append(Dataset(projects, load.load_envelopes(), demo=False))
    return _REAL[0]


@pytest.fixture
def client():
    app = flask.Flask(__name__)
    api.register(app)
    return app.test_client()


@pytest.fixture
def small(monkeypatch) -> Dataset:
    data = _small()
    monkeypatch.setattr(dataset, "current", lambda: data)
    return data


@pytest.fixture
def real(monkeypatch) -> Dataset:
    data = _real()
    monkeypatch.setattr(dataset, "current", lambda: data)
    return data


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))


# ---------------------------------------------------------------- /api/projects

def test_projects_json_shape_and_headers(client, small):
    response = client.get("/api/projects")
    assert response.status_code == 200
    assert response.headers["Cache-Control"] == "public, max-age=300"
    assert response.mimetype == "application/json"
    assert "é".encode() in response.data and b"\\u00e9" not in response.data  # ensure_ascii=False
    body = response.get_json()
    assert {"count", "page", "per_page", "pages", "total_amount", "filters", "results", "ignored"} <= set(body)
    assert body["count"] == 5 and body["total_amount"] == 200_000 and body["page"] == 1 and body["per_page"] == 100
    row = body["results"][2]
    assert row["project_id"] == "c" and row["amount_fqis"] is None  # unknown amount → null, not 0
    assert list(body["results"][0]) == [f.key for f in api.export.PROJECT_FIELDS]
    assert body["filters"]["region"] == [] and body["ignored"] == {}


# (query parameters, the same choices as the page's widgets would send them)
SAME_VIEW = [
    ({}, {}),
    ({"region": "04"}, {"regions": ["04"]}),
    ({"region": ["06", "05"]}, {"regions": ["06", "05"]}),
    ({"region": "06,05"}, {"regions": ["06", "05"]}),
    ({"theme": "logement"}, {"themes": ["logement"]}),
    ({"mandataire": "lanaudiere"}, {"alliances": ["lanaudiere"]}),
    ({"cycle": "plan-2024-2029"}, {"cycles": ["plan-2024-2029"]}),
    ({"mrc": "montreal,les-moulins"}, {"mrcs": ["montreal", "les-moulins"]}),
    ({"amount_min": "10000", "amount_max": "100000"}, {"amount": [2, 5]}),
    ({"amount_min": "25000"}, {"amount": [3, 8]}),
    ({"q": "cuisine"}, {"text": "cuisine"}),
    ({"q": "  Maison  "}, {"text": "  Maison  "}),
    ({"region": "14", "amount_max": "50000", "cycle": "pagieps-2017-2023"},
     {"regions": ["14"], "amount": [0, 4], "cycles": ["pagieps-2017-2023"]}),
]


@pytest.mark.parametrize("params, widgets", SAME_VIEW)
def test_totals_equal_the_page_for_the_same_filters(client, real, params, widgets):
    filters = view_from_inputs(**widgets).filters  # what the page builds from its widgets
    chosen = metrics.filter_projects(real.projects, filters)
    head = metrics.headline(chosen, filters)
    body = client.get("/api/projects?" + urlencode(params | {"per_page": api.openapi.MAX_PER_PAGE}, doseq=True)).get_json()
    assert body["count"] == head.n_projects == len(chosen)
    assert body["total_amount"] == (None if head.total is None else pytest.approx(head.total))
    assert body["count_with_amount"] == head.n_with_amount
    assert body["population"] == head.population
    assert [r["project_id"] for r in body["results"]] == list(chosen.project_id)


def _without_old_plan(projects):
    """What a query with no cycle lists: the 2010–2015 plan is shown only on its own (data.metrics)."""
    return projects[projects.cycle.fillna("") != "pagsis-2010-2015"]


def test_filters_actually_narrow(client, real):
    everything = client.get("/api/projects").get_json()
    lanaudiere = client.get("/api/projects?region=14").get_json()
    # With no cycle, every project but the 2010–2015 plan's, which is only ever shown on its own.
    assert everything["count"] == (real.projects.cycle != "pagsis-2010-2015").sum()
    old_plan = client.get("/api/projects?cycle=pagsis-2010-2015").get_json()
    assert old_plan["count"] == (real.projects.cycle == "pagsis-2010-2015").sum() > 0
    assert 0 < lanaudiere["count"] < everything["count"]
    assert {r["region_name"] for r in lanaudiere["results"]} == {"Lanaudière"}
    assert lanaudiere["filters"]["region"] == ["14"]


@pytest.mark.parametrize("per_page", [1, 2, 3, 7, 35, 1000])
def test_pagination_covers_every_row_exactly_once(client, real, per_page):
    shown = _without_old_plan(real.projects)
    n = len(shown)
    first = client.get(f"/api/projects?per_page={per_page}").get_json()
    assert first["pages"] == -(-n // per_page)
    seen = []
    for page in range(1, first["pages"] + 1):
        body = client.get(f"/api/projects?per_page={per_page}&page={page}").get_json()
        assert body["page"] == page and len(body["results"]) <= per_page
        seen += [r["project_id"] for r in body["results"]]
    assert len(seen) == len(set(seen)) == n
    assert seen == list(shown.project_id)
    beyond = client.get(f"/api/projects?per_page={per_page}&page={first['pages'] + 1}").get_json()
    assert beyond["results"] == [] and beyond["count"] == n


def test_projects_csv_is_the_whole_filtered_table(client, real):
    response = client.get("/api/projects?format=csv&per_page=1&page=2&region=14")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == "attachment; filename=projets.csv"
    assert response.mimetype == "text/csv" and response.headers["Cache-Control"] == "public, max-age=300"
    rows = _csv_rows(response.data)
    expected = metrics.filter_projects(real.projects, Filters(regions=("14",)))
    assert rows[0][:2] == ["Identifiant du projet", "Projet"]
    assert [r[0] for r in rows[1:]] == list(expected.project_id)  # every row, not one page


def test_projects_csv_in_english_and_xlsx(client, real):
    english = _csv_rows(client.get("/api/projects?format=csv&lang=en").data)
    assert english[0][:2] == ["Project id", "Project"] and len(english) == len(_without_old_plan(real.projects)) + 1
    response = client.get("/api/projects?format=xlsx&region=14")
    assert response.headers["Content-Disposition"] == "attachment; filename=projets.xlsx"
    sheet = load_workbook(io.BytesIO(response.data)).active
    csv_ids = [r[0] for r in _csv_rows(client.get("/api/projects?format=csv&region=14").data)]
    assert [row[0] for row in sheet.iter_rows(values_only=True)] == csv_ids


# ---------------------------------------------------------------- /api/territories

@pytest.mark.parametrize("level, rows", [("mrc", 104), ("region", 17), ("alliance", 20)])
def test_territories_one_row_per_territory(client, real, level, rows):
    body = client.get(f"/api/territories?level={level}").get_json()
    assert body["count"] == len(body["results"]) == rows
    assert len({r["territory_id"] for r in body["results"]}) == rows
    assert len(_csv_rows(client.get(f"/api/territories?level={level}&format=csv").data)) == rows + 1


@pytest.mark.parametrize("measure, key", [("amount", "amount"), ("per_capita", "per_capita"),
                                          ("count", "n_projects"), ("envelope", "envelope"),
                                          ("envelope_per_capita", "envelope_per_capita"),
                                          ("documented_share", "documented_share")])
def test_territories_sorted_by_measure_with_no_data_last(client, real, measure, key):
    body = client.get(f"/api/territories?level=region&measure={measure}").get_json()
    values = [r[key] for r in body["results"]]
    if measure == "count":
        values = [v or None for v in values]  # 0 known projects is no data, as on the map
    known = [v for v in values if v is not None]
    assert known, "the curated data has values for every measure"
    assert values[:len(known)] == known and all(v is None for v in values[len(known):])
    assert known == sorted(known, reverse=True)


def test_territories_totals_follow_the_filters(client, real):
    body = client.get("/api/territories?level=mrc&measure=amount&region=14").get_json()
    chosen = metrics.filter_projects(real.projects, Filters(regions=("14",)))
    agg = metrics.aggregate(chosen, "mrc", real.envelopes)
    amounts = {r["territory_id"]: r["amount"] for r in body["results"] if r["amount"] is not None}
    assert amounts == pytest.approx(agg.amount.dropna().to_dict())
    assert body["total_amount"] == pytest.approx(metrics.headline(chosen, Filters(regions=("14",))).total)
    regional = metrics.unattributed_by_region(chosen).amount.sum(min_count=1)
    assert (body["amount_counted_at_region_only"] or 0) == pytest.approx(0 if pd.isna(regional) else regional)
    assert sum(amounts.values()) + (body["amount_counted_at_region_only"] or 0) == pytest.approx(body["total_amount"])


def _region_envelopes_in_the_file(cycle: str) -> dict[str, float]:
    """data/envelopes.csv read plainly: the region-level envelope amounts of `cycle` (one per region)."""
    with open(load.ENVELOPES_PATH, encoding="utf-8", newline="") as handle:
        return {row["region_code"]: float(row["amount"]) for row in csv.DictReader(handle)
                if row["kind"] == "envelope" and row["cycle"] == cycle and row["territory_level"] == "region"
                and row["amount"].strip()}


def test_with_the_2017_2023_cycle_every_region_with_a_known_envelope_is_coloured_and_the_api_agrees(client, real):
    from components.state import View
    from components.map import summary
    cycle = "pagieps-2017-2023"
    expected = _region_envelopes_in_the_file(cycle)
    assert len(expected) >= 10, "the curated file holds the 2017–2023 envelopes of at least ten regions"
    view = View(level="region", measure="envelope", filters=Filters(cycles=(cycle,)))
    page_data = Dataset(dataset.prepare_for_map(load.load_projects()), real.envelopes, demo=False)
    shown = summary.compute(view, page_data)["data"]
    coloured = dict(zip(shown["locations"], shown["z"]))
    assert set(expected) <= set(coloured)
    for code, amount in expected.items():
        assert coloured[code] >= amount  # more than one envelope row of a region would add up, never less
    body = client.get(f"/api/territories?level=region&measure=envelope&cycle={cycle}").get_json()
    assert body["envelope_cycle"] == cycle and body["envelope_cycle_chosen"] is True
    from_api = {r["territory_id"]: r["envelope"] for r in body["results"] if r["envelope"] is not None}
    assert from_api == pytest.approx(coloured)


def test_with_no_cycle_chosen_envelopes_show_the_cycle_with_most_territories_known(client, real):
    body = client.get("/api/territories?level=region&measure=envelope").get_json()
    counts = {cycle: len(metrics.envelope_totals(real.envelopes, "region", cycle)) for cycle in
              ("pagsis-2010-2015", "pagieps-2017-2023", "transition-2023-2024", "plan-2024-2029")}
    assert counts[body["envelope_cycle"]] == max(counts.values()) and body["envelope_cycle_chosen"] is False
    known = [r for r in body["results"] if r["envelope"] is not None]
    assert len(known) == max(counts.values())


def test_documented_share_in_the_api_is_documented_over_envelope(client, real):
    body = client.get("/api/territories?level=region&measure=documented_share&cycle=pagieps-2017-2023").get_json()
    shares = [r for r in body["results"] if r["documented_share"] is not None]
    assert shares, "some region has both a 2017–2023 envelope and a project amount of that cycle"
    for row in shares:
        assert row["documented_share"] == pytest.approx(100 * row["documented"] / row["envelope"], abs=0.01)
        assert row["share_over"] == (row["documented_share"] > 100)
    assert all(r["documented_share"] is None for r in body["results"] if r["envelope"] is None)


def test_link_explicit_keeps_only_explicit_ties(client, monkeypatch):
    raw = small_projects().assign(fqis_link=["explicit", "inferred", "explicit", "inferred", "explicit"],
                                  inferred=["", "mrc", "", "", "cycle"])
    data = Dataset(metrics.prepare_projects(raw).set_index("project_id", drop=False),
                   pd.DataFrame(columns=list(ENVELOPE_COLUMNS)), demo=False)
    monkeypatch.setattr(dataset, "current", lambda: data)
    body = client.get("/api/projects?link=explicit").get_json()
    assert [r["project_id"] for r in body["results"]] == ["a", "c", "e"] and body["filters"]["link"] == "explicit"
    assert {r["project_id"]: r["inferred"] for r in body["results"]}["e"] == "cycle"
    every = client.get("/api/projects").get_json()["results"]
    assert {r["project_id"]: r["fqis_link"] for r in every}["b"] == "déduit"
    assert client.get("/api/projects?link=sometimes").status_code == 400
    territories = client.get("/api/territories?level=region&measure=count&link=explicit").get_json()
    assert {r["territory_id"]: r["n_projects"] for r in territories["results"]}["01"] == 2  # a and c, not b


def test_territory_names_in_english(client, real):
    body = client.get("/api/territories?level=alliance&lang=en&measure=count").get_json()
    names = layers.territories("alliance").name_en
    assert all(r["name"] == names[r["territory_id"]] for r in body["results"])
    assert "Alliance pour la solidarité" not in str(body["results"])
    assert body["filters"]["lang"] == "en"


# ---------------------------------------------------------------- /api/envelopes

def test_envelopes_filter_and_paginate(client, real):
    everything = client.get("/api/envelopes?per_page=1000").get_json()
    assert everything["count"] == len(real.envelopes)
    assert "total_amount" not in everything  # kinds and levels overlap: never summed
    body = client.get("/api/envelopes?kind=envelope&region=04").get_json()
    expected = real.envelopes[(real.envelopes.kind == "envelope") & (real.envelopes.region_code == "04")]
    assert body["count"] == len(expected) > 0
    assert {r["envelope_id"] for r in body["results"]} == set(expected.envelope_id)
    assert {r["kind"] for r in body["results"]} == {"Enveloppe"}
    seen = []
    for page in range(1, client.get("/api/envelopes?per_page=9").get_json()["pages"] + 1):
        seen += [r["envelope_id"] for r in client.get(f"/api/envelopes?per_page=9&page={page}").get_json()["results"]]
    assert seen == list(real.envelopes.envelope_id)


def test_envelopes_csv(client, real):
    response = client.get("/api/envelopes?format=csv&cycle=plan-2024-2029")
    assert response.headers["Content-Disposition"] == "attachment; filename=enveloppes.csv"
    rows = _csv_rows(response.data)
    assert len(rows) - 1 == (real.envelopes.cycle == "plan-2024-2029").sum()
    assert rows[0][0] == "Identifiant"


def test_envelope_kind_unknown_is_ignored(client, real):
    body = client.get("/api/envelopes?kind=cap,pizza").get_json()
    assert body["filters"]["kind"] == ["cap"] and body["ignored"] == {"kind": ["pizza"]}
    assert body["count"] == (real.envelopes.kind == "cap").sum()


# ---------------------------------------------------------------- hostile parameters

def test_unknown_ids_are_dropped_and_listed(client, small):
    body = client.get("/api/projects?region=<script>alert(1)</script>&region=05&theme=' OR 1=1 --").get_json()
    assert body["filters"]["region"] == ["05"] and body["filters"]["theme"] == []
    assert body["ignored"] == {"region": ["<script>alert(1)</script>"], "theme": ["' OR 1=1 --"]}
    assert [r["project_id"] for r in body["results"]] == ["e"]


def test_misspelt_parameter_is_reported(client, small):
    body = client.get("/api/projects?regions=01&lang=de").get_json()
    assert body["ignored"] == {"regions": ["01"], "lang": ["de"]}
    assert body["count"] == 5 and body["filters"]["lang"] == "fr"
    csv_response = client.get("/api/projects?format=csv&regions=01")
    assert csv_response.headers["X-Ignored-Parameters"] == "regions"


@pytest.mark.parametrize("query, parameter", [
    ("amount_min=abc", "amount_min"), ("amount_max=1e5", "amount_max"), ("amount_min=-5", "amount_min"),
    ("amount_min=nan", "amount_min"), ("amount_max=inf", "amount_max"), ("amount_min=1,5", "amount_min"),
    ("per_page=-5", "per_page"), ("per_page=0", "per_page"), ("per_page=1001", "per_page"),
    ("per_page=ten", "per_page"), ("page=0", "page"), ("page=1.5", "page"), ("page=99999999999999", "page"),
    ("format=pdf", "format"), ("format=CSV", "format"),
])
def test_malformed_values_are_a_400_naming_the_parameter(client, small, query, parameter):
    response = client.get("/api/projects?" + query)
    assert response.status_code == 400
    assert response.mimetype == "application/json"
    body = response.get_json()
    assert body["parameter"] == parameter and f"« {parameter} »" in body["error"]


@pytest.mark.parametrize("query", ["per_page=ten", "amount_min=abc", "page=0", "format=pdf"])
def test_an_error_speaks_the_language_the_query_asks_for(client, small, query):
    french = client.get("/api/projects?" + query).get_json()["error"]
    english = client.get("/api/projects?lang=en&" + query).get_json()["error"]
    assert french != english
    assert "paramètre" in french and "parameter" in english and "paramètre" not in english


@pytest.mark.parametrize("query, parameter, allowed", [
    ("level=x", "level", ["mrc", "region", "alliance"]),
    ("measure=<b>", "measure", list(metrics.MEASURES)),
    ("format=html", "format", ["json", "csv", "csv-fr", "xlsx", "geojson"]),
])
def test_unknown_words_are_a_400_listing_the_allowed_values(client, small, query, parameter, allowed):
    response = client.get("/api/territories?" + query)
    assert response.status_code == 400
    body = response.get_json()
    assert body["parameter"] == parameter and body["allowed"] == allowed
    assert all(word in body["error"] for word in allowed)


def test_ten_thousand_repeated_parameters(client, small):
    same = client.get("/api/projects?" + "&".join(["region=05"] * 10_000))
    assert same.status_code == 200 and same.get_json()["filters"]["region"] == ["05"]
    distinct = client.get("/api/projects?" + "&".join(f"region={i}" for i in range(10_000)))
    assert distinct.status_code == 400 and distinct.get_json()["parameter"] == "region"
    many_names = client.get("/api/projects?" + "&".join(f"p{i}=x" for i in range(10_000)))
    assert many_names.status_code == 200 and len(many_names.get_json()["ignored"]) == api.MAX_IGNORED_PARAMETERS


def test_long_values_are_cut_in_echoes(client, small):
    body = client.get("/api/projects?region=" + "x" * 5000 + "&q=" + "y" * 5000).get_json()
    assert len(body["ignored"]["region"][0]) <= api.MAX_ECHO + 1
    assert len(body["filters"]["q"]) == 100 and body["count"] == 0


def test_only_get(client, small):
    assert client.post("/api/projects").status_code == 405
    assert client.delete("/api/territories").status_code == 405


def test_an_internal_error_shows_no_traceback(client, monkeypatch):
    def broken():
        raise RuntimeError("secret detail /etc/passwd")
    monkeypatch.setattr(dataset, "current", broken)
    response = client.get("/api/projects")
    assert response.status_code == 500
    assert response.headers["Cache-Control"] == "no-store"
    assert b"secret" not in response.data and b"Traceback" not in response.data
    assert "erreur" in response.get_json()["error"].lower()


PARAMETER_NAMES = ["region", "mrc", "theme", "mandataire", "cycle", "amount_min", "amount_max", "q", "lang",
                   "format", "page", "per_page", "level", "measure", "kind"]
VALUES = st.one_of(
    st.text(max_size=20),
    st.sampled_from(["01", "05", "14", "montreal", "logement", "estrie", "plan-2024-2029", "envelope", "mrc",
                     "count", "csv", "xlsx", "en", "0", "-1", "1e9", "NaN", "1000", "10000000000000"]),
    st.integers(-10**12, 10**12).map(str),
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(["/api/projects", "/api/territories", "/api/envelopes"]),
       params=st.lists(st.tuples(st.one_of(st.sampled_from(PARAMETER_NAMES), st.text(max_size=10)), VALUES),
                       max_size=8))
def test_random_query_strings_never_fail(client, real, route, params):
    response = client.get(route + "?" + urlencode(params))
    assert response.status_code in (200, 400), response.data[:300]
    if response.mimetype == "application/json":
        body = response.get_json()
        assert ("error" in body) == (response.status_code == 400)


@settings(max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(route=st.sampled_from(["/api/projects", "/api/territories", "/api/envelopes"]), raw=st.binary(max_size=60))
def test_raw_query_bytes_never_fail(client, small, route, raw):
    # Keep the separators and stray "%" so malformed escapes and empty names reach the parser.
    response = client.get(route + "?" + quote_from_bytes(raw, safe="=&,;+%"))
    assert response.status_code in (200, 400), response.data[:300]
