"""The importer of coordinators' spreadsheets: reading, mapping, placing, reporting, limits, CLI."""
from __future__ import annotations

import csv
import importlib.util
import io
import json
import math
import re
import string
import subprocess
import sys
import zipfile
from decimal import Decimal
from pathlib import Path

import openpyxl
import pandas as pd
import pytest
from babel.numbers import format_currency, format_decimal
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from data import import_messages, importer, parsing, schema, spreadsheet
from data.gazetteer import CITY_TERRITORIES, gazetteer, place_municipality
from data.importer import UnreadableFile, import_spreadsheet
from data.parsing import COLUMN_SYNONYMS, header_field, parse_amount
from geo import layers
from geo.lookup import find_mrc
from geo.names import strip_accents

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "import"


def _load_fixture_script():
    spec = importlib.util.spec_from_file_location("make_import_fixtures", FIXTURES / "make_fixtures.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


FIXTURE_SCRIPT = _load_fixture_script()
MESSY = FIXTURES / "coordinator_messy.csv"
CLEAN = FIXTURES / "coordinator_clean.csv"

# What coordinator_messy.csv must give, row by row (rows numbered as a spreadsheet shows them).
MESSY_VALID_ROWS = [5, 6, 7, 9, 10, 19, 20]
MESSY_ERRORS = [
    (11, "MRC/TE"),          # unknown MRC « Toronto »
    (12, "Montant FQIS"),    # negative amount
    (13, "Nom du Projet"),   # missing title
    (14, "Montant FQIS"),    # « beaucoup »
    (15, "Ville"),           # municipality the gazetteer cannot place, and no MRC
    (16, "RÉGION"),          # Coaticook is not in Montérégie
    (17, "Organisme"),       # missing promoter…
    (17, "Montant FQIS"),    # …and an absurd amount on the same row
    (21, "Nom du Projet"),   # a total row
]
MESSY_EMPTY_ROWS = [8, 18]


def xlsx_bytes(rows: list[list], sheet: str = "Projets", before: list[str] = ()) -> bytes:
    """A workbook whose first sheet holds `rows` (empty strings become empty cells)."""
    book = openpyxl.Workbook()
    first = book.active
    first.title = before[0] if before else sheet
    for name in list(before[1:]) + ([sheet] if before else []):
        book.create_sheet(name)
    target = book[sheet]
    for row in rows:
        target.append([None if cell == "" else cell for cell in row])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_text(rows: list[list], delimiter: str = ";") -> str:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    return out.getvalue()


def run(rows: list[list], name: str = "test.csv", lang: str = "fr", encoding: str = "utf-8"):
    if name.endswith(".xlsx"):
        return import_spreadsheet(xlsx_bytes(rows), name, lang)
    return import_spreadsheet(csv_text(rows).encode(encoding), name, lang)


def valid_rows(result) -> list[int]:
    return [int(pid.removeprefix("import-")) for pid in result.projects.project_id]


def error_cells(result) -> list[tuple]:
    return [(e.row, e.column) for e in result.errors]


def project(result, row: int) -> pd.Series:
    return result.projects.set_index("project_id").loc[f"import-{row}"]


HEADER = ["Nom du projet", "Organisme porteur", "MRC", "Municipalité", "Région", "Montant accordé", "Année"]


def line(title="Projet", promoter="Organisme", mrc="", municipality="", region="", amount="", year=""):
    return [title, promoter, mrc, municipality, region, amount, year]


# --- the messy coordinator file -------------------------------------------------------------------

def test_committed_fixtures_are_what_the_script_writes():
    for name, make in FIXTURE_SCRIPT.FILES.items():
        assert (FIXTURES / name).read_bytes() == make(), f"re-run make_fixtures.py: {name} is stale"


def test_the_messy_fixture_really_is_windows_1252_with_semicolons():
    raw = MESSY.read_bytes()
    with pytest.raises(UnicodeDecodeError):
        raw.decode("utf-8")
    assert b";" in raw.splitlines()[3] and "Année".encode("cp1252") in raw


def test_messy_csv_keeps_exactly_the_good_rows_and_flags_exactly_the_bad_cells():
    result = importer.import_file(MESSY)
    assert result.header_row == 4
    assert valid_rows(result) == MESSY_VALID_ROWS
    assert error_cells(result) == MESSY_ERRORS
    assert result.rows_read == 15 and result.rows_valid == 7
    schema.validate(result.projects, schema.project_schema(), "again")  # the output is schema-valid
    assert list(result.projects.columns) == list(schema.PROJECT_COLUMNS)


def test_every_non_empty_row_is_valid_or_in_the_errors_and_empty_rows_are_not_rows():
    result = importer.import_file(MESSY)
    data_rows = set(range(5, len(FIXTURE_SCRIPT.MESSY_ROWS) + 1)) - set(MESSY_EMPTY_ROWS)
    rejected = {e.row for e in result.errors}
    assert set(valid_rows(result)) | rejected == data_rows
    assert not set(valid_rows(result)) & rejected
    assert not set(MESSY_EMPTY_ROWS) & (rejected | set(valid_rows(result)))
    assert result.rows_read == len(data_rows)


def test_messy_csv_error_messages_say_what_is_wrong():
    messages = {(e.row, e.column): e.message for e in importer.import_file(MESSY).errors}
    assert messages[(11, "MRC/TE")] == "MRC inconnue : « Toronto »"
    assert messages[(12, "Montant FQIS")] == "montant négatif : « -5 000 $ »"
    assert messages[(13, "Nom du Projet")] == "nom du projet manquant"
    assert messages[(14, "Montant FQIS")] == "montant illisible : « beaucoup »"
    assert "Saint-Machin-des-Bois" in messages[(15, "Ville")] and "MRC" in messages[(15, "Ville")]
    assert "Coaticook" in messages[(16, "RÉGION")] and "05 Estrie" in messages[(16, "RÉGION")]
    assert messages[(17, "Organisme")] == "organisme porteur manquant"
    assert messages[(17, "Montant FQIS")].startswith("montant invraisemblable")
    assert messages[(21, "Nom du Projet")].startswith("ligne de total")


@pytest.mark.parametrize("row,expected", [
    # capitals and a former name: « MATANE » is La Matanie
    (5, dict(mrc_ids="la-matanie", region_code="01", alliance_id="bas-saint-laurent", amount_fqis=105000.0,
             total_cost=150000.0, start_year=2019, end_year=2020, cycle="pagieps-2017-2023",
             themes="securite-alimentaire", priorities_original="Sécurité alimentaire",
             source_url="https://example.org/cuisines", location_precision="mrc")),
    # « MRC Robert-Cliche » is today's Beauce-Centre; the region given agrees
    (6, dict(mrc_ids="beauce-centre", region_code="12", alliance_id="chaudiere-appalaches", amount_fqis=35700.5,
             cycle="transition-2023-2024", themes=None, priorities_original="Transport")),
    # lower case without « La » capital, « $105,000 », a fiscal-year span
    (7, dict(mrc_ids="la-haute-gaspesie", region_code="11", alliance_id="gaspesie", amount_fqis=105000.0,
             start_year=2024, end_year=2025, cycle="plan-2024-2029")),
    # municipality only, placed by the gazetteer (seat of Rimouski-Neigette)
    (9, dict(mrc_ids="rimouski-neigette", municipality="RIMOUSKI", location_precision="municipality",
             amount_fqis=1234.56, region_code="01")),
    # a city-TE; a source that is not a URL is kept as a note
    (10, dict(mrc_ids="longueuil", region_code="16", alliance_id="monteregie", amount_fqis=105000.5,
              themes="logement", source_url="import:coordinator_messy.csv", note="Source : rapport annuel 2025")),
    # region only, in a region with three Alliances: no Alliance is guessed
    (19, dict(mrc_ids=None, region_code="10", alliance_id=None, location_precision="region")),
    # « 05 - Estrie » and a no-break-space amount
    (20, dict(mrc_ids="memphremagog", municipality="Magog", region_code="05", alliance_id="estrie",
              location_precision="municipality", amount_fqis=20000.0)),
])
def test_messy_csv_rows_become_these_projects(row, expected):
    got = project(importer.import_file(MESSY), row)
    for column, value in expected.items():
        actual = got[column]
        if value is None:
            assert pd.isna(actual), f"{column}: {actual!r}"
        else:
            assert actual == value, f"{column}: {actual!r} != {value!r}"


def test_messy_csv_unknown_columns_and_odd_sources_are_warnings():
    warnings = importer.import_file(MESSY).warnings
    assert [(w.row, w.column) for w in warnings] == [(None, None), (10, "Lien")]
    assert "« Remarques »" in warnings[0].message


def test_unknown_amounts_stay_unknown_never_zero():
    result = run([HEADER, line("A", mrc="La Mitis", amount=""), line("B", mrc="La Mitis", amount="0")])
    assert math.isnan(project(result, 2).amount_fqis) and project(result, 3).amount_fqis == 0


# --- XLSX ---------------------------------------------------------------------------------------

def test_the_same_content_as_xlsx_gives_the_same_result():
    from_csv = importer.import_file(MESSY)
    from_xlsx = import_spreadsheet(xlsx_bytes(FIXTURE_SCRIPT.MESSY_ROWS), "coordinator_messy.xlsx")
    assert from_xlsx.header_row == 4 and from_xlsx.rows_read == from_csv.rows_read
    assert [e.to_dict() for e in from_xlsx.errors] == [e.to_dict() for e in from_csv.errors]
    same_source = from_xlsx.projects.source_url.str.replace(".xlsx", ".csv")
    pd.testing.assert_frame_equal(from_xlsx.projects.assign(source_url=same_source), from_csv.projects)


def test_xlsx_numbers_come_through_as_numbers():
    rows = [["Projets 2020"], [], HEADER + ["Longitude", "Latitude"],
            ["A", "Org", "", "", "", 105000, 2020, -68.523, 48.449],
            ["B", "Org", "La Mitis", "", "", 35700.5, 2021.0, "", ""]]
    result = import_spreadsheet(xlsx_bytes(rows), "n.xlsx")
    assert valid_rows(result) == [4, 5] and not result.errors
    a, b = project(result, 4), project(result, 5)
    assert a.amount_fqis == 105000 and a.start_year == 2020 and a.location_precision == "point"
    assert a.mrc_ids == "rimouski-neigette" and (a.lon, a.lat) == (-68.523, 48.449)
    assert b.amount_fqis == 35700.5 and b.start_year == 2021


def test_xlsx_on_a_later_sheet_is_found_and_the_sheet_is_named():
    data = xlsx_bytes([HEADER, line("A", mrc="La Mitis", amount="5 000 $")], sheet="Projets", before=["Notes"])
    result = import_spreadsheet(data, "s.xlsx")
    assert result.sheet == "Projets" and valid_rows(result) == [2]
    assert any("Projets" in w.message for w in result.warnings)


def _with_cached_value(data: bytes, formula: str, cached: str) -> bytes:
    """Give a formula the result a spreadsheet program would have saved (openpyxl saves none)."""
    source, out = zipfile.ZipFile(io.BytesIO(data)), io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for item in source.infolist():
            content = source.read(item.filename)
            if item.filename == "xl/worksheets/sheet1.xml":
                # An empty value is written « <v /> », or « <v></v> » when openpyxl writes with lxml (feedgen brings it).
                before = re.search(rb"<f>" + re.escape(formula.encode()) + rb"</f>(?:<v ?/>|<v></v>)", content)
                assert before
                content = content.replace(before.group(0), f"<f>{formula}</f><v>{cached}</v>".encode())
            target.writestr(item, content)
    return out.getvalue()


def test_a_formula_is_never_evaluated_the_saved_value_is_read():
    rows = [HEADER, line("A", mrc="La Mitis", amount="=100000*2"), line("B", mrc="La Mitis", amount="=1+1")]
    data = xlsx_bytes(rows)
    # No saved value: reported on that cell, not computed (200 000) nor read as the text "=100000*2".
    result = import_spreadsheet(data, "f.xlsx")
    assert error_cells(result) == [(2, "Montant accordé"), (3, "Montant accordé")]
    assert "formule" in result.errors[0].message and result.rows_valid == 0
    # The saved value (deliberately not the formula's result) is what is read.
    result = import_spreadsheet(_with_cached_value(data, "100000*2", "777"), "f.xlsx")
    assert valid_rows(result) == [2] and project(result, 2).amount_fqis == 777
    assert error_cells(result) == [(3, "Montant accordé")]


def test_a_formula_in_a_csv_is_never_computed_and_never_kept_as_text():
    """Not computed (the amount is not a number), and a text cell a spreadsheet would run once
    data/projects.csv is opened in it is refused (issue #27)."""
    result = run([HEADER, line("=1+1", mrc="La Mitis", amount="=2+2")])
    assert error_cells(result) == [(2, "Nom du projet"), (2, "Montant accordé")]
    assert "formule" in result.errors[0].message and "=2+2" in result.errors[1].message


# --- CSV dialects and encodings ------------------------------------------------------------------

@pytest.mark.parametrize("encoding,delimiter", [
    ("utf-8", ","), ("utf-8-sig", ";"), ("utf-8-sig", ","), ("cp1252", ";"), ("cp1252", ","), ("utf-16", "\t"),
])
def test_csv_encodings_and_delimiters(encoding, delimiter):
    rows = [["Liste, version 2"], HEADER, line("Épicerie", "Coop", mrc="Témiscouata", amount="1 000 $")]
    data = csv_text(rows, delimiter).encode(encoding)
    result = import_spreadsheet(data, "e.csv")
    assert valid_rows(result) == [3] and result.header_row == 2
    got = project(result, 3)
    assert got.title == "Épicerie" and got.mrc_ids == "temiscouata" and got.amount_fqis == 1000


def test_excel_sep_line_is_honoured_and_not_counted_as_a_row():
    data = ("sep=;\n" + csv_text([HEADER, line("A", mrc="La Mitis", amount="1,5")])).encode()
    result = import_spreadsheet(data, "sep.csv")
    assert result.header_row == 1 and valid_rows(result) == [2] and project(result, 2).amount_fqis == 1.5


def test_a_quoted_line_break_stays_in_its_row():
    rows = [HEADER, line("Deux\nlignes", mrc="La Mitis"), line("", mrc="La Mitis")]
    result = run(rows)
    assert valid_rows(result) == [2] and error_cells(result) == [(3, "Nom du projet")]


def test_a_single_known_word_above_the_header_is_not_the_header():
    rows = [["Projet"], ["", ""], ["Projet", "Promoteur", "Territoire", "Subvention"], ["A", "B", "La Mitis", "5 $"]]
    result = run(rows)
    assert result.header_row == 3 and valid_rows(result) == [4]


# --- places ---------------------------------------------------------------------------------------

@pytest.mark.parametrize("typed,expected", [
    ("Robert-Cliche", "beauce-centre"), ("Matane", "la-matanie"), ("MRC DE LA MATANIE", "la-matanie"),
    ("mrc de la matanie", "la-matanie"), ("Temiscouata", "temiscouata"), ("L'ÎLE-D'ORLÉANS", "l-ile-d-orleans"),
])
def test_mrc_column_accepts_how_people_write_names(typed, expected):
    result = run([HEADER, line(mrc=typed)])
    assert project(result, 2).mrc_ids == expected


def test_several_mrc_in_one_cell_and_a_regional_project():
    result = run([HEADER, line("A", mrc="Rimouski-Neigette; La Mitis"), line("B", mrc="La Mitis et Kamouraska"),
                  line("C", mrc="Régional", region="Bas-Saint-Laurent"), line("D", mrc="Régional"),
                  line("E", mrc="La Mitis / Coaticook")])
    assert project(result, 2).mrc_ids == "rimouski-neigette;la-mitis"
    assert project(result, 3).mrc_ids == "la-mitis;kamouraska"
    c = project(result, 4)
    assert pd.isna(c.mrc_ids) and c.region_code == "01" and c.location_precision == "region"
    assert c.alliance_id == "bas-saint-laurent"
    assert error_cells(result) == [(5, "MRC"), (6, "MRC")]
    assert "région" in result.errors[0].message and "régions différentes" in result.errors[1].message


def test_a_municipality_typed_in_the_mrc_column_gets_a_hint_not_a_guess():
    result = run([HEADER, line(mrc="Rimouski")])
    assert error_cells(result) == [(2, "MRC")]
    assert "Rimouski-Neigette" in result.errors[0].message


@pytest.mark.parametrize("municipality,region,expected_mrc,error", [
    ("Gatineau", "", "gatineau", None),
    ("Ville de Québec", "", "quebec", None),
    ("St-Georges", "", "beauce-sartigan", None),
    ("Clermont", "", None, "Municipalité"),          # two Clermont: not placed
    ("Clermont", "Capitale-Nationale", "charlevoix-est", None),  # the region says which Clermont
    ("Clermont", "Estrie", None, "Municipalité"),    # neither Clermont is in Estrie
    ("Saint-Inconnu", "", None, "Municipalité"),
    ("Saint-Inconnu", "Estrie", None, None),         # unknown: placed at the region, with a warning
    ("Baie-D'Urfé", "", "montreal", None),           # a city outside any MRC: its TE
    ("Chibougamau", "", "jamesie", None),            # in Jamésie, one of three TE of census division 2499
    ("Chisasibi", "", "eeyou-istchee", None),        # a Cree village: Eeyou Istchee
    ("Ange-Gardien", "", "rouville", None),          # not one of the two « L'Ange-Gardien »
    ("Municipalité de Saint-Ferdinand", "", "l-erable", None),
    ("Sherbrooke", "Estrie", "sherbrooke", None),
    ("Sherbrooke", "Outaouais", None, "Région"),
])
def test_municipality_only_rows(municipality, region, expected_mrc, error):
    result = run([HEADER, line(municipality=municipality, region=region)])
    if error:
        assert error_cells(result) == [(2, error)] and result.rows_valid == 0
        return
    got = project(result, 2)
    assert got.municipality == municipality
    if expected_mrc:
        assert got.mrc_ids == expected_mrc and got.location_precision == "municipality"
    else:
        assert pd.isna(got.mrc_ids) and got.location_precision == "region"
        assert [(w.row, w.column) for w in result.warnings] == [(2, "Municipalité")]


def test_municipality_and_mrc_must_agree():
    result = run([HEADER, line(mrc="Pontiac", municipality="Gatineau"), line(mrc="Gatineau", municipality="gatineau")])
    assert error_cells(result) == [(2, "Municipalité")] and valid_rows(result) == [3]


def test_points_are_placed_and_checked():
    header = HEADER + ["Lon", "Lat"]
    rows = [header,
            line("Rimouski") + ["-68,523", "48,449"],              # decimal commas
            line("Toronto") + ["-79.38", "43.65"],
            line("Inversé") + ["48.449", "-68.523"],
            line("Désaccord", mrc="Kamouraska") + ["-68.523", "48.449"],
            line("Moitié") + ["-68.523", ""],
            line("Texte") + ["ouest", "48.4"]]
    result = run([r + [""] * (len(header) - len(r)) for r in rows])
    got = project(result, 2)
    assert got.location_precision == "point" and got.mrc_ids == "rimouski-neigette" and got.lon == -68.523
    assert error_cells(result) == [(3, "Lon"), (4, "Lon"), (5, "Lon"), (6, "Lat"), (7, "Lon")]
    messages = [e.message for e in result.errors]
    assert "pas au Québec" in messages[0] and "inversées" in messages[1] and "Rimouski-Neigette" in messages[2]


def test_no_location_at_all_is_an_error():
    result = run([HEADER, line("A")])
    assert error_cells(result) == [(2, "MRC")] and "localisation" in result.errors[0].message


def test_regions_by_code_name_or_both():
    result = run([HEADER, line("A", region="05"), line("B", region="11 - Gaspésie–Îles-de-la-Madeleine"),
                  line("C", region="12 - Estrie"), line("D", region="Gaspésie")])
    assert project(result, 2).region_code == "05" and project(result, 3).region_code == "11"
    assert pd.isna(project(result, 3).alliance_id)  # Gaspésie and the Îles have one Alliance each
    assert error_cells(result) == [(4, "Région"), (5, "Région")]


def test_alliance_follows_the_cycle_of_the_project():
    # Brome-Missisquoi was served by the Montérégie Alliance in PAGIEPS 2017–2023, by Estrie since.
    result = run([HEADER, line("A", mrc="Brome-Missisquoi", year="2019"), line("B", mrc="Brome-Missisquoi", year="2025"),
                  line("C", mrc="Brome-Missisquoi"), line("D", region="Estrie", year="2019"),
                  line("E", region="Estrie", year="2025")])
    alliances = result.projects.set_index("project_id").alliance_id
    assert alliances["import-2"] == "monteregie" and alliances["import-3"] == "estrie"
    assert alliances["import-4"] == "estrie"
    assert pd.isna(alliances["import-5"])  # in 2019 Estrie's MRC were split between two Alliances
    assert alliances["import-6"] == "estrie"


# --- other cells ---------------------------------------------------------------------------------

@pytest.mark.parametrize("year,cycle", [
    ("2012", "pagsis-2010-2015"), ("2016", None), ("2017", "pagieps-2017-2023"), ("2022", "pagieps-2017-2023"),
    ("2023", "transition-2023-2024"), ("2024", "plan-2024-2029"), ("2029", "plan-2024-2029"), ("", None),
])
def test_cycle_from_start_year(year, cycle):
    got = project(run([HEADER, line(mrc="La Mitis", year=year)]), 2)
    assert (pd.isna(got.cycle) if cycle is None else got.cycle == cycle)


def test_bad_years():
    header = HEADER + ["Année de fin"]
    result = run([header, line("A", mrc="La Mitis", year="1999") + [""], line("B", mrc="La Mitis", year="vers 2020") + [""],
                  line("C", mrc="La Mitis", year="2021") + ["2019"]])
    assert error_cells(result) == [(2, "Année"), (3, "Année"), (4, "Année de fin")]


@pytest.mark.parametrize("text,themes", [
    ("Logement", "logement"), ("LOGEMENT", "logement"), ("securite alimentaire", "securite-alimentaire"),
    ("Food security", "securite-alimentaire"), ("Logement; Transport et mobilité", "logement;transport-mobilite"),
    ("Logement et autres", None), ("Lutte à la pauvreté", None),
])
def test_themes_only_from_exact_labels(text, themes):
    rows = [HEADER + ["Priorités"], line(mrc="La Mitis") + [text]]
    got = project(run(rows), 2)
    assert got.priorities_original == text
    assert (pd.isna(got.themes) if themes is None else got.themes == themes)


def test_missing_required_columns_reject_the_file_once():
    result = run([["Nom du projet", "MRC", "Montant"], ["A", "La Mitis", "5 $"], ["B", "La Mitis", "6 $"]])
    assert result.rows_read == 2 and result.rows_valid == 0 and len(result.projects) == 0
    assert error_cells(result) == [(None, None)] and "Organisme porteur" in result.errors[0].message
    result = run([["Nom du projet", "Organisme", "Montant"], ["A", "B", "5 $"]])
    assert "localisation" in result.errors[0].message


def test_too_long_text_is_an_error_on_its_cell():
    result = run([HEADER, line("x" * 501, mrc="La Mitis")])
    assert error_cells(result) == [(2, "Nom du projet")] and "501" in result.errors[0].message


def test_duplicate_columns_first_one_wins_with_a_warning():
    header = ["Projet", "Organisme", "MRC", "Montant", "Subvention"]
    result = run([header, ["A", "B", "La Mitis", "5 $", "7 $"]])
    assert project(result, 2).amount_fqis == 5
    assert any("Subvention" in w.message for w in result.warnings)


def test_english_messages():
    result = import_spreadsheet(MESSY.read_bytes(), "coordinator_messy.csv", lang="en")
    messages = {(e.row, e.column): e.message for e in result.errors}
    assert messages[(11, "MRC/TE")] == "unknown MRC: « Toronto »"
    assert messages[(13, "Nom du Projet")] == "project name missing"
    assert "Rows read:" in result.report() and "ligne" not in result.report()


def test_every_message_has_french_and_english_with_the_same_placeholders():
    fields = lambda text: sorted(name for _, name, _, _ in string.Formatter().parse(text) if name)  # noqa: E731
    for code, (fr, en) in import_messages.MESSAGES.items():
        assert fr and en and fr != en or code == "schema", code
        assert fields(fr) == fields(en), code


def test_french_report_is_readable():
    report = importer.import_file(MESSY).report()
    assert "Lignes lues : 15 ; valides : 7 ; rejetées : 8." in report
    assert "ligne 11, colonne « MRC/TE » : MRC inconnue : « Toronto »" in report


# --- parsing -------------------------------------------------------------------------------------

@pytest.mark.parametrize("text,expected", [
    ("105 000 $", 105000), ("105 000,00 $", 105000), ("105\u00a0000,00\u00a0$", 105000),
    ("105\u202f000,00 $", 105000), ("35 700,50 $", 35700.5), ("105000.5", 105000.5), ("1,234.56", 1234.56),
    ("$105,000", 105000), ("105 000$", 105000), ("1.234,56", 1234.56), ("12,5", 12.5), ("1 000 $CA", 1000),
    ("CAD 1,000", 1000), ("0", 0), (105000, 105000), (35700.5, 35700.5),
])
def test_amounts_people_type(text, expected):
    assert parse_amount(text) == (expected, None)


@pytest.mark.parametrize("text,error", [
    ("-5 000 $", "amount_negative"), ("(5 000 $)", "amount_negative"), (-1, "amount_negative"),
    ("60 000 000 $", "amount_too_large"), (50_000_000.01, "amount_too_large"),
    ("beaucoup", "amount_not_number"), ("NaN", "amount_not_number"), ("1e5", "amount_not_number"),
    ("1050 00", "amount_not_number"), ("1,23,4", "amount_not_number"), ("5 $ + 3 $", "amount_not_number"),
    (True, "amount_not_number"), (float("inf"), "amount_not_number"), ("#REF!", "amount_not_number"),
])
def test_amounts_that_are_refused(text, error):
    assert parse_amount(text) == (None, error)


@pytest.mark.parametrize("blank", ["", "   ", "\u00a0", None, float("nan")])
def test_a_blank_amount_is_unknown_not_zero(blank):
    value, error = parse_amount(blank)
    assert error is None and math.isnan(value)


cents = st.decimals(min_value=0, max_value=parsing.MAX_AMOUNT, places=2, allow_nan=False, allow_infinity=False)


@given(cents, st.sampled_from(["fr_CA", "fr_FR", "en_CA"]), st.booleans())
def test_an_amount_formatted_by_babel_parses_back_to_itself(amount, locale, currency):
    text = format_currency(amount, "CAD", locale=locale) if currency else format_decimal(amount, locale=locale)
    value, error = parse_amount(text)
    assert error is None, text
    assert Decimal(str(value)).quantize(Decimal("0.01")) == amount, text


@given(st.one_of(st.text(max_size=40), st.text(alphabet="0123456789 ,.$-()\u00a0\u202fCAD", max_size=20),
                 st.floats(), st.integers(), st.none(), st.booleans()))
def test_amount_parser_never_raises_on_garbage(value):
    amount, error = parse_amount(value)
    if error is None:
        assert math.isnan(amount) or 0 <= amount <= parsing.MAX_AMOUNT
    else:
        assert amount is None and error in import_messages.MESSAGES


def _retyped(data, text: str) -> str:
    """`text` with each letter's case and accent changed at random."""
    out = []
    for ch in text:
        if data.draw(st.booleans()):
            ch = strip_accents(ch)
        out.append(ch.upper() if data.draw(st.booleans()) else ch.lower())
    return "".join(out)


@given(st.data())
def test_official_mrc_names_match_whatever_their_case_and_accents(data):
    mrc = layers.territories("mrc")
    row = mrc.iloc[data.draw(st.integers(0, len(mrc) - 1))]
    prefix = data.draw(st.sampled_from(["", "MRC ", "MRC de ", "mrc de "]))
    assert find_mrc(prefix + _retyped(data, row["name"])).id == row.mrc_id


@given(st.data())
def test_header_synonyms_match_whatever_their_case_and_accents(data):
    name = data.draw(st.sampled_from(list(COLUMN_SYNONYMS)))
    synonym = data.draw(st.sampled_from(COLUMN_SYNONYMS[name]))
    assert header_field(_retyped(data, synonym)) == name
    assert header_field(f"  {synonym} ($) ") == name


def test_header_synonyms_of_the_brief():
    for text, name in [("« Nom du projet »", "title"), ("Project name", "title"), ("ORGANISME PORTEUR", "promoter"),
                       ("MRC/TE", "mrc"), ("Montant accordé ($)", "amount"), ("Coût total", "total_cost"),
                       ("Année de début", "start_year"), ("Année de fin", "end_year"), ("Lat", "lat"),
                       ("URL", "source"), ("Priorités", "priority"), ("Remarques", None)]:
        assert header_field(text.strip("« »")) == name, text


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.lists(st.lists(st.sampled_from(["", "", "A", "Org", "La Mitis", "Toronto", "Rimouski", "05", "Estrie",
                                          "105 000 $", "-3", "abc", "2019", "2050", "Total", "Logement"]),
                         min_size=7, max_size=7), max_size=12))
