"""Presentation mode: one region on a projector, MRC by MRC, driven by the arrow keys or a clicker.

For regional coordinators presenting their territory at an assembly. The page is a full-screen
map of the region's MRC (amount per inhabitant) beside the figures of the current step, in type
large enough for the back of a room, with a thin control bar.

Steps: 0 is « Vue d'ensemble » (the whole region), 1…n are the region's MRC/TE in alphabetical
order. The steps loop: « MRC suivante » on the last MRC comes back to the overview, and
« MRC précédente » on the overview goes to the last MRC — a presenter who presses once too often
sees the region again, never a dead key. Because the steps loop, the current step is a pure
function of the two buttons' click counts (`step_from_clicks`): nothing is read back from the page,
so quick presses on a clicker cannot be lost or applied twice.

Keys (→ ← PageDown PageUp, what clickers send) are turned into clicks on the two buttons by
assets/presentation_keys.js, so all the logic stays in server-side callbacks, tested as functions.
That file also fits the map to the region once (the bounds come from the server in `data-bounds`).

Map traces: the three of `components.figures.map_figure` (no data, with data, points — left
empty here), then 3: a white veil over the MRC that are not the current one, and 4: a thick
outline of the current MRC. A step only patches the locations of traces 3 and 4.

Figures of an MRC are those of `metrics.aggregate(…, "mrc")`: projects counted in that MRC only
(region-wide and multi-MRC projects count at region level, and the overview says how much).
"""
from __future__ import annotations

import json
from functools import lru_cache
from urllib.parse import urlencode

import dash
import pandas as pd
import plotly.graph_objects as go
from dash import (
    ClientsideFunction,
    Input,
    Output,
    Patch,
    State,
    callback,
    clientside_callback,
    dcc,
    html,
    no_update,
)

from components.dataset import current as dataset
from components.document import SITE_TITLE
from components.figures import choropleth_data, map_figure
from components.i18n import clean_lang, money, money_cents, number, plural, text
from components.page_text import with_shared
from components.urls import layer_url
from data import metrics
from data.metrics import Filters
from geo import layers
from geo.names import fold

PATH = "/presentation"

# Component ids of this page (prefix « pres- » so they never meet the dashboard's).
ROOT = "pres-root"
MAP = "pres-map"
MAP_BOX = "pres-map-box"
PANEL = "pres-panel"
NAME = "pres-name"
PREV = "pres-prev"
NEXT = "pres-next"
REGION_SELECT = "pres-region-select"
LOCATION = "pres-location"
START = "pres-start"        # the step the page opened on (from the URL's `mrc`)
REGION = "pres-region"      # the region shown (validated when the page was built)
LANG = "pres-lang"
CURRENT = "pres-current"    # id of the MRC shown ("" for the overview): the URL follows it
URL_SYNC = "pres-url-sync"  # output of the clientside URL update (nothing reads it)
FULLSCREEN = "pres-fullscreen"
QUIT = "pres-quit"

MEASURE = "per_capita"  # fair across MRC of very different sizes
MAX_CLICKS = 10_000_000  # a click count beyond this is forged
FOCUS_COLOUR = "#111111"
VEIL = "rgba(255,255,255,0.62)"
CLEAR = "rgba(0,0,0,0)"
PROJECTOR_FONT = 22  # colour bar and legend of the map, readable on a projector
# Shares of the map box left to the map: the colour bar has a strip on the right and the
# « no data » legend one along the top, so neither covers the region.
MAP_WIDTH = 0.85
MAP_HEIGHT = 0.93

_TEXT = with_shared({  # this page's own words; the shared ones are in components/page_text.py
    "page_title": ("Mode présentation", "Presentation mode"),
    "choose_title": ("Mode présentation : choisissez une région", "Presentation mode: choose a region"),
    "choose_help": ("La carte montrera les MRC de la région ; les flèches du clavier ou une télécommande de "
                    "présentation passent d'une MRC à l'autre.",
                    "The map will show the region's MRC; the keyboard's arrow keys or a presentation clicker step "
                    "from one MRC to the next."),
    "unknown_region": ("Région inconnue : « {value} ». Choisissez une région ci-dessous.",
                       "Unknown region: « {value} ». Choose a region below."),
    "region": ("Région", "Region"),
    "prev": ("← MRC précédente", "← Previous MRC"),
    "next": ("MRC suivante →", "Next MRC →"),
    "fullscreen": ("Plein écran", "Full screen"),
    "quit": ("Quitter", "Exit"),
    "overview": ("Vue d'ensemble", "Overview"),
    "step_of": ("{type} {i} sur {n}", "{type} {i} of {n}"),
    "no_project": ("Aucun projet connu ici — ce qui ne veut pas dire aucun projet.",
                   "No project known here — which does not mean no project."),
    "regional": ("Dont {amount} pour des projets régionaux ou sur plusieurs MRC, comptés pour la région seulement.",
                 "Including {amount} for region-wide or multi-MRC projects, counted for the region only."),
    "mrc_rule": ("Projets comptés dans cette MRC seulement ; les projets régionaux ou multi-MRC sont dans la "
                 "vue d'ensemble.",
                 "Projects counted in this MRC only; region-wide or multi-MRC projects are in the overview."),
    "keys": ("Touches : → ou Page suivante, ← ou Page précédente.", "Keys: → or Page Down, ← or Page Up."),
    "sources": ("Sources", "Sources"),
    "map_label": ("Carte des MRC de la région, montant par habitant", "Map of the region's MRC, amount per inhabitant"),
    "controls": ("Commandes de la présentation", "Presentation controls"),
})


