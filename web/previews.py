"""Links that preview: per-URL <title>, description, Open Graph and Twitter card tags, the og:image
of the view, robots.txt and sitemap.xml.

A link pasted in a chat or on a social network shows what the view is about: its title (measure,
level, region), one sentence with its figures, and a 1200 × 630 picture of its map
(`components.map.preview_image`), served at /apercu.png with the view's query.

The tags are written into the page's HTML by the server (`register` wraps Dash's
`interpolate_index`): preview robots do not run scripts. Images are cached per view, in a bounded
LRU (count and bytes), keyed by the cleaned view, so a hostile query cannot fill the memory.
"""
from __future__ import annotations

import html
import threading
from dataclasses import dataclass
from functools import lru_cache

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
    root = request.url_root.rstrip("/")
    if request.path in MAP_PATHS:
        query = view_to_query(view_from_query(_args(request.args))[0])
        return f"{root}{request.path}" + (f"?{query}" if query else "")
    lang = clean_lang(request.args.get("lang"))
    return f"{root}{request.path}" + ("?lang=en" if lang == "en" else "")


# ---------------------------------------------------------------- the image

IMAGES = ByteLRU(IMAGE_CACHE_ENTRIES, IMAGE_CACHE_BYTES)  # PNG bytes of the views drawn
# One picture drawn at a time per process (about half a second each): a robot asking for many
# different views queues up instead of taking every core from the visitors.
_DRAWING = threading.Lock()


def view_image(view: View) -> bytes:
    """The PNG of `view` (cached under its cleaned query)."""
    key = view_to_query(view) or "-"
    cached = IMAGES.get(key)
    if cached is not None:
        return cached
    with _DRAWING:
        cached = IMAGES.get(key)  # drawn by another thread while this one waited
        if cached is None:
            cached = _draw(view)
            IMAGES.put(key, cached)
    return cached


def _draw(view: View) -> bytes:
    # Imported when a picture is first drawn: most requests never draw one.
    from components.map import preview_image
    from components.map.bounds import view_bounds
    from components.map.figures import format_measure_many
    from components.map.summary import compute, map_caption, view_summary

    result = compute(view)
    caption = map_caption(view)
    top = float(result["data"].get("zmax") or 0) if result["data"].get("locations") else 0.0
    low, high = format_measure_many(pd.Series([0.0, top]), view.measure, view.lang).tolist()
    unit = "" if view.measure == "count" else " ($)"
    return preview_image.render(
        view.level, result["no_data"], result["data"], result["points"], bounds=view_bounds(view),
        focus=[("region", view.filters.regions), ("mrc", view.filters.mrcs), ("alliance", view.filters.alliances)],
        title=caption["title"], summary=view_summary(view, result["headline"], result["agg"]),
        measure_label=t(f"measure_{view.measure}", view.lang) + unit, low_label=low, high_label=high,
        no_data_label=t("no_data", view.lang),
        source=" · ".join([SITE_TITLE[1 if view.lang == "en" else 0], *layers.attribution_lines()]))


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
        kwargs["metas"] = kwargs.get("metas", "") + "\n" + meta_tags(item, canonical_url(request), request.url_root)
        page = original(**kwargs)
        # The page's language from the first byte (robots and screen readers read it before any script).
        return page.replace('<html lang="fr">', '<html lang="en">', 1) if item.lang == "en" else page

    app.interpolate_index = interpolate_index

    @server.get(IMAGE_PATH)
    def preview_png():
        view, _ = view_from_query(_args(flask.request.args))
        response = flask.Response(view_image(view), mimetype="image/png")
        response.headers["Cache-Control"] = f"public, max-age={IMAGE_MAX_AGE}"
        return response

    @server.get("/robots.txt")
    def robots():
        return flask.Response(robots_txt(flask.request.url_root), mimetype="text/plain")

    @server.get("/sitemap.xml")
    def sitemap():
        response = flask.Response(sitemap_xml(flask.request.url_root), mimetype="application/xml")
        response.headers["Cache-Control"] = f"public, max-age={PAGE_MAX_AGE_SITEMAP}"
        return response

