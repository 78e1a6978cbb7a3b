"""« Méthodologie » (/methodologie): how every number of the site is defined, counted and dated.

The words are in texts/prose/<lang>/methodology.md, one section per « ## Heading {#anchor} »; the
frame and pieces it shares with the territory pages and sheets are in components/document.py.

What can be computed from the data is computed (the MRC whose population is estimated, the known
gaps, the Alliance territory changes), so the page cannot drift from the files it describes.
"""
from __future__ import annotations

from functools import lru_cache

import dash
import pandas as pd
from dash import html

from components.document import (
    GEO_REFERENCE_DIR,
    KIND_MEANINGS,
    METHODOLOGY_PATH,
    changelog,
    is_http,
    kind_label,
    page_frame,
    source_link,
    table,
    title_lang,
)
from components.i18n import clean_lang, number, plural, text
from components.report_link import changes_link
from components.words.page_text import with_shared
from components.words.prose import document
from data import load
from data.schema import ENVELOPE_KINDS, REFERENCE_DIR
from geo import layers
from texts.catalogs import Messages

PATH = METHODOLOGY_PATH
PROSE = "methodology"  # texts/prose/<lang>/methodology.md: the words; this module computes the rest


# ---------------------------------------------------------------- the methodology page

_TEXT = with_shared(Messages("methodology"))


def title(lang: str | None = None, **_) -> str:
    return _t("page_title", title_lang(lang))


def _t(key: str, lang: str, **values) -> str:
    return text(_TEXT, key, lang, **values)


def _estimated_population(lang: str) -> html.Ul:
    """The MRC whose 2021 population is estimated, grouped by the census division they share."""
    mrc = layers.territories("mrc")
    estimated = mrc[mrc.population_estimated.astype(str).str.lower() == "true"]
    items = []
    for cduid, group in estimated.groupby("cduid", sort=True):
        names = ", ".join(sorted(group.name))
        items.append(html.Li(f"{names} ({_t('census_division', lang, cduid=cduid)})"))
    return html.Ul(items)


def _territory_changes(lang: str) -> html.Div:
    changes = pd.read_csv(GEO_REFERENCE_DIR / "alliance_territory_changes.csv", dtype=str, keep_default_na=False)
    alliances = layers.territories("alliance")
    mrc_names = layers.territories("mrc").name
    name_column = "name_en" if lang == "en" else "name_fr"
    rows = [[row.cycle, alliances[name_column].get(row.alliance_id, row.alliance_id),
             mrc_names.get(row.mrc_id, row.mrc_id), _t(f"change_{row.change}", lang) if row.change in ("add", "remove")
             else row.change, source_link(row.source_url, lang=lang)]
            for row in changes.itertuples()]
    return table([_t(k, lang) for k in ("col_cycle", "col_alliance", "col_mrc", "col_change", "col_source")], rows,
                 css="territory-changes", lang=lang)


def _kinds(lang: str) -> html.Div:
    i = 1 if lang == "en" else 0
    rows = [[kind_label(kind, lang), html.Code(kind), KIND_MEANINGS[kind][i] if kind in KIND_MEANINGS else ""]
            for kind in ENVELOPE_KINDS]
    return table([_t("col_kind", lang), _t("col_code", lang), _t("col_meaning", lang)], rows, css="kinds", lang=lang)


def _cycle_labels(lang: str) -> pd.Series:
    cycles = pd.read_csv(REFERENCE_DIR / "cycles.csv", dtype=str).set_index("cycle_id")
    return cycles["label_en" if lang == "en" else "label_fr"]


@lru_cache(maxsize=1)
def _curated() -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """The curated files as published (the demo switch replaces projects on the map, not here)."""
    return load.load_projects(), load.load_envelopes(), load.load_priorities()


