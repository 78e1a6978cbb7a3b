"""Pure figure builders: DataFrames in, Plotly figures (or the Patch of one) out. No Dash callbacks.

The map has three traces, always in this order, so a filter change can patch values by index:
0. territories with no known data (grey, its own legend entry: no data is not zero);
1. territories with data, coloured by the chosen measure;
2. project points, sized by amount and coloured by priority;
and, on the maps that outline what the view is about (the app, the embed), 3–5: the outline of the
chosen regions, MRC and Alliances (`outline_data`), one trace per layer, so an MRC chosen on the
map of regions is outlined too.
"""
from __future__ import annotations

import math
from functools import lru_cache

import numpy as np
import pandas as pd
import plotly.graph_objects as go
from dash import Patch

from components.i18n import (
    inferred_phrases,
    money,
    money_cents,
    money_cents_many,
    money_compact,
    money_many,
    number,
    number_many,
    percent,
    percent_many,
    t,
)
from components.urls import layer_url
from data.metrics import ENVELOPE_MEASURES
from data.schema import REFERENCE_DIR
from geo import layers

NO_DATA_COLOUR = "#c8c8c8"
# ColorBrewer YlGnBu: readable by colour-blind people, and still ordered once printed in grey.
SEQUENTIAL = [[0.0, "#ffffcc"], [0.25, "#a1dab4"], [0.5, "#41b6c4"], [0.75, "#2c7fb8"], [1.0, "#253494"]]
# Okabe–Ito palette (colour-blind safe) for priorities; grey for "not stated".
THEME_COLOURS = {
    "securite-alimentaire": "#E69F00",
    "logement": "#D55E00",
    "transport-mobilite": "#009E73",
    "emploi-insertion": "#0072B2",
    "reussite-educative": "#CC79A7",
    "acces-services-sante": "#56B4E9",
    "participation-prejuges": "#000000",
    "inclusion-milieux-de-vie": "#8C6D00",
    "concertation-mobilisation": "#7B3294",
}
UNSTATED_THEME_COLOUR = "#6b6b6b"
# Plotly's decimal and thousands separators: « 1 234,5 » in French, « 1,234.5 » in English.
SEPARATORS = {"fr": ", ", "en": ".,"}
# Frames of the map (west, east, south, north in degrees), fitted to the screen by assets/fit_map.js.
# « south » is the first view: from the Abitibi to the Îles-de-la-Madeleine, from the border to
# Sept-Îles and Chibougamau, where nearly all people and known projects are (a test checks it holds
# the MRC where 95 % of Québec's people live); the north is one click (« Tout le Québec ») or one
# zoom-out away. « montreal » is the Montréal metropolitan area: Montréal, Laval and Longueuil are
# a few pixels wide in the southern frame. A frame is centred on the screen: on a phone held
# upright the extra height shows the north above and the border below, and the frame stays in the
# middle, in the first screen.
MAP_FRAMES = {
    "south": {"west": -79.6, "east": -61.0, "south": 44.95, "north": 50.3},
    "montreal": {"west": -74.2, "east": -73.1, "south": 45.25, "north": 45.85},
    "quebec": {"west": -79.8, "east": -57.1, "south": 45.0, "north": 62.6},
}
FRAME_ORDER = ("south", "montreal", "quebec")
# The view drawn before the browser fits the southern frame to the screen (and without scripts).
MAP_CENTER = {"lat": 47.8, "lon": -70.3}
MAP_ZOOM = 4.2
# Past this many projects in view, points are grouped (see points_data).
POINT_LIMIT = 800  # about 20 KB of gzip per update; beyond, a phone slows down too
CLUSTER_DEGREES = 0.25
SPREAD_DEGREES = 0.06
CLUSTER_COLOUR = "#4a4a4a"
MEASURE_COLUMN = {"amount": "amount", "per_capita": "per_capita", "count": "n_projects", "envelope": "envelope",
                  "envelope_per_capita": "envelope_per_capita", "documented_share": "documented_share"}
