"""/favicon.ico: the app's icon for the pages Dash does not write (/changements, /lieu, /signaler,
/publier…). Dash links its own pages to /_favicon.ico; a browser on any other page asks for
/favicon.ico, which answered 404 (an error in the console on every such page). Both answer the
same bytes: assets/favicon.ico when the app has one, else Dash's own icon, as Dash chooses."""
from __future__ import annotations

import os
import pkgutil

import dash
import flask

MAX_AGE = 24 * 3600  # an icon changes with a release; a day keeps a new one from waiting long


def icon_bytes(app: dash.Dash) -> bytes:
    """The icon Dash serves at /_favicon.ico (or links from assets/)."""
    if app._favicon:  # Dash's own choice of an assets/ favicon; no public accessor exists
        with open(os.path.join(app.config.assets_folder, app._favicon), "rb") as file:
            return file.read()
    return pkgutil.get_data("dash", "favicon.ico") or b""


def register(app: dash.Dash) -> None:
    def favicon():
        reply = flask.Response(icon_bytes(app), content_type="image/x-icon")
        reply.cache_control.public = True
        reply.cache_control.max_age = MAX_AGE
        return reply

    app.server.add_url_rule("/favicon.ico", "favicon", favicon)
