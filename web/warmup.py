"""Warm the app once, in gunicorn's master, before the workers are forked.

The first requests a fresh process answers are slow: Dash sets itself up on its first request,
Plotly and the JSON encoders import their modules on first use, and the default page and view are
computed on first demand. With `preload_app`, whatever the master computed before forking is in
every worker (copy-on-write), so doing all of it here once means 100 visitors who open the link
together at an assembly are served by warm workers instead of five cold ones (load test:
BENCHMARKS.md).
"""
from __future__ import annotations

import logging
import time

import dash

log = logging.getLogger(__name__)

# The views most visitors open first: the bare address in each language.
FIRST_QUERIES = ({}, {"lang": "en"})


def warm(app: dash.Dash) -> float:
    """Answer the requests a first visit makes and fill the caches of the default views.
    Returns the seconds it took. Any failure here is a bug the first visitor would meet: it raises."""
    from plotly.io.json import to_json_plotly

    from components.dataset import current
    from components.permalink import view_from_query
    from pages import dashboard

    started = time.perf_counter()
    client = app.server.test_client()
    for path in ("/", "/_dash-layout", "/_dash-dependencies"):  # Dash's own first-request set-up
        response = client.get(path)
        if response.status_code != 200:
            raise RuntimeError(f"préchauffage : {path} a répondu {response.status_code}")
    if client.get("/lieu?q=Rimousky").status_code != 200:  # the place index and its fuzzy choices (geo.places)
        raise RuntimeError("préchauffage : /lieu n'a pas répondu 200")
    for query in FIRST_QUERIES:
        to_json_plotly(dashboard.layout(**query))  # page built (and cached), encoders imported
        view, _ = view_from_query(query)
        # The default views' outputs too: a visitor who changes a filter and comes back (Reset) is served from cache.
        to_json_plotly(dashboard.view_outputs(current(), view))
    seconds = time.perf_counter() - started
    log.info("application préchauffée en %.1f s", seconds)
    return seconds