def test_any_rows_end_valid_or_in_the_errors(rows):
    result = run([HEADER] + rows)
    non_empty = {i + 2 for i, row in enumerate(rows) if any(row)}
    valid, rejected = set(valid_rows(result)), {e.row for e in result.errors}
    assert valid | rejected == non_empty and not valid & rejected
    assert result.rows_read == len(non_empty) and result.rows_valid == len(valid)


# --- gazetteer -----------------------------------------------------------------------------------

def test_city_territories_and_seats_are_placed():
    for mrc_id in CITY_TERRITORIES:
        name = layers.territories("mrc").loc[mrc_id, "name"]
        assert place_municipality(name).mrc_id == mrc_id, name
        assert place_municipality(name.upper()).mrc_id == mrc_id, name
    for seat, mrc_id in [("Rimouski", "rimouski-neigette"), ("Val-d'Or", "la-vallee-de-l-or"), ("Amqui", "la-matapedia"),
                         ("Sept-Îles", "sept-rivieres"), ("sept iles", "sept-rivieres"), ("Kuujjuaq", "administration-regionale-kativik")]:
        assert place_municipality(seat).mrc_id == mrc_id, seat


def test_every_municipality_of_the_repertoire_is_placed_in_its_mrc_or_reported_as_shared():
    municipalities = layers.municipalities()
    assert len(municipalities) == 1130 and municipalities.mcode.is_unique
    assert set(municipalities.mrc_id) == set(layers.territories("mrc").mrc_id)  # every MRC/TE has some
    placements = [place_municipality(name) for name in municipalities.name]
    for (name, mrc_id), place in zip(zip(municipalities.name, municipalities.mrc_id), placements):
        assert place.mrc_id == mrc_id or (place.ambiguous and mrc_id in place.candidates), name
    shared = municipalities[[p.ambiguous for p in placements]]
    by_name = shared.groupby("name").mrc_id.nunique()
    assert len(shared) > 0 and (by_name >= 2).all()  # a name is ambiguous only across MRC


