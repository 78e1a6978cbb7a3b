"""The project table's grid (AG Grid) loads only when the table comes into view.

AG Grid's scripts weigh 606 kB gzip (its main bundle 359 kB, and its grid code, 247 kB, fetched
when a grid first renders): as much as the rest of the page's scripts after Plotly. Most visitors
look at the map and never scroll to the table, so the first visit should not carry them.

How: Dash lists every imported component library's scripts in the page. The main bundle is
marked `dynamic` here (Dash then serves it but does not list it), and the page holds a slot
instead of the grid. assets/lazy_grid.js watches the slot; when it nears the screen (or its
button is pressed) it loads the bundle, then sets TABLE_READY, and `show_grid` answers with the
grid, which asks for its first rows as before.
"""
from __future__ import annotations

import os
import sys

import dash_ag_grid
from dash import Input, Output, State, callback, html, no_update
from dash.fingerprint import build_fingerprint

from components import ids, table
from components.i18n import clean_lang, t

MAIN_BUNDLE = "dash_ag_grid.min.js"


def _defer_main_bundle() -> None:
    """Mark AG Grid's main bundle as loaded on demand (the page no longer lists it)."""
    for resource in dash_ag_grid._js_dist:  # noqa: SLF001 — Dash's own resource list, read by Dash
        if resource.get("relative_package_path") == MAIN_BUNDLE:
            resource["dynamic"] = True


_defer_main_bundle()


def bundle_url() -> str:
    """The bundle's address, fingerprinted as Dash fingerprints it, so browsers cache it for long."""
    path = os.path.join(os.path.dirname(sys.modules["dash_ag_grid"].__file__), MAIN_BUNDLE)
    fingerprint = build_fingerprint(MAIN_BUNDLE, dash_ag_grid.__version__, int(os.stat(path).st_mtime))
    # Served at the root, like the map layers (/layers/…): the app has no path prefix.
    return f"/_dash-component-suites/dash_ag_grid/{fingerprint}"


def slot(lang: str) -> html.Div:
    """Where the grid will be: a button (for keyboards, and browsers without IntersectionObserver)
    and the data assets/lazy_grid.js needs."""
    return html.Div(
        html.Button(t("table_show", lang), className="table-show", type="button"),
        id=ids.TABLE_SLOT, className="table-slot",
        **{"data-grid-script": bundle_url(), "data-ready-id": ids.TABLE_READY,
           "data-loading-text": t("table_loading", lang), "data-error-text": t("table_load_error", lang)},
    )


@callback(Output(ids.TABLE_SLOT, "children"), Input(ids.TABLE_READY, "data"), State(ids.LANG, "data"),
          prevent_initial_call=True)
def show_grid(ready, lang):
    """The grid, once its script is in the page (anything but `True` is ignored)."""
    if ready is not True:
        return no_update
    return table.grid(clean_lang(lang))