SHARE_OVER_COLOUR = "#b2182b"  # bars of a share above 100 %: the sources disagree
# The outline of the territories a view is about, on every renderer (app, embed, PNG preview).
FOCUS_COLOUR = "#1c1c1f"
FOCUS_WIDTH = 2.5
OUTLINE_LEVELS = ("region", "mrc", "alliance")
# An outline trace with nothing to outline carries no layer URL: the browser fetches no geometry for it.
_NO_GEOMETRY = {"type": "FeatureCollection", "features": []}
_CLEAR = "rgba(0,0,0,0)"


@lru_cache(maxsize=None)
def _cycle_labels(lang: str) -> dict[str, str]:
    cycles = pd.read_csv(REFERENCE_DIR / "cycles.csv", dtype=str, keep_default_na=False)
    return dict(zip(cycles.cycle_id, cycles["label_en" if lang == "en" else "label_fr"]))


def cycle_label(cycle: str, lang: str) -> str:
    return _cycle_labels(lang).get(cycle, cycle)


def measure_title(agg: pd.DataFrame, measure: str, lang: str) -> str:
    """The measure's name; for an envelope measure, with the cycle `agg` read (never several)."""
    label = t("measure_" + measure, lang)
    if measure in ENVELOPE_MEASURES and agg.attrs.get("envelope_cycle"):
        return t("measure_of_cycle", lang, measure=label, cycle=cycle_label(agg.attrs["envelope_cycle"], lang))
    return label


def measure_values(agg: pd.DataFrame, measure: str) -> pd.Series:
    """The measure per territory; NaN (no data) where nothing is known. A count of 0 is no data too:
    it means no *known* project, not that none exists."""
    last = _LAST_MEASURE[0]
    if last is not None and last[0] is agg and last[1] == measure:  # the table, the ranking, the sentence…
        return last[2]
    column = agg[MEASURE_COLUMN[measure]]
    values = column.to_numpy(dtype=float, na_value=np.nan, copy=True)
    if measure == "count":
        values = np.where(values > 0, values, np.nan)
    values.flags.writeable = False  # shared by the callers of one view: never changed in place
    series = pd.Series(values, index=agg.index, name=column.name, copy=False)
    _LAST_MEASURE[0] = (agg, measure, series)
    return series


# The last aggregation's measure values: every part of one view (map, hover, ranking, table, sentence)
# asks for them in turn. One entry, replaced at once, so threads never see a half-written one.
_LAST_MEASURE: list = [None]


def format_measure_many(values: pd.Series, measure: str, lang: str) -> pd.Series:
    if measure in ("per_capita", "envelope_per_capita"):
        return money_cents_many(values, lang)
    if measure == "count":
        return number_many(values, lang)
    if measure == "documented_share":
        return percent_many(values, lang)
    return money_many(values, lang)


def territory_hover(agg: pd.DataFrame, measure: str, lang: str) -> pd.Series:
    """Hover text of each territory: name, the measure, projects, per inhabitant, population."""
    values = measure_values(agg, measure).to_numpy()
    return pd.Series(_territory_hover(agg, values, measure, lang), index=agg.index, dtype=object)


# One value's formatter per measure (format_measure_many, one value at a time).
_FORMAT_ONE = {"per_capita": money_cents, "envelope_per_capita": money_cents, "count": number,
               "documented_share": percent}


def _territory_hover(agg: pd.DataFrame, values: np.ndarray, measure: str, lang: str) -> list[str]:
    """territory_hover for the measure's `values`. Built line by line in Python from plain arrays, and
    a number is formatted only where a line shows it: a hundred short strings cost less than the
    pandas operations that would build them column-wise."""
    fmt = _FORMAT_ONE.get(measure, money)
    projects = agg.n_projects.to_numpy()
    per_capita = agg.per_capita.to_numpy(dtype=float, na_value=np.nan)
    population = agg.population.to_numpy()
    envelope_lines = _envelope_hover_lines(agg, measure, lang)
    measure_label, projects_label = measure_title(agg, measure, lang), t("hover_projects", lang)
    per_capita_label, population_label = t("hover_per_capita", lang), t("hover_population", lang)
    with_per_capita = measure not in ("per_capita", *ENVELOPE_MEASURES)
    no_data = t("no_data_hover", lang)
    hover = []
    for i, name in enumerate(agg["name"].astype(str).tolist()):
        lines = [f"<b>{_escape(name)}</b>"]
        if values[i] == values[i]:  # not NaN: the territory has data
            lines += [f"{measure_label} : {fmt(values[i], lang)}", f"{projects_label} : {number(projects[i], lang)}"]
            if with_per_capita and per_capita[i] == per_capita[i]:
                lines.append(f"{per_capita_label} : {money_cents(per_capita[i], lang)}")
        else:
            lines.append(no_data)
        lines += envelope_lines[i]
        lines.append(f"{population_label} : {number(population[i], lang)}")
        hover.append("<br>".join(lines))
    return hover


