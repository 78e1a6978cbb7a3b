"""The shape of the project and envelope tables, checked once at the load boundary (pandera).

The curated files in `data/`, a coordinator's imported spreadsheet and the synthetic generator all
produce tables with exactly these columns, so everything downstream (metrics, figures, exports)
has one shape to trust.

Rules that matter for honesty:
- An unknown amount is empty (NaN), never 0: "no data" is not "no money".
- `mrc_ids` lists every MRC a project serves (";"-separated). A project on several MRC is counted
  once, at the smallest territory that holds them all (see `data.metrics`).
- Envelope `kind`s are different things (an envelope, an amount announced for a set of projects, a
  balance, a cap…) and are never summed together.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

REFERENCE_DIR = Path(__file__).resolve().parent / "reference"

LOCATION_PRECISIONS = ("point", "municipality", "mrc", "region")
TERRITORY_LEVELS = ("province", "alliance", "region", "sub_region", "mrc")
# envelope: money reserved for a territory for a cycle; call: money offered in one call for projects;
# projects_announced: the total of a set of funded projects; transition: money for the extension of an
# agreement past its plan's end (mostly the 2023–2024 year; also e.g. Montréal's 2015–2016 extension);
# balance: what remained; cap: a per-project maximum; supplement: an add-on (e.g. for coordination).
ENVELOPE_KINDS = ("envelope", "call", "projects_announced", "transition", "balance", "cap", "supplement")
# How a project is doing, as its Alliance reports it (optional; never inferred: an empty cell is unknown, not
# « planned » nor zero people). status: one of PROJECT_STATUSES; actual_end_date: when it really ended
# (YYYY, YYYY-MM or YYYY-MM-DD); people_reached: how many people it reached; report_url: its evaluation or
# activity report. The curated data/projects.csv has these columns too, empty: public announcements say
# nothing of how a project went, and one table shape (strict, ordered) is what every reader trusts.
PROJECT_STATUSES = ("planned", "ongoing", "completed", "abandoned")
FOLLOW_UP_COLUMNS = ("status", "actual_end_date", "people_reached", "report_url")
PROJECT_COLUMNS = (
    "project_id", "title", "promoter", "alliance_id", "region_code", "mrc_ids", "municipality",
    "location_precision", "lon", "lat", "amount_fqis", "total_cost", "start_year", "end_year",
    "cycle", "priorities_original", "themes", "source_url", "source_date", "fqis_link", "inferred",
    "other_source_urls", "note", *FOLLOW_UP_COLUMNS,
)
# How the source ties a project to the FQIS / an Alliance: `explicit` (the source names the fund or the Alliance
# and the project) or `inferred` (the tie is a deduction, e.g. the source names only a regional fund of the old plan).
FQIS_LINKS = ("explicit", "inferred")
# What in a row was inferred rather than read (";"-separated in `inferred`; empty = everything was read).
# Looking an MRC up from a municipality the source names, in the official list, is reading, not inferring.
INFERABLE = ("mrc", "municipality", "cycle", "region", "amount")
ENVELOPE_COLUMNS = (
    "envelope_id", "cycle", "territory_level", "territory_name", "alliance_id", "region_code",
    "mrc_id", "mandataire", "amount", "kind", "period", "description", "source_url", "source_date",
    "amount_disputed", "note",
)
# `amount_disputed` is "yes" when public sources give different amounts for the row: the row keeps one
# figure (the official announcement or the most precise) and its note names the other and its source.
AMOUNT_DISPUTED_VALUES = ("yes",)


@dataclass(frozen=True)
class Problem:
    """One thing wrong in an input file, located the way a person finds it in a spreadsheet."""

    file: str
    row: int | None  # the row number the spreadsheet shows (header = 1), None for whole-file problems
    column: str | None
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.row is not None:
            where += f", ligne {self.row}"
        if self.column:
            where += f", colonne « {self.column} »"
        return f"{where} : {self.message}"


class DataFileError(ValueError):
    """An input file failed validation; `problems` lists every failure, not only the first."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems
        shown = "\n".join(f"- {p}" for p in problems[:50])
        more = f"\n… et {len(problems) - 50} autres" if len(problems) > 50 else ""
        super().__init__(f"{len(problems)} problème(s) :\n{shown}{more}")


@lru_cache(maxsize=None)
def vocabulary(name: str) -> tuple[str, ...]:
    """Allowed ids from a reference table: cycles, themes, regions, alliances."""
    column = {"cycles": "cycle_id", "themes": "theme_id"}[name]
    return tuple(pd.read_csv(REFERENCE_DIR / f"{name}.csv", dtype=str)[column])


