"""HTTP hardening of every response: Content-Security-Policy and friends, compression, caching.

`register(server, app)` is called once from `app.create_app()`. Everything here is about headers and
bytes on the wire; no page content is touched.

The policy is strict on scripts (only this server's files, plus the hashes of the inline scripts
Dash writes into the page) and lenient only where a library leaves no other way (inline styles).
Every exception to `'self'` is explained next to it.
"""
from __future__ import annotations

import os
import threading
from typing import TYPE_CHECKING

import flask
from dash.fingerprint import check_fingerprint
from flask_compress import Compress

import config
from components.urls import EMBED_PATH
from data.spreadsheet import MAX_FILE_BYTES
from web import public_url
from web.byte_cache import ByteLRU

if TYPE_CHECKING:
    import dash

# The online basemap (« Fond de carte en ligne ») switches Plotly's map style to "carto-positron".
# MapLibre then fetches, with fetch() from the page and from its blob: worker:
#   - the style document         https://basemaps.cartocdn.com/gl/positron-gl-style/style.json
#   - sprites, glyphs, tiles.json https://tiles.basemaps.cartocdn.com/…
#   - the vector tiles listed in tiles.json, spread over four shards
#                                 https://tiles-{a,b,c,d}.basemaps.cartocdn.com/vectortiles/…
#   - plotly.js rewrites a few font requests (« Open Sans Extrabold », « Open Sans Regular,Arial
#     Unicode MS Regular ») to     https://fonts.openmaptiles.org/…
# Exactly these hosts are listed (no wildcard). Sprite images are decoded from fetched bytes, so
# they need connect-src; img-src lists the hosts too because MapLibre falls back to <img> loading
# on browsers without createImageBitmap.
BASEMAP_HOSTS = (
    "https://basemaps.cartocdn.com",
    "https://tiles.basemaps.cartocdn.com",
    "https://tiles-a.basemaps.cartocdn.com",
    "https://tiles-b.basemaps.cartocdn.com",
    "https://tiles-c.basemaps.cartocdn.com",
    "https://tiles-d.basemaps.cartocdn.com",
    "https://fonts.openmaptiles.org",
)

# Largest request body accepted (413 above). The biggest legitimate one is a coordinator's
# spreadsheet, sent base64-encoded (4/3 of its size) in the upload callback; the margin covers the
# JSON around it and the session store of validated rows that later callbacks carry.
MAX_REQUEST_BYTES = MAX_FILE_BYTES * 4 // 3 + 8 * 1024 * 1024

FRAME_ANCESTORS_ENV = "CARTE_FRAME_ANCESTORS"
FRAME_ANCESTORS_DEFAULT = "'self'"
# The embeddable map (pages/embed.py) is made to be framed by any news site; it has no form and no
# callback of its own, so a framing site can make it do nothing. Every other page keeps
# CARTE_FRAME_ANCESTORS.
EMBED_FRAME_ANCESTORS = "*"

# URLs whose bytes never change: Dash puts the package version and file mtime in the name of
# `/_dash-component-suites/…/name.v4_4_1m1795239665.js`, and an asset's mtime in `/assets/x.css?m=…`.
# A new file gets a new URL, so browsers may keep these for a year without asking again.
IMMUTABLE = "public, max-age=31536000, immutable"
STATIC_PREFIXES = ("/assets/", "/_dash-component-suites/", "/layers/")
# What a browser or a shared cache may keep of every other answer (docs/OPERATIONS.md, « Cache »):
# - the same for every visitor (pages, Dash's layout and dependencies, the API): kept briefly, then
#   asked again with its ETag (a 304 costs no body);
# - made for one visitor (callback answers, anything under PER_VISITOR_PREFIXES, any answer that
#   sets a cookie) and every error: never stored;
# - a route that says its own policy (layers, previews, sitemap, /healthz, the API) keeps it.
PUBLIC_SHORT = "public, max-age=60"
API_DEFAULT = "public, max-age=300"
NO_STORE = "no-store"
PER_VISITOR_PREFIXES = ("/_dash-update-component", "/publier")
_ENCODING_SUFFIXES = (":br", ":gzip", ":deflate", ":zstd")  # flask-compress appends one to an ETag

