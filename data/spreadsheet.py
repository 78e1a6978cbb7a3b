"""Reading an uploaded spreadsheet (CSV or XLSX bytes) down to its header and its non-empty rows.

This is the part of the importer that faces untrusted files, so it is where the limits are:
a maximum size, a maximum number of rows and columns, and for XLSX a check of the zip's inflated
size and ratio before openpyxl parses anything. Formulas are never evaluated: the workbook is
opened in `data_only` mode, which reads the value the spreadsheet program saved.

Row numbers are those a spreadsheet program shows (1-based, title rows and header included).
"""
from __future__ import annotations

import csv
import io
import re
import warnings
import zipfile
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Iterator

from data.import_messages import LANGS, message, size_text
from data.parsing import HeaderMatch, is_blank, is_header, match_header

# Limits, so that an upload cannot exhaust the server. A coordinator's list of a few hundred
# projects is a few hundred kilobytes; all ~3 000 Alliance projects since 2018 fit in MAX_ROWS.
MAX_FILE_BYTES = 5_000_000
MAX_ROWS = 5_000
MAX_COLUMNS = 100
HEADER_SEARCH_ROWS = 30  # the header must be among the first 30 non-empty rows
# An XLSX is a zip: refuse it before parsing if it would inflate beyond this, or inflate suspiciously
# (real workbooks compress 5 to 20 times; a decompression bomb thousands of times).
MAX_UNCOMPRESSED_BYTES = 50_000_000
MAX_COMPRESSION_RATIO = 100
MAX_ZIP_MEMBERS = 1_000

EXTENSIONS = (".csv", ".xlsx")
CSV_DELIMITERS = (";", ",", "\t")


class UnreadableFile(ValueError):
    """The file cannot be read as a project list at all; the message names the file (exit 2)."""

    def __init__(self, code: str, file: str, lang: str = "fr", **params: Any):
        self.code = code
        self.file = file
        super().__init__(message(code, lang, file=file, **params))


@dataclass
class Table:
    """The rows of the sheet that holds the header, with their spreadsheet numbers."""

    sheet: str | None  # None for a CSV
    sheet_count: int
    header_row: int
    header: HeaderMatch
    rows: list[tuple[int, tuple]]  # (row number, cells), fully empty rows left out
    formula_cells: frozenset[tuple[int, int]] = frozenset()  # (row, column index): formula with no saved value
    truncated_columns: bool = False  # something lies beyond MAX_COLUMNS


def read_spreadsheet(data: bytes, file_name: str, lang: str = "fr") -> Table:
    """Find the header and the data rows of a CSV or XLSX given as bytes.

    Raises UnreadableFile (wrong type, too large, bad encoding, no header, too many rows…) with
    a message in `lang` that names the file.
    """
    if lang not in LANGS:
        raise ValueError(f"lang must be one of {LANGS}, got {lang!r}")
    if not isinstance(data, (bytes, bytearray)):
        raise TypeError(f"data must be bytes, got {type(data).__name__}")
    name = PurePath(file_name).name
    suffix = PurePath(name).suffix.lower()
    if len(data) > MAX_FILE_BYTES:
        raise UnreadableFile("file_too_large", name, lang, size=size_text(len(data), lang),
                             max=size_text(MAX_FILE_BYTES, lang))
    if suffix == ".xls":
        raise UnreadableFile("legacy_xls", name, lang)
    if suffix not in EXTENSIONS:
        raise UnreadableFile("unsupported_type", name, lang)
    if not data.strip():
        raise UnreadableFile("empty_file", name, lang)
    return _read_xlsx(bytes(data), name, lang) if suffix == ".xlsx" else _read_csv(bytes(data), name, lang)


def take_header(rows: Iterator[tuple[int, tuple]]) -> tuple[int, HeaderMatch] | None:
    """Consume `rows` up to and including the header row; None if not among the first non-empty rows."""
    seen = 0
    for number, cells in rows:
        if all(is_blank(c) for c in cells):
            continue
        match = match_header(cells)
        if is_header(match):
            return number, match
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            return None
    return None


def _data_rows(rows: Iterator[tuple[int, tuple]], file: str, lang: str) -> list[tuple[int, tuple]]:
    kept = []
    for number, cells in rows:
        if all(is_blank(c) for c in cells):
            continue  # an empty row is layout, not a project
        kept.append((number, cells))
        if len(kept) > MAX_ROWS:
            raise UnreadableFile("too_many_rows", file, lang, max=MAX_ROWS)
    return kept


def _decode(data: bytes, file: str, lang: str) -> str:
    """UTF-8 (with or without BOM) when the bytes are valid UTF-8, else Windows-1252.

    Strict UTF-8 decoding is a reliable test: accented Windows-1252 text is practically never
    valid UTF-8. UTF-16 (Excel's « texte Unicode ») is recognised by its byte-order mark.
    """
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16")
        except UnicodeDecodeError:
            raise UnreadableFile("csv_encoding", file, lang) from None
    if b"\x00" in data or data.startswith(b"PK\x03\x04"):
        raise UnreadableFile("csv_binary", file, lang)
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            return data.decode(encoding)
        except UnicodeDecodeError:
            continue
    raise UnreadableFile("csv_encoding", file, lang)


def _csv_rows(text: str, delimiter: str, first_row: int) -> Iterator[tuple[int, tuple]]:
    # Row numbers count records, as a spreadsheet program shows them (a quoted line break stays in its row).
    for number, record in enumerate(csv.reader(io.StringIO(text), delimiter=delimiter), start=first_row):
        yield number, tuple(record)