def tr(key: str, lang: str, **values) -> str:
    """This page's text in `lang`."""
    return text(_TEXT, key, lang, **values)


def dropdown_labels(lang: str) -> dict:
    """The words inside a dcc.Dropdown (Dash writes them in English by default)."""
    if lang == "en":
        return {"search": "Search", "clear_search": "Clear search", "clear_selection": "Clear",
                "no_options_found": "No match"}
    return {"search": "Rechercher", "clear_search": "Effacer la recherche", "clear_selection": "Effacer",
            "no_options_found": "Aucun résultat", "select_all": "Tout choisir", "deselect_all": "Tout retirer",
            "selected_count": "choix : {num_selected}"}


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
    """(west, south, east, north) of `region`, from the region layer the browser also draws."""
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


def _clicks(value) -> int:
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_CLICKS else 0


def step_from_clicks(start, prev_clicks, next_clicks, n_steps: int) -> int:
    """The step shown after the buttons were clicked so often, from step `start` (steps loop)."""
    start = _clicks(start) if _clicks(start) < n_steps else 0
    return (start + _clicks(next_clicks) - _clicks(prev_clicks)) % n_steps


def start_step(region: str, mrc) -> int:
    """The step of the URL's `mrc` (0, the overview, when it is absent or not in the region)."""
    order = region_mrcs(region)
    return order.index(mrc) + 1 if isinstance(mrc, str) and mrc in order else 0


# ---------------------------------------------------------------- figures of a step

def slide(region: str, step: int, lang: str) -> dict:
    """Everything shown at `step` of `region`, as plain values (tested without a browser).

    Keys: step, n_steps, mrc (None for the overview), name, kicker, total, n_projects,
    n_with_amount, n_promoters, per_capita, population, population_estimated, regional_amount.
    """
    data = dataset()
    order = region_mrcs(region)
    step = step % (len(order) + 1)
    regions = layers.territories("region")
    base = {"step": step, "n_steps": len(order) + 1, "regional_amount": None}
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
    row = region_aggregate(region).loc[mrc_id]
    mrc = layers.territories("mrc")
    return {**base, "mrc": mrc_id, "name": str(row["name"]),
            "kicker": tr("step_of", lang, type=mrc.type[mrc_id], i=step, n=len(order)),
            "total": None if pd.isna(row.amount) else float(row.amount), "n_projects": int(row.n_projects),
            "n_with_amount": int(row.n_with_amount), "n_promoters": int(row.n_promoters),
            "per_capita": None if pd.isna(row.per_capita) else float(row.per_capita),
            "population": int(row.population),
            "population_estimated": str(mrc.population_estimated[mrc_id]).lower() == "true"}


def region_aggregate(region: str) -> pd.DataFrame:
    """`metrics.aggregate(…, "mrc")` rows of the region's MRC (only their projects are aggregated:
    an MRC's row depends on the projects counted in it and nothing else)."""
    data = dataset()
    order = list(region_mrcs(region))
    projects = data.projects[data.projects.counted_mrc.isin(order).fillna(False).astype(bool)]
    return metrics.aggregate(projects, "mrc", data.envelopes).loc[order]


