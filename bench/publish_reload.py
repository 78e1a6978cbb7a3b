"""Benchmark: approval of a 3 000-row publication → every worker of `make serve` serves it.

    python -m bench.publish_reload [--rows 3000] [--workers 3] [--repeat 3]

Starts `serve.py` (gunicorn, gevent, WORKERS processes) on its own SQLite database, publishes a
generated Lanaudière list of `--rows` projects (generated data: benchmarks only), approves it through
publishing.store, then asks `/api/projects?region=14&per_page=1` over fresh connections until every
worker (its process id read from gunicorn's access log) answers with the new data version's ETag.
Prints, per round: the approval's own time, and approval → last worker serving it (seconds).
Each round withdraws then republishes, so the version moves every time.
"""
from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LOG_FORMAT = '%(p)s "%(r)s" %(s)s %({etag}o)s'
# Lanaudière's six MRC, as a coordinator writes them.
MRC = ("Matawinie", "Joliette", "D'Autray", "L'Assomption", "Les Moulins", "Montcalm")


def generated_csv(rows: int) -> bytes:
    lines = ["Titre du projet;Organisme porteur;MRC;Montant FQIS;Année de début"]
    for i in range(rows):
        lines.append(f"Projet de démonstration {i + 1};Organisme {i % 250 + 1};{MRC[i % len(MRC)]};"
                     f"{5_000 + (i * 37) % 95_000} $;{2018 + i % 8}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def wait_every_worker(url: str, log: Path, etag: str, workers: int, limit: float = 60.0) -> float:
    start = time.monotonic()
    marker = f"bench-{time.time_ns()}"
    seen: dict[str, str] = {}
    while time.monotonic() - start < limit:
        urllib.request.urlopen(urllib.request.Request(f"{url}/api/projects?region=14&per_page=1&_={marker}",
                                                      headers={"Connection": "close"}), timeout=30).read()
        for line in log.read_text(errors="replace").splitlines():
            if marker in line:
                parts = line.split()
                seen[parts[0]] = parts[-1].replace("\\", "")
        if len(seen) >= workers and all(tag == etag for tag in seen.values()):
            return time.monotonic() - start
        time.sleep(0.05)
    raise SystemExit(f"après {limit} s, les processus servent {seen}, pas {etag}")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.publish_reload")
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    args = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="carte-bench-publish-"))
    env = {"CARTE_INSTANCE_DIR": str(folder / "instance"), "CARTE_DATABASE_URL": f"sqlite:///{folder / 'carte.db'}"}
    os.environ.update(env)
    sys.path.insert(0, str(ROOT))
    from data import load
    from publishing import accounts, db, store
    from tests.servers import running

    db.migrate()
    with db.session() as s:
        coordinator_token = accounts.invite(s, "bench@lanaudiere.example", "coordinator", "14", "bench")
        operator_token = accounts.invite(s, "bench-op@example.org", "operator", None, "bench")
    with db.session() as s:
        coordinator = accounts.accept(s, coordinator_token, "Banc d'essai de publication 1")
        operator = accounts.accept(s, operator_token, "Banc d'essai de publication 2")
    data = generated_csv(args.rows)
    started = time.monotonic()
    with db.session() as s:
        draft = store.upload(s, store.Actor(coordinator), "lanaudiere", data, "banc.csv", load.load_projects())
    print(f"Lecture et vérification du fichier de {args.rows} lignes (importateur + territoire + différence) : "
          f"{time.monotonic() - started:.2f} s ; {draft.report['rows_valid']} lignes valides")
    log = folder / "serve.log"
    with running("serve.py", log, probe="/healthz", timeout=600, WORKERS=str(args.workers),
                 GUNICORN_CMD_ARGS=f"--access-logformat '{LOG_FORMAT}'", **env) as url:
        results = []
        for round_ in range(args.repeat):
            with db.session() as s:
                if round_:
                    draft = store.upload(s, store.Actor(coordinator), "lanaudiere", data, "banc.csv", load.load_projects())
                store.submit(s, store.Actor(coordinator), draft.id, "")
            begin = time.monotonic()
            with db.session() as s:
                version = store.approve(s, store.Actor(operator), draft.id)
            approval = time.monotonic() - begin
            number = db.read_data_version()
            took = wait_every_worker(url, log, f'"public-{number}"', args.workers)
            results.append(approval + took)
            print(f"tour {round_ + 1} : approbation {approval:.2f} s ; approbation → les {args.workers} processus "
                  f"servent les {args.rows} projets : {approval + took:.2f} s")
            with db.session() as s:
                store.withdraw(s, store.Actor(operator), version.id)
            wait_every_worker(url, log, f'"public-{number + 1}"', args.workers)
    print(f"médiane : {statistics.median(results):.2f} s, pire : {max(results):.2f} s (objectif : 5 s)")


if __name__ == "__main__":
    main()
