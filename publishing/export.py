"""The archive of every published version, as CSV, and its way back into an empty database.

`write_archive(DIR)` writes what the public has ever been shown through publishing, nothing deleted:

    DIR/versions.csv                      one line a version: Alliance, N, status, provenance
    DIR/people.csv                        the people the provenance names: address, role, Alliance
    DIR/<alliance>/v<N>.csv               the version's projects (data.schema.PROJECT_COLUMNS)
    DIR/<alliance>/v<N>.submission.json   what the operator saw: the difference and the check report

Status is `current` (the Alliance's latest version not withdrawn), `withdrawn` or `superseded`.
The journal is not in the archive: it holds sign-in attempts and addresses of people, and it stays
in the database and its backups (docs/OPERATIONS.md); passwords never leave the database.

The output is deterministic: sorted, UTF-8 without byte-order mark, "\\n" line ends, numbers
written the same way each time; the same database gives the same bytes.

`read_archive(DIR)` reads it back (version rows through the schema of data/projects.csv, so a
hand-edited archive is refused with file, row and column) and `import_archive(DIR)` writes it into
an empty database: the same versions, with their dates and people, and the same public data.
People come back without a password: the operator invites them again.
"""
from __future__ import annotations

import csv
import datetime as dt
import io
import json
import math
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from data import schema
from publishing import dataset, db, territory
from publishing.db import APPROVED, Submission, User, Version, VersionRow, Withdrawal

VERSIONS = "versions.csv"
PEOPLE = "people.csv"
VERSION_COLUMNS = ("alliance_id", "alliance", "mandataire", "version", "status", "rows", "file",
                   "approved_at", "approved_by", "submitted_at", "submitted_by", "submitted_file", "base_version",
                   "note", "withdrawn_at", "withdrawn_by", "withdrawal_reason")
PEOPLE_COLUMNS = ("email", "role", "alliance_id")
CURRENT, WITHDRAWN, SUPERSEDED = "current", "withdrawn", "superseded"


class ArchiveError(ValueError):
    """An archive that cannot be imported: the message names the file, and the row and column when one is at fault."""


# ---------------------------------------------------------------- values ↔ cells

def _utc(moment: dt.datetime | None) -> dt.datetime | None:
    if moment is None:
        return None
    # SQLite gives back naive datetimes; publishing writes UTC (db.now), so naive means UTC.
    return moment.replace(tzinfo=dt.UTC) if moment.tzinfo is None else moment.astimezone(dt.UTC)


def _cell(value: Any) -> str:
    """A JSON value as a CSV cell: empty for none, whole numbers without « .0 », others as Python writes them."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() and abs(value) < 2**53 else repr(value)
    if isinstance(value, dt.datetime):
        return _utc(value).isoformat()
    return str(value)


def _column_kinds() -> dict[str, type]:
    """Each project column's Python type, from the schema of data/projects.csv (float, int or str)."""
    kinds = {}
    for name, column in schema.project_schema().columns.items():
        text = str(column.dtype).lower()
        kinds[name] = float if "float" in text else int if "int" in text else str
    return kinds


def _value(text: str, kind: type, where: str) -> Any:
    if text == "":
        return None
    if kind is str:
        return text
    try:
        number = float(text)
    except ValueError:
        raise ArchiveError(f"{where} : « {text} » n'est pas un nombre") from None
    if kind is int:
        if not number.is_integer():
            raise ArchiveError(f"{where} : « {text} » n'est pas un nombre entier")
        return int(number)
    return number


def _csv_bytes(header: tuple[str, ...] | list[str], rows: list[list[str]]) -> bytes:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(header)
    writer.writerows(rows)
    return out.getvalue().encode("utf-8")


def _read_csv(path: Path, required: tuple[str, ...]) -> list[dict[str, str]]:
    if not path.is_file():
        raise ArchiveError(f"{path} : fichier manquant")
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in required if c not in (reader.fieldnames or [])]
        if missing:
            raise ArchiveError(f"{path}, ligne 1 : colonne(s) manquante(s) : {', '.join(missing)}")
        return list(reader)


# ---------------------------------------------------------------- what the archive holds

@dataclass
class ArchivedVersion:
    alliance_id: str
    number: int
    mandataire: str
    status: str
    approved_at: dt.datetime
    approved_by: str
    submitted_at: dt.datetime
    submitted_by: str
    submitted_file: str
    base_version: int | None
    note: str
    rows: list[dict[str, Any]]
    submission: dict[str, Any]  # {"difference": …, "report": …}
    withdrawn_at: dt.datetime | None = None
    withdrawn_by: str = ""
    withdrawal_reason: str = ""

    @property
    def file(self) -> str:
        return f"{self.alliance_id}/v{self.number}.csv"

    @property
    def submission_file(self) -> str:
        return f"{self.alliance_id}/v{self.number}.submission.json"


@dataclass
class Archive:
    people: dict[str, tuple[str, str]] = field(default_factory=dict)  # email → (role, alliance_id or "")
    versions: list[ArchivedVersion] = field(default_factory=list)  # sorted by Alliance, then N


