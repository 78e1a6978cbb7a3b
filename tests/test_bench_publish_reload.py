"""bench.publish_reload reads each reload's CPU per step from the workers' log: the line the Watcher
writes and the line the benchmark reads must stay the same."""
from __future__ import annotations

import time

from bench.publish_reload import generated_csv, reload_phases
from publishing import dataset as published


def test_the_benchmark_reads_the_steps_of_the_reload_log_line(caplog):
    def build():
        with published.phase("lecture"):
            time.sleep(0.01)
        with published.phase("vérification"):
            sum(range(3_000_000))  # some CPU (tens of milliseconds)
        return "data", 1 if build.calls else 0

    build.calls = 0
    watcher = published.Watcher(build, lambda: 1, every=0, on_new=lambda _value: sum(range(3_000_000)))
    watcher.current()
    build.calls = 1
    caplog.set_level("WARNING", logger="publishing.dataset")
    watcher.current()
    end = time.monotonic() + 5
    while watcher.current() != "data" or watcher.version != 1:
        assert time.monotonic() < end
        time.sleep(0.01)
    while not any("servie" in r.getMessage() for r in caplog.records):
        assert time.monotonic() < end
        time.sleep(0.01)
    phases = reload_phases("\n".join(r.getMessage() for r in caplog.records))
    assert set(phases) == {"total", "lecture", "vérification", "après : préchauffage"}
    assert phases["lecture"]["wall_s"] >= 0.01 and phases["lecture"]["cpu_s"] < phases["lecture"]["wall_s"]
    assert phases["vérification"]["cpu_s"] > 0 and phases["total"]["n"] == 1
    assert phases["après : préchauffage"]["cpu_s"] > 0


def test_the_generated_list_has_one_header_and_the_rows_asked_for():
    lines = generated_csv(12).decode().splitlines()
    assert len(lines) == 13 and lines[0].startswith("Titre du projet;")
    assert len({line.split(";")[2] for line in lines[1:]}) == 6  # Lanaudière's six MRC
