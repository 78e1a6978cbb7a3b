"""Reading an uploaded spreadsheet (CSV or XLSX bytes) down to its header and its non-empty rows.

This is the part of the importer that faces untrusted files, so it is where the limits are:
a maximum size, a maximum number of rows and columns, and for XLSX a check of the zip's inflated
size and ratio before openpyxl parses anything. The work is bounded by what an upload may hold,
not only by its bytes: a 2 kB sheet can place a row a million rows below its header, and 5 MB of
blank lines are millions of rows. So every row walked counts, blank or not, a sheet row number
past MAX_ROWS_WALKED stops the reading (the sheet is read by row number, gaps are jumped, never
walked), the cells a worksheet declares are counted before it is parsed, and the parse of one
upload stops after PARSE_CPU_SECONDS of processor time. Formulas are never evaluated: the workbook is
opened in `data_only` mode, which reads the value the spreadsheet program saved.

Row numbers are those a spreadsheet program shows (1-based, title rows and header included).
"""
from __future__ import annotations

import csv
import io
import re
import time
import warnings
import zipfile
import zlib
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any, Iterator

from data.import_messages import LANGS, count_text, message, size_text
from data.parsing import HeaderMatch, is_blank, is_header, match_header

# Limits, so that an upload cannot exhaust the server. A coordinator's list of a few hundred
# projects is a few hundred kilobytes; all ~3 000 Alliance projects since 2018 fit in MAX_ROWS.
MAX_FILE_BYTES = 5_000_000
MAX_ROWS = 5_000
MAX_COLUMNS = 100
HEADER_SEARCH_ROWS = 30  # the header must be among the first 30 non-empty rows
# Rows walked in one sheet or CSV, blank ones included, and the highest row number read: room for
# MAX_ROWS projects with title rows and blank separators, far short of a sheet's 1 048 576 rows.
MAX_ROWS_WALKED = 4 * MAX_ROWS
# Cells a worksheet's XML may declare, empty styled ones included (counted on the raw XML before it
# is parsed): MAX_ROWS rows of 50 cells, five times what a real list of that length uses. openpyxl
# parses a row whole before handing it over, so this bounds the work inside one row too (about
# 1 s of CPU for one row of 240 000 empty cells).
MAX_CELLS = MAX_ROWS * 50
# Processor time one upload's parse may take; a 5 000-row workbook takes about a second.
PARSE_CPU_SECONDS = 5.0
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
        self.rows_walked: int | None = None  # set when a limit on the work stopped the reading
        super().__init__(message(code, lang, file=file, **params))


class ReadBudget:
    """The work spent reading one upload, stopped at its limits whatever the file's layout.

    `walk()` is called for every row the reader meets, blank or not, with its row number: past
    MAX_ROWS_WALKED rows walked, or a row numbered beyond it, or PARSE_CPU_SECONDS of processor
    time spent by this thread, the reading stops with an UnreadableFile naming the file.
    The processor time is the thread's own (time.thread_time), so other requests served at the
    same time by the same process do not count against this one.
    """

    def __init__(self, file: str, lang: str, started: float | None = None):
        self.file = file
        self.lang = lang
        self.rows_walked = 0
        self._started = time.thread_time() if started is None else started

    def another_walk(self) -> "ReadBudget":
        """A budget for another sheet or another reading of the same upload: its own row count,
        the same processor time."""
        return ReadBudget(self.file, self.lang, self._started)

    def walk(self, number: int) -> None:
        self.rows_walked += 1
        if self.rows_walked > MAX_ROWS_WALKED or number > MAX_ROWS_WALKED:
            self.stop("too_many_lines", max=count_text(MAX_ROWS_WALKED, self.lang))
        if self.rows_walked % 256 == 0:
            self.check_time()

    def check_time(self) -> None:
        if time.thread_time() - self._started > PARSE_CPU_SECONDS:
            self.stop("parse_too_long", seconds=int(PARSE_CPU_SECONDS))

    def stop(self, code: str, **params: Any):
        failure = UnreadableFile(code, self.file, self.lang, **params)
        failure.rows_walked = self.rows_walked
        raise failure


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
    rows_walked: int = 0  # rows met while reading, blank ones included (the work the file cost)


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
    budget = ReadBudget(name, lang)
    reader = _read_xlsx if suffix == ".xlsx" else _read_csv
    table = reader(bytes(data), name, lang, budget)
    table.rows_walked = budget.rows_walked
    return table


def take_header(rows: Iterator[tuple[int, tuple]], budget: ReadBudget | None = None) -> tuple[int, HeaderMatch] | None:
    """Consume `rows` up to and including the header row; None if not among the first non-empty rows."""
    seen = 0
    for number, cells in rows:
        if budget is not None:
            budget.walk(number)
        if all(is_blank(c) for c in cells):
            continue
        match = match_header(cells)
        if is_header(match):
            return number, match
        seen += 1
        if seen >= HEADER_SEARCH_ROWS:
            return None
    return None


