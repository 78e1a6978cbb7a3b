"""How projects are doing, in words: the follow-up columns of data.schema (status, actual end date, people
reached, report link), as the table, the territory pages, the presentation and the exports show them.

Only what a file said is shown: an empty cell is unknown and stays unsaid (no « prévu » by default, no
« 0 personne »). A project « has a follow-up » when at least one of the four cells is filled.
"""
from __future__ import annotations

import numpy as np
import pandas as pd

from data.import_messages import count_text
from data.schema import FOLLOW_UP_COLUMNS, PROJECT_STATUSES
from texts.catalogs import Messages, ngettext

STATUS_LABELS = Messages("status")  # « terminé » / "completed"
_WORDS = Messages("follow_up")


def _i(lang: str) -> int:
    return 1 if lang == "en" else 0


def status_label(status, lang: str) -> str | None:
    """« terminé » for "completed"; None when unknown (empty, or a word that is not a status)."""
    return STATUS_LABELS[status][_i(lang)] if isinstance(status, str) and status in PROJECT_STATUSES else None


def status_labels(lang: str) -> dict[str, str]:
    """Every status id → its label in `lang`, in the vocabulary's order."""
    return {status: STATUS_LABELS[status][_i(lang)] for status in PROJECT_STATUSES}


def has_follow_up(projects: pd.DataFrame) -> np.ndarray:
    """True for the projects with at least one follow-up cell filled (a table without the columns: none)."""
    present = [c for c in FOLLOW_UP_COLUMNS if c in projects.columns]
    filled = np.zeros(len(projects), dtype=bool)
    for column in present:
        filled |= projects[column].notna().to_numpy(dtype=bool)
    return filled


def people_text(count, lang: str) -> str:
    """« 1 personne rejointe », « 1 234 personnes rejointes »; "1 person reached", "1,234 people reached"."""
    n = int(count)
    return ngettext("plurals.follow_up_people", n, lang).format(n=count_text(n, lang))


def summary(status, ended, people, lang: str) -> str:
    """« terminé · fin réelle : 2024-06-30 · 120 personnes rejointes », the parts known only; « » if none."""
    parts = []
    label = status_label(status, lang)
    if label:
        parts.append(label)
    if isinstance(ended, str) and ended:
        parts.append(_WORDS["ended"][_i(lang)].format(date=ended))
    if people is not None and not pd.isna(people):
        parts.append(people_text(people, lang))
    return " · ".join(parts)


def summaries(projects: pd.DataFrame, lang: str) -> list[str]:
    """`summary` of every project of `projects` (a table without the columns: all empty)."""
    if not set(FOLLOW_UP_COLUMNS) <= set(projects.columns):
        return [""] * len(projects)
    return [summary(s, e, p, lang) for s, e, p in zip(projects.status.tolist(), projects.actual_end_date.tolist(),
                                                      projects.people_reached.tolist())]


def report_word(lang: str) -> str:
    """The words of a report link: « rapport » / "report"."""
    return _WORDS["report"][_i(lang)]


def report_links(projects: pd.DataFrame) -> list[str]:
    """Each project's report address when it is http(s) (the schema checks it), else « »."""
    if "report_url" not in projects.columns:
        return [""] * len(projects)
    return [url if isinstance(url, str) and url.startswith(("http://", "https://")) else ""
            for url in projects.report_url.tolist()]
