"""The publishing workflow: upload (a draft), submit, approve into version N, send back, withdraw.

Every function takes the acting user and her address, checks that she may act (a coordinator only
on her own Alliance, operators everywhere), writes in the caller's session (one transaction) and
journals what it did. Versions are created, never changed; a withdrawal is a row of its own; nothing
is deleted. Every write that changes what the public sees raises the data version.

The rows are read by the very reader of the upload and of `importer check` (data.importer), so a
coordinator gets the same messages here as anywhere else; rows outside her Alliance's territory
are then refused with the reason, row and column.
"""
from __future__ import annotations

import datetime as dt
import math
from dataclasses import dataclass
from typing import Any

import pandas as pd
from sqlalchemy import func, insert, select
from sqlalchemy.orm import Session

from data import append, importer, spreadsheet
from data.import_messages import label as field_label
from publishing import db, difference, territory
from publishing.db import APPROVED, DRAFT, SENT_BACK, SUBMITTED, Submission, User, Version, VersionRow, Withdrawal

MAX_NOTE = 2000  # characters of a note or a message, so a form post cannot fill the database
LANGS = ("fr", "en")  # a check report is stored in both: the operator reads it in hers


class Refused(Exception):
    """The user may not do this (status 403), it does not exist for her (404), or not now (409).
    `code` names the reason (catalog message `publish.refused_<code>`)."""

    def __init__(self, status: int, code: str):
        super().__init__(code)
        self.status = status
        self.code = code


@dataclass(frozen=True)
class Actor:
    user: User
    address: str = ""

    @property
    def is_operator(self) -> bool:
        return self.user.role == "operator"


def _may_act_for(actor: Actor, alliance_id: str) -> None:
    if not actor.is_operator and actor.user.alliance_id != alliance_id:
        # 404, not 403: another Alliance's submissions are not hers to know about.
        raise Refused(404, "not_found")


def _require_operator(actor: Actor) -> None:
    if not actor.is_operator:
        raise Refused(403, "operators_only")


def _journal(s: Session, actor: Actor, action: str, alliance_id: str | None, subject: str, **detail) -> None:
    db.journal(s, action, actor=actor.user.email, user_id=actor.user.id, alliance_id=alliance_id, subject=subject,
               detail=detail, address=actor.address)


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        value = value.item()
    if isinstance(value, float) and value.is_integer() and abs(value) < 2**53:
        return value
    return value


def _records(projects: pd.DataFrame) -> list[dict[str, Any]]:
    rows = []
    for record in projects.to_dict("records"):
        row = {k: _json_value(v) for k, v in record.items()}
        row["row"] = int(str(row["project_id"]).removeprefix("import-"))
        rows.append(row)
    return rows


# ---------------------------------------------------------------- reading

def published_rows(s: Session, alliance_id: str) -> tuple[Version | None, list[dict[str, Any]]]:
    """The Alliance's current version (the latest not withdrawn) and its rows, or (None, [])."""
    version = current_version(s, alliance_id)
    if version is None:
        return None, []
    rows = s.execute(select(VersionRow.data).where(VersionRow.version_id == version.id)
                     .order_by(VersionRow.position)).scalars().all()
    return version, list(rows)


def current_version(s: Session, alliance_id: str) -> Version | None:
    withdrawn = select(Withdrawal.version_id)
    return s.execute(select(Version).where(Version.alliance_id == alliance_id, Version.id.not_in(withdrawn))
                     .order_by(Version.number.desc()).limit(1)).scalar_one_or_none()


def current_versions(s: Session) -> list[tuple[Version, list[dict[str, Any]]]]:
    """Each Alliance's current version with its rows: what the public sees, besides the curated files."""
    withdrawn = select(Withdrawal.version_id)
    latest = (select(Version.alliance_id, func.max(Version.number).label("number"))
              .where(Version.id.not_in(withdrawn)).group_by(Version.alliance_id).subquery())
    versions = s.execute(select(Version).join(latest, (Version.alliance_id == latest.c.alliance_id)
                                              & (Version.number == latest.c.number))
                         .order_by(Version.alliance_id)).scalars().all()
    if not versions:
        return []
    rows: dict[int, list] = {v.id: [] for v in versions}
    for version_id, data in s.execute(select(VersionRow.version_id, VersionRow.data)
                                      .where(VersionRow.version_id.in_(rows)).order_by(VersionRow.version_id,
                                                                                         VersionRow.position)):
        rows[version_id].append(data)
    return [(v, rows[v.id]) for v in versions]


