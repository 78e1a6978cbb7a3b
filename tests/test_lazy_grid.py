"""AG Grid's main bundle is left out of the page and served on demand (pages/dashboard/lazy_grid.py)."""
from __future__ import annotations

import re

import dash_ag_grid
import pytest
from dash import no_update

from components import ids
from pages.dashboard import lazy_grid


@pytest.fixture(scope="module")
def client():
    from app import server

    return server.test_client()


def test_the_page_does_not_list_ag_grid_but_serves_it_at_the_slot_address(client):
    page = client.get("/").get_data(as_text=True)
    scripts = re.findall(r'<script[^>]+src="([^"]+)"', page)
    assert scripts and not [src for src in scripts if "dash_ag_grid" in src]
    served = client.get(lazy_grid.bundle_url())
    assert served.status_code == 200 and len(served.get_data()) > 500_000
    assert "javascript" in served.content_type


def test_the_slot_names_the_bundle_and_the_store_it_sets():
    slot = lazy_grid.slot("fr").to_plotly_json()["props"]
    assert slot["id"] == ids.TABLE_SLOT and slot["data-ready-id"] == ids.TABLE_READY
    assert slot["data-grid-script"] == lazy_grid.bundle_url() and dash_ag_grid.__version__.replace(".", "_") in slot["data-grid-script"]


@pytest.mark.parametrize("forged", [None, False, "true", 1, [True], {"data": True}])
def test_show_grid_ignores_anything_but_true(forged):
    assert lazy_grid.show_grid(forged, "fr") is no_update


@pytest.mark.parametrize("lang,header", [("fr", "Projet"), ("en", "Project"), ("<script>", "Projet")])
def test_show_grid_renders_the_grid_in_the_page_language(lang, header):
    grid = lazy_grid.show_grid(True, lang)
    assert isinstance(grid, dash_ag_grid.AgGrid) and grid.id == ids.TABLE
    assert grid.columnDefs[0]["headerName"] == header
