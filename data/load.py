"""Reading the curated CSV files of `data/` into validated DataFrames.

Every loader follows the same path, so that a mistake in a file is reported the same way wherever
it is:

1. read the CSV as text only (`keep_default_na=False`: a promoter called « NA » stays a name), then
   turn empty cells into missing values;
2. convert the numeric columns, reporting any cell that is not a number;
3. validate the shape with `data.schema` (pandera);
4. check the references that a schema cannot see: regions, Alliances and MRC must exist, and an MRC
   must lie in the row's region.

All problems of a file are collected and raised together as one `DataFileError`, each located by
file, spreadsheet row (header = row 1) and column, with a message in French.
"""
from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import pandas as pd
import pandera.pandas as pa

from data import schema
from data.schema import DataFileError, Problem
from geo import layers

DATA_DIR = Path(__file__).resolve().parent
ROOT = DATA_DIR.parent
PROJECTS_PATH = DATA_DIR / "projects.csv"
ENVELOPES_PATH = DATA_DIR / "envelopes.csv"
PRIORITIES_PATH = DATA_DIR / "reference" / "priorities.csv"
REGIONS_PATH = DATA_DIR / "reference" / "regions.csv"
ALLIANCES_PATH = ROOT / "geo" / "reference" / "alliances.csv"

_PROJECT_FLOATS = ("lon", "lat", "amount_fqis", "total_cost")
_PROJECT_INTEGERS = ("start_year", "end_year", "people_reached")
_ENVELOPE_FLOATS = ("amount",)


# --------------------------------------------------------------------------------------------
# Public loaders
# --------------------------------------------------------------------------------------------

def load_projects(path: str | Path | None = None) -> pd.DataFrame:
    """The funded projects (default `data/projects.csv`), typed and validated.

    Raises `DataFileError` listing every problem: shape (see `data.schema.project_schema`), unknown
    region, Alliance or MRC, an MRC outside the project's region, a precision the row cannot back.
    """
    path = Path(path or PROJECTS_PATH)
    name = _display_name(path)
    raw = _read_text_table(path, name)
    problems: list[Problem] = []
    typed = _convert_numbers(raw, _PROJECT_FLOATS, _PROJECT_INTEGERS, name, problems)
    validated = _validate(typed, schema.project_schema(), name, problems)
    return _finish(validated, problems, _check_project_references(raw, name))


def load_envelopes(path: str | Path | None = None) -> pd.DataFrame:
    """The envelopes and announced amounts (default `data/envelopes.csv`), typed and validated.

    Besides the schema, checks that each row names the territory its `territory_level` implies
    and that its region, Alliance and MRC exist and agree with each other.
    """
    path = Path(path or ENVELOPES_PATH)
    name = _display_name(path)
    raw = _read_text_table(path, name)
    problems: list[Problem] = []
    typed = _convert_numbers(raw, _ENVELOPE_FLOATS, (), name, problems)
    validated = _validate(typed, schema.envelope_schema(), name, problems)
    return _finish(validated, problems, _check_envelope_references(raw, name))


def load_priorities(path: str | Path | None = None) -> pd.DataFrame:
    """The priorities each Alliance names, in its own words, with their theme ids.

    One row per wording (default `data/reference/priorities.csv`); `scope` is empty when the
    wording is the Alliance's own, or names the sub-territory (e.g. « MRC de Mékinac ») whose
    committee chose it.
    """
    path = Path(path or PRIORITIES_PATH)
    name = _display_name(path)
    raw = _read_text_table(path, name)
    problems: list[Problem] = []
    validated = _validate(raw, _priority_schema(), name, problems)
    return _finish(validated, problems, _check_priority_rows(raw, name))


def load_regions(path: str | Path | None = None) -> pd.DataFrame:
    """The 17 administrative regions (default `data/reference/regions.csv`), indexed by code.

    The French names must be exactly those of the map layer, so that a label in a table and a
    label on the map never disagree (« Saguenay–Lac-Saint-Jean » takes an en dash).
    """
    path = Path(path or REGIONS_PATH)
    name = _display_name(path)
    raw = _read_text_table(path, name)
    problems: list[Problem] = []
    validated = _validate(raw, _region_schema(), name, problems)
    return _finish(validated, problems, _check_region_names(raw, name)).set_index("region_code", drop=False)


