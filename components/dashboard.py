"""The main page: filters, map, headline figures, ranking and project table, and their callbacks.

Data flow of one filter change: browser values → state.view_from_inputs (sanitised) →
metrics (pandas) → figures (pure) → a Patch of the map and fresh side panels.
"""
from __future__ import annotations

import dash_ag_grid as dag
import pandas as pd
from dash import Input, Output, State, callback, ctx, dcc, html, no_update

from components import about, ids
from components.dataset import current as dataset
from components.figures import (THEME_COLOURS, UNSTATED_THEME_COLOUR, choropleth_data, map_figure,
                                map_patch, points_data, project_positions, ranking_figure)
from components.i18n import money, money_cents, number, t
from components.state import AMOUNT_STEPS, View, clicked_territory, toggle_selection, view_from_inputs
from data import metrics
from data.schema import REFERENCE_DIR
from geo import layers


# ---------------------------------------------------------------- options of the filters

def _themes(lang: str) -> pd.DataFrame:
    themes = pd.read_csv(REFERENCE_DIR / "themes.csv", dtype=str)
    return themes.assign(label=themes["label_en" if lang == "en" else "label_fr"])


def filter_options(lang: str) -> dict[str, list[dict]]:
    regions = layers.territories("region")
    mrc = layers.territories("mrc").sort_values("name")
    alliances = layers.territories("alliance").sort_values("mandataire")
    cycles = pd.read_csv(REFERENCE_DIR / "cycles.csv", dtype=str)
    return {
        "region": [{"label": f"{r.region_id} – {r.region_name}", "value": r.region_id} for r in regions.itertuples()],
        "mrc": [{"label": f"{m.name} ({m.region_name})", "value": m.mrc_id} for m in mrc.itertuples()],
        "theme": [{"label": th.label, "value": th.theme_id} for th in _themes(lang).itertuples()],
        "alliance": [{"label": a.mandataire, "value": a.alliance_id} for a in alliances.itertuples()],
        "cycle": [{"label": c.label_en if lang == "en" else c.label_fr, "value": c.cycle_id} for c in cycles.itertuples()],
    }


def _amount_marks() -> dict[int, str]:
    """Labels under every other step: all of them would overlap on a phone."""
    marks = {}
    for i, step in enumerate(AMOUNT_STEPS):
        if step is None:
            marks[i] = "∞"
        elif i % 2 == 0:
            marks[i] = "0" if step == 0 else f"{step // 1000} k"
    return marks


# ---------------------------------------------------------------- computing a view

def compute(view: View) -> dict:
    """Everything the page shows for `view`, as plain values (tested without a browser)."""
    data = dataset()
    filters = view.effective_filters()
    chosen = metrics.filter_projects(data.projects, filters)
    agg = metrics.aggregate(chosen, view.level, data.envelopes)
    no_data, with_data = choropleth_data(agg, view.level, view.measure, view.lang)
    mrc, regions = layers.territories("mrc"), layers.territories("region")
    positions = project_positions(chosen, mrc, regions)
    points = points_data(chosen, positions, mrc.name, view.lang)
    return {"projects": chosen, "agg": agg, "no_data": no_data, "data": with_data, "points": points,
            "headline": metrics.headline(chosen, filters)}


def headline_cards(head: metrics.Headline, lang: str) -> list:
    def card(label: str, value: str, note: str | None = None):
        return html.Div([html.Div(label, className="card-label"), html.Div(value, className="card-value"),
                         html.Div(note, className="card-note") if note else None], className="card")
    unknown = head.n_projects - head.n_with_amount
    return [
        card(t("fig_total", lang), money(head.total, lang),
             t("fig_unknown_amounts", lang, n=number(unknown, lang)) if unknown else None),
        card(t("fig_projects", lang), number(head.n_projects, lang)),
        card(t("fig_promoters", lang), number(head.n_promoters, lang)),
        card(t("fig_per_capita", lang), money_cents(head.per_capita, lang),
             t("fig_population", lang, pop=number(head.population, lang))),
    ]


