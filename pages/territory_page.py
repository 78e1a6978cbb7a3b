"""A page per region (/region/<code>) and per MRC (/mrc/<mrc_id>): everything known of one territory.

For a presentation at an assembly or a journalist's check: who manages the money, population and
area, the known FQIS amount of its projects with the amount per inhabitant and its rank among
peers, every published amount by cycle (each with its kind, never summed across kinds), the
Alliance's priorities in its own words, and the projects themselves, each with its source.
The page prints cleanly (assets/print.css).

Figures come from `data.metrics` on the same prepared table as the map, so the page and the map
agree: like the map with no cycle chosen, they leave out the old plan's projects
(`data.metrics.SEPARATE_CYCLES`), which are listed apart (« Ancien plan 2010–2015, hors des totaux »).
An unknown code or id gives a short « territoire inconnu » page, never an error.
"""
from __future__ import annotations

from functools import lru_cache

import dash
import pandas as pd
from dash import html

from components import dataset
from components.document import (
    GEO_REFERENCE_DIR,
    is_http,
    kind_label,
    level_label,
    page_frame,
    source_link,
    table,
    title_lang,
)
from components.i18n import clean_lang, money_cents, number, plural, t, text
from components.permalink import view_to_query
from components.report_link import report_link
from components.state import View
from components.table import certainty_text
from components.territory import follow_up, municipalities
from components.territory.documented_share import documented_share_section
from components.territory.facts import (
    LEVEL_ORDER,
    alliance_name,
    amount_text,
    mrc_names,
    ordinal,
    quoted_segment,
    rank_among,
    reference_labels,
    resolve,
    years_text,
)
from components.territory.measures import envelope_facts, rank_phrase
from components.territory.measures import tr as measure_text
from components.territory.projects import counted_mask, split_old_plan
from components.territory.unknown import unknown_territory
from components.words.page_text import with_shared
from data import export, load, metrics
from data.metrics import Filters
from data.periods import period_text
from geo import layers
from geo.lookup import find_mrc, find_region
from texts.catalogs import Messages

_TEXT = with_shared(Messages("territory"))


def _t(key: str, lang: str, **values) -> str:
    return text(_TEXT, key, lang, **values)


# ---------------------------------------------------------------- small formatting helpers

def rank_text(values: pd.Series, territory_id: str, lang: str, peers: str = "regions",
              measure: str = "per_capita") -> str:
    """« 12e sur 12 régions avec données, pour le montant connu par habitant »: a rank names what it ranks."""
    return rank_phrase(values, territory_id, peers, measure, lang)


def _envelope_facts(agg: pd.DataFrame, territory_id: str, peers: str, lang: str,
                    rank_values: pd.Series | None = None) -> list[tuple[str, object]]:
    """The envelope of the cycle the map shows by default, per inhabitant, its rank and its documented
    share: the figures a visitor coming from the map has just seen, named as the map names them."""
    env = envelope_facts(agg, territory_id, peers, lang, rank_values)
    if not env.known:
        return [(measure_text("envelope_cycle", lang, cycle=env.cycle), measure_text("envelope_none", lang))]
    return [(measure_text("envelope_cycle", lang, cycle=env.cycle), env.envelope),
            (measure_text("envelope_per_capita_cycle", lang, cycle=env.cycle), env.per_capita),
            (measure_text("rank_label_envelope_per_capita", lang), env.rank),
            (measure_text("share_cycle", lang, cycle=env.cycle),
             html.A(env.share, href=f"#part-documentee-{territory_id}"))]


def _population(row: pd.Series, lang: str) -> str:
    estimated = str(row.get("population_estimated", "")).lower() == "true"
    return number(row.population_2021, lang) + (_t("estimated", lang) if estimated else "")


def _facts(rows: list[tuple[str, object] | None]) -> html.Dl:
    """The « En bref » list; a row given as None (a fact the territory does not have) is left out."""
    return html.Dl([item for row in rows if row for item in (html.Dt(row[0]), html.Dd(row[1]))], className="facts")