# --------------------------------------------------------------------------------------------
# Reading and typing
# --------------------------------------------------------------------------------------------

def _display_name(path: Path) -> str:
    """The file as a person would name it: relative to the repository when it lives there."""
    try:
        return path.resolve().relative_to(ROOT).as_posix()
    except ValueError:
        return str(path)


def _read_text_table(path: Path, name: str) -> pd.DataFrame:
    """Every cell as text; blank cells (including spaces only) become missing values."""
    if not path.is_file():
        raise DataFileError([Problem(name, None, None, "fichier introuvable")])
    try:
        table = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except UnicodeDecodeError:
        raise DataFileError([Problem(name, None, None, "le fichier n'est pas en UTF-8")]) from None
    except (pd.errors.ParserError, pd.errors.EmptyDataError) as error:
        raise DataFileError([Problem(name, None, None, f"CSV illisible : {error}")]) from None
    table.columns = [str(c).strip() for c in table.columns]
    return table.mask(table.apply(lambda column: column.str.strip() == ""))


def _row(index: object) -> int:
    """Spreadsheet row of a data row: the header is row 1."""
    return int(index) + 2  # type: ignore[arg-type]


def _convert_numbers(raw: pd.DataFrame, floats: tuple[str, ...], integers: tuple[str, ...],
                     name: str, problems: list[Problem]) -> pd.DataFrame:
    """Numeric columns as numbers; a cell that is not a number is reported and left missing.

    Converting here rather than through pandera's coercion keeps one message per bad cell and lets
    the schema still check the other rows.
    """
    typed = raw.copy()
    for column in (*floats, *integers):
        if column not in typed.columns:
            continue  # the schema reports the missing column
        numbers = pd.to_numeric(typed[column], errors="coerce")
        bad = typed[column].notna() & numbers.isna()
        if column in integers:
            fractional = numbers.notna() & (numbers % 1 != 0)
            bad |= fractional
            numbers = numbers.mask(fractional)
        for index in typed.index[bad]:
            kind = "nombre entier" if column in integers else "nombre"
            problems.append(Problem(name, _row(index), column,
                                    f"{kind} attendu (valeur : {typed.at[index, column]!r})"))
        typed[column] = numbers.astype("Int64") if column in integers else numbers.astype("float64")
    return typed


def _validate(frame: pd.DataFrame, frame_schema: pa.DataFrameSchema, name: str,
              problems: list[Problem]) -> pd.DataFrame:
    """Run the schema and add its problems to `problems`; return the validated (or raw) frame."""
    try:
        return schema.validate(frame, frame_schema, name)
    except DataFileError as error:
        problems += error.problems
        return frame


def _finish(frame: pd.DataFrame, problems: list[Problem], reference_problems: list[Problem]) -> pd.DataFrame:
    """Raise every problem at once.

    A reference problem on a cell that already failed the shape checks is dropped: « 99 » is
    reported once as a badly formed region code, not a second time as an unknown region.
    """
    flagged = {(p.row, p.column) for p in problems if p.row is not None}
    everything = problems + [p for p in reference_problems if (p.row, p.column) not in flagged]
    if not everything:
        return frame
    unique = sorted(set(everything), key=lambda p: (p.row or 0, p.column or "", p.message))
    raise DataFileError(unique)


# --------------------------------------------------------------------------------------------
# References
# --------------------------------------------------------------------------------------------

@lru_cache(maxsize=1)
def _alliances() -> pd.DataFrame:
    """The 21 Alliances (geo/reference/alliances.csv), indexed by id."""
    return pd.read_csv(ALLIANCES_PATH, dtype=str, keep_default_na=False).set_index("alliance_id", drop=False)


def _cycle_key(label: str) -> str:
    """« PAGIEPS 2017-2023 » and « pagieps-2017-2023 » name the same cycle."""
    return re.sub(r"[\s\-–—]+", "-", label.strip().lower())


def _alliance_mrcs(cycle: object) -> dict[str, set[str]]:
    """MRC of each Alliance during `cycle` (its own configuration if the build has one, else today's).

    Alliance territories have not always followed today's regions (the 2017–2023 Montérégie
    Alliance is the known case), so an MRC outside a row's region is accepted when the row's
    Alliance covered it during the row's cycle.
    """
    return _alliance_mrcs_by_key(_cycle_key(cycle) if isinstance(cycle, str) else "")


