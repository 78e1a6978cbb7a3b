"""The publishing issue end to end, in Chromium, against `serve.py` with 3 gunicorn workers:

an operator invites a Lanaudière coordinator (command line); she chooses her password, signs in,
uploads a 6-project file with one bad row, reads the report and the preview, submits; the operator
approves; within 5 s `/`, `/region/14` and `/api/projects?region=14` show her projects with their
provenance, on every worker; she can neither read, submit nor approve anything of Montérégie;
withdrawing brings the previous data back, on every worker.

Which worker answered is read from gunicorn's access log (`%(p)s`, with the answer's ETag), so
« every worker » is checked, not assumed. The server has its own SQLite database and instance folder.
"""
from __future__ import annotations

import os
import re
import subprocess
import sys
import time
import urllib.request

import pytest

from tests.browser.conftest import ARTIFACTS, show_table
from tests.publishing_support.fixtures import LANAUDIERE_CSV, OUTSIDE_CSV
from tests.servers import ROOT, running

WORKERS = 3
PASSWORD = "Trois pommes vertes au marché"
LOG_FORMAT = '%(p)s "%(r)s" %(s)s %({etag}o)s'


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("publishing-e2e")
    env = {"CARTE_INSTANCE_DIR": str(folder / "instance"), "CARTE_DATABASE_URL": f"sqlite:///{folder / 'carte.db'}",
           "WORKERS": str(WORKERS), "GUNICORN_CMD_ARGS": f"--access-logformat '{LOG_FORMAT}'"}
    ARTIFACTS.mkdir(exist_ok=True)
    log = ARTIFACTS / "publishing-serve.log"
    with running("serve.py", log, probe="/healthz", timeout=300, **env) as url:
        yield {"url": url, "env": env, "log": log, "folder": folder}


def invite(site, *args: str) -> str:
    """`python -m publishing …` as an operator runs it; the link it prints, on this server."""
    out = subprocess.run([sys.executable, "-m", "publishing", *args], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, **site["env"]}, timeout=120)
    assert out.returncode == 0, out.stderr
    token = re.search(r"/publier/invitation/(\S+)", out.stdout).group(1)
    return f"{site['url']}/publier/invitation/{token}"


def set_password(page, link: str) -> None:
    page.goto(link)
    page.fill("input[name=password]", PASSWORD)
    page.fill("input[name=confirm]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/publier/connexion"))


def sign_in(page, site, email: str) -> None:
    page.goto(site["url"] + "/publier/connexion")
    page.fill("input[name=email]", email)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/publier/$"))


def every_worker_serves(site, path: str, etag: str, seconds: float) -> float:
    """Seconds until every worker answers `path` with `etag` (fails after `seconds`): fresh connections,
    the answering process read from the access log."""
    start = time.monotonic()
    seen: dict[str, str] = {}
    marker = f"probe-{time.time_ns()}"
    while time.monotonic() - start < seconds:
        urllib.request.urlopen(urllib.request.Request(f"{site['url']}{path}&_={marker}",
                                                      headers={"Connection": "close"}), timeout=10).read()
        for line in site["log"].read_text(errors="replace").splitlines():
            if marker in line:
                pid, tag = line.split()[0], line.split()[-1].replace("\\", "")
                seen[pid] = tag
        if len(seen) >= WORKERS and all(tag == etag for tag in seen.values()):
            return time.monotonic() - start
        time.sleep(0.05)
    raise AssertionError(f"after {seconds} s, the workers answer {seen}, not {etag}")


