"""The main page: filters, map, headline figures, ranking and project table, and their callbacks.

Data flow of one filter change: browser values → state.view_from_inputs (sanitised) →
metrics (pandas) → figures (pure) → a Patch of the map and fresh side panels.

The parts only this page shows live beside it: the program's published totals at the top
(`program.py`), « À propos des données » (`about.py`), the downloads under the table
(`downloads.py`) and the table's grid loaded on demand (`lazy_grid.py`). What other pages or the
server's first paint also draw is in components/ (`map.summary`, `map.heading`, `map.figures`, `table`…).
"""
from __future__ import annotations

import hashlib
from dataclasses import replace
from functools import lru_cache
from urllib.parse import urlencode

import dash
import pandas as pd
from dash import ALL, Input, Output, State, callback, clientside_callback, ctx, dcc, html, no_update
from dash.exceptions import PreventUpdate

from components import ids, table
from components.dataset import ON_NEW_DATA, Dataset, forget_on_new_data, per_dataset
from components.dataset import current as dataset
from components.document import site_title
from components.i18n import money, money_cents, number, plural, t
from components.map import heading
from components.map.figures import (
    CLUSTER_COLOUR,
    POINT_LIMIT,
    THEME_COLOURS,
    UNSTATED_THEME_COLOUR,
    cycle_label,
    format_measure_many,
    map_figure,
    map_patch,
    measure_title,
    measure_values,
    ranking_figure,
)
from components.map.summary import compute, map_caption, view_summary
from components.own_file import upload
from components.page_links import PRESENTATION_PATH, compare_link, href_for, presentation_link
from components.permalink import (
    export_query,
    slider_value,
    view_from_query,
    view_to_query,
)
from components.state import (
    AMOUNT_STEPS,
    View,
    clicked_territory,
    toggle_selection,
    view_from_inputs,
)
from components.urls import EMBED_PATH
from data import follow_up, metrics
from data.schema import REFERENCE_DIR
from geo import layers
from pages.dashboard import about, downloads, lazy_grid, place_search, program

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
        "status": [{"label": label, "value": status} for status, label in follow_up.status_labels(lang).items()],
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

def envelope_notes(view: View, agg: pd.DataFrame, envelopes: pd.DataFrame) -> list[str]:
    """For the envelope measures: which cycle the map shows and why, the shares above 100 % (the
    sources disagree) and the territories an Alliance covered differently during that cycle."""
    if view.measure not in metrics.ENVELOPE_MEASURES:
        return []
    lang, cycle = view.lang, agg.attrs["envelope_cycle"]
    label = cycle_label(cycle, lang)
    known = int(agg.envelope.notna().sum())
    chosen = view.filters.cycles
    if not chosen:
        notes = [t("envelope_cycle_default", lang, cycle=label, n=number(known, lang), total=number(len(agg), lang))]
    else:
        notes = [plural("envelope_cycle_chosen", known, lang, cycle=label, total=number(len(agg), lang))]
        if len(chosen) > 1:
            notes.append(t("envelope_cycle_several", lang, cycle=label))
    if view.measure == "documented_share":
        notes.append(t("share_rule", lang))
        over = agg["name"].to_numpy()[agg.share_over.to_numpy(dtype=bool)]
        if len(over):
            notes.append(plural("share_over_note", len(over), lang, names=", ".join(map(str, over))))
    differs = agg["name"].to_numpy()[agg.territory_differs.to_numpy(dtype=bool)]
    if len(differs):
        notes.append(t("differs_note", lang, names=", ".join(map(str, differs))))
    return notes


def map_notes(view: View, result: dict, data: Dataset) -> str:
    """The sentences under the map: envelope cycle and warnings, region-only money, clustering."""
    notes = envelope_notes(view, result["agg"], data.envelopes)
    if view.level == "mrc":
        leftover = metrics.unattributed_total(data.projects, result["mask"])
        if not pd.isna(leftover):
            notes.append(t("regional_note", view.lang, amount=money(leftover, view.lang)))
    if result["n_projects"] > POINT_LIMIT:
        notes.append(t("clustered_note", view.lang, n=number(result["n_projects"], view.lang)))
    return " ".join(notes)


