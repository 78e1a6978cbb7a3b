"""Links that preview: per-URL <title>, description, Open Graph and Twitter card tags, the og:image
of the view, robots.txt and sitemap.xml.

A link pasted in a chat or on a social network shows what the view is about: its title (measure,
level, region), one sentence with its figures, and a 1200 × 630 picture of its map
(`components.map.preview_image`), served at /apercu.png with the view's query.

The tags are written into the page's HTML by the server (`register` wraps Dash's
`interpolate_index`): preview robots do not run scripts. Images are cached in a bounded LRU (count and
bytes), keyed by what they show (a digest of everything drawn), so two queries that draw the same
picture (search words that match nothing…) share it. Drawing is bounded per process (one at a time,
and a few per client and minute); a request that cannot draw now never waits: it gets the picture of
a nearby view already drawn, or 503 with Retry-After.
"""
from __future__ import annotations

import hashlib
import html
import json
import threading
from dataclasses import dataclass, replace
from functools import lru_cache

import cachetools
import flask
import pandas as pd
from werkzeug.datastructures import MultiDict

from components import dataset
from components.document import METHODOLOGY_PATH, SITE_TITLE, data_as_of
from components.i18n import clean_lang, t, text
from components.map.heading import LEVEL_WORDS
from components.permalink import view_from_query, view_to_query
from components.state import View
from components.urls import EMBED_PATH
from data.metrics import Filters
from data.schema import REFERENCE_DIR
from geo import layers
from texts.catalogs import Messages
from web import public_url
from web.byte_cache import ByteLRU

IMAGE_PATH = "/apercu.png"
IMAGE_CACHE_ENTRIES = 128
IMAGE_CACHE_BYTES = 24 * 1024 * 1024
IMAGE_MAX_AGE = 3600
PAGE_MAX_AGE_SITEMAP = 3600
MAP_PATHS = ("/", EMBED_PATH)

WORDS = Messages("previews")


@dataclass(frozen=True)
class Preview:
    title: str
    description: str
    image_query: str  # the query of IMAGE_PATH that draws this page's view
    lang: str


# ---------------------------------------------------------------- which view a page is about

def _args(args) -> dict[str, str]:
    if isinstance(args, MultiDict):
        return {k: args.get(k) for k in args.keys()}
    return {str(k): str(v) for k, v in dict(args).items()}


def page_view(path: str, args) -> View:
    """The map view a page shows or is about: the permalink's on the map and the embed, the
    territory of a region or MRC page (or sheet), the region of the presentation, else the default."""
    values = _args(args)
    lang = clean_lang(values.get("lang"))
    if path in MAP_PATHS:
        return view_from_query(values)[0]
    parts = [p for p in path.strip("/").split("/") if p]
    if parts[:1] == ["fiche"]:
        parts = parts[1:]
    if len(parts) == 2 and parts[0] == "region" and parts[1] in layers.territories("region").index:
        return View(level="mrc", filters=Filters(regions=(parts[1],)), lang=lang)
    if len(parts) == 2 and parts[0] == "mrc" and parts[1] in layers.territories("mrc").index:
        return View(level="mrc", filters=Filters(mrcs=(parts[1],)), lang=lang)
    region = values.get("region", "")
    if path == "/presentation" and region in layers.territories("region").index:
        return View(level="mrc", filters=Filters(regions=(region,)), lang=lang)
    return View(lang=lang)


def _page_title(path: str, lang: str) -> str | None:
    """The title Dash pages give themselves (region and MRC names…), when the path is one of them."""
    from dash._pages import (
        _path_to_page,  # what Dash itself uses to find the page of a path
    )

    try:
        page, variables = _path_to_page(path.strip("/"))
    except (ValueError, TypeError, KeyError):  # a malformed path is the 404 page's business
        return None
    title = page.get("title") if page else None
    if callable(title):
        try:
            title = title(**(variables or {}), lang=lang)
        except (ValueError, TypeError, KeyError):  # a page title that cannot be made: the site's
            return None
    return title if isinstance(title, str) and title else None


@lru_cache(maxsize=1)
def _cycle_labels() -> pd.DataFrame:
    return pd.read_csv(REFERENCE_DIR / "cycles.csv", dtype=str).set_index("cycle_id")


