"""`make serve` keeps answering /healthz while hostile uploads and slow clients load it (issue #19).

One gunicorn (serve.py, 3 workers) for the module. The latencies are printed (figures in
BENCHMARKS.md), not asserted: what is asserted is that every /healthz probe answered 200 within
its 2 s client timeout, and that every upload got the limit message naming its file.
"""
from __future__ import annotations

import pytest

from bench import slow_clients, upload_flood
from tests.servers import running


@pytest.fixture(scope="module")
def served(tmp_path_factory):
    log = tmp_path_factory.mktemp("serve") / "serve.log"
    with running("serve.py", log, probe="/healthz", timeout=180, WORKERS="3") as url:
        yield url, log


def test_sixteen_hostile_uploads_at_once_leave_healthz_answering(served):
    url, log = served
    answers, probe = upload_flood.run(url, uploads=16)
    print(probe.summary())
    assert len(answers) == 16
    for answer in answers:
        assert answer.status == 200
        assert "trop de lignes (plus de 20\u00a0000, lignes vides comprises)" in answer.report, answer
    assert probe.latencies_ms and not probe.failures, probe.summary()
    assert "Traceback" not in log.read_text()


@pytest.mark.parametrize("mode", ["headers", "body"])
def test_fifty_slow_clients_leave_healthz_answering(served, mode):
    url, _ = served
    probe, still_open = slow_clients.run(url, clients=50, seconds=11, mode=mode)
    print(f"{mode}: {probe.summary()} ; {still_open} clients lents encore connectés")
    assert len(probe.latencies_ms) >= 10 and not probe.failures, probe.summary()
