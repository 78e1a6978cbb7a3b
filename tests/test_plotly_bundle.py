"""The partial plotly.js (js/plotly/, `make build`): served in place of the full one, and able to draw
every figure of the app.

Under CI a bundle that was not built fails the serving test (the page would silently weigh 0.6 MB gzip
more); elsewhere the test is skipped with the reason.
"""
from __future__ import annotations

import ast
import gzip
import inspect
import json
import logging
import os
import re
from pathlib import Path

import flask
import plotly
import plotly.graph_objects as go
import pytest
from plotly.basedatatypes import BaseTraceType
from plotly.offline import get_plotlyjs_version

from web import plotly_bundle

ROOT = Path(__file__).resolve().parents[1]
JS = ROOT / "js" / "plotly"
FULL = Path(plotly.__file__).parent / "package_data" / "plotly.min.js"
BANNER = f"/**\n* plotly.js v{get_plotlyjs_version()} (partial: ".encode()
# plotly.js/lib/core registers `scatter` in every bundle (plotly.js's CUSTOM_BUNDLE.md).
CORE_TRACES = {"scatter"}
# The trace class of plotly.graph_objects for each trace type, e.g. "Pie" -> "pie".
TRACE_TYPES = {name: cls().type for name, cls in ((n, getattr(go, n)) for n in dir(go))  # go loads lazily
               if isinstance(cls, type) and issubclass(cls, BaseTraceType)}
# Arguments for the pages whose layout needs a territory (the other pages ignore them).
PAGE_ARGUMENTS = {"code": "14", "mrc_id": "les-moulins", "region": "14", "a": "05", "b": "06"}
APP_CODE = [ROOT / "app.py", *sorted((ROOT / "components").rglob("*.py"))]  # and its sub-packages


def bundle_traces() -> set[str]:
    """The trace types registered by js/plotly/entry.js."""
    names = set(re.findall(r"require\('plotly\.js/lib/(\w+)'\)", (JS / "entry.js").read_text()))
    assert "core" in names, "entry.js no longer starts from plotly.js/lib/core"
    return names - {"core"} | CORE_TRACES


@pytest.fixture(scope="module")
def client():
    """The real app (its bundle route, security headers and compression) in this process."""
    path = plotly_bundle.bundle_path()
    if not path.is_file():
        if os.environ.get("CI"):  # under CI an unbuilt bundle is a failure, never a silent skip
            pytest.fail(f"plotly.js partiel absent ({path}) : « make build » le construit, et CI ne saute pas ce test")
        else:
            pytest.skip(f"plotly.js partiel absent ({path}) : « make build » le construit")
    from app import server

    return server.test_client()


def test_the_page_gets_the_partial_bundle_compressed_and_revalidated(client):
    response = client.get(plotly_bundle.URL, headers={"Accept-Encoding": "gzip"})
    assert response.status_code == 200
    assert response.mimetype == "application/javascript"
    assert response.headers["Content-Encoding"] == "gzip"
    assert response.headers["Cache-Control"] == f"public, max-age={plotly_bundle.MAX_AGE}"
    body = gzip.decompress(response.data)
    assert body.startswith(BANNER)  # not Dash's generic component-suites route
    built_with = body[len(BANNER):body.index(b")")].decode().split(", ")
    assert set(built_with) | CORE_TRACES == bundle_traces(), "bundle plus ancien qu'entry.js : « make build »"
    assert body == plotly_bundle.bundle_path().read_bytes()
    full = FULL.read_bytes()
    assert len(body) < 0.7 * len(full) and len(response.data) < 0.7 * len(gzip.compress(full, 6))

    again = client.get(plotly_bundle.URL, headers={"Accept-Encoding": "gzip", "If-None-Match": response.headers["ETag"]})
    assert again.status_code == 304 and again.data == b""
    plain = client.get(plotly_bundle.URL)
    assert plain.data.startswith(BANNER)
    assert client.get(plotly_bundle.URL, headers={"If-None-Match": plain.headers["ETag"]}).status_code == 304


def _graph_traces(component) -> set[str]:
    """The trace types of every dcc.Graph figure inside a Dash component tree."""
    if isinstance(component, (list, tuple)):
        return set().union(*map(_graph_traces, component)) if component else set()
    if component is None or isinstance(component, (str, int, float)):
        return set()
    found = _graph_traces(getattr(component, "children", None))
    figure = getattr(component, "figure", None) if type(component).__name__ == "Graph" else None
    if figure is not None:
        found |= _figure_traces(figure)
    return found


