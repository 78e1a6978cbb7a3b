"""The steps of a region's presentation — the overview, then MRC by MRC — as plain values and one
Plotly figure, with no Dash app: shared by presentation mode (pages/presentation.py) and the
presentation to take away (offline/), so the projector and the USB key always show the same figures.

Steps: 0 is « Vue d'ensemble » (the whole region), 1…n are the region's MRC/TE in alphabetical order.

Map traces: the three of `components.map.figures.map_figure` (no data, with data, points — left
empty here), then 3: a white veil over the MRC that are not the current one, and 4: a thick
outline of the current MRC. A step changes only the locations of traces 3 and 4 (`focus_data`).

Figures of an MRC are those of `metrics.aggregate(…, "mrc")`: projects counted in that MRC only
(region-wide and multi-MRC projects count at region level, and the overview says how much).
Every function takes the `Dataset` to show (the public data by default, or a coordinator's
validated file, see components/own_file/upload.py).
"""
from __future__ import annotations

import json
from functools import lru_cache

import pandas as pd
import plotly.graph_objects as go

from components.dataset import Dataset
from components.dataset import current as dataset
from components.document import is_http, kind_label, source_label
from components.i18n import money_cents, number, plural, text
from components.map import static_map
from components.map.figures import FOCUS_COLOUR, choropleth_data, format_measure_many, map_figure, measure_values
from components.territory.facts import LEVEL_ORDER, amount_text, reference_labels
from components.urls import layer_url
from components.words.page_text import with_shared
from data import metrics
from data.metrics import Filters
from data.periods import period_text
from geo import layers
from geo.names import fold
from texts.catalogs import Messages

MEASURE = "per_capita"  # fair across MRC of very different sizes
VEIL = "rgba(255,255,255,0.62)"
CLEAR = "rgba(0,0,0,0)"
PROJECTOR_FONT = 22  # colour bar and legend of the map, readable on a projector
# Shares of the map box left to the map: the colour bar has a strip on the right and the
# « no data » legend one along the top, so neither covers the region.
MAP_WIDTH = 0.85
MAP_HEIGHT = 0.93

TEXT = with_shared(Messages("slides"))


def tr(key: str, lang: str, **values) -> str:
    """A presentation's text in `lang`."""
    return text(TEXT, key, lang, **values)


# ---------------------------------------------------------------- territories of a region

def clean_region(value) -> str | None:
    """A region id from the URL or the browser → a known region, else None.

    The dashboard's `region` parameter may hold several ids (« 14,15 »): the first known one wins.
    """
    if not isinstance(value, str) or len(value) > 200:
        return None
    known = set(layers.territories("region").index)
    for part in value.split(","):
        if part.strip() in known:
            return part.strip()
    return None


@lru_cache(maxsize=None)
def region_mrcs(region: str) -> tuple[str, ...]:
    """The MRC/TE ids of `region`, in alphabetical order of their names (accents and case ignored)."""
    mrc = layers.territories("mrc")
    inside = mrc[mrc.region_code == region]
    return tuple(sorted(inside.index, key=lambda i: (fold(inside.name[i]), inside.name[i])))


def _coordinates(geometry: dict):
    if geometry["type"] == "Polygon":
        rings = geometry["coordinates"]
    elif geometry["type"] == "MultiPolygon":
        rings = [ring for polygon in geometry["coordinates"] for ring in polygon]
    else:
        rings = []
    for ring in rings:
        yield from ring


@lru_cache(maxsize=None)
def region_bounds(region: str) -> tuple[float, float, float, float]:
    """(west, south, east, north) of `region`, from the region layer the browser also draws.

    The region's own box, not components.map.bounds.view_bounds (its box with room for the
    neighbours): the presentation's map draws the region's MRC alone, so that room would be blank
    and, at 1920 × 1080, the small southern MRC (Les Moulins, L'Assomption, Joliette) would shrink
    under their names; an MRC's step is marked by the veil and outline, not by a new frame."""
    with open(layers.layer_path("region"), encoding="utf-8") as file:
        features = json.load(file)["features"]
    points = [point for feature in features if str(feature.get("id")) == region
              for point in _coordinates(feature["geometry"])]
    if not points:
        raise ValueError(f"region {region!r} is not in the region layer")
    lons = [p[0] for p in points]
    lats = [p[1] for p in points]
    return round(min(lons), 4), round(min(lats), 4), round(max(lons), 4), round(max(lats), 4)