def _envelope_hover_lines(agg: pd.DataFrame, measure: str, lang: str) -> list[list[str]]:
    """Per territory, the lines an envelope measure adds: for the documented share, its two terms;
    and the warnings (share above 100 %, an Alliance territory other than the one drawn)."""
    lines: list[list[str]] = [[] for _ in range(len(agg))]
    if measure not in ENVELOPE_MEASURES:
        return lines
    if measure == "documented_share":
        documented = agg.documented.to_numpy(dtype=float, na_value=np.nan)
        envelope = agg.envelope.to_numpy(dtype=float, na_value=np.nan)
        known = agg.documented_share.notna().to_numpy()
        for i in np.flatnonzero(known):
            lines[i] += [f"{t('hover_documented', lang)} : {money(documented[i], lang)}",
                         f"{t('hover_envelope', lang)} : {money(envelope[i], lang)}"]
        for i in np.flatnonzero(agg.share_over.to_numpy(dtype=bool)):
            lines[i].append(f"<b>{t('hover_share_over', lang)}</b>")
    for i in np.flatnonzero(agg.envelope_summed.to_numpy(dtype=bool)):
        lines[i].append(t("hover_envelope_summed", lang))
    for i in np.flatnonzero(agg.envelope_disputed.to_numpy(dtype=bool)):
        lines[i].append(t("hover_envelope_disputed", lang))
    for i in np.flatnonzero(agg.territory_differs.to_numpy(dtype=bool)):
        lines[i].append(t("hover_territory_differs", lang))
    return lines


def choropleth_data(agg: pd.DataFrame, level: str, measure: str, lang: str) -> tuple[dict, dict]:
    """Properties of trace 0 (no data) and trace 1 (with data) for `agg` (output of metrics.aggregate)."""
    values = measure_values(agg, measure).to_numpy()
    hover = np.array(_territory_hover(agg, values, measure, lang), dtype=object)
    has = ~np.isnan(values)
    ids = agg.index.to_numpy()
    url = layer_url(level)
    no_data = {"geojson": url, "locations": ids[~has].tolist(), "z": [0] * int((~has).sum()),
               "hovertext": hover[~has].tolist(), "name": t("no_data", lang)}
    top = float(values[has].max()) if has.any() else 1.0
    share = measure == "documented_share"
    if share:  # 0 to 100 %: a share above (sources that disagree) takes the darkest colour and is flagged
        top = 1.0
    suffix = "" if measure == "count" else " (%)" if share else " ($)"
    data = {"geojson": url, "locations": ids[has].tolist(), "z": values[has].tolist(),
            "hovertext": hover[has].tolist(), "zmin": 0, "zmax": top,
            # Across the bottom right, over Maine and New Brunswick in the southern frame: a vertical
            # bar on the right covered the Côte-Nord and, on a phone, a third of the map.
            # The measure above its cycle: one line would not fit above the bar on a phone.
            "colorbar": {"title": {"text": (measure_title(agg, measure, lang) + suffix).replace(" — ", "<br>"),
                                   "side": "top"},
                         "tickformat": ".0%" if share else ",.0f" if top >= 10 else ",.2f", "thickness": 10,
                         "orientation": "h", "len": 0.5, "x": 0.99, "xanchor": "right", "y": 0.01, "yanchor": "bottom",
                         "bgcolor": "rgba(255,255,255,0.85)"}}
    return no_data, data


