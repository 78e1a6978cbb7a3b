"""The site's pages, one module each (layout and callbacks together; a page with parts of its own,
like the map page, is a package: pages/dashboard/). Each registers itself with
`dash.register_page` when imported, which Dash allows only once the app exists: `app.create_app`
imports them all through `register_all()`.
"""
from __future__ import annotations

import importlib
import pkgutil


def register_all() -> None:
    """Import every page module of this folder (a new page is a new file here, nothing else)."""
    for module in pkgutil.iter_modules(__path__):
        if not module.name.startswith("_"):
            importlib.import_module(f"{__name__}.{module.name}")
