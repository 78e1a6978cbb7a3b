"""Tables that leave the site: the project, territory and envelope tables as CSV or XLSX.

Pure pandas and openpyxl (no Dash, no Flask), so the page's download buttons and the read-only API
(`components.api`) produce byte-for-byte the same files for the same filters.

Each table exists in two shapes:
- `*_records(...)`: one column per field, with stable English keys (the API's JSON);
- `*_table(...)`: the same columns with French or English headers, ready for a spreadsheet.
Values are already in the visitor's language (region names, cycle and theme labels); numbers stay
numbers, and an unknown amount stays empty, never 0.

Every text cell that a spreadsheet would read as a formula is neutralised once, by `neutralise`,
which both writers call: a leading apostrophe, and in XLSX a cell typed as text.
"""
from __future__ import annotations

import datetime as dt
import io
import math
from dataclasses import dataclass
from functools import lru_cache

import numpy as np
import pandas as pd
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Font
from openpyxl.utils import get_column_letter

from data import follow_up
from data.metrics import DEFAULT_ENVELOPE_CYCLE, LEVELS, certainty
from data.periods import period_text
from data.schema import FOLLOW_UP_COLUMNS, REFERENCE_DIR, vocabulary
from geo import layers
from texts.catalogs import Messages

LANGS = ("fr", "en")
LIST_SEPARATOR = "; "  # between MRC names or theme labels inside one cell (names hold commas, never ";")

# A spreadsheet treats a cell starting with one of these as a formula (OWASP "CSV injection").
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")

# Number formats of the XLSX writer, by kind of field.
MONEY_FORMAT = "#,##0.00"
INTEGER_FORMAT = "#,##0"
YEAR_FORMAT = "0"
PERCENT_FORMAT = "0.0"  # the share is written in percent (13.0 for 13 %), as its header says
_FORMATS = {"money": MONEY_FORMAT, "integer": INTEGER_FORMAT, "year": YEAR_FORMAT, "percent": PERCENT_FORMAT}


@dataclass(frozen=True)
class Field:
    """One exported column: its English key, its French and English headers and its kind."""

    key: str
    fr: str
    en: str
    kind: str = "text"  # text, money, integer, year, percent or flag

    def header(self, lang: str) -> str:
        return self.en if lang == "en" else self.fr


def _fields(table: Messages, kinds: dict[str, str], **values: tuple[str, str]) -> tuple[Field, ...]:
    """One Field per key of `kinds` (in that order), its headers the catalog's `table.<key>` messages;
    `values` fills their {placeholders}, a (French, English) pair each."""
    fields = []
    for key, kind in kinds.items():
        fr, en = table[key]
        fields.append(Field(key, fr.format(**{k: v[0] for k, v in values.items()}),
                            en.format(**{k: v[1] for k, v in values.items()}), kind))
    return tuple(fields)


PROJECT_FIELDS: tuple[Field, ...] = _fields(Messages("export_project"), {
    "project_id": "text", "title": "text", "promoter": "text", "mrc_names": "text", "region_name": "text",
    "alliance_name": "text", "municipality": "text", "location_precision": "text", "fqis_link": "text",
    "inferred": "text", "amount_fqis": "money", "total_cost": "money", "start_year": "year",
    "end_year": "year", "cycle_label": "text", "priorities_original": "text", "theme_labels": "text",
    "source_url": "text", "source_date": "text", "note": "text",
    # How the project is doing (data.follow_up), empty unless a file or a publication said so.
    "status": "text", "actual_end_date": "text", "people_reached": "integer", "report_url": "text",
    # Empty unless an Alliance published the project (publishing/): who, when, which version, in words.
    "published_by": "text", "published_on": "text", "publication_version": "integer", "publication": "text",
})

_TERRITORY_ID_HEADERS = Messages("territory_id")
_TERRITORY_HEADERS = Messages("export_territory")  # the envelope headers name their cycle: {cycle}
_TERRITORY_KINDS = {
    "name": "text", "population_2021": "integer", "population_estimated": "flag", "n_projects": "integer",
    "n_with_amount": "integer", "amount": "money", "per_capita": "money", "envelope": "money",
    "envelope_per_capita": "money", "documented": "money", "documented_share": "percent", "share_over": "flag",
    "territory_differs": "flag", "source": "text",
}