def _old_plan_fact(old_plan: pd.DataFrame, lang: str) -> tuple[str, object] | None:
    """« Ancien plan 2010–2015 : 9 projets…, hors des totaux », linked to their list: the totals above
    leave them out, and a reader who knows of them sees at once where they are."""
    if not len(old_plan):
        return None
    amount = pd.to_numeric(old_plan.amount_fqis, errors="coerce").sum(min_count=1)
    projects = plural("old_plan_projects", len(old_plan), lang)
    # An unknown amount is said in words, never as « — connus ».
    words = (_t("old_plan_fact_unknown", lang, projects=projects) if pd.isna(amount)
             else _t("old_plan_fact", lang, projects=projects, amount=amount_text(amount, lang)))
    return (_t("old_plan_fact_label", lang), html.A(words, href="#ancien-plan"))


def _map_href(view: View) -> str:
    query = view_to_query(view)
    return "/?" + query if query else "/"


def _lang_suffix(lang: str) -> str:
    return "?lang=en" if lang == "en" else ""


# ---------------------------------------------------------------- data shared by both pages

@lru_cache(maxsize=1)
def _priorities() -> pd.DataFrame:
    return load.load_priorities()


def _alliance_items(alliance_ids: list[str], lang: str) -> list:
    alliances = layers.territories("alliance")
    items = []
    for alliance_id in alliance_ids:
        row = alliances.loc[alliance_id]
        items.append(html.Li([alliance_name(alliance_id, lang), " — ",
                              _t("mandataire", lang, name=row.mandataire), " (",
                              source_link(row.source_url, lang=lang), ")"]))
    return items


def _projects_table(projects: pd.DataFrame, lang: str, with_mrc: bool, page: str = "/") -> html.Div:
    ordered = projects.assign(_missing=projects.amount_fqis.isna()).sort_values(
        ["_missing", "amount_fqis", "title"], ascending=[True, False, True], kind="stable")
    headers = [_t("col_title", lang), _t("col_promoter", lang)]
    if with_mrc:
        headers.append(_t("col_mrc", lang))
    headers += [_t("col_fqis", lang), _t("col_years", lang), t("col_certainty", lang), t("col_follow_up", lang),
                _t("col_source", lang)]
    rows = []
    # « Publié par <mandataire>, <date> (version N) » for an Alliance's own rows, beside a public source if any.
    publications = export.publication_phrases(ordered, lang)
    for row, certainty, followed, published in zip(ordered.itertuples(), certainty_text(ordered, lang),
                                                   follow_up.cells(ordered, lang), publications):
        cells = [row.title, row.promoter if isinstance(row.promoter, str) else "—"]
        if with_mrc:
            cells.append(mrc_names(row.mrc_ids, lang))
        source = source_link(row.source_url, row.source_date, lang)
        if published:
            source = html.Span([source, " · ", published]) if is_http(row.source_url) else html.Span(published)
        cells += [amount_text(row.amount_fqis, lang), years_text(row.start_year, row.end_year), certainty, followed,
                  [source, " · ", report_link(page, lang, row.Index)]]
        rows.append(cells)
    amount_column = 3 if with_mrc else 2
    return table(headers, rows, numeric={amount_column}, css="projects", lang=lang)