def curated_in(alliance: territory.Alliance, curated: pd.DataFrame) -> list[dict[str, Any]]:
    """Curated rows (data/projects.csv) of the Alliance's region, as JSON-ready dicts."""
    mine = curated[curated.region_code == alliance.region_code]
    return [{k: _json_value(v) for k, v in r.items()} for r in mine.to_dict("records")]


def _owned(s: Session, actor: Actor, model: type, key: int):
    """Row `key` of `model` (a submission or a version) if `actor` may see it; 404 otherwise."""
    found = s.get(model, key)
    if found is None:
        raise Refused(404, "not_found")
    _may_act_for(actor, found.alliance_id)
    return found


def submission_for(s: Session, actor: Actor, submission_id: int) -> Submission:
    return _owned(s, actor, Submission, submission_id)


def version_for(s: Session, actor: Actor, version_id: int) -> Version:
    return _owned(s, actor, Version, version_id)


# ---------------------------------------------------------------- writing

def upload(s: Session, actor: Actor, alliance_id: str, data: bytes, file_name: str, curated: pd.DataFrame,
           lang: str = "fr") -> Submission:
    """Read her spreadsheet; keep it as a draft with its report and its difference (nothing public yet).

    Raises `importer.UnreadableFile` for a file that cannot be read at all (the upload's message).
    """
    _may_act_for(actor, alliance_id)
    alliance = territory.find_alliance(alliance_id)
    result = importer.import_spreadsheet(data, file_name, lang)
    header = spreadsheet.read_spreadsheet(data, file_name, lang).header  # the file's own header words
    errors, warnings = _issues_in_both_languages(result, data, file_name)
    rows = []
    for row in _records(result.projects):
        why = territory.outside(alliance, row, row["row"])
        if why is None:
            rows.append(row)
            continue
        errors.append(_issue(why.row, lang, {
            other: (_column(header, row, why.field, other),
                    _words(other, f"outside_{why.code}", alliance=alliance.name(other), **dict(why.values)))
            for other in LANGS}))
    errors.sort(key=lambda e: (e["row"] or 0, e["column"] or ""))
    base, published = published_rows(s, alliance.alliance_id)
    report = {"file": result.file_name, "lang": lang, "rows_read": result.rows_read, "rows_valid": len(rows),
              "errors": errors, "warnings": warnings}
    submission = Submission(alliance_id=alliance.alliance_id, user_id=actor.user.id, file_name=result.file_name[:255],
                            rows=rows, report=report, base_version=base.number if base else None, status=DRAFT,
                            difference=difference.compare(rows, published, curated_in(alliance, curated)),
                            note="", decision_message="", created_at=db.now())
    s.add(submission)
    s.flush()
    _journal(s, actor, "upload", alliance.alliance_id, f"submission {submission.id}", file=result.file_name,
             rows_read=result.rows_read, rows_valid=len(rows), rows_refused=len(errors))
    return submission


def _issue(row: int | None, lang: str, words: dict[str, tuple[str | None, str]]) -> dict[str, Any]:
    """One problem of the check report: its row, and its column and message in the uploader's language
    (`lang`), and in every language under "in" — an operator reads it in hers, not the uploader's."""
    column, message = words[lang]
    return {"row": row, "column": column, "message": message,
            "in": {other: {"column": c, "message": m} for other, (c, m) in words.items()}}


def _issues_in_both_languages(result: importer.ImportResult, data: bytes,
                              file_name: str) -> tuple[list[dict], list[dict]]:
    """The importer's errors and warnings, each in both languages. The file is read again in the other
    language only when it has problems to word (the same reader finds the same problems, in order)."""
    lang = result.lang
    other_lang = "en" if lang == "fr" else "fr"
    kinds = (result.errors, result.warnings)
    other_kinds = kinds
    if result.errors or result.warnings:
        other = importer.import_spreadsheet(data, file_name, other_lang)
        other_kinds = (other.errors, other.warnings)
    out = []
    for issues, others in zip(kinds, other_kinds):
        if [(i.row, i.code) for i in issues] != [(o.row, o.code) for o in others]:
            others = issues  # never seen; then the uploader's words stand for both rather than wrong ones
        out.append([_issue(i.row, lang, {lang: (i.column, i.message), other_lang: (o.column, o.message)})
                    for i, o in zip(issues, others)])
    return out[0], out[1]


