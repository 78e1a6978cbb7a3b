"""Processor time to read each hostile upload of tests/hostile_uploads.py (issue #19).

In-process, through data.importer.import_spreadsheet, as the upload callback reads a file; the
time is this thread's CPU time (time.thread_time), what the parse costs a worker.
Run: `.venv/bin/python -m bench.upload_limits`.
"""
from __future__ import annotations

import time

from data.importer import UnreadableFile, import_spreadsheet
from tests import hostile_uploads


def measure() -> list[tuple[str, int, float, str]]:
    """(case, bytes, CPU seconds, outcome) for every case."""
    results = []
    for case, build in hostile_uploads.ALL.items():
        name, data = build()
        started = time.thread_time()
        try:
            result = import_spreadsheet(data, name)
            outcome = f"lu : {result.rows_read} lignes"
        except UnreadableFile as failure:
            outcome = f"refusé ({failure.code}, {failure.rows_walked} lignes parcourues)"
        results.append((case, len(data), time.thread_time() - started, outcome))
    return results


def main() -> None:
    for case, size, seconds, outcome in measure():
        print(f"{case:<18} {size / 1e6:6.2f} Mo  {seconds * 1000:7.0f} ms CPU  {outcome}")


if __name__ == "__main__":
    main()
