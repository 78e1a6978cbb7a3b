"""Small uploads that cost a reader far more than their size: the cases of issue #19.

Shared by the tests (tests/test_upload_limits.py) and the bench script that times them
(bench/upload_limits.py). Each builder returns (file name, bytes) within MAX_FILE_BYTES.
The workbooks are written by hand (a few XML parts in a zip), because openpyxl always writes the
<dimension> element and the explicit row numbers that make a sheet cheap to read.
"""
from __future__ import annotations

import io
import random
import zipfile
from xml.sax.saxutils import escape

HEADER = ("Nom du projet", "Organisme porteur", "MRC", "Montant accordé")
ROW = ("Cuisine collective", "Moisson Mitis", "La Mitis", "5000")
LAST_EXCEL_ROW = 1_048_576

_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '</Types>')
_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<workbook xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" '
    'xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
    '<sheets><sheet name="Projets" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    '<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
    'worksheet" Target="worksheets/sheet1.xml"/></Relationships>')


def _column(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def text_row(number: int | None, values: tuple[str, ...]) -> str:
    """One <row> of inline strings; without `number`, neither the row nor its cells say where they are."""
    cells = []
    for i, value in enumerate(values):
        where = "" if number is None else ' r="%s%d"' % (_column(i), number)
        cells.append('<c%s t="inlineStr"><is><t>%s</t></is></c>' % (where, escape(value)))
    where = "" if number is None else ' r="%d"' % number
    return "<row%s>%s</row>" % (where, "".join(cells))


def workbook(sheet_rows: str | bytes) -> bytes:
    """A one-sheet workbook whose <sheetData> holds `sheet_rows`, with no <dimension> element."""
    if isinstance(sheet_rows, str):
        sheet_rows = sheet_rows.encode()
    sheet = (b'<?xml version="1.0" encoding="UTF-8"?>'
             b'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + sheet_rows + b'</sheetData></worksheet>')
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", _CONTENT_TYPES)
        archive.writestr("_rels/.rels", _RELS)
        archive.writestr("xl/workbook.xml", _WORKBOOK)
        archive.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        archive.writestr("xl/worksheets/sheet1.xml", sheet)
    return out.getvalue()


def sparse_row_xlsx() -> tuple[str, bytes]:
    """Header on row 1, the only project on the sheet's last row (1 048 576): under 2 kB."""
    return "lointaine.xlsx", workbook(text_row(1, HEADER) + text_row(LAST_EXCEL_ROW, ROW))


def blank_rows_xlsx(max_bytes: int = 4_600_000, seed: int = 19) -> tuple[str, bytes]:
    """A header, then blank rows until the file nears `max_bytes`.

    Each blank row carries a random style and height, so that the zip compresses like a real
    workbook (well under the ratio limit) instead of a thousand times.
    """
    rng = random.Random(seed)
    header = text_row(1, HEADER).encode()

    def build(count: int) -> bytes:
        # rows without cells, as a spreadsheet program writes rows given a format or a height
        rows = (b'<row r="%d" s="%d" customFormat="1" ht="%d" customHeight="1"/>'
                % (n, rng.randrange(1 << 30), rng.randrange(1 << 20)) for n in range(2, count + 2))
        return workbook(header + b"".join(rows))

    sample = 20_000
    data = build(sample)
    data = build(int(sample * max_bytes / len(data) * 0.97))  # compressed size grows with the rows
    return "lignes-vides.xlsx", data


def blank_lines_csv(max_bytes: int = 4_900_000, header_first: bool = True) -> tuple[str, bytes]:
    """A CSV of blank lines near `max_bytes`, with the header first or after all of them."""
    header = ";".join(HEADER).encode("utf-8") + b"\r\n"
    blank = b"\r\n" * ((max_bytes - len(header) - 64) // 2)
    body = header + blank + ";".join(ROW).encode() + b"\r\n" if header_first else blank + header
    return ("lignes-vides.csv" if header_first else "en-tete-tardif.csv"), body


ALL = {
    "sparse_xlsx": sparse_row_xlsx,
    "blank_rows_xlsx": blank_rows_xlsx,
    "blank_lines_csv": blank_lines_csv,
    "late_header_csv": lambda: blank_lines_csv(header_first=False),
}


def wide_row_xlsx(cells: int = 240_000) -> tuple[str, bytes]:
    """A header, then one row of `cells` empty styled cells: under the cell limit, all in one row."""
    rng = random.Random(cells)  # random styles: a zip ratio like a real workbook's
    row = b'<row r="2">' + b"".join(b'<c s="%d"/>' % rng.randrange(1 << 30) for _ in range(cells)) + b"</row>"
    return "ligne-large.xlsx", workbook(text_row(1, HEADER).encode() + row)


def large_valid_xlsx(rows: int = 5_000) -> tuple[str, bytes]:
    """A real list at the row limit, for the time a legitimate upload takes."""
    body = [text_row(1, HEADER)]
    body += [text_row(n, (f"Projet {n}", "Moisson Mitis", "La Mitis", str(1000 + n))) for n in range(2, rows + 2)]
    return "grande-liste.xlsx", workbook("".join(body))


ALL["wide_row_xlsx"] = wide_row_xlsx
ALL["large_valid_xlsx"] = large_valid_xlsx
