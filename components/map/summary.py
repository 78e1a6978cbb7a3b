"""What a map view shows, computed once for every place that draws or describes it: the map page, the
embeddable map, the server-drawn first paint and the link previews. `compute` gives the figures as
plain values, `view_summary` the one sentence that says them, `map_caption` the title and source line."""
from __future__ import annotations

import textwrap
from dataclasses import replace
from functools import lru_cache

import numpy as np
import pandas as pd

from components.dataset import Dataset, per_dataset
from components.dataset import current as dataset
from components.i18n import money, money_cents, plural, t
from components.map.bounds import focus, view_frame
from components.map.figures import (
    POINT_LIMIT,
    choropleth_data,
    cluster_data,
    measure_title,
    measure_values,
    outline_data,
    point_hovers,
    point_trace,
)
from components.map.scope import in_view
from components.state import View
from data import metrics
from geo import layers


def compute(view: View, data: Dataset | None = None) -> dict:
    """Everything the page shows for `view`, as plain values (tested without a browser).

    The projects in view are a boolean mask over the dataset: aggregations read the columns they
    need through it, and rows are copied only when few enough to be drawn one by one."""
    data = data or dataset()
    filters = view.effective_filters()
    selection = _selection(data, filters)
    mask, n_projects = selection["mask"], selection["n_projects"]
    agg = _aggregation(data, view.level, filters)
    no_data, with_data = choropleth_data(agg, view.level, view.measure, view.lang)
    points = _points(data, filters, view.lang)
    chosen = focus(view)
    shown = in_view(agg, view.level, filters)  # the territories the filters keep: what is counted and ranked
    empty = not measure_values(shown, view.measure).notna().any()
    return {"mask": mask, "n_projects": n_projects, "agg": agg, "no_data": no_data, "data": with_data,
            "points": points, "headline": selection["headline"], "shown": shown,
            "focus": chosen, "outlines": outline_data(chosen), "frame": view_frame(view),
            # Only when the map colours nothing: the view to suggest instead (see nearest_view).
            "nearest": nearest_view(view, agg, data) if empty else None}


# What a view computes from its filters alone is kept for the next views of the same filters: a
# visitor who changes the measure keeps the same projects, aggregation and points; one who changes
# the level keeps the projects and points. A few entries per dataset (keyed by its key: a reload
# or another file never reads them); what they hold is shared, so it is never changed in place
# (the mask is read-only, and nothing writes into an aggregation).

@per_dataset(public_entries=8, other_entries=4)
def _selection(data: Dataset, filters: metrics.Filters) -> dict:
    """The projects the filters keep (a read-only boolean mask), how many, and the headline figures."""
    mask = metrics.filter_mask(data.projects, filters)
    mask.flags.writeable = False
    return {"mask": mask, "n_projects": int(mask.sum()),
            "headline": metrics.headline(data.projects, filters, mask=mask)}


@per_dataset(public_entries=8, other_entries=4)
def _aggregation(data: Dataset, level: str, filters: metrics.Filters) -> pd.DataFrame:
    """metrics.aggregate of the filters' projects at `level`, with the envelope cycle they choose."""
    cycle = metrics.choose_envelope_cycle(data.envelopes, level, filters.cycles)
    return metrics.aggregate(data.projects, level, data.envelopes, envelope_cycle=cycle,
                             mask=_selection(data, filters)["mask"])


@per_dataset(public_entries=8, other_entries=4)
def _points(data: Dataset, filters: metrics.Filters, lang: str) -> dict:
    """The map's points for the filters' projects: one per project, or clusters past POINT_LIMIT."""
    projects, selection = data.projects, _selection(data, filters)
    mask = selection["mask"]
    if selection["n_projects"] > POINT_LIMIT:
        return cluster_data(projects.map_cell.to_numpy()[mask], projects.map_lon.to_numpy()[mask],
                            projects.map_lat.to_numpy()[mask],
                            projects.amount_fqis.to_numpy(dtype=float, na_value=np.nan)[mask], lang)
    return _drawn_points(data, np.flatnonzero(mask), lang)