def _envelopes_section(rows: pd.DataFrame, lang: str, extra: list | None = None) -> html.Section:
    children: list = [html.H2(_t("envelopes", lang))]
    if not len(rows):
        children.append(html.P(_t("envelopes_none", lang)))
    else:
        children.append(html.P(_t("envelopes_rule", lang), className="note"))
        cycles = reference_labels("cycles", lang)
        order = {cycle: i for i, cycle in enumerate(cycles.index)}
        # Within a cycle: the envelope itself first, then the amounts in the order they were published.
        ordered = rows.assign(_cycle=rows.cycle.map(order).fillna(len(order)),
                              _envelope=rows.kind != "envelope",
                              _date=rows.source_date.fillna("9999"),
                              _level=rows.territory_level.map(LEVEL_ORDER).fillna(9))
        ordered = ordered.sort_values(["_cycle", "_envelope", "_date", "_level", "envelope_id"], kind="stable")
        headers = [_t(k, lang) for k in ("col_territory", "col_kind", "col_amount", "col_period",
                                         "col_description", "col_source")]
        for _, group in ordered.groupby("_cycle", sort=True):
            cycle_id = group.cycle.iloc[0]
            body = [[html.Span([row.territory_name, html.Br(), html.Small(level_label(row.territory_level, lang))]),
                     kind_label(row.kind, lang), amount_text(row.amount, lang),
                     period_text(row.period, lang) or "—",
                     html.Span([row.description] + ([html.Br(), html.Small(row.note, className="row-note")]
                                                    if isinstance(row.note, str) and row.note else [])),
                     source_link(row.source_url, row.source_date, lang)]
                    for row in group.itertuples()]
            children += [html.H3(cycles.get(cycle_id, cycle_id)), table(headers, body, numeric={2}, css="envelopes", lang=lang)]
    children += extra or []
    return html.Section(children, className="doc-section", id="enveloppes")


def _priorities_section(alliance_ids: list[str], lang: str) -> html.Section:
    children: list = [html.H2(_t("priorities", lang))]
    priorities = _priorities()
    themes = reference_labels("themes", lang)
    cycles = reference_labels("cycles", lang)
    for alliance_id in alliance_ids:
        if len(alliance_ids) > 1:
            children.append(html.H3(alliance_name(alliance_id, lang)))
        rows = priorities[priorities.alliance_id == alliance_id]
        if not len(rows):
            children.append(html.P(_t("priorities_none", lang, name=alliance_name(alliance_id, lang))))
            continue
        order = {cycle: i for i, cycle in enumerate(cycles.index)}
        rows = rows.assign(_cycle=rows.cycle.map(order).fillna(len(order)), _scope=rows.scope.fillna(""))
        for (_, scope), group in rows.groupby(["_cycle", "_scope"], sort=True):
            cycle_id = group.cycle.iloc[0]
            heading = cycles.get(cycle_id, cycle_id) + (" — " + _t("scope", lang, scope=scope) if scope else "")
            items = []
            for row in group.itertuples():
                ids = [i for i in str(row.theme_ids).split(";") if i] if isinstance(row.theme_ids, str) else []
                labels = ", ".join(str(themes.get(i, i)) for i in ids)
                items.append(html.Li([html.Q(row.priority_original, lang="fr"),
                                      html.Span(" — " + _t("themes", lang, themes=plural("themes_word", len(ids), lang), labels=labels), className="themes")
                                      if labels else None]))
            sources = list(dict.fromkeys(group.source_url))
            links: list = [_t("sources", lang)]
            for i, url in enumerate(sources):
                links += ([" · "] if i else []) + [source_link(url, lang=lang)]
            children += [html.H4(heading) if len(alliance_ids) > 1 else html.H3(heading),
                         html.Ul(items, className="priorities"), html.P(links, className="sources")]
    return html.Section(children, className="doc-section", id="priorites")


def _unknown(kind: str, value, lang: str) -> html.Div:
    path = f"/{kind}/{quoted_segment(value)}"
    return unknown_territory(kind, value, lang, region_path="/region/{code}", choose_region=_t("choose_region", lang),
                             frame=lambda children: page_frame(lang, path, children,
                                                               css="territory-page unknown-territory"),
                             map_link_css="map-link")


def _old_plan_section(projects: pd.DataFrame, lang: str, page: str = "/") -> html.Section | None:
    """The old plan's projects (data.metrics.SEPARATE_CYCLES), apart: listed, never added to the page's figures."""
    if not len(projects):
        return None
    return html.Section([html.H2(_t("old_plan_title", lang)), html.P(_t("old_plan_rule", lang), className="note"),
                         _projects_table(projects, lang, with_mrc=True, page=page)], className="doc-section", id="ancien-plan")


# ---------------------------------------------------------------- region page

