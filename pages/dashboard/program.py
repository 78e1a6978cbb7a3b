"""The program's scale, at the top of the map page: each cycle's published total, its source, and
how much of it the known projects document (data.program). A visitor sees how big the program
is before any figure of the few known projects."""
from __future__ import annotations

from functools import lru_cache

import pandas as pd
from dash import html

from components.dataset import Dataset, forget_on_new_data
from components.document import source_link
from components.i18n import money, money_compact, percent, plural, text
from data.program import CycleTotal, cycle_totals
from data.schema import REFERENCE_DIR
from texts.catalogs import Messages

TEXT = Messages("program")


def tr(key: str, lang: str, **values) -> str:
    return text(TEXT, key, lang, **values)


@lru_cache(maxsize=1)
def _cycle_labels() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "cycles.csv", dtype=str).set_index("cycle_id")


def total_text(row: CycleTotal, lang: str) -> str:
    amount = money_compact(row.total, lang)
    return tr("at_least", lang, amount=amount) if row.at_least else amount


def documented_text(row: CycleTotal, lang: str) -> str:
    if row.documented is None:
        return tr("documented_none", lang)
    return tr("documented", lang, amount=money(row.documented, lang), share=percent(row.share, lang))


@forget_on_new_data
@lru_cache(maxsize=8)
def _totals(data: Dataset) -> tuple[CycleTotal, ...]:
    """Once per dataset: a page is built per distinct address, the totals never change."""
    return tuple(cycle_totals(data.envelopes, data.projects))


def strip(data: Dataset, lang: str) -> html.Section:
    """One entry per cycle with a published total; the public data only (the program is the same
    whatever file a visitor drops)."""
    labels = _cycle_labels()["label_en" if lang == "en" else "label_fr"]
    entries = []
    for row in _totals(data):
        entries.append(html.Li([
            html.Span(labels.get(row.cycle, row.cycle), className="program-cycle"),
            html.Span(total_text(row, lang), className="program-total"),
            html.Span([tr("source", lang), source_link(row.source_url, row.source_date, lang)],
                      className="program-source"),
            html.Span([documented_text(row, lang),
                       html.Span([" (", plural("n_known_projects", row.n_projects, lang), ")"], className="program-count")],
                      className="program-documented"),
        ], className="program-entry", **{"data-cycle": row.cycle}))
    return html.Section([html.H2(tr("program_title", lang), id="program-title"),
                         html.Ul(entries, className="program-list")],
                        id="program", className="program", **{"aria-labelledby": "program-title"})
