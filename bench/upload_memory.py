"""A worker's memory while visitors send many different files as « Mon fichier » (issue #19).

Sends `--datasets` distinct 5 000-row data sets through the view callback and the table callback,
as the browser does after an upload (the rows travel in the store, JSON), and prints the
process's resident memory after each one. Run: `.venv/bin/python -m bench.upload_memory`.
tests/test_upload_memory.py runs it and checks the ceiling stated in docs/OPERATIONS.md.
"""
from __future__ import annotations

import argparse
import json

import psutil

ROWS = 5_000


def store_payload(seed: int, rows: int = ROWS) -> dict:
    """What the browser's store holds after a valid upload of `rows` projects (upload.read_upload)."""
    from data.synthetic import generate_projects

    frame = generate_projects(rows, seed=seed)
    records = frame.astype(object).where(frame.notna(), None).to_dict("records")
    return {"file": f"liste-{seed}.xlsx", "projects": json.loads(json.dumps(records, default=str))}


def run(datasets: int, rows: int = ROWS) -> list[int]:
    """Resident memory (bytes) after loading the app, then after each distinct data set."""
    import app  # noqa: F401  (creates the Dash app and registers the pages, as a worker does)
    from components.state import AMOUNT_STEPS
    from pages import dashboard

    process = psutil.Process()
    sizes = [process.memory_info().rss]
    for seed in range(datasets):
        uploaded = store_payload(1_000 + seed, rows)
        for level in ("region", "mrc"):
            inputs = [level, "amount", [], [], [], [], [], [0, len(AMOUNT_STEPS) - 1], "", None, [], "upload", uploaded, "fr"]
            dashboard.update_view(*inputs)
            dashboard.table_block({"startRow": 0, "endRow": 100}, *inputs)
        sizes.append(process.memory_info().rss)
    return sizes


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, default=40)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--json", action="store_true", help="print the sizes as one JSON list")
    args = parser.parse_args()
    sizes = run(args.datasets, args.rows)
    if args.json:
        print(json.dumps(sizes))
        return
    mb = [s / 1e6 for s in sizes]
    print(f"après chargement : {mb[0]:.0f} Mo")
    for i, value in enumerate(mb[1:], start=1):
        print(f"après {i:>3} jeux de données distincts : {value:.0f} Mo")
    print(f"maximum {max(mb):.0f} Mo, croissance {max(mb) - mb[0]:.0f} Mo")


if __name__ == "__main__":
    main()
