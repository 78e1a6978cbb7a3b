"""The load test (Locust, scripts/locustfile.py, through scripts/loadtest.py) refuses what it must never do
— leave loopback, run unbounded — and, run for a few seconds against serve.py, its visitors get answers."""
from __future__ import annotations

import csv
import subprocess
import sys

import pytest

from scripts import loadtest
from tests.servers import running


@pytest.mark.parametrize("argv", [
    ["--url", "http://example.org"], ["--url", "https://127.0.0.1:8050"],
    ["--duration", "0"], ["--duration", "601"], ["--users", "0"], ["--users", "2001"],
    ["--ramp", "-1"], ["--duration", "10", "--ramp", "10"], ["--think", "-1"], ["--max-requests", "0"],
])
def test_refused_arguments(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        loadtest.parse(argv)
    assert stop.value.code == 2 and "error" in capsys.readouterr().err


def test_defaults_are_a_bounded_loopback_run():
    args = loadtest.parse(["--ramp", "3"])
    assert loadtest.check_target(args.url) == "http://127.0.0.1:8050"
    assert args.users == 100 and args.duration == 60 and args.ramp == 3 and args.think == 3
    command = loadtest.locust_command(args, "http://127.0.0.1:8050", loadtest.ROOT / "x")
    assert command[command.index("--run-time") + 1] == "60s"
    assert command[command.index("--spawn-rate") + 1] == f"{100 / 3:g}"  # all 100 within 3 s


def test_the_locustfile_itself_refuses_another_host(tmp_path):
    """Even run by hand, without the wrapper, Locust stops before any request leaves loopback."""
    result = subprocess.run([sys.executable, "-m", "locust", "-f", str(loadtest.LOCUSTFILE), "--headless",
                             "--host", "http://example.org", "--users", "1", "--run-time", "2s",
                             "--csv", str(tmp_path / "refused")], capture_output=True, text=True, timeout=60)
    assert result.returncode != 0 and "refused" in result.stdout + result.stderr
    stats = tmp_path / "refused_stats.csv"
    if stats.exists():  # Locust may write its (empty) tables on the way out: not one request in them
        rows = list(csv.DictReader(open(stats, encoding="utf-8")))
        assert all(int(row["Request Count"]) == 0 for row in rows)


def test_a_short_run_against_serve_py_has_every_kind_of_request_and_no_failure(tmp_path):
    with running("serve.py", tmp_path / "serve.log", probe="/healthz", WORKERS="2") as url:
        out = tmp_path / "loadtest.json"
        status = loadtest.main(["--url", url, "--users", "4", "--duration", "6", "--ramp", "1", "--think", "0.5",
                                "--json", str(out)])
    rows = {row["Name"]: row for row in csv.DictReader(open(tmp_path / "loadtest_stats.csv", encoding="utf-8"))}
    assert status == 0, rows
    assert int(rows["Aggregated"]["Failure Count"]) == 0
    for name in ("GET /", "GET /_dash-layout", "GET /_dash-dependencies", "callback page", "callback update_view"):
        assert int(rows[name]["Request Count"]) >= 1, name
    assert int(rows["callback page"]["Request Count"]) == 4  # each visitor loaded the page once