@lru_cache(maxsize=256)  # per process; the data do not change while it runs, and most links are a few views
def view_description(view: View) -> str:
    """The view's summary sentence, then its measure, level and cycles."""
    from components.map.summary import compute, view_summary

    result = compute(view)
    labels = _cycle_labels()["label_en" if view.lang == "en" else "label_fr"]
    cycles = (text(WORDS, "cycles", view.lang, names=", ".join(labels.get(c, c) for c in view.filters.cycles))
              if view.filters.cycles else text(WORDS, "all_cycles", view.lang))
    detail = text(WORDS, "view_detail", view.lang, measure=t(f"measure_{view.measure}", view.lang),
                  level=text(LEVEL_WORDS, view.level, view.lang), cycles=cycles)
    return f"{view_summary(view, result['headline'], result['agg'])} {detail}"


def view_title(view: View) -> str:
    from components.map.summary import map_caption

    return map_caption(view)["title"]


def preview(path: str, args) -> Preview:
    view = page_view(path, args)
    site = SITE_TITLE[1 if view.lang == "en" else 0]
    image_query = view_to_query(view)
    if path in MAP_PATHS:
        return Preview(f"{view_title(view)} — {site}", view_description(view), image_query, view.lang)
    title = _page_title(path, view.lang) or site
    if path.rstrip("/") == METHODOLOGY_PATH:
        return Preview(title, text(WORDS, "methodology", view.lang), image_query, view.lang)
    return Preview(title, view_description(view), image_query, view.lang)


def meta_tags(item: Preview, url: str, root: str) -> str:
    """The <meta> and <link rel=canonical> tags of a page (escaped: the query is the visitor's)."""
    image = f"{root.rstrip('/')}{IMAGE_PATH}" + (f"?{item.image_query}" if item.image_query else "")
    alt = text(WORDS, "image_alt", item.lang, title=item.title)
    attributes = [
        ("name", "description", item.description),
        ("property", "og:type", "website"),
        ("property", "og:site_name", SITE_TITLE[1 if item.lang == "en" else 0]),
        ("property", "og:locale", "en_CA" if item.lang == "en" else "fr_CA"),
        ("property", "og:title", item.title),
        ("property", "og:description", item.description),
        ("property", "og:url", url),
        ("property", "og:image", image),
        ("property", "og:image:type", "image/png"),
        ("property", "og:image:width", "1200"),
        ("property", "og:image:height", "630"),
        ("property", "og:image:alt", alt),
        ("name", "twitter:card", "summary_large_image"),
        ("name", "twitter:title", item.title),
        ("name", "twitter:description", item.description),
        ("name", "twitter:image", image),
        ("name", "twitter:image:alt", alt),
    ]
    tags = [f'<meta {kind}="{name}" content="{html.escape(value, quote=True)}">' for kind, name, value in attributes]
    tags.append(f'<link rel="canonical" href="{html.escape(url, quote=True)}">')
    return "\n".join(tags)


def canonical_url(request: flask.Request) -> str:
    """The page's address with its view cleaned (what the permalink would write), so that two
    spellings of the same view are one page for a search engine."""
    root = public_url.root(request)
    if request.path in MAP_PATHS:
        query = view_to_query(view_from_query(_args(request.args))[0])
        return f"{root}{request.path}" + (f"?{query}" if query else "")
    lang = clean_lang(request.args.get("lang"))
    return f"{root}{request.path}" + ("?lang=en" if lang == "en" else "")


# ---------------------------------------------------------------- the image

IMAGES = ByteLRU(IMAGE_CACHE_ENTRIES, IMAGE_CACHE_BYTES)  # PNG bytes, keyed by what they show
# (the data's key, view_to_query(view)) → the key of its picture, so a view seen before costs neither
# the figures nor the key; bounded like the pictures (a key is 64 characters). The data's key
# (« public@N ») names the data version: a picture drawn from older data is never found for newer,
# even when its drawing ends after the new data's arrival cleared the caches.
_KEYS: cachetools.LRUCache = cachetools.LRUCache(4 * IMAGE_CACHE_ENTRIES)
_KEYS_LOCK = threading.Lock()
# One picture drawn at a time per process (about 0,4 s of CPU each). A request that finds the
# drawing busy does not wait for it: it gets the picture of a nearby view already drawn, or 503.
_DRAWING = threading.Lock()
# Drawings per client (its address as this server sees it) per process and per minute. Preview
# robots fetch a handful; a client asking for many distinct views gets nearby pictures, or 503.
DRAWINGS_PER_CLIENT = 6
_CLIENT_WINDOW_SECONDS = 60
_DRAWN_BY: cachetools.TTLCache = cachetools.TTLCache(maxsize=4096, ttl=_CLIENT_WINDOW_SECONDS)
RETRY_AFTER_SECONDS = 5
NEARBY_MAX_AGE = 60  # a stand-in picture is kept briefly: the view's own comes on a later request