def territory_table(agg: pd.DataFrame, measure: str, lang: str) -> list:
    """The ranked territories as an HTML table: the map's text equivalent, for keyboards and screen readers."""
    # Arrays, not rows: iterrows() built a Series per territory and cost more than the rest of the table.
    ranked = measure_values(agg, measure).dropna().sort_values(ascending=False)
    at = agg.index.get_indexer(ranked.index)
    header = html.Tr([html.Th(t("col_territory", lang), scope="col"), html.Th(measure_title(agg, measure, lang), scope="col"),
                      html.Th(t("fig_projects", lang), scope="col"), html.Th(t("col_population", lang), scope="col")])
    shown = format_measure_many(ranked, measure, lang).tolist() if len(ranked) else []
    if measure == "documented_share":  # a share above 100 % is never shown without its warning
        warning = t("hover_share_over", lang)[2:]
        over = agg.share_over.to_numpy(dtype=bool)[at]
        shown = [f"⚠ {text} — {warning}" if flag else text for text, flag in zip(shown, over)]
    names, projects, population = (agg[column].to_numpy()[at] for column in ("name", "n_projects", "population"))
    rows = [html.Tr([html.Th(name, scope="row"), html.Td(text), html.Td(number(n, lang)), html.Td(number(people, lang))])
            for name, text, n, people in zip(names, shown, projects, population)]
    if ranked.empty:  # no bars and no empty table: say why instead
        return [html.P(heading.tr("ranking_empty", lang), className="card-note ranking-empty")]
    missing = len(agg) - len(ranked)
    return [html.Table([html.Caption(t("territory_table", lang)), html.Thead(header), html.Tbody(rows)],
                       className="territory-table"),
            html.P(plural("ranking_no_data", missing, lang), className="card-note") if missing else None]


def headline_cards(head: metrics.Headline, lang: str) -> list:
    def card(label: str, value: str, note: str | None = None):
        return html.Div([html.Div(label, className="card-label"), html.Div(value, className="card-value"),
                         html.Div(note, className="card-note") if note else None], className="card")
    unknown = head.n_projects - head.n_with_amount
    return [
        card(t("fig_total", lang), money(head.total, lang),
             plural("unknown_amounts", unknown, lang) if unknown else None),
        card(t("fig_projects", lang), number(head.n_projects, lang)),
        card(t("fig_promoters", lang), number(head.n_promoters, lang)),
        card(t("fig_per_capita", lang), money_cents(head.per_capita, lang),
             t("fig_population", lang, pop=number(head.population, lang))),
    ]


# ---------------------------------------------------------------- layout

# What « all » is called in a list when not « Toutes » (régions, MRC, priorités…): « Tous » (les statuts).
ALL_WORDS = {ids.STATUS: "all_statuses"}


def _dropdown(component_id: str, options: list[dict], value: tuple[str, ...], lang: str) -> dcc.Dropdown:
    """A multi-choice filter whose own words (search, clear…) are in the page's language."""
    return dcc.Dropdown(id=component_id, options=options, multi=True, value=list(value),
                        placeholder=t(ALL_WORDS.get(component_id, "all"), lang),
                        labels={key: t(f"dropdown_{key}", lang) for key in DROPDOWN_LABELS})


DROPDOWN_LABELS = ("search", "clear_search", "clear_selection", "no_options_found", "select_all", "deselect_all")


def _labelled(label: str, control, control_id: str) -> html.Div:
    return html.Div([html.Label(label, htmlFor=control_id, className="filter-label"), control], className="filter")


