"""Loading a coordinator's spreadsheet (CSV or XLSX) into the validated project table.

    python -m data.importer check FILE [--json] [--lang fr|en]
    python -m data.importer add FILE --source-url URL [--source-date D] [--dry-run] [--into PATH] [--lang fr|en]

`add` runs the same checks, then appends the valid rows that are not already there to
data/projects.csv (or `--into PATH`) and a line to the CHANGELOG.csv beside it (see `data.append`).

The core, `import_spreadsheet(data, file_name)`, takes bytes and a file name, touches no disk and is
what the app's upload calls. Every non-empty row of the file ends either in `projects` (the
`data.schema.PROJECT_COLUMNS` table, validated) or in `errors` with its row number as the
spreadsheet shows it and the header of the cell to fix. A file that cannot be read at all raises
`UnreadableFile` (exit code 2).

Formulas are never evaluated: an XLSX is opened with openpyxl in `data_only` mode, which reads the
value the spreadsheet program saved; a formula saved without a value is reported, not computed.
"""
from __future__ import annotations

import argparse
import json
import math
import re
import sys
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path, PurePath
from typing import Any

import pandas as pd
from rapidfuzz import fuzz, process

from data import append, schema, spreadsheet
from data.gazetteer import place_municipality
from data.import_messages import LANGS, add_word, count_text, counted, message, size_text, status_words
from data.import_messages import label as _label
from data.import_messages import money_text as _money
from data.import_messages import word as _word
from data.load import PROJECTS_PATH
from data.parsing import (
    MAX_AMOUNT,
    YEAR_RANGE,
    cell_text,
    is_http_url,
    looks_like_formula,
    parse_amount,
    parse_coordinate,
    parse_count,
    parse_date,
    parse_status,
    parse_year,
)
from data.spreadsheet import Table, UnreadableFile, read_spreadsheet
from geo import layers
from geo.locate import locate_points
from geo.lookup import find_mrc, find_region
from geo.names import fold, slugify
from geo.places import suggest

__all__ = ["ImportResult", "Issue", "UnreadableFile", "import_spreadsheet", "import_file", "main",
           "themes_for", "cycle_for_year", "alliance_for"]

MAX_TEXT_LENGTH = 500  # data.schema's limit on a title or a promoter
# Fields read as free text (the others are numbers, years or coordinates, where « - » is a sign).
TEXT_FIELDS = frozenset({"title", "promoter", "mrc", "municipality", "region", "priority", "source"})
FORMULA_SHOWN = 30  # characters of a formula-like cell quoted in its message
STATUS_NEAR_SCORE = 70  # rapidfuzz ratio above which a mistyped status gets « vouliez-vous dire »

# Schema column → the spreadsheet field it comes from, to point a schema failure at a header.
_FIELD_OF_COLUMN = {"title": "title", "promoter": "promoter", "mrc_ids": "mrc", "municipality": "municipality",
                    "region_code": "region", "amount_fqis": "amount", "total_cost": "total_cost",
                    "start_year": "start_year", "end_year": "end_year", "lon": "lon", "lat": "lat",
                    "priorities_original": "priority", "themes": "priority", "source_url": "source",
                    **{column: column for column in schema.FOLLOW_UP_COLUMNS}}

# Words in the MRC column that mean "the whole region", not an MRC.
_REGION_WIDE = {"regional", "regionale", "region", "toute la region", "toutes les mrc", "toutes",
                "ensemble de la region", "multi mrc", "plusieurs mrc"}
_TOTAL_ROW = re.compile(r"^(?:sous total|grand total|total|totaux)(?: |$)")
_MRC_SEPARATORS = re.compile(r"\s*(?:[;,/|+&\n]|\s+et\s+)\s*")
_REGION_WITH_CODE = re.compile(r"^(\d{1,2})\s*[-\u2013\u2014:.)]?\s*(.*)$")
# Start year → funding cycle (data/reference/cycles.csv). The cycles overlap on their edges
# (PAGIEPS ends in 2023, when the transition year starts), so a start year names one cycle here:
# 2023 is the transition. 2016 and years outside these spans get no cycle rather than a guess.
_CYCLE_BY_START_YEAR = (
    (2010, 2015, "pagsis-2010-2015"),
    (2017, 2022, "pagieps-2017-2023"),
    (2023, 2023, "transition-2023-2024"),
    (2024, 2029, "plan-2024-2029"),
)