def _read_csv(data: bytes, file: str, lang: str) -> Table:
    text = _decode(data, file, lang)
    first_row = 1
    delimiters = CSV_DELIMITERS
    # Excel's « sep=; » first line fixes the delimiter, and Excel does not show it as a row.
    if m := re.match(r"sep=(.)\r?\n", text):
        delimiters, text = (m.group(1),), text[m.end():]
    try:
        best: tuple[int, str] | None = None
        for delimiter in delimiters:  # the delimiter is the one that reveals the best header
            found = take_header(_csv_rows(text, delimiter, first_row))
            if found and (best is None or found[1].count > best[0]):
                best = (found[1].count, delimiter)
        if best is None:
            raise UnreadableFile("no_header", file, lang, n=HEADER_SEARCH_ROWS)
        rows = _csv_rows(text, best[1], first_row)
        header_row, header = take_header(rows)
        return Table(None, 1, header_row, header, _data_rows(rows, file, lang))
    except csv.Error as exc:
        raise UnreadableFile("csv_unreadable", file, lang, detail=str(exc)) from None


def _check_zip(data: bytes, file: str, lang: str) -> None:
    """Refuse a decompression bomb before openpyxl inflates anything.

    The sizes are those the zip declares; Python's zipfile never inflates a member beyond its
    declared size, so a lying header cannot get past this.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise UnreadableFile("xlsx_unreadable", file, lang, detail=str(exc) or type(exc).__name__) from None
    if len(members) > MAX_ZIP_MEMBERS:
        raise UnreadableFile("xlsx_unreadable", file, lang, detail=f"{len(members)} parts")
    total = sum(member.file_size for member in members)
    if total > MAX_UNCOMPRESSED_BYTES:
        raise UnreadableFile("xlsx_too_big", file, lang, size=size_text(total, lang), max=size_text(MAX_UNCOMPRESSED_BYTES, lang))
    ratio = total / max(len(data), 1)
    if total > 1_000_000 and ratio > MAX_COMPRESSION_RATIO:
        raise UnreadableFile("xlsx_ratio", file, lang, ratio=int(ratio), max=MAX_COMPRESSION_RATIO)


def _open_workbook(data: bytes, file: str, lang: str, data_only: bool):
    import openpyxl  # imported here: only XLSX uploads pay for it

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
        try:
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
        except Exception as exc:  # openpyxl raises many types for a damaged file; all mean "unreadable"
            raise UnreadableFile("xlsx_unreadable", file, lang, detail=str(exc) or type(exc).__name__) from None


def _sheet_rows(sheet, overflow: set[int] | None = None) -> Iterator[tuple[int, tuple]]:
    """(row number, first MAX_COLUMNS cells) of every row; gaps come as empty rows, so numbers match.

    The column just past the limit is read too, and rows with something there are added to
    `overflow`, so that dropping it is said rather than silent.
    """
    rows = sheet.iter_rows(min_row=1, min_col=1, max_col=MAX_COLUMNS + 1, values_only=True)
    for number, cells in enumerate(rows, start=1):
        if overflow is not None and len(cells) > MAX_COLUMNS and not is_blank(cells[MAX_COLUMNS]):
            overflow.add(number)
        yield number, tuple(cells[:MAX_COLUMNS])


def _read_xlsx(data: bytes, file: str, lang: str) -> Table:
    _check_zip(data, file, lang)
    book = _open_workbook(data, file, lang, data_only=True)
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sheets = book.worksheets
            overflow: set[int] = set()
            for index, sheet in enumerate(sheets):
                overflow.clear()
                rows = _sheet_rows(sheet, overflow)
                found = take_header(rows)
                if found:
                    header_row, header = found
                    table = Table(sheet.title, len(sheets), header_row, header, _data_rows(rows, file, lang))
                    # the sheet's declared size catches columns beyond the one read past the limit
                    table.truncated_columns = bool(overflow) or (sheet.max_column or 0) > MAX_COLUMNS
                    break
            else:
                raise UnreadableFile("no_header", file, lang, n=HEADER_SEARCH_ROWS)
    except UnreadableFile:
        raise
    except Exception as exc:  # a damaged sheet surfaces while it is read
        raise UnreadableFile("xlsx_unreadable", file, lang, detail=str(exc) or type(exc).__name__) from None
    finally:
        book.close()
    table.formula_cells = _formulas_without_value(data, file, lang, index, table)
    return table


def _formulas_without_value(data: bytes, file: str, lang: str, sheet_index: int, table: Table) -> frozenset:
    """Cells of known columns that are empty when read for values but hold a formula.

    A workbook written by a program that does not calculate (a script, some exports) saves formulas
    without their result; reading them as empty would silently turn an amount into "unknown".
    """
    wanted = {(n, i) for n, cells in table.rows for i in table.header.fields.values()
              if i >= len(cells) or cells[i] is None}
    if not wanted:
        return frozenset()
    last = max(n for n, _ in wanted)
    book = _open_workbook(data, file, lang, data_only=False)
    found = set()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            for number, cells in _sheet_rows(book.worksheets[sheet_index]):
                if number > last:
                    break
                for i, value in enumerate(cells):
                    is_formula = (isinstance(value, str) and value.startswith("=")) or "Formula" in type(value).__name__
                    if is_formula and (number, i) in wanted:
                        found.add((number, i))
    except Exception as exc:
        raise UnreadableFile("xlsx_unreadable", file, lang, detail=str(exc) or type(exc).__name__) from None
    finally:
        book.close()
    return frozenset(found)

