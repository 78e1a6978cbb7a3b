"""Non-Dash HTTP routes: the map layers as cacheable static files."""
from __future__ import annotations

from flask import Flask, abort, send_file

from geo import layers

# Layers change only when `geo.build` runs again; the ETag (file size and mtime) lets browsers
# revalidate cheaply and `max-age` lets them skip even that within a day.
LAYER_MAX_AGE = 86_400


def register(server: Flask) -> None:
    @server.get("/layers/<level>.geojson")
    def layer(level: str):
        if level not in layers.LEVELS:
            abort(404)
        response = send_file(layers.layer_path(level), mimetype="application/geo+json",
                             conditional=True, etag=True, max_age=LAYER_MAX_AGE)
        return response
