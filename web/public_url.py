"""The site's public address: what canonical links, Open Graph tags, sitemap.xml, robots.txt and the
data package write, and the only Host a production server accepts (issue #27).

Without it, those addresses were built from the request's Host header, which any client chooses: a
cache or a search engine could keep a page that names another site. `CARTE_PUBLIC_URL` (config.py)
fixes it; empty (development), the request's own address is used.
"""
from __future__ import annotations

from urllib.parse import urlsplit

import flask

import config

LOOPBACK_HOSTS = ("127.0.0.1", "localhost", "[::1]", "::1")


class PublicUrlError(ValueError):
    """CARTE_PUBLIC_URL is not an http(s) address of a host."""


def configured() -> str:
    """CARTE_PUBLIC_URL without its final slash ("" when unset), checked."""
    raw = config.get("public_url").strip()
    if not raw:
        return ""
    parts = urlsplit(raw)
    if (parts.scheme not in ("http", "https") or not parts.hostname or parts.query or parts.fragment
            or parts.username or parts.password or any(c in raw for c in "\"'<> \\\t\r\n")):
        raise PublicUrlError(f"CARTE_PUBLIC_URL : {raw!r} n'est pas une adresse http(s) de site "
                             "(exemple : https://carte.exemple.org)")
    return raw.rstrip("/")


def root(request: flask.Request | None = None) -> str:
    """The address every public link starts with, without a final slash."""
    return configured() or (request or flask.request).url_root.rstrip("/")


def trusted_hosts() -> list[str] | None:
    """The Host values a production server accepts (Flask's TRUSTED_HOSTS), None when no public
    address is configured. Loopback stays allowed: health checks and the machine's own probes."""
    public = configured()
    if not public:
        return None
    parts = urlsplit(public)
    hosts = [parts.netloc.lower(), parts.hostname.lower()]
    return sorted(set(hosts)) + list(LOOPBACK_HOSTS)


def trust_public_host(server: flask.Flask) -> list[str] | None:
    """Make `server` answer 400 to a Host other than the public address's (call once, in production)."""
    hosts = trusted_hosts()
    if hosts:
        server.config["TRUSTED_HOSTS"] = hosts
    return hosts