@dataclass(frozen=True)
class Issue:
    """One problem (or warning) located as a person finds it: spreadsheet row and header text.

    `row` is None for a problem with the whole file, `column` None when no single column is at fault.
    """

    row: int | None
    column: str | None
    message: str
    code: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"row": self.row, "column": self.column, "message": self.message}

    def describe(self, lang: str = "fr") -> str:
        where = []
        if self.row is not None:
            where.append(f"{_word('row', lang)} {self.row}")
        if self.column:
            where.append(f"{_word('column', lang)} « {self.column} »")
        if not where:
            return self.message
        return ", ".join(where) + (" : " if lang == "fr" else ": ") + self.message


@dataclass
class ImportResult:
    """What came out of one spreadsheet: the valid projects and every problem found."""

    file_name: str
    rows_read: int
    rows_valid: int
    errors: list[Issue]
    warnings: list[Issue]
    projects: pd.DataFrame  # exactly data.schema.PROJECT_COLUMNS, validated
    lang: str = "fr"
    sheet: str | None = None
    header_row: int | None = None

    @property
    def ok(self) -> bool:
        """True when every row was imported and the file had no problem."""
        return not self.errors

    def to_json(self) -> dict[str, Any]:
        """A JSON-ready dict; unknown values are None (null), never NaN."""
        mrc = layers.territories("mrc")
        regions = layers.territories("region")
        projects = []
        for record in self.projects.to_dict("records"):
            record = {key: _json_value(value) for key, value in record.items()}
            first_mrc = record["mrc_ids"].split(";")[0] if record["mrc_ids"] else None
            record.update(
                row=int(record["project_id"].removeprefix("import-")),
                mrc_id=first_mrc,
                mrc_name=str(mrc.loc[first_mrc, "name"]) if first_mrc else None,
                region_name=str(regions.loc[record["region_code"], "region_name"]),
                amount=record["amount_fqis"],
            )
            projects.append(record)
        return {
            "file": self.file_name,
            "sheet": self.sheet,
            "header_row": self.header_row,
            "rows_read": self.rows_read,
            "rows_valid": self.rows_valid,
            "errors": [issue.to_dict() for issue in self.errors],
            "warnings": [issue.to_dict() for issue in self.warnings],
            "projects": projects,
        }

    def report(self) -> str:
        """A readable report in the result's language, for a terminal or a log."""
        lang = self.lang
        where = f"{_word('file', lang)} : {self.file_name}" if lang == "fr" else f"{_word('file', lang)}: {self.file_name}"
        details = []
        if self.sheet:
            details.append(f"{_word('sheet', lang)} « {self.sheet} »")
        if self.header_row:
            details.append(f"{_word('header_at', lang)} {self.header_row}")
        lines = [where + (f" ({', '.join(details)})" if details else "")]
        lines.append(_word("summary", lang).format(read=self.rows_read, valid=self.rows_valid,
                                                   rejected=self.rows_read - self.rows_valid))
        for key, issues in (("errors", self.errors), ("warnings", self.warnings)):
            if issues:
                lines.append("")
                lines.append(f"{_word(key, lang)} ({len(issues)}) :" if lang == "fr" else f"{_word(key, lang)} ({len(issues)}):")
                lines.extend(f"  - {issue.describe(lang)}" for issue in issues)
        if self.ok:
            lines.extend(["", _word("all_valid", lang)])
        return "\n".join(lines)


def _json_value(value: Any) -> Any:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        return None
    if hasattr(value, "item"):  # numpy scalars
        return value.item()
    return value


# --- from cells to projects ---------------------------------------------------------------------

@lru_cache(maxsize=None)
def _theme_ids() -> dict[str, str]:
    themes = pd.read_csv(schema.REFERENCE_DIR / "themes.csv", dtype=str)
    ids = {fold(row.label_fr): row.theme_id for row in themes.itertuples()}
    return ids | {fold(row.label_en): row.theme_id for row in themes.itertuples()}


def themes_for(text: str | None) -> str | None:
    """Theme ids when the cell is exactly a theme label (or a « ; » list of labels), else None."""
    if not text:
        return None
    parts = [fold(p) for p in text.split(";") if p.strip()]
    ids = [_theme_ids().get(p) for p in parts]
    return ";".join(dict.fromkeys(ids)) if ids and all(ids) else None


def cycle_for_year(year: int | None) -> str | None:
    """The funding cycle a project starting in `year` belongs to, None when unknown or between cycles."""
    if year is None:
        return None
    return next((cycle for low, high, cycle in _CYCLE_BY_START_YEAR if low <= year <= high), None)