def step_count(region: str) -> int:
    """Number of steps of `region`: the overview and one per MRC."""
    return len(region_mrcs(region)) + 1


# ---------------------------------------------------------------- figures of a step

def slide(region: str, step: int, lang: str, data: Dataset | None = None) -> dict:
    """Everything shown at `step` of `region`, as plain values (tested without a browser), from
    `data` (the public data by default; a coordinator's validated file, see components.own_file.upload).

    Keys: step, n_steps, mrc (None for the overview), name, kicker, total, n_projects,
    n_with_amount, n_promoters, per_capita, population, population_estimated, regional_amount, and
    amounts: the amounts published for that territory (step_amounts), each with its kind and source.
    """
    data = data or dataset()
    order = region_mrcs(region)
    step = step % (len(order) + 1)
    regions = layers.territories("region")
    base = {"step": step, "n_steps": len(order) + 1, "regional_amount": None,
            "amounts": step_amounts(region, step, lang, data)}
    if step == 0:
        filters = Filters(regions=(region,))
        chosen = metrics.filter_projects(data.projects, filters)
        head = metrics.headline(chosen, filters)
        leftover = metrics.unattributed_by_region(chosen).amount.sum(min_count=1)
        return {**base, "mrc": None, "name": str(regions.region_name[region]), "kicker": tr("overview", lang),
                "total": head.total, "n_projects": head.n_projects, "n_with_amount": head.n_with_amount,
                "n_promoters": head.n_promoters, "per_capita": head.per_capita, "population": head.population,
                "population_estimated": str(regions.population_estimated[region]).lower() == "true",
                "regional_amount": None if pd.isna(leftover) else float(leftover)}
    mrc_id = order[step - 1]
    row = region_aggregate(region, data).loc[mrc_id]
    mrc = layers.territories("mrc")
    return {**base, "mrc": mrc_id, "name": str(row["name"]),
            "kicker": tr("step_of", lang, type=mrc.type[mrc_id], i=step, n=len(order)),
            "total": None if pd.isna(row.amount) else float(row.amount), "n_projects": int(row.n_projects),
            "n_with_amount": int(row.n_with_amount), "n_promoters": int(row.n_promoters),
            "per_capita": None if pd.isna(row.per_capita) else float(row.per_capita),
            "population": int(row.population),
            "population_estimated": str(mrc.population_estimated[mrc_id]).lower() == "true"}


def step_amounts(region: str, step: int, lang: str, data: Dataset | None = None) -> list[dict]:
    """The amounts published for the territory of `step` (envelopes, calls for projects, batches of
    projects, balances…), each with its kind, cycle, period and source, newest cycle first; never
    added up. An MRC's step: the rows of that MRC. The overview: the rows of the region itself and
    of its Alliance(s) (the rows of its MRC are on their own steps)."""
    data = data or dataset()
    order = region_mrcs(region)
    step = step % (len(order) + 1)
    envelopes = data.envelopes
    if step == 0:
        rows = envelopes[(envelopes.region_code == region) & envelopes.territory_level.isin(("region", "alliance"))]
    else:
        rows = envelopes[(envelopes.territory_level == "mrc") & (envelopes.mrc_id == order[step - 1])]
    cycles = reference_labels("cycles", lang)
    newest_first = {cycle: -i for i, cycle in enumerate(cycles.index)}
    rows = rows.assign(_cycle=rows.cycle.map(newest_first).fillna(1), _kind=rows.kind != "envelope",
                       _level=rows.territory_level.map(LEVEL_ORDER).fillna(9),
                       _date=rows.source_date.fillna("").astype(str)).sort_values(
        ["_cycle", "_kind", "_level", "_date"], ascending=[True, True, True, False], kind="stable")
    shown = []
    for row in rows.itertuples():
        url = row.source_url if is_http(row.source_url) else None
        date = row.source_date if isinstance(row.source_date, str) else None
        period = period_text(row.period, lang)
        details = [str(cycles.get(row.cycle, row.cycle))] + ([period] if period else [])
        if step == 0 and isinstance(row.territory_name, str) and row.territory_name != str(
                layers.territories("region").region_name[region]):
            details.insert(0, row.territory_name)  # « Lanaudière (volet régional) »: which part of the region
        shown.append({"kind": kind_label(row.kind, lang), "amount": amount_text(row.amount, lang),
                      "details": " · ".join(details), "source": url,
                      "source_label": source_label(url, date) if url else None})
    return shown