def region_layout(code: str = "", lang: str = "fr", **_) -> html.Div:
    """/region/<code>: everything known of one administrative region."""
    lang = clean_lang(lang)
    regions = layers.territories("region")
    region_id = resolve(code, find_region, regions.index)
    if region_id is None:
        return _unknown("region", code, lang)
    region = regions.loc[region_id]
    name = str(region.region_name)
    path = f"/region/{region_id}"
    data = dataset.current()
    projects = data.projects
    envelopes = data.envelopes
    counted = counted_mask(projects)  # every cycle but the old plan's, as on the map with no cycle chosen
    agg = metrics.aggregate(projects, "region", data.envelopes, mask=counted)
    row = agg.loc[region_id]
    regional = metrics.unattributed_by_region(projects, counted)
    alliances = layers.territories("alliance")
    alliance_ids = list(alliances.index[(alliances.region_code == region_id)
                                        & (alliances.mapped.astype(str).str.lower() == "true")])

    if region_id in regional.index:
        at_region = regional.loc[region_id]
        regional_projects = plural("regional_projects", at_region.n_projects, lang)
        regional_value = (_t("regional_value_unknown", lang, projects=regional_projects) if pd.isna(at_region.amount)
                          else _t("regional_value", lang, amount=amount_text(at_region.amount, lang),
                                  projects=regional_projects))
    else:
        regional_value = _t("regional_none", lang)
    region_projects, old_plan = split_old_plan(projects[projects.region_code == region_id])
    facts = _facts([
        (_t("alliances" if len(alliance_ids) > 1 else "alliance", lang),
         html.Div([html.Ul(_alliance_items(alliance_ids, lang)), *_alliance_changes(alliance_ids, lang)])),
        (_t("population", lang), _population(region, lang)),
        (_t("area", lang), _t("km2", lang, n=number(region.land_area_km2, lang))),
        (_t("amount", lang), amount_text(row.amount, lang)),
        (_t("projects", lang), _t("projects_value", lang, n=number(row.n_projects, lang),
                                  k=number(row.n_with_amount, lang))),
        (_t("per_capita", lang), money_cents(row.per_capita, lang)),
        (measure_text("rank_label_per_capita", lang), rank_text(agg.per_capita, region_id, lang)),
        *_envelope_facts(agg, region_id, "regions", lang),
        (_t("regional", lang), regional_value),
        _old_plan_fact(old_plan, lang),
    ])

    in_region = envelopes[(envelopes.region_code == region_id) | envelopes.alliance_id.isin(alliance_ids)]

    mrc = layers.territories("mrc")
    mrc_agg = metrics.aggregate(projects, "mrc", envelopes, mask=counted)
    mrc_cycle = reference_labels("cycles", lang).get(mrc_agg.attrs["envelope_cycle"], mrc_agg.attrs["envelope_cycle"])
    members = mrc[mrc.region_code == region_id].sort_values("name")
    mrc_rows = [[html.A(m["name"], href=f"/mrc/{member_id}{_lang_suffix(lang)}"), _population(m, lang),
                 amount_text(mrc_agg.amount.get(member_id), lang), number(mrc_agg.n_projects.get(member_id, 0), lang),
                 money_cents(mrc_agg.per_capita.get(member_id), lang),
                 money_cents(mrc_agg.envelope_per_capita.get(member_id), lang)]
                for member_id, m in members.iterrows()]

    children = [
        html.P(_t("region_kicker", lang, code=region_id), className="kicker"),
        html.H1(name),
        html.P(html.A(_t("see_on_map", lang, name=name),
                      href=_map_href(View(filters=Filters(regions=(region_id,)), lang=lang)),
                      className="map-link no-print")),
        html.P(html.A(_t("sheet_link", lang), href=f"/fiche/region/{region_id}{_lang_suffix(lang)}",
                      className="sheet-link no-print")),
        html.P(report_link(path, lang)),
        html.Section([html.H2(_t("facts", lang)), facts]
                     + ([html.P(_t("no_data_note", lang), className="note")] if pd.isna(row.amount) else []),
                     className="doc-section", id="en-bref"),
        _envelopes_section(in_region, lang),
        documented_share_section("region", region_id, lang),
        _priorities_section(alliance_ids, lang),
        html.Section([html.H2(_t("projects_title", lang))]
                     + ([follow_up.note(region_projects, lang),
                         _projects_table(region_projects, lang, with_mrc=True, page=path)]
                        if len(region_projects)
                        else [html.P(_t("projects_none_old_plan" if len(old_plan) else "projects_none", lang))]),
                     className="doc-section", id="projets"),
        _old_plan_section(old_plan, lang, path),
        html.Section([html.H2(_t("mrc_list", lang)),
                      table([_t(k, lang) for k in ("col_mrc", "col_population", "col_known", "col_count",
                                                    "col_per_capita")]
                            + [f"{_t('col_envelope_per_capita', lang)} ({mrc_cycle})"],
                            mrc_rows, numeric={1, 2, 3, 4, 5}, css="mrc-list", lang=lang)],
                     className="doc-section", id="mrc"),
    ]
    return page_frame(lang, path, children, css="territory-page region-page", demo=data.demo)