@lru_cache(maxsize=None)
def _alliance_mrcs_by_key(wanted: str) -> dict[str, set[str]]:
    membership = layers.alliance_membership()
    keys = membership.cycle.map(_cycle_key)
    rows = membership[keys == wanted] if wanted and (keys == wanted).any() else membership[membership.cycle == ""]
    return rows.groupby("alliance_id").mrc_id.agg(set).to_dict()


def _region_codes() -> set[str]:
    return set(layers.territories("region").region_id)


def _mrc_problem(mrc_id: str, region: object, alliance: object, cycle: object) -> str | None:
    """Why `mrc_id` cannot be used on a row of `region` (None when it can)."""
    mrc = layers.territories("mrc")
    if mrc_id not in mrc.index:
        return f"MRC inconnue : {mrc_id!r} (identifiants dans geo.layers.territories('mrc'))"
    if not isinstance(region, str) or mrc.at[mrc_id, "region_code"] == region:
        return None
    if isinstance(alliance, str) and mrc_id in _alliance_mrcs(cycle).get(alliance, set()):
        return None
    return (f"la MRC « {mrc.at[mrc_id, 'name']} » ({mrc_id}) est dans la région {mrc.at[mrc_id, 'region_code']}, "
            f"pas {region}, et l'Alliance de la ligne ne la couvrait pas pendant ce cycle")


def _alliance_problem(alliance: str, region: object) -> str | None:
    alliances = _alliances()
    if alliance not in alliances.index:
        return f"Alliance inconnue : {alliance!r} (voir geo/reference/alliances.csv)"
    home = alliances.at[alliance, "region_code"]
    if home and isinstance(region, str) and home != region:
        return f"l'Alliance {alliance!r} appartient à la région {home}, pas {region}"
    return None


def _get(row: pd.Series, column: str) -> object:
    """A cell, or None when the column is absent (the schema reports absent columns)."""
    value = row.get(column)
    return None if value is None or (not isinstance(value, str) and pd.isna(value)) else value


def _check_common(row: pd.Series, name: str, regions: set[str]) -> list[Problem]:
    """Region and Alliance of one row."""
    problems = []
    line = _row(row.name)
    region, alliance = _get(row, "region_code"), _get(row, "alliance_id")
    if isinstance(region, str) and region not in regions:
        problems.append(Problem(name, line, "region_code", f"région inconnue : {region!r} (codes 01 à 17)"))
        region = None
    if isinstance(alliance, str):
        message = _alliance_problem(alliance, region)
        if message:
            problems.append(Problem(name, line, "alliance_id", message))
    return problems


def _rows_checked_in_common(raw: pd.DataFrame, name: str, problems: list[Problem]):
    """Each row with its spreadsheet line and the territory it names (region kept only when known),
    after the checks projects and envelopes share, whose problems go to `problems`."""
    regions = _region_codes()
    for _, row in raw.iterrows():
        problems += _check_common(row, name, regions)
        region = _get(row, "region_code")
        yield row, _row(row.name), (region if region in regions else None), _get(row, "alliance_id"), _get(row, "cycle")


def _check_project_references(raw: pd.DataFrame, name: str) -> list[Problem]:
    problems: list[Problem] = []
    for row, line, region, alliance, cycle in _rows_checked_in_common(raw, name, problems):
        mrc_ids = _get(row, "mrc_ids")
        ids = [part.strip() for part in mrc_ids.split(";") if part.strip()] if isinstance(mrc_ids, str) else []
        for mrc_id in ids:
            message = _mrc_problem(mrc_id, region, alliance, cycle)
            if message:
                problems.append(Problem(name, line, "mrc_ids", message))
        # A precision must be backed by the location it claims, or the map would place it wrongly.
        precision = _get(row, "location_precision")
        if precision == "mrc" and not ids:
            problems.append(Problem(name, line, "mrc_ids", "précision « mrc » sans MRC dans mrc_ids"))
        if precision == "municipality" and not isinstance(_get(row, "municipality"), str):
            problems.append(Problem(name, line, "municipality", "précision « municipality » sans municipalité"))
    return problems


# What each territory level requires, so that a row can be placed on the map at that level.
_LEVEL_NEEDS = {"mrc": "mrc_id", "alliance": "alliance_id", "region": "region_code", "sub_region": "region_code"}


