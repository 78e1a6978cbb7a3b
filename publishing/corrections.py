"""Corrections from anyone: record a report, list the reports a signed-in user may read, mark one treated.

A report is written by someone without an account, so `record` trusts nothing it is given: the
web form (web/corrections) has already checked every field, and this module only stores, bounds
and journals. Reading: an operator sees every report; a coordinator sees those about her own
Alliance (the Alliance the server found from the project or the page), read-only. Only an operator
marks a report treated. Every write is one transaction with its journal line.
"""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import case, select
from sqlalchemy.orm import Session

from publishing import db
from publishing.db import CORRECTION_NEW, CORRECTION_TREATED, Correction
from publishing.store import Actor, Refused

ANONYMOUS = "anonyme"  # the journal's actor for a report: nobody signed in
SHOWN = 200  # reports listed in the queue (newest first, the new ones before the treated)


@dataclass(frozen=True)
class Report:
    """What the form accepted, ready to store."""

    text: str
    page: str
    project_id: str | None = None
    alliance_id: str | None = None
    source_url: str = ""
    contact: str = ""
    lang: str = "fr"


def record(s: Session, report: Report, address: str) -> Correction:
    """Store one report and journal it (the journal keeps where it came from, never its text)."""
    row = Correction(text=report.text, page=report.page[:1000], project_id=report.project_id,
                     alliance_id=report.alliance_id, source_url=report.source_url[:2000], contact=report.contact[:254],
                     lang="en" if report.lang == "en" else "fr", address=(address or "")[:64],
                     status=CORRECTION_NEW, created_at=db.now())
    s.add(row)
    s.flush()
    db.journal(s, "correction_report", actor=ANONYMOUS, alliance_id=report.alliance_id, subject=f"correction {row.id}",
               detail={"page": row.page, "project_id": row.project_id}, address=address)
    return row


def visible_to(s: Session, actor: Actor, limit: int = SHOWN) -> list[Correction]:
    """The reports `actor` may read: all for an operator, her Alliance's for a coordinator.
    New ones first, then the treated, each newest first."""
    query = select(Correction)
    if not actor.is_operator:
        query = query.where(Correction.alliance_id == actor.user.alliance_id)
    treated_last = case((Correction.status == CORRECTION_NEW, 0), else_=1)
    return list(s.execute(query.order_by(treated_last, Correction.created_at.desc(), Correction.id.desc())
                          .limit(limit)).scalars())


def mark_treated(s: Session, actor: Actor, correction_id: int) -> Correction:
    """An operator marks a report treated (once: a second time is refused, 409)."""
    if not actor.is_operator:
        raise Refused(403, "operators_only")
    row = s.get(Correction, correction_id)
    if row is None:
        raise Refused(404, "not_found")
    if row.status == CORRECTION_TREATED:
        raise Refused(409, "correction_already_treated")
    row.status, row.treated_at, row.treated_by = CORRECTION_TREATED, db.now(), actor.user.id
    db.journal(s, "correction_treated", actor=actor.user.email, user_id=actor.user.id, alliance_id=row.alliance_id,
               subject=f"correction {row.id}", address=actor.address)
    return row