@lru_cache(maxsize=None)
def _alliance_by_mrc(cycle: str | None) -> dict[str, str]:
    """MRC → Alliance, for `cycle` when its membership differs from today's, else the current one.

    In PAGIEPS 2017–2023 Brome-Missisquoi and La Haute-Yamaska were served by the Montérégie
    Alliance; they are in the Estrie one now (geo/reference/alliance_territory_changes.csv).
    """
    membership = layers.alliance_membership()
    cycles = {slugify(c): c for c in membership.cycle.unique() if c}
    rows = membership[membership.cycle == cycles.get(cycle or "", "")]
    return dict(zip(rows.mrc_id, rows.alliance_id))


def alliance_for(mrc_ids: list[str], region_code: str | None, cycle: str | None) -> str | None:
    """The Alliance of a project: that of its MRC (all of them when several), else the region's
    single Alliance; None where it is not one (Nord-du-Québec has three, Gaspésie–Îles two)."""
    by_mrc = _alliance_by_mrc(cycle)
    if not mrc_ids and region_code:
        mrc = layers.territories("mrc")
        mrc_ids = list(mrc.index[mrc.region_code == region_code])
    alliances = {by_mrc.get(m) for m in mrc_ids}
    return alliances.pop() if len(alliances) == 1 else None


def _find_region_code(text: str) -> str | None:
    """Region code from « Estrie », « 05 », « 5 » or « 05 - Estrie » (code and name must agree)."""
    match = find_region(text)
    if match.found:
        return match.id
    if m := _REGION_WITH_CODE.match(text):
        code = find_region(m.group(1))
        if code.found and (not m.group(2) or find_region(m.group(2)).id == code.id):
            return code.id
    return None


@dataclass
class _Row:
    """One data row while it is being read: parsed values and what is wrong with them."""

    number: int
    values: dict[str, Any] = field(default_factory=dict)
    errors: list[Issue] = field(default_factory=list)
    location_ok: bool = True  # False once a location cell is unreadable: no cross-checks then


