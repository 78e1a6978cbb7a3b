"""The project table: rows served block by block (AG Grid's infinite row model).

Only the rows a visitor scrolls to travel to the browser, so a view of 100 000 projects costs the
same per update as a view of 30. Sorting and column filters are applied here, on the server.
"""
from __future__ import annotations

from functools import lru_cache

import dash_ag_grid as dag
import pandas as pd

from components import ids
from components.i18n import inferred_phrases, t, text
from data import export, follow_up
from data.schema import REFERENCE_DIR
from geo import layers
from texts.catalogs import Messages

BLOCK_SIZE = 100
MAX_BLOCK = 500  # a forged request cannot ask for more rows at once
TEXT_COLUMNS = ("title", "promoter", "mrc", "region", "years", "priorities", "certainty", "follow_up")
SORTABLE = TEXT_COLUMNS + ("amount",)

# AG Grid speaks English by default; these are the strings a visitor sees in our table.
# AG Grid's own words (pager, column filters), in the page's language: AG Grid takes them as its
# `localeText`, keyed by its own names (catalog messages « grid.<AG Grid key> »).
GRID_TEXT = Messages("grid")
REPORT_WORDS = Messages("correction")


@lru_cache(maxsize=None)
def grid_locale_text(lang: str) -> dict[str, str]:
    """AG Grid's `localeText` for `lang`: every word the grid itself writes."""
    i = 1 if lang == "en" else 0
    return {key: words[i] for key, words in GRID_TEXT.items()}


@lru_cache(maxsize=None)
def _theme_labels(lang: str) -> pd.Series:
    themes = pd.read_csv(REFERENCE_DIR / "themes.csv", dtype=str)
    return themes.set_index("theme_id")["label_en" if lang == "en" else "label_fr"]


def _join_labels(cells: pd.Series, labels: pd.Series) -> list[str]:
    """« a;b » → « Label a, Label b » for a whole column. Each distinct cell is joined once: a
    column of 100 000 projects holds a few hundred distinct MRC or priority lists."""
    names = labels.to_dict()
    text = cells.fillna("").astype(str).tolist()
    joined = {cell: ", ".join(name for name in (names.get(part) for part in cell.split(";")) if name)
              for cell in set(text)}
    return [joined[cell] for cell in text]


def _years(start: pd.Series, end: pd.Series) -> list[str]:
    """« 2021 », « 2021–2023 », or « » when neither year is known."""
    def label(first, last) -> str:
        first, last = ("" if pd.isna(first) else str(int(first))), ("" if pd.isna(last) else str(int(last)))
        if first and last and last != first:
            return f"{first}–{last}"
        return first or last
    return [label(first, last) for first, last in zip(start.tolist(), end.tolist())]


def certainty_text(projects: pd.DataFrame, lang: str) -> list[str]:
    """What was inferred rather than read, per project: « lien avec le FQIS déduit ; MRC déduite »,
    or « rien : tout est lu dans la source ». `projects` is prepared by data.metrics."""
    link = t("hover_link_inferred", lang)
    words = {cell: inferred_phrases(cell, lang) for cell in set(projects.inferred.tolist())}
    everything_read = t("certainty_all_read", lang)
    return ["; ".join(([link] if tie != "explicit" else []) + words[cell]) or everything_read
            for tie, cell in zip(projects.fqis_link.tolist(), projects.inferred.tolist())]


