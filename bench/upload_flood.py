"""Many hostile uploads at once against a running server: does /healthz still answer? (issue #19)

Sends `--uploads` files at once through the upload callback, as dcc.Upload does (a data URL in
the callback body), cycling through the files of tests/hostile_uploads.py (a sheet whose only
row is the 1 048 576th, blank rows, blank lines), while /healthz is asked every 0.25 s with a 2 s
timeout. Prints each kind's time to answer and /healthz's latency. Loopback only.

    .venv/bin/python -m bench.upload_flood http://127.0.0.1:8050 --uploads 16
"""
from __future__ import annotations

import argparse
import base64
import statistics
import threading
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

from bench.dash_http import DashApp, Http
from bench.health_probe import Probe, loopback, watch
from components import ids
from tests import hostile_uploads

KINDS = ("sparse_xlsx", "blank_rows_xlsx", "blank_lines_csv", "late_header_csv")
MIME = {".csv": "text/csv", ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"}


@dataclass
class Answer:
    kind: str
    status: int
    seconds: float
    report: str  # the upload report's text, as the visitor reads it


def _text(node) -> str:
    if isinstance(node, list):
        return " ".join(_text(n) for n in node)
    if isinstance(node, dict):
        return _text(node.get("props", {}).get("children"))
    return "" if node is None else str(node)


def _upload(url: str, kind: str, app: DashApp) -> Answer:
    host, port = loopback(url)
    name, data = hostile_uploads.ALL[kind]()
    mime = MIME[name[name.rindex("."):]]
    callback = app.find_callback(f"{ids.UPLOAD}.contents", f"{ids.UPLOAD_REPORT}.children")
    values = app.initial_values(callback) | {f"{ids.UPLOAD}.contents": f"data:{mime};base64," + base64.b64encode(data).decode(),
                                             f"{ids.UPLOAD}.filename": name}
    http = Http(host, port, timeout=60)
    try:
        reply = DashApp(http, end_id=app.end_id, callbacks=app.callbacks).post(callback, values, [f"{ids.UPLOAD}.contents"])
    finally:
        http.close()
    report = _text(reply.json()["response"][ids.UPLOAD_REPORT]["children"]) if reply.status == 200 else ""
    return Answer(kind, reply.status, reply.seconds, report)


def run(url: str, uploads: int = 16) -> tuple[list[Answer], Probe]:
    host, port = loopback(url)
    http = Http(host, port)
    app = DashApp(http)
    app.discover()
    http.close()
    for kind in KINDS:  # built once before the clock starts: building them is the client's work
        hostile_uploads.ALL[kind]()
    stop = threading.Event()
    with ThreadPoolExecutor(1) as prober:
        probe = prober.submit(watch, host, port, stop)
        with ThreadPoolExecutor(uploads) as pool:
            answers = list(pool.map(lambda i: _upload(url, KINDS[i % len(KINDS)], app), range(uploads)))
        stop.set()
        return answers, probe.result()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("url")
    parser.add_argument("--uploads", type=int, default=16)
    args = parser.parse_args()
    answers, probe = run(args.url, args.uploads)
    for kind in KINDS:
        times = [a.seconds * 1000 for a in answers if a.kind == kind]
        statuses = sorted({a.status for a in answers if a.kind == kind})
        print(f"{kind}: {len(times)} envois, HTTP {statuses}, médiane {statistics.median(times):.0f} ms, "
              f"max {max(times):.0f} ms")
    print(probe.summary())


if __name__ == "__main__":
    main()