class _Reader:
    """Turns the rows of a `Table` into project records and issues."""

    def __init__(self, table: Table, file_name: str, lang: str):
        self.table = table
        self.file_name = file_name
        self.lang = lang
        self.fields = table.header.fields
        self.mrc = layers.territories("mrc")

    def column(self, name: str) -> str:
        """The header text of field `name`, as the file writes it (or its standard label when absent)."""
        index = self.fields.get(name)
        return self.table.header.labels[index] if index is not None else _label(name, self.lang)

    def issue(self, row: int | None, name: str | None, code: str, **params: Any) -> Issue:
        return Issue(row, self.column(name) if name else None, message(code, self.lang, **params), code)

    def mrc_name(self, mrc_id: str) -> str:
        return str(self.mrc.loc[mrc_id, "name"])

    # whole-file checks

    def missing_columns(self) -> list[Issue]:
        issues = []
        for name in ("title", "promoter"):
            if name in self.fields:
                continue
            description = next((label for label in self.table.header.labels.values()
                                if name == "title" and fold(label).startswith("description")), None)
            if description:
                issues.append(self.issue(None, None, "missing_title_description", label=_label(name, self.lang),
                                         column=description))
            else:
                issues.append(self.issue(None, None, "missing_column", label=_label(name, self.lang)))
        if not {"mrc", "municipality", "region", "lon", "lat"} & set(self.fields):
            issues.append(self.issue(None, None, "missing_location_columns"))
        for present, missing in (("lon", "lat"), ("lat", "lon")):
            if present in self.fields and missing not in self.fields:
                issues.append(self.issue(None, present, "missing_pair_column", present=self.column(present),
                                         missing=_label(missing, self.lang)))
        return issues

    def header_warnings(self) -> list[Issue]:
        header, warns = self.table.header, []
        if header.unknown:
            names = ", ".join(f"« {header.labels[i]} »" for i in header.unknown)
            warns.append(self.issue(None, None, "unknown_columns", columns=names))
        for name, index in header.stand_ins:
            warns.append(self.issue(None, None, "stand_in_column", column=header.labels[index], label=_label(name, self.lang)))
        for _, used, ignored in header.duplicates:
            warns.append(self.issue(None, None, "duplicate_column", used=header.labels[used], ignored=header.labels[ignored]))
        if self.table.truncated_columns:
            warns.append(self.issue(None, None, "columns_beyond_limit", max=spreadsheet.MAX_COLUMNS))
        if self.table.sheet_count > 1:
            warns.append(self.issue(None, None, "other_sheets", sheet=self.table.sheet, count=self.table.sheet_count))
        if not self.table.rows:
            warns.append(self.issue(None, None, "no_rows"))
        return warns

    # one row

    def read(self, number: int, cells: tuple) -> _Row:
        row = _Row(number)
        formula_fields = {name for name, i in self.fields.items() if (number, i) in self.table.formula_cells}
        for name in sorted(formula_fields, key=self.fields.get):
            row.errors.append(self.issue(number, name, "formula_no_value"))
        if "lon" in formula_fields or "lat" in formula_fields or formula_fields & {"mrc", "municipality", "region"}:
            row.location_ok = False

        def raw(name: str) -> Any:
            index = self.fields.get(name)
            return cells[index] if index is not None and index < len(cells) else None

        def text(name: str) -> str | None:
            return cell_text(raw(name))

        # Text a spreadsheet would run as a formula once data/projects.csv is opened in it.
        for name in sorted(TEXT_FIELDS & set(self.fields) - formula_fields, key=self.fields.get):
            value = text(name)
            if looks_like_formula(value):
                shown = value if len(value) <= FORMULA_SHOWN else value[:FORMULA_SHOWN - 1] + "…"
                row.errors.append(self.issue(number, name, "text_formula_like", value=shown))

        title = text("title")
        if title and _TOTAL_ROW.match(fold(title)):
            row.errors.append(self.issue(number, "title", "total_row"))
            row.location_ok = False  # nothing else to check in a total row
            return row
        for name in ("title", "promoter"):
            value = text(name)
            if value is None and name not in formula_fields:
                row.errors.append(self.issue(number, name, f"{name}_missing"))
            elif value is not None and len(value) > MAX_TEXT_LENGTH:
                row.errors.append(self.issue(number, name, "text_too_long", length=len(value), max=MAX_TEXT_LENGTH))
            row.values[name] = value

        for name in ("amount", "total_cost"):
            parsed = parse_amount(raw(name))
            if parsed.error:
                row.errors.append(self.issue(number, name, parsed.error, value=text(name),
                                             max=_money(MAX_AMOUNT, self.lang)))
            row.values[name] = parsed.value if parsed.error is None else math.nan

        self._read_years(row, raw, text)
        self._read_location(row, raw, text, formula_fields)

        row.values["priority"] = text("priority")
        source = text("source")
        row.values["source"] = source
        self._read_follow_up(row, raw, text)
        return row

    def _read_follow_up(self, row: _Row, raw, text) -> None:
        """Status, actual end date, people reached and report link: read as written, never guessed."""
        number = row.number
        status = parse_status(raw("status"))
        if status.error:
            row.errors.append(self.unknown_status(number, text("status")))
        ended = parse_date(raw("actual_end_date"))
        if ended.error:
            row.errors.append(self.issue(number, "actual_end_date", ended.error, value=text("actual_end_date")))
        people = parse_count(raw("people_reached"), schema.MAX_PEOPLE_REACHED)
        if people.error:
            row.errors.append(self.issue(number, "people_reached", people.error, value=text("people_reached"),
                                         max=count_text(schema.MAX_PEOPLE_REACHED, self.lang)))
        report = text("report_url")
        if report is not None and not is_http_url(report):
            row.errors.append(self.issue(number, "report_url", "report_not_url", value=report))
        row.values.update(status=status.value, actual_end_date=ended.value, people_reached=people.value,
                          report_url=report if is_http_url(report) else None)

    def unknown_status(self, row: int, value: str | None) -> Issue:
        """A status no word of ours names; « vouliez-vous dire « terminé » ? » when one is near (rapidfuzz)."""
        words = status_words(self.lang)
        near = process.extractOne(fold(value or ""), {key: fold(key) for key in words}, scorer=fuzz.ratio,
                                  score_cutoff=STATUS_NEAR_SCORE)
        allowed = ", ".join(f"« {w} »" for w in words)
        if near is None:
            return self.issue(row, "status", "status_unknown", value=value, allowed=allowed)
        return self.issue(row, "status", "status_unknown_near", value=value, near=near[2], allowed=allowed)

    def _read_years(self, row: _Row, raw, text) -> None:
        start = end = None
        parsed = parse_year(raw("start_year"))
        low, high = YEAR_RANGE
        if parsed.error:
            row.errors.append(self.issue(row.number, "start_year", parsed.error, value=text("start_year"), low=low, high=high))
        else:
            start, end = parsed.value
        parsed_end = parse_year(raw("end_year"))
        if parsed_end.error:
            row.errors.append(self.issue(row.number, "end_year", parsed_end.error, value=text("end_year"), low=low, high=high))
        elif parsed_end.value[0] is not None:
            first, last = parsed_end.value
            end = last or first  # « 2020-2021 » as an end year ends in 2021
        if start is not None and end is not None and end < start:
            row.errors.append(self.issue(row.number, "end_year" if "end_year" in self.fields else "start_year",
                                         "end_before_start", start=start, end=end))
        row.values["start_year"], row.values["end_year"] = start, end

    def _read_location(self, row: _Row, raw, text, formula_fields: set[str]) -> None:
        number = row.number
        # coordinates
        lon, lat = parse_coordinate(raw("lon")), parse_coordinate(raw("lat"))
        for name, parsed in (("lon", lon), ("lat", lat)):
            if parsed.error:
                row.errors.append(self.issue(number, name, "coord_invalid", value=text(name)))
                row.location_ok = False
        point = None
        if not (lon.error or lat.error):
            if (lon.value is None) != (lat.value is None):
                present, missing = ("lon", "lat") if lat.value is None else ("lat", "lon")
                if missing not in formula_fields:
                    row.errors.append(self.issue(number, missing, "coord_pair", present=self.column(present),
                                                 missing=self.column(missing)))
                row.location_ok = False
            elif lon.value is not None:
                point = (lon.value, lat.value)
                if -80 <= lat.value <= -57 and 44.9 <= lon.value <= 62.6:
                    row.errors.append(self.issue(number, "lon", "coord_swapped", lon=lon.value, lat=lat.value))
                    row.location_ok, point = False, None
        row.values["point"] = point

        # MRC: one name, or several separated by « ; », « , », « / », « et »…
        mrc_text = text("mrc")
        mrc_ids: list[str] = []
        regional = False
        if mrc_text:
            if fold(mrc_text) in _REGION_WIDE:
                regional = True
            else:
                whole = find_mrc(mrc_text)
                parts = [mrc_text] if whole.found else [p for p in _MRC_SEPARATORS.split(mrc_text) if p]
                for part in parts:
                    match = whole if whole.found else find_mrc(part)
                    if match.found:
                        mrc_ids.append(match.id)
                        continue
                    row.location_ok = False
                    place = place_municipality(part)
                    if place.candidates:
                        row.errors.append(self.issue(number, "mrc", "mrc_is_municipality", value=part,
                                                     mrc=self._names(list(place.candidates), "or")))
                    elif "ambigu" in match.reason:  # geo.lookup says why; its French reason names the options
                        options = match.reason.split("désigner ", 1)[-1]
                        row.errors.append(self.issue(number, "mrc", "mrc_ambiguous", value=part,
                                                     options=options if self.lang == "fr" else options.replace(" ou ", " or ")))
                    else:
                        row.errors.append(self.unknown_name(number, "mrc", "mrc_unknown", part, ("mrc",)))
        row.values["mrc_ids"] = list(dict.fromkeys(mrc_ids))
        row.values["regional"] = mrc_text if regional else None

        region_text = text("region")
        region = None
        if region_text:
            region = _find_region_code(region_text)
            if region is None:
                row.errors.append(self.unknown_name(number, "region", "region_unknown", region_text, ("region",)))
                row.location_ok = False
        row.values["region"] = region
        row.values["region_text"] = region_text
        row.values["municipality"] = text("municipality")

    def place(self, row: _Row, point_mrc: str | None, point_status: str | None, warns: list[Issue]) -> None:
        """Decide MRC, region and precision from what the row gives, and check that it all agrees."""
        if not row.location_ok:
            return
        v, number = row.values, row.number
        mrc_ids: list[str] = v["mrc_ids"]
        region: str | None = v["region"]
        municipality: str | None = v["municipality"]
        point = v["point"]
        if point is not None and point_status == "outside":
            row.errors.append(self.issue(number, "lon", "point_outside", lon=point[0], lat=point[1]))
            return
        if point_mrc and mrc_ids and point_mrc not in mrc_ids:
            row.errors.append(self.issue(number, "lon", "point_mismatch", lon=point[0], lat=point[1],
                                         found=self.mrc_name(point_mrc), given=self._names(mrc_ids)))
            return
        placed = mrc_ids or ([point_mrc] if point_mrc else [])
        precision = "point" if point_mrc else None
        if municipality:
            candidates = list(place_municipality(municipality).candidates)
            if placed and candidates and not set(candidates) & set(placed):
                row.errors.append(self.issue(number, "municipality", "municipality_mismatch", value=municipality,
                                             found=self._names(candidates, "or"), given=self._names(placed)))
                return
            if not placed and candidates:
                # A name several municipalities share is settled by the region column, never guessed.
                in_region = [m for m in candidates if self.mrc.loc[m, "region_code"] == region] if region else []
                if len(in_region) == 1 or len(candidates) == 1:
                    placed = in_region or candidates
                else:
                    row.errors.append(self.issue(number, "municipality", "municipality_ambiguous", value=municipality,
                                                 options=self._places(in_region or candidates)))
                    return
            if placed:
                precision = precision or "municipality"
            elif region:
                warns.append(self.unknown_name(number, "municipality", "municipality_region_only", municipality,
                                               ("municipality",)))
            else:
                row.errors.append(self.unknown_name(number, "municipality", "municipality_unplaced", municipality,
                                                    ("municipality",)))
                return
        if placed:
            precision = precision or "mrc"
            regions = list(dict.fromkeys(self.mrc.loc[placed, "region_code"]))
            if len(regions) > 1:
                row.errors.append(self.issue(number, "mrc", "mrcs_several_regions", regions=", ".join(regions)))
                return
            if region and region != regions[0]:
                row.errors.append(self.issue(number, "region", "region_mismatch", value=v["region_text"],
                                             mrc=self._names(placed), expected=f"{regions[0]} {self._region_name(regions[0])}"))
                return
            region = regions[0]
        elif region:
            precision = "region"
        elif v["regional"]:
            row.errors.append(self.issue(number, "mrc", "regional_without_region", value=v["regional"]))
            return
        else:
            first_location = next((f for f in ("mrc", "municipality", "region", "lon") if f in self.fields), "mrc")
            row.errors.append(self.issue(number, first_location, "no_location"))
            return
        v.update(placed=placed, region_code=region, precision=precision)

    def unknown_name(self, row: int, name: str, code: str, value: str, kinds: tuple[str, ...]) -> Issue:
        """An unknown MRC, region or municipality; with « vouliez-vous dire … ? » (message `<code>_near`) when
        rapidfuzz finds names near it (geo.places.suggest: « Les Moulinx » → « Les Moulins »)."""
        near = suggest(value, limit=3, kinds=kinds)
        if not near:
            return self.issue(row, name, code, value=value)
        names = [f"« {p.name} » ({p.mrc_name})" if p.kind == "municipality" else f"« {p.name} »" for p in near]
        return self.issue(row, name, f"{code}_near", value=value, near=_word("or", self.lang).join(dict.fromkeys(names)))

    def _names(self, mrc_ids: list[str], joined_by: str = ",") -> str:
        if joined_by == ",":
            return ", ".join(self.mrc_name(m) for m in mrc_ids)
        return _word("or", self.lang).join(self.mrc_name(m) for m in mrc_ids)

    def _places(self, mrc_ids: list[str]) -> str:
        """« Abitibi-Ouest (08 Abitibi-Témiscamingue) ou Charlevoix-Est (03 Capitale-Nationale) »."""
        return _word("or", self.lang).join(
            f"{self.mrc_name(m)} ({self.mrc.loc[m, 'region_code']} {self._region_name(self.mrc.loc[m, 'region_code'])})"
            for m in mrc_ids)

    @staticmethod
    def _region_name(code: str) -> str:
        return str(layers.territories("region").loc[code, "region_name"])

    def record(self, row: _Row, warns: list[Issue]) -> dict[str, Any]:
        """The project record of a row that passed every check."""
        v, number = row.values, row.number
        cycle = cycle_for_year(v["start_year"])
        source, note = v["source"], None
        if source and not is_http_url(source):
            warns.append(self.issue(number, "source", "source_not_url", value=source))
            note = f"Source : {source}" if self.lang == "fr" else f"Source: {source}"
        amount, total = v["amount"], v["total_cost"]
        if amount > total:  # False when either is unknown (NaN)
            warns.append(self.issue(number, "amount", "amount_above_total", amount=_money(amount, self.lang),
                                    total=_money(total, self.lang)))
        point = v["point"] if v["precision"] == "point" else None
        return {
            "project_id": f"import-{number}",
            "title": v["title"],
            "promoter": v["promoter"],
            "alliance_id": alliance_for(v["placed"], v["region_code"], cycle),
            "region_code": v["region_code"],
            "mrc_ids": ";".join(v["placed"]) or None,
            "municipality": v["municipality"],
            "location_precision": v["precision"],
            "lon": point[0] if point else math.nan,
            "lat": point[1] if point else math.nan,
            "amount_fqis": v["amount"],
            "total_cost": v["total_cost"],
            "start_year": v["start_year"],
            "end_year": v["end_year"],
            "cycle": cycle,
            "priorities_original": v["priority"],
            "themes": themes_for(v["priority"]),
            "source_url": source if is_http_url(source) else f"import:{self.file_name}",
            "source_date": None,
            # The coordinator who uploads the file declares these FQIS projects; the MRC the importer finds
            # from a municipality or a point is a lookup in the official lists, not an inference.
            "fqis_link": "explicit",
            "inferred": None,
            "other_source_urls": None,
            "note": note,
            "status": v["status"],
            "actual_end_date": v["actual_end_date"],
            "people_reached": v["people_reached"],
            "report_url": v["report_url"],
        }