def table_rows(projects: pd.DataFrame, lang: str) -> list[dict]:
    """Rows of the project table (plain text; the grid never renders HTML from these cells)."""
    mrc, regions = layers.territories("mrc"), layers.territories("region")
    theme_labels = _themes(lang).set_index("theme_id").label
    rows = []
    for p in projects.itertuples():
        mrc_names = [mrc.name.get(m, m) for m in str(p.mrc_ids).split(";") if m and m != "<NA>"] if isinstance(p.mrc_ids, str) else []
        years = "–".join(str(y) for y in dict.fromkeys([p.start_year, p.end_year]) if not pd.isna(y))
        themes = [theme_labels.get(x, x) for x in str(p.themes).split(";")] if isinstance(p.themes, str) else []
        rows.append({
            "id": p.project_id,
            "title": p.title,
            "promoter": p.promoter if isinstance(p.promoter, str) else "",
            "mrc": ", ".join(mrc_names),
            "region": regions.region_name.get(p.region_code, p.region_code),
            "amount": None if pd.isna(p.amount_fqis) else float(p.amount_fqis),
            "years": years,
            "priorities": ", ".join(themes),
            "source": p.source_url if str(p.source_url).startswith("http") else "",
        })
    return rows


def table_columns(lang: str) -> list[dict]:
    return [
        {"field": "title", "headerName": t("col_title", lang), "flex": 3, "minWidth": 200, "filter": True},
        {"field": "promoter", "headerName": t("col_promoter", lang), "flex": 2, "minWidth": 160, "filter": True},
        {"field": "mrc", "headerName": t("col_mrc", lang), "flex": 1, "minWidth": 120, "filter": True},
        {"field": "region", "headerName": t("col_region", lang), "flex": 1, "minWidth": 130, "filter": True},
        {"field": "amount", "headerName": t("col_amount", lang), "type": "numericColumn", "minWidth": 130,
         "filter": "agNumberColumnFilter", "valueFormatter": {"function": f"formatMoney(params.value, '{lang}')"}},
        {"field": "years", "headerName": t("col_years", lang), "minWidth": 90},
        {"field": "priorities", "headerName": t("col_priorities", lang), "flex": 2, "minWidth": 150, "filter": True},
        {"field": "source", "headerName": t("col_source", lang), "minWidth": 100, "cellRenderer": "SourceLink",
         "sortable": False},
    ]


# ---------------------------------------------------------------- layout

# AG Grid speaks English by default; these are the strings a visitor sees in our table.
GRID_LOCALE_TEXT = {"fr": {
    "noRowsToShow": "Aucun projet connu pour ces filtres", "page": "Page", "of": "sur", "to": "à",
    "more": "plus", "pageSizeSelectorLabel": "Lignes par page :", "firstPage": "Première page",
    "previousPage": "Page précédente", "nextPage": "Page suivante", "lastPage": "Dernière page",
    "filterOoo": "Filtrer…", "contains": "Contient", "notContains": "Ne contient pas", "equals": "Égal à",
    "notEqual": "Différent de", "startsWith": "Commence par", "endsWith": "Se termine par", "blank": "Vide",
    "notBlank": "Non vide", "lessThan": "Inférieur à", "greaterThan": "Supérieur à",
    "lessThanOrEqual": "Inférieur ou égal à", "greaterThanOrEqual": "Supérieur ou égal à",
    "inRange": "Entre", "andCondition": "ET", "orCondition": "OU", "applyFilter": "Appliquer",
    "resetFilter": "Réinitialiser", "clearFilter": "Effacer", "cancelFilter": "Annuler",
    "ariaFilterInput": "Valeur du filtre", "ariaFilteringOperator": "Opérateur de filtre",
}}

def _labelled(label: str, control, control_id: str) -> html.Div:
    return html.Div([html.Label(label, htmlFor=control_id, className="filter-label"), control], className="filter")


def legend(lang: str) -> html.Div:
    labels = _themes(lang).set_index("theme_id").label
    # "No data" has its own entry in the map's legend (it also appears in exported images).
    items = [html.Li([html.Span(className="dot", style={"background": colour}), labels[theme]])
              for theme, colour in THEME_COLOURS.items()]
    items.append(html.Li([html.Span(className="dot", style={"background": UNSTATED_THEME_COLOUR}), t("theme_none", lang)]))
    return html.Div([html.P(t("legend_points", lang)), html.Ul(items, className="legend-list")], className="map-legend")