def step_projects(region: str, step: int, data: Dataset | None = None) -> pd.DataFrame:
    """The projects listed at `step`: an MRC's step lists the projects counted in that MRC (the ones its
    figures count); the overview lists those counted for the region only (region-wide or on several
    MRC). Each project of the region is thus listed once in the whole presentation. As on the map, the
    2010–2015 plan's projects are not among them (the figures, with no cycle chosen, do not count them)."""
    data = data or dataset()
    order = region_mrcs(region)
    projects = metrics.filter_projects(data.projects, Filters())
    counted = projects.counted_mrc.astype(object)
    if step % (len(order) + 1) == 0:
        inside = metrics.filter_projects(projects, Filters(regions=(region,)))
        chosen = inside[~inside.counted_mrc.astype(object).isin(order)]
    else:
        chosen = projects[(counted == order[step % (len(order) + 1) - 1]).to_numpy(dtype=bool)]
    # Largest amounts first; unknown amounts last (never as if they were 0), then by title.
    return chosen.assign(_title=chosen.title.astype(str).str.casefold()).sort_values(
        ["amount_fqis", "_title"], ascending=[False, True], na_position="last").drop(columns="_title")


def step_position(step: int, n_steps: int, lang: str) -> str:
    """The counter of the control bar, in the kicker's own numbers: « 2 / 6 » beside « MRC 2 sur 6 »;
    the overview is not an MRC: « Vue d'ensemble »."""
    step = step % n_steps
    return tr("overview", lang) if step == 0 else f"{step} / {n_steps - 1}"


def map_labels(region: str) -> list[list]:
    """[id, name, lon, lat] of each MRC of `region` at its representative point (inside it): the names
    written over the map, by the page's script, in the page's own font (no map glyphs to fetch)."""
    mrc = layers.territories("mrc")
    return [[i, str(mrc.name[i]), round(float(mrc.rep_lon[i]), 4), round(float(mrc.rep_lat[i]), 4)]
            for i in region_mrcs(region) if pd.notna(mrc.rep_lon[i]) and pd.notna(mrc.rep_lat[i])]


def region_aggregate(region: str, data: Dataset | None = None) -> pd.DataFrame:
    """`metrics.aggregate(…, "mrc")` rows of the region's MRC (only their projects are aggregated:
    an MRC's row depends on the projects counted in it and nothing else)."""
    data = data or dataset()
    order = list(region_mrcs(region))
    projects = data.projects[data.projects.counted_mrc.isin(order).fillna(False).astype(bool)]
    # No cycle chosen, as on the map: the 2010–2015 plan is not added to the later cycles.
    return metrics.aggregate(projects, "mrc", data.envelopes, mask=metrics.filter_mask(projects, Filters())).loc[order]


def slide_notes(facts: dict, lang: str) -> list[str]:
    """The sentences under a step's figures that keep them honest (unknown amounts, regional projects)."""
    unknown = facts["n_projects"] - facts["n_with_amount"]
    notes = []
    if facts["n_projects"] == 0:
        notes.append(tr("no_project", lang))
    elif unknown:
        notes.append(plural("unknown_amounts", unknown, lang))
    if facts["mrc"] is None and facts["regional_amount"] is not None:
        notes.append(tr("regional", lang, amount=amount_text(facts["regional_amount"], lang)))
    if facts["mrc"] is not None and facts["n_projects"]:
        notes.append(tr("mrc_rule", lang))
    return notes


def slide_figures(facts: dict, lang: str) -> list[tuple[str, str, str]]:
    """(key, label, formatted value) of the figures of a step, in the order they are shown.
    The offline presentation (offline/presentation.py) shows these same strings. Amounts as the source
    gives them: cents only when there are cents, as on every page (territory.facts.amount_text)."""
    population_label = tr("population_estimated" if facts["population_estimated"] else "population", lang)
    return [
        ("total", tr("total", lang), amount_text(facts["total"], lang)),
        ("per_capita", tr("per_capita", lang), money_cents(facts["per_capita"], lang)),
        ("population", population_label, number(facts["population"], lang)),
        ("projects", tr("projects", lang), number(facts["n_projects"], lang)),
        ("promoters", tr("promoters", lang), number(facts["n_promoters"], lang)),
    ]


