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
from typing import Callable, Generic, TypeVar

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
    """The rows of the current versions, validated by data.schema, with their provenance columns."""
    rows, provenance = [], []
    for version, version_rows in versions:
        day = version.created_at.date().isoformat()
        rows += version_rows
        provenance += [(version.mandataire, day, int(version.number))] * len(version_rows)
    validated = rows_frame(rows, "publications")
    extra = pd.DataFrame(provenance, columns=list(PROVENANCE_COLUMNS), index=validated.index)
    return pd.concat([validated, extra.astype({"publication_version": "Int64"})], axis=1)


def merge(curated: pd.DataFrame, published: pd.DataFrame) -> pd.DataFrame:
    """Curated rows, then the published ones; a published project known from a public source is one row
    (the curated one, with the publication's provenance and the values the source lacked)."""
    curated = curated.copy()
    for column in PROVENANCE_COLUMNS:
        curated[column] = pd.Series(pd.NA, index=curated.index, dtype="Int64" if column == "publication_version"
                                    else object)
    if published.empty:
        return curated
    where = {difference.key_of(r): i for i, r in zip(curated.index, curated.to_dict("records"))}
    keep = []
    for index, record in zip(published.index, published.to_dict("records")):
        match = where.get(difference.key_of(record))
        if match is None:
            keep.append(index)
            continue
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
    read_version(url)  # migrates on first use
    with db.session(url) as s:
        number = int(s.get(db.DataVersion, 1).number)
        versions = store.current_versions(s)
    return merge(curated, _published_frame(versions)), number


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

    `build()` returns (value, data version). `current()` never waits for a rebuild once a first
    value exists; it reads the version (`read_version()`) at most once every `every` seconds.
    """

    def __init__(self, build: Callable[[], tuple[T, int]], read_version: Callable[[], int],
                 every: float | None = None, on_new: Callable[[T], None] | None = None):
        self._build, self._read_version = build, read_version
        self._every = check_seconds() if every is None else every
        self._on_new = on_new
        self._value: T | None = None
        self._version = -1
        self._checked = 0.0
        self._reloading = False
        self._first = threading.Lock()

    @property
    def version(self) -> int:
        return self._version

    def current(self) -> T:
        if self._value is None:
            with self._first:  # the first value: every request must wait for it
                if self._value is None:
                    self._value, self._version = self._build()
                    self._checked = time.monotonic()
            return self._value
        now = time.monotonic()
        if now - self._checked >= self._every and not self._reloading:
            self._checked = now
            try:
                moved = self._read_version() != self._version
            except Exception:  # the database away for a moment: keep serving what we have
                log.exception("lecture de la version des données impossible")
                moved = False
            if moved:
                self._reloading = True
                _real_thread(self._reload)
        return self._value

    def _reload(self) -> None:
        started = time.monotonic()
        try:
            value, version = self._build()
            log.warning("données publiques rechargées : version %s en %.2f s", version, time.monotonic() - started)
            self._value, self._version = value, version  # one assignment each; readers see old or new
            if self._on_new:
                self._on_new(value)
        except Exception:
            log.exception("rechargement des données publiées impossible")
        finally:
            self._reloading = False

    def reset(self) -> None:
        """Forget the value (tests)."""
        self._value, self._version = None, -1