def layout(lang: str = "fr", **_query) -> html.Div:
    """The page, in `lang`. Other query parameters are accepted and ignored (never an error page)."""
    lang = "en" if lang == "en" else "fr"
    view = View(lang=lang)
    data = dataset()
    options = filter_options(lang)
    initial = compute(view)
    other = "fr" if lang == "en" else "en"
    filters_panel = html.Aside([
        html.H2(t("filters", lang)),
        _labelled(t("level", lang), dcc.RadioItems(
            id=ids.LEVEL, value=view.level, inline=True, className="radio",
            options=[{"label": t(f"level_{lv}", lang), "value": lv} for lv in metrics.LEVELS]), ids.LEVEL),
        _labelled(t("measure", lang), dcc.RadioItems(
            id=ids.MEASURE, value=view.measure, className="radio",
            options=[{"label": t(f"measure_{m}", lang), "value": m} for m in metrics.MEASURES]), ids.MEASURE),
        _labelled(t("region", lang), dcc.Dropdown(id=ids.REGION, options=options["region"], multi=True,
                                                  placeholder=t("all", lang)), ids.REGION),
        _labelled(t("mrc", lang), dcc.Dropdown(id=ids.MRC, options=options["mrc"], multi=True,
                                               placeholder=t("all", lang)), ids.MRC),
        _labelled(t("priority", lang), dcc.Dropdown(id=ids.THEME, options=options["theme"], multi=True,
                                                    placeholder=t("all", lang)), ids.THEME),
        _labelled(t("mandataire", lang), dcc.Dropdown(id=ids.ALLIANCE, options=options["alliance"], multi=True,
                                                      placeholder=t("all", lang)), ids.ALLIANCE),
        _labelled(t("cycle", lang), dcc.Dropdown(id=ids.CYCLE, options=options["cycle"], multi=True,
                                                 placeholder=t("all", lang)), ids.CYCLE),
        _labelled(t("amount_range", lang), dcc.RangeSlider(
            id=ids.AMOUNT, min=0, max=len(AMOUNT_STEPS) - 1, step=1, value=[0, len(AMOUNT_STEPS) - 1],
            # No direct-input boxes: they would show step numbers, not dollars.
            marks=_amount_marks(), allowCross=False, allow_direct_input=False), ids.AMOUNT),
        _labelled(t("search", lang), dcc.Input(id=ids.SEARCH, type="search", debounce=True, maxLength=100,
                                               placeholder=t("search_placeholder", lang), className="search"), ids.SEARCH),
        html.Button(t("reset", lang), id=ids.RESET, className="reset", n_clicks=0),
        dcc.Checklist(id=ids.BASEMAP, options=[{"label": " " + t("basemap", lang), "value": "on"}], value=[],
                      className="basemap"),
    ], className="filters", **{"aria-label": t("filters", lang)})

    map_panel = html.Section([
        html.Div(id=ids.SELECTED_NOTICE, className="selected-notice", **{"aria-live": "polite"}),
        dcc.Graph(id=ids.MAP, className="map",
                  figure=map_figure(initial["no_data"], initial["data"], initial["points"], lang),
                  config={"scrollZoom": True, "displaylogo": False, "responsive": True,
                          "modeBarButtonsToRemove": ["select2d", "lasso2d"], "locale": lang}),
        legend(lang),
        html.P(id=ids.REGIONAL_NOTE, className="regional-note"),
        html.P([t("attribution", lang), " : ", " · ".join(layers.attribution_lines())], className="attribution"),
    ], className="map-panel")

    side_panel = html.Section([
        html.Div(headline_cards(initial["headline"], lang), id=ids.HEADLINE, className="headline",
                 **{"aria-live": "polite"}),
        dcc.Graph(id=ids.RANKING, figure=ranking_figure(initial["agg"], view.measure, lang),
                  config={"displayModeBar": False}, className="ranking"),
    ], className="side-panel")

    table = html.Section([
        html.H2(t("table_title", lang)),
        dag.AgGrid(id=ids.TABLE, rowData=table_rows(initial["projects"], lang), columnDefs=table_columns(lang),
                   getRowId="params.data.id", defaultColDef={"sortable": True, "resizable": True},
                   dashGridOptions={"domLayout": "autoHeight", "pagination": True, "paginationPageSize": 20,
                                    "localeText": GRID_LOCALE_TEXT.get(lang, {})},
                   className="ag-theme-alpine", style={"width": "100%"}),
    ], className="table-panel")

    banner = html.Div(t("demo_banner", lang), className="demo-banner", role="alert") if data.demo else None
    return html.Div([
        html.A(t("skip_link", lang), href="#main", className="skip-link"),
        banner,
        html.Header([
            html.Div([html.H1(t("title", lang)), html.P(t("subtitle", lang), className="subtitle")]),
            html.Nav([html.A(t("language_switch", lang), href=f"/?lang={other}", lang=other, className="lang-switch"),
                      html.A(t("about_title", lang), href="#about", className="about-link")]),
        ], className="page-header"),
        html.Main([filters_panel, map_panel, side_panel], id="main", className="dashboard"),
        table,
        about.panel(lang),
        dcc.Store(id=ids.LANG, data=lang),
        dcc.Store(id=ids.SELECTED, data=None),
    ], className="page", lang=lang)


