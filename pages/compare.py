"""« Comparer deux territoires » (/comparer?level=region&a=05&b=06): two regions or two MRC side by side.

For each territory: name, population, known FQIS amount, projects, promoters, amount per
inhabitant (from `metrics.aggregate`, formatted as on the dashboard), the known envelopes and
other amounts by cycle, the documented share of each cycle's envelope, and the priorities of its
projects.

Honesty rules, the same as the rest of the site:
- Envelope rows are listed one by one with their kind and source, never added up: kinds differ
  (an envelope contains its calls) and so do levels (a region's envelope contains its MRC's).
- An MRC's figures count only the projects counted in that MRC (region-wide or multi-MRC projects
  count at region level).
- With no cycle to choose here, the figures cover every cycle but the old plan's
  (`data.metrics.SEPARATE_CYCLES`), as on the map with no cycle chosen.

Every value from the URL or the dropdowns is checked against the known ids; an unknown one gives
a clear message in its panel and the page stays usable.
"""
from __future__ import annotations

import dash
import pandas as pd
from dash import (
    ClientsideFunction,
    Input,
    Output,
    State,
    callback,
    clientside_callback,
    dcc,
    html,
)

from components import ids
from components.dataset import Dataset
from components.dataset import current as dataset
from components.document import kind_label, site_title, title_lang
from components.i18n import clean_lang, money_cents, number, plural, text
from components.own_file import own_data
from components.page_links import COMPARE_LEVELS, COMPARE_PATH, clean_id, clean_level, compare_href, compare_query
from components.territory.documented_share import documented_share_section
from components.territory.facts import amount_text, reference_labels
from components.territory.measures import envelope_facts, rank_phrase
from components.territory.measures import tr as measure_text
from components.territory.projects import counted_mask, territory_projects, theme_counts
from components.words.dropdowns import dropdown_labels
from components.words.page_text import with_shared
from data import metrics
from data.english_lines import territory_name_text
from data.periods import period_text
from data.schema import REFERENCE_DIR
from geo import layers
from geo.names import fold
from texts.catalogs import Messages

PATH = COMPARE_PATH
LEVELS = COMPARE_LEVELS

# Component ids of this page (prefix « cmp- »).
ROOT = "cmp-root"
PICK_A = "cmp-a"
PICK_B = "cmp-b"
PANEL_A = "cmp-panel-a"
PANEL_B = "cmp-panel-b"
LEVEL = "cmp-level"
LANG = "cmp-lang"
QUERY = "cmp-query"
URL_SYNC = "cmp-url-sync"
SOURCE = "cmp-source"        # « Données publiques / Mon fichier » (components/own_file/own_data.py)
OWN_MARK = "cmp-own-mark"    # « Données : votre fichier, non publiées », shown with her file only

MAX_ECHO = 40  # an unknown id is shown back to the visitor, cut to this length

_TEXT = with_shared(Messages("compare"))



def tr(key: str, lang: str, **values) -> str:
    """This page's text in `lang`."""
    return text(_TEXT, key, lang, **values)


def options(level: str) -> list[dict]:
    """Dropdown choices: « 05 – Estrie » for regions, « Memphrémagog (Estrie) » for MRC, sorted."""
    if level == "mrc":
        mrc = layers.territories("mrc")
        order = sorted(mrc.index, key=lambda i: fold(mrc.name[i]))
        return [{"label": f"{mrc.name[i]} ({mrc.region_name[i]})", "value": i} for i in order]
    regions = layers.territories("region").sort_index()
    return [{"label": f"{code} – {name}", "value": code} for code, name in regions.region_name.items()]


# ---------------------------------------------------------------- the facts of one territory

def _in_cycle_order(rows: pd.DataFrame) -> pd.DataFrame:
    cycles = list(pd.read_csv(REFERENCE_DIR / "cycles.csv", dtype=str).cycle_id)
    position = rows.cycle.map({c: i for i, c in enumerate(cycles)}).fillna(len(cycles))
    return rows.iloc[sorted(range(len(rows)), key=lambda i: (position.iloc[i], i))]


def part_rows(envelopes: pd.DataFrame, level: str, territory: str) -> pd.DataFrame:
    """The amounts published for parts of a region (its sub-regions and MRC), in cycle order: listed
    apart from the region's own, each with its territory and kind, never added to them."""
    if level == "mrc":
        return envelopes.iloc[0:0]
    inside = envelopes[envelopes.region_code == territory]
    return _in_cycle_order(inside[inside.territory_level.isin(("sub_region", "mrc"))])