def project_positions(projects: pd.DataFrame, mrc: pd.DataFrame, regions: pd.DataFrame) -> pd.DataFrame:
    """lon, lat and precision of every project: its own point, else its MRC's or region's centre.

    Computed once for the whole dataset (see components.dataset), so a project keeps its place on
    the map whatever the filters. On arrays: a million projects take a fraction of a second.
    """
    lon = projects.lon.to_numpy(dtype=float, na_value=np.nan, copy=True)
    lat = projects.lat.to_numpy(dtype=float, na_value=np.nan, copy=True)
    precision = projects.location_precision.to_numpy(dtype=object, copy=True)
    need = np.isnan(lon) | np.isnan(lat)
    mrc_code, mrc_ids, region_code, region_ids = _centre_codes(projects, mrc, regions)
    at_mrc = need & (mrc_code >= 0)
    at_region = need & ~at_mrc
    for values, column in ((lon, "rep_lon"), (lat, "rep_lat")):
        values[at_mrc] = _by_code(mrc[column], mrc_ids, mrc_code[at_mrc])
        values[at_region] = _by_code(regions[column], region_ids, region_code[at_region])
    precision[at_region] = "region"
    precision[at_mrc & (precision == "point")] = "mrc"
    # Projects sharing one centre are spread on a sunflower spiral so none hides another: the rank of
    # each among those of its centre (in table order), and how many share it.
    rows = np.flatnonzero(need)
    if len(rows):
        centre = np.where(at_mrc, mrc_code, len(mrc_ids) + region_code)[rows]
        order = np.argsort(centre, kind="stable")
        _, starts, counts = np.unique(centre[order], return_index=True, return_counts=True)
        rank, size = np.empty(len(rows), dtype="int64"), np.empty(len(rows), dtype="int64")
        rank[order] = np.arange(len(rows)) - np.repeat(starts, counts)
        size[order] = np.repeat(counts, counts)
        radius = SPREAD_DEGREES * np.sqrt(rank / size)
        angle = rank * math.pi * (3 - math.sqrt(5))
        lon[rows] += radius * np.cos(angle)
        lat[rows] += radius * np.sin(angle)
    return pd.DataFrame({"lon": lon, "lat": lat,
                         "precision": pd.Series(precision, dtype=projects.location_precision.dtype, copy=False)
                         .set_axis(projects.index)}, index=projects.index)


def _centre_codes(projects: pd.DataFrame, mrc: pd.DataFrame, regions: pd.DataFrame):
    """A code per project for its counted MRC (-1: counted at region level) and for its region, with
    the ids the codes stand for. The positions metrics.prepare_projects gave every project in the
    layers are those codes already, when every MRC and region is a layer's; otherwise (ids the
    layers lack, a table not prepared) the columns are factorized, as they always were."""
    if "mrc_pos" in projects and "region_pos" in projects and mrc.index.equals(layers.territories("mrc").index) \
            and regions.index.equals(layers.territories("region").index):
        mrc_pos, region_pos = projects.mrc_pos.to_numpy(), projects.region_pos.to_numpy()
        counted = projects.counted_mrc.notna().to_numpy()
        if not ((mrc_pos < 0) & counted).any() and not (region_pos < 0).any():
            # Hashing two million strings again was a fifth of the preparation at a million projects.
            return mrc_pos, mrc.index, region_pos, regions.index
    mrc_code, mrc_ids = pd.factorize(projects.counted_mrc)
    region_code, region_ids = pd.factorize(projects.region_code, use_na_sentinel=False)
    return mrc_code, mrc_ids, region_code, region_ids


def _by_code(table: pd.Series, ids: pd.Index, codes: np.ndarray) -> np.ndarray:
    """`table`'s value for each code of `ids` (NaN where `table` has none), one look-up per id."""
    found = table.reindex(pd.Index(ids, dtype=object)).to_numpy(dtype=float, na_value=np.nan)
    return found[codes]


