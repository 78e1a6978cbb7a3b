"""« Signaler une erreur » in Chromium: a visitor follows the link of a row of the map's project table,
sends a report whose text holds HTML (and another visitor, without any script, one from a territory
page's row link), and the operator finds it in her queue, as text, with the page it came from, and
marks it treated. The server (app.py) has its own SQLite database and instance folder."""
from __future__ import annotations

import re

import pytest

from components.urls import report_href
from tests.browser.conftest import ARTIFACTS, show_table
from tests.browser.test_accessibility_browser import axe_violations
from tests.browser.test_publishing_browser import invite, set_password, sign_in
from tests.servers import running

TEXT = "<b>Montant</b> erroné : la source dit 36 000 $."


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    folder = tmp_path_factory.mktemp("corrections-browser")
    env = {"CARTE_INSTANCE_DIR": str(folder / "instance"), "CARTE_DATABASE_URL": f"sqlite:///{folder / 'carte.db'}"}
    ARTIFACTS.mkdir(exist_ok=True)
    with running("app.py", ARTIFACTS / "corrections-server.log", timeout=180, **env) as url:
        yield {"url": url, "env": env}


def test_a_report_sent_from_a_project_row_reaches_the_operators_queue(browser, site):
    visitor = browser.new_context(viewport={"width": 1440, "height": 900}, locale="fr-CA")
    page = visitor.new_page()
    page.goto(site["url"] + "/")
    show_table(page)
    # AG Grid draws only the columns in view: bring the row's « Signaler » column into it.
    page.evaluate("() => dash_ag_grid.getApi('projects-table').ensureColumnVisible('report')")
    link = page.locator("#projects-table .ag-row[row-index='0'] a.report-link")
    link.wait_for()
    project_id = page.evaluate("() => dash_ag_grid.getApi('projects-table').getDisplayedRowAtIndex(0).data.id")
    title = page.evaluate("() => dash_ag_grid.getApi('projects-table').getDisplayedRowAtIndex(0).data.title")
    assert link.inner_text() == "Signaler une erreur"
    link.click()
    page.wait_for_url(re.compile(r"/signaler\?"))
    assert page.locator("h1").inner_text() == "Signaler une erreur ou un projet manquant"
    assert title in page.locator(".report-about").inner_text()
    assert page.locator("input[name=projet]").get_attribute("value") == project_id
    came_from = page.locator("input[name=page]").get_attribute("value")
    assert came_from.startswith("/")
    trap = page.locator("#report-trap").bounding_box()
    assert trap["x"] + trap["width"] <= 0  # the honeypot is out of sight (a person never fills it)
    assert [(v["id"], v["impact"]) for v in axe_violations(page)] == []
    page.fill("#report-text", TEXT)
    page.fill("#report-contact", "lectrice@example.org")
    page.screenshot(path=str(ARTIFACTS / "corrections-form.png"), full_page=True)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/signaler/merci"))
    assert "Merci" in page.locator("h1").inner_text()
    page.screenshot(path=str(ARTIFACTS / "corrections-thanks.png"))
    visitor.close()

    # Without any script, from a territory page's row link: the form is plain HTML.
    no_script = browser.new_context(java_script_enabled=False, locale="fr-CA")
    page = no_script.new_page()
    page.goto(site["url"] + report_href("/region/14", "fr", "lan-2021-apparte-social"))
    page.fill("#report-text", "Sans script : le promoteur a changé de nom.")
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r"/signaler/merci"))
    no_script.close()

    operator = browser.new_context(viewport={"width": 1280, "height": 900}, locale="fr-CA")
    page = operator.new_page()
    set_password(page, invite(site, "invite-operator", "--email", "operateur@example.org"))
    sign_in(page, site, "operateur@example.org")
    assert page.locator("li.correction").count() == 2
    assert "Sans script" in page.locator("li.correction").first.inner_text()  # the newest first
    report = page.locator("li.correction", has_text="Montant")
    assert report.locator(".correction-text").inner_text() == TEXT  # the HTML shown as written
    assert report.locator(".correction-text b").count() == 0
    assert report.locator("a.correction-page").get_attribute("href") == came_from
    assert project_id in report.inner_text() and "nouveau" in report.inner_text()
    page.screenshot(path=str(ARTIFACTS / "corrections-queue.png"), full_page=True)
    report.locator("button", has_text="Marquer comme traité").click()
    page.wait_for_url(re.compile(r"/publier/#signalements$"))
    assert page.locator("li.correction").last.locator(".badge").inner_text() == "traité"  # the treated after the new
    operator.close()