def known_gaps(lang: str) -> list[str]:
    """The known gaps, each one sentence, computed from the curated files."""
    projects, envelopes, priorities = _curated()
    regions = layers.territories("region").region_name
    alliances = layers.territories("alliance")
    cycles = _cycle_labels(lang)
    # Region rows only: in Nord-du-Québec and Gaspésie–Îles-de-la-Madeleine one Alliance's amount is
    # not the region's (the regions with a single Alliance have their amounts at region level).
    whole = envelopes[envelopes.territory_level == "region"]

    def regions_with(kind: str, cycle: str) -> list[str]:
        rows = whole[(whole.kind == kind) & (whole.cycle == cycle)]
        return sorted(set(rows.region_code.dropna()))

    def names(codes) -> str:
        return ", ".join(regions[c] for c in codes)

    gaps = [_t("gap_projects", lang, n=number(len(projects), lang), known=number(projects.amount_fqis.notna().sum(), lang))]
    missing = [c for c in regions.index if c not in regions_with("envelope", "pagieps-2017-2023")]
    if missing:
        gaps.append(_t("gap_envelope", lang, cycle=cycles.get("pagieps-2017-2023", "2017–2023"), regions=names(missing)))
    for what, kind, cycle in (("envelope_2024", "envelope", "plan-2024-2029"),
                              ("transition_2023", "transition", "transition-2023-2024")):
        found = regions_with(kind, cycle)
        if len(found) < len(regions):
            gaps.append(_t("gap_found", lang, what=_t(what, lang), regions_only=plural("regions_only", len(found), lang),
                              regions=names(found)))
    seen = set(envelopes.alliance_id.dropna()) | set(projects.alliance_id.dropna()) | set(priorities.alliance_id)
    nothing = [a for a in alliances.index if a not in seen]
    if nothing:
        name_column = "name_en" if lang == "en" else "name_fr"
        gaps.append(_t("gap_nothing", lang, alliances="; ".join(alliances.loc[nothing, name_column])))
    gaps.append(_t("gap_priorities", lang, alliances=plural("n_alliances", priorities.alliance_id.nunique(), lang)))
    undated = int(envelopes.source_date.isna().sum() + projects.source_date.isna().sum())
    if undated:
        gaps.append(_t("gap_dates", lang, rows=plural("n_rows", undated, lang)))
    gaps.append(_t("gap_more", lang))
    return gaps


def _change_text(row, lang: str) -> list:
    """What an operation did, with its counts in the page's language; the note is written in French only."""
    operation = _t(f"operation_{row.operation}", lang) if f"operation_{row.operation}" in _TEXT else row.operation
    counts = [_t(key, lang, n=number(int(getattr(row, column)), lang))
              for column, key in (("rows_added", "count_added"), ("rows_duplicate", "count_duplicate"),
                                  ("rows_dropped", "count_dropped"))
              if str(getattr(row, column)).strip().isdigit()]
    separator = "; " if lang == "en" else " ; "
    summary = operation + (" — " + separator.join(counts) if counts else "") + (". " if row.note else "")
    note = html.Span(row.note, lang="fr") if lang == "en" else row.note
    return [summary, note]


def _changes(lang: str):
    log = changelog()
    if not len(log):
        return html.Div([html.P(changes_link(lang)), html.P(_t("changes_none", lang))])
    rows = [[html.Span(row.date, className="nowrap"), _change_text(row, lang),
             row.target_file, source_link(row.source_url, lang=lang) if is_http(row.source_url) else row.source_url]
            for row in log.itertuples()]
    return html.Div([html.P(changes_link(lang)),  # the publications of the Alliances, beside the curations below
                     table([_t(k, lang) for k in ("col_date", "col_what", "col_files", "col_source")], rows,
                           css="changelog", lang=lang)])


def blocks(lang: str) -> dict[str, object]:
    """The parts of the page computed from the data, by the name texts/prose/<lang>/methodology.md
    gives them (« {{known_gaps}} »)."""
    return {
        "estimated_population": _estimated_population(lang),
        "territory_changes": _territory_changes(lang),
        "kinds": _kinds(lang),
        "known_gaps": html.Ul([html.Li(gap) for gap in known_gaps(lang)]),
        "changelog": _changes(lang),
        "sources": html.Ul([html.Li(line) for line in layers.attribution_lines(lang=lang)]),
    }


def layout(lang: str = "fr", **_) -> html.Div:
    """The methodology page, in French unless `?lang=en`."""
    lang = clean_lang(lang)
    return page_frame(lang, PATH, document(PROSE, lang, blocks(lang)), css="methodology-page")


dash.register_page(__name__, path=PATH, layout=layout, title=title)