def envelope_rows(envelopes: pd.DataFrame, level: str, territory: str) -> tuple[pd.DataFrame, int]:
    """(rows of `territory` itself in cycle order, number of rows for parts of it).

    A region's own rows are those of the region or of its Alliance(s); its sub-regions' and MRC's
    rows are only counted, since listing them beside the region's would invite adding them up.
    """
    if level == "mrc":
        own = envelopes[(envelopes.territory_level == "mrc") & (envelopes.mrc_id == territory)]
        parts = 0
    else:
        inside = envelopes[envelopes.region_code == territory]
        own = inside[inside.territory_level.isin(("region", "alliance"))]
        parts = int(inside.territory_level.isin(("sub_region", "mrc")).sum())
    cycles = list(pd.read_csv(REFERENCE_DIR / "cycles.csv", dtype=str).cycle_id)
    position = own.cycle.map({c: i for i, c in enumerate(cycles)}).fillna(len(cycles))
    order = sorted(range(len(own)), key=lambda i: (position.iloc[i], i))
    return own.iloc[order], parts


def all_cycles(data: Dataset, level: str) -> pd.DataFrame:
    """Every territory of `level` over all cycles, the old plan's projects left out, as on the map."""
    return metrics.aggregate(data.projects, level, data.envelopes, mask=counted_mask(data.projects))


def facts(level: str, territory: str, agg: pd.DataFrame | None = None, data: Dataset | None = None,
          lang: str = "fr") -> dict:
    """Plain values of one known territory (tested without a browser), from `data` (public by default)."""
    data = data or dataset()
    agg = agg if agg is not None else all_cycles(data, level)
    row = agg.loc[territory]
    table = layers.territories(level)
    envelopes, parts = envelope_rows(data.envelopes, level, territory)
    peers = "regions" if level == "region" else "mrc"
    return {
        # The envelope of the cycle the map shows by default, per inhabitant, its rank, its documented share.
        "envelope": envelope_facts(agg, territory, peers, lang),
        "per_capita_rank": rank_phrase(agg.per_capita, territory, peers, "per_capita", lang),
        "part_rows": part_rows(data.envelopes, level, territory),
        "level": level, "id": territory, "name": str(row["name"]),
        "region_name": str(table.region_name[territory]) if level == "mrc" else None,
        "population": None if pd.isna(row.population) else int(row.population),
        "population_estimated": str(table.population_estimated[territory]).lower() == "true",
        "total": None if pd.isna(row.amount) else float(row.amount),
        "n_projects": int(row.n_projects), "n_with_amount": int(row.n_with_amount),
        "n_promoters": int(row.n_promoters),
        "per_capita": None if pd.isna(row.per_capita) else float(row.per_capita),
        "envelopes": envelopes, "other_envelopes": parts,
        "projects": territory_projects(data.projects[counted_mask(data.projects)], level, territory),
        "shares": metrics.documented_by_cycle(data.projects, data.envelopes, level, territory),
    }


# ---------------------------------------------------------------- panels

def _message(text: str) -> html.Div:
    return html.Div(html.P(text, className="cmp-message", role="status"), className="cmp-panel")


def panel(level, value, lang: str, agg: pd.DataFrame | None = None, data: Dataset | None = None,
          bar_top: int | None = None) -> html.Div:
    """The panel of one territory; a hint when nothing is chosen; a message for an unknown id.
    `bar_top`: the count that fills a priority bar, the same for both panels (one scale); by default
    this territory's own largest count."""
    level, lang = clean_level(level), clean_lang(lang)
    if value is None or value == "":
        return _message(tr("hint", lang))
    territory = clean_id(value, level)
    if territory is None:
        shown = value[:MAX_ECHO] if isinstance(value, str) else "?"
        return _message(tr(f"unknown_{level}", lang, value=shown))
    f = facts(level, territory, agg, data, lang)
    return html.Div([
        html.H2(f["name"] if level == "mrc" else f"{territory} – {f['name']}"),
        html.P(tr("region_of", lang, name=f["region_name"]), className="cmp-muted") if f["region_name"] else None,
        _facts_list(f, lang),
        html.H3(tr("envelopes", lang)),
        _envelope_table(f["envelopes"], lang),
        _parts(f["part_rows"], lang),
        documented_share_section(level, territory, lang, heading=html.H3, css="cmp-shares", shares=f["shares"]),
        html.H3(tr("priorities", lang)),
        _priority_list(theme_counts(f["projects"], lang), lang, bar_top),
    ], className="cmp-panel", **{"data-territory": territory})