def marker_sizes(amounts: pd.Series) -> list[float]:
    """Area proportional to amount (sqrt), 7–30 px; unknown amounts get the smallest size."""
    values = np.nan_to_num(amounts.to_numpy(dtype=float, na_value=np.nan), nan=0.0).clip(min=0)
    return np.round(7 + 23 * np.sqrt(values / 500_000).clip(max=1), 1).tolist()


def points_data(projects: pd.DataFrame, positions: pd.DataFrame, mrc_names: pd.Series, lang: str) -> dict:
    """Properties of trace 2: one marker per project, or, past POINT_LIMIT, one per cluster.

    Tens of thousands of markers would freeze a phone and weigh megabytes per update; past the
    limit, projects are grouped on a grid of CLUSTER_DEGREES and the map says so.
    """
    if len(projects) > POINT_LIMIT:
        return cluster_data(grid_cells(positions.lon, positions.lat), positions.lon.to_numpy(dtype=float),
                            positions.lat.to_numpy(dtype=float),
                            projects.amount_fqis.to_numpy(dtype=float, na_value=np.nan), lang)
    hover = point_hovers(projects, positions.precision, mrc_names, lang)
    return point_trace(projects.amount_fqis, projects.first_theme, positions.lon.to_numpy(dtype=float),
                       positions.lat.to_numpy(dtype=float), projects.index, hover)


def point_hovers(projects: pd.DataFrame, precision: pd.Series, mrc_names: pd.Series, lang: str) -> list[str]:
    """Hover text of each project (title, promoter, amount, MRC, precision, certainty, source): it
    depends on the project only, so a dataset's can be kept once written (components.map.summary)."""
    unknown = t("hover_unknown", lang)
    amounts = [unknown if text == "—" else text for text in money_many(projects.amount_fqis, lang)]
    names = mrc_names.to_dict()
    precision_text = {p: t("precision_" + p, lang) for p in ("point", "municipality", "mrc", "region")}
    amount_label, source_line = t("hover_amount", lang), t("hover_source", lang)
    certainty = certainty_lines(projects, lang)
    hover = []  # line by line in Python: at most POINT_LIMIT short strings
    for title, promoter, amount, mrc, where, sure in zip(
            projects.title.astype(str).tolist(), projects.promoter.fillna("").astype(str).tolist(), amounts,
            projects.counted_mrc.astype(object).tolist(), precision.tolist(), certainty):
        lines = [f"<b>{_escape(title)}</b>"]
        if promoter:
            lines.append(_escape(promoter))
        lines.append(f"{amount_label} : {amount}")
        if isinstance(mrc, str) and names.get(mrc):
            lines.append(str(names[mrc]))
        lines += [str(precision_text.get(where, where)), *sure, source_line]
        hover.append("<br>".join(lines))
    return hover


def point_trace(amounts: pd.Series, first_themes: pd.Series, lon: np.ndarray, lat: np.ndarray, ids: pd.Index,
                hover: list[str]) -> dict:
    """Trace 2's properties for projects drawn one by one, from their columns and hover texts."""
    colours = [THEME_COLOURS.get(theme, UNSTATED_THEME_COLOUR) for theme in first_themes.astype(object).tolist()]
    sizes = marker_sizes(amounts)
    # Largest first: later markers are drawn on top, so a small dot is never hidden under a large one.
    order = np.argsort(-np.asarray(sizes, dtype=float), kind="stable")
    lon, lat = np.round(lon, 5), np.round(lat, 5)
    ids = ids.astype(str).to_numpy()
    return {"lon": lon[order].tolist(), "lat": lat[order].tolist(),
            "hovertext": [hover[i] for i in order],
            "marker": {"size": [sizes[i] for i in order], "color": [colours[i] for i in order]},
            "customdata": ids[order].tolist()}


def certainty_lines(projects: pd.DataFrame, lang: str) -> list[list[str]]:
    """Per project, how sure we are, in words: « lien avec le FQIS : déduit » (or explicit), then one
    phrase per thing inferred rather than read (« MRC déduite »…). `projects` is prepared by
    data.metrics (its fqis_link and inferred columns)."""
    link_text = {"explicit": t("hover_link_explicit", lang), "inferred": t("hover_link_inferred", lang)}
    phrases = {cell: [_escape(p) for p in inferred_phrases(cell, lang)] for cell in set(projects.inferred.tolist())}
    return [[link_text.get(link, link_text["inferred"]), *phrases[cell]]
            for link, cell in zip(projects.fqis_link.tolist(), projects.inferred.tolist())]


