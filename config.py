"""Every setting of the app in one table, with its default and its help text.

Settings come from environment variables so that a deployment changes them without touching code.
`tests/test_config.py` fails if a setting is missing from the README, so this table stays the
documentation.
"""
from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parent


@dataclass(frozen=True)
class Setting:
    env: str
    default: str
    help: str

    def value(self) -> str:
        return os.environ.get(self.env, self.default)


SETTINGS: dict[str, Setting] = {
    "geo_sources": Setting(
        "CARTE_GEO_SOURCES",
        str(ROOT.parent / "shared" / "geo"),
        "Folder holding the official boundary, population and municipality files read by `python -m geo.build`.",
    ),
    "build_dir": Setting(
        "CARTE_BUILD_DIR",
        str(ROOT / "build"),
        "Git-ignored folder where the built map layers and lookup tables are written.",
    ),
    "host": Setting("HOST", "127.0.0.1", "Address the development server listens on."),
    "port": Setting("PORT", "8050", "Port the development server listens on."),
    "demo": Setting(
        "CARTE_DEMO",
        "0",
        "1 shows a synthetic dataset instead of the curated one, under a banner; never in production.",
    ),
    "frame_ancestors": Setting(
        "CARTE_FRAME_ANCESTORS",
        "'self'",
        "Sites allowed to show the map in a frame: a CSP frame-ancestors source list ('self', 'none' or origins "
        "such as https://www.exemple.org, space-separated); * and bare schemes are refused at start-up.",
    ),
    "public_url": Setting(
        "CARTE_PUBLIC_URL",
        "",
        "Public address of the site (https://carte.exemple.org, with a path if it is served under one), written "
        "in canonical links, Open Graph tags, sitemap.xml, robots.txt, the data package and the publishing "
        "invitation links instead of the request's Host header (https:// also makes the sign-in cookie Secure); "
        "with it, `make serve` answers 400 to any other Host (loopback excepted). "
        "Empty: the request's address (development only).",
    ),
    "workers": Setting("WORKERS", "0", "gunicorn worker processes for `make serve`; 0 means 2 × cores + 1."),
    "first_paint": Setting(
        "CARTE_FIRST_PAINT",
        "links",
        "links: every view of the map arrives drawn by the server, its controls links and forms, the app loaded "
        "when something needs it; gesture: the previous first paint (only / drawn, the app loaded at the first "
        "gesture), kept for bench/phone_tap.py's before-and-after.",
    ),
    "demo_size": Setting(
        "CARTE_DEMO_SIZE",
        "3000",
        "Number of synthetic projects shown when CARTE_DEMO=1 (benchmarks use 3 000, 100 000 and 1 000 000).",
    ),
    # Publishing (publishing/, web/publish/): the Alliances' own publications, in a database.
    "database_url": Setting(
        "CARTE_DATABASE_URL",
        "",
        "Database of the publications (SQLAlchemy URL, e.g. postgresql+psycopg://user@host/carte); empty means "
        "the SQLite file carte.db in CARTE_INSTANCE_DIR. Migrated by itself at start-up.",
    ),
    "instance_dir": Setting(
        "CARTE_INSTANCE_DIR",
        str(ROOT / "instance"),
        "Git-ignored folder of this server's own files: the SQLite database and the generated secret key.",
    ),
    "secret_key": Setting(
        "CARTE_SECRET_KEY",
        "",
        "Key that signs sessions, CSRF tokens and invitation links; empty means one generated once and kept in "
        "CARTE_INSTANCE_DIR/secret_key (every worker and restart then shares it).",
    ),
    "ratelimit_storage": Setting(
        "CARTE_RATELIMIT_STORAGE",
        "memory://",
        "Where sign-in attempts are counted (Flask-Limiter storage URL): memory:// counts per worker; "
        "redis://host:6379 shares the count between workers and servers in production.",
    ),
    "data_check_seconds": Setting(
        "CARTE_DATA_CHECK_SECONDS",
        "1",
        "How often, at most, a worker reads the data version to notice a new publication (seconds).",
    ),
}


def get(name: str) -> str:
    """The current value of setting `name` (environment first, then the default)."""
    return SETTINGS[name].value()


def geo_sources_dir() -> Path:
    return Path(get("geo_sources"))


def build_dir() -> Path:
    return Path(get("build_dir"))


def geo_build_dir() -> Path:
    return build_dir() / "geo"