def _facts_list(f: dict, lang: str) -> html.Dl:
    items = []

    def fact(key: str, label: str, value: str, note: str | None = None):
        items.extend([html.Dt(label), html.Dd(value, **{"data-fact": key})])
        if note:
            items.append(html.Dd(note, className="cmp-fact-note"))

    unknown = f["n_projects"] - f["n_with_amount"]
    fact("population", tr("population_estimated" if f["population_estimated"] else "population", lang),
         number(f["population"], lang))
    fact("total", tr("total", lang), amount_text(f["total"], lang) if f["total"] is not None else tr("no_data", lang),
         plural("unknown_amounts", unknown, lang) if unknown else None)
    fact("projects", tr("projects", lang), number(f["n_projects"], lang),
         tr("mrc_rule", lang) if f["level"] == "mrc" else None)
    fact("promoters", tr("promoters", lang), number(f["n_promoters"], lang))
    fact("per_capita", tr("per_capita", lang), money_cents(f["per_capita"], lang), f["per_capita_rank"])
    env = f["envelope"]
    fact("envelope", measure_text("envelope_cycle", lang, cycle=env.cycle),
         env.envelope if env.known else tr("no_data", lang))
    if env.known:
        fact("envelope_per_capita", measure_text("envelope_per_capita_cycle", lang, cycle=env.cycle), env.per_capita,
             env.rank)
        fact("documented_share", measure_text("share_cycle", lang, cycle=env.cycle),
             env.share if env.share_known else measure_text("share_unknown", lang))  # words, never a bare « — »
    return html.Dl(items, className="cmp-facts")


def _is_web(url) -> bool:
    return isinstance(url, str) and url.lower().startswith(("http://", "https://"))


def _envelope_table(rows: pd.DataFrame, lang: str):
    if rows.empty:
        return html.P(tr("no_envelope", lang), className="cmp-muted")
    cycles = reference_labels("cycles", lang)
    labels = [tr(key, lang) for key in ("col_cycle", "col_kind", "col_period", "col_amount", "col_source")]
    body = []
    for row in rows.itertuples():
        kind = kind_label(row.kind, lang)
        if row.territory_level == "alliance" and isinstance(row.territory_name, str) and row.territory_name:
            kind = f"{kind} — {territory_name_text(row.territory_name, lang)}"
        url = row.source_url if _is_web(row.source_url) else None  # never a javascript: link
        values = [cycles.get(row.cycle, row.cycle), kind, period_text(row.period, lang) or "", amount_text(row.amount, lang),
                  html.A(tr("source", lang), href=url, rel="noopener noreferrer", target="_blank") if url else "—"]
        # On a phone a row is a card of « header : value » lines (assets/style.css reads data-label).
        body.append(html.Tr([html.Td(value, className="cmp-amount" if i == 3 else None, **{"data-label": labels[i]})
                             for i, value in enumerate(values)]))
    head = html.Thead(html.Tr([html.Th(label, scope="col") for label in labels]))
    return html.Div([html.Div(html.Table([head, html.Tbody(body)], className="cmp-envelopes"), className="cmp-table-scroll"),
                     html.P(tr("envelopes_rule", lang), className="cmp-note")])


def _parts(rows: pd.DataFrame, lang: str):
    """The amounts published for parts of a region, listed (territory, kind, amount, source), apart."""
    if rows.empty:
        return None
    cycles = reference_labels("cycles", lang)
    body = []
    for row in rows.itertuples():
        url = row.source_url if _is_web(row.source_url) else None  # never a javascript: link
        body.append(html.Tr([
            html.Td(cycles.get(row.cycle, row.cycle)), html.Td(territory_name_text(row.territory_name, lang)),
            html.Td(kind_label(row.kind, lang)), html.Td(amount_text(row.amount, lang), className="cmp-amount"),
            html.Td(html.A(tr("source", lang), href=url, rel="noopener noreferrer", target="_blank") if url else "—"),
        ]))
    head = html.Thead(html.Tr([html.Th(tr(key, lang), scope="col")
                               for key in ("col_cycle", "col_part", "col_kind", "col_amount", "col_source")]))
    return html.Details([
        html.Summary(tr("parts", lang, amounts=plural("other_known_amounts", len(rows), lang))),
        html.Div(html.Table([head, html.Tbody(body)], className="cmp-envelopes cmp-parts"), className="cmp-table-scroll"),
    ], className="cmp-parts-box", open=True)


def priority_scale(*territories: list[tuple[str, str, int]]) -> int:
    """The count that fills a bar, shared by both sides: one scale, so 5 projects never look like 24."""
    return max((n for rows in territories for _, _, n in rows), default=0)