def territory_fields(level: str, envelope_cycle: str = DEFAULT_ENVELOPE_CYCLE) -> tuple[Field, ...]:
    """The columns of the territory table of `level`; the envelope headers name their cycle."""
    _check_level(level)
    cycle_fr = _cycle_labels("fr").get(envelope_cycle, envelope_cycle)
    cycle_en = _cycle_labels("en").get(envelope_cycle, envelope_cycle)
    id_fr, id_en = _TERRITORY_ID_HEADERS[level]
    return (Field("territory_id", id_fr, id_en),) + _fields(_TERRITORY_HEADERS, _TERRITORY_KINDS,
                                                            cycle=(cycle_fr, cycle_en))


ENVELOPE_FIELDS: tuple[Field, ...] = _fields(Messages("export_envelope"), {
    "envelope_id": "text", "cycle_label": "text", "territory_level": "text", "territory_name": "text",
    "alliance_name": "text", "region_name": "text", "mrc_name": "text", "mandataire": "text",
    "amount": "money", "kind": "text", "period": "text", "description": "text", "source_url": "text",
    "source_date": "text", "amount_disputed": "flag", "note": "text"
})

# Words of the cells, from the catalogs; the envelope kinds and territory levels are the site's own
# labels (the same messages as the pages'), so a download reads like the page it came from.
_PRECISIONS = Messages("export_precisions")
_INFERRED = Messages("export_inferred")
_KINDS = Messages("kinds")
_TERRITORY_LEVELS = Messages("levels")
_WORDS = Messages("export_words")


def _in(table: Messages, lang: str) -> dict[str, str]:
    """`table` as {key: words in `lang`}."""
    i = 1 if lang == "en" else 0
    return {key: words[i] for key, words in table.items()}


def _word(key: str, lang: str) -> str:
    return _WORDS[key][1 if lang == "en" else 0]


def flag_words(lang: str) -> tuple[str, str]:
    """How a yes/no column reads in `lang`: (« oui », « non »)."""
    return _word("yes", lang), _word("no", lang)


_PROJECT_INPUT = ("project_id", "title", "promoter", "mrc_ids", "region_code", "alliance", "municipality",
                  "location_precision", "amount_fqis", "total_cost", "start_year", "end_year", "cycle",
                  "priorities_original", "themes", "source_url", "source_date", "note")
_AGGREGATE_INPUT = ("name", "population", "n_projects", "n_with_amount", "amount", "per_capita", "envelope",
                    "envelope_per_capita", "documented", "documented_share", "share_over", "territory_differs")
_ENVELOPE_INPUT = ("envelope_id", "cycle", "territory_level", "territory_name", "alliance_id", "region_code",
                   "mrc_id", "mandataire", "amount", "kind", "period", "description", "source_url",
                   "source_date", "amount_disputed", "note")


# ---------------------------------------------------------------- checks and reference labels

def _check_lang(lang: str) -> str:
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    return lang


def _check_level(level: str) -> None:
    if level not in LEVELS:
        raise ValueError(f"level must be one of {LEVELS}, got {level!r}")


def _check_columns(frame: pd.DataFrame, required: tuple[str, ...], what: str) -> None:
    if not isinstance(frame, pd.DataFrame):
        raise TypeError(f"{what} must be a pandas DataFrame, got {type(frame).__name__}")
    missing = [c for c in required if c not in frame.columns]
    if missing:
        raise ValueError(f"{what} lacks column(s) {missing}; got {list(frame.columns)}")


@lru_cache(maxsize=None)
def _reference(name: str) -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / f"{name}.csv", dtype=str, keep_default_na=False)


def _cycle_labels(lang: str) -> dict[str, str]:
    cycles = _reference("cycles")
    return dict(zip(cycles.cycle_id, cycles["label_en" if lang == "en" else "label_fr"]))


def _theme_labels(lang: str) -> dict[str, str]:
    themes = _reference("themes")
    return dict(zip(themes.theme_id, themes["label_en" if lang == "en" else "label_fr"]))


def _alliance_names(lang: str) -> pd.Series:
    return layers.territories("alliance")["name_en" if lang == "en" else "name_fr"]


