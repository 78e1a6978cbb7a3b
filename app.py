"""Carte des Alliances: creates the Dash app, attaches the layout, exposes `server` for WSGI."""
from __future__ import annotations

import dash

import config
from components import routes
from components.layout import make_layout


def create_app() -> dash.Dash:
    app = dash.Dash(
        __name__,
        title="Carte des Alliances pour la solidarité",
        serve_locally=True,  # every script from this server: the page must work with no network
        suppress_callback_exceptions=True,
    )
    app.layout = make_layout  # a function: evaluated per page load, not at import
    routes.register(app.server)
    return app


app = create_app()
server = app.server

if __name__ == "__main__":
    app.run(host=config.get("host"), port=int(config.get("port")), debug=False)