def collect(s: Session) -> Archive:
    """Every version of every Alliance, with its rows, its submission and its withdrawal, if any."""
    users = {u.id: u for u in s.execute(select(User)).scalars()}
    withdrawals = {w.version_id: w for w in s.execute(select(Withdrawal)).scalars()}
    submissions = {x.id: x for x in s.execute(select(Submission).where(Submission.status == APPROVED)).scalars()}
    rows: dict[int, list] = {}
    for version_id, data in s.execute(select(VersionRow.version_id, VersionRow.data)
                                      .order_by(VersionRow.version_id, VersionRow.position)):
        rows.setdefault(version_id, []).append(data)
    archive = Archive()

    def person(user_id: int | None) -> str:
        user = users.get(user_id)
        if user is None:
            return ""
        archive.people[user.email] = (user.role, user.alliance_id or "")
        return user.email

    versions = s.execute(select(Version).order_by(Version.alliance_id, Version.number)).scalars().all()
    # An Alliance's current version: its latest not withdrawn (as publishing.store reads it).
    current = {v.alliance_id: v.id for v in versions if v.id not in withdrawals}
    for version in versions:
        submission = submissions[version.submission_id]
        withdrawal = withdrawals.get(version.id)
        status = WITHDRAWN if withdrawal else CURRENT if current[version.alliance_id] == version.id else SUPERSEDED
        archive.versions.append(ArchivedVersion(
            alliance_id=version.alliance_id, number=version.number, mandataire=version.mandataire, status=status,
            approved_at=_utc(version.created_at), approved_by=person(version.approved_by),
            submitted_at=_utc(submission.created_at), submitted_by=person(submission.user_id),
            submitted_file=submission.file_name, base_version=submission.base_version, note=submission.note or "",
            rows=rows.get(version.id, []),
            submission={"difference": submission.difference, "report": submission.report},
            withdrawn_at=_utc(withdrawal.created_at) if withdrawal else None,
            withdrawn_by=person(withdrawal.user_id) if withdrawal else "",
            withdrawal_reason=(withdrawal.reason or "") if withdrawal else ""))
    return archive


# ---------------------------------------------------------------- writing

def files(archive: Archive) -> dict[str, bytes]:
    """The archive's files: relative path → bytes."""
    out: dict[str, bytes] = {}
    kinds = _column_kinds()
    lines = []
    for v in archive.versions:
        alliance = territory.alliances().get(v.alliance_id)
        lines.append([_cell(x) for x in (
            v.alliance_id, alliance.name_fr if alliance else "", v.mandataire, v.number, v.status, len(v.rows), v.file,
            v.approved_at, v.approved_by, v.submitted_at, v.submitted_by, v.submitted_file, v.base_version, v.note,
            v.withdrawn_at, v.withdrawn_by, v.withdrawal_reason)])
        extra = sorted({k for row in v.rows for k in row} - set(kinds))
        columns = list(kinds) + extra
        out[v.file] = _csv_bytes(columns, [[_cell(row.get(c)) for c in columns] for row in v.rows])
        out[v.submission_file] = (json.dumps(v.submission, ensure_ascii=False, sort_keys=True, indent=1)
                                  + "\n").encode("utf-8")
    out[VERSIONS] = _csv_bytes(VERSION_COLUMNS, lines)
    out[PEOPLE] = _csv_bytes(PEOPLE_COLUMNS, [[email, role, alliance]
                                              for email, (role, alliance) in sorted(archive.people.items())])
    return out


def write_archive(directory: Path, url: str | None = None) -> dict[str, int]:
    """Write the archive of the database into `directory` (created; files already there are replaced)."""
    with db.session(url) as s:
        archive = collect(s)
    directory = Path(directory)
    for relative, data in sorted(files(archive).items()):
        path = directory / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data)
    return {"versions": len(archive.versions), "rows": sum(len(v.rows) for v in archive.versions),
            "people": len(archive.people)}


# ---------------------------------------------------------------- reading back

def _moment(text: str, where: str) -> dt.datetime | None:
    if not text:
        return None
    try:
        return _utc(dt.datetime.fromisoformat(text))
    except ValueError:
        raise ArchiveError(f"{where} : « {text} » n'est pas une date et heure ISO 8601") from None


def _read_rows(path: Path, label: str) -> list[dict[str, Any]]:
    kinds = _column_kinds()
    records = _read_csv(path, tuple(kinds))
    rows = []
    for line, record in enumerate(records, start=2):
        rows.append({column: _value(text or "", kinds.get(column, str), f"{label}, ligne {line}, colonne {column}")
                     for column, text in record.items()})
    try:  # the very schema of data/projects.csv: a hand-edited file is refused with row and column
        dataset.rows_frame(rows, label)
    except schema.DataFileError as error:
        raise ArchiveError(str(error)) from None
    return rows


