"""The public projects: the curated CSV rows plus each Alliance's current publication, one schema.

`public_projects(curated)` reads the data version and the current versions in one transaction,
validates the published rows with the very schema of data/projects.csv (data.schema), and merges:
a published project that matches a curated one (same title, promoter and MRC, as data.append
matches) stays one row, with both sources: the curated row's public source and the publication.

Every row published by an Alliance carries three more columns: `published_by` (its mandataire),
`published_on` (ISO date) and `publication_version` (N); `provenance(row, lang)` words them
(« Publié par …, 6 décembre 2026 (version 1) »).

`Watcher` keeps a worker's data current: at most once every CARTE_DATA_CHECK_SECONDS it reads the
data version (one number); when it moved, the new data are built in a thread beside the requests,
which keep the previous data until the new are ready.
"""
from __future__ import annotations

import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Generic, TypeVar

import pandas as pd

import config
from data import export, schema
from publishing import db, difference, store

log = logging.getLogger(__name__)
PROVENANCE_COLUMNS = ("published_by", "published_on", "publication_version")
T = TypeVar("T")


def rows_frame(rows: list[dict], name: str) -> pd.DataFrame:
    """Stored rows (JSON values) → the project table, typed and validated by data.schema (`name` in its errors)."""
    frame = pd.DataFrame.from_records([{c: row.get(c) for c in schema.PROJECT_COLUMNS} for row in rows],
                                      columns=list(schema.PROJECT_COLUMNS))
    for column in ("lon", "lat", "amount_fqis", "total_cost"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in ("start_year", "end_year", "people_reached"):  # a version stored before follow-up has None
        # A column mixing numbers and None comes out of from_records as floats with NaN: NaN is unknown too.
        frame[column] = pd.array([None if v is None or pd.isna(v) else int(v) for v in frame[column].tolist()],
                                 dtype="Int64")
    return schema.validate(frame, schema.project_schema(), name)


def _published_frame(versions) -> pd.DataFrame:
    """The rows of the current versions, validated by data.schema, with their provenance columns.
    A row the schema refuses is named by its publication, version and row (`Problem`), so the log of a
    failed reload says where to look."""
    rows, provenance, where = [], [], []
    for version, version_rows in versions:
        day = version.created_at.date().isoformat()
        rows += version_rows
        provenance += [(version.mandataire, day, int(version.number))] * len(version_rows)
        label = f"publication {getattr(version, 'alliance_id', '?')} version {int(version.number)}"
        where += [(label, position + 1) for position in range(len(version_rows))]
    try:
        validated = rows_frame(rows, "publications")
    except schema.DataFileError as error:
        raise schema.DataFileError([_located(problem, where) for problem in error.problems]) from None
    extra = pd.DataFrame(provenance, columns=list(PROVENANCE_COLUMNS), index=validated.index)
    return pd.concat([validated, extra.astype({"publication_version": "Int64"})], axis=1)


def _located(problem: schema.Problem, where: list[tuple[str, int]]) -> schema.Problem:
    """rows_frame numbers rows as a CSV file (first row = 2) across all versions: back to the version's own."""
    if problem.row is None or not 2 <= problem.row < len(where) + 2:
        return problem
    label, row = where[problem.row - 2]
    return schema.Problem(label, row, problem.column, problem.message)


def _keys(frame: pd.DataFrame) -> list[tuple[str, str, str]]:
    """The match key (difference.key_of) of every row, read from the four columns it uses (no per-row
    dictionaries), through the process's cache of keys: the curated rows, a version brought back by a
    withdrawal and the rows a new version repeats from the previous one are folded once (0,1 s of CPU
    for 3 000 new rows, in every worker)."""
    columns = [frame[c].tolist() for c in ("title", "promoter", "mrc_ids", "region_code")]
    return [difference.match_key(*values) for values in zip(*columns)]


def merge(curated: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Curated rows, then the published ones; a published project known from a public source is one row
    (the curated one, with the publication's provenance and the values the source lacked)."""
    curated = curated.copy()
    for column in PROVENANCE_COLUMNS:
        curated[column] = pd.Series(pd.NA, index=curated.index, dtype="Int64" if column == "publication_version"
                                    else object)
    if published.empty:
        return curated
    where = dict(zip(_keys(curated), curated.index))
    matches = [(index, where.get(key)) for index, key in zip(published.index, _keys(published))]
    keep = [index for index, match in matches if match is None]
    for index, match in matches:  # few: the projects also known from a public source
        if match is None:
            continue
        record = published.loc[index]
        for column in PROVENANCE_COLUMNS:
            curated.at[match, column] = record[column]
        for column in ("amount_fqis", "total_cost", "start_year", "end_year", "municipality", "priorities_original",
                       *schema.FOLLOW_UP_COLUMNS):  # how the project went: only its Alliance says
            if pd.isna(curated.at[match, column]) and not pd.isna(record[column]):
                curated.at[match, column] = record[column]
    merged = pd.concat([curated, published.loc[keep]], ignore_index=True)
    return merged.astype({"publication_version": "Int64"})


def public_projects(curated: pd.DataFrame, url: str | None = None) -> tuple[pd.DataFrame, int]:
    """(curated + published projects, the data version they are)."""
    with phase("version"):
        read_version(url)  # migrates on first use
    with phase("lecture"), db.session(url) as s:  # one transaction: the number and the rows agree
        number = int(s.get(db.DataVersion, 1).number)
        versions = store.current_versions(s)
    with phase("vérification"):
        published = _published_frame(versions)
    with phase("fusion"):
        return merge(curated, published), number


_migrated: set[str] = set()


def read_version(url: str | None = None) -> int:
    """The data version, the database first brought up to date once per process (a test or a tool
    that reads the data without starting the app finds the tables there)."""
    url = url or db.database_url()
    if url not in _migrated:
        db.migrate(url)
        _migrated.add(url)
    return db.read_data_version(url)


provenance = export.provenance  # « Publié par <mandataire>, <date> (version N) », shared with the exports


def check_seconds() -> float:
    try:
        return min(max(float(config.get("data_check_seconds")), 0.0), 60.0)
    except ValueError:
        return 1.0


class Phases:
    """Wall and CPU seconds of each step of one build, for the log line of a reload.

    CPU is the building thread's own (time.thread_time): the requests served beside it by the
    worker's other threads are not counted, and neither are the other processes sharing the cores,
    so the figures stay readable on a loaded machine where wall time is not."""

    def __init__(self) -> None:
        self.steps: list[tuple[str, float, float]] = []
        self._wall, self._cpu = time.perf_counter(), time.thread_time()

    @contextmanager
    def step(self, name: str) -> Iterator[None]:
        wall, cpu = time.perf_counter(), time.thread_time()
        try:
            yield
        finally:
            self.steps.append((name, time.perf_counter() - wall, time.thread_time() - cpu))

    @property
    def wall(self) -> float:
        return time.perf_counter() - self._wall

    @property
    def cpu(self) -> float:
        return time.thread_time() - self._cpu

    def __str__(self) -> str:
        return " ; ".join(f"{name} {cpu:.2f}/{wall:.2f}" for name, wall, cpu in self.steps)


_building = threading.local()  # the Phases of the build running in this thread, if any


@contextmanager
def phase(name: str) -> Iterator[None]:
    """Count the enclosed work as step `name` of the build running in this thread (a no-op outside one):
    the steps live in different modules (reading here, map columns in components.dataset)."""
    phases = getattr(_building, "phases", None)
    if phases is None:
        yield
        return
    with phases.step(name):
        yield


def _real_sleep(seconds: float) -> None:
    """time.sleep, the operating system's even under gevent's monkey-patching (see `_real_thread`)."""
    try:
        from gevent import monkey

        if monkey.is_module_patched("time"):
            monkey.get_original("time", "sleep")(seconds)
            return
    except ImportError:
        pass
    time.sleep(seconds)


def _real_thread(target: Callable[[], None]) -> None:
    """Start `target` in an operating-system thread, even under gevent's monkey-patching (the gevent
    worker of `make serve`): a pandas reload is CPU work that must not hold the network loop."""
    try:
        from gevent import monkey

        if monkey.is_module_patched("threading"):
            monkey.get_original("_thread", "start_new_thread")(target, ())
            return
    except ImportError:
        pass
    threading.Thread(target=target, daemon=True, name="carte-reload").start()


class Watcher(Generic[T]):
    """A value built from the database, rebuilt beside the requests when the data version moves.

    `build()` returns (value, data version); `on_new(value)` is called once a rebuilt value is served.
    `current()` never waits for a rebuild once a first value exists; it reads the version
    (`read_version()`) at most once every `every` seconds, and at most one rebuild runs at a time in
    a process (the requests' threads race for the check).
    The new value replaces the old in one assignment, once complete: a request gets the old value
    or the new one, never a half-built one. A rebuild that fails keeps the old value, logs why, and
    is tried again for that same version only after RETRY_SECONDS (bad rows in the database must
    not cost a rebuild every second); a newer version is tried at once.
    """

    RETRY_SECONDS = 30.0

    def __init__(self, build: Callable[[], tuple[T, int]], read_version: Callable[[], int],
                 every: float | None = None, on_new: Callable[[T], None] | None = None):
        self._build, self._read_version = build, read_version
        self._every = check_seconds() if every is None else every
        self._on_new = on_new
        self._value: T | None = None
        self._version = -1
        self._checked = 0.0
        self._failed: tuple[int, float] | None = None  # (version that failed, when to try it again)
        self._check = threading.Lock()  # held while checking, and while a rebuild runs
        self._first = threading.Lock()
        self._unreachable = False  # the version could not be read at the last check (logged once)
        self._polling = False

    @property
    def version(self) -> int:
        return self._version

    def current(self) -> T:
        if self._value is None:
            with self._first:  # the first value: every request must wait for it
                if self._value is None:
                    self._value, self._version = self._timed_build("chargement")
                    self._checked = time.monotonic()
            return self._value
        if time.monotonic() - self._checked >= self._every and self._check.acquire(blocking=False):
            started = False
            try:
                started = self._check_version()
            finally:
                if not started:
                    self._check.release()  # else the rebuild's thread releases it when done
        return self._value

    def poll_in_background(self) -> None:
        """Check the version every `every` seconds in a thread of this process, requests or not: a worker
        that no request reached since an approval serves the new data to its very first visitor,
        instead of starting the rebuild then (gunicorn calls this in each worker, serve.py; threads do
        not survive the fork, so it cannot be started in the master)."""
        if self._polling:
            return
        self._polling = True

        def poll() -> None:
            while True:
                _real_sleep(max(self._every, 0.05))
                if self._value is None:
                    continue  # nothing served yet: the first request builds it
                try:
                    self.current()
                except Exception:  # never let the thread die: the requests check too
                    log.exception("vérification de la version des données impossible")

        _real_thread(poll)

    def _check_version(self) -> bool:
        """Read the data version; start a rebuild when it moved. True when one was started."""
        now = time.monotonic()
        if now - self._checked < self._every:  # another thread checked meanwhile
            return False
        self._checked = now
        try:
            target = self._read_version()
        except Exception as error:  # the database away for a moment: keep serving what we have
            if not self._unreachable:  # once when the outage starts, not at every check of every worker
                log.error("lecture de la version des données impossible : les données en mémoire restent servies "
                          "(%s)", error, exc_info=error)
            self._unreachable = True
            return False
        if self._unreachable:
            log.warning("version des données lisible de nouveau (%s)", target)
            self._unreachable = False
        if target == self._version or (self._failed and self._failed[0] == target and now < self._failed[1]):
            return False
        _real_thread(lambda: self._reload(target))
        return True

    def _timed_build(self, what: str) -> tuple[T, int]:
        _building.phases = phases = Phases()
        try:
            value, version = self._build()
        finally:
            _building.phases = None
        log.warning("données publiques, %s de la version %s : %.2f s, CPU %.2f s (CPU/durée par étape : %s)",
                    what, version, phases.wall, phases.cpu, phases)
        return value, version

    def _reload(self, target: int) -> None:
        try:
            value, version = self._timed_build("rechargement")
            self._value, self._version = value, version  # one assignment each; readers see old or new
            self._failed = None
        except Exception as error:
            self._failed = (target, time.monotonic() + self.RETRY_SECONDS)
            log.error("rechargement des données publiques impossible (version %s) : la version %s reste servie ; "
                      "nouvel essai dans %.0f s, ou dès qu'une autre version est publiée.\n%s",
                      target, self._version, self.RETRY_SECONDS, error, exc_info=error)
            self._check.release()
            return
        try:
            self._served(value, version)
        finally:
            self._check.release()

    def _served(self, value: T, version: int) -> None:
        """The listeners of a new value, once it is served: warming its caches must not delay it, and
        a listener that fails leaves the new value served (its caches fill on demand)."""
        if not self._on_new:
            return
        phases = Phases()
        try:
            with phases.step("préchauffage"):
                self._on_new(value)
        except Exception:
            log.exception("version %s servie, mais son préchauffage a échoué", version)
            return
        log.warning("données publiques, version %s servie ; %s : %.2f s, CPU %.2f s",
                    version, phases.steps[0][0], phases.wall, phases.cpu)

    def reset(self) -> None:
        """Forget the value (tests)."""
        self._value, self._version = None, -1