def slide_panel(facts: dict, lang: str) -> list:
    """The figures of one step, large: name, then six figures, then the notes that keep them honest."""
    def figure(label: str, value: str, key: str):
        return html.Div([html.Div(label, className="pres-label"), html.Div(value, className="pres-value")],
                        className="pres-figure", **{"data-figure": key})

    unknown = facts["n_projects"] - facts["n_with_amount"]
    notes = []
    if facts["n_projects"] == 0:
        notes.append(tr("no_project", lang))
    elif unknown:
        notes.append(plural("unknown_amounts", unknown, lang))
    if facts["mrc"] is None and facts["regional_amount"] is not None:
        notes.append(tr("regional", lang, amount=money(facts["regional_amount"], lang)))
    if facts["mrc"] is not None and facts["n_projects"]:
        notes.append(tr("mrc_rule", lang))
    population_label = tr("population_estimated" if facts["population_estimated"] else "population", lang)
    return [
        html.P(facts["kicker"], className="pres-kicker"),
        html.H1(facts["name"], id=NAME, className="pres-name"),
        html.Div([
            figure(tr("total", lang), money(facts["total"], lang), "total"),
            figure(tr("per_capita", lang), money_cents(facts["per_capita"], lang), "per_capita"),
            figure(population_label, number(facts["population"], lang), "population"),
            figure(tr("projects", lang), number(facts["n_projects"], lang), "projects"),
            figure(tr("promoters", lang), number(facts["n_promoters"], lang), "promoters"),
        ], className="pres-figures"),
        *[html.P(note, className="pres-note") for note in notes],
    ]


# ---------------------------------------------------------------- the map

def region_map_data(region: str, lang: str) -> tuple[dict, dict]:
    """Traces 0 and 1 (no data / amount per inhabitant) for the region's MRC only."""
    return choropleth_data(region_aggregate(region), "mrc", MEASURE, lang)


def focus_data(region: str, step: int) -> tuple[dict, dict]:
    """Locations of trace 3 (the veil: every MRC but the current one) and trace 4 (the current
    MRC's outline); both empty on the overview."""
    order = region_mrcs(region)
    step = step % (len(order) + 1)
    current = [] if step == 0 else [order[step - 1]]
    others = [] if step == 0 else [m for m in order if m not in current]
    return ({"locations": others, "z": [0] * len(others)}, {"locations": current, "z": [0] * len(current)})


def presentation_figure(region: str, step: int, lang: str) -> go.Figure:
    """The map of `region` at `step`: MRC coloured by amount per inhabitant, the current one in focus."""
    no_data, with_data = region_map_data(region, lang)
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


def focus_patch(region: str, step: int) -> Patch:
    """Only the focus changes from one step to the next: two short lists of ids, no geometry."""
    patch = Patch()
    for index, values in zip((3, 4), focus_data(region, step)):
        for key, value in values.items():
            patch["data"][index][key] = value
    return patch


# ---------------------------------------------------------------- layout

def presentation_href(region: str | None = None, lang: str = "fr", mrc: str | None = None) -> str:
    """The URL of the presentation of `region` (the chooser without one)."""
    pairs = [("region", region)] if region else []
    if mrc:
        pairs.append(("mrc", mrc))
    if lang == "en":
        pairs.append(("lang", "en"))
    return PATH + ("?" + urlencode(pairs) if pairs else "")


def dashboard_href(region: str | None, lang: str) -> str:
    pairs = ([("region", region)] if region else []) + ([("lang", "en")] if lang == "en" else [])
    return "/" + ("?" + urlencode(pairs) if pairs else "")


def href_for(regions=(), lang: str = "fr") -> str:
    """The presentation URL for a view filtered on `regions` (an id or a list of ids): the first
    known region, else the region chooser. For the dashboard's link and the callback that updates it."""
    if isinstance(regions, str):
        regions = [regions]
    elif not isinstance(regions, (list, tuple)):
        regions = []
    region = next((code for code in map(clean_region, regions) if code), None)
    return presentation_href(region, clean_lang(lang))


def link(regions=(), lang: str = "fr", **attributes) -> html.A:
    """The « Mode présentation » link for another page (see `href_for`)."""
    return html.A(tr("page_title", lang), href=href_for(regions, lang), **attributes)


def chooser(lang: str, unknown: str = "") -> html.Div:
    """The 17 regions as large links; shown without a region, or with one that does not exist."""
    regions = layers.territories("region").sort_index()
    notice = (html.P(tr("unknown_region", lang, value=unknown[:40]), className="pres-notice", role="status")
              if unknown else None)
    links = [html.Li(html.A([html.Span(code, className="pres-choice-code"), html.Span(name)],
                            href=presentation_href(code, lang), className="pres-choice"))
             for code, name in regions.region_name.items()]
    return html.Div([
        html.Main([
            html.H1(tr("choose_title", lang), className="pres-choose-title"),
            notice,
            html.P(tr("choose_help", lang), className="pres-help"),
            html.Ul(links, className="pres-choices"),
            html.P(html.A(tr("quit", lang), href=dashboard_href(None, lang), className="pres-button")),
        ], className="pres-chooser"),
    ], id=ROOT, className="pres pres-choosing", lang=lang)


