"""How a territory's projects are doing, on its page: each project's follow-up cell, and how many projects
report a follow-up at all (« 12 projets sur 40 ont un suivi publié », or « Aucun projet n'a de suivi
publié » — the curated data, from public announcements, have none yet: the page says so rather than
leaving a blank that could read as « nothing happened »)."""
from __future__ import annotations

import pandas as pd
from dash import html

from components.i18n import number, plural, t
from data import follow_up


def cells(projects: pd.DataFrame, lang: str) -> list:
    """One « Suivi » cell per project: status · actual end · people reached, and the report link; « — » if none."""
    word = follow_up.report_word(lang)
    shown = []
    for summary, report in zip(follow_up.summaries(projects, lang), follow_up.report_links(projects)):
        link = html.A(word, href=report, rel="noopener noreferrer") if report else None
        parts = [p for p in (summary or None, link) if p is not None]
        shown.append(html.Span([parts[0], " · ", parts[1]]) if len(parts) == 2 else (parts[0] if parts else "—"))
    return shown


def count_sentence(projects: pd.DataFrame, lang: str) -> str:
    """« 12 projets sur 40 ont un suivi publié » (projects with at least one follow-up cell filled)."""
    reported = int(follow_up.has_follow_up(projects).sum())
    if not reported:
        return t("follow_up_none", lang)
    return plural("follow_up_count", reported, lang, total=number(len(projects), lang))


def note(projects: pd.DataFrame, lang: str) -> html.P:
    return html.P(count_sentence(projects, lang), className="note follow-up-count")