def legend(lang: str) -> html.Div:
    labels = _themes(lang).set_index("theme_id").label
    # "No data" has its own entry in the map's legend (it also appears in exported images).
    items = [html.Li([html.Span(className="dot", style={"background": colour}), labels[theme]])
              for theme, colour in THEME_COLOURS.items()]
    items.append(html.Li([html.Span(className="dot", style={"background": UNSTATED_THEME_COLOUR}), t("theme_none", lang)]))
    # Projects too close to be drawn apart (assets/map_dots.js, or the server past POINT_LIMIT) share one
    # dot of this colour: named here, or it would read as one more priority.
    items.append(html.Li([html.Span(className="dot dot-group", style={"background": CLUSTER_COLOUR}),
                          t("legend_grouped", lang)]))
    return html.Div([html.P(t("legend_points", lang)), html.Ul(items, className="legend-list")], className="map-legend")


def page_links(view: View, agg: pd.DataFrame | None = None) -> dict:
    """The URLs that follow the view: its permalink, the other language, the downloads."""
    other = "fr" if view.lang == "en" else "en"
    query = view_to_query(view)
    exports = export_query(view)
    territory_query = urlencode({"level": view.level, "measure": view.measure})
    downloads = [
        html.A(t(label, view.lang), href=f"/api/{endpoint}?{'&'.join(filter(None, [exports, extra, 'format=' + fmt]))}",
               download="", className="download")
        for label, endpoint, extra, fmt in (
            ("download_projects_csv", "projects", "", "csv"), ("download_projects_csv_fr", "projects", "", "csv-fr"),
            ("download_projects_xlsx", "projects", "", "xlsx"),
            ("download_territories_csv", "territories", territory_query, "csv"),
            ("download_territories_csv_fr", "territories", territory_query, "csv-fr"),
            ("download_territories_xlsx", "territories", territory_query, "xlsx"))
    ]
    return {"permalink": query, "lang_href": "/?" + view_to_query(replace(view, lang=other)),
            "downloads": downloads, "caption": map_caption(view, agg)}


def layout(**query) -> html.Div:
    """The page for the view the URL describes. A URL that cannot be understood falls back to
    defaults, part by part, with a visible notice — never an error page."""
    if query.get("mode") == "presentation":  # the older address of the presentation mode: its page, here
        return _page_at(PRESENTATION_PATH)["layout"](**query)
    text_query = tuple(sorted((k, v) for k, v in query.items() if isinstance(k, str) and isinstance(v, str)))
    return _page(dataset(), text_query)


def _page_at(path: str) -> dict:
    """The registered page at `path` (Dash's registry: a page never imports another page)."""
    return next(page for page in dash.page_registry.values() if page["path"] == path)


