"""The benchmark runs end to end (`python -m bench.run --smoke`) and writes every figure it promises.

No timing is asserted: CI machines vary. Only that both servers were measured, with positive numbers.
"""
from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
from pathlib import Path

import pytest

from bench.dash_http import Callback, DashApp, Reply, split_output
from bench.updates import percentile

ROOT = Path(__file__).resolve().parents[1]
SMOKE_TIMEOUT = 300  # seconds; the smoke run itself takes well under a minute


@pytest.fixture(scope="module")
def smoke_report(tmp_path_factory) -> tuple[dict, str]:
    out = tmp_path_factory.mktemp("bench") / "smoke.json"
    # Its own process group, so that on a timeout the servers it started are killed with it.
    process = subprocess.Popen([sys.executable, "-m", "bench.run", "--smoke", "--out", str(out)], cwd=ROOT,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True)
    try:
        stdout, stderr = process.communicate(timeout=SMOKE_TIMEOUT)
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.communicate()
        pytest.fail(f"python -m bench.run --smoke took more than {SMOKE_TIMEOUT} s")
    assert process.returncode == 0, stdout[-3000:] + stderr[-3000:]
    return json.loads(out.read_text()), stdout


def _positive(result: dict, *path: str) -> None:
    value = result
    for key in path:
        assert isinstance(value, dict) and key in value, f"missing {'.'.join(path)}"
        value = value[key]
    assert isinstance(value, (int, float)) and value > 0, f"{'.'.join(path)} = {value!r}"


def test_smoke_report_has_machine_facts_and_targets(smoke_report):
    report, stdout = smoke_report
    assert {"schema", "date", "machine", "options", "sizes", "targets", "duration_s"} <= report.keys()
    assert {"cpu_model", "cores", "ram_gib", "python", "packages"} <= report["machine"].keys()
    assert report["machine"]["packages"]["dash"]
    assert list(report["sizes"]) == ["3000"]
    assert len(report["targets"]) == 12  # bench.run.TARGETS: the 3 000 targets are checked even in a smoke run
    assert [t["ok"] is not None for t in report["targets"] if t["size"] == 3_000] == [True, True]
    assert all({"size", "measure", "limit", "value", "ok"} <= t.keys() for t in report["targets"])
    assert "naive÷app" in stdout and "Targets" in stdout


@pytest.mark.parametrize("subject", ["app", "naive"])
def test_smoke_measures_both_servers(smoke_report, subject):
    report, _ = smoke_report
    result = report["sizes"]["3000"][subject]
    assert "error" not in result, result.get("error")
    for path in (("cold_start_s",), ("ready_s",), ("memory", "after_warmup", "rss_mb"),
                 ("memory", "after_updates", "rss_mb"), ("update", "wall_ms", "p50"), ("update", "ttfb_ms", "p95"),
                 ("repeated_update", "wall_ms", "p50"),
                 ("update", "raw_bytes", "p50"), ("update", "gzip_bytes", "p50"), ("update", "wire_bytes", "p50")):
        _positive(result, *path)
    assert result["update"]["n"] == 5 and result["update"]["errors"] == []
    if report["browser_part"].startswith("Playwright"):
        assert "error" not in result["browser"], result["browser"].get("error")
        for path in (("browser", "transfer", "gzip_bytes"), ("browser", "transfer", "requests"),
                     ("browser", "redraw", "redraw_ms", "p50")):
            _positive(result, *path)
        assert result["browser"]["transfer"]["failed_requests"] == []  # nothing asked outside the server


# ---------------------------------------------------------------- pure parts, no server


def test_outputs_are_split_as_the_renderer_splits_them():
    assert split_output("..map.figure...headline.children..") == [
        {"id": "map", "property": "figure"}, {"id": "headline", "property": "children"}]
    assert split_output("map.figure@abc") == [{"id": "map", "property": "figure@abc"}]


def test_payload_leaves_out_undefined_values_like_json_stringify():
    spec = {"output": "map.figure", "inputs": [{"id": "filter-region", "property": "value"}],
            "state": [{"id": "lang-store", "property": "data"}]}
    callback = Callback(spec, split_output(spec["output"]))
    body = callback.payload({"filter-region.value": None, "lang-store.data": "fr"}, ["filter-region.value"])
    assert body["outputs"] == {"id": "map", "property": "figure"}
    assert body["inputs"] == [{"id": "filter-region", "property": "value"}]
    assert body["state"] == [{"id": "lang-store", "property": "data", "value": "fr"}]
    assert body["changedPropIds"] == ["filter-region.value"]


def test_the_client_keeps_the_plain_values_an_answer_wrote_as_the_renderer_does():
    app = DashApp(http=None, components={"table-key": {"data": "old"}})
    answer = b'{"response": {"table-key": {"data": "new"}, "map": {"figure": {"__dash_patch_update": []}}}}'
    app.remember(Reply(200, {}, answer, answer, 0.0, 0.0))
    assert app.components["table-key"] == {"data": "new"} and "figure" not in app.components.get("map", {})
    app.remember(Reply(204, {}, b"", b"", 0.0, 0.0))  # Dash's « nothing to change »: nothing kept
    assert app.components["table-key"] == {"data": "new"}


def test_percentile_interpolates_like_numpy():
    assert percentile([1, 2, 3, 4], 0.5) == 2.5
    assert percentile([10], 0.95) == 10
    assert percentile(list(range(101)), 0.95) == 95
