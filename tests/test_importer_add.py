"""`python -m data.importer add`: valid new rows appended, duplicates reported, existing bytes untouched."""
from __future__ import annotations

import csv
import datetime as dt
import shutil
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from data import append, importer
from data.load import load_projects

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "import"
FRENCH_WORDS = FIXTURES / "coordinator_french_words.csv"
URL = "https://example.org/alliance/projets-2024"
# coordinator_french_words.csv: rows 3, 4, 7 are new; 6 is already in data/projects.csv; 8 repeats 7;
# 5, 9, 10 and 11 are rejected by the checks.
NEW_ROWS = [3, 4, 7]
EXISTING_DUPLICATE = (6, "lan-2021-travailleur-de-rue-mascouche")
UPLOAD_DUPLICATE = (8, 7)
REJECTED = 4


def add(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run([sys.executable, "-m", "data.importer", "add", *args], check=False, cwd=ROOT,
                          capture_output=True, text=True, timeout=120)


@pytest.fixture()
def target(tmp_path) -> Path:
    """A copy of data/projects.csv, alone in its folder (no change log yet)."""
    copy = tmp_path / "projects.csv"
    shutil.copyfile(ROOT / "data" / "projects.csv", copy)
    return copy


def _rows(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as f:
        return list(csv.DictReader(f))


def test_dry_run_then_add(target, tmp_path):
    original = target.read_bytes()
    upload = shutil.copyfile(FRENCH_WORDS, tmp_path / FRENCH_WORDS.name)

    dry = add(str(upload), "--source-url", URL, "--source-date", "2024-06-15", "--into", str(target), "--dry-run")
    assert dry.returncode == 1, dry.stderr  # rows were rejected
    assert target.read_bytes() == original and not (tmp_path / "CHANGELOG.csv").exists()
    assert "Simulation (--dry-run) : rien n'est écrit." in dry.stdout
    assert "3 projets à ajouter :" in dry.stdout and "2 doublons, non ajoutés :" in dry.stdout

    done = add(str(upload), "--source-url", URL, "--source-date", "2024-06-15", "--into", str(target))
    assert done.returncode == 1, done.stderr
    data = target.read_bytes()
    assert data[:len(original)] == original  # existing rows byte-identical: append only
    new = _rows(target)[len(_rows(ROOT / "data" / "projects.csv")):]
    assert [r["title"] for r in new] == ["Frigo communautaire", "Logement d'abord", "Cuisine collective"]
    assert {r["source_url"] for r in new} == {URL} and {r["source_date"] for r in new} == {"2024-06-15"}
    assert [r["project_id"] for r in new] == ["bsl-2022-frigo-communautaire", "cap-2024-logement-d-abord",
                                             "cha-2023-cuisine-collective"]
    assert [r["mrc_ids"] for r in new] == ["la-mitis", "charlevoix-est", "beauce-sartigan"]
    assert all(f"Ligne {row} de « {FRENCH_WORDS.name} »" in r["note"] for row, r in zip(NEW_ROWS, new))
    assert "3 projets ajoutés :" in done.stdout
    row, existing_id = EXISTING_DUPLICATE
    assert f"ligne {row} : « TRAVAILLEUR DE RUE SECTEUR MASCOUCHE » est déjà dans" in done.stdout
    assert existing_id in done.stdout
    row, first = UPLOAD_DUPLICATE
    assert f"ligne {row} : « Cuisine collective » répète la ligne {first} du fichier" in done.stdout
    assert "4 lignes rejetées" in done.stdout

    loaded = load_projects(target)
    assert len(loaded) == len(load_projects(ROOT / "data" / "projects.csv")) + len(NEW_ROWS)
    log = pd.read_csv(tmp_path / "CHANGELOG.csv", dtype=str, keep_default_na=False)
    assert tuple(log.columns) == append.CHANGELOG_COLUMNS
    assert log.to_dict("records") == [{
        "date": dt.date.today().isoformat(), "operation": "add", "target_file": str(target), "rows_added": "3",
        "rows_duplicate": "2", "rows_dropped": str(REJECTED), "source_url": URL,
        "note": f"Import de « {FRENCH_WORDS.name} », lignes 3, 4, 7 (python -m data.importer add)."}]

    again = add(str(upload), "--source-url", URL, "--into", str(target))
    assert target.read_bytes() == data  # everything is a duplicate now
    assert "Aucun projet ajouté." in again.stdout and "5 doublons" in again.stdout
    assert len(pd.read_csv(tmp_path / "CHANGELOG.csv")) == 2


@pytest.mark.parametrize("args,words", [
    (["--source-url", "ftp://example.org/x"], "n'est pas une adresse web"),
    (["--source-url", "rapport annuel"], "n'est pas une adresse web"),
    (["--source-url", URL, "--source-date", "2024-13-01"], "n'est pas une date"),
])
def test_bad_provenance_is_refused_and_nothing_written(target, args, words):
    original = target.read_bytes()
    refused = add(str(FRENCH_WORDS), *args, "--into", str(target))
    assert refused.returncode == 2 and words in refused.stderr
    assert target.read_bytes() == original and not (target.parent / "CHANGELOG.csv").exists()


def test_an_unreadable_upload_or_a_missing_target_is_exit_2(target, tmp_path):
    wrong = tmp_path / "projets.pdf"
    wrong.write_bytes(b"%PDF")
    assert add(str(wrong), "--source-url", URL, "--into", str(target)).returncode == 2
    missing = add(str(FRENCH_WORDS), "--source-url", URL, "--into", str(tmp_path / "absent.csv"))
    assert missing.returncode == 2 and "absent.csv" in missing.stderr


def test_columns_are_read_from_the_target_header_and_a_final_newline_is_added(tmp_path):
    """A target with the provenance columns (fqis_link…) and no final newline."""
    frame = pd.read_csv(ROOT / "data" / "projects.csv", dtype=str, keep_default_na=False).head(2)
    assert {"fqis_link", "inferred", "other_source_urls"} <= set(frame.columns)
    target = tmp_path / "projects.csv"
    text = frame.to_csv(index=False, lineterminator="\n").rstrip("\n")
    target.write_text(text, encoding="utf-8")
    result = importer.import_file(FIXTURES / "coordinator_english.csv")
    plan = append.plan_add(result, target, URL, "2024")
    assert [r["fqis_link"] for r in plan.rows] == ["explicit"] * 5
    assert {r["inferred"] for r in plan.rows} == {""}
    assert [d.row for d in plan.duplicates] == [9]  # repeats row 3 (case and accents aside)
    assert list(plan.rows[0]) == list(frame.columns)
    # the append itself, checked on the bytes
    appended = append._appended(target.read_bytes(), [[r[c] for c in plan.header] for r in plan.rows])
    assert appended.startswith(b"\n") and appended.count(b"\n") == 6
    rows = list(csv.reader((text + appended.decode()).splitlines()))
    assert all(len(r) == len(frame.columns) for r in rows) and len(rows) == 1 + 2 + 5


def test_project_ids_are_unique_and_stable(target):
    result = importer.import_file(FIXTURES / "coordinator_english.csv")
    first = append.plan_add(result, target, URL)
    assert [r["project_id"] for r in first.rows] == [r["project_id"] for r in append.plan_add(result, target, URL).rows]
    taken = {"cnd-2021-community-pantry"}
    assert append._project_id({"title": "Community pantry", "region_code": "09", "start_year": 2021}, "", taken) == \
        "cnd-2021-community-pantry-2"
    assert append._project_id({"title": "x" * 80, "region_code": "09", "start_year": None}, "2019-05", set()) == \
        "cnd-2019-" + "x" * 50


def test_a_result_that_would_not_load_writes_nothing(target, monkeypatch):
    original = target.read_bytes()
    result = importer.import_file(FIXTURES / "coordinator_english.csv")
    plan = append.plan_add(result, target, URL)
    plan.rows[0]["region_code"] = "99"
    with pytest.raises(append.AddRefused, match="validation"):
        append.write_add(plan, result, 0)
    assert target.read_bytes() == original and not (target.parent / "CHANGELOG.csv").exists()


def test_the_repository_change_log_keeps_its_own_columns(tmp_path):
    """The line written to a copy of data/CHANGELOG.csv has its columns and the counts of the operation."""
    shutil.copyfile(ROOT / "data" / "projects.csv", tmp_path / "projects.csv")
    shutil.copyfile(ROOT / "data" / "CHANGELOG.csv", tmp_path / "CHANGELOG.csv")
    before = pd.read_csv(tmp_path / "CHANGELOG.csv", dtype=str, keep_default_na=False)
    done = add(str(FRENCH_WORDS), "--source-url", URL, "--into", str(tmp_path / "projects.csv"))
    assert done.returncode == 1, done.stderr
    log = pd.read_csv(tmp_path / "CHANGELOG.csv", dtype=str, keep_default_na=False)
    assert list(log.columns) == list(before.columns) and len(log) == len(before) + 1
    last = log.iloc[-1]
    assert (last.operation, last.rows_added, last.rows_duplicate, last.rows_dropped) == ("add", "3", "2", "4")
    assert last.source_url == URL and FRENCH_WORDS.name in last.note


def test_two_adds_at_once_write_each_row_once(target, tmp_path):
    """Issue #27: two `add` of the same file at once both exited 0 and wrote every row twice (4 900
    duplicate ids; the server then refused to start). Now the second waits for the first's lock and
    finds its rows already there."""
    upload = shutil.copyfile(FRENCH_WORDS, tmp_path / FRENCH_WORDS.name)
    before = len(_rows(target))
    command = [sys.executable, "-m", "data.importer", "add", str(upload), "--source-url", URL, "--into", str(target)]
    runs = [subprocess.Popen(command, cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            for _ in range(2)]
    outputs = [run.communicate(timeout=180) for run in runs]
    assert all(run.returncode in (1, 2) for run in runs), outputs  # 1: the fixture has rejected rows
    load_projects(target)  # the server's own check: no duplicate id, every row valid
    rows = _rows(target)
    assert len(rows) == before + len(NEW_ROWS)
    assert len({r["project_id"] for r in rows}) == len(rows)
    assert not list(tmp_path.glob(".projects.csv.*.tmp"))
    reports = "\n".join(out for out, _ in outputs)
    assert reports.count("3 projets ajoutés") == 1, reports


def test_an_add_planned_before_another_was_written_finds_that_ones_rows_already_there(target):
    """The interleaving that two operators produce: both plan, then both write."""
    result = importer.import_file(FRENCH_WORDS)
    first, second = (append.plan_add(result, target, URL) for _ in range(2))
    append.write_add(first, result, 0)
    append.write_add(second, result, 0)
    rows = _rows(target)
    assert len({r["project_id"] for r in rows}) == len(rows)
    assert second.rows == [] and len(second.duplicates) == len(first.rows) + len(first.duplicates)
    load_projects(target)


def test_an_add_waits_while_another_holds_the_lock_then_writes(target, tmp_path):
    from filelock import FileLock

    upload = shutil.copyfile(FRENCH_WORDS, tmp_path / FRENCH_WORDS.name)
    original = target.read_bytes()
    with FileLock(append.lock_path(target)):
        run = subprocess.Popen([sys.executable, "-m", "data.importer", "add", str(upload), "--source-url", URL,
                                "--into", str(target)], cwd=ROOT, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                               text=True)
        try:
            run.wait(timeout=15)
        except subprocess.TimeoutExpired:
            pass
        assert run.poll() is None and target.read_bytes() == original  # waiting, nothing written
    out, err = run.communicate(timeout=60)
    assert run.returncode == 1, err
    assert len(_rows(target)) == len(list(csv.DictReader(original.decode().splitlines()))) + len(NEW_ROWS)


def test_an_add_that_cannot_have_the_lock_is_refused_and_writes_nothing(target, monkeypatch):
    from filelock import FileLock

    monkeypatch.setattr(append, "LOCK_WAIT_SECONDS", 0.2)
    result = importer.import_file(FRENCH_WORDS)
    plan = append.plan_add(result, target, URL)
    original = target.read_bytes()
    with FileLock(append.lock_path(target)), pytest.raises(append.AddRefused, match="un autre ajout est en cours"):
        append.write_add(plan, result, 0)
    assert target.read_bytes() == original