# ---------------------------------------------------------------- callbacks

FILTER_INPUTS = [Input(ids.LEVEL, "value"), Input(ids.MEASURE, "value"), Input(ids.REGION, "value"),
                 Input(ids.MRC, "value"), Input(ids.THEME, "value"), Input(ids.ALLIANCE, "value"),
                 Input(ids.CYCLE, "value"), Input(ids.AMOUNT, "value"), Input(ids.SEARCH, "value"),
                 Input(ids.SELECTED, "data")]


@callback(
    Output(ids.MAP, "figure"), Output(ids.HEADLINE, "children"), Output(ids.RANKING, "figure"),
    Output(ids.TABLE, "rowData"), Output(ids.SELECTED_NOTICE, "children"), Output(ids.REGIONAL_NOTE, "children"),
    *FILTER_INPUTS, State(ids.LANG, "data"),
    prevent_initial_call=True,
)
def update_view(level, measure, regions, mrcs, themes, alliances, cycles, amount, text, selected, lang):
    view = view_from_inputs(level, measure, regions, mrcs, themes, alliances, cycles, amount, text, selected, lang)
    result = compute(view)
    notice = ""
    if view.selected:
        notice = t("selected", view.lang, name=result["agg"].name.get(view.selected, view.selected))
    regional = ""
    if view.level == "mrc":
        leftover = metrics.unattributed_by_region(result["projects"]).amount.sum(min_count=1)
        if not pd.isna(leftover):
            regional = t("regional_note", view.lang, amount=money(leftover, view.lang))
    return (map_patch(result["no_data"], result["data"], result["points"]),
            headline_cards(result["headline"], view.lang),
            ranking_figure(result["agg"], view.measure, view.lang),
            table_rows(result["projects"], view.lang), notice, regional)


@callback(Output(ids.SELECTED, "data"), Input(ids.MAP, "clickData"), Input(ids.LEVEL, "value"),
          State(ids.SELECTED, "data"), prevent_initial_call=True)
def select_territory(click_data, level, current):
    return next_selection(ctx.triggered_id, click_data, level, current)


def next_selection(trigger, click_data, level, current) -> str | None:
    """The selected territory after a map click or a change of level."""
    if trigger == ids.LEVEL:  # a territory of another level no longer means anything
        return None
    return toggle_selection(current, clicked_territory(click_data), level)


@callback(Output(ids.REGION, "value"), Output(ids.MRC, "value"), Output(ids.THEME, "value"),
          Output(ids.ALLIANCE, "value"), Output(ids.CYCLE, "value"), Output(ids.AMOUNT, "value"),
          Output(ids.SEARCH, "value"), Output(ids.SELECTED, "data", allow_duplicate=True),
          Input(ids.RESET, "n_clicks"), prevent_initial_call=True)
def reset_filters(n_clicks):
    if not n_clicks:
        return (no_update,) * 8
    return [], [], [], [], [], [0, len(AMOUNT_STEPS) - 1], "", None


@callback(Output(ids.MAP, "figure", allow_duplicate=True), Input(ids.BASEMAP, "value"), prevent_initial_call=True)
def toggle_basemap(value):
    from dash import Patch
    patch = Patch()
    patch["layout"]["map"]["style"] = "carto-positron" if isinstance(value, list) and "on" in value else "white-bg"
    return patch