def read_archive(directory: Path) -> Archive:
    directory = Path(directory)
    archive = Archive()
    for line, record in enumerate(_read_csv(directory / PEOPLE, PEOPLE_COLUMNS), start=2):
        if record["role"] not in db.ROLES:
            raise ArchiveError(f"{PEOPLE}, ligne {line}, colonne role : « {record['role']} » inconnu")
        archive.people[record["email"].strip().lower()] = (record["role"], record["alliance_id"])
    for line, record in enumerate(_read_csv(directory / VERSIONS, VERSION_COLUMNS), start=2):
        where = f"{VERSIONS}, ligne {line}, colonne"
        if record["alliance_id"] not in territory.alliances():
            raise ArchiveError(f"{where} alliance_id : Alliance inconnue « {record['alliance_id']} »")
        if record["status"] not in (CURRENT, WITHDRAWN, SUPERSEDED):
            raise ArchiveError(f"{where} status : « {record['status']} » inconnu")
        for column in ("approved_by", "submitted_by", "withdrawn_by"):
            if record[column] and record[column] not in archive.people:
                raise ArchiveError(f"{where} {column} : « {record[column]} » absent de {PEOPLE}")
        version = ArchivedVersion(
            alliance_id=record["alliance_id"], number=_value(record["version"], int, f"{where} version"),
            mandataire=record["mandataire"], status=record["status"],
            approved_at=_moment(record["approved_at"], f"{where} approved_at"), approved_by=record["approved_by"],
            submitted_at=_moment(record["submitted_at"], f"{where} submitted_at"),
            submitted_by=record["submitted_by"], submitted_file=record["submitted_file"],
            base_version=_value(record["base_version"], int, f"{where} base_version"), note=record["note"],
            rows=[], submission={}, withdrawn_at=_moment(record["withdrawn_at"], f"{where} withdrawn_at"),
            withdrawn_by=record["withdrawn_by"], withdrawal_reason=record["withdrawal_reason"])
        if version.number is None or version.approved_at is None or not version.approved_by:
            raise ArchiveError(f"{VERSIONS}, ligne {line} : version, approved_at et approved_by sont obligatoires")
        version.rows = _read_rows(directory / version.file, version.file)
        if len(version.rows) != _value(record["rows"], int, f"{where} rows"):
            raise ArchiveError(f"{where} rows : {record['rows']} annoncées, {len(version.rows)} dans {version.file}")
        try:
            version.submission = json.loads((directory / version.submission_file).read_text(encoding="utf-8"))
        except (OSError, ValueError) as error:
            raise ArchiveError(f"{version.submission_file} : {error}") from None
        archive.versions.append(version)
    archive.versions.sort(key=lambda v: (v.alliance_id, v.number))
    return archive


def import_archive(directory: Path, url: str | None = None, by: str = "ligne de commande") -> dict[str, int]:
    """Write an archive into an empty database (no version, no submission yet): refused otherwise."""
    archive = read_archive(directory)
    dataset.read_version(url)  # brings the database up to date first
    with db.session(url) as s:
        if s.execute(select(func.count()).select_from(Version)).scalar() or \
                s.execute(select(func.count()).select_from(Submission)).scalar():
            raise ArchiveError("la base de données contient déjà des publications : l'archive se réimporte dans une base vide")
        users: dict[str, User] = {}
        for email, (role, alliance) in sorted(archive.people.items()):
            user = s.execute(select(User).where(User.email == email)).scalar_one_or_none()
            if user is None:  # no password: the operator invites her again
                user = User(email=email, role=role, alliance_id=alliance or None, credential_epoch=0,
                            created_at=db.now())
                s.add(user)
            users[email] = user
        s.flush()
        for v in archive.versions:
            submitter = users.get(v.submitted_by) or users[v.approved_by]
            submission = Submission(
                alliance_id=v.alliance_id, user_id=submitter.id, file_name=v.submitted_file, rows=v.rows,
                report=v.submission.get("report") or {}, difference=v.submission.get("difference") or {},
                base_version=v.base_version, note=v.note, status=APPROVED, created_at=v.submitted_at or v.approved_at,
                decided_at=v.approved_at, decided_by=users[v.approved_by].id, decision_message="")
            s.add(submission)
            s.flush()
            version = Version(alliance_id=v.alliance_id, number=v.number, submission_id=submission.id,
                              approved_by=users[v.approved_by].id, created_at=v.approved_at, mandataire=v.mandataire)
            s.add(version)
            s.flush()
            s.add_all(VersionRow(version_id=version.id, position=position, project_id=str(row["project_id"]), data=row)
                      for position, row in enumerate(v.rows))
            if v.status == WITHDRAWN:
                withdrawer = users.get(v.withdrawn_by) or users[v.approved_by]
                s.add(Withdrawal(version_id=version.id, user_id=withdrawer.id, reason=v.withdrawal_reason,
                                 created_at=v.withdrawn_at or v.approved_at))
        data_version = db.bump_data_version(s)
        counts = {"versions": len(archive.versions), "rows": sum(len(v.rows) for v in archive.versions),
                  "people": len(archive.people)}
        db.journal(s, "import_archive", actor=by, subject=str(directory)[:255], detail={**counts,
                                                                                         "data_version": data_version})
    return counts