def _data_rows(rows: Iterator[tuple[int, tuple]], file: str, lang: str, budget: ReadBudget) -> list[tuple[int, tuple]]:
    kept = []
    for number, cells in rows:
        budget.walk(number)
        if all(is_blank(c) for c in cells):
            continue  # an empty row is layout, not a project
        kept.append((number, cells))
        if len(kept) > MAX_ROWS:
            raise UnreadableFile("too_many_rows", file, lang, max=count_text(MAX_ROWS, lang))
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


def _read_csv(data: bytes, file: str, lang: str, budget: ReadBudget) -> Table:
    text = _decode(data, file, lang)
    first_row = 1
    delimiters = CSV_DELIMITERS
    # Excel's « sep=; » first line fixes the delimiter, and Excel does not show it as a row.
    if m := re.match(r"sep=(.)\r?\n", text):
        delimiters, text = (m.group(1),), text[m.end():]
    best: tuple[int, str] | None = None
    failure: csv.Error | None = None
    for delimiter in delimiters:  # the delimiter is the one that reveals the best header
        try:
            # each trial walks its own rows: a file of blank lines costs at most the limit per delimiter
            found = take_header(_csv_rows(text, delimiter, first_row), ReadBudget(file, lang))
        except csv.Error as exc:
            # read with the wrong delimiter, a quoted field is not quoted (a line break inside it
            # becomes an error): that delimiter is not the file's
            failure = exc
            continue
        if found and (best is None or found[1].count > best[0]):
            best = (found[1].count, delimiter)
    if best is None:
        if failure is not None and len(delimiters) == 1:
            raise UnreadableFile("csv_unreadable", file, lang, detail=_csv_detail(failure, lang)) from None
        raise UnreadableFile("no_header", file, lang, n=HEADER_SEARCH_ROWS)
    try:
        rows = _csv_rows(text, best[1], first_row)
        header_row, header = take_header(rows, budget)
        return Table(None, 1, header_row, header, _data_rows(rows, file, lang, budget))
    except csv.Error as exc:
        raise UnreadableFile("csv_unreadable", file, lang, detail=_csv_detail(exc, lang)) from None


def _csv_detail(error: csv.Error, lang: str) -> str:
    """What went wrong, in the reader's language (the csv module speaks English)."""
    key = "csv_field_too_long" if "field larger" in str(error) else "csv_quotes"
    return message(key, lang)


def _check_zip(data: bytes, file: str, lang: str) -> None:
    """Refuse a decompression bomb, and a sheet declaring more cells than a list can hold, before
    openpyxl parses anything.

    The sizes are those the zip declares; Python's zipfile never inflates a member beyond its
    declared size, so a lying header cannot get past this.
    """
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > MAX_ZIP_MEMBERS:
                raise UnreadableFile("xlsx_unreadable", file, lang, detail=message("xlsx_too_many_parts", lang, n=len(members)))
            total = sum(member.file_size for member in members)
            if total > MAX_UNCOMPRESSED_BYTES:
                raise UnreadableFile("xlsx_too_big", file, lang, size=size_text(total, lang),
                                     max=size_text(MAX_UNCOMPRESSED_BYTES, lang))
            ratio = total / max(len(data), 1)
            if total > 1_000_000 and ratio > MAX_COMPRESSION_RATIO:
                raise UnreadableFile("xlsx_ratio", file, lang, ratio=int(ratio), max=MAX_COMPRESSION_RATIO)
            for member in members:
                if _is_cell_part(member.filename) and _count_cells(archive, member) > MAX_CELLS:
                    raise UnreadableFile("too_many_cells", file, lang, max=count_text(MAX_CELLS, lang))
    except UnreadableFile:
        raise
    # a damaged archive: bad headers, a member that does not inflate, an unknown compression method
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, zlib.error):
        raise UnreadableFile("xlsx_unreadable", file, lang, detail=message("xlsx_not_a_zip", lang)) from None


# A cell (<c …>) or a shared string (<si>), with or without a namespace prefix (<x:c …>).
_CELL_TAG = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(?:c|si)[\s/>]")


def _is_cell_part(name: str) -> bool:
    return name.startswith("xl/worksheets/") or name == "xl/sharedStrings.xml"


def _count_cells(archive: zipfile.ZipFile, member: zipfile.ZipInfo) -> int:
    """Cells (or shared strings) a part declares, counted in its raw XML, 1 MB at a time."""
    count, tail = 0, b""
    with archive.open(member) as stream:
        while chunk := stream.read(1 << 20):
            window = tail + chunk
            cut = max(0, len(window) - 64)  # a tag cut by the chunk boundary is counted in the next window
            count += len(_CELL_TAG.findall(window, 0, cut))
            tail = window[cut:]
            if count > MAX_CELLS:
                break
    return count + len(_CELL_TAG.findall(tail))