class PreviewBusy(Exception):
    """No picture of this view, or of a view near it, can be given now (503 with Retry-After)."""


def _plain(value):
    """numpy values in a picture's inputs, as JSON (json.dumps' `default`)."""
    if hasattr(value, "tolist"):
        return value.tolist()
    return str(value)


def _picture(view: View, data: dataset.Dataset | None = None) -> dict:
    """Everything that is drawn in the picture of `view` from `data` (default: the public data)
    (components.map.preview_image.render's arguments)."""
    from components.map.bounds import view_bounds
    from components.map.figures import format_measure_many
    from components.map.summary import compute, map_caption, view_summary

    result = compute(view, data or dataset.current())
    caption = map_caption(view)
    top = float(result["data"].get("zmax") or 0) if result["data"].get("locations") else 0.0
    low, high = format_measure_many(pd.Series([0.0, top]), view.measure, view.lang).tolist()
    unit = "" if view.measure == "count" else " ($)"
    return dict(
        level=view.level, no_data=result["no_data"], data=result["data"], points=result["points"],
        bounds=view_bounds(view),
        focus=[("region", view.filters.regions), ("mrc", view.filters.mrcs), ("alliance", view.filters.alliances)],
        title=caption["title"], summary=view_summary(view, result["headline"], result["agg"]),
        measure_label=t(f"measure_{view.measure}", view.lang) + unit, low_label=low, high_label=high,
        no_data_label=t("no_data", view.lang),
        source=" · ".join([SITE_TITLE[1 if view.lang == "en" else 0], *layers.attribution_lines(lang=view.lang)]))


def _key(picture: dict) -> str:
    text = json.dumps(picture, sort_keys=True, default=_plain, ensure_ascii=False)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _cached(view: View, data_key: str) -> bytes | None:
    """The picture of `view` if it was drawn from the data of `data_key` (or one showing exactly the
    same), without computing."""
    with _KEYS_LOCK:
        key = _KEYS.get((data_key, view_to_query(view)))
    return IMAGES.get(key) if key else None


def nearby_views(view: View) -> list[View]:
    """Views whose picture may stand in for `view`'s, nearest first: without the search words, then
    without any filter (the same measure and level), then the default view in its language."""
    return [replace(view, filters=replace(view.filters, text="")),
            View(level=view.level, measure=view.measure, lang=view.lang), View(lang=view.lang)]


def view_image(view: View, client: str = "") -> tuple[bytes, bool]:
    """(the PNG of `view`, True) — or (a nearby view's PNG, False) when drawing it now is not
    possible: another picture is being drawn in this process, or `client` drew its share of them this
    minute. PreviewBusy when no nearby picture exists either. Never waits for another drawing, and
    computes nothing for a request that may not draw (the cache is first asked by the view's query)."""
    data = dataset.current()
    cached = _cached(view, data.key)
    if cached is not None:
        return cached, True
    if _take_share(client):
        if _DRAWING.acquire(blocking=False):
            try:
                picture = _picture(view, data)  # a few milliseconds: the figures are cached per view
                key = _key(picture)
                with _KEYS_LOCK:
                    _KEYS[(data.key, view_to_query(view))] = key
                cached = IMAGES.get(key)  # the same picture under other words (a search matching nothing…)
                if cached is not None:
                    _give_back_share(client)
                else:
                    cached = _draw(picture)
                    IMAGES.put(key, cached)
            finally:
                _DRAWING.release()
            return cached, True
        _give_back_share(client)
    for nearby in nearby_views(view):
        stand_in = _cached(nearby, data.key)
        if stand_in is not None:
            return stand_in, False
    raise PreviewBusy()


