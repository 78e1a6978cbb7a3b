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

Map traces: the three of `components.map.figures.map_figure` (no data, with data, points — left
empty here), then 3: a white veil over the MRC that are not the current one, and 4: a thick
outline of the current MRC. A step only patches the locations of traces 3 and 4.

Figures of an MRC are those of `metrics.aggregate(…, "mrc")`: projects counted in that MRC only
(region-wide and multi-MRC projects count at region level, and the overview says how much).
"""
from __future__ import annotations

import json
from collections import ChainMap
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import (
    ClientsideFunction,
    Input,
    Output,
    Patch,
    State,
    callback,
    clientside_callback,
    ctx,
    dcc,
    html,
    no_update,
)

from components import ids
from components.document import is_http, site_title, source_label, title_lang
from components.i18n import clean_lang, text
from components.own_file import own_data
from components.page_links import PRESENTATION_PATH, presentation_href

# The steps themselves (figures, notes, the map) are computed without Dash in region_slides, which the
# offline presentation (offline/) shares; the names are imported here as this page's own.
from components.region_slides import (  # noqa: F401 (re-exported: tests and pages call presentation.slide…)
    TEXT,
    clean_region,
    focus_data,
    map_labels,
    presentation_figure,
    region_aggregate,
    region_bounds,
    region_map_data,
    region_mrcs,
    slide,
    slide_figures,
    slide_notes,
    step_count,
    step_projects,
)
from components.territory.facts import amount_text, years_text
from components.words.dropdowns import dropdown_labels
from data import follow_up
from geo import layers
from offline import presentation as offline_presentation
from texts.catalogs import Messages

PATH = PRESENTATION_PATH

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
SOURCE = "pres-source"      # « Données publiques / Mon fichier » (components/own_file/own_data.py)
OWN_MARK = "pres-own-mark"  # « Données : votre fichier, non publiées », shown with her file only
OFFLINE = "pres-offline"    # « Télécharger la présentation hors ligne »
OFFLINE_FILE = "pres-offline-file"

MAX_CLICKS = 10_000_000  # a click count beyond this is forged

# The offline file's words for what both show alike (« Projets de cette MRC », « source »).
_TEXT = ChainMap(Messages("presentation"), TEXT, Messages("offline"))


def tr(key: str, lang: str, **values) -> str:
    """This page's text in `lang`."""
    return text(_TEXT, key, lang, **values)


# ---------------------------------------------------------------- territories of a region

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

def slide_panel(facts: dict, lang: str, projects: pd.DataFrame | None = None) -> list:
    """The figures of one step, large: name, then the figures and the notes that keep them honest |
    the amounts published for the territory (kind, amount, source) and the step's projects, as the
    offline file shows them (offline/page.js draws the same classes)."""
    step = facts["step"]
    amounts = ([html.Ul([_amount_item(amount, lang) for amount in facts["amounts"]], className="pres-amounts")]
               if facts["amounts"] else [html.P(tr("amounts_none", lang), className="pres-note")])
    listed = projects if projects is not None else pd.DataFrame()
    project_items = [_project_item(row, lang) for row in listed.itertuples()]
    project_list = [html.H2(tr("projects_overview" if step == 0 else "projects_mrc", lang),
                            className="pres-projects-title")] if project_items or step == 0 else []
    if project_items:
        project_list.append(html.Ol(project_items, className="pres-projects"))
    elif step == 0:
        project_list.append(html.P(tr("projects_overview_none", lang), className="pres-note"))
    return [
        html.P(facts["kicker"], className="pres-kicker"),
        html.H1(facts["name"], id=NAME, className="pres-name"),
        html.Div([
            html.Div([
                html.Div([html.Div([html.Div(label, className="pres-label"), html.Div(value, className="pres-value")],
                                   className="pres-figure", **{"data-figure": key})
                          for key, label, value in slide_figures(facts, lang)], className="pres-figures"),
                *[html.P(note, className="pres-note") for note in slide_notes(facts, lang)],
            ], className="pres-facts"),
            html.Section([html.H2(tr("amounts_overview" if step == 0 else "amounts_mrc", lang),
                                  className="pres-amounts-title"), *amounts, *project_list], className="pres-list"),
        ], className="pres-columns"),
    ]