@forget_on_new_data
@lru_cache(maxsize=64)
def _page(data: Dataset, query: tuple[tuple[str, str], ...]) -> html.Div:
    """The page for one URL query, built once: most visitors open the same few links."""
    view, ignored = view_from_query(dict(query))
    lang = view.lang
    options = filter_options(lang)
    initial = compute(view, data)
    links = page_links(view, initial["agg"])
    other = "fr" if lang == "en" else "en"
    filters_panel = html.Aside([
        html.H2(t("filters", lang)),
        _labelled(t("level", lang), dcc.RadioItems(
            id=ids.LEVEL, value=view.level, inline=True, className="radio",
            options=[{"label": t(f"level_{lv}", lang), "value": lv} for lv in metrics.LEVELS]), ids.LEVEL),
        _labelled(t("measure", lang), dcc.RadioItems(
            id=ids.MEASURE, value=view.measure, className="radio",
            options=[{"label": t(f"measure_{m}", lang), "value": m} for m in metrics.MEASURES]), ids.MEASURE),
        *[_labelled(t(label, lang), _dropdown(component_id, options[kind], getattr(view.filters, attribute), lang),
                    component_id)
          for label, component_id, kind, attribute in (
              ("region", ids.REGION, "region", "regions"), ("mrc", ids.MRC, "mrc", "mrcs"),
              ("priority", ids.THEME, "theme", "themes"), ("mandataire", ids.ALLIANCE, "alliance", "alliances"),
              ("cycle", ids.CYCLE, "cycle", "cycles"), ("status_filter", ids.STATUS, "status", "statuses"))],
        _labelled(t("amount_range", lang), dcc.RangeSlider(
            id=ids.AMOUNT, min=0, max=len(AMOUNT_STEPS) - 1, step=1, value=slider_value(view.filters),
            # No direct-input boxes: they would show step numbers, not dollars.
            marks=_amount_marks(), allowCross=False, allow_direct_input=False), ids.AMOUNT),
        _labelled(t("search", lang), dcc.Input(id=ids.SEARCH, type="search", debounce=True, maxLength=100,
                                               value=view.filters.text, placeholder=t("search_placeholder", lang),
                                               className="search"), ids.SEARCH),
        place_search.slot(view.filters.text, lang, data.projects),
        html.Fieldset([html.Legend(t("explicit_only_group", lang), className="filter-label"),
                       dcc.Checklist(id=ids.EXPLICIT, options=[{"label": " " + t("explicit_only", lang),
                                                                "value": "explicit"}],
                                     value=["explicit"] if view.filters.explicit_only else [], className="explicit")],
                      className="filter explicit-filter"),
        html.Button(t("reset", lang), id=ids.RESET, className="reset", n_clicks=0),
        html.Label(t("basemap_group", lang), htmlFor=ids.BASEMAP, className="visually-hidden"),
        dcc.Checklist(id=ids.BASEMAP, options=[{"label": " " + t("basemap", lang), "value": "on"}], value=[],
                      className="basemap"),
    ], className="filters", **{"aria-label": t("filters", lang)})

    map_panel = html.Section([
        html.P(heading.sentence(view, initial["agg"], initial["nearest"], initial["shown"]), id=ids.MAP_SENTENCE,
               className="map-sentence"),
        heading.frame_buttons(lang, initial["frame"]),
        html.Div(selected_notice(view, initial["agg"]), id=ids.SELECTED_NOTICE, className="selected-notice",
                 **{"aria-live": "polite"}),
        dcc.Graph(id=ids.MAP, className="map",
                  figure=map_figure(initial["no_data"], initial["data"], initial["points"], lang,
                                    outlines=initial["outlines"]),
                  config={"scrollZoom": True, "displaylogo": False, "responsive": True,
                          "modeBarButtonsToRemove": ["select2d", "lasso2d"], "locale": lang}),
        legend(lang),
        html.Button(t("map_image", lang), id=ids.MAP_IMAGE, className="map-image", n_clicks=0),
        html.P(map_notes(view, initial, data), id=ids.REGIONAL_NOTE, className="regional-note"),
        html.P([t("attribution", lang), " : ", " · ".join(layers.attribution_lines(lang=lang))], className="attribution"),
    ], className="map-panel")

    side_panel = html.Section([
        html.Div(headline_cards(initial["headline"], lang), id=ids.HEADLINE, className="headline",
                 **{"aria-live": "polite"}),
        html.P(view_summary(view, initial["headline"], initial["agg"]), id=ids.VIEW_SUMMARY, className="view-summary",
               role="status", **{"aria-live": "polite"}),
        dcc.Graph(id=ids.RANKING, figure=ranking_figure(initial["shown"], view.measure, lang),
                  style=ranking_style(initial["shown"], view.measure),
                  config={"displayModeBar": False}, className="ranking"),
        # A box that scrolls must be reachable by keyboard (axe: scrollable-region-focusable).
        html.Div(territory_table(initial["shown"], view.measure, lang), id=ids.TERRITORY_TABLE,
                 className="territory-table-box", tabIndex="0"),  # the class, not the id: the first paint drops ids
    ], className="side-panel")

    table_panel = html.Section([
        html.H2(t("table_title", lang)),
        html.P(plural("table_count", initial["n_projects"], lang), id=ids.TABLE_COUNT,
               className="table-count", **{"aria-live": "polite"}),
        html.Div([
            html.Label(t("share", lang), htmlFor=ids.SHARE, className="share-label"),
            dcc.Input(id=ids.SHARE, readOnly=True, value="", className="share-url"),
            dcc.Clipboard(target_id=ids.SHARE, title=t("copy", lang), className="copy"),
        ], className="share"),
        html.Div([
            html.Label(t("embed", lang), htmlFor=ids.EMBED_SNIPPET, className="share-label"),
            dcc.Input(id=ids.EMBED_SNIPPET, readOnly=True, value="", className="share-url"),
            dcc.Clipboard(target_id=ids.EMBED_SNIPPET, title=t("copy_embed", lang), className="copy"),
        ], className="share"),
        html.Div(links["downloads"], id=ids.DOWNLOADS, className="downloads"),
        dcc.Download(id=ids.DOWNLOAD_FILE),
        lazy_grid.slot(lang),
    ], className="table-panel")

    banner = html.Div(t("demo_banner", lang), className="demo-banner", role="alert") if data.demo else None
    ignored_notice = (html.Div(t("ignored_parameters", lang, names=", ".join(ignored[:10])), className="url-notice",
                               role="status") if ignored else None)
    return html.Div([
        html.A(t("skip_link", lang), href="#main", className="skip-link"),
        banner,
        ignored_notice,
        html.Header([
            html.Div([html.H1(t("title", lang)), html.P(t("subtitle", lang), className="subtitle")]),
            html.Nav([html.A(t("language_switch", lang), href=links["lang_href"], lang=other, id=ids.LANG_LINK,
                             className="lang-switch"),
                      html.A(t("about_title", lang), href="#about", className="about-link"),
                      html.A(t("methodology", lang), href=f"/methodologie?lang={lang}", className="about-link"),
                      presentation_link(view.filters.regions, lang, id=ids.PRESENTATION_LINK,
                                        className="presentation-link"),
                      compare_link(lang, view.filters.regions, className="compare-link")]),
        ], className="page-header"),
        program.strip(data, lang),
        html.Main([filters_panel, map_panel, side_panel], id="main", className="dashboard"),
        table_panel,
        upload.section(lang),
        about.panel(lang),
        dcc.Store(id=ids.LANG, data=lang),
        dcc.Store(id=ids.SELECTED, data=view.selected),
        dcc.Store(id=ids.TABLE_KEY, data=view_key(view, data)),  # the view on screen (see update_view)
        dcc.Store(id=ids.TABLE_READY, data=False),
        dcc.Store(id=ids.PERMALINK, data=links["permalink"]),
        dcc.Store(id=ids.MAP_CAPTION, data=links["caption"]),
        dcc.Store(id=ids.MAP_VIEW_FRAME, data=initial["frame"]),
        dcc.Store(id=ids.HISTORY_QUERY),
    ], className="page", lang=lang)