def _check_envelope_references(raw: pd.DataFrame, name: str) -> list[Problem]:
    problems: list[Problem] = []
    for row, line, region, alliance, cycle in _rows_checked_in_common(raw, name, problems):
        mrc_id = _get(row, "mrc_id")
        if isinstance(mrc_id, str):
            message = _mrc_problem(mrc_id.strip(), region, alliance, cycle)
            if message:
                problems.append(Problem(name, line, "mrc_id", message))
        level = _get(row, "territory_level")
        needed = _LEVEL_NEEDS.get(level) if isinstance(level, str) else None
        if needed and _get(row, needed) is None:
            problems.append(Problem(name, line, needed, f"niveau « {level} » : {needed} obligatoire"))
        if level == "province":
            for column in ("region_code", "alliance_id", "mrc_id"):
                if _get(row, column) is not None:
                    problems.append(Problem(name, line, column, "niveau « province » : la colonne doit rester vide"))
    return problems


def _check_priority_rows(raw: pd.DataFrame, name: str) -> list[Problem]:
    """Known Alliance, and each wording listed once per Alliance, cycle and scope."""
    problems = []
    key_columns = ["alliance_id", "cycle", "scope", "priority_original"]
    repeated = raw.duplicated(key_columns, keep="first") if set(key_columns) <= set(raw.columns) else pd.Series(False, raw.index)
    for _, row in raw.iterrows():
        alliance = _get(row, "alliance_id")
        if isinstance(alliance, str) and alliance not in _alliances().index:
            problems.append(Problem(name, _row(row.name), "alliance_id",
                                    f"Alliance inconnue : {alliance!r} (voir geo/reference/alliances.csv)"))
        if repeated[row.name]:
            problems.append(Problem(name, _row(row.name), "priority_original",
                                    "formulation en double pour cette Alliance, ce cycle et cette portée"))
    return problems


def _check_region_names(raw: pd.DataFrame, name: str) -> list[Problem]:
    """Names as on the map, and all 17 regions present."""
    problems = []
    layer = layers.territories("region")
    for _, row in raw.iterrows():
        code, label = _get(row, "region_code"), _get(row, "name_fr")
        if isinstance(code, str) and code in layer.index and isinstance(label, str) \
                and label != layer.at[code, "region_name"]:
            problems.append(Problem(name, _row(row.name), "name_fr",
                                    f"nom différent de celui de la carte : {label!r} au lieu de {layer.at[code, 'region_name']!r}"))
    if "region_code" in raw.columns:
        missing = sorted(set(layer.index) - set(raw.region_code.dropna()))
        if missing:
            problems.append(Problem(name, None, "region_code", f"régions absentes : {', '.join(missing)}"))
    return problems


# --------------------------------------------------------------------------------------------
# Schemas of the reference tables (the project and envelope schemas live in data.schema)
# --------------------------------------------------------------------------------------------

def _known_themes() -> pa.Check:
    """Every ";"-separated id of a cell is a theme of data/reference/themes.csv."""
    def check(series: pd.Series) -> pd.Series:
        themes = set(schema.vocabulary("themes"))
        return series.fillna("").map(lambda cell: all(part in themes for part in str(cell).split(";") if part))
    return pa.Check(check, element_wise=False, error="identifiant inconnu (voir data/reference/themes.csv)")


def _priority_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "alliance_id": pa.Column(str),
            "cycle": pa.Column(str, pa.Check.isin(schema.vocabulary("cycles"))),
            "scope": pa.Column(str, nullable=True),
            "priority_original": pa.Column(str, pa.Check.str_length(1, 300)),
            # Empty when no theme of the vocabulary fits the wording: better no theme than a wrong one.
            "theme_ids": pa.Column(str, _known_themes(), nullable=True),
            "source_url": pa.Column(str, pa.Check.str_matches(r"^https?://\S+$")),
        },
        strict=True, ordered=True, coerce=True,
    )


def _region_schema() -> pa.DataFrameSchema:
    return pa.DataFrameSchema(
        {
            "region_code": pa.Column(str, pa.Check.str_matches(r"^(0[1-9]|1[0-7])$"), unique=True),
            "name_fr": pa.Column(str, pa.Check.str_length(1, 100)),
            "name_en": pa.Column(str, pa.Check.str_length(1, 100)),
            "source_url": pa.Column(str, pa.Check.str_matches(r"^https?://\S+$")),
        },
        strict=True, ordered=True, coerce=True,
    )