def _take_share(client: str) -> bool:
    """Count one drawing for `client`, unless it already had DRAWINGS_PER_CLIENT this minute."""
    with _KEYS_LOCK:
        drawn = _DRAWN_BY.get(client, 0)
        if drawn >= DRAWINGS_PER_CLIENT:
            return False
        _DRAWN_BY[client] = drawn + 1  # the window restarts at each drawing: a steady robot stays held
        return True


def _give_back_share(client: str) -> None:
    with _KEYS_LOCK:
        if _DRAWN_BY.get(client):
            _DRAWN_BY[client] -= 1


def _draw(picture: dict) -> bytes:
    from components.map import preview_image  # imported when a picture is first drawn

    return preview_image.render(**picture)


# ---------------------------------------------------------------- robots.txt and sitemap.xml

def robots_txt(root: str) -> str:
    # The API's answers are data, not pages: crawling its endless filter combinations helps nobody.
    # Disallow comes first: robots that take the first matching rule (not the longest) read it too.
    # The image route stays open: preview robots honour robots.txt before fetching og:image.
    return f"User-agent: *\nDisallow: /api/\nAllow: /\n\nSitemap: {root.rstrip('/')}/sitemap.xml\n"


def sitemap_paths() -> list[str]:
    """The map, the methodology, and every region and MRC page and sheet."""
    paths = ["/", METHODOLOGY_PATH]
    for code in layers.territories("region").index:
        paths += [f"/region/{code}", f"/fiche/region/{code}"]
    for mrc_id in layers.territories("mrc").index:
        paths += [f"/mrc/{mrc_id}", f"/fiche/mrc/{mrc_id}"]
    return paths


def sitemap_xml(root: str) -> str:
    root = root.rstrip("/")
    modified = data_as_of()
    lastmod = f"<lastmod>{modified}</lastmod>" if modified else ""
    urls = "".join(f"<url><loc>{html.escape(root + path)}</loc>{lastmod}</url>\n" for path in sitemap_paths())
    return ('<?xml version="1.0" encoding="UTF-8"?>\n'
            '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n' + urls + "</urlset>\n")


# ---------------------------------------------------------------- wiring

def _forget_views(_data) -> None:
    view_description.cache_clear()
    IMAGES.clear()


def register(app) -> None:
    """Per-URL tags in every Dash page, and the /apercu.png, /robots.txt and /sitemap.xml routes."""
    server = app.server
    original = app.interpolate_index
    dataset.ON_NEW_DATA.append(_forget_views)  # a new publication: descriptions and pictures drawn again

    def interpolate_index(**kwargs):
        request = flask.request
        try:
            item = preview(request.path, request.args)
        except Exception:  # a preview must never break the page itself
            server.logger.exception("aperçu impossible pour %s", request.full_path)
            return original(**kwargs)
        kwargs["title"] = html.escape(item.title, quote=False)
        # After Dash's own (charset first, as HTML wants it within the first bytes).
        kwargs["metas"] = kwargs.get("metas", "") + "\n" + meta_tags(item, canonical_url(request), public_url.root(request))
        page = original(**kwargs)
        # The page's language from the first byte (robots and screen readers read it before any script).
        return page.replace('<html lang="fr">', '<html lang="en">', 1) if item.lang == "en" else page

    app.interpolate_index = interpolate_index

    @server.get(IMAGE_PATH)
    def preview_png():
        view, _ = view_from_query(_args(flask.request.args))
        try:
            image, own = view_image(view, flask.request.remote_addr or "")
        except PreviewBusy:
            response = flask.Response(status=503, mimetype="text/plain")
            response.headers["Retry-After"] = str(RETRY_AFTER_SECONDS)
            response.headers["Cache-Control"] = "no-store"
            return response
        response = flask.Response(image, mimetype="image/png")
        response.headers["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE if own else NEARBY_MAX_AGE}"
        return response

    @server.get("/robots.txt")
    def robots():
        return flask.Response(robots_txt(public_url.root()), mimetype="text/plain")

    @server.get("/sitemap.xml")
    def sitemap():
        response = flask.Response(sitemap_xml(public_url.root()), mimetype="application/xml")
        response.headers["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE_SITEMAP}"
        return response