def _first_pages(data: Dataset) -> None:
    """A new data version (a publication), in the reload's thread once it is served: the bare
    address's page and view in each language are computed now rather than by its first visitors."""
    for query in ((), (("lang", "en"),)):
        _page(data, query)
        view_outputs(data, view_from_query(dict(query))[0])


ON_NEW_DATA.append(_first_pages)


# ---------------------------------------------------------------- callbacks

FILTER_INPUTS = [Input(ids.LEVEL, "value"), Input(ids.MEASURE, "value"), Input(ids.REGION, "value"),
                 Input(ids.MRC, "value"), Input(ids.THEME, "value"), Input(ids.ALLIANCE, "value"),
                 Input(ids.CYCLE, "value"), Input(ids.AMOUNT, "value"), Input(ids.SEARCH, "value"),
                 Input(ids.SELECTED, "data"), Input(ids.EXPLICIT, "value")]
# The « Statut » filter: declared last in each callback (a keyword argument at the end), so that every
# positional call written before it still means the same.
STATUS_INPUT = Input(ids.STATUS, "value")
# Which data the view shows: the public dataset or the visitor's own file (see components.own_file.upload).
SOURCE_INPUTS = [Input(ids.SOURCE, "value"), Input(ids.UPLOADED, "data")]


@callback(
    Output(ids.MAP, "figure"), Output(ids.HEADLINE, "children"), Output(ids.RANKING, "figure"),
    Output(ids.TABLE_COUNT, "children"), Output(ids.TABLE_KEY, "data"), Output(ids.SELECTED_NOTICE, "children"),
    Output(ids.REGIONAL_NOTE, "children"), Output(ids.PERMALINK, "data"), Output(ids.LANG_LINK, "href"),
    Output(ids.DOWNLOADS, "children"), Output(ids.MAP_CAPTION, "data"), Output(ids.VIEW_SUMMARY, "children"),
    Output(ids.TERRITORY_TABLE, "children"), Output(ids.PRESENTATION_LINK, "href"), Output(ids.MAP_SENTENCE, "children"),
    Output(ids.MAP_VIEW_FRAME, "data"), Output(ids.RANKING, "style"),
    *FILTER_INPUTS, *SOURCE_INPUTS, State(ids.LANG, "data"), State(ids.TABLE_KEY, "data"), STATUS_INPUT,
    prevent_initial_call=True,
)
def update_view(level, measure, regions, mrcs, themes, alliances, cycles, amount, text, selected, explicit,
                source, uploaded, lang, shown_key=None, statuses=None):
    """The page for the view the controls describe. `shown_key` is the key of the view on screen:
    when it is this view already (the stores fire once as the page loads, with nothing changed),
    nothing is recomputed or sent."""
    view = view_from_inputs(level, measure, regions, mrcs, themes, alliances, cycles, amount, text, selected, lang,
                            explicit, statuses)
    data = upload.active_dataset(source, uploaded)
    if shown_key is not None and shown_key == view_key(view, data):
        raise PreventUpdate
    return view_outputs(data, view)


