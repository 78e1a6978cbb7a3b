"""Malformed callback bodies and unknown addresses get a 4xx, never a 500 or a traceback (issue #19).

Against the Flask test client of the real app (app.server), with web/request_guard.py around
Dash's views. Hypothesis writes the bodies: any JSON, and real callback bodies (from
/_dash-dependencies) with parts replaced by any JSON.
"""
from __future__ import annotations

import json
import logging

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from app import server

json_values = st.recursive(
    st.none() | st.booleans() | st.integers(min_value=-10**400, max_value=10**400) | st.floats(allow_nan=False)
    | st.text(max_size=30),
    lambda children: st.lists(children, max_size=4) | st.dictionaries(st.text(max_size=12), children, max_size=4),
    max_leaves=20)


class _Records(logging.Handler):
    """Every log record the app writes while the tests run, to look for tracebacks."""

    def __init__(self):
        super().__init__(logging.DEBUG)
        self.records: list[logging.LogRecord] = []

    def emit(self, record):
        self.records.append(record)

    def tracebacks(self) -> list[str]:
        return [r.getMessage() for r in self.records if r.exc_info or "Traceback" in r.getMessage()]


RECORDS = _Records()
logging.getLogger().addHandler(RECORDS)
CLIENT = server.test_client()
DEPENDENCIES = [d for d in CLIENT.get("/_dash-dependencies").get_json() if not d.get("clientside_function")]


def _body(spec: dict) -> dict:
    """The body the renderer would post for callback `spec` with no values."""
    def deps(items):
        return [{"id": i["id"], "property": i["property"]} for i in items]
    outputs = spec["output"][2:-2].split("...") if spec["output"].startswith("..") else [spec["output"]]
    outs = [{"id": o.rsplit(".", 1)[0], "property": o.rsplit(".", 1)[1]} for o in outputs]
    return {"output": spec["output"], "outputs": outs if len(outs) > 1 else outs[0], "inputs": deps(spec["inputs"]),
            "state": deps(spec.get("state") or []), "changedPropIds": []}


def _post(data: bytes):
    return CLIENT.post("/_dash-update-component", data=data, content_type="application/json")


@pytest.fixture(autouse=True)
def no_traceback_logged():
    before = len(RECORDS.records)
    yield
    new = [r for r in RECORDS.records[before:] if r.exc_info or "Traceback" in r.getMessage()]
    assert not new, [r.getMessage() for r in new]


@pytest.mark.parametrize("raw", [b"null", b"[]", b"{}", b'{"inputs": []}', b"{", b"[" * 1000 + b"]" * 1000,
                                 b'{"output": "x.y", "outputs": {"id": "x", "property": "y"}, "inputs": "a"}'])
def test_malformed_callback_bodies_are_400(raw):
    assert _post(raw).status_code == 400


def test_forged_inputs_of_real_callbacks_are_400():
    spec = next(d for d in DEPENDENCIES if "_pages_location" in str(d["inputs"]))
    body = _body(spec)
    body["inputs"] = [dict(i, value="") for i in body["inputs"]]  # an empty pathname
    assert _post(json.dumps(body).encode()).status_code == 400
    body = _body(spec)
    body["inputs"] = {"not": "a list"}
    assert _post(json.dumps(body).encode()).status_code == 400


def test_a_callback_that_has_nothing_to_change_still_answers_204():
    """PreventUpdate is one of Dash's CallbackExceptions: it must stay Dash's 204, not become a 400."""
    spec = next(d for d in DEPENDENCIES if d["output"] == "download-file.data")
    body = _body(spec)
    body["inputs"] = [[]]  # no download button on the page: the callback prevents the update
    assert _post(json.dumps(body).encode()).status_code == 204


def test_forged_grid_requests_are_answered_not_500():
    spec = next(d for d in DEPENDENCIES if "getRowsResponse" in d["output"])
    for request in ({"sortModel": [{"colId": ["a"], "sort": "asc"}]}, {"sortModel": [{"colId": {"a": 1}}]},
                    {"filterModel": {"amount": {"type": "equals", "filter": 10**400}}},
                    {"filterModel": {"title": {"type": ["contains"], "filter": {"a": 1}}}}):
        body = _body(spec)
        body["inputs"][0]["value"] = request
        assert _post(json.dumps(body).encode()).status_code in (200, 204)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(json_values)
def test_any_json_body_is_never_a_500(value):
    assert _post(json.dumps(value).encode()).status_code < 500


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.sampled_from(DEPENDENCIES), st.sampled_from(["output", "outputs", "inputs", "state", "changedPropIds", "value"]),
       json_values, st.integers(min_value=0, max_value=20))
def test_real_callback_bodies_with_a_part_replaced_are_never_a_500(spec, part, value, position):
    body = _body(spec)
    if part == "value":
        if not body["inputs"]:
            return
        body["inputs"][position % len(body["inputs"])]["value"] = value
    else:
        body[part] = value
    assert _post(json.dumps(body).encode()).status_code < 500