def _text(value) -> str | None:
    """A cell as text, or None when empty or missing."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return None
    text = str(value)
    return text if text.strip() else None


def _ids(value) -> list[str]:
    text = _text(value)
    return [part for part in text.split(";") if part] if text else []


def _labels(value, labels) -> str | None:
    """"a;b" → "Label a; Label b" (an id with no label is shown as is rather than dropped)."""
    names = [labels.get(i, i) for i in _ids(value)]
    return LIST_SEPARATOR.join(names) if names else None


def _label(value, labels) -> str | None:
    text = _text(value)
    return None if text is None else labels.get(text, text)


def with_headers(records: pd.DataFrame, fields: tuple[Field, ...], lang: str) -> pd.DataFrame:
    """The records with French or English headers; flag columns become « oui »/« non »."""
    _check_lang(lang)
    table = records.copy()
    yes, no = flag_words(lang)
    for f in fields:
        if f.kind == "flag":
            table[f.key] = table[f.key].map(lambda v: None if pd.isna(v) else (yes if bool(v) else no))
    return table.rename(columns={f.key: f.header(lang) for f in fields})


# ---------------------------------------------------------------- projects

def project_records(projects: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per project, with the export columns (`PROJECT_FIELDS`) under their English keys.

    `projects` is the table after `data.metrics.prepare_projects` (and usually `filter_projects`);
    rows keep its order. Names and labels are in `lang`; an unknown amount stays NaN, never 0.
    """
    _check_lang(lang)
    _check_columns(projects, _PROJECT_INPUT, "projects")
    mrc_names = layers.territories("mrc").name
    region_names = layers.territories("region").region_name
    alliance_names, cycles, themes = _alliance_names(lang), _cycle_labels(lang), _theme_labels(lang)
    precisions = _in(_PRECISIONS, lang)
    links, inferred = certainty(projects)
    inferred_labels = _in(_INFERRED, lang)
    nothing_inferred = _word("no", lang)  # « Déduit plutôt que lu » : non (everything read), or what was inferred
    link_labels = {link: _word(f"link_{link}", lang) for link in ("explicit", "inferred")}
    records = pd.DataFrame({
        "project_id": projects.project_id.map(_text),
        "title": projects.title.map(_text),
        "promoter": projects.promoter.map(_text),
        "mrc_names": projects.mrc_ids.map(lambda v: _labels(v, mrc_names)),
        "region_name": projects.region_code.map(lambda v: _label(v, region_names)),
        "alliance_name": projects.alliance.map(lambda v: _label(v, alliance_names)),
        "municipality": projects.municipality.map(_text),
        "location_precision": projects.location_precision.map(lambda v: _label(v, precisions)),
        "fqis_link": links.map(lambda v: _label(v, link_labels)),
        "inferred": inferred.map(lambda v: _labels(v, inferred_labels) or nothing_inferred),
        "amount_fqis": pd.to_numeric(projects.amount_fqis, errors="coerce").astype(float),
        "total_cost": pd.to_numeric(projects.total_cost, errors="coerce").astype(float),
        "start_year": pd.to_numeric(projects.start_year, errors="coerce").astype("Int64"),
        "end_year": pd.to_numeric(projects.end_year, errors="coerce").astype("Int64"),
        "cycle_label": projects.cycle.map(lambda v: _label(v, cycles)),
        "priorities_original": projects.priorities_original.map(_text),
        "theme_labels": projects.themes.map(lambda v: _labels(v, themes)),
        "source_url": projects.source_url.map(_text),
        "source_date": projects.source_date.map(_text),
        "note": projects.note.map(_text),
        **_follow_up(projects, lang),
        **_publication(projects, lang),
    }, columns=[f.key for f in PROJECT_FIELDS])
    return records.reset_index(drop=True)


def _publication(projects: pd.DataFrame, lang: str) -> dict[str, pd.Series]:
    """Who published each project (an Alliance's publication), empty for the curated rows and for a
    table without these columns (a visitor's file, the demo)."""
    empty = pd.Series(None, index=projects.index, dtype=object)
    by = projects["published_by"] if "published_by" in projects.columns else empty
    on = projects["published_on"] if "published_on" in projects.columns else empty
    number = projects["publication_version"] if "publication_version" in projects.columns else empty
    phrases = [provenance(b, o, n, lang) for b, o, n in zip(by.tolist(), on.tolist(), number.tolist())]
    return {"published_by": by.map(_text), "published_on": on.map(_text),
            "publication_version": pd.to_numeric(number, errors="coerce").astype("Int64"),
            "publication": pd.Series(phrases, index=projects.index, dtype=object)}