def test_publish_approve_see_everywhere_refuse_monteregie_withdraw(site, tmp_path, browser):
    # The session's browser (tests/browser/conftest.py): a second Playwright in the same process fails.
    operator_link = invite(site, "invite-operator", "--email", "operateur@example.org")
    coordinator_link = invite(site, "invite", "--alliance", "14", "--email", "coordination@lanaudiere.example")
    monteregie_link = invite(site, "invite", "--alliance", "16", "--email", "coordination@monteregie.example")
    projects = tmp_path / "projets-lanaudiere.csv"
    projects.write_bytes(LANAUDIERE_CSV)
    theirs = tmp_path / "projets-monteregie.csv"
    theirs.write_bytes(OUTSIDE_CSV.replace("Matawinie".encode(), "Longueuil".encode()))
    try:
        coordinator = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-CA").new_page()
        operator = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-CA").new_page()
        other = browser.new_context(viewport={"width": 375, "height": 812}, locale="fr-CA").new_page()
        set_password(operator, operator_link)
        set_password(coordinator, coordinator_link)
        set_password(other, monteregie_link)

        # Montérégie's coordinator prepares a file of her own (its id is what the other one will try).
        sign_in(other, site, "coordination@monteregie.example")
        other.set_input_files("input[name=file]", str(theirs))
        other.click("form.upload button[type=submit]")
        other.wait_for_url(re.compile(r"/publier/soumission/\d+$"))
        monteregie_draft = other.url.rsplit("/", 1)[1]

        sign_in(coordinator, site, "coordination@lanaudiere.example")
        coordinator.set_input_files("input[name=file]", str(projects))
        coordinator.click("form.upload button[type=submit]")
        coordinator.wait_for_url(re.compile(r"/publier/soumission/\d+$"))
        report = coordinator.locator("main").inner_text()
        assert "6 lignes lues" in report and "5 valides" in report and "1 refusée" in report
        assert coordinator.locator(".publish-map svg path[data-id]").count() > 0  # her region's map
        assert "5 nouveaux projets" in report
        coordinator.screenshot(path=str(ARTIFACTS / "publish-preview-1440.png"), full_page=True)
        coordinator.fill("textarea[name=note]", "Nos projets 2024-2025")
        coordinator.click("text=Soumettre pour publication")
        coordinator.wait_for_selector("text=soumise, en attente d'examen")

        # She can neither read, submit nor approve Montérégie's file.
        answer = coordinator.request.get(f"{site['url']}/publier/soumission/{monteregie_draft}")
        assert answer.status == 404
        token = coordinator.locator("input[name=csrf_token]").first.get_attribute("value")
        for action, status in (("soumettre", 404), ("approuver", 403)):
            answer = coordinator.request.post(f"{site['url']}/publier/soumission/{monteregie_draft}/{action}",
                                              form={"csrf_token": token})
            assert answer.status == status, action

        sign_in(operator, site, "operateur@example.org")
        operator.click("text=Lanaudière — projets-lanaudiere.csv")
        operator.screenshot(path=str(ARTIFACTS / "publish-review-1440.png"), full_page=True)
        operator.click("text=Approuver et publier")
        approved = time.monotonic()
        operator.wait_for_selector("text=approuvée et publiée")

        took = every_worker_serves(site, "/api/projects?region=14&per_page=1", '"public-1"', 5.0)
        print(f"\nApprouvé → les {WORKERS} processus servent la version 1 en {time.monotonic() - approved:.2f} s "
              f"(dernière vérification : {took:.2f} s)")
        with urllib.request.urlopen(f"{site['url']}/api/projects?region=14&per_page=500") as api:
            import json
            rows = [r for r in json.load(api)["results"] if r["published_by"]]
        assert len(rows) == 5 and all(r["publication"].startswith("Publié par Table des préfets de Lanaudière, ")
                                      for r in rows)

        visitor = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-CA").new_page()
        visitor.goto(site["url"] + "/region/14")
        visitor.wait_for_selector("text=Cuisine collective du Nord", timeout=60_000)
        assert visitor.locator("text=Publié par Table des préfets de Lanaudière").count() >= 5
        visitor.screenshot(path=str(ARTIFACTS / "publish-region-14-1440.png"), full_page=True)
        visitor.goto(site["url"] + "/?level=mrc&region=14")
        show_table(visitor, timeout=90_000)
        visitor.wait_for_selector("#projects-table >> text=Publié par Table des préfets de Lanaudière", timeout=30_000)

        # Withdrawing brings the previous data (none published) back, on every worker.
        operator.goto(site["url"] + "/publier/")
        operator.click("text=Retirer cette version")
        every_worker_serves(site, "/api/projects?region=14&per_page=1", '"public-2"', 5.0)
        with urllib.request.urlopen(f"{site['url']}/api/projects?region=14&per_page=500") as api:
            assert not [r for r in json.load(api)["results"] if r["published_by"]]
    finally:
        for context in browser.contexts:
            context.close()