def _priority_list(rows: list[tuple[str, str, int]], lang: str, top: int | None = None):
    if not rows:
        return html.P(tr("no_priority", lang), className="cmp-muted")
    top = max(top or 0, priority_scale(rows))
    items = [html.Li([html.Span(label), html.Span(plural("n_projects", n, lang)),
                      html.Span(className="cmp-bar", style={"width": f"{100 * n / top:.2f}%"})],
                     **{"data-theme": theme or "none", "data-count": n})
             for theme, label, n in rows]
    return html.Div([html.Ul(items, className="cmp-priorities"),
                     html.P(tr("priorities_rule", lang), className="cmp-note"),
                     html.P(tr("priorities_scale", lang, n=plural("n_projects", top, lang)), className="cmp-note")])


def panels(level, a, b, lang, source=None, uploaded=None) -> tuple[html.Div, html.Div, str]:
    """(panel a, panel b, query of the page) for the chosen territories, from the data chosen
    (`source`, and her file from the browser's store, validated again here)."""
    level, lang = clean_level(level), clean_lang(lang)
    data = own_data.chosen(source, uploaded)[0] if source == "upload" else dataset()
    agg = all_cycles(data, level)  # once for both panels
    top = priority_scale(*(theme_counts(territory_projects(data.projects[counted_mask(data.projects)], level, t), lang)
                           for t in (clean_id(a, level), clean_id(b, level)) if t is not None))
    return (panel(level, a, lang, agg, data, top), panel(level, b, lang, agg, data, top),
            compare_query(level, a, b, lang))


# ---------------------------------------------------------------- layout

def layout(a: str = "", b: str = "", level: str = "region", lang: str = "fr", **_) -> html.Div:
    """The comparison of `a` and `b` (ids of `level`); any value may be absent, forged or unknown."""
    level, lang = clean_level(level), clean_lang(lang)
    a = a if isinstance(a, str) else ""
    b = b if isinstance(b, str) else ""
    panel_a, panel_b, _query = panels(level, a, b, lang)
    other = "en" if lang == "fr" else "fr"
    choices = options(level)

    def picker(label: str, control_id: str, value: str) -> html.Div:
        return html.Div([
            html.Label(label, htmlFor=control_id),
            dcc.Dropdown(id=control_id, options=choices, value=clean_id(value, level), clearable=True,
                         placeholder=tr("choose", lang), maxHeight=420, labels=dropdown_labels(lang)),
        ], className="cmp-picker")

    def level_link(name: str) -> html.A:
        current = {"aria-current": "page"} if name == level else {}
        return html.A(tr(f"level_{name}", lang), href=compare_href(name, lang=lang), className="cmp-level", **current)

    home = "/" + ("?lang=en" if lang == "en" else "")
    return html.Div([
        html.Header([
            html.Div([html.H1(tr("title", lang)), html.P(tr("intro", lang), className="cmp-muted")]),
            html.Nav([html.A(tr("back", lang), href=home),
                      html.A(tr("language_switch", lang), href=compare_href(level, clean_id(a, level),
                                                                           clean_id(b, level), other), lang=other)]),
        ], className="cmp-header"),
        html.Div([level_link("region"), level_link("mrc"), own_data.switch(SOURCE, lang, "cmp-own-data")],
                 className="cmp-levels"),
        html.P(id=OWN_MARK, className="cmp-message cmp-own-mark", hidden=True, role="status"),
        html.Div([picker(tr("first", lang), PICK_A, a), picker(tr("second", lang), PICK_B, b)], className="cmp-pickers"),
        html.Main([html.Div(panel_a, id=PANEL_A), html.Div(panel_b, id=PANEL_B)], className="cmp-panels",
                  **{"aria-live": "polite"}),
        dcc.Store(id=LEVEL, data=level),
        dcc.Store(id=LANG, data=lang),
        dcc.Store(id=QUERY),
        dcc.Store(id=URL_SYNC),
    ], id=ROOT, className="cmp", lang=lang)


# ---------------------------------------------------------------- callbacks

@callback(Output(PANEL_A, "children"), Output(PANEL_B, "children"), Output(QUERY, "data"),
          Input(PICK_A, "value"), Input(PICK_B, "value"), Input(SOURCE, "value"), State(LEVEL, "data"),
          State(LANG, "data"), State(ids.UPLOADED, "data"), prevent_initial_call=True)
def on_pick(a, b, source, level, lang, uploaded):
    return panels(level, a, b, lang, source, uploaded)


own_data.register(SOURCE, OWN_MARK)


# The address follows the two choices, so a comparison can be shared (assets/presentation_keys.js).
clientside_callback(ClientsideFunction("carte_presentation", "sync_query"),
                    Output(URL_SYNC, "data"), Input(QUERY, "data"), prevent_initial_call=True)


def title(lang: str | None = None, **_) -> str:
    lang = title_lang(lang)
    return tr("title", lang) + " — " + site_title(lang)


dash.register_page(__name__, path=PATH, layout=layout, title=title)