def _follow_up(projects: pd.DataFrame, lang: str) -> dict[str, pd.Series]:
    """Status (in `lang`), actual end date, people reached and report link; empty where unknown and for a
    table without these columns."""
    empty = pd.Series(None, index=projects.index, dtype=object)
    column = {c: projects[c] if c in projects.columns else empty for c in FOLLOW_UP_COLUMNS}
    labels = follow_up.status_labels(lang)
    return {"status": column["status"].map(lambda v: _label(v, labels)),
            "actual_end_date": column["actual_end_date"].map(_text),
            "people_reached": pd.to_numeric(column["people_reached"], errors="coerce").astype("Int64"),
            "report_url": column["report_url"].map(_text)}


def publication_phrases(projects: pd.DataFrame, lang: str) -> list[str | None]:
    """The provenance phrase of each project (None where no Alliance published it)."""
    return _publication(projects, lang)["publication"].tolist()


def provenance(published_by, published_on, version, lang: str) -> str | None:
    """« Publié par <mandataire>, 6 décembre 2026 (version 1) », or None for a row no Alliance published."""
    if _text(published_by) is None:
        return None
    from babel.dates import format_date

    day = format_date(dt.date.fromisoformat(str(published_on)), "long", locale="en_CA" if lang == "en" else "fr_CA")
    words = Messages("publish")["provenance"][1 if lang == "en" else 0]
    return words.format(mandataire=published_by, date=day, version=int(version))