def report_in(report: dict[str, Any], lang: str) -> dict[str, Any]:
    """The stored report with its problems worded in `lang` (a report stored before both languages
    were kept keeps its uploader's words)."""
    def worded(issue: dict) -> dict:
        chosen = (issue.get("in") or {}).get(lang)
        return {**issue, **chosen} if chosen else issue

    return {**report, "errors": [worded(e) for e in report.get("errors", [])],
            "warnings": [worded(w) for w in report.get("warnings", [])]}


def _words(lang: str, key: str, **values) -> str:
    from texts.catalogs import Messages  # the catalogs, not dash

    fr, en = Messages("publish")[key]
    return (en if lang == "en" else fr).format(**values)


def _column(header, row: dict, field: str, lang: str) -> str:
    """The header text of the column to fix: the MRC column, else the municipality's, else the region's."""
    for name in ((field, "municipality", "region") if field == "mrc" else (field,)):
        index = header.fields.get(name)
        if index is not None:
            return header.labels[index]
    return field_label(field, lang)


def submit(s: Session, actor: Actor, submission_id: int, note: str) -> Submission:
    """Send a draft to the operators, with her note; approved at once if her Alliance publishes without review."""
    submission = submission_for(s, actor, submission_id)
    if submission.status not in (DRAFT, SENT_BACK):
        raise Refused(409, "already_submitted")
    if not submission.rows:
        raise Refused(409, "nothing_to_publish")
    submission.status = SUBMITTED
    submission.note = (note or "").strip()[:MAX_NOTE]
    _journal(s, actor, "submit", submission.alliance_id, f"submission {submission.id}", note=submission.note)
    setting = s.get(db.AllianceSetting, submission.alliance_id)
    if setting is not None and setting.publish_without_review:
        _approve(s, actor, submission, automatic=True)
    return submission


def approve(s: Session, actor: Actor, submission_id: int) -> Version:
    _require_operator(actor)
    submission = submission_for(s, actor, submission_id)
    if submission.status != SUBMITTED:
        raise Refused(409, "not_waiting")
    return _approve(s, actor, submission, automatic=False)


def _approve(s: Session, actor: Actor, submission: Submission, automatic: bool) -> Version:
    alliance = territory.find_alliance(submission.alliance_id)
    base, published = published_rows(s, alliance.alliance_id)
    number = (s.execute(select(func.max(Version.number)).where(Version.alliance_id == alliance.alliance_id))
              .scalar() or 0) + 1
    when = db.now()
    version = Version(alliance_id=alliance.alliance_id, number=number, submission_id=submission.id,
                      approved_by=actor.user.id, created_at=when, mandataire=alliance.mandataire)
    s.add(version)
    s.flush()
    # One bulk INSERT (executemany) rather than an ORM object per row: 3 000 rows took 0,3–0,6 s of CPU.
    rows = [{"version_id": version.id, "position": position, "project_id": row["project_id"], "data": row}
            for position, row in enumerate(_version_rows(s, alliance, submission.rows, when, number))]
    if rows:
        s.execute(insert(VersionRow), rows)
    submission.status = APPROVED
    submission.decided_at = when
    submission.decided_by = actor.user.id
    data_version = db.bump_data_version(s)
    _journal(s, actor, "approve_automatic" if automatic else "approve", alliance.alliance_id,
             f"version {number}", submission=submission.id, version=number, rows=len(submission.rows),
             replaces=base.number if base else None, data_version=data_version)
    return version


