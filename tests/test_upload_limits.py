"""The work one upload may cost is bounded by what it can hold, however it is laid out (issue #19).

Times are printed by bench/upload_limits.py, not asserted here: these tests assert the limit
message and that the rows walked stay within the limit, which is what bounds the time.
"""
from __future__ import annotations

import pytest

from data import spreadsheet
from data.importer import UnreadableFile, import_spreadsheet
from tests import hostile_uploads


@pytest.mark.parametrize("case", ["sparse_xlsx", "blank_rows_xlsx", "blank_lines_csv", "late_header_csv"])
def test_a_file_spread_over_too_many_rows_stops_at_the_limit_with_a_french_message(case):
    name, data = hostile_uploads.ALL[case]()
    assert len(data) <= spreadsheet.MAX_FILE_BYTES
    with pytest.raises(UnreadableFile) as failure:
        import_spreadsheet(data, name)
    assert failure.value.code == "too_many_lines"
    assert str(failure.value).startswith(f"{name} : trop de lignes (plus de 20\u00a0000, lignes vides comprises)")
    # the reading stopped at the limit, not after walking the million rows the file spans
    assert failure.value.rows_walked is not None
    assert failure.value.rows_walked <= spreadsheet.MAX_ROWS_WALKED + 1


def test_the_sparse_sheet_is_refused_without_walking_its_gap():
    name, data = hostile_uploads.sparse_row_xlsx()
    with pytest.raises(UnreadableFile) as failure:
        import_spreadsheet(data, name)
    assert failure.value.rows_walked == 2  # the header row, then the row numbered 1 048 576


def test_a_gap_within_the_limit_is_jumped_and_the_row_keeps_its_number():
    data = hostile_uploads.workbook(hostile_uploads.text_row(1, hostile_uploads.HEADER)
                                    + hostile_uploads.text_row(15_000, hostile_uploads.ROW))
    table = spreadsheet.read_spreadsheet(data, "trou.xlsx")
    assert [number for number, _ in table.rows] == [15_000]
    assert table.rows_walked == 2


def test_rows_without_numbers_are_numbered_in_order():
    rows = "".join(hostile_uploads.text_row(None, values) for values in
                   (hostile_uploads.HEADER, hostile_uploads.ROW, hostile_uploads.ROW))
    table = spreadsheet.read_spreadsheet(hostile_uploads.workbook(rows), "sans-numeros.xlsx")
    assert table.header_row == 1 and [number for number, _ in table.rows] == [2, 3]


def test_a_sheet_declaring_more_cells_than_a_list_can_hold_is_refused_before_parsing(monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_CELLS", 1_000)
    name, data = hostile_uploads.wide_row_xlsx(cells=1_500)

    def must_not_open(*args, **kwargs):
        raise AssertionError("openpyxl must not parse a sheet beyond the cell limit")

    monkeypatch.setattr(spreadsheet, "_open_workbook", must_not_open)
    with pytest.raises(UnreadableFile) as failure:
        import_spreadsheet(data, name)
    assert failure.value.code == "too_many_cells" and "1\u00a0000 cellules" in str(failure.value)


def test_the_processor_time_budget_stops_a_parse(monkeypatch):
    monkeypatch.setattr(spreadsheet, "PARSE_CPU_SECONDS", 0.0)
    name, data = hostile_uploads.large_valid_xlsx(rows=1_000)
    with pytest.raises(UnreadableFile) as failure:
        import_spreadsheet(data, name)
    assert failure.value.code == "parse_too_long"
    assert str(failure.value).startswith("grande-liste.xlsx : lecture interrompue")


def test_a_list_at_the_row_limit_is_read_whole():
    name, data = hostile_uploads.large_valid_xlsx(rows=spreadsheet.MAX_ROWS)
    table = spreadsheet.read_spreadsheet(data, name)
    assert len(table.rows) == spreadsheet.MAX_ROWS
    assert table.rows_walked == spreadsheet.MAX_ROWS + 1


@pytest.mark.parametrize("line_end", ["\r\n", "\n"])
def test_a_quoted_carriage_return_inside_a_field_is_read(line_end):
    text = line_end.join(["Nom du projet,Organisme porteur,MRC", 'A,"x\ry",La Mitis', ""])
    result = import_spreadsheet(text.encode(), "retour.csv")
    assert result.rows_valid == 1
    assert result.projects.promoter.tolist() == ["x y"]  # the importer turns a line break in a name into a space


def test_a_broken_csv_is_described_in_french_not_in_the_csv_module_s_english():
    data = "sep=,\nNom du projet,Organisme porteur,MRC\nA,x\ry,La Mitis\n".encode()
    with pytest.raises(UnreadableFile) as failure:
        import_spreadsheet(data, "casse.csv")
    assert failure.value.code == "csv_unreadable"
    assert "guillemets" in str(failure.value) and "new-line" not in str(failure.value)


def test_a_damaged_workbook_is_described_in_french_not_in_openpyxl_s_english():
    name, damaged = "casse.xlsx", hostile_uploads.workbook('<row r="1"><c r="A1" t="inlineStr"><is><t>Nom')  # cut XML
    for lang, words in (("fr", "casse.xlsx : classeur Excel illisible (contenu endommagé"),
                        ("en", "casse.xlsx: unreadable Excel workbook (damaged")):
        with pytest.raises(UnreadableFile) as failure:
            import_spreadsheet(damaged, name, lang)
        assert str(failure.value).startswith(words), str(failure.value)
    with pytest.raises(UnreadableFile, match=r"^pas-un-zip\.xlsx : classeur Excel illisible \(ce n'est pas un fichier \.xlsx valide\)"):
        import_spreadsheet(b"PK\x03\x04 not really a zip", "pas-un-zip.xlsx")


def test_a_workbook_whose_sheet_does_not_inflate_is_unreadable_not_a_crash():
    name, data = hostile_uploads.wide_row_xlsx(cells=5_000)
    start = data.index(b"xl/worksheets/sheet1.xml") + len("xl/worksheets/sheet1.xml")  # the member's data
    damaged = data[:start + 50] + bytes(b ^ 0x5A for b in data[start + 50:start + 400]) + data[start + 400:]
    with pytest.raises(UnreadableFile) as failure:
        import_spreadsheet(damaged, name)
    assert str(failure.value).startswith("ligne-large.xlsx : classeur Excel illisible")