def project_table(projects: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The project table as exported: `project_records` with French (or English) headers."""
    return with_headers(project_records(projects, lang), PROJECT_FIELDS, lang)


# ---------------------------------------------------------------- territories

def _source_text(estimated: bool, lang: str, demo: bool) -> str:
    population = _word("population_source", lang) + (_word("population_estimated", lang) if estimated else "")
    amounts = _word("amounts_demo" if demo else "amounts_source", lang)
    return f"{population}. {amounts}."


def territory_records(agg: pd.DataFrame, level: str, lang: str, *, demo: bool = False) -> pd.DataFrame:
    """One row per territory of `agg` (output of `data.metrics.aggregate` at `level`), in its order.

    Columns: `territory_fields(level)` under their English keys. `demo` says in the source column
    that the amounts are synthetic.
    """
    _check_lang(lang)
    _check_level(level)
    _check_columns(agg, _AGGREGATE_INPUT, "agg")
    territories = layers.territories(level)
    estimated = territories.population_estimated.astype(str).str.lower().eq("true").reindex(agg.index)
    names = agg.name
    if level == "alliance":  # the only level whose names are translated
        names = _alliance_names(lang).reindex(agg.index).fillna(agg.name)
    population = pd.to_numeric(agg.population, errors="coerce")
    records = pd.DataFrame({
        "territory_id": [str(i) for i in agg.index],
        "name": names.map(_text).to_numpy(),
        "population_2021": population.round().astype("Int64").to_numpy(),
        "population_estimated": estimated.astype("boolean").to_numpy(),
        "n_projects": agg.n_projects.astype("Int64").to_numpy(),
        "n_with_amount": agg.n_with_amount.astype("Int64").to_numpy(),
        "amount": agg.amount.astype(float).to_numpy(),
        # Rounded to remove float noise, not cents: a few dollars over a large region is 0.0001 $.
        "per_capita": agg.per_capita.astype(float).round(4).to_numpy(),
        "envelope": agg.envelope.astype(float).to_numpy(),
        "envelope_per_capita": agg.envelope_per_capita.astype(float).round(4).to_numpy(),
        "documented": agg.documented.astype(float).to_numpy(),
        "documented_share": (agg.documented_share.astype(float) * 100).round(2).to_numpy(),
        # Flags only where the share or the envelope they qualify is known.
        "share_over": agg.share_over.astype("boolean").where(agg.documented_share.notna()).to_numpy(),
        "territory_differs": agg.territory_differs.astype("boolean").where(agg.envelope.notna()).to_numpy(),
        "source": [_source_text(bool(e) if not pd.isna(e) else False, lang, demo) for e in estimated],
    })
    return records


_MEASURE_COLUMN = {"amount": "amount", "per_capita": "per_capita", "count": "n_projects", "envelope": "envelope",
                   "envelope_per_capita": "envelope_per_capita", "documented_share": "documented_share"}


def ranked_territories(agg: pd.DataFrame, measure: str) -> pd.DataFrame:
    """Highest first, territories with no data last (NaN; a count of 0 sorts last anyway), ties by name."""
    values = agg[_MEASURE_COLUMN[measure]].astype(float)
    order = (pd.DataFrame({"value": values, "name": agg.name.astype(str), "id": agg.index.astype(str)}, index=agg.index)
             .sort_values(["value", "name", "id"], ascending=[False, True, True], na_position="last"))
    return agg.loc[order.index]


def territory_table(agg: pd.DataFrame, level: str, lang: str, *, demo: bool = False,
                    envelope_cycle: str | None = None) -> pd.DataFrame:
    """The territory table as exported: `territory_records` with French (or English) headers.

    `envelope_cycle` only names the cycle in the envelope headers; by default the one `aggregate`
    read (kept in `agg.attrs`).
    """
    envelope_cycle = envelope_cycle or agg.attrs.get("envelope_cycle", DEFAULT_ENVELOPE_CYCLE)
    return with_headers(territory_records(agg, level, lang, demo=demo), territory_fields(level, envelope_cycle), lang)


# ---------------------------------------------------------------- envelopes

def envelope_records(envelopes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """One row per envelope row (the validated `envelopes.csv` shape), labels in `lang`, file order."""
    _check_lang(lang)
    _check_columns(envelopes, _ENVELOPE_INPUT, "envelopes")
    mrc_names = layers.territories("mrc").name
    region_names = layers.territories("region").region_name
    alliance_names, cycles = _alliance_names(lang), _cycle_labels(lang)
    levels, kinds = _in(_TERRITORY_LEVELS, lang), _in(_KINDS, lang)
    records = pd.DataFrame({
        "envelope_id": envelopes.envelope_id.map(_text),
        "cycle_label": envelopes.cycle.map(lambda v: _label(v, cycles)),
        "territory_level": envelopes.territory_level.map(lambda v: _label(v, levels)),
        "territory_name": envelopes.territory_name.map(_text),
        "alliance_name": envelopes.alliance_id.map(lambda v: _label(v, alliance_names)),
        "region_name": envelopes.region_code.map(lambda v: _label(v, region_names)),
        "mrc_name": envelopes.mrc_id.map(lambda v: _label(v, mrc_names)),
        "mandataire": envelopes.mandataire.map(_text),
        "amount": pd.to_numeric(envelopes.amount, errors="coerce").astype(float),
        "kind": envelopes.kind.map(lambda v: _label(v, kinds)),
        "period": envelopes.period.map(lambda v: _text(period_text(v, lang))),
        "description": envelopes.description.map(_text),
        "source_url": envelopes.source_url.map(_text),
        "source_date": envelopes.source_date.map(_text),
        # A flag, never empty: « non » means no source found that gives another amount.
        "amount_disputed": envelopes.amount_disputed.eq("yes").astype(bool),
        "note": envelopes.note.map(_text),
    }, columns=[f.key for f in ENVELOPE_FIELDS])
    return records.reset_index(drop=True)


def envelope_table(envelopes: pd.DataFrame, lang: str) -> pd.DataFrame:
    """The envelope table as exported: `envelope_records` with French (or English) headers."""
    return with_headers(envelope_records(envelopes, lang), ENVELOPE_FIELDS, lang)


# ---------------------------------------------------------------- writers

def neutralise_text(value):
    """A text that a spreadsheet would run as a formula gets a leading apostrophe; anything else,
    numbers included (a negative number is a number), is returned unchanged."""
    if isinstance(value, str) and value.startswith(FORMULA_TRIGGERS):
        return "'" + value
    return value


def neutralise(frame: pd.DataFrame) -> pd.DataFrame:
    """A copy of `frame` in which every text cell is passed through `neutralise_text`.

    Numeric columns are left alone; in other columns only `str` values can change.
    """
    out = frame.copy()
    for column in out.columns:
        if not (pd.api.types.is_numeric_dtype(out[column]) or pd.api.types.is_bool_dtype(out[column])):
            out[column] = out[column].map(neutralise_text, na_action="ignore")
    return out


def to_csv_bytes(frame: pd.DataFrame) -> bytes:
    """UTF-8 with a byte-order mark (so Excel reads accents right), comma-separated, CRLF lines
    (RFC 4180). Missing values are empty cells; whole amounts are written without « .0 »."""
    text = neutralise(frame).to_csv(index=False, lineterminator="\r\n", float_format="%.15g")
    return text.encode("utf-8-sig")


def to_french_csv_bytes(frame: pd.DataFrame) -> bytes:
    """The same table for a French-language Excel, which splits a CSV on « ; » and reads « 12,5 » as a
    number: « ; » between cells, decimal comma, UTF-8 with a byte-order mark, CRLF lines. pandas
    writes it (`sep=";", decimal=","`); `pd.read_csv(..., sep=";", decimal=",")` reads it back."""
    text = neutralise(frame).to_csv(index=False, sep=";", decimal=",", lineterminator="\r\n", float_format="%.15g")
    return text.encode("utf-8-sig")


_SHEET_NAME_FORBIDDEN = str.maketrans({c: " " for c in "[]:*?/\\"})


def _sheet_title(name: str) -> str:
    """Excel refuses some characters and more than 31 characters in a sheet name."""
    title = str(name).translate(_SHEET_NAME_FORBIDDEN).strip().strip("'")[:31]
    return title or "Feuille1"


@lru_cache(maxsize=1)
def _formats_by_header() -> dict[str, str]:
    fields = list(PROJECT_FIELDS) + list(ENVELOPE_FIELDS)
    for level in LEVELS:
        for cycle in vocabulary("cycles"):
            fields += territory_fields(level, cycle)
    return {f.header(lang): _FORMATS[f.kind] for f in fields if f.kind in _FORMATS for lang in LANGS}


def _number_format(column: str, series: pd.Series) -> str | None:
    known = _formats_by_header().get(str(column))
    if known:
        return known
    if pd.api.types.is_bool_dtype(series):
        return None
    if pd.api.types.is_integer_dtype(series):
        return INTEGER_FORMAT
    if pd.api.types.is_float_dtype(series):
        return MONEY_FORMAT
    return None


def _cell_value(value):
    """Plain Python values for openpyxl; missing → empty cell; no control character XML refuses."""
    if value is None:
        return None
    if isinstance(value, str):
        return ILLEGAL_CHARACTERS_RE.sub("", value)
    if isinstance(value, (bool, np.bool_)):
        return bool(value)
    if pd.isna(value):
        return None
    if isinstance(value, (np.integer, int)):
        return int(value)
    if isinstance(value, (np.floating, float)):
        return float(value) if math.isfinite(value) else None
    return str(value)


# The name of a downloaded workbook's one sheet, in the download's language.
SHEET_NAMES = {"projects": ("Projets", "Projects"), "territories": ("Territoires", "Areas"),
               "envelopes": ("Enveloppes", "Envelopes")}


def sheet_name(table: str, lang: str) -> str:
    return SHEET_NAMES[table][1 if lang == "en" else 0]


def to_xlsx_bytes(frame: pd.DataFrame, sheet_name: str) -> bytes:
    """One sheet: bold header row (frozen, with filters), amounts as numbers with a number format,
    text cells typed as text (never formulas), columns as wide as their content (within limits)."""
    safe = neutralise(frame)
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _sheet_title(sheet_name)
    bold = Font(bold=True)
    for col, header in enumerate(safe.columns, start=1):
        cell = sheet.cell(row=1, column=col, value=_cell_value(str(header)))
        cell.data_type = "s"
        cell.font = bold
    for col, column in enumerate(safe.columns, start=1):
        number_format = _number_format(column, safe[column])
        width = len(str(column))
        for row, raw in enumerate(safe[column].tolist(), start=2):
            value = _cell_value(raw)
            if value is None:
                continue
            cell = sheet.cell(row=row, column=col, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # even if a text slipped past neutralise, it stays text
                width = max(width, max((len(line) for line in value.splitlines()), default=0))
            elif not isinstance(value, bool):
                if number_format:
                    cell.number_format = number_format
                width = max(width, len(f"{value:,.2f}") if isinstance(value, float) else len(f"{value:,}"))
            else:
                width = max(width, 5)
        sheet.column_dimensions[get_column_letter(col)].width = min(max(width + 2, 8), 60)
    if len(safe.columns):
        sheet.freeze_panes = "A2"
        sheet.auto_filter.ref = f"A1:{get_column_letter(len(safe.columns))}{len(safe) + 1}"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