def _version_rows(s: Session, alliance: territory.Alliance, rows: list[dict], when: dt.datetime,
                  number: int) -> list[dict]:
    """The submission's rows as the version keeps them: a stable project_id (the one an earlier version
    of the Alliance gave the same project, else a new one), the publication date as source date, and,
    for a row without a web source, the publication itself as its source (« import:publication/<id>/<N> »,
    never the coordinator's file name)."""
    earlier: dict[tuple, str] = {}
    taken: set[str] = set()
    for project_id, data in s.execute(select(VersionRow.project_id, VersionRow.data).join(Version)
                                      .where(Version.alliance_id == alliance.alliance_id)
                                      .order_by(Version.number)):
        earlier[difference.key_of(data)] = project_id
        taken.add(project_id)
    out = []
    day = when.date().isoformat()
    used: set[str] = set()
    for row in rows:
        record = {k: v for k, v in row.items() if k != "row"}
        project_id = earlier.get(difference.key_of(record))
        if project_id is None or project_id in used:
            # « pub-lanaudiere-2024-cuisine-collective »: its own prefix, never a curated project's id.
            project_id = "pub-" + alliance.alliance_id + "-" + append._project_id(record, day, taken).split("-", 1)[1]
        used.add(project_id)
        record.update(project_id=project_id, source_date=day)
        if not str(record.get("source_url") or "").startswith("http"):
            record["source_url"] = f"import:publication/{alliance.alliance_id}/{number}"
        out.append(record)
    return out


def send_back(s: Session, actor: Actor, submission_id: int, message: str) -> Submission:
    _require_operator(actor)
    submission = submission_for(s, actor, submission_id)
    if submission.status != SUBMITTED:
        raise Refused(409, "not_waiting")
    submission.status = SENT_BACK
    submission.decided_at = db.now()
    submission.decided_by = actor.user.id
    submission.decision_message = (message or "").strip()[:MAX_NOTE]
    _journal(s, actor, "send_back", submission.alliance_id, f"submission {submission.id}",
             message=submission.decision_message)
    return submission


def withdraw(s: Session, actor: Actor, version_id: int, reason: str = "") -> Version | None:
    """Withdraw the Alliance's current version; the previous one (returned, or None) is current again."""
    version = version_for(s, actor, version_id)
    current = current_version(s, version.alliance_id)
    if current is None or current.id != version.id:
        raise Refused(409, "only_current")
    s.add(Withdrawal(version_id=version.id, user_id=actor.user.id, reason=(reason or "").strip()[:MAX_NOTE],
                     created_at=db.now()))
    s.flush()
    previous = current_version(s, version.alliance_id)
    data_version = db.bump_data_version(s)
    _journal(s, actor, "withdraw", version.alliance_id, f"version {version.number}", version=version.number,
             current=previous.number if previous else None, reason=reason, data_version=data_version)
    return previous


def set_publish_without_review(s: Session, actor: Actor, alliance_id: str, value: bool) -> None:
    _require_operator(actor)
    alliance = territory.find_alliance(alliance_id)
    setting = s.get(db.AllianceSetting, alliance.alliance_id)
    if setting is None:
        setting = db.AllianceSetting(alliance_id=alliance.alliance_id)
        s.add(setting)
    setting.publish_without_review = bool(value)
    setting.updated_at = db.now()
    _journal(s, actor, "setting", alliance.alliance_id, "publish_without_review", value=bool(value))


def publish_without_review(s: Session, alliance_id: str) -> bool:
    setting = s.get(db.AllianceSetting, alliance_id)
    return bool(setting and setting.publish_without_review)


def queue(s: Session, actor: Actor) -> list[Submission]:
    """Submissions waiting for a decision (operators)."""
    _require_operator(actor)
    return list(s.execute(select(Submission).where(Submission.status == SUBMITTED)
                          .order_by(Submission.created_at)).scalars())


def history(s: Session, actor: Actor, alliance_id: str) -> tuple[list[Submission], list[tuple[Version, bool]]]:
    """Her Alliance's submissions (newest first) and versions with whether each was withdrawn."""
    _may_act_for(actor, alliance_id)
    # Drafts too: a file she checked and left is still one click away.
    submissions = s.execute(select(Submission).where(Submission.alliance_id == alliance_id)
                            .order_by(Submission.id.desc()).limit(50)).scalars().all()
    withdrawn = set(s.execute(select(Withdrawal.version_id)).scalars())
    versions = s.execute(select(Version).where(Version.alliance_id == alliance_id)
                         .order_by(Version.number.desc())).scalars().all()
    return list(submissions), [(v, v.id in withdrawn) for v in versions]