def grid_cells(lon: np.ndarray, lat: np.ndarray) -> np.ndarray:
    """Cluster cell of each position: a compact integer per CLUSTER_DEGREES grid square
    (0, 1, 2… in order of first appearance), so clusters are summed with np.bincount."""
    x = np.floor(np.asarray(lon, dtype=float) / CLUSTER_DEGREES)
    y = np.floor(np.asarray(lat, dtype=float) / CLUSTER_DEGREES)
    key = np.where(np.isfinite(x) & np.isfinite(y), x * 100_000 + y, np.nan)  # |y| < 400 cells: no clash
    return pd.factorize(key, use_na_sentinel=True)[0].astype("int32")  # -1: no position


def cluster_data(cells: np.ndarray, lon: np.ndarray, lat: np.ndarray, amount: np.ndarray, lang: str) -> dict:
    """One marker per grid cell holding projects (`cells` from grid_cells, -1 ignored), at the mean
    position of its projects, with their count and known amount in its hover."""
    drawn = cells >= 0
    cells, lon, lat, amount = cells[drawn], lon[drawn], lat[drawn], amount[drawn]
    size = int(cells.max()) + 1 if len(cells) else 0
    n = np.bincount(cells, minlength=size)
    known = ~np.isnan(amount)
    n_known = np.bincount(cells[known], minlength=size)
    total = np.bincount(cells[known], weights=amount[known], minlength=size)
    used = n > 0
    count = n[used]
    total = np.where(n_known > 0, total, np.nan)[used]  # no known amount: unknown, not 0
    # Plain Python strings: adding pandas Series of text cost more than the rest of the clusters.
    before = f"<b>{t('cluster_title', lang)}</b><br>"
    between = f" {t('hover_projects', lang).lower()}<br>{t('hover_amount', lang)} : "
    hover = [f"{before}{number(c, lang)}{between}{money(amount, lang)}"
             for c, amount in zip(count.tolist(), total.tolist())]
    sizes = (8 + 22 * np.sqrt(count / count.max())).round(1) if len(count) else count
    return {"lon": (np.bincount(cells, weights=lon, minlength=size)[used] / count).round(4).tolist(),
            "lat": (np.bincount(cells, weights=lat, minlength=size)[used] / count).round(4).tolist(),
            "hovertext": hover, "marker": {"size": sizes.tolist(), "color": CLUSTER_COLOUR}, "customdata": []}


def _escape(text: str) -> str:
    """Plotly hover text is HTML-ish: a project title must show as text, never as markup."""
    return str(text).replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def outline_data(focus: dict[str, tuple[str, ...]]) -> list[dict]:
    """Properties of the outline traces (3, 4, 5: regions, MRC, Alliances) for `focus`, the
    territories a view is about by level (components.map.bounds.focus)."""
    out = []
    for level in OUTLINE_LEVELS:
        chosen = list(focus.get(level, ()))
        out.append({"geojson": layer_url(level) if chosen else _NO_GEOMETRY, "locations": chosen,
                    "z": [0] * len(chosen)})
    return out


