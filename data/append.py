"""Adding the valid rows of a checked spreadsheet to the curated project file, append only.

`python -m data.importer add FILE --source-url URL` (see `data.importer.main`) calls `plan_add` on
the result of `import_file`, then `write_add`. The rules:
- the columns written are those of the target file's own header, read at run time (another column
  added to data/projects.csv later is filled when this module knows it, left empty otherwise);
- every new row carries the provenance given on the command line (`source_url`, `source_date`) and
  `fqis_link = explicit` when that column exists: whoever adds the file declares them FQIS projects;
- a row whose title, promoter and MRC (the region when no MRC is named) match, folded (no case, no
  accents, no punctuation, no invisible character, a look-alike letter of another script read as the
  Latin one: `data.parsing.skeleton`), a row of the file or an earlier row of the same upload is a
  duplicate: it is reported, not written;
- existing rows are never rewritten: the new rows are appended, after a final newline if the file
  lacked one;
- one line is appended to the CHANGELOG.csv next to the target file (created when missing);
- two `add` at once cannot both write: `write_add` holds an exclusive lock on the target (a
  `.projects.csv.lock` file beside it) while it reads the target again, checks the rows against it
  (the plan is made again: a row another `add` wrote meanwhile is now a duplicate), writes the
  whole new file beside it, validates that file with `data.load.load_projects`, and only then puts
  it in place with one atomic rename, followed by the change log, replaced the same way. A second
  `add` waits up to LOCK_WAIT_SECONDS for the first, then is refused.
"""
from __future__ import annotations

import csv
import datetime as dt
import hashlib
import io
import math
import os
import re
import tempfile
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from filelock import FileLock, Timeout

from data import load
from data.parsing import skeleton
from data.schema import DataFileError
from geo.names import slugify

# Columns of the change log when this command creates it.
CHANGELOG_COLUMNS = ("date", "operation", "target_file", "rows_added", "rows_duplicate", "rows_dropped",
                     "source_url", "note")
# The short region prefix of a project_id (« lan-2021-travailleur-de-rue-mascouche »); the six used
# in data/projects.csv are kept, the others follow the same idea.
REGION_PREFIX = {
    "01": "bsl", "02": "slj", "03": "cap", "04": "mau", "05": "est", "06": "mtl", "07": "out", "08": "abt",
    "09": "cnd", "10": "ndq", "11": "gim", "12": "cha", "13": "lav", "14": "lan", "15": "lau", "16": "mon",
    "17": "cdq",
}
MAX_SLUG = 50  # characters of the title kept in a project_id
_DATE = re.compile(r"^\d{4}(-\d{2}(-\d{2})?)?$")
LOCK_WAIT_SECONDS = 120  # an add takes a few seconds; a longer wait means one is stuck
display_name = load._display_name  # a path as a person names it: relative to the repository when inside it


class AddRefused(ValueError):
    """The target cannot take the rows (missing, unreadable, or the result would not load)."""


@dataclass
class Duplicate:
    row: int  # spreadsheet row of the upload
    title: str
    existing_id: str | None  # the project_id already in the target, or None…
    upload_row: int | None  # …or the earlier row of the same upload it repeats


@dataclass
class AddPlan:
    """What `write_add` would append: full rows keyed by the target's header, and what is skipped."""

    target: Path
    header: list[str]
    rows: list[dict[str, str]] = field(default_factory=list)
    upload_rows: list[int] = field(default_factory=list)  # the spreadsheet row of each new row
    duplicates: list[Duplicate] = field(default_factory=list)
    source_url: str = ""
    source_date: str = ""
    imported: Any = None  # the ImportResult the plan was made from, to make it again under the lock…
    target_digest: str = ""  # …when the target is no longer the one it was made against (SHA-256)


def valid_source_date(text: str | None) -> bool:
    """AAAA, AAAA-MM or AAAA-MM-JJ, and a real date."""
    if not text:
        return True
    if not _DATE.match(text):
        return False
    parts = [int(p) for p in text.split("-")] + [1, 1]
    try:
        dt.date(*parts[:3])
    except ValueError:
        return False
    return True