@settings(max_examples=150, deadline=None)
@given(st.text(alphabet=st.characters(min_codepoint=33, max_codepoint=126, exclude_characters="?#%"), max_size=40),
       st.sampled_from(["dash", "plotly", "dash_ag_grid", "nope", "dash/dcc", "sys"]))
def test_unknown_component_suite_paths_are_404_not_500(tail, package):
    response = CLIENT.get(f"/_dash-component-suites/{package}/{tail}")
    assert response.status_code < 500
    assert response.status_code in (200, 304, 404) or response.status_code < 500


@pytest.mark.parametrize("path", ["/api/nope", "/api/", "/layers/x", "/layers/nope.geojson", "/.env", "/wp-login.php",
                                  "/_dash-nope", "/_reload-hash"])
def test_unknown_addresses_and_files_are_404(path):
    assert CLIENT.get(path).status_code == 404


def test_an_unknown_page_is_the_page_shell_with_a_404_status():
    response = CLIENT.get("/cette-page-n-existe-pas")
    assert response.status_code == 404
    assert b'id="_dash-config"' in response.data  # the shell, in which Dash shows its page-not-found
    assert CLIENT.get("/").status_code == 200 and CLIENT.get("/methodologie").status_code == 200


def test_the_csv_template_names_its_charset_once():
    assert CLIENT.get("/modele/projets.csv").headers["Content-Type"] == "text/csv; charset=utf-8"


def test_a_missing_layer_file_is_503_with_one_log_line(monkeypatch, tmp_path):
    from geo import layers
    monkeypatch.setattr(layers, "layer_path", lambda level: tmp_path / f"{level}.geojson")
    assert CLIENT.get("/layers/mrc.geojson").status_code == 503


# ---------------------------------------------------------------- work bounded by what a body may hold (#27)

def _map_spec() -> dict:
    return next(d for d in DEPENDENCIES if any(i["id"] == "filter-mrc" and i["property"] == "value"
                                               for i in d["inputs"]))


def test_a_callback_body_of_millions_of_values_is_refused_in_well_under_half_a_second():
    """Issue #27: `filter-mrc.value` = 3,2 million empty objects (12,8 MB, under the byte cap) cost
    6,7 s of CPU, parsed twice, then 204."""
    import time

    body = _body(_map_spec())
    for item in body["inputs"]:
        if item["id"] == "filter-mrc":
            item["value"] = "@@VALUE@@"
    raw = json.dumps(body).encode().replace(b'"@@VALUE@@"', b"[" + b",".join([b"{}"] * 3_200_000) + b"]")
    assert len(raw) > 6_000_000
    started = time.process_time()
    answer = _post(raw)
    spent = time.process_time() - started
    assert answer.status_code == 413
    assert spent < 0.5, f"{spent:.2f} s of CPU"


def test_json_nodes_counts_values_outside_strings():
    from web.request_guard import json_nodes

    assert json_nodes(b'{"a": [1, 2, {}]}', 100) == 6  # two « , », two « { », one « [ », plus one
    assert json_nodes(b'{"a": "x,y,[z{", "b": "\\",,"}', 1) == 3  # commas in strings are not values


def _rows_spec() -> dict:
    return next(d for d in DEPENDENCIES if d["output"] == "sheet-body.children"
                or any(s["id"] == "uploaded-projects" for s in d.get("state") or []))


def _with_rows(spec: dict, rows) -> bytes:
    body = _body(spec)
    for item in body["inputs"] + body["state"]:
        if item["id"] == "uploaded-projects":
            item["value"] = {"file": "projets.xlsx", "projects": rows}
    return json.dumps(body).encode()


def test_a_callback_carrying_the_visitors_rows_takes_five_thousand_flat_rows_and_no_more():
    from data.schema import PROJECT_COLUMNS

    spec = _rows_spec()
    row = {c: "texte" for c in PROJECT_COLUMNS}
    assert _post(_with_rows(spec, [row] * 5_000)).status_code not in (400, 413)
    assert _post(_with_rows(spec, [row] * 5_001)).status_code == 413
    assert _post(_with_rows(spec, [dict(row, note=[{}] * 30)] * 1_000)).status_code == 413


def test_a_callback_that_carries_no_rows_gets_the_small_budget():
    body = _body(_map_spec())
    for item in body["inputs"]:
        if item["id"] == "filter-mrc":
            item["value"] = ["x"] * 30_000
    assert _post(json.dumps(body).encode()).status_code == 413


def test_the_body_is_parsed_once(monkeypatch):
    """Dash's request.get_json() gets the body the guard parsed, not the bytes again."""
    import flask

    calls = []
    monkeypatch.setattr(flask.json.provider.DefaultJSONProvider, "loads",
                        lambda self, s, **kw: calls.append(1) or json.loads(s, **kw))
    spec = next(d for d in DEPENDENCIES if d["output"] == "download-file.data")
    body = _body(spec)
    body["inputs"] = [[]]
    assert _post(json.dumps(body).encode()).status_code == 204
    assert calls == []
