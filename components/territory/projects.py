"""The projects of one territory as the document pages count them: which projects count in it, which
of them an all-cycles total adds (not those of the old plan, `data.metrics.SEPARATE_CYCLES`, as on the
map with no cycle chosen), and the priorities they state. Shared by the territory pages, the
one-page sheets and the comparison, so that their totals are the map's and the API's."""
from __future__ import annotations

import numpy as np
import pandas as pd

from components.i18n import t
from components.territory.facts import reference_labels
from data import metrics
from geo.names import fold

ALL_CYCLES = metrics.Filters()  # no filter, no cycle chosen: what a territory's page and sheet total


def counted_mask(projects: pd.DataFrame) -> np.ndarray:
    """True for the projects an all-cycles total adds: every one but the old plan's (`filter_mask`
    with no cycle chosen, the rule of the map, the API and the downloads)."""
    return metrics.filter_mask(projects, ALL_CYCLES)


def split_old_plan(projects: pd.DataFrame) -> tuple[pd.DataFrame, pd.DataFrame]:
    """(the projects the totals add, the old plan's projects, listed apart and never added)."""
    counted = counted_mask(projects)
    return projects[counted], projects[~counted]


def territory_projects(projects: pd.DataFrame, level: str, territory: str) -> pd.DataFrame:
    """The projects that count in `territory`, by the same rule as `metrics.aggregate`."""
    column = projects.counted_mrc if level == "mrc" else projects.region_code
    return projects[(column == territory).fillna(False).astype(bool).to_numpy()]


def theme_counts(projects: pd.DataFrame, lang: str) -> list[tuple[str, str, int]]:
    """(theme id, label, number of projects) of `projects`, most frequent first; a project with no
    stated priority counts under « Priorité non précisée » (id "")."""
    if projects.empty:
        return []
    # Each project once per theme it states (a repeated theme in one cell counts once).
    per_project = projects.themes.fillna("").astype(str).map(
        lambda cell: sorted({theme.strip() for theme in cell.split(";")} - {""}) or [""])
    counts = per_project.explode().value_counts()
    labels = reference_labels("themes", lang)
    rows = [(theme, labels.get(theme, theme) if theme else t("theme_none", lang), int(n)) for theme, n in counts.items()]
    return sorted(rows, key=lambda row: (row[0] == "", -row[2], fold(row[1])))  # « not stated » last