def region_title(code: str | None = None, lang: str | None = None, **_) -> str:
    regions = layers.territories("region")
    region_id = resolve(code, find_region, regions.index)
    lang = title_lang(lang)
    name = regions.at[region_id, "region_name"] if region_id else text(_TEXT, "unknown_title", lang)
    return text(_TEXT, "page_title", lang, name=name)


# ---------------------------------------------------------------- MRC page

@lru_cache(maxsize=1)
def _territory_changes() -> pd.DataFrame:
    """Cycles when an Alliance covered MRC outside today's configuration (geo/reference)."""
    return pd.read_csv(GEO_REFERENCE_DIR / "alliance_territory_changes.csv", dtype=str, keep_default_na=False)


def _alliance_changes(alliance_ids: list[str], lang: str) -> list:
    """For a region page: the MRC its Alliance(s) covered, or did not, during another cycle."""
    changes = _territory_changes()
    names = layers.territories("mrc").name
    notes = []
    rows = changes[changes.alliance_id.isin(alliance_ids) & changes.change.isin(("add", "remove"))]
    for (cycle, alliance_id, change), group in rows.groupby(["cycle", "alliance_id", "change"], sort=True):
        mrc = ", ".join(str(names.get(i, i)) for i in group.mrc_id)
        key = "alliance_added" if change == "add" else "alliance_removed"
        notes.append(html.P([_t(key, lang, cycle=cycle, alliance=alliance_name(alliance_id, lang), mrc=mrc), " (",
                             source_link(group.source_url.iloc[0], lang=lang), ")"], className="note"))
    return notes


def _former_alliances(mrc_id: str, lang: str) -> list:
    """Sentences for the cycles when another Alliance covered this MRC (alliance_territory_changes.csv)."""
    changes = _territory_changes()
    added = changes[(changes.mrc_id == mrc_id) & (changes.change == "add")]
    return [html.P([_t("former_alliance", lang, cycle=row.cycle, alliance=alliance_name(row.alliance_id, lang)),
                    " (", source_link(row.source_url, lang=lang), ")"], className="note")
            for row in added.itertuples()]