def map_figure(no_data: dict, data: dict, points: dict, lang: str, basemap: bool = False,
               outlines: list[dict] | None = None) -> go.Figure:
    """The whole map figure, built once per page load; later changes are Patches of it. With
    `outlines` (from outline_data), traces 3–5 outline the territories the view is about."""
    fig = go.Figure()
    fig.add_trace(go.Choroplethmap(featureidkey="id", colorscale=[[0, NO_DATA_COLOUR], [1, NO_DATA_COLOUR]],
                                   showscale=False, showlegend=True, marker_line_color="white",
                                   marker_line_width=0.6, hoverinfo="text", **no_data))
    fig.add_trace(go.Choroplethmap(featureidkey="id", colorscale=SEQUENTIAL, marker_line_color="white",
                                   marker_line_width=0.6, hoverinfo="text", showlegend=False, **data))
    fig.add_trace(go.Scattermap(mode="markers", hoverinfo="text", showlegend=False,
                                marker_opacity=0.9, marker_sizemode="diameter", **points))
    for outline in outlines or []:
        # Transparent inside, a dark line around; never hovered or clicked (the territory under it is).
        fig.add_trace(go.Choroplethmap(featureidkey="id", colorscale=[[0, _CLEAR], [1, _CLEAR]], showscale=False,
                                       showlegend=False, marker_line_color=FOCUS_COLOUR,
                                       marker_line_width=FOCUS_WIDTH, hoverinfo="skip", **outline))
    fig.update_layout(
        map={"style": "carto-positron" if basemap else "white-bg", "center": MAP_CENTER, "zoom": MAP_ZOOM},
        margin={"l": 0, "r": 0, "t": 0, "b": 0},
        # Top left is Hudson Bay: the legend hides no territory there.
        legend={"x": 0.01, "y": 0.99, "xanchor": "left", "yanchor": "top", "bgcolor": "rgba(255,255,255,0.85)"},
        uirevision="keep-view",  # the visitor's zoom and pan survive every filter change
        font={"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 14},
        hoverlabel={"align": "left"},
        # A project dot answers only under the pointer (Plotly's default is 20 px around it): a
        # territory beside a dot stays clickable, in the Montréal area above all.
        hoverdistance=2,
        separators=SEPARATORS[lang],
    )
    return fig


def map_patch(no_data: dict, data: dict, points: dict, outlines: list[dict] | None = None) -> Patch:
    """The same content as map_figure, as a Patch: only values travel, geometry stays in the browser."""
    patch = Patch()
    for index, values in enumerate((no_data, data, points, *(outlines or []))):
        for key, value in values.items():
            patch["data"][index][key] = value
    return patch


# Babel writes a compact amount in about 60 µs: 25 bars took more than the rest of the ranking. The
# same amount comes back often (a territory's total under the same filters, in several views).
_compact_label = lru_cache(maxsize=8192)(money_compact)


def ranking_figure(agg: pd.DataFrame, measure: str, lang: str, max_bars: int = 25) -> dict:
    """Horizontal bars of the territories with data, best first (at most `max_bars`).

    A plain figure dict, not a go.Figure: it is rebuilt on every filter change, and validating a
    go.Figure cost more than the rest of the ranking (about 6 ms at each change)."""
    values = measure_values(agg, measure).dropna().sort_values(ascending=False).head(max_bars)
    if measure in ("amount", "envelope"):  # compact « 4,1 M$ » labels fit beside short bars
        labels = [_compact_label(float(v), lang) for v in values]
    else:
        labels = format_measure_many(values, measure, lang).tolist()
    colours: str | list[str] = "#2c7fb8"
    if measure == "documented_share":  # above 100 %: a warning sign and another colour, never hidden
        over = agg.share_over.reindex(values.index).fillna(False).to_numpy(dtype=bool)
        labels = [f"⚠ {label}" if flag else label for label, flag in zip(labels, over)]
        colours = [SHARE_OVER_COLOUR if flag else "#2c7fb8" for flag in over]
    bars = {"type": "bar", "x": values.tolist(), "y": agg.name[values.index].tolist(), "orientation": "h",
            "text": labels, "textposition": "auto", "marker": {"color": colours}, "hoverinfo": "skip",
            "cliponaxis": False}
    return {"data": [bars], "layout": {
        "title": {"text": f"{t('ranking', lang)}<br><sup>{measure_title(agg, measure, lang)}</sup>",
                  "font": {"size": 15}},
        "height": max(220, 34 * len(values) + 70), "margin": {"l": 8, "r": 8, "t": 40, "b": 20},
        "yaxis": {"autorange": "reversed", "automargin": True}, "xaxis": {"visible": False},
        "plot_bgcolor": "white", "paper_bgcolor": "white", "separators": SEPARATORS[lang],
        "font": {"family": "system-ui, -apple-system, 'Segoe UI', Roboto, sans-serif", "size": 13},
    }}
