"""Warming the app before gunicorn forks its workers (web/warmup.py, serve.py's when_ready)."""
from __future__ import annotations

import logging

import pytest
from dash.exceptions import PreventUpdate

import serve
from components import ids
from pages import dashboard
from web import warmup


def _values(tree) -> dict:
    """id → value (or data) of every component of a layout, as the page's first update sends them."""
    found = {}

    def walk(node):
        if isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
            return
        props = getattr(node, "to_plotly_json", None) and node.to_plotly_json()["props"]
        if not props:
            return
        if isinstance(props.get("id"), str):
            found[props["id"]] = props.get("value", props.get("data"))
        walk(props.get("children"))

    walk(tree)
    return found


def test_warming_fills_the_caches_a_first_visit_uses():
    from app import app

    dashboard._page.cache_clear()
    dashboard.view_outputs.cache_clear()
    assert warmup.warm(app) > 0
    assert dashboard._page.cache_info().currsize == len(warmup.FIRST_QUERIES)
    # Asking again for the default view (its inputs as the layout gives them) is a cache hit.
    page = _values(dashboard.layout())
    hits = dashboard.view_outputs.cache_info().hits
    dashboard.update_view(*(page[i.component_id] for i in dashboard.FILTER_INPUTS),
                          page[ids.SOURCE], page[ids.UPLOADED], page[ids.LANG])
    assert dashboard.view_outputs.cache_info().hits == hits + 1


def test_the_update_a_page_load_triggers_sends_nothing_when_the_page_shows_that_view():
    """The page's stores fire update_view once as it loads, with nothing changed: the page carries
    the key of the view it shows, and the callback stops there instead of recomputing it."""
    page = _values(dashboard.layout(region="14", level="mrc"))
    inputs = [page[i.component_id] for i in dashboard.FILTER_INPUTS] + [page[ids.SOURCE], page[ids.UPLOADED], page[ids.LANG]]
    with pytest.raises(PreventUpdate):
        dashboard.update_view(*inputs, page[ids.TABLE_KEY])
    inputs[1] = "count"  # any change (here the measure) is computed and sent
    outputs = dashboard.update_view(*inputs, page[ids.TABLE_KEY])
    assert outputs[4] != page[ids.TABLE_KEY]


def test_gunicorn_warms_the_app_in_the_master_before_forking(monkeypatch):
    from app import app

    warmed = []
    monkeypatch.setattr(warmup, "warm", warmed.append)
    class Server:  # what serve.when_ready reads of gunicorn's arbiter: its log
        log = logging.getLogger("gunicorn.error")

    serve.when_ready(Server())  # gunicorn calls it in the master, before it forks the workers
    assert warmed == [app]
    assert serve.preload_app is True  # so what the master computed is in every worker