def mrc_layout(mrc_id: str = "", lang: str = "fr", **_) -> html.Div:
    """/mrc/<mrc_id>: everything known of one MRC or equivalent territory."""
    lang = clean_lang(lang)
    mrc = layers.territories("mrc")
    found = resolve(mrc_id, find_mrc, mrc.index)
    if found is None:
        return _unknown("mrc", mrc_id, lang)
    territory = mrc.loc[found]
    name = str(territory["name"])
    region_id = str(territory.region_code)
    path = f"/mrc/{found}"
    data = dataset.current()
    projects = data.projects
    agg = metrics.aggregate(projects, "mrc", data.envelopes, mask=counted_mask(projects))  # the old plan's left out, as on the map
    row = agg.loc[found]
    peers = agg[agg.index.isin(mrc.index[mrc.region_code == region_id])]
    alliance_ids = [territory.alliance_id] if isinstance(territory.alliance_id, str) and territory.alliance_id else []

    counted, old_counted = split_old_plan(projects[projects.counted_mrc == found])
    serves = projects.multi_mrc & projects.mrc_ids.fillna("").str.split(";").map(lambda ids: found in ids)
    shared, old_shared = split_old_plan(projects[serves.astype(bool)])
    facts = _facts([
        (_t("alliance", lang), html.Div([html.Ul(_alliance_items(alliance_ids, lang)), *_former_alliances(found, lang)])),
        (_t("population", lang), _population(territory, lang)),
        (_t("area", lang), _t("km2", lang, n=number(territory.land_area_km2, lang))),
        (_t("amount", lang), amount_text(row.amount, lang)),
        (_t("projects", lang), _t("projects_value", lang, n=number(row.n_projects, lang),
                                  k=number(row.n_with_amount, lang))),
        (_t("per_capita", lang), money_cents(row.per_capita, lang)),
        (_t("rank_region_mrc", lang), rank_text(peers.per_capita, found, lang, "region_mrc")),
        (_t("rank_all_mrc", lang), rank_text(agg.per_capita, found, lang, "mrc")),
        *_envelope_facts(agg, found, "mrc", lang),
        _old_plan_fact(old_counted, lang),  # those counted in this MRC; its multi-MRC ones are listed below
    ])

    envelopes = data.envelopes
    own_rows = envelopes[envelopes.mrc_id == found]
    region_name = str(territory.region_name)
    region_link = html.A(region_name, href=f"/region/{region_id}{_lang_suffix(lang)}")
    project_children: list = [html.H2(_t("projects_title", lang))]
    project_children += ([follow_up.note(counted, lang), _projects_table(counted, lang, with_mrc=False, page=path)]
                         if len(counted)
                         else [html.P(_t("projects_none_old_plan" if len(old_counted) else "projects_none", lang))])
    if len(shared):
        project_children += [html.H3(_t("shared_projects", lang)), html.P(_t("shared_rule", lang), className="note"),
                             _projects_table(shared, lang, with_mrc=True, page=path)]

    children = [
        html.P([_t("mrc_kicker", lang, type=territory.type or "MRC"), region_link, f" ({region_id})"],
               className="kicker"),
        html.H1(name),
        html.P(html.A(_t("see_on_map", lang, name=name),
                      href=_map_href(View(level="mrc", filters=Filters(mrcs=(found,)), lang=lang)),
                      className="map-link no-print")),
        html.P(html.A(_t("sheet_link", lang), href=f"/fiche/mrc/{found}{_lang_suffix(lang)}",
                      className="sheet-link no-print")),
        html.P(report_link(path, lang)),
        html.Section([html.H2(_t("facts", lang)), facts]
                     + ([html.P(_t("no_data_note", lang), className="note")] if pd.isna(row.amount) else []),
                     className="doc-section", id="en-bref"),
        _envelopes_section(own_rows, lang, extra=[html.P([_t("envelopes_region", lang), region_link, "."])]),
        documented_share_section("mrc", found, lang),
        _priorities_section(alliance_ids, lang),
        html.Section(project_children, className="doc-section", id="projets"),
        _old_plan_section(pd.concat([old_counted, old_shared]), lang, path),
        municipalities.section(found, lang, territory.type),
    ]
    return page_frame(lang, path, children, css="territory-page mrc-page", demo=data.demo)


def mrc_title(mrc_id: str | None = None, lang: str | None = None, **_) -> str:
    mrc = layers.territories("mrc")
    found = resolve(mrc_id, find_mrc, mrc.index)
    lang = title_lang(lang)
    name = mrc.at[found, "name"] if found else text(_TEXT, "unknown_title", lang)
    return text(_TEXT, "page_title", lang, name=name)


# Two pages in one module: a region and an MRC are read the same way.
dash.register_page(f"{__name__}.region", path_template="/region/<code>", layout=region_layout, title=region_title)
dash.register_page(f"{__name__}.mrc", path_template="/mrc/<mrc_id>", layout=mrc_layout, title=mrc_title)