def table_frame(projects: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The table's columns for every project in view, as plain text and numbers.

    Text stays text: the grid renders it with React, which escapes it, so a title such as
    « <script> » shows as written. Only http(s) sources become links (see the SourceLink renderer).
    Built with Python lists: the grid asks for 100 rows at a time, and on so few rows pandas'
    per-operation cost was most of the request's time.
    """
    region_names = layers.territories("region").region_name.to_dict()
    sources = projects.source_url.astype(str).tolist()
    return pd.DataFrame({
        "id": projects.index.astype(str).tolist(),
        "title": projects.title.astype(str).tolist(),
        "promoter": projects.promoter.fillna("").astype(str).tolist(),
        "mrc": _join_labels(projects.mrc_ids, layers.territories("mrc").name),
        "region": [region_names.get(code, "") for code in projects.region_code.tolist()],
        "amount": projects.amount_fqis.astype(float).tolist(),
        "years": _years(projects.start_year, projects.end_year),
        "priorities": _join_labels(projects.themes, _theme_labels(lang)),
        "certainty": certainty_text(projects, lang),
        # « Suivi »: status, actual end date, people reached (data.follow_up), and the report (FollowUp renderer).
        "follow_up": follow_up.summaries(projects, lang),
        "report": follow_up.report_links(projects),
        "source": [url if url.startswith(("http://", "https://")) else "" for url in sources],
        # « Publié par <mandataire>, <date> (version N) » beside the source (SourceLink), for an Alliance's rows.
        "publication": export.publication_phrases(projects, lang),
    }, index=projects.index)


def _text_condition(column: pd.Series, condition: dict) -> pd.Series:
    kind = condition.get("type") if isinstance(condition.get("type"), str) else None
    value = str(condition.get("filter") or "").lower()
    text = column.str.lower()
    tests = {"contains": lambda: text.str.contains(value, regex=False),
             "notContains": lambda: ~text.str.contains(value, regex=False),
             "equals": lambda: text == value, "notEqual": lambda: text != value,
             "startsWith": lambda: text.str.startswith(value), "endsWith": lambda: text.str.endswith(value),
             "blank": lambda: text == "", "notBlank": lambda: text != ""}
    return tests[kind]() if kind in tests else pd.Series(True, index=column.index)


def _number_condition(column: pd.Series, condition: dict) -> pd.Series:
    kind = condition.get("type") if isinstance(condition.get("type"), str) else None
    try:
        value = float(condition.get("filter"))
        upper = float(condition.get("filterTo")) if kind == "inRange" else None
    except (TypeError, ValueError, OverflowError):  # OverflowError: a forged 400-digit number
        if kind in ("blank", "notBlank"):
            return column.isna() if kind == "blank" else column.notna()
        return pd.Series(True, index=column.index)
    tests = {"equals": column == value, "notEqual": column != value, "lessThan": column < value,
             "lessThanOrEqual": column <= value, "greaterThan": column > value,
             "greaterThanOrEqual": column >= value,
             "inRange": (column >= value) & (column <= upper) if upper is not None else column >= value}
    return tests.get(kind, pd.Series(True, index=column.index)).fillna(False)


def apply_grid_model(frame: pd.DataFrame, sort_model, filter_model) -> pd.DataFrame:
    """The grid's column filters and sort, on the server. Unknown columns or operators are ignored."""
    keep = pd.Series(True, index=frame.index)
    if isinstance(filter_model, dict):
        for column, spec in list(filter_model.items())[:len(SORTABLE)]:  # JSON keys: always text
            if column not in SORTABLE or not isinstance(spec, dict):
                continue
            conditions = spec.get("conditions") if isinstance(spec.get("conditions"), list) else [spec]
            tests = [(_number_condition if column == "amount" else _text_condition)(frame[column], c)
                     for c in conditions[:2] if isinstance(c, dict)]
            if tests:
                combined = tests[0]
                for test in tests[1:]:
                    combined = (combined | test) if spec.get("operator") == "OR" else (combined & test)
                keep &= combined
    result = frame[keep]
    if isinstance(sort_model, list):
        sorts = [s for s in sort_model[:3] if isinstance(s, dict) and _known_column(s.get("colId"))]
        columns = [s["colId"] for s in sorts]
        ascending = [s.get("sort") != "desc" for s in sorts]
        if columns:
            # An empty cell (no MRC, no priority stated) is unknown: last, whichever the direction.
            result = result.sort_values(columns, ascending=ascending, na_position="last", kind="stable",
                                        key=lambda column: column if column.name == "amount" else column.replace("", None))
    return result


# Columns the projects table already holds: sorting or filtering on them needs no text built.
_DIRECT = {"title": "title", "promoter": "promoter", "amount": "amount_fqis"}


def _known_column(name) -> bool:
    """A column the grid may sort or filter on; a forged request can send a list or an object."""
    return isinstance(name, str) and name in SORTABLE


def _columns_used(request: dict) -> set:
    used = set()
    if isinstance(request.get("sortModel"), list):
        used |= {s.get("colId") for s in request["sortModel"] if isinstance(s, dict) and _known_column(s.get("colId"))}
    if isinstance(request.get("filterModel"), dict):
        used |= set(request["filterModel"])
    return used & set(SORTABLE)


def rows_block(projects: pd.DataFrame, request, lang: str) -> dict:
    """The rows the grid asked for (`getRowsRequest`) among `projects`, and how many there are in all.

    The table's text (MRC names, labels, years) is built only for the rows sent, unless the grid
    sorts or filters on such a column: a view of 100 000 projects then costs what 100 rows cost.
    """
    if not isinstance(request, dict):
        request = {}
    if _columns_used(request) <= set(_DIRECT):
        base = pd.DataFrame({column: projects[source] for column, source in _DIRECT.items()}, index=projects.index)
        base["title"] = base.title.astype(str)
        base["promoter"] = base.promoter.fillna("").astype(str)
        base["amount"] = base.amount.astype(float)
    else:
        base = table_frame(projects, lang)
    chosen = apply_grid_model(base, request.get("sortModel"), request.get("filterModel"))
    start = request.get("startRow") if isinstance(request.get("startRow"), int) else 0
    end = request.get("endRow") if isinstance(request.get("endRow"), int) else start + BLOCK_SIZE
    start = max(0, start)
    end = max(start, min(end, start + MAX_BLOCK))
    rows = table_frame(projects.loc[chosen.index[start:end]], lang)
    block = rows.astype(object).where(rows.notna(), None)
    return {"rowData": block.to_dict("records"), "rowCount": len(chosen)}


def columns(lang: str) -> list[dict]:
    text_filter = {"filter": "agTextColumnFilter", "filterParams": {"buttons": ["reset"], "maxNumConditions": 1}}
    return [
        {"field": "title", "headerName": t("col_title", lang), "flex": 3, "minWidth": 200, **text_filter},
        {"field": "promoter", "headerName": t("col_promoter", lang), "flex": 2, "minWidth": 160, **text_filter},
        {"field": "mrc", "headerName": t("col_mrc", lang), "flex": 1, "minWidth": 120, **text_filter},
        {"field": "region", "headerName": t("col_region", lang), "flex": 1, "minWidth": 130, **text_filter},
        {"field": "amount", "headerName": t("col_amount", lang), "type": "numericColumn", "minWidth": 130,
         "filter": "agNumberColumnFilter", "filterParams": {"buttons": ["reset"], "maxNumConditions": 1},
         "valueFormatter": {"function": f"formatMoney(params.value, '{lang}')"}},
        {"field": "years", "headerName": t("col_years", lang), "minWidth": 90},
        {"field": "priorities", "headerName": t("col_priorities", lang), "flex": 2, "minWidth": 150, **text_filter},
        {"field": "certainty", "headerName": t("col_certainty", lang), "flex": 1, "minWidth": 150, **text_filter},
        {"field": "follow_up", "headerName": t("col_follow_up", lang), "flex": 1, "minWidth": 150,
         "cellRenderer": "FollowUp", "cellRendererParams": {"report": follow_up.report_word(lang)}, **text_filter},
        {"field": "source", "headerName": t("col_source", lang), "minWidth": 100, "cellRenderer": "SourceLink",
         "sortable": False},
        # « Signaler une erreur » on every row: a link to the public form (web/corrections) with this page and the row's id.
        {"field": "id", "colId": "report", "headerName": text(REPORT_WORDS, "col_report", lang), "minWidth": 110,
         "cellRenderer": "ReportLink", "cellRendererParams": {"label": text(REPORT_WORDS, "link_row", lang)},
         "sortable": False, "filter": False},
    ]


def grid(lang: str) -> dag.AgGrid:
    """The project table: rows come block by block from the dashboard's table_block callback."""
    return dag.AgGrid(id=ids.TABLE, rowModelType="infinite", columnDefs=columns(lang),
                      getRowId="params.data.id", defaultColDef={"sortable": True, "resizable": True},
                      dashGridOptions={"domLayout": "autoHeight", "pagination": True, "paginationPageSize": 20,
                                       "cacheBlockSize": BLOCK_SIZE, "maxBlocksInCache": 20,
                                       "localeText": grid_locale_text(lang)},
                      className="ag-theme-alpine", style={"width": "100%"})