def nearest_view(view: View, agg: pd.DataFrame, data: Dataset) -> View | None:
    """The closest view that colours something among the same territories and filters: the same
    measure at another level first (the question stays the same), then another measure at the same
    level, then another measure at another level; None if none does. Called only for an empty view,
    so its extra aggregations cost nothing to the usual filter change."""
    filters = view.effective_filters()
    others = [m for m in metrics.MEASURES if m != view.measure]
    aggregates = {view.level: agg}

    def coloured(level: str, measure: str) -> bool:
        if level not in aggregates:
            aggregates[level] = _aggregation(data, level, filters)  # the one the level's view will show
        return bool(measure_values(in_view(aggregates[level], level, filters), measure).notna().any())

    levels = [level for level in metrics.LEVELS if level != view.level]
    candidates = ([(level, view.measure) for level in levels] + [(view.level, m) for m in others]
                  + [(level, m) for level in levels for m in others])
    for level, measure in candidates:
        if coloured(level, measure):
            # A territory clicked on the map stays chosen, as a filter of its own level.
            return replace(view, level=level, measure=measure, filters=filters, selected=None)
    return None


_HOVER_COLUMNS = ("title", "promoter", "amount_fqis", "counted_mrc", "fqis_link", "inferred", "map_precision")


def _drawn_points(data: Dataset, rows: np.ndarray, lang: str) -> dict:
    """figures.points_data for the projects at `rows` (at most POINT_LIMIT): only their values of the
    columns drawn are taken (no rows copied), and each project's hover text is written once per
    dataset and language, then reused."""
    projects = data.projects
    def taken(column: str) -> np.ndarray:
        return projects[column].to_numpy()[rows]
    return point_trace(pd.Series(taken("amount_fqis")), pd.Series(taken("first_theme"), dtype=object),
                       taken("map_lon").astype(float), taken("map_lat").astype(float), projects.index[rows],
                       _point_hovers(data, rows, lang).tolist())


def prepare_hovers(data: Dataset) -> None:
    """Write every project's hover text in both languages now (see dataset.from_frames)."""
    everything = np.arange(len(data.projects))
    for lang in ("fr", "en"):
        _point_hovers(data, everything, lang)


def _point_hovers(data: Dataset, rows: np.ndarray, lang: str) -> np.ndarray:
    """The hover texts of the projects at `rows`, from a per-dataset array filled as views need them."""
    projects = data.projects
    written = data.derived(("point_hovers", lang), lambda: np.full(len(projects), None, dtype=object))
    missing = rows[np.equal(written[rows], None)]
    if len(missing):
        chosen = projects.iloc[missing, projects.columns.get_indexer(_HOVER_COLUMNS)]
        written[missing] = point_hovers(chosen, chosen.map_precision, layers.territories("mrc").name, lang)
    return written[rows]


def view_summary(view: View, head: metrics.Headline, agg: pd.DataFrame) -> str:
    """One sentence a screen reader announces after each change (and everyone can read)."""
    filters = view.effective_filters()
    names = []
    for level, chosen in (("region", filters.regions), ("mrc", filters.mrcs), ("alliance", filters.alliances)):
        table_ = layers.territories(level)
        column = {"region": "region_name", "mrc": "name", "alliance": "name_fr"}[level]
        names += [str(table_[column].get(i, i)) for i in chosen]
    scope = ", ".join(names) if names else t("summary_quebec", view.lang)
    return t("summary", view.lang, scope=scope, total=money(head.total, view.lang),
             projects=plural("n_known_projects", head.n_projects, view.lang),
             per_capita=money_cents(head.per_capita, view.lang))


def map_caption(view: View, agg: pd.DataFrame | None = None) -> dict:
    """Title, source line and file name of the exported map image: what it shows, from where (an
    envelope measure names its cycle, read from `agg`, the aggregation drawn)."""
    measure = (measure_title(agg, view.measure, view.lang) if agg is not None
               else t(f"measure_{view.measure}", view.lang))
    parts = [measure, t(f"level_{view.level}", view.lang)]
    regions = layers.territories("region").region_name
    parts += [regions.get(code, code) for code in view.effective_filters().regions]
    # The MRC and Alliances chosen in the filters are named too (a shared link says which).
    parts += [layers.territories("mrc").name.get(m, m) for m in view.filters.mrcs]
    alliance_names = layers.territories("alliance")["name_en" if view.lang == "en" else "name_fr"]
    parts += [alliance_names.get(a, a) for a in view.filters.alliances]
    if view.selected and view.level != "region":
        parts.append(layers.territories(view.level).get("name", pd.Series(dtype=str)).get(view.selected, view.selected))
    return {"title": " — ".join(parts), "source": _caption_source(view.lang), "filename": "carte-alliances"}


@lru_cache(maxsize=None)
def _caption_source(lang: str) -> str:
    """The source line under an exported map: the same for every view (read and wrapped once)."""
    lines = [t("image_source", lang), *layers.attribution_lines(lang=lang)]
    return "<br>".join(part for line in lines for part in textwrap.wrap(line, 95))
