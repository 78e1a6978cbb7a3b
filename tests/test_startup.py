"""A missing or invalid data file stops the server before it listens, with a message naming the file.

Both entries are run for real in a subprocess: `python app.py` (development) and `python serve.py`
(gunicorn with preload_app, what `make serve` runs). The bad data file is made in a copy of the
repository's code and data, so the real data/ is never touched.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from tests.servers import free_port
from web import startup

ROOT = Path(__file__).resolve().parents[1]
ENTRIES = {"app.py": ["app.py"], "serve.py": ["serve.py"]}
# What the app needs to start; tests, caches and the virtualenv stay behind.
COPIED = ("app.py", "config.py", "serve.py", "components", "pages", "web", "texts", "data", "geo", "assets", "publishing")


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(1)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _start(entry: str, cwd: Path, **env) -> tuple[subprocess.CompletedProcess, int]:
    """Run `entry` until it exits; fail at once if it starts listening instead."""
    port = free_port()
    environment = {**os.environ, "HOST": "127.0.0.1", "PORT": str(port), "WORKERS": "2", **env}
    process = subprocess.Popen([sys.executable, *ENTRIES[entry]], cwd=cwd, env=environment,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    try:
        while process.poll() is None:
            if _listening(port):
                pytest.fail(f"{entry} started listening on port {port} instead of refusing to start")
            if time.monotonic() > deadline:
                pytest.fail(f"{entry} neither exited nor listened within 120 s")
            time.sleep(0.2)
    finally:
        if process.poll() is None:
            process.kill()
        stdout, stderr = process.communicate(timeout=30)
    return subprocess.CompletedProcess(process.args, process.returncode, stdout, stderr), port


def _assert_refused(result: subprocess.CompletedProcess, port: int, *named: str) -> None:
    output = result.stdout + result.stderr
    assert result.returncode == startup.EXIT_CODE, output
    assert "Traceback" not in output
    assert "démarrage refusé" in result.stderr
    for text in named:
        assert text in result.stderr, result.stderr
    assert not _listening(port)


@pytest.fixture()
def repo_copy(tmp_path: Path) -> Path:
    for name in COPIED:
        source = ROOT / name
        if source.is_dir():
            shutil.copytree(source, tmp_path / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(source, tmp_path / name)
    return tmp_path


@pytest.mark.parametrize("entry", ENTRIES)
def test_empty_build_folder_stops_the_server_before_it_listens(entry, tmp_path):
    empty = tmp_path / "empty-build"
    empty.mkdir()
    result, port = _start(entry, ROOT, CARTE_BUILD_DIR=str(empty))
    _assert_refused(result, port, str(empty / "geo"), "geo.build")


@pytest.mark.parametrize("entry", ENTRIES)
def test_invalid_projects_file_stops_the_server_and_names_file_row_and_column(entry, repo_copy, built_layers):
    projects = repo_copy / "data" / "projects.csv"
    lines = projects.read_text(encoding="utf-8").splitlines(keepends=True)
    header = lines[0].rstrip("\n").split(",")
    row = lines[1].rstrip("\n").split(",")
    row[header.index("region_code")] = "99"
    lines[1] = ",".join(row) + "\n"
    projects.write_text("".join(lines), encoding="utf-8")
    result, port = _start(entry, repo_copy, CARTE_BUILD_DIR=str(built_layers.parent))
    _assert_refused(result, port, "data/projects.csv", "ligne 2", "region_code")


def test_projects_file_not_in_utf8_stops_the_server(repo_copy, built_layers):
    (repo_copy / "data" / "projects.csv").write_bytes("titre;montant\nCafé;12\n".encode("latin-1"))
    result, port = _start("app.py", repo_copy, CARTE_BUILD_DIR=str(built_layers.parent))
    _assert_refused(result, port, "data/projects.csv", "UTF-8")


def test_missing_envelopes_file_stops_the_server(repo_copy, built_layers):
    (repo_copy / "data" / "envelopes.csv").unlink()
    result, port = _start("serve.py", repo_copy, CARTE_BUILD_DIR=str(built_layers.parent))
    _assert_refused(result, port, "envelopes.csv", "introuvable")


def test_truncated_layer_is_refused_in_process(tmp_path, built_layers, monkeypatch, capsys):
    from geo import layers

    build = tmp_path / "build"
    shutil.copytree(built_layers, build / "geo")
    (build / "geo" / "region.geojson").write_text('{"type": "FeatureCollection", "features": [', encoding="utf-8")
    monkeypatch.setenv("CARTE_BUILD_DIR", str(build))
    layers.territories.cache_clear()
    layers.alliance_membership.cache_clear()
    try:
        with pytest.raises(SystemExit) as stopped:
            startup.check_ready()
    finally:
        layers.territories.cache_clear()
        layers.alliance_membership.cache_clear()
    assert stopped.value.code == startup.EXIT_CODE
    message = capsys.readouterr().err
    assert "region.geojson" in message and "GeoJSON illisible" in message
    assert message.count("\n") == 1  # one paragraph


def test_good_data_passes():
    startup.check_ready()  # no SystemExit
