"""scripts/loadtest.py refuses what it must never do: leave loopback, run unbounded, start users after the end."""
from __future__ import annotations

import pytest

from scripts import loadtest


@pytest.mark.parametrize("argv", [
    ["--url", "http://example.org"], ["--url", "https://127.0.0.1:8050"],
    ["--duration", "0"], ["--duration", "601"], ["--users", "0"], ["--users", "2001"],
    ["--ramp", "-1"], ["--duration", "10", "--ramp", "10"], ["--think", "-1"],
])
def test_refused_arguments(argv, capsys):
    with pytest.raises(SystemExit) as stop:
        loadtest.parse(argv)
    assert stop.value.code == 2 and "error" in capsys.readouterr().err


def test_defaults_are_a_bounded_loopback_run():
    args = loadtest.parse(["--ramp", "3", "--think", "3"])
    assert loadtest.check_target(args.url) == "http://127.0.0.1:8050"
    assert args.users == 100 and args.duration == 60 and args.ramp == 3


def test_the_timeline_puts_each_request_in_the_window_it_was_sent_in():
    stats = loadtest.Stats(started=0.0)
    stats.timeline = [(0.5, 0.400), (1.0, 0.500), (6.0, 0.010), (7.0, 0.020), (12.0, 0.030)]
    rows = loadtest.timeline(stats)
    assert [(r["from_s"], r["requests"]) for r in rows] == [(0.0, 2), (5.0, 2), (10.0, 1)]
    assert rows[0]["p95_ms"] == 500.0 and rows[1]["p95_ms"] == 20.0


class _Answer:
    def __init__(self, status: int, body: dict | None = None):
        self.status_code, self._body = status, body

    def json(self):
        return self._body


def test_the_stores_a_callback_writes_are_kept_as_the_browser_keeps_them():
    values = {("table-key", "data"): "old"}
    loadtest.apply_outputs(values, _Answer(200, {"response": {"table-key": {"data": "new"},
                                                              "map": {"figure": {"__dash_patch_update": []}}}}))
    assert values == {("table-key", "data"): "new"}  # a figure patch is not a value to send back
    loadtest.apply_outputs(values, _Answer(204))  # Dash's "nothing to change": nothing kept
    assert values == {("table-key", "data"): "new"}