def _source(url, label, lang: str, css: str):
    if not url:
        return html.Span(tr("no_source", lang), className=css)
    return html.Span([tr("source", lang) + (" : " if lang == "fr" else ": "),
                      html.A(label, href=url, target="_blank", rel="noopener noreferrer")], className=css)


def _amount_item(amount: dict, lang: str) -> html.Li:
    return html.Li([html.Span(amount["kind"], className="pres-amount-kind"),
                    html.Span(amount["amount"], className="pres-amount-value"),
                    html.Span(amount["details"], className="pres-amount-details"),
                    _source(amount["source"], amount["source_label"], lang, "pres-amount-source")],
                   className="pres-amount")


def _project_item(row, lang: str) -> html.Li:
    known = pd.notna(row.amount_fqis)
    url = row.source_url if is_http(row.source_url) else None
    date = row.source_date if isinstance(row.source_date, str) else None
    details = " · ".join(part for part in (row.promoter if isinstance(row.promoter, str) else "",
                                           years_text(row.start_year, row.end_year).replace("—", "")) if part)
    # How it is doing, when its Alliance said (status · actual end · people reached): never guessed.
    status = follow_up.summary(getattr(row, "status", None), getattr(row, "actual_end_date", None),
                               getattr(row, "people_reached", None), lang)
    return html.Li([html.Span(str(row.title), className="pres-project-title"),
                    html.Span(amount_text(row.amount_fqis, lang) if known else tr("amount_unknown", lang),
                              className="pres-project-amount" + ("" if known else " pres-unknown")),
                    html.Span(details, className="pres-project-details") if details else None,
                    html.Span(status, className="pres-project-status") if status else None,
                    _source(url, source_label(url, date) if url else None, lang, "pres-project-source")],
                   className="pres-project")


# ---------------------------------------------------------------- the map

def focus_patch(region: str, step: int) -> Patch:
    """Only the focus changes from one step to the next: two short lists of ids, no geometry."""
    patch = Patch()
    for index, values in zip((3, 4), focus_data(region, step)):
        for key, value in values.items():
            patch["data"][index][key] = value
    return patch


# ---------------------------------------------------------------- layout

def dashboard_href(region: str | None, lang: str) -> str:
    pairs = ([("region", region)] if region else []) + ([("lang", "en")] if lang == "en" else [])
    return "/" + ("?" + urlencode(pairs) if pairs else "")


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
    projects = step_projects(code, start)
    regions = layers.territories("region").sort_index()
    bar = html.Nav([
        html.Label(tr("region", lang), htmlFor=REGION_SELECT, className="pres-bar-label"),
        dcc.Dropdown(id=REGION_SELECT, value=code, clearable=False, searchable=True, className="pres-region-select",
                     maxHeight=640, labels=dropdown_labels(lang),
                     options=[{"label": f"{c} – {n}", "value": c} for c, n in regions.region_name.items()]),
        html.Button(tr("prev", lang), id=PREV, n_clicks=0, className="pres-button pres-step"),
        html.Button(tr("next", lang), id=NEXT, n_clicks=0, className="pres-button pres-step"),
        html.Span(tr("keys", lang), className="pres-keys"),
        own_data.switch(SOURCE, lang, "pres-own-data"),
        html.Button(tr("offline", lang), id=OFFLINE, n_clicks=0, className="pres-button", title=tr("offline_help", lang)),
        dcc.Download(id=OFFLINE_FILE),
        html.Button(tr("fullscreen", lang), id=FULLSCREEN, n_clicks=0, className="pres-button"),
        html.A(tr("quit", lang), id=QUIT, href=dashboard_href(code, lang), className="pres-button pres-quit"),
    ], className="pres-bar", **{"aria-label": tr("controls", lang)})
    bounds = json.dumps(list(region_bounds(code)))
    labels = json.dumps(map_labels(code), ensure_ascii=False)
    return html.Div([
        bar,
        html.P(id=OWN_MARK, className="pres-own-mark", hidden=True, role="status"),
        html.Main([
            html.Div(dcc.Graph(id=MAP, className="pres-map", figure=presentation_figure(code, start, lang),
                               config={"displayModeBar": False, "scrollZoom": True, "responsive": True,
                                       "locale": lang}),
                     id=MAP_BOX, className="pres-map-box", role="img",
                     **{"aria-label": tr("map_label", lang), "data-bounds": bounds, "data-labels": labels}),
            html.Section(slide_panel(facts, lang, projects), id=PANEL, className="pres-panel", **{"aria-live": "polite"}),
        ], className="pres-main"),
        html.Footer(f"{tr('sources', lang)} : " + " · ".join(layers.attribution_lines(lang=lang)), className="pres-source"),
        dcc.Location(id=LOCATION, refresh=True),
        dcc.Store(id=START, data=start),
        dcc.Store(id=REGION, data=code),
        dcc.Store(id=LANG, data=lang),
        dcc.Store(id=CURRENT, data=facts["mrc"] or ""),
        dcc.Store(id=URL_SYNC),
    ], id=ROOT, className="pres", lang=lang)


