"""What the importer keeps of a coordinator's text (issue #27, finding 5): no invisible or
direction-reversing characters, look-alike letters do not hide a duplicate, addresses checked by an
RFC 3986 parser, and no cell a spreadsheet would run as a formula."""
from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from data import append, importer
from data.parsing import cell_text, is_http_url, skeleton

ROOT = Path(__file__).resolve().parents[1]
URL = "https://example.org/alliance/projets-2024"
HEADER = "Nom du projet,Organisme porteur,Municipalité,MRC,Montant accordé,Source\n"
# A row of data/projects.csv (lan-2021-travailleur-de-rue-mascouche), as a coordinator would type it.
MASCOUCHE = "{title},Travail de rue le Trajet,Mascouche,Les Moulins,105 000 $,\n"


def _sheet(tmp_path: Path, *rows: str) -> Path:
    path = tmp_path / "projets.csv"
    path.write_text(HEADER + "".join(rows), encoding="utf-8")
    return path


@pytest.fixture()
def target(tmp_path) -> Path:
    folder = tmp_path / "data"
    folder.mkdir()
    return Path(shutil.copyfile(ROOT / "data" / "projects.csv", folder / "projects.csv"))


def test_bidi_controls_and_zero_width_characters_are_removed_from_public_text(tmp_path):
    sheet = _sheet(tmp_path, "Cuisine\u200b collective \u202eevitcelloc\u202c,Maison\u2060 de la famille\ufeff,"
                             "Mascouche,Les Moulins,1 000 $,\n")
    result = importer.import_file(sheet)
    title, promoter = result.projects.loc[0, ["title", "promoter"]]
    assert title == "Cuisine collective evitcelloc" and promoter == "Maison de la famille"
    assert cell_text("\u200b\u200d") is None  # nothing visible is a blank cell
    assert cell_text("ＦＱＩＳ ﬁnancement") == "FQIS financement"  # NFKC: full-width letters, ligatures


@pytest.mark.parametrize("title", [
    "Travailleur de rue secteur Mascouchе",  # the last « е » is Cyrillic
    "Travailleur de rue sec\u200bteur Mascouche",  # a zero-width space inside a word
    "Travailleur de rue secteur Ｍascouche",  # a full-width « Ｍ »
    "Trаvailleur de rue secteur Mascouche",  # Cyrillic « а »
])
def test_a_look_alike_of_a_published_project_is_a_duplicate(tmp_path, target, title):
    result = importer.import_file(_sheet(tmp_path, MASCOUCHE.format(title=title)))
    plan = append.plan_add(result, target, URL)
    assert plan.rows == []
    assert [d.existing_id for d in plan.duplicates] == ["lan-2021-travailleur-de-rue-mascouche"]


def test_the_skeleton_keeps_ascii_letters_and_digits_apart():
    assert skeleton("Phase I") != skeleton("Phase 1")
    assert skeleton("Cuisinе") == skeleton("cuisine") == skeleton("CUI\u00adSINE")


@pytest.mark.parametrize("url", ['https://example.org/x"onmouseover="alert(1)', "https://example.org/<b>",
                                 "https://exa mple.org/", "https://example.org/\x07", "https://",
                                 "http:///chemin", "https://example.org:99999/", "javascript:alert(1)"])
def test_addresses_that_are_not_rfc3986_http_urls_are_refused(url):
    assert not is_http_url(url)


@pytest.mark.parametrize("url", ["https://www.quebec.ca/nouvelles/2024", "http://example.org/a?b=1&c=2#d",
                                 "https://example.org/projets-financés", "https://example.org/%C3%A9t%C3%A9"])
def test_real_addresses_are_accepted(url):
    assert is_http_url(url)


def test_add_refuses_a_source_url_with_a_quote_and_writes_nothing(tmp_path, target):
    original = target.read_bytes()
    sheet = _sheet(tmp_path, "Frigo communautaire,Centre d'action bénévole,Mont-Joli,La Mitis,25 000 $,\n")
    run = subprocess.run([sys.executable, "-m", "data.importer", "add", str(sheet), "--source-url",
                          'https://example.org/a"b', "--into", str(target)], cwd=ROOT, capture_output=True,
                         text=True, timeout=120, check=False)
    assert run.returncode == 2 and "n'est pas une adresse web" in run.stderr
    assert target.read_bytes() == original


def test_a_source_cell_with_a_quote_is_not_kept_as_an_address(tmp_path):
    sheet = _sheet(tmp_path, 'Frigo communautaire,Centre,Mont-Joli,La Mitis,25 000 $,"https://a.org/x""y"\n')
    result = importer.import_file(sheet)
    assert not result.projects.loc[0, "source_url"].startswith("http")
    assert any(w.code == "source_not_url" for w in result.warnings)


@pytest.mark.parametrize("cell, column", [
    ('"=HYPERLINK(""https://evil.example"",""Cliquez"")"', "Nom du projet"),
    ("@SUM(1+1)", "Nom du projet"),
    ("+33 repas", "Nom du projet"),
    ("-2+3", "Nom du projet"),
])
def test_formula_like_cells_are_refused_with_their_row_and_column(tmp_path, target, cell, column):
    sheet = _sheet(tmp_path, "Frigo communautaire,Centre,Mont-Joli,La Mitis,25 000 $,\n",
                   f"{cell},Centre,Mont-Joli,La Mitis,25 000 $,\n")
    result = importer.import_file(sheet)
    errors = [e for e in result.errors if e.code == "text_formula_like"]
    assert [(e.row, e.column) for e in errors] == [(3, column)]
    assert "formule" in errors[0].describe("fr") and "ligne 3" in errors[0].describe("fr")
    assert "formula" in importer.import_file(sheet, "en").errors[0].describe("en")
    plan = append.plan_add(result, target, URL)
    append.write_add(plan, result, 1)
    written = target.read_text(encoding="utf-8")
    assert all(not line.split(",")[1].startswith(("=", "@", "+", "-")) for line in written.splitlines()[1:])


def test_a_negative_longitude_is_not_a_formula(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("Nom du projet,Organisme porteur,Longitude,Latitude,Montant accordé\n"
                    "Frigo,Centre,-68.2,48.6,1 000 $\n", encoding="utf-8")
    assert not [e for e in importer.import_file(path).errors if e.code == "text_formula_like"]