def test_the_gazetteer_never_guesses():
    clermont = place_municipality("Clermont")
    assert not clermont.found and clermont.ambiguous and set(clermont.candidates) == {"charlevoix-est", "abitibi-ouest"}
    for name in ["", None, "Saint-Inconnu", "Rimouski-Neigette", "Abitibi"]:
        assert not place_municipality(name).found, name
    assert all(ids for ids in gazetteer().values())


# --- limits and unreadable files -----------------------------------------------------------------

def test_a_file_over_the_size_limit_is_refused_before_parsing():
    with pytest.raises(UnreadableFile, match="gros.csv.*trop volumineux") as failure:
        import_spreadsheet(b"x" * (spreadsheet.MAX_FILE_BYTES + 1), "gros.csv")
    assert failure.value.code == "file_too_large"


def test_too_many_rows(monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_ROWS", 3)
    rows = [HEADER] + [line(str(i), mrc="La Mitis") for i in range(4)]
    with pytest.raises(UnreadableFile, match="trop de lignes"):
        run(rows)
    assert run(rows[:4]).rows_valid == 3


@pytest.mark.parametrize("name,data,code", [
    ("projets.pdf", b"%PDF-1.4", "unsupported_type"),
    ("projets", b"a;b", "unsupported_type"),
    ("projets.xls", b"\xd0\xcf\x11\xe0", "legacy_xls"),
    ("projets.xlsx", b"Nom du projet;Organisme\nA;B\n", "xlsx_unreadable"),
    ("projets.csv", b"PK\x03\x04 a zip", "csv_binary"),
    ("projets.csv", b"Nom\x00du projet", "csv_binary"),
    ("projets.csv", b"  \n\n", "empty_file"),
    ("projets.csv", b"Liste\nA;B\n1;2\n", "no_header"),
    ("projets.csv", "Nom du projet;Organisme\n\x81\x8d;B\n".encode("latin-1"), "csv_encoding"),
])
def test_unreadable_files_name_the_file(name, data, code):
    with pytest.raises(UnreadableFile) as failure:
        import_spreadsheet(data, f"dossier/{name}")
    assert failure.value.code == code and str(failure.value).startswith(name)


def test_a_workbook_that_inflates_too_much_is_refused_before_parsing(monkeypatch):
    data = xlsx_bytes([HEADER, line(mrc="La Mitis")])
    assert import_spreadsheet(data, "ok.xlsx").rows_valid == 1
    monkeypatch.setattr(spreadsheet, "MAX_UNCOMPRESSED_BYTES", 5_000)
    with pytest.raises(UnreadableFile, match="décompressé"):
        import_spreadsheet(data, "ok.xlsx")


def test_a_decompression_bomb_is_refused_by_its_ratio(monkeypatch):
    def never(*args, **kwargs):
        raise AssertionError("openpyxl must not open a bomb")

    monkeypatch.setattr(spreadsheet, "_open_workbook", never)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as bomb:
        bomb.writestr("[Content_Types].xml", "<Types/>")
        bomb.writestr("xl/worksheets/sheet1.xml", b"0" * 20_000_000)
    with pytest.raises(UnreadableFile, match="taux de compression"):
        import_spreadsheet(out.getvalue(), "bombe.xlsx")


# --- command line --------------------------------------------------------------------------------

def cli(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "data.importer", "check", *args], cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


def _no_nan(text: str):
    raise ValueError(f"JSON must not contain {text}")


def test_cli_exit_codes_and_json(tmp_path):
    clean = cli(str(CLEAN))
    assert clean.returncode == 0, clean.stderr
    assert "Lignes lues : 2 ; valides : 2 ; rejetées : 0." in clean.stdout

    messy = cli(str(MESSY), "--json")
    assert messy.returncode == 1, messy.stderr
    report = json.loads(messy.stdout, parse_constant=_no_nan)
    assert {"rows_read", "rows_valid", "errors", "projects"} <= set(report)
    assert (report["rows_read"], report["rows_valid"]) == (15, 7)
    assert [(e["row"], e["column"]) for e in report["errors"]] == MESSY_ERRORS
    assert all(set(e) == {"row", "column", "message"} for e in report["errors"])
    first = report["projects"][0]
    assert {"title", "promoter", "mrc_id", "mrc_name", "region_code", "amount"} <= set(first)
    assert (first["title"], first["mrc_id"], first["mrc_name"], first["region_code"], first["amount"]) == \
        ("Cuisines collectives", "la-matanie", "La Matanie", "01", 105000.0)
    nord = next(p for p in report["projects"] if p["row"] == 19)
    assert nord["mrc_id"] is None and nord["amount"] == 50000.0 and nord["lon"] is None

    english = cli(str(MESSY), "--lang", "en")
    assert english.returncode == 1 and "unknown MRC: « Toronto »" in english.stdout

    wrong = tmp_path / "projets.docx"
    wrong.write_bytes(b"PK\x03\x04")
    big = tmp_path / "enorme.csv"
    big.write_bytes(b"x" * (spreadsheet.MAX_FILE_BYTES + 1))
    for path, words in [(wrong, "non pris en charge"), (big, "trop volumineux"), (tmp_path / "absent.csv", "introuvable")]:
        refused = cli(str(path), "--json")
        assert refused.returncode == 2, refused.stderr
        assert path.name in refused.stderr and words in refused.stderr
        assert json.loads(refused.stdout)["error"] == refused.stderr.strip()


def test_a_header_without_rows_is_an_empty_valid_import():
    result = run([["Titre"], HEADER, ["", "", ""]])
    assert (result.rows_read, result.rows_valid, result.errors) == (0, 0, [])
    assert [w.message for w in result.warnings] == ["aucune ligne de projet sous l'en-tête"]
    assert list(result.projects.columns) == list(schema.PROJECT_COLUMNS) and result.projects.empty


def test_columns_beyond_the_limit_are_announced(monkeypatch):
    monkeypatch.setattr(spreadsheet, "MAX_COLUMNS", 8)
    rows = [HEADER + ["", "", "Montant FQIS"], line("A", mrc="La Mitis") + ["", "", "5 $"]]
    result = import_spreadsheet(xlsx_bytes(rows), "large.xlsx")
    assert valid_rows(result) == [2] and math.isnan(project(result, 2).amount_fqis)
    assert any("au-delà" in w.message for w in result.warnings)


# --- coordinators' own wording, municipalities anywhere in Québec ---------------------------------

ENGLISH = FIXTURES / "coordinator_english.csv"
FRENCH_WORDS = FIXTURES / "coordinator_french_words.csv"
# row → (mrc_ids, location_precision) of every valid row; and the exact cells in error.
ENGLISH_VALID = {2: ("sept-rivieres", "municipality"), 3: ("pontiac", "mrc"),
                 4: ("les-collines-de-l-outaouais", "municipality"), 6: ("la-cote-de-beaupre", "municipality"),
                 7: ("longueuil", "municipality"), 9: ("pontiac", "mrc")}
ENGLISH_ERRORS = [(5, "City / Town"), (8, "RCM")]
FRENCH_VALID = {3: ("la-mitis", "municipality"), 4: ("charlevoix-est", "municipality"),
                6: ("les-moulins", "municipality"), 7: ("beauce-sartigan", "municipality"),
                8: ("beauce-sartigan", "municipality")}
FRENCH_ERRORS = [(5, "Municipalité / Ville"), (9, "Municipalité / Ville"), (10, "Municipalité / Ville"),
                 (11, "Montant demandé au FQIS")]


def _placed(result) -> dict[int, tuple]:
    return {int(p.project_id.removeprefix("import-")): (p.mrc_ids, p.location_precision)
            for p in result.projects.itertuples()}


@pytest.mark.parametrize("as_xlsx", [False, True])
def test_english_headers_and_shared_municipality_names(as_xlsx):
    result = (import_spreadsheet(xlsx_bytes(FIXTURE_SCRIPT.ENGLISH_ROWS), "coordinator_english.xlsx") if as_xlsx
              else importer.import_file(ENGLISH))
    assert _placed(result) == ENGLISH_VALID
    assert error_cells(result) == ENGLISH_ERRORS
    pantry = project(result, 2)
    assert (pantry.amount_fqis, pantry.total_cost, pantry.start_year, pantry.themes) == \
        (12500.0, 20000.0, 2021, "securite-alimentaire")
    assert "La Mitis (01 Bas-Saint-Laurent) ou Matawinie (14 Lanaudière)" in result.errors[0].message
    assert [w.message for w in result.warnings] == ["colonnes ignorées (non reconnues) : « Project description »"]


@pytest.mark.parametrize("as_xlsx", [False, True])
def test_french_headers_in_a_coordinators_own_words(as_xlsx):
    result = (import_spreadsheet(xlsx_bytes(FIXTURE_SCRIPT.FRENCH_ROWS), "coordinator_french_words.xlsx") if as_xlsx
              else importer.import_file(FRENCH_WORDS))
    assert result.header_row == 2
    assert _placed(result) == FRENCH_VALID
    assert error_cells(result) == FRENCH_ERRORS
    messages = [e.message for e in result.errors]
    assert "« Clermont »" in messages[0] and "Abitibi-Ouest (08 Abitibi-Témiscamingue) ou Charlevoix-Est" in messages[0]
    assert "Saint-Inconnu-du-Lac" in messages[1] and "Gatineau" in messages[2] and "Pontiac" in messages[2]
    assert project(result, 3).amount_fqis == 25000 and project(result, 4).themes == "logement"
    warnings = [w.message for w in result.warnings]
    assert any("« Description du projet »" in w for w in warnings)  # a description is not a title
    assert any(w.startswith("« Montant demandé au FQIS » est lue comme « Montant accordé »") for w in warnings)


def test_shared_municipality_names_in_english():
    result = import_spreadsheet(ENGLISH.read_bytes(), "coordinator_english.csv", lang="en")
    assert result.errors[0].message == ("several municipalities are called « Saint-Donat »: MRC La Mitis "
                                        "(01 Bas-Saint-Laurent) or Matawinie (14 Lanaudière); give the MRC "
                                        "(« MRC » column) or the region")


def test_a_description_column_is_not_read_as_the_title():
    result = run([["Description du projet", "Organisme", "MRC"], ["Un long texte", "B", "La Mitis"]])
    assert result.rows_valid == 0 and error_cells(result) == [(None, None)]
    assert "« Description du projet » décrit le projet" in result.errors[0].message


def test_a_requested_amount_gives_way_to_a_granted_one():
    result = run([["Projet", "Organisme", "MRC", "Montant demandé au FQIS", "Montant accordé"],
                  ["A", "B", "La Mitis", "9 000 $", "5 000 $"]])
    assert project(result, 2).amount_fqis == 5000
    assert any("« Montant demandé au FQIS »" in w.message and "ignorées" in w.message for w in result.warnings)


@pytest.mark.parametrize("header,name", [
    ("RCM", "mrc"), ("Grant", "amount"), ("City", "municipality"), ("Town", "municipality"), ("Theme", "priority"),
    ("Thème", "priority"), ("Organization", "promoter"), ("Organisme bénéficiaire", "promoter"),
    ("Amount ($)", "amount"), ("Montant ($)", "amount"), ("Nom de l'organisme promoteur", "promoter"),
    ("Titre de l'initiative", "title"), ("Initiative", "title"), ("Municipalité / Ville", "municipality"),
    ("Localisation", "municipality"), ("Year awarded", "start_year"), ("Funding", "amount"),
    ("FQIS contribution", "amount"), ("Région administrative", "region"), ("Territory", "mrc"),
    ("Description du projet", None), ("Montant demandé au FQIS", None),
])
def test_header_words_of_bilingual_coordinators(header, name):
    assert header_field(header) == name
    assert header_field(header.upper()) == name


def test_no_header_synonym_names_two_fields():
    keys = [(parsing.header_key(s), name) for name, synonyms in COLUMN_SYNONYMS.items() for s in synonyms]
    keys += [(parsing.header_key(s), "fallback:" + name) for name, synonyms in parsing.FALLBACK_SYNONYMS.items()
             for s in synonyms]
    fields_by_key: dict[str, set] = {}
    for key, name in keys:
        fields_by_key.setdefault(key, set()).add(name)
    assert {k: v for k, v in fields_by_key.items() if len(v) > 1} == {}
    with pytest.raises(ValueError, match="names both"):
        parsing._field_by_key({"title": ("Projet",), "promoter": ("projet",)})
