"""`/healthz`: what a load balancer or an uptime monitor asks before sending visitors here."""
from __future__ import annotations

import logging

from flask import Flask, jsonify

from components import dataset
from data.schema import DataFileError
from geo import layers

HEALTH_PATH = "/healthz"
log = logging.getLogger(__name__)


def status() -> tuple[dict, int]:
    """The health body and HTTP status: 200 when the data and every map layer are loaded, else 503.

    Cheap enough to be asked every few seconds: the tables are cached per process after the first
    load, and a layer check is one `stat()`. A failure is logged in full on the server; the public
    answer only says which part is missing, never a path.
    """
    try:
        for level in layers.LEVELS:
            layers.territories(level)
            layers.layer_path(level)
    except (OSError, ValueError, KeyError) as error:  # LayersNotBuilt is an OSError
        log.error("healthz: couches : %s", error)
        return {"status": "unavailable", "problem": "layers"}, 503
    try:
        projects = len(dataset.current().projects)
    except (DataFileError, OSError, ValueError, KeyError) as error:
        log.error("healthz: données : %s", error)
        return {"status": "unavailable", "problem": "dataset"}, 503
    return {"status": "ok", "projects": projects, "layers": list(layers.LEVELS)}, 200


def register(server: Flask) -> None:
    @server.get(HEALTH_PATH)
    def healthz():
        body, code = status()
        response = jsonify(body)
        response.status_code = code
        response.headers["Cache-Control"] = "no-store"  # a cached "ok" would hide an outage
        return response
