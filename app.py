"""Carte des Alliances: creates the Dash app, attaches the pages (pages/) and the server's own routes
(web/), exposes `server` for WSGI."""
from __future__ import annotations

import gc

# Start-up makes a few hundred thousand objects that live as long as the process (modules, Dash
# components, the data and what is derived from it). The garbage collector walked them again and
# again while they were being made (≈ 0,7 s of CPU at a million projects), and after start-up
# every full collection walked them all once more (≈ 150 ms, every few dozen requests: about
# 1 ms per filter change at 3 000 projects). So it is paused during start-up, and what start-up
# made is then frozen out of its reach (`gc.freeze`, below): later collections walk only what
# requests make. Nothing is kept alive by this: a dataset replaced by a reload is freed by its
# reference count (no cycles hold it; tests/test_startup_gc.py).
_COLLECTING = gc.isenabled()
gc.disable()

import dash  # noqa: E402  (after gc.disable: the imports are most of what start-up makes)

import config
import pages
from components.document import SITE_TITLE
from web import (
    api,
    changes,
    corrections,
    favicon,
    first_paint,
    health,
    layer_files,
    loading_words,
    plotly_bundle,
    previews,
    publish,
    request_guard,
    security,
    startup,
    templates,
)
from web.places_page import register as register_place_page

# French page language from the first byte (web/previews.py switches it for ?lang=en); Dash's own
# "Loading..." placeholder gets the page's words from web/loading_words.py.
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
        title=SITE_TITLE[0],
        use_pages=True,
        pages_folder="",  # the pages register themselves when imported (pages.register_all)
        serve_locally=True,  # every script from this server: the page must work with no network
        suppress_callback_exceptions=True,
        index_string=INDEX_STRING,
        include_pages_meta=False,  # web/previews.py writes the per-URL tags (Dash's would be empty)
    )
    pages.register_all()
    app.layout = dash.page_container
    layer_files.register(app.server)
    plotly_bundle.register(app.server)  # the partial plotly.js (bar and map traces only) when built
    api.register(app.server)
    templates.register(app.server)
    register_place_page(app.server)  # /lieu: a place searched without scripts (the first paint's form)
    previews.register(app)  # per-URL title, description, Open Graph tags; og:image; robots.txt; sitemap.xml
    first_paint.register(app)  # `/` written on the server, Dash's scripts loaded at the first gesture
    loading_words.register(app)  # Dash's « Loading... » in the page's language
    health.register(app.server)
    favicon.register(app)  # /favicon.ico for the pages Dash does not write
    security.register(app.server, app)  # `app` so its inline scripts are hashed into the CSP
    request_guard.register(app.server, app)  # malformed or unknown requests: 4xx, not 500
    changes.register(app.server)  # /changements: every publication and withdrawal, and its Atom feeds
    publish.register(app.server)  # /publier: the Alliances publish their projects (database migrated here)
    corrections.register(app.server)  # /signaler: anyone reports an error or a missing project (after publish)
    return app


try:
    app = create_app()
    server = app.server
finally:
    gc.collect()  # the start-up's own garbage, once, so that none of it is frozen
    gc.freeze()
    if _COLLECTING:
        gc.enable()

if __name__ == "__main__":
    app.run(host=config.get("host"), port=int(config.get("port")), debug=False,
            request_handler=security.dev_request_handler())
