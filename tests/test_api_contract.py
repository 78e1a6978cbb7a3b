"""The API against its own OpenAPI description, with Schemathesis: every operation, in-process.

Schemathesis reads /api/openapi.json from the Flask app (its WSGI transport, no server, no network)
and sends generated requests, valid and invalid, to every operation. Every answer must be a non-500
whose status, content type, headers and body conform to the description.

One check is left out on purpose: `negative_data_rejection` expects a 4xx for any value outside a
schema, but the lists of ids and `lang` are lenient by design (an unknown id is dropped and echoed
under "ignored", so a shared link with a stale id still works; docs/API.md says so). Malformed
numbers, pages and unknown words still get their 400, checked in tests/test_api.py.
"""
from __future__ import annotations

import flask
import pytest
import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import negative_data_rejection

from components import dataset
from web import api


def _app() -> flask.Flask:
    app = flask.Flask(__name__)
    api.register(app)
    return app


schema = schemathesis.openapi.from_wsgi("/api/openapi.json", _app())


@pytest.fixture(autouse=True)
def _real_data():
    dataset.current()  # loaded once, outside the examples


@schema.parametrize()
@settings(max_examples=12, deadline=None, suppress_health_check=list(HealthCheck))
def test_every_operation_conforms_to_its_description(case):
    case.call_and_validate(excluded_checks=[negative_data_rejection])


def test_the_description_is_valid_openapi_3_1_and_names_every_route():
    # The OpenAPI 3.1 meta-schema as Schemathesis ships it (its own loader validates against it too).
    from schemathesis.specs.openapi.definitions import OPENAPI_31_VALIDATOR

    description = api.openapi.description()
    assert [e for e in OPENAPI_31_VALIDATOR.iter_errors(description)] == []
    broken = {**description, "paths": {"/api/x": {"get": {"responses": {"200": {"description": 5}}}}}}
    assert list(OPENAPI_31_VALIDATOR.iter_errors(broken))  # the check can fail
    app = _app()
    routes = {rule.rule for rule in app.url_map.iter_rules() if rule.rule.startswith("/api/")}
    assert routes == set(description["paths"])