@per_dataset(public_entries=256, other_entries=16)
def view_outputs(data: Dataset, view: View) -> tuple:
    """Every output of update_view for one view of one dataset. Cached: many visitors look at the
    same views (the default, one region…), and a view's outputs never change while its data do not."""
    result = compute(view, data)
    count = plural("table_count", result["n_projects"], view.lang)
    links = page_links(view, result["agg"])
    return (map_patch(result["no_data"], result["data"], result["points"], result["outlines"]),
            headline_cards(result["headline"], view.lang),
            ranking_figure(result["shown"], view.measure, view.lang),
            count, view_key(view, data), selected_notice(view, result["agg"]), map_notes(view, result, data),
            links["permalink"], links["lang_href"],
            downloads.upload_buttons(view.lang) if data.is_upload else links["downloads"], links["caption"],
            view_summary(view, result["headline"], result["agg"]),
            territory_table(result["shown"], view.measure, view.lang),
            href_for(view.filters.regions, view.lang),
            heading.sentence(view, result["agg"], result["nearest"], result["shown"]),
            result["frame"], ranking_style(result["shown"], view.measure))


def ranking_style(shown: pd.DataFrame, measure: str) -> dict:
    """An empty ranking is not drawn (territory_table says why in its place)."""
    return {} if measure_values(shown, measure).notna().any() else {"display": "none"}


def selected_notice(view: View, agg: pd.DataFrame) -> str:
    if not view.selected:
        return ""
    return t("selected", view.lang, name=agg.name.get(view.selected, view.selected))


clientside_callback(
    "function (n, caption) { if (n) { window.carteMapImage(caption); } }",
    Input(ids.MAP_IMAGE, "n_clicks"), State(ids.MAP_CAPTION, "data"),
    prevent_initial_call=True,
)