def _ids_in(allowed_name: str) -> pa.Check:
    """Check that every ";"-separated id of a cell belongs to a vocabulary (empty cell allowed)."""
    def check(series: pd.Series) -> pd.Series:
        allowed = set(vocabulary(allowed_name))
        return series.fillna("").map(lambda cell: all(p in allowed for p in str(cell).split(";") if p))
    return pa.Check(check, element_wise=False, error=f"identifiant inconnu (voir data/reference/{allowed_name}.csv)")


def _parts_in(allowed: tuple[str, ...], shown: str) -> pa.Check:
    """Check that every ";"-separated part of a cell is one of `allowed`, each at most once (empty cell allowed)."""
    def check(series: pd.Series) -> pd.Series:
        def ok(cell) -> bool:
            parts = [p.strip() for p in str(cell).split(";") if p.strip()]
            return all(p in allowed for p in parts) and len(parts) == len(set(parts))
        return series.fillna("").map(ok)
    return pa.Check(check, element_wise=False, error=f"valeur non reconnue (permis : {shown}, séparés par « ; »)")


# Row-wide checks, and the column a person should look at when one fails.
_END_BEFORE_START = "l'année de fin précède l'année de début"
_POINT_WITHOUT_COORDINATES = "précision « point » sans longitude ni latitude"
_ROW_CHECK_COLUMN = {_END_BEFORE_START: "end_year", _POINT_WITHOUT_COORDINATES: "lon"}

_URL = r"^(https?://\S+|import:.+|synthetic:.+)$"
# Further sources, separated by one space; an address glued to the next one (« …/a,https://… ») is refused.
_ONE_URL = r"https?://(?:(?!https?://)\S)+"
_URLS = rf"^{_ONE_URL}( {_ONE_URL})*$"
_YEAR = pa.Check.in_range(2000, 2035)
_TEXT = pa.Check.str_length(1, 500)
_MONEY = [pa.Check.ge(0), pa.Check.le(50_000_000)]
_DATE = r"^\d{4}(-\d{2}(-\d{2})?)?$"
MAX_PEOPLE_REACHED = 10_000_000  # more than Québec's population: a typo, not a count


def project_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "project_id": pa.Column(str, unique=True),
            "title": pa.Column(str, _TEXT),
            "promoter": pa.Column(str, _TEXT, nullable=True),
            "alliance_id": pa.Column(str, nullable=True),
            "region_code": pa.Column(str, pa.Check.str_matches(r"^(0[1-9]|1[0-7])$")),
            "mrc_ids": pa.Column(str, pa.Check.str_matches(r"^[a-z0-9-]+(;[a-z0-9-]+)*$"), nullable=True),
            "municipality": pa.Column(str, nullable=True),
            "location_precision": pa.Column(str, pa.Check.isin(LOCATION_PRECISIONS)),
            "lon": pa.Column(float, pa.Check.in_range(-80, -57), nullable=True),
            "lat": pa.Column(float, pa.Check.in_range(44.9, 62.6), nullable=True),
            "amount_fqis": pa.Column(float, _MONEY, nullable=True),
            "total_cost": pa.Column(float, _MONEY, nullable=True),
            "start_year": pa.Column("Int64", _YEAR, nullable=True),
            "end_year": pa.Column("Int64", _YEAR, nullable=True),
            "cycle": pa.Column(str, pa.Check.isin(vocabulary("cycles")), nullable=True),
            "priorities_original": pa.Column(str, nullable=True),
            "themes": pa.Column(str, _ids_in("themes"), nullable=True),
            "source_url": pa.Column(str, pa.Check.str_matches(_URL)),
            "source_date": pa.Column(str, pa.Check.str_matches(_DATE), nullable=True),
            "fqis_link": pa.Column(str, pa.Check.isin(FQIS_LINKS)),
            "inferred": pa.Column(str, _parts_in(INFERABLE, "mrc, municipality, cycle, region, amount"), nullable=True),
            "other_source_urls": pa.Column(str, pa.Check.str_matches(_URLS), nullable=True),
            "note": pa.Column(str, nullable=True),
            "status": pa.Column(str, pa.Check.isin(PROJECT_STATUSES), nullable=True),
            "actual_end_date": pa.Column(str, pa.Check.str_matches(_DATE), nullable=True),
            "people_reached": pa.Column("Int64", [pa.Check.ge(0), pa.Check.le(MAX_PEOPLE_REACHED)], nullable=True),
            "report_url": pa.Column(str, pa.Check.str_matches(r"^https?://\S+$"), nullable=True),
        },
        checks=[
            pa.Check(lambda df: df.end_year.isna() | df.start_year.isna() | (df.end_year >= df.start_year),
                     error=_END_BEFORE_START),
            pa.Check(lambda df: (df.location_precision != "point") | (df.lon.notna() & df.lat.notna()),
                     error=_POINT_WITHOUT_COORDINATES),
        ],
        strict=True,
        ordered=True,
        coerce=True,
    )


