"""Carte des Alliances: creates the Dash app, attaches the pages, exposes `server` for WSGI."""
from __future__ import annotations

import dash

import config
from components import api, health, plotly_bundle, routes, security, startup, upload

# French page language from the first byte; the loading message itself is set in assets/style.css
# (Dash's own "Loading..." placeholder is restyled there).
INDEX_STRING = """<!DOCTYPE html>
<html lang="fr">
<head>{%metas%}<title>{%title%}</title>{%favicon%}{%css%}</head>
<body>
{%app_entry%}
<footer>{%config%}{%scripts%}{%renderer%}</footer>
</body>
</html>"""


def create_app() -> dash.Dash:
    startup.check_ready()  # a missing or invalid data file stops here, before anything listens
    app = dash.Dash(
        __name__,
        title="Carte des Alliances pour la solidarité",
        use_pages=True,
        pages_folder="",
        serve_locally=True,  # every script from this server: the page must work with no network
        suppress_callback_exceptions=True,
        index_string=INDEX_STRING,
    )
    from components import dashboard  # registers its callbacks

    dash.register_page("dashboard", path="/", layout=dashboard.layout, title=app.title)
    from components import methodology, territory_page

    dash.register_page("region", path_template="/region/<code>", layout=territory_page.region_layout,
                       title=territory_page.region_title)
    dash.register_page("mrc", path_template="/mrc/<mrc_id>", layout=territory_page.mrc_layout,
                       title=territory_page.mrc_title)
    dash.register_page("methodologie", path="/methodologie", layout=methodology.layout, title=methodology.title)
    from components import sheet  # registers its « Imprimer » callback

    dash.register_page("fiche-region", path_template=sheet.REGION_PATH_TEMPLATE, layout=sheet.region_sheet,
                       title=sheet.region_title)
    dash.register_page("fiche-mrc", path_template=sheet.MRC_PATH_TEMPLATE, layout=sheet.mrc_sheet,
                       title=sheet.mrc_title)
    from components import compare, presentation  # registers their callbacks

    dash.register_page("presentation", path=presentation.PATH, layout=presentation.layout,
                       title="Mode présentation — " + app.title)
    dash.register_page("compare", path=compare.PATH, layout=compare.layout,
                       title="Comparer deux territoires — " + app.title)
    app.layout = dash.page_container
    routes.register(app.server)
    plotly_bundle.register(app.server)  # the partial plotly.js (bar and map traces only) when built
    api.register(app.server)
    upload.register(app.server)
    health.register(app.server)
    security.register(app.server, app)  # `app` so its inline scripts are hashed into the CSP
    return app


app = create_app()
server = app.server

if __name__ == "__main__":
    app.run(host=config.get("host"), port=int(config.get("port")), debug=False,
            request_handler=security.dev_request_handler())