def _key(title: Any, promoter: Any, mrc_ids: Any, region_code: Any) -> tuple[str, str, str]:
    def text(value: Any) -> str:
        return "" if value is None or (isinstance(value, float) and math.isnan(value)) or value is pd.NA else str(value)
    mrcs = ";".join(sorted(p for p in text(mrc_ids).split(";") if p))
    return skeleton(text(title)), skeleton(text(promoter)), mrcs or f"region:{text(region_code)}"


def _read_target(target: Path) -> tuple[list[str], list[dict[str, str]], str]:
    if not target.is_file():
        raise AddRefused(f"{target} : fichier introuvable")
    data = target.read_bytes()
    reader = csv.DictReader(io.StringIO(data.decode("utf-8"), newline=""))
    rows = list(reader)
    header = list(reader.fieldnames or [])
    if "project_id" not in header or "title" not in header:
        raise AddRefused(f"{target} : ce n'est pas un fichier de projets (colonnes project_id et title attendues)")
    return header, rows, hashlib.sha256(data).hexdigest()


def _cell(value: Any) -> str:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _project_id(record: dict[str, Any], source_date: str, taken: set[str]) -> str:
    """« lan-2021-travailleur-de-rue-mascouche »: region, year (start, else source), title; -2, -3… if taken."""
    slug = slugify(record["title"])
    if len(slug) > MAX_SLUG:
        slug = slug[:MAX_SLUG].rsplit("-", 1)[0]
    year = _cell(record.get("start_year")) or source_date[:4]
    base = "-".join(p for p in (REGION_PREFIX.get(record["region_code"], "qc"), year, slug) if p)
    candidate, n = base, 2
    while candidate in taken:
        candidate, n = f"{base}-{n}", n + 1
    taken.add(candidate)
    return candidate


def plan_add(result, target: Path, source_url: str, source_date: str = "", today: dt.date | None = None) -> AddPlan:
    """The rows `result` (a data.importer.ImportResult) would add to `target`, and its duplicates."""
    header, existing, digest = _read_target(target)
    plan = AddPlan(target, header, source_url=source_url, source_date=source_date or "", imported=result,
                   target_digest=digest)
    known = {_key(r.get("title"), r.get("promoter"), r.get("mrc_ids"), r.get("region_code")): r.get("project_id")
             for r in existing}
    taken = {r.get("project_id", "") for r in existing}
    seen: dict[tuple, int] = {}
    day = (today or dt.date.today()).isoformat()
    for record in result.projects.to_dict("records"):
        row = int(record["project_id"].removeprefix("import-"))
        key = _key(record["title"], record["promoter"], record["mrc_ids"], record["region_code"])
        if key in known:
            plan.duplicates.append(Duplicate(row, record["title"], known[key], None))
            continue
        if key in seen:
            plan.duplicates.append(Duplicate(row, record["title"], None, seen[key]))
            continue
        seen[key] = row
        plan.rows.append(_new_row(record, header, plan, _project_id(record, plan.source_date, taken),
                                  result.file_name, row, day))
        plan.upload_rows.append(row)
    return plan


def _new_row(record: dict[str, Any], header: list[str], plan: AddPlan, project_id: str, file_name: str,
             row: int, day: str) -> dict[str, str]:
    own_source = record["source_url"] if str(record["source_url"]).startswith("http") else ""
    other_source = own_source if own_source and own_source != plan.source_url else ""
    notes = [_cell(record.get("note"))]
    if other_source and "other_source_urls" not in header:
        notes.append(f"Source de la ligne : {other_source}")
    notes.append(f"Ligne {row} de « {file_name} », ajoutée le {day} (python -m data.importer add).")
    values = {column: _cell(record.get(column)) for column in record}
    values.update(project_id=project_id, source_url=plan.source_url, source_date=plan.source_date,
                  note=" ".join(n if n.endswith(".") else n + "." for n in notes if n), fqis_link="explicit",
                  other_source_urls=other_source)
    return {column: values.get(column, "") for column in header}


