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