def _dimensions_before_sheet_data(parser) -> tuple | None:
    """openpyxl's WorkSheetParser.parse_dimensions, stopped where the sheet's rows begin.

    openpyxl looks for the <dimension> element until the *end* of <sheetData>, building the whole
    sheet's tree in memory on the way: when a sheet has no <dimension> (which is optional), opening
    the workbook parses every row once before any is read (6 s and hundreds of megabytes for a
    4 MB file of blank rows). The element can only come before <sheetData>, so stopping at its
    start gives the same answer.
    """
    from openpyxl.worksheet._reader import DATA_TAG, DIMENSION_TAG, SheetDimension
    from openpyxl.xml.functions import iterparse

    for _event, element in iterparse(parser.source, events=("start",)):
        if element.tag == DIMENSION_TAG:
            return SheetDimension.from_tree(element).boundaries
        if element.tag == DATA_TAG:
            return None
    return None


def _open_workbook(data: bytes, file: str, lang: str, data_only: bool):
    import openpyxl  # imported here: only XLSX uploads pay for it
    from openpyxl.worksheet._reader import WorkSheetParser

    WorkSheetParser.parse_dimensions = _dimensions_before_sheet_data  # see its docstring (openpyxl 3.1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # openpyxl warns about styles and extensions it skips
        try:
            return openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=data_only)
        except Exception:  # openpyxl raises many types for a damaged file; all mean "unreadable"
            raise UnreadableFile("xlsx_unreadable", file, lang, detail=message("xlsx_damaged", lang)) from None


def _sheet_rows(sheet, overflow: set[int] | None = None) -> Iterator[tuple[int, tuple]]:
    """(row number, first MAX_COLUMNS cells) of every row the sheet's XML holds, in its order.

    The rows are read straight from openpyxl's streaming parser rather than from `iter_rows`,
    which fills every gap with empty rows: a row numbered 1 048 576 under a header on row 1 would
    make it walk a million rows. Here a gap is jumped; the reader checks each row number it meets
    against its ReadBudget.
    The column just past the limit is read too, and rows with something there are added to
    `overflow`, so that dropping it is said rather than silent.
    """
    from openpyxl.worksheet._reader import WorkSheetParser  # the parser iter_rows uses (openpyxl 3.1)

    book = sheet.parent
    with sheet._get_source() as source:
        parser = WorkSheetParser(source, sheet._shared_strings, data_only=book.data_only, epoch=book.epoch,
                                 date_formats=book._date_formats, timedelta_formats=book._timedelta_formats)
        for number, parsed in parser.parse():
            cells = [None] * MAX_COLUMNS
            for cell in parsed:
                column = cell["column"]
                if 1 <= column <= MAX_COLUMNS:
                    cells[column - 1] = cell["value"]
                elif column == MAX_COLUMNS + 1 and overflow is not None and not is_blank(cell["value"]):
                    overflow.add(number)
            yield number, tuple(cells)


def _read_xlsx(data: bytes, file: str, lang: str, budget: ReadBudget) -> Table:
    _check_zip(data, file, lang)
    book = _open_workbook(data, file, lang, data_only=True)
    budget.check_time()
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            sheets = book.worksheets
            overflow: set[int] = set()
            for index, sheet in enumerate(sheets):
                overflow.clear()
                sheet_budget = budget.another_walk() if index else budget  # rows counted per sheet
                rows = _sheet_rows(sheet, overflow)
                found = take_header(rows, sheet_budget)
                if found:
                    header_row, header = found
                    table = Table(sheet.title, len(sheets), header_row, header, _data_rows(rows, file, lang, sheet_budget))
                    # the sheet's declared size catches columns beyond the one read past the limit
                    table.truncated_columns = bool(overflow) or (sheet.max_column or 0) > MAX_COLUMNS
                    break
                budget.check_time()  # the time is the whole upload's, whatever the sheet
            else:
                raise UnreadableFile("no_header", file, lang, n=HEADER_SEARCH_ROWS)
    except UnreadableFile:
        raise
    except Exception:  # a damaged sheet surfaces while it is read
        raise UnreadableFile("xlsx_unreadable", file, lang, detail=message("xlsx_damaged", lang)) from None
    finally:
        book.close()
    table.formula_cells = _formulas_without_value(data, file, lang, index, table, sheet_budget)
    budget.rows_walked = max(budget.rows_walked, sheet_budget.rows_walked)
    return table


def _formulas_without_value(data: bytes, file: str, lang: str, sheet_index: int, table: Table,
                            budget: ReadBudget) -> frozenset:
    """Cells of known columns that are empty when read for values but hold a formula.

    A workbook written by a program that does not calculate (a script, some exports) saves formulas
    without their result; reading them as empty would silently turn an amount into "unknown".
    The sheet was read once within its limits; this second reading stops at the last row wanted.
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
            walk = budget.another_walk()
            for number, cells in _sheet_rows(book.worksheets[sheet_index]):
                if number > last:
                    break
                walk.walk(number)
                for i, value in enumerate(cells):
                    is_formula = (isinstance(value, str) and value.startswith("=")) or "Formula" in type(value).__name__
                    if is_formula and (number, i) in wanted:
                        found.add((number, i))
    except UnreadableFile:
        raise
    except Exception:
        raise UnreadableFile("xlsx_unreadable", file, lang, detail=message("xlsx_damaged", lang)) from None
    finally:
        book.close()
    return frozenset(found)