# The URL follows the view (a new history entry per change, so Back and Forward work); the
# share box shows the full address. Pushing history here does not reload the page; Back and
# Forward come back through assets/history.js and restore_from_history.
clientside_callback(
    """function (query) {
        window.carteDashboardPath = window.location.pathname;
        var wanted = query ? '?' + query : '';
        if (window.location.search !== wanted) {
            window.history.pushState(null, '', wanted || window.location.pathname);
        }
        return window.location.href;
    }""",
    Output(ids.SHARE, "value"),
    Input(ids.PERMALINK, "data"),
)


# The share box's <iframe> code: the same query on /embed, at the address the visitor is using
# (the server cannot know its public origin behind a proxy; the browser does). The title
# attribute names the view for screen readers in the article.
clientside_callback(
    """function (query, caption) {
        var escape = function (s) { return String(s).replace(/&/g, '&amp;').replace(/"/g, '&quot;')
            .replace(/</g, '&lt;').replace(/>/g, '&gt;'); };
        var src = window.location.origin + '""" + EMBED_PATH + """' + (query ? '?' + query : '');
        return '<iframe src="' + escape(src) + '" width="600" height="450" style="border:0;max-width:100%" title="'
            + escape((caption && caption.title) || '') + '" loading="lazy"></iframe>';
    }""",
    Output(ids.EMBED_SNIPPET, "value"),
    Input(ids.PERMALINK, "data"), Input(ids.MAP_CAPTION, "data"),
)


# The map goes where the visitor chose: when the view's territories change (list, click, search,
# permalink), fit_map.js frames them with their neighbours; an unrelated change sends the same
# frame, which fit_map.js ignores, so the visitor's own pan and zoom are kept.
clientside_callback(
    "function (frame) { if (window.carteFitView) { window.carteFitView(frame); } }",
    Input(ids.MAP_VIEW_FRAME, "data"),
)


def view_key(view: View, data: Dataset) -> str:
    """A short fingerprint of the view and its data: the table reloads its rows when it changes."""
    statuses = f"statuses={view.filters.statuses!r}" if view.filters.statuses else ""  # not in Filters' repr
    return hashlib.sha1(f"{view!r}{data.key}{statuses}".encode()).hexdigest()[:12]


@per_dataset(public_entries=16, other_entries=4)
def _table_for(data: Dataset, view: View) -> pd.DataFrame:
    """The projects of a view, for the table's blocks (one filter pass per view, not per block)."""
    return data.projects[metrics.filter_mask(data.projects, view.effective_filters())]


@callback(Output(ids.TABLE, "getRowsResponse"), Input(ids.TABLE, "getRowsRequest"),
          *[State(i.component_id, i.component_property) for i in FILTER_INPUTS + SOURCE_INPUTS],
          State(ids.LANG, "data"), State(ids.STATUS, "value"), prevent_initial_call=True)
def table_block(request, level, measure, regions, mrcs, themes, alliances, cycles, amount, text, selected, explicit,
                source, uploaded, lang, statuses=None):
    view = view_from_inputs(level, measure, regions, mrcs, themes, alliances, cycles, amount, text, selected, lang,
                            explicit, statuses)
    return table.rows_block(_table_for(upload.active_dataset(source, uploaded), view), request, view.lang)


@callback(Output(ids.DOWNLOAD_FILE, "data"), Input({"type": downloads.UPLOAD_DOWNLOAD, "file": ALL}, "n_clicks"),
          *[State(i.component_id, i.component_property) for i in FILTER_INPUTS + SOURCE_INPUTS],
          State(ids.LANG, "data"), State(ids.STATUS, "value"), prevent_initial_call=True)
