"""Benchmark: approval of a 3 000-row publication → every worker of `make serve` serves it; and what
the published rows cost each filter change afterwards, next to the naive baseline.

    python -m bench.publish_reload [--rows 3000] [--workers 3] [--repeat 3] [--requests 40] [--no-filters]

Everything runs on its own SQLite database in a temporary folder, with a generated Lanaudière list
of `--rows` projects (generated data: benchmarks only).

1. Reload. `serve.py` (gunicorn, gevent, WORKERS processes) is started; each round submits and
   approves the list through publishing.store, then asks `/api/projects?region=14&per_page=1` over
   fresh connections until every worker (its process id read from gunicorn's access log) answers
   with the new data version's ETag. Printed per round: the approval's own time (writing the
   version), then for each worker the seconds from the approval's commit to its first answer with
   the new data, and approval started → last worker. Each round then withdraws the version, so the
   data version moves every time. The workers' log lines give each reload's CPU per step
   (publishing.dataset.Phases): their medians are printed.
2. Filter changes (bench.run's measures, same code as `make bench`): `python app.py` on the same
   database, before the publication (the curated projects) and, in the same process, after it
   was approved, reloaded and its first pages warmed; then, with as many synthetic projects, the
   app in demo mode (`make bench`'s « app » at 3 000) and bench/naive_app.py. p50 of the client's
   wall time and the server's CPU per change; « after ÷ before » and « after ÷ demo » answer
   « within 10 % ».

Writes every figure to bench-results/publish_reload.json (git-ignored).
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import re
import statistics
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
OUT = ROOT / "bench-results" / "publish_reload.json"
LOG_FORMAT = '%(p)s "%(r)s" %(s)s %({etag}o)s'
# Lanaudière's six MRC, as a coordinator writes them.
MRC = ("Matawinie", "Joliette", "D'Autray", "L'Assomption", "Les Moulins", "Montcalm")
PROBE = "/api/projects?region=14&per_page=1"
# The log line of a reload (publishing.dataset.Watcher._timed_build).
RELOAD_LINE = re.compile(r"rechargement de la version (\d+) : ([\d.]+) s, CPU ([\d.]+) s \(CPU/durée par étape : (.*)\)")
# Then, once the new data are served, their first pages computed (pages.dashboard._first_pages).
WARM_LINE = re.compile(r"version (\d+) servie ; (préchauffage) : ([\d.]+) s, CPU ([\d.]+) s")


def generated_csv(rows: int) -> bytes:
    lines = ["Titre du projet;Organisme porteur;MRC;Montant FQIS;Année de début"]
    for i in range(rows):
        lines.append(f"Projet de démonstration {i + 1};Organisme {i % 250 + 1};{MRC[i % len(MRC)]};"
                     f"{5_000 + (i * 37) % 95_000} $;{2018 + i % 8}")
    return ("\n".join(lines) + "\n").encode("utf-8")


def etag(url: str) -> str:
    with urllib.request.urlopen(urllib.request.Request(url + PROBE, headers={"Connection": "close"}),
                                timeout=30) as answer:
        return answer.headers.get("ETag", "")


def wait_every_worker(url: str, log: Path, tag: str, workers: int, since: float, limit: float = 60.0) -> dict[str, float]:
    """{worker's process id: seconds from `since` (time.monotonic) to its first answer carrying `tag`}."""
    marker = f"bench-{time.time_ns()}"
    first: dict[str, float] = {}
    read = 0  # bytes of the log already read
    while time.monotonic() - since < limit:
        urllib.request.urlopen(urllib.request.Request(f"{url}{PROBE}&_={marker}", headers={"Connection": "close"}),
                               timeout=30).read()
        answered = time.monotonic()  # the worker served the new data at the latest then
        with open(log, "rb") as f:
            f.seek(read)
            chunk = f.read()
        read += len(chunk.rsplit(b"\n", 1)[0]) + 1 if b"\n" in chunk else 0
        for line in chunk.decode(errors="replace").splitlines():
            parts = line.split()
            if marker in line and parts[-1].replace("\\", "") == tag:
                first.setdefault(parts[0], answered - since)
        if len(first) >= workers:
            return first
        time.sleep(0.05)
    raise SystemExit(f"après {limit} s, seuls {sorted(first)} servent {tag}")


class Bench:
    """The database, its two accounts and the generated list, shared by both parts."""

    def __init__(self, rows: int):
        self.folder = Path(tempfile.mkdtemp(prefix="carte-bench-publish-"))
        self.env = {"CARTE_INSTANCE_DIR": str(self.folder / "instance"),
                    "CARTE_DATABASE_URL": f"sqlite:///{self.folder / 'carte.db'}"}
        os.environ.update(self.env)
        sys.path.insert(0, str(ROOT))
        from data import load
        from publishing import accounts, db, store

        self.db, self.store, self.curated = db, store, load.load_projects()
        db.migrate()
        with db.session() as s:
            coordinator = accounts.invite(s, "bench@lanaudiere.example", "coordinator", "14", "bench")
            operator = accounts.invite(s, "bench-op@example.org", "operator", None, "bench")
        with db.session() as s:
            self.coordinator = accounts.accept(s, coordinator, "Banc d'essai de publication 1")
            self.operator = accounts.accept(s, operator, "Banc d'essai de publication 2")
        self.rows, self.data = rows, generated_csv(rows)

    def submitted(self, timed: bool = False):
        """A new submission of the list, waiting for approval."""
        started = time.monotonic()
        with self.db.session() as s:
            draft = self.store.upload(s, self.store.Actor(self.coordinator), "lanaudiere", self.data, "banc.csv",
                                      self.curated)
            self.store.submit(s, self.store.Actor(self.coordinator), draft.id, "")
        if timed:
            print(f"Lecture et vérification du fichier de {self.rows} lignes (importateur + territoire + différence) : "
                  f"{time.monotonic() - started:.2f} s ; {draft.report['rows_valid']} lignes valides", flush=True)
        return draft

    def approve(self, draft) -> tuple[object, float, float]:
        """(version, seconds the approval took, time.monotonic() of its commit)."""
        begin = time.monotonic()
        with self.db.session() as s:
            version = self.store.approve(s, self.store.Actor(self.operator), draft.id)
        return version, time.monotonic() - begin, time.monotonic()

    def public_rows(self) -> int:
        """How many projects the public data hold now (curated + current publications, merged)."""
        from publishing.dataset import public_projects

        return len(public_projects(self.curated)[0])

    def withdraw(self, version) -> None:
        with self.db.session() as s:
            self.store.withdraw(s, self.store.Actor(self.operator), version.id)


# ---------------------------------------------------------------- 1. every worker serves the publication


def reload_rounds(bench: Bench, workers: int, repeat: int) -> dict:
    from tests.servers import running

    log = bench.folder / "serve.log"
    rounds = []
    with running("serve.py", log, probe="/healthz", timeout=600, WORKERS=str(workers),
                 GUNICORN_CMD_ARGS=f"--access-logformat '{LOG_FORMAT}'", **bench.env) as url:
        for number in range(repeat):
            draft = bench.submitted(timed=number == 0)
            load = os.getloadavg()[0]
            version, approval, committed = bench.approve(draft)
            tag = f'"public-{bench.db.read_data_version()}"'
            per_worker = wait_every_worker(url, log, tag, workers, committed)
            last = max(per_worker.values())
            rounds.append({"approval_s": approval, "workers_s": per_worker, "approval_to_last_worker_s": approval + last,
                           "load_average": load})
            shown = ", ".join(f"{seconds:.2f}" for seconds in sorted(per_worker.values()))
            print(f"tour {number + 1} (charge {load:.1f}) : approbation {approval:.2f} s ; après elle, chaque processus "
                  f"sert les {bench.rows} projets à {shown} s ; approbation commencée → le dernier : "
                  f"{approval + last:.2f} s", flush=True)
            bench.withdraw(version)
            wait_every_worker(url, log, f'"public-{bench.db.read_data_version()}"', workers, time.monotonic())
    phases = reload_phases(log.read_text(errors="replace"))
    totals = [r["approval_to_last_worker_s"] for r in rounds]
    print(f"approbation commencée → tous les processus : médiane {statistics.median(totals):.2f} s, "
          f"pire {max(totals):.2f} s (objectif : 5 s)")
    print("rechargement d'une publication, par processus (médianes) : " + ", ".join(
        f"{name} {values['cpu_s']:.2f} s CPU / {values['wall_s']:.2f} s" for name, values in phases.items()))
    return {"rounds": rounds, "reload_phases": phases}


def reload_phases(log: str) -> dict:
    """Median CPU and wall seconds of each step of the reloads that brought the publication in
    (the odd data versions: the even ones are the withdrawals, back to the curated rows), and of the
    warming of their first pages once served."""
    steps: dict[str, list[tuple[float, float]]] = {}
    for match in RELOAD_LINE.finditer(log):
        if int(match.group(1)) % 2 == 0:
            continue
        steps.setdefault("total", []).append((float(match.group(3)), float(match.group(2))))
        for part in match.group(4).split(" ; "):
            name, figures = part.rsplit(" ", 1)
            cpu, wall = figures.split("/")
            steps.setdefault(name, []).append((float(cpu), float(wall)))
    for match in WARM_LINE.finditer(log):
        if int(match.group(1)) % 2:
            steps.setdefault("après : " + match.group(2), []).append((float(match.group(4)), float(match.group(3))))
    return {name: {"cpu_s": statistics.median(c for c, _ in values), "wall_s": statistics.median(w for _, w in values),
                   "n": len(values)} for name, values in steps.items()}


# ---------------------------------------------------------------- 2. filter changes before and after


def filter_changes(bench: Bench, requests: int) -> dict:
    from bench.dash_http import Http
    from bench.run import SUBJECTS, Options, first_update, measure_updates
    from bench.server import HOST, Server

    opts = Options(sizes=(), requests=requests, warmup=3, clicks=0, click_warmup=0, browser=False,
                   out=OUT)
    logs = OUT.parent / "logs"
    result: dict = {}
    with Server("app", [sys.executable, "app.py"], bench.env, logs / "publish-app.log") as server:
        server.wait_first_200("/", timeout=600)
        http = Http(HOST, server.port)
        try:
            for moment in ("before", "after"):
                if moment == "after":
                    _, _, committed = bench.approve(bench.submitted())
                    number = bench.db.read_data_version()
                    # Served, and its first pages warmed (the log line of pages.dashboard's warm-up
                    # after the swap): that work must not be counted in the changes measured after.
                    while (etag(server.base_url) != f'"public-{number}"'
                           or f"version {number} servie" not in server.log_path.read_text(errors="replace")):
                        time.sleep(0.1)
                        if time.monotonic() - committed > 120:
                            raise SystemExit(f"app.py ne sert pas la version {number} deux minutes après l'approbation")
                measured: dict = {}
                runner = first_update(server, http, measured)
                measure_updates(server, runner, opts, measured, {})
                measured["projects"] = bench.public_rows()
                result[f"app_{moment}"] = measured
        finally:
            http.close()
    # Then, as `make bench` measures them: the app on as many synthetic projects (CARTE_DEMO, the
    # figure BENCHMARKS.md gives for today's app at 3 000), and the naive baseline.
    size = result["app_after"]["projects"]
    for subject in SUBJECTS:
        with Server(subject.name, list(subject.argv), {**bench.env, **subject.env(size)},
                    logs / f"publish-{subject.name}.log") as server:
            server.wait_first_200("/", timeout=600)
            http = Http(HOST, server.port)
            try:
                measured = {"projects": size}
                measure_updates(server, first_update(server, http, measured), opts, measured, {})
                result["naive" if subject.name == "naive" else "app_demo"] = measured
            finally:
                http.close()
    _print_filter_changes(result)
    return result


def _print_filter_changes(result: dict) -> None:
    columns = (("app_before", "app, avant"), ("app_after", "app, après"), ("app_demo", "app, démo"),
               ("naive", "naïf"))
    print(f"\n{'changement de filtre':44}" + "".join(f"{label:>14}" for _, label in columns))
    rows = (("projets", lambda r: f"{r['projects']:,}".replace(",", " ")),
            ("charge avant les mesures (1 min)", lambda r: f"{r['load_average']:.1f}"),
            ("p50, durée vue du client (ms)", lambda r: f"{r['update']['wall_ms']['p50']:.1f}"),
            ("p95, durée vue du client (ms)", lambda r: f"{r['update']['wall_ms']['p95']:.1f}"),
            ("CPU du serveur par changement, moyenne (ms)", lambda r: f"{r['update']['server_cpu_ms']:.1f}"))
    for label, value in rows:
        print(f"{label:44}" + "".join(f"{value(result[key]):>14}" for key, _ in columns))
    before, after, demo, naive = (result[k]["update"] for k, _ in columns)
    for label, key in (("p50", lambda u: u["wall_ms"]["p50"]), ("CPU", lambda u: u["server_cpu_ms"])):
        print(f"{label} après ÷ avant : {key(after) / key(before):.2f}, après ÷ démo de même taille : "
              f"{key(after) / key(demo):.2f} (objectif : ≤ 1,10) ; naïf ÷ app après : {key(naive) / key(after):.0f}×")


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.publish_reload", description=__doc__.split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=3000)
    parser.add_argument("--workers", type=int, default=3)
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--requests", type=int, default=40, help="measured filter changes per server (min 30)")
    parser.add_argument("--no-filters", action="store_true", help="only the reload part")
    args = parser.parse_args()
    bench = Bench(args.rows)
    report = {"date": dt.datetime.now().astimezone().isoformat(timespec="seconds"), "rows": args.rows,
              "workers": args.workers, "cores": len(os.sched_getaffinity(0)), "load_average_start": os.getloadavg()[0]}
    report["reload"] = reload_rounds(bench, args.workers, args.repeat)
    if not args.no_filters:
        report["filter_changes"] = filter_changes(bench, max(args.requests, 30))
    report["load_average_end"] = os.getloadavg()[0]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    OUT.write_text(json.dumps(report, indent=1, ensure_ascii=False, default=str))
    print(f"\nChiffres : {OUT.relative_to(ROOT)} ; charge moyenne {report['load_average_start']:.1f} au début, "
          f"{report['load_average_end']:.1f} à la fin ({report['cores']} cœurs)")


if __name__ == "__main__":
    main()