# Compressed bodies kept per worker process, so a 4 MB plotly.js is compressed once, not for
# every new visitor. Only static files are stored, under a key that changes with their content.
COMPRESSION_CACHE_ENTRIES = 64
COMPRESSION_CACHE_BYTES = 32 * 1024 * 1024
_NO_CACHE = "-"
_CACHE_KEY = "_carte_compression_key"


class FrameAncestorsError(ValueError):
    """CARTE_FRAME_ANCESTORS holds something that is not a list of CSP sources."""


def frame_ancestors() -> str:
    """Who may show the map in a frame: the CSP source list of `CARTE_FRAME_ANCESTORS`.

    Examples: `'self'` (default), `'none'`, `'self' https://www.example.org`. A bare `*` or a
    scheme alone (`https:`) would let any site frame the map, so they are refused; so is anything
    that could end the header early (`;`, `,`, line breaks).
    """
    declared = "frame_ancestors" in config.SETTINGS
    raw = config.get("frame_ancestors") if declared else os.environ.get(FRAME_ANCESTORS_ENV, FRAME_ANCESTORS_DEFAULT)
    raw = raw.strip() or FRAME_ANCESTORS_DEFAULT
    sources = raw.split()
    for source in sources:
        bad = (source == "*" or any(c in source for c in ";,\r\n\"") or source.endswith(":")
               or (source.startswith("'") and source not in ("'self'", "'none'")))
        if bad:
            raise FrameAncestorsError(
                f"{FRAME_ANCESTORS_ENV} : source refusée {source!r} (valeurs permises : 'self', 'none' "
                f"ou des origines comme https://www.exemple.org, séparées par des espaces)")
    if "'none'" in sources and len(sources) > 1:
        raise FrameAncestorsError(f"{FRAME_ANCESTORS_ENV} : 'none' ne se combine avec aucune autre source")
    return " ".join(sources)


def content_security_policy(script_hashes: list[str] | tuple[str, ...], ancestors: str = FRAME_ANCESTORS_DEFAULT,
                            online_basemap: bool = True) -> str:
    """The Content-Security-Policy header value.

    `script_hashes` are the CSP hashes of the inline scripts Dash writes into the page
    (`dash.Dash.csp_hashes()`): the renderer start-up line (`new DashRenderer()`) and one script per
    inline clientside callback (`use_pages` adds one that sets the page title). Hashing them keeps
    `'unsafe-inline'` out of script-src, so an injected <script> would not run. The
    `<script id="_dash-config" type="application/json">` block is data, not a script: a policy does
    not apply to it. No `'unsafe-eval'`: nothing on the page needs it (AG Grid's `{"function": …}`
    strings go through dash-ag-grid's own parser, not eval).
    """
    basemap = " ".join(BASEMAP_HOSTS) if online_basemap else ""
    directives = {
        "default-src": "'self'",
        "script-src": " ".join(["'self'", *script_hashes]),
        # 'unsafe-inline' for styles only, because it cannot be avoided (checked in Chromium with
        # style-src-elem and style-src-attr split): Dash's renderer, dcc's components, AG Grid's
        # theming and plotly.js all add <style> elements at run time, and plotly writes style=""
        # attributes. None of them takes a nonce. Inline CSS cannot run code: the worst it allows
        # is defacement, and scripts stay locked down.
        "style-src": "'self' 'unsafe-inline'",
        # data: AG Grid's icons and plotly's image export; blob: MapLibre's sprites and exports.
        "img-src": f"'self' data: blob: {basemap}".strip(),
        "font-src": "'self' data:",
        # Dash's callbacks and the map layers; the basemap hosts only for the optional online basemap.
        "connect-src": f"'self' {basemap}".strip(),
        # MapLibre runs its tile parser in a worker built from a blob: URL; child-src repeats it for
        # browsers that predate worker-src.
        "worker-src": "'self' blob:",
        "child-src": "'self' blob:",
        "frame-src": "'self'",
        "object-src": "'none'",
        "base-uri": "'self'",
        "form-action": "'self'",
        "frame-ancestors": ancestors,
    }
    return "; ".join(f"{name} {value}" for name, value in directives.items())