# ---------------------------------------------------------------- callbacks

def show_step(region, start, prev_clicks, next_clicks, lang, source=None, uploaded=None, recolour=False):
    """(panel, map patch, current MRC id) after the buttons were clicked; no_update for a forged region.

    `source` and `uploaded` are the data choice and the browser's store (her file, validated again
    here); `recolour` also patches the colours of the MRC (traces 0 and 1), when the data changed."""
    code = clean_region(region)
    if code is None:
        return no_update, no_update, no_update
    lang = clean_lang(lang)
    data, _ = own_data.chosen(source, uploaded)
    step = step_from_clicks(start, prev_clicks, next_clicks, step_count(code))
    facts = slide(code, step, lang, data)
    projects = step_projects(code, step, data)
    patch = focus_patch(code, step)
    if recolour:
        colour_patch(patch, code, lang, data)
    return slide_panel(facts, lang, projects), patch, facts["mrc"] or ""


def colour_patch(patch: Patch, region: str, lang: str, data) -> Patch:
    """Traces 0 and 1 of `data` into `patch`: values only; the projector's colour bar style is kept."""
    no_data, with_data = region_map_data(region, lang, data)
    for key in ("locations", "z", "hovertext"):
        patch["data"][0][key] = no_data[key]
        patch["data"][1][key] = with_data[key]
    patch["data"][1]["zmax"] = with_data["zmax"]
    patch["data"][1]["colorbar"]["tickformat"] = with_data["colorbar"]["tickformat"]
    return patch


@callback(Output(PANEL, "children"), Output(MAP, "figure"), Output(CURRENT, "data"),
          Input(PREV, "n_clicks"), Input(NEXT, "n_clicks"), Input(SOURCE, "value"),
          State(START, "data"), State(REGION, "data"), State(LANG, "data"), State(ids.UPLOADED, "data"),
          prevent_initial_call=True)
def on_step(prev_clicks, next_clicks, source, start, region, lang, uploaded):
    return show_step(region, start, prev_clicks, next_clicks, lang, source, uploaded,
                     recolour=ctx.triggered_id == SOURCE)


own_data.register(SOURCE, OWN_MARK)


def offline_download(region, lang, source, uploaded):
    """The offline presentation of the region on screen, with the data on screen (dcc.Download's value)."""
    code = clean_region(region)
    if code is None:
        return no_update
    lang = clean_lang(lang)
    data, name = own_data.chosen(source, uploaded)
    page = offline_presentation.presentation_html(code, data, lang,
                                                  offline_presentation.OwnFile(name) if name else None)
    return dcc.send_string(page, offline_presentation.file_name(code, lang), type="text/html")


@callback(Output(OFFLINE_FILE, "data"), Input(OFFLINE, "n_clicks"),
          State(REGION, "data"), State(LANG, "data"), State(SOURCE, "value"), State(ids.UPLOADED, "data"),
          prevent_initial_call=True)
def on_offline(_clicks, region, lang, source, uploaded):
    return offline_download(region, lang, source, uploaded)


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


def title(lang: str | None = None, **_) -> str:
    lang = title_lang(lang)
    return text(_TEXT, "page_title", lang) + " — " + site_title(lang)


dash.register_page(__name__, path=PATH, layout=layout, title=title)