def _line_ending(data: bytes) -> str:
    first = data.split(b"\n", 1)[0]
    return "\r\n" if first.endswith(b"\r") else "\n"


def _csv_lines(rows: list[list[str]], ending: str) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator=ending).writerows(rows)
    return out.getvalue()


def _appended(data: bytes | None, rows: list[list[str]], header: list[str] | None = None) -> bytes:
    """The bytes to append to a file holding `data` (None: no file yet, its header first)."""
    if data is None:
        return _csv_lines([header or []] + rows, "\n").encode("utf-8")
    ending = _line_ending(data)
    lead = ending if data and not data.endswith(b"\n") else ""
    return (lead + _csv_lines(rows, ending)).encode("utf-8")


def lock_path(target: Path) -> Path:
    return target.with_name(f".{target.name}.lock")


def _staged(path: Path, data: bytes) -> Path:
    """`data` written and flushed to disk in a new file beside `path` (same file system: the rename
    that puts it in place is atomic)."""
    handle, name = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    with os.fdopen(handle, "wb") as f:
        f.write(data)
        f.flush()
        os.fsync(f.fileno())
    if path.exists():
        os.chmod(name, path.stat().st_mode & 0o777)
    return Path(name)


def write_add(plan: AddPlan, result, rows_dropped: int, today: dt.date | None = None) -> Path:
    """Add the plan's rows to its target and a line to the change log; returns the log's path.

    Under the target's lock, if the target changed since the plan was made, the plan is made again
    from the target as it is now (updated in place: the caller's report tells what was really written), the new file is validated whole with
    `load_projects`, then renamed over the target. AddRefused if the lock is not had within
    LOCK_WAIT_SECONDS, or if the new file would not load (nothing is written).
    """
    target = plan.target
    try:
        with FileLock(lock_path(target), timeout=LOCK_WAIT_SECONDS):
            changed = hashlib.sha256(target.read_bytes()).hexdigest() != plan.target_digest
            if changed and plan.imported is not None:  # rows another add wrote meanwhile are duplicates now
                fresh = plan_add(plan.imported, target, plan.source_url, plan.source_date, today)
                plan.header, plan.rows, plan.upload_rows, plan.duplicates = (fresh.header, fresh.rows,
                                                                             fresh.upload_rows, fresh.duplicates)
            if plan.rows:
                old = target.read_bytes()
                staged = _staged(target, old + _appended(old, [[row[c] for c in plan.header] for row in plan.rows]))
                try:
                    load.load_projects(staged)
                except DataFileError as failure:
                    staged.unlink()
                    raise AddRefused(f"{target} : les lignes ajoutées ne passeraient pas la validation :\n"
                                     f"{str(failure).replace(staged.name, target.name)}") from None
                os.replace(staged, target)
            return _log(plan, result, rows_dropped, today or dt.date.today())
    except Timeout:
        raise AddRefused(f"{target} : un autre ajout est en cours (verrou {lock_path(target).name} tenu depuis plus "
                         f"de {LOCK_WAIT_SECONDS} s) ; rien n'est écrit.") from None


def _log(plan: AddPlan, result, rows_dropped: int, today: dt.date) -> Path:
    log = plan.target.parent / "CHANGELOG.csv"
    header = CHANGELOG_COLUMNS
    if log.is_file():
        with log.open(encoding="utf-8", newline="") as f:
            header = tuple(next(csv.reader(f), CHANGELOG_COLUMNS))
    target = display_name(plan.target)
    rows = f", lignes {', '.join(map(str, plan.upload_rows))}" if plan.upload_rows else ""
    note = f"Import de « {result.file_name} »{rows} (python -m data.importer add)."
    values = {"date": today.isoformat(), "operation": "add", "target_file": target, "rows_added": str(len(plan.rows)),
              "rows_duplicate": str(len(plan.duplicates)), "rows_dropped": str(rows_dropped),
              "source_url": plan.source_url, "note": note}
    old = log.read_bytes() if log.is_file() else None
    new = (old or b"") + _appended(old, [[values.get(c, "") for c in header]], list(header))
    os.replace(_staged(log, new), log)
    return log
