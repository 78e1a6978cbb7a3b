"""The page's plotly.js: the partial bundle built from js/plotly/ instead of the full one.

dcc.Graph loads plotly.js from `/_dash-component-suites/plotly/package_data/plotly.min.js` (the URL
dash-renderer gives it when scripts are served locally) when the first graph is drawn. The full file
holds every trace type (1.5 MB gzip, the heaviest item of a first visit); the app draws three (bar,
choroplethmap, scattermap), and `make build` writes a bundle of only those (0.9 MB gzip). This module
answers that URL with it. Werkzeug tries a rule with no variable part before Dash's generic
`/_dash-component-suites/<package_name>/<path:fingerprinted_path>`, whatever the order they were added.

The bundle is used only when it exists and was built from the same plotly.js version as the installed
Python plotly (whose figures' JSON it must read); otherwise one warning is logged and Dash keeps serving
the full file, so the page always works.
"""
from __future__ import annotations

import hashlib
import logging
import re
from pathlib import Path

import flask

import config

URL = "/_dash-component-suites/plotly/package_data/plotly.min.js"
FILE_NAME = "plotly-carte.min.js"
# The URL carries no version or hash, so browsers revalidate once a day (a 304 with the ETag) rather
# than keep it a year like Dash's fingerprinted files.
MAX_AGE = 86_400
# "* plotly.js v4.1.1 (partial: …)" in the licence header (also matches plotly's own dist/ headers).
_HEADER_VERSION = re.compile(rb"\* plotly\.js[^\n]*? v(\d+\.\d+\.\d+[\w.+-]*)")

log = logging.getLogger(__name__)


def bundle_path() -> Path:
    """Where `make build` (js/plotly/build.js) writes the bundle: CARTE_BUILD_DIR/js/."""
    return config.build_dir() / "js" / FILE_NAME


def header_version(body: bytes) -> str | None:
    """The plotly.js version written in the licence comment at the top of a bundle, if any."""
    found = _HEADER_VERSION.search(body[:500])
    return found.group(1).decode() if found else None


def load(path: Path | None = None) -> bytes | None:
    """The bundle's bytes when it can replace the full plotly.js; else None, after one warning."""
    from plotly.offline import get_plotlyjs_version

    path = path or bundle_path()
    wanted = get_plotlyjs_version()
    try:
        body = path.read_bytes()
    except OSError:
        log.warning("plotly.js partiel absent (%s) : plotly.js complet servi ; « make build » le construit.", path)
        return None
    built = header_version(body)
    if built != wanted:
        log.warning("plotly.js partiel %s en version %s, le paquet Python plotly attend %s : plotly.js complet "
                    "servi ; alignez js/plotly/package.json puis « make build ».", path, built, wanted)
        return None
    return body


def register(server: flask.Flask, path: Path | None = None) -> bool:
    """Serve the bundle at `URL` when it is usable (see `load`); True if it is served."""
    body = load(path)
    if body is None:
        return False
    # Read once: the bytes served are the ones checked above, even if `make build` runs meanwhile.
    etag = hashlib.sha256(body).hexdigest()[:32]

    @server.get(URL, endpoint="plotly_bundle")
    def plotly_bundle():
        response = flask.Response(body, mimetype="application/javascript")
        response.set_etag(etag)
        response.cache_control.public = True
        response.cache_control.max_age = MAX_AGE
        # flask-compress (web/security.py) compresses it, caches the compressed bytes under
        # this ETag and answers 304 to a compressed ETag; this covers clients that ask uncompressed.
        return response.make_conditional(flask.request)

    return True