def _is_immutable(request: flask.Request) -> bool:
    path = request.path
    if path.startswith("/_dash-component-suites/"):
        return check_fingerprint(path)[1]
    return path.startswith("/assets/") and bool(request.args.get("m"))


class _StaticCompressionCache(ByteLRU):
    """A small LRU of compressed static bodies (flask-compress's cache backend interface: get/set)."""

    def __init__(self, entries: int = COMPRESSION_CACHE_ENTRIES, max_bytes: int = COMPRESSION_CACHE_BYTES):
        super().__init__(entries, max_bytes)

    def set(self, key: str, value: bytes) -> None:
        if key.split(";", 1)[-1] == _NO_CACHE or len(value) > self.max_bytes:
            return
        self.put(key, value)


def _compression_key(_request: flask.Request) -> str:
    return flask.g.get(_CACHE_KEY, _NO_CACHE)


def _setup_compression(server: flask.Flask) -> None:
    server.config.setdefault("COMPRESS_MIMETYPES", [
        "text/html", "text/css", "text/plain", "text/javascript", "application/javascript",
        "application/json", "application/geo+json", "image/svg+xml", "image/x-icon",
    ])
    server.config.setdefault("COMPRESS_ALGORITHM", ["br", "gzip"])
    server.config.setdefault("COMPRESS_MIN_SIZE", 500)
    # Streamed bodies are never compressed: a 206 partial answer compressed would be corrupt.
    # Static files (small) are buffered below instead, so they are compressed whole and cached.
    server.config.setdefault("COMPRESS_STREAMS", False)
    server.config.setdefault("COMPRESS_CACHE_KEY", _compression_key)
    server.config.setdefault("COMPRESS_CACHE_BACKEND", _StaticCompressionCache)
    Compress(server)


def register(server: flask.Flask, app: dash.Dash | None = None, *, online_basemap: bool = True) -> None:
    """Add security headers, compression, long caching of fingerprinted files and a request size cap.

    `app` is the Dash app whose inline scripts are hashed into the policy (default: the app Dash
    knows as current, `dash.get_app()`). The hashes are computed at the first request, after every
    callback and page has been registered. Raises `FrameAncestorsError` at once if
    `CARTE_FRAME_ANCESTORS` is malformed, so a bad deployment setting stops the start-up.
    """
    ancestors = frame_ancestors()
    public_url.configured()  # a malformed CARTE_PUBLIC_URL stops the start-up too (PublicUrlError)
    if server.config.get("MAX_CONTENT_LENGTH") is None:  # Flask's default is None: no limit
        server.config["MAX_CONTENT_LENGTH"] = MAX_REQUEST_BYTES  # Werkzeug answers 413 above it

    policies: dict[str, str] = {}  # frame-ancestors → policy, computed once per process, on first use
    policy_lock = threading.Lock()

    def current_policy(frame_sources: str) -> str:
        if frame_sources not in policies:
            with policy_lock:
                if frame_sources not in policies:
                    import dash

                    dash_app = app or dash.get_app()
                    policies[frame_sources] = content_security_policy(dash_app.csp_hashes(), frame_sources,
                                                                      online_basemap)
        return policies[frame_sources]

    # Registered before flask-compress, so it runs last. Both servers (gunicorn and Werkzeug's)
    # write their own Date header; the one send_file() and flask-compress add would be a second.
    @server.after_request
    def one_date_header(response: flask.Response) -> flask.Response:
        response.headers.pop("Date", None)
        return response

    _setup_compression(server)
    server.wsgi_app = head_as_get(server.wsgi_app)

    # Registered after flask-compress, so it runs before it (Flask runs after_request hooks in
    # reverse order): the headers are set and static bodies buffered before compression.
    @server.after_request
    def harden(response: flask.Response) -> flask.Response:
        headers = response.headers
        request = flask.request
        embed = request.path == EMBED_PATH
        headers["Content-Security-Policy"] = current_policy(EMBED_FRAME_ANCESTORS if embed else ancestors)
        headers["X-Content-Type-Options"] = "nosniff"
        headers["Referrer-Policy"] = "strict-origin-when-cross-origin"
        if ancestors in ("'self'", "'none'") and not embed:  # the old header, for browsers without frame-ancestors
            headers["X-Frame-Options"] = "SAMEORIGIN" if ancestors == "'self'" else "DENY"
        # No Server header here: gunicorn adds "Server: gunicorn" (no version) after the app and
        # would send both; the development server's header comes from dev_request_handler().

        _cache_policy(request, response)
        if request.method in ("GET", "HEAD") and request.path.startswith(STATIC_PREFIXES) \
                and response.status_code == 200:
            if _is_immutable(request):
                headers["Cache-Control"] = IMMUTABLE
                headers.pop("Expires", None)
            if response.is_streamed and response.content_length is not None \
                    and response.content_length <= COMPRESSION_CACHE_BYTES:
                # A file from send_file(): read it (these files are small) so that it can be
                # compressed in one piece, then cached under its URL and validator.
                response.direct_passthrough = False
                response.set_data(response.get_data())
            etag = headers.get("ETag", "")
            flask.g.setdefault(_CACHE_KEY, f"{request.full_path}|{etag}")
        return response


