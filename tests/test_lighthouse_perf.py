"""bench.lighthouse_perf's arithmetic and its BENCHMARKS.md section, without running Lighthouse
(CI never runs it; no time is asserted)."""
from __future__ import annotations

from bench import lighthouse_perf as perf

RUN = {"score": 0, "tbt_ms": 0.0, "lcp_ms": 0.0, "fcp_ms": 0.0, "si_ms": 0.0, "tti_ms": 0.0, "cls": 0.0,
       "main_thread_ms": 0.0}


def _run(score, tbt, lcp):
    return {**RUN, "score": score, "tbt_ms": tbt, "lcp_ms": lcp}


def test_each_figure_is_the_median_of_the_runs():
    median = perf.median_figures([_run(50, 900, 4000), _run(95, 100, 2000), _run(92, 300, 1000)])
    assert (median["score"], median["tbt_ms"], median["lcp_ms"], median["runs"]) == (92, 300, 2000, 3)


def test_the_targets_are_checked_per_profile():
    assert perf.check("mobile", _run(90, 200, 2500)) == {"score": True, "tbt_ms": True, "lcp_ms": True}
    assert perf.check("mobile", _run(95, 201, 1000))["tbt_ms"] is False
    assert perf.check("desktop", _run(97, 0, 0)) == {"score": False}


def test_the_benchmarks_section_is_replaced_not_appended(tmp_path):
    report = {"date": "2026-12-01", "server": "make serve", "lighthouse": "12.2.3", "chromium": "Chromium 1",
              "runs": 3, "load_average_end": 1.5,
              "machine": {"cpu_model": "cpu", "cores": 2, "ram_gib": 4.0, "load_average_start": 1.0},
              "results": {"/": {"mobile": {**_run(99, 10, 1100), "runs": 3}}}}
    path = tmp_path / "BENCHMARKS.md"
    path.write_text("# Benchmarks\n\nother text\n", encoding="utf-8")
    perf.write_benchmarks(report, path)
    report["results"]["/"]["mobile"]["score"] = 97
    perf.write_benchmarks(report, path)
    text = path.read_text(encoding="utf-8")
    assert text.count(perf.START) == 1 and "other text" in text
    assert "| `/` | mobile | 97 |" in text and "| `/` | mobile | 99 |" not in text
    assert "load (1-min average) 1.0 at start, 1.5 at end" in text