def download_upload(clicks, level, measure, regions, mrcs, themes, alliances, cycles, amount, text, selected,
                    explicit, source, uploaded, lang, statuses=None):
    """The visitor's own rows, re-validated from the store, filtered as on screen."""
    triggered = ctx.triggered_id
    if not any(isinstance(n, int) and n > 0 for n in clicks or []) or not isinstance(triggered, dict):
        raise PreventUpdate
    view = view_from_inputs(level, measure, regions, mrcs, themes, alliances, cycles, amount, text, selected, lang,
                            explicit, statuses)
    data = upload.active_dataset(source, uploaded)
    if not data.is_upload:  # the store no longer holds a valid file: the public links are on screen again
        raise PreventUpdate
    return downloads.upload_file(str(triggered.get("file")), data, view, str(uploaded.get("file") or ""))


# When the view changes, the grid drops the rows it holds and asks for the new ones.
clientside_callback(
    """function (key) {
        if (key && window.dash_ag_grid) {
            dash_ag_grid.getApiAsync('""" + ids.TABLE + """').then(function (api) { api.purgeInfiniteCache(); });
        }
    }""",
    Input(ids.TABLE_KEY, "data"),
    prevent_initial_call=True,
)


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
          Output(ids.EXPLICIT, "value"), Output(ids.STATUS, "value"), Input(ids.RESET, "n_clicks"),
          prevent_initial_call=True)
def reset_filters(n_clicks):
    if not n_clicks:
        return (no_update,) * 10
    return [], [], [], [], [], [0, len(AMOUNT_STEPS) - 1], "", None, [], []


# Back and Forward set the controls to the view of the address returned to, so the map is patched
# like after any filter change. Dash's router would otherwise rebuild the whole page, and the new
# map figure arrives while MapLibre still loads the old one's style: plotly.js then reads the
# layers of a map that has no style (« Cannot read properties of undefined (reading 'layers') »).
@callback(Output(ids.LEVEL, "value", allow_duplicate=True), Output(ids.MEASURE, "value", allow_duplicate=True),
          Output(ids.REGION, "value", allow_duplicate=True), Output(ids.MRC, "value", allow_duplicate=True),
          Output(ids.THEME, "value", allow_duplicate=True), Output(ids.ALLIANCE, "value", allow_duplicate=True),
          Output(ids.CYCLE, "value", allow_duplicate=True), Output(ids.AMOUNT, "value", allow_duplicate=True),
          Output(ids.SEARCH, "value", allow_duplicate=True), Output(ids.SELECTED, "data", allow_duplicate=True),
          Output(ids.EXPLICIT, "value", allow_duplicate=True), Output(ids.STATUS, "value", allow_duplicate=True),
          Input(ids.HISTORY_QUERY, "data"), State(ids.LEVEL, "value"), prevent_initial_call=True)
def restore_from_history(popped, level):
    query = popped.get("query") if isinstance(popped, dict) else None
    if not isinstance(query, str):
        raise PreventUpdate
    return (*controls_for(query, level), list(view_from_query(query)[0].filters.statuses))


def controls_for(query: str, level) -> tuple:
    """The filter controls' values for the view `query` describes (as view_from_query reads it:
    bounded, and whatever it cannot understand dropped). The level is left alone when it does not
    change: setting it would clear the clicked territory (select_territory)."""
    view, _ = view_from_query(query)
    f = view.filters
    return (no_update if view.level == level else view.level, view.measure, list(f.regions), list(f.mrcs),
            list(f.themes), list(f.alliances), list(f.cycles), slider_value(f), f.text, view.selected,
            ["explicit"] if f.explicit_only else [])


@callback(Output(ids.MAP, "figure", allow_duplicate=True), Input(ids.BASEMAP, "value"), prevent_initial_call=True)
def toggle_basemap(value):
    from dash import Patch
    patch = Patch()
    patch["layout"]["map"]["style"] = "carto-positron" if isinstance(value, list) and "on" in value else "white-bg"
    return patch


dash.register_page(__name__, path="/", layout=layout, title=site_title)