def layout(region: str = "", lang: str = "fr", mrc: str = "", **_) -> html.Div:
    """The presentation of `region` opened at MRC `mrc` (the overview without it); the region
    chooser when `region` is absent or unknown. Never an error page: every value is checked."""
    lang = clean_lang(lang)
    code = clean_region(region)
    if code is None:
        return chooser(lang, region if isinstance(region, str) else "")
    start = start_step(code, mrc)
    facts = slide(code, start, lang)
    regions = layers.territories("region").sort_index()
    bar = html.Nav([
        html.Label(tr("region", lang), htmlFor=REGION_SELECT, className="pres-bar-label"),
        dcc.Dropdown(id=REGION_SELECT, value=code, clearable=False, searchable=True, className="pres-region-select",
                     maxHeight=640, labels=dropdown_labels(lang),
                     options=[{"label": f"{c} – {n}", "value": c} for c, n in regions.region_name.items()]),
        html.Button(tr("prev", lang), id=PREV, n_clicks=0, className="pres-button pres-step"),
        html.Button(tr("next", lang), id=NEXT, n_clicks=0, className="pres-button pres-step"),
        html.Span(tr("keys", lang), className="pres-keys"),
        html.Button(tr("fullscreen", lang), id=FULLSCREEN, n_clicks=0, className="pres-button"),
        html.A(tr("quit", lang), id=QUIT, href=dashboard_href(code, lang), className="pres-button pres-quit"),
    ], className="pres-bar", **{"aria-label": tr("controls", lang)})
    bounds = json.dumps(list(region_bounds(code)))
    return html.Div([
        bar,
        html.Main([
            html.Div(dcc.Graph(id=MAP, className="pres-map", figure=presentation_figure(code, start, lang),
                               config={"displayModeBar": False, "scrollZoom": True, "responsive": True,
                                       "locale": lang}),
                     id=MAP_BOX, className="pres-map-box", role="img",
                     **{"aria-label": tr("map_label", lang), "data-bounds": bounds}),
            html.Section(slide_panel(facts, lang), id=PANEL, className="pres-panel", **{"aria-live": "polite"}),
        ], className="pres-main"),
        html.Footer(f"{tr('sources', lang)} : " + " · ".join(layers.attribution_lines()), className="pres-source"),
        dcc.Location(id=LOCATION, refresh=True),
        dcc.Store(id=START, data=start),
        dcc.Store(id=REGION, data=code),
        dcc.Store(id=LANG, data=lang),
        dcc.Store(id=CURRENT, data=facts["mrc"] or ""),
        dcc.Store(id=URL_SYNC),
    ], id=ROOT, className="pres", lang=lang)


# ---------------------------------------------------------------- callbacks

def show_step(region, start, prev_clicks, next_clicks, lang):
    """(panel, map patch, current MRC id) after the buttons were clicked; no_update for a forged region."""
    code = clean_region(region)
    if code is None:
        return no_update, no_update, no_update
    lang = clean_lang(lang)
    step = step_from_clicks(start, prev_clicks, next_clicks, step_count(code))
    facts = slide(code, step, lang)
    return slide_panel(facts, lang), focus_patch(code, step), facts["mrc"] or ""


@callback(Output(PANEL, "children"), Output(MAP, "figure"), Output(CURRENT, "data"),
          Input(PREV, "n_clicks"), Input(NEXT, "n_clicks"),
          State(START, "data"), State(REGION, "data"), State(LANG, "data"),
          prevent_initial_call=True)
def on_step(prev_clicks, next_clicks, start, region, lang):
    return show_step(region, start, prev_clicks, next_clicks, lang)


def region_change_href(value, current, lang) -> str:
    """Where choosing `value` in the bar leads: that region's presentation (nowhere if forged or unchanged)."""
    code = clean_region(value) if isinstance(value, str) and "," not in value else None
    if code is None or code == current:
        return no_update
    return presentation_href(code, clean_lang(lang))


@callback(Output(LOCATION, "href"), Input(REGION_SELECT, "value"), State(REGION, "data"), State(LANG, "data"),
          prevent_initial_call=True)
def on_region(value, current, lang):
    return region_change_href(value, current, lang)


# The address follows the step (replaceState: no history entry per slide), so a reload or a
# shared link reopens the same MRC. The function lives in assets/presentation_keys.js.
clientside_callback(ClientsideFunction("carte_presentation", "sync_mrc"),
                    Output(URL_SYNC, "data"), Input(CURRENT, "data"), prevent_initial_call=True)


dash.register_page(__name__, path=PATH, layout=layout, title="Mode présentation — " + SITE_TITLE[0])
