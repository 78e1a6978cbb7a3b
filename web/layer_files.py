"""Non-Dash HTTP routes: the map layers as cacheable static files."""
from __future__ import annotations

import logging

from flask import Flask, abort, send_file

log = logging.getLogger(__name__)

from geo import layers

# Layers change only when `geo.build` runs again; the ETag (file size and mtime) lets browsers
# revalidate cheaply and `max-age` lets them skip even that within a day.
LAYER_MAX_AGE = 86_400


def register(server: Flask) -> None:
    @server.get("/layers/<level>.geojson")
    def layer(level: str):
        if level not in layers.LEVELS:
            abort(404)
        try:
            return send_file(layers.layer_path(level), mimetype="application/geo+json",
                             conditional=True, etag=True, max_age=LAYER_MAX_AGE)
        except FileNotFoundError:
            # the build is incomplete: /healthz says 503 too; one line, not a traceback per request
            log.error("couche absente : %s (relancer « python -m geo.build »)", layers.layer_path(level))
            abort(503)