# ---------------------------------------------------------------- the map

def region_map_data(region: str, lang: str, data: Dataset | None = None) -> tuple[dict, dict]:
    """Traces 0 and 1 (no data / amount per inhabitant) for the region's MRC only."""
    return choropleth_data(region_aggregate(region, data), "mrc", MEASURE, lang)


def focus_data(region: str, step: int) -> tuple[dict, dict]:
    """Locations of trace 3 (the veil: every MRC but the current one) and trace 4 (the current
    MRC's outline); both empty on the overview."""
    order = region_mrcs(region)
    step = step % (len(order) + 1)
    current = [] if step == 0 else [order[step - 1]]
    others = [] if step == 0 else [m for m in order if m not in current]
    return ({"locations": others, "z": [0] * len(others)}, {"locations": current, "z": [0] * len(current)})


def static_region_map(region: str, lang: str, data: Dataset | None = None) -> str:
    """The region's MRC as an SVG with its legend (components/map/static_map.py), coloured as
    `presentation_figure` colours them: the map for a browser that cannot draw WebGL. Each MRC's
    path carries its id (data-id), so the step's focus is a class set on it."""
    no_data, with_data = region_map_data(region, lang, data)
    agg = region_aggregate(region, data)
    values = measure_values(agg, MEASURE).dropna()
    labels = dict(zip(values.index, format_measure_many(values, MEASURE, lang))) if len(values) else {}
    zmax = float(with_data.get("zmax") or 0) if with_data.get("locations") else 0.0
    top = format_measure_many(pd.Series([zmax]), MEASURE, lang).iloc[0]
    title = with_data.get("colorbar", {}).get("title", {}).get("text", "")
    west, south, east, north = region_bounds(region)
    svg = static_map.svg("mrc", no_data, with_data, {}, names=agg.name.astype(str).to_dict(), labels=labels,
                         title=title, frame={"west": west, "south": south, "east": east, "north": north},
                         links=False, only=frozenset(region_mrcs(region)))
    return svg + static_map.legend(title, top, no_data.get("name", ""))


def presentation_figure(region: str, step: int, lang: str, data: Dataset | None = None) -> go.Figure:
    """The map of `region` at `step`: MRC coloured by amount per inhabitant, the current one in focus."""
    no_data, with_data = region_map_data(region, lang, data)
    # A vertical bar in its own strip on the right: a region fills the projected map, with no empty
    # corner for the dashboard's horizontal bar.
    bar = with_data["colorbar"]
    with_data = {**with_data, "colorbar": {**bar, "orientation": "v", "title": {**bar["title"], "side": "right"},
                                           "y": 0.5, "yanchor": "middle", "thickness": 26, "len": 0.7, "x": 1.0,
                                           "xanchor": "right", "tickfont": {"size": PROJECTOR_FONT}}}
    points = {"lon": [], "lat": [], "hovertext": [], "marker": {"size": [], "color": []}, "customdata": []}
    fig = map_figure(no_data, with_data, points, lang)
    # Projectors wash out pale colours: dark borders keep every MRC visible on a white map.
    fig.update_traces(marker_line_color="#3a3a3a", marker_line_width=1.5, selector={"type": "choroplethmap"})
    veil, focus = focus_data(region, step)
    url = layer_url("mrc")
    common = {"geojson": url, "featureidkey": "id", "showscale": False, "showlegend": False, "hoverinfo": "skip"}
    fig.add_trace(go.Choroplethmap(colorscale=[[0, VEIL], [1, VEIL]], marker_line_width=0, **common, **veil))
    # The map's own outline colour (figures.FOCUS_COLOUR), wider: read from the back of a room.
    fig.add_trace(go.Choroplethmap(colorscale=[[0, CLEAR], [1, CLEAR]], marker_line_color=FOCUS_COLOUR,
                                   marker_line_width=6, **common, **focus))
    west, south, east, north = region_bounds(region)
    fig.update_layout(
        font={"size": PROJECTOR_FONT},
        legend={"font": {"size": PROJECTOR_FONT}},
        # The colour bar gets its own strip on the right instead of covering the region.
        map={"center": {"lon": (west + east) / 2, "lat": (south + north) / 2},
             "domain": {"x": [0, MAP_WIDTH], "y": [0, MAP_HEIGHT]}},
        uirevision=f"presentation-{region}",
    )
    return fig