def envelope_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "envelope_id": pa.Column(str, unique=True),
            "cycle": pa.Column(str, pa.Check.isin(vocabulary("cycles"))),
            "territory_level": pa.Column(str, pa.Check.isin(TERRITORY_LEVELS)),
            "territory_name": pa.Column(str, _TEXT),
            "alliance_id": pa.Column(str, nullable=True),
            "region_code": pa.Column(str, pa.Check.str_matches(r"^(0[1-9]|1[0-7])$"), nullable=True),
            "mrc_id": pa.Column(str, nullable=True),
            "mandataire": pa.Column(str, nullable=True),
            "amount": pa.Column(float, pa.Check.ge(0), nullable=True),
            "kind": pa.Column(str, pa.Check.isin(ENVELOPE_KINDS)),
            "period": pa.Column(str, nullable=True),
            "description": pa.Column(str, _TEXT),
            "source_url": pa.Column(str, pa.Check.str_matches(r"^https?://\S+$")),
            "source_date": pa.Column(str, pa.Check.str_matches(r"^\d{4}(-\d{2}(-\d{2})?)?$"), nullable=True),
            "amount_disputed": pa.Column(str, pa.Check.isin(AMOUNT_DISPUTED_VALUES), nullable=True),
            "note": pa.Column(str, nullable=True),
        },
        strict=True,
        ordered=True,
        coerce=True,
    )


# Pandera's check names → the words a person reads in the error list.
_CHECK_WORDS = {
    "str_matches": "format invalide",
    "isin": "valeur non reconnue",
    "in_range": "valeur hors des bornes permises",
    "greater_than_or_equal_to": "ne peut pas être négatif",
    "less_than_or_equal_to": "montant invraisemblable (plus de 50 M$)",
    "str_length": "texte vide ou trop long",
    "not_nullable": "valeur obligatoire manquante",
    "field_uniqueness": "identifiant en double",
    "coerce_dtype": "type de valeur invalide",
    "column_in_dataframe": "colonne obligatoire absente",
    "column_in_schema": "colonne inattendue",
    "column_ordered": "colonnes dans le désordre",
}


def _words(check: str) -> str:
    if check in _ROW_CHECK_COLUMN:
        return check
    for key, words in _CHECK_WORDS.items():
        if str(check).startswith(key):
            return words
    return str(check)


def validate(frame: pd.DataFrame, schema: pa.DataFrameSchema, file: str,
             row_numbers: pd.Series | None = None) -> pd.DataFrame:
    """Validate `frame`; on failure raise DataFileError listing every problem with file, row and column.

    `row_numbers` maps the frame's index to the row the spreadsheet shows; by default a CSV with
    one header line (first data row = 2).
    """
    if row_numbers is None:
        row_numbers = pd.Series(range(2, len(frame) + 2), index=frame.index)
    try:
        return schema.validate(frame, lazy=True)
    except pa.errors.SchemaErrors as errors:
        problems = []
        for case in errors.failure_cases.itertuples():
            index = case.index
            row = int(row_numbers[index]) if index is not None and not pd.isna(index) and index in row_numbers.index else None
            column = case.column if isinstance(case.column, str) else None
            if case.check in _ROW_CHECK_COLUMN:  # reported once per row, on the column to fix
                problems.append(Problem(file, row, _ROW_CHECK_COLUMN[case.check], case.check))
                continue
            if case.schema_context == "DataFrameSchema" and column is None and isinstance(case.failure_case, str):
                column = case.failure_case if case.check.startswith("column_") else None
            value = "" if row is None or pd.isna(case.failure_case) else f" (valeur : {case.failure_case!r})"
            problems.append(Problem(file, row, column, _words(case.check) + value))
        unique = sorted(set(problems), key=lambda p: (p.row or 0, p.column or "", p.message))
        raise DataFileError(unique) from None