def _project_frame(records: list[dict[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame.from_records(records, columns=list(schema.PROJECT_COLUMNS))
    for column in ("lon", "lat", "amount_fqis", "total_cost"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in ("start_year", "end_year", "people_reached"):
        frame[column] = pd.array(frame[column].tolist(), dtype="Int64")
    return frame


def _validate(records: list[dict[str, Any]], reader: _Reader) -> tuple[pd.DataFrame, list[Issue]]:
    """Validate with data.schema; a row that still fails moves to the errors, the rest is kept.

    The reader's checks come first so that messages are specific and translated; the schema is
    the last guard and, should it still find something, its (French) message is passed on.
    """
    issues: list[Issue] = []
    while True:
        frame = _project_frame(records)
        numbers = pd.Series([int(r["project_id"].removeprefix("import-")) for r in records], index=frame.index, dtype=int)
        try:
            return schema.validate(frame, schema.project_schema(), reader.file_name, numbers), issues
        except schema.DataFileError as failure:
            bad = {p.row for p in failure.problems}
            if None in bad or not bad:
                raise  # a whole-table failure is a bug in this module, not in the user's file
            for p in failure.problems:
                name = _FIELD_OF_COLUMN.get(p.column or "")
                column = reader.column(name) if name else p.column
                issues.append(Issue(p.row, column, message("schema", reader.lang, detail=p.message), "schema"))
            records = [r for r in records if int(r["project_id"].removeprefix("import-")) not in bad]


def import_spreadsheet(data: bytes, file_name: str, lang: str = "fr") -> ImportResult:
    """Read a coordinator's spreadsheet (CSV or XLSX, as bytes) into validated projects and a list of issues.

    Raises UnreadableFile when the file cannot be read as a project list (wrong type, too large,
    bad encoding, no header…). Otherwise every non-empty row below the header is counted in
    `rows_read` and ends either in `projects` or in `errors` (a missing required column is one
    whole-file error that rejects every row).
    """
    table = read_spreadsheet(data, file_name, lang)
    name = PurePath(file_name).name
    reader = _Reader(table, name, lang)
    warns = reader.header_warnings()
    rows_read = len(table.rows)
    file_errors = reader.missing_columns()
    if file_errors:
        return ImportResult(name, rows_read, 0, file_errors, warns, _empty_projects(), lang, table.sheet, table.header_row)

    rows = [reader.read(number, cells) for number, cells in table.rows]
    # Every point in one spatial join; then each row is placed, even one with other errors, so
    # that all its problems are listed at once.
    points = [r for r in rows if r.values.get("point")]
    located = locate_points([r.values["point"][0] for r in points], [r.values["point"][1] for r in points])
    by_row = {r.number: (located.mrc_id[i], located.status[i]) for i, r in enumerate(points)}
    records = []
    for row in rows:
        point_mrc, status = by_row.get(row.number, (None, None))
        row_warnings: list[Issue] = []
        reader.place(row, point_mrc, status, row_warnings)
        if not row.errors:
            records.append(reader.record(row, row_warnings))
            warns.extend(row_warnings)
    projects, schema_issues = _validate(records, reader)

    position = {label: i for i, label in table.header.labels.items()}
    errors = sorted([e for r in rows for e in r.errors] + schema_issues,
                    key=lambda e: (e.row or 0, position.get(e.column, spreadsheet.MAX_COLUMNS), e.message))
    warns.sort(key=lambda w: (w.row or 0, position.get(w.column, spreadsheet.MAX_COLUMNS)))
    return ImportResult(name, rows_read, len(projects), errors, warns, projects, lang, table.sheet, table.header_row)


def _empty_projects() -> pd.DataFrame:
    return schema.validate(_project_frame([]), schema.project_schema(), "import")


def import_file(path: str | Path, lang: str = "fr") -> ImportResult:
    """`import_spreadsheet` on a file on disk; its size is checked before it is read."""
    path = Path(path)
    if not path.is_file():
        raise UnreadableFile("not_found", str(path), lang)
    size = path.stat().st_size
    if size > spreadsheet.MAX_FILE_BYTES:
        raise UnreadableFile("file_too_large", path.name, lang, size=size_text(size, lang),
                             max=size_text(spreadsheet.MAX_FILE_BYTES, lang))
    return import_spreadsheet(path.read_bytes(), path.name, lang)


def main(argv: list[str] | None = None) -> int:
    """`check FILE` or `add FILE --source-url URL`: exit 0 all valid, 1 rows rejected, 2 unreadable or refused."""
    parser = argparse.ArgumentParser(prog="python -m data.importer",
                                     description="Vérifie un tableur de projets (CSV ou XLSX) ; l'ajoute aux données curées.")
    commands = parser.add_subparsers(dest="command", required=True)
    check = commands.add_parser("check", help="lire le fichier et lister les lignes valides et les erreurs")
    check.add_argument("file", help="fichier .csv ou .xlsx")
    check.add_argument("--json", action="store_true", help="sortie JSON (projets valides, erreurs, avertissements)")
    check.add_argument("--lang", choices=LANGS, default="fr", help="langue des messages (fr par défaut)")
    add = commands.add_parser("add", help="vérifier le fichier puis ajouter ses lignes valides à data/projects.csv")
    add.add_argument("file", help="fichier .csv ou .xlsx")
    add.add_argument("--source-url", required=True, help="adresse http(s) publique d'où viennent les lignes")
    add.add_argument("--source-date", default="", help="date de la source : AAAA, AAAA-MM ou AAAA-MM-JJ")
    add.add_argument("--dry-run", action="store_true", help="montrer ce qui serait ajouté, sans rien écrire")
    add.add_argument("--into", type=Path, default=PROJECTS_PATH,
                     help="fichier de projets à compléter (data/projects.csv par défaut)")
    add.add_argument("--lang", choices=LANGS, default="fr", help="langue des messages (fr par défaut)")
    args = parser.parse_args(argv)
    if args.command == "add":
        return _add(args)
    try:
        result = import_file(args.file, args.lang)
    except UnreadableFile as failure:
        print(str(failure), file=sys.stderr)
        if args.json:
            print(json.dumps({"file": failure.file, "error": str(failure)}, ensure_ascii=False))
        return 2
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False, allow_nan=False, indent=1))
    else:
        print(result.report())
    return 0 if result.ok else 1


def _add(args: argparse.Namespace) -> int:
    """The `add` command: the checks of `check`, then the valid, new rows appended (data.append)."""
    lang = args.lang
    if not is_http_url(args.source_url):
        print(add_word("bad_url", lang, value=args.source_url), file=sys.stderr)
        return 2
    if not append.valid_source_date(args.source_date):
        print(add_word("bad_date", lang, value=args.source_date), file=sys.stderr)
        return 2
    try:
        data = import_file(args.file, "fr")  # the rows written: their notes in French, as in data/
        result = data if lang == "fr" else import_file(args.file, lang)  # the report, in the reader's language
        plan = append.plan_add(data, args.into, args.source_url, args.source_date)
    except (UnreadableFile, append.AddRefused) as failure:
        print(str(failure), file=sys.stderr)
        return 2
    rejected = result.rows_read - result.rows_valid
    log = None
    if not args.dry_run:
        try:
            log = append.write_add(plan, result, rejected)
        except append.AddRefused as failure:
            print(str(failure), file=sys.stderr)
            return 2
    print(result.report())
    print()
    print(_add_report(plan, rejected, args.dry_run, log, lang))
    return 0 if result.ok else 1


def _add_report(plan: append.AddPlan, rejected: int, dry_run: bool, log: Path | None, lang: str) -> str:
    target = append.display_name(plan.target)
    lines = [add_word("dry_run", lang)] if dry_run else []
    lines.append(add_word("target", lang, target=target, url=plan.source_url))
    if plan.rows:
        count = counted(len(plan.rows), "project" if dry_run else "project_added", lang)
        lines.append(add_word("would_add" if dry_run else "added", lang, count=count))
        lines.extend(f"  - {_word('row', lang)} {row} → {new['project_id']}" for row, new in zip(plan.upload_rows, plan.rows))
    else:
        lines.append(add_word("none_added", lang))
    if plan.duplicates:
        lines.append(add_word("duplicates", lang, count=counted(len(plan.duplicates), "duplicate", lang)))
        for d in plan.duplicates:
            if d.existing_id:
                lines.append("  - " + add_word("duplicate_existing", lang, row=d.row, title=d.title, target=target, id=d.existing_id))
            else:
                lines.append("  - " + add_word("duplicate_upload", lang, row=d.row, title=d.title, first=d.upload_row))
    if rejected:
        lines.append(add_word("rejected", lang, count=counted(rejected, "row_rejected", lang)))
    if log is not None:
        lines.append(add_word("logged", lang, log=append.display_name(log)))
    return "\n".join(lines)


if __name__ == "__main__":
    sys.exit(main())