def _figure_traces(figure) -> set[str]:
    data = figure.data if isinstance(figure, go.Figure) else figure.get("data", [])
    return {trace.type if isinstance(trace, BaseTraceType) else trace.get("type", "scatter") for trace in data}


def test_every_figure_of_every_page_uses_only_traces_in_the_bundle():
    import dash

    import app  # noqa: F401  registers the pages

    drawn: set[str] = set()
    for page in dash.page_registry.values():
        accepted = inspect.signature(page["layout"]).parameters
        drawn |= _graph_traces(page["layout"](**{k: v for k, v in PAGE_ARGUMENTS.items() if k in accepted}))
    assert {"bar", "choroplethmap", "scattermap"} <= drawn  # the walk really reached the figures
    assert drawn <= bundle_traces(), f"ajoutez à js/plotly/entry.js : {sorted(drawn - bundle_traces())}"


def _named_traces(source: str) -> set[str]:
    """Trace types the code names: go.<Trace>(…) and {"type": "<trace>"}."""
    found = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "go" \
                and node.attr in TRACE_TYPES:
            found.add(TRACE_TYPES[node.attr])
        elif isinstance(node, ast.Dict):
            for key, value in zip(node.keys, node.values):
                if isinstance(key, ast.Constant) and key.value == "type" and isinstance(value, ast.Constant) \
                        and value.value in TRACE_TYPES.values():
                    found.add(value.value)
    return found


def test_no_code_of_the_app_names_a_trace_missing_from_the_bundle():
    """Also figures no page shows at first (callbacks): every trace type the code names."""
    named = {path.relative_to(ROOT).as_posix(): _named_traces(path.read_text()) for path in APP_CODE}
    assert named["components/map/figures.py"] >= {"bar", "choroplethmap", "scattermap"}
    missing = {name: sorted(types - bundle_traces()) for name, types in named.items() if types - bundle_traces()}
    assert not missing, f"ajoutez à js/plotly/entry.js : {missing}"
    assert not any("plotly.express" in path.read_text() for path in APP_CODE), \
        "plotly.express choisit ses traces à l'exécution : construisez les figures avec plotly.graph_objects"


def test_a_go_pie_figure_would_be_caught():
    assert _named_traces("fig = go.Figure(go.Pie(values=[1, 2]))") == {"pie"}
    assert _figure_traces(go.Figure(go.Pie(values=[1, 2]))) - bundle_traces() == {"pie"}


def test_the_pinned_plotly_js_is_the_one_of_the_python_plotly():
    wanted = get_plotlyjs_version()
    assert json.loads((JS / "package.json").read_text())["dependencies"]["plotly.js"] == wanted
    lock = json.loads((JS / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/plotly.js"]["version"] == wanted


def _write_bundle(folder: Path, version: str) -> None:
    path = folder / "js" / plotly_bundle.FILE_NAME
    path.parent.mkdir(parents=True)
    path.write_text(f"/**\n* plotly.js v{version} (partial: bar)\n*/\nvar Plotly={{}};\n")


def _served(folder: Path, monkeypatch, caplog) -> tuple[int, list[str]]:
    monkeypatch.setenv("CARTE_BUILD_DIR", str(folder))
    server = flask.Flask("bundle")
    with caplog.at_level(logging.WARNING, logger=plotly_bundle.__name__):
        plotly_bundle.register(server)
    return server.test_client().get(plotly_bundle.URL).status_code, [r.getMessage() for r in caplog.records]


def test_a_bundle_of_another_plotly_js_version_is_not_served(tmp_path, monkeypatch, caplog):
    _write_bundle(tmp_path, "3.0.0")
    status, warnings = _served(tmp_path, monkeypatch, caplog)
    assert status == 404  # Dash's route would answer with the full plotly.js
    assert len(warnings) == 1 and "3.0.0" in warnings[0] and get_plotlyjs_version() in warnings[0]
    assert "plotly.js complet servi" in warnings[0]


def test_a_bundle_of_the_same_version_is_served(tmp_path, monkeypatch, caplog):
    _write_bundle(tmp_path, get_plotlyjs_version())
    status, warnings = _served(tmp_path, monkeypatch, caplog)
    assert status == 200 and warnings == []


def test_a_missing_bundle_leaves_the_full_one_with_one_warning(tmp_path, monkeypatch, caplog):
    status, warnings = _served(tmp_path, monkeypatch, caplog)
    assert status == 404
    assert len(warnings) == 1 and "absent" in warnings[0] and "plotly.js complet servi" in warnings[0]