def _cache_policy(request: flask.Request, response: flask.Response) -> None:
    """Cache-Control (and an ETag, answered with 304 when the browser has it) for answers that are
    not static files; see PUBLIC_SHORT above."""
    headers = response.headers
    path = request.path
    if request.method not in ("GET", "HEAD") or path.startswith(PER_VISITOR_PREFIXES) or "Set-Cookie" in headers:
        headers["Cache-Control"] = NO_STORE
        return
    if response.status_code >= 400:
        headers["Cache-Control"] = NO_STORE
        return
    if path.startswith(STATIC_PREFIXES) or response.status_code != 200 or response.is_streamed:
        return
    if "Cache-Control" not in headers:
        headers["Cache-Control"] = API_DEFAULT if path.startswith("/api/") else PUBLIC_SHORT
    if "ETag" not in headers and headers["Cache-Control"].startswith("public"):
        response.add_etag()
        etag, _ = response.get_etag()
        sent = {_without_encoding(tag) for tag in request.if_none_match.as_set()}
        if etag in sent or request.if_none_match.star_tag:
            response.status_code = 304
            response.set_data(b"")
            headers.pop("Content-Length", None)


def _without_encoding(tag: str) -> str:
    """An ETag the browser got from a compressed answer, as it was before compression."""
    for suffix in _ENCODING_SUFFIXES:
        if tag.endswith(suffix):
            return tag[:-len(suffix)]
    return tag


def head_as_get(wsgi_app):
    """`wsgi_app` answering HEAD exactly as GET (same status and headers, Content-Length included),
    without the body. Some views write their page for GET only (the first paint of `/`), so a HEAD
    reaching them got another page's headers."""
    def application(environ, start_response):
        if environ.get("REQUEST_METHOD") != "HEAD":
            return wsgi_app(environ, start_response)
        environ["REQUEST_METHOD"] = "GET"
        result = wsgi_app(environ, start_response)
        if hasattr(result, "close"):
            result.close()
        return []

    return application


def dev_request_handler() -> type:
    """Werkzeug's request handler without its version in the Server header, for `python app.py`.

    Pass it as `app.run(..., request_handler=security.dev_request_handler())`. gunicorn (`make
    serve`) needs nothing: it sends "Server: gunicorn" with no version.
    """
    from werkzeug.serving import WSGIRequestHandler

    class DevRequestHandler(WSGIRequestHandler):
        def version_string(self) -> str:
            return "carte-des-alliances"

    return DevRequestHandler
