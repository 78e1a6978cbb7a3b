"""The map page's first paint: any view of the map drawn on the server, with controls that work
without a script; the app loaded only when something needs it.

Why: on a slow phone Dash's scripts (React, dash-renderer, plotly.js with MapLibre: 1,1 MB gzip) take
seconds to arrive and seconds of main thread to start, and a tap made meanwhile used to be lost
(issue 24: 10 s from a tap to the map, tap lost). So every view of the map (`/` and `/?…`, the
permalink of `components.permalink`) is answered with its page already written — the same layout the
app renders (`web.static_html`), the map as an inline SVG with the same colours
(`components.map.static_map`), its legend, the figures, the summary and the table of territories — in
which the controls are plain HTML: the level, the measure and the frame buttons are links to the
permalink of the view they show, the region, MRC, priority, mandataire, cycle and status lists a GET form to
`/`, the search a GET form to `/lieu` (the municipality search). A tap costs one small page (tens of
kB, cached here by the cleaned view) and no script; without any script at all, the map still works.

Dash's script files are listed as data instead of loaded. assets/first_paint.js prefetches them at
low priority once the page is shown and the network is idle, and loads them only when the visitor
asks for what a written page cannot do (a gesture on the map itself, the table of projects, the amount
slider, the image of the map…). The app then renders out of sight and takes the page's place once its
map is drawn, with the same view, the text typed kept, the touched control focused, no jump.

The frame buttons' links carry `frame=` (south, montreal, quebec), which only the first paint reads:
the loader takes it out of the address before the app starts and presses the app's same button.

The embeddable map (pages/embed.py) has no control and its view is its query: it always gets its
first paint (the map fitted to its territories, without links: the box is one image for screen
readers), and the app loads when a reader's pointer or finger reaches the frame.

`CARTE_FIRST_PAINT=gesture` (config.py) brings back the previous behaviour — only `/` without a query
drawn, its controls inert look-alikes, the app loaded at the first gesture of any kind — so that
bench/phone_tap.py measures before and after in the same run.

The inline scripts Dash writes (clientside callbacks) stay where they are and keep their CSP hashes;
the loader is a file of assets/ (script-src 'self'); the renderer line is run by the loader.
"""
from __future__ import annotations

import copy
import html
from dataclasses import replace as changed
from functools import lru_cache
from html.parser import HTMLParser
from urllib.parse import parse_qsl, urlencode

import flask
import pandas as pd

import config
from components import ids
from components.dataset import Dataset, forget_on_new_data
from components.dataset import current as dataset
from components.i18n import t, text
from components.map import static_map
from components.map.bounds import focus, view_bounds
from components.map.figures import FRAME_ORDER, MAP_FRAMES, format_measure_many, measure_values
from components.map.heading import tr as heading_words
from components.map.summary import compute
from components.permalink import SAFE, view_from_query, view_to_query
from components.state import View
from components.urls import EMBED_PATH
from texts.catalogs import Messages
from web import public_url, static_html

TEXT = Messages("first_paint")
LOADER = "first_paint.js"  # assets/first_paint.js, loaded at once (everything else waits)
DEFERRED_TYPE = "text/x-carte-deferred"  # a script type browsers do not run
APP_ID = "carte-app"
DEFAULT_RENDERER = "var renderer = new DashRenderer();"  # what the loader runs; other renderers opt out
# Ids the first paint keeps: in-page anchors (skip link, « À propos ») and an ARIA reference.
KEEP_IDS = ("main", "about", "program", "program-title")
# The embed's frame of chosen territories: fit_map.js's embedFrame fits their box with the map's own
# margin (view_bounds already holds the room for their neighbours), so the live map's frame.
EMBED_REGION_MARGIN = static_map.FIT_MARGIN
LINKS, GESTURE = "links", "gesture"  # CARTE_FIRST_PAINT: today's first paint, and the one before (benchmarks)
FRAME_KEY = "frame"  # the frame buttons' links: read by the first paint only (see the module's doc)
DEFAULT_FRAME = FRAME_ORDER[0]
PLACE_SEARCH_PATH = "/lieu"  # the municipality search's page (its own module answers it)
FORM_ID = "fp-view"
PAGES_CACHED = 96  # views kept written (~130 kB each); the most visited ones stay, a forged query cannot fill memory
# The lists of the view's form: the app's control id → the permalink's key.
FORM_LISTS = {ids.REGION: "region", ids.MRC: "mrc", ids.THEME: "theme", ids.ALLIANCE: "mandataire",
              ids.CYCLE: "cycle", ids.STATUS: "status"}
FORM_FIELDS = (*FORM_LISTS.values(), "q", "link")  # what the visible fields send; the rest goes hidden
# Controls a written page cannot work (the app's id): a tap there loads the app, which then takes it over.
NEEDS_APP = (ids.MAP_IMAGE, ids.TABLE_SLOT)


def mode() -> str:
    return GESTURE if config.get("first_paint") == GESTURE else LINKS


def words(key: str, lang: str) -> str:
    return text(TEXT, key, lang)


def wanted(request: flask.Request) -> str | None:
    """Which first paint a request gets: "map" for a view of the map (any query but the presentation
    mode; with CARTE_FIRST_PAINT=gesture, only `/` without a query), "embed" for the embeddable map
    (its view is its query, and it has no control), else None."""
    if request.method != "GET":
        return None
    if request.path == EMBED_PATH:
        return "embed"
    if request.path != "/":
        return None
    if not request.args:
        return "map"
    return None if mode() == GESTURE or "mode" in request.args else "map"


# ---------------------------------------------------------------- the page, written on the server

def map_markup(view: View, result: dict, *, class_name: str = "map fp-map", frame: dict | None = None,
               margin: float = static_map.FIT_MARGIN, links: bool = True, frame_name: str | None = None) -> str:
    """The map box: the SVG and its legend, where the app's dcc.Graph will be."""
    agg = result["agg"]
    values = measure_values(agg, view.measure).dropna()
    labels = dict(zip(values.index, format_measure_many(values, view.measure, view.lang))) if len(values) else {}
    zmax = float(result["data"].get("zmax") or 0) if result["data"].get("locations") else 0.0
    top = format_measure_many(pd.Series([zmax]), view.measure, view.lang).iloc[0]
    title = result["data"].get("colorbar", {}).get("title", {}).get("text", "")
    svg = static_map.svg(view.level, result["no_data"], result["data"], result["points"],
                         names=agg.name.astype(str).to_dict(), labels=labels, title=title, frame=frame,
                         margin=margin, links=links, outlines=focus(view))
    loading = html.escape(t("loading_interactive_map", view.lang))
    named = f' data-frame="{html.escape(frame_name)}"' if frame_name else ""
    return (f'<div class="{class_name}" data-loading="{loading}"{named}>{svg}'
            f'{static_map.legend(title, top, result["no_data"].get("name", ""))}</div>')


def view_href(view: View, frame: str | None = None) -> str:
    """The permalink of `view` (with the frame chosen by a frame button, when not the default)."""
    query = view_to_query(view)
    if frame and frame != DEFAULT_FRAME:
        query = "&".join(filter(None, [query, urlencode({FRAME_KEY: frame}, safe=SAFE)]))
    return "/?" + query if query else "/"


def _choices(component, view: View, attribute: str, frame: str | None) -> str:
    """A radio group (level, measure) as links to the view with each choice: a tap is one page."""
    chosen = getattr(view, attribute)
    inline = " fp-inline" if getattr(component, "inline", False) else ""
    items = []
    for option in component.options:
        value = option["value"]
        other = changed(view, **{attribute: value}, **({"selected": None} if attribute == "level" else {}))
        current = ' aria-current="true"' if value == chosen else ""
        items.append(f'<a class="fp-choice" href="{html.escape(view_href(other, frame))}"{current}>'
                     f'<span class="fp-mark" aria-hidden="true"></span>{html.escape(str(option["label"]))}</a>')
    return (f'<div class="{html.escape(component.className or "")} fp-choices{inline}" id="fp-{component.id}" '
            f'role="group">{"".join(items)}</div>')


def _select(component, name: str, lang: str) -> str:
    """A filter list as a <select> of the view's GET form (one choice; a view with several keeps them)."""
    chosen = [str(v) for v in (component.value or [])]
    options = [(str(o["value"]), str(o["label"])) for o in component.options]
    labels = dict(options)
    from pages.dashboard import ALL_WORDS  # « Tous » (les statuts) where « Toutes » does not fit

    written = [f'<option value="">{html.escape(t(ALL_WORDS.get(component.id, "all"), lang))}</option>']
    if len(chosen) > 1:  # a permalink may choose several: kept as one choice of this list
        both = ", ".join(labels.get(v, v) for v in chosen)
        written.append(f'<option value="{html.escape(",".join(chosen))}" selected>{html.escape(both)}</option>')
    for value, label in options:
        selected = " selected" if chosen == [value] else ""
        written.append(f'<option value="{html.escape(value)}"{selected}>{html.escape(label)}</option>')
    return (f'<select class="fp-select" id="fp-{component.id}" name="{name}" form="{FORM_ID}" '
            f'data-for="{component.id}">{"".join(written)}</select>')


def _search(component, lang: str) -> str:
    """The search box as the municipality search's GET form (its own page finds the place or the projects)."""
    value = html.escape(str(component.value or ""))
    placeholder = html.escape(str(component.placeholder or ""))
    return (f'<form class="fp-search-form" action="{PLACE_SEARCH_PATH}" method="get" role="search" '
            f'aria-label="{html.escape(words("place_search", lang))}">'
            f'<input type="search" class="{html.escape(component.className or "")}" id="fp-{component.id}" name="q" '
            f'value="{value}" placeholder="{placeholder}" maxlength="100" data-for="{component.id}">'
            f'<input type="hidden" name="lang" value="{lang}"></form>')


def _explicit(component, view: View) -> str:
    checked = " checked" if view.filters.explicit_only else ""
    label = static_html.render(component.options[0]["label"])
    return (f'<div class="{html.escape(component.className or "")} fp-control"><label>'
            f'<input type="checkbox" name="link" value="explicit" form="{FORM_ID}"{checked}>{label}</label></div>')


def _view_form(view: View, frame: str | None) -> str:
    """The form the lists and the checkbox belong to (by their `form` attribute): the rest of the view
    rides along hidden. Its button is for browsers without scripts; with one, a choice sends it."""
    pairs = [(k, v) for k, v in parse_qsl(view_to_query(view)) if k not in FORM_FIELDS]
    if frame and frame != DEFAULT_FRAME:
        pairs.append((FRAME_KEY, frame))
    return (f'<form id="{FORM_ID}" class="fp-view-form" action="/" method="get">{_hidden(pairs)}'
            f'<noscript><button type="submit" class="fp-apply">{html.escape(words("apply", view.lang))}</button>'
            f"</noscript></form>")


def _hidden(pairs) -> str:
    return "".join(f'<input type="hidden" name="{html.escape(k)}" value="{html.escape(v)}">' for k, v in pairs)


def _frame_buttons(view: View, frame: str) -> str:
    """« Sud du Québec », « Grand Montréal », « Tout le Québec »: the app's buttons, each sending a GET
    form of the view with its frame (the same look as the app's, and no script needed)."""
    buttons = [f'<button type="submit" name="{FRAME_KEY}" value="{name}" class="frame-button" data-frame="{name}" '
               f'aria-pressed="{"true" if name == frame else "false"}">'
               f'{html.escape(heading_words(f"frame_{name}", view.lang))}</button>' for name in FRAME_ORDER]
    return (f'<form class="map-frames" action="/" method="get" role="group" '
            f'aria-label="{html.escape(heading_words("frames", view.lang))}">'
            f'{_hidden(parse_qsl(view_to_query(view)))}{"".join(buttons)}</form>')


def _reset(component, view: View) -> str:
    """« Réinitialiser les filtres »: the default view in the page's language (the app's button, in a form)."""
    lang = _hidden([("lang", view.lang)]) if view.lang != View.lang else ""
    return (f'<form class="fp-reset-form" action="/" method="get">{lang}'
            f'<button type="submit" class="{html.escape(component.className or "")}">'
            f'{html.escape(str(component.children))}</button></form>')


def _needs_app(component, replace, label_targets) -> str:
    marked = copy.copy(component)
    setattr(marked, "data-needs-app", component.id)
    return static_html.render(marked, lambda c: None if c is marked else replace(c), KEEP_IDS, label_targets)


def map_frame(view: View, frame: str | None) -> tuple[dict, str | None]:
    """The SVG's frame: the frame button's, else the box of the view's territories, else the south."""
    if frame in MAP_FRAMES:
        return MAP_FRAMES[frame], frame
    bounds = view_bounds(view)
    if bounds:
        return dict(zip(("west", "south", "east", "north"), bounds)), None
    return MAP_FRAMES[DEFAULT_FRAME], DEFAULT_FRAME


BAR_ROOM = 75  # % of a row's right part the longest bar takes: its label fits after it


def ranking_bars(figure: dict | None) -> str:
    """The ranking's bars written in HTML, in the room the chart will take: its title, then a row per
    territory (name, bar to scale, the chart's own label and colour). Without it the visitor saw an
    empty box until the app loaded, which on a written page may be never; the chart replaces it in the
    same box, so nothing moves."""
    bars = (figure or {}).get("data") or [{}]
    values = bars[0].get("x") or []
    if not values:
        return ""
    top = max(values) or 1
    colours = bars[0]["marker"]["color"]
    title, _, subtitle = figure["layout"]["title"]["text"].partition("<br><sup>")
    rows = []
    for i, (name, value, label) in enumerate(zip(bars[0]["y"], values, bars[0]["text"])):
        colour = colours[i] if isinstance(colours, list) else colours
        rows.append(f'<div class="fp-rank-row"><span class="fp-rank-name">{html.escape(str(name))}</span>'
                    f'<span class="fp-rank-bar"><span style="width:{max(value, 0) / top * BAR_ROOM:.1f}%;'
                    f'background:{html.escape(colour)}"></span>{html.escape(str(label))}</span></div>')
    return (f'<p class="fp-rank-title">{html.escape(title)}<br><small>{html.escape(subtitle.removesuffix("</sup>"))}'
            f'</small></p>' + "".join(rows))


def share_values(query: str, root: str, title: str) -> dict[str, str]:
    """What the share boxes hold for the view of `query` (`view_to_query`): its address and the
    <iframe> code of its embed, at `root` (public_url.root). The app's clientside callbacks
    (pages/dashboard) write the same once it runs, from the browser's own address."""
    def escape(value: str) -> str:  # as the app's callback escapes: &, ", < and >
        return html.escape(value, quote=False).replace('"', "&quot;")

    address = root + "/" + ("?" + query if query else "")
    src = root + EMBED_PATH + ("?" + query if query else "")
    code = (f'<iframe src="{escape(src)}" width="600" height="450" style="border:0;max-width:100%" '
            f'title="{escape(title)}" loading="lazy"></iframe>')
    return {ids.SHARE: address, ids.EMBED_SNIPPET: code}


def _share_box(component, value: str) -> str:
    """A share box written with its value (read-only, selectable, its label's target): without it the
    boxes stayed empty until the app loaded, which on a written page may be never."""
    return (f'<input id="fp-{html.escape(component.id)}" class="{html.escape(component.className or "")}" '
            f'readonly value="{html.escape(value)}">')


@forget_on_new_data
@lru_cache(maxsize=PAGES_CACHED)
def page_markup(data: Dataset, query: str = "", frame: str | None = None, ignored: tuple[str, ...] = (),
                how: str = LINKS, root: str = "") -> str:
    """A view's page as HTML, for one cleaned query (`view_to_query`) and frame: equivalent addresses
    share it, and the data change only with a new dataset (a new key). `ignored` are the parameters the
    page says it did not understand; `how` is the first paint's kind (LINKS, or GESTURE as before);
    `root` the address the share boxes give (CARTE_PUBLIC_URL when set, else the request's)."""
    from pages import dashboard  # the page module registers itself with Dash: imported once the app exists

    arguments = dict(parse_qsl(query))
    view, _ignored = view_from_query(arguments)
    result = compute(view, data)
    # The page's own notice of what it ignored: the same words as the app's once it takes over.
    layout = dashboard.layout(**arguments, **{name: "" for name in ignored if name not in arguments})
    box, frame_name = map_frame(view, frame if how == LINKS else None)
    shares = share_values(query, root, dashboard.page_links(view, result["agg"])["caption"].get("title", ""))
    label_targets = {control: f"fp-{control}" for control in (*FORM_LISTS, ids.SEARCH, *shares)} if how == LINKS else {}

    def replace(component) -> str | None:
        component_id = getattr(component, "id", None)
        if component_id == ids.MAP:
            return map_markup(view, result, frame=box, frame_name=frame_name or "")
        if component_id == ids.RANKING:
            # The same room as the bar chart (its height is in its figure); the table below has the figures.
            height = component.figure["layout"]["height"] if component.figure else 0
            # A ranking the page hides (nothing to rank: its style says display none) takes no room either.
            style = static_html.style_text({"height": f"{int(height or 0)}px",
                                            **(getattr(component, "style", None) or {})})
            return (f'<div class="ranking fp-ranking" style="{html.escape(style)}" aria-hidden="true">'
                    f'{ranking_bars(component.figure)}</div>')
        if how != LINKS or not isinstance(component_id, str):
            return None
        if component_id in (ids.LEVEL, ids.MEASURE):
            return _choices(component, view, "level" if component_id == ids.LEVEL else "measure", frame)
        if component_id in FORM_LISTS:
            return _select(component, FORM_LISTS[component_id], view.lang)
        if component_id == ids.SEARCH:
            return _search(component, view.lang)
        if component_id in shares:
            return _share_box(component, shares[component_id])
        if component_id == ids.EXPLICIT:
            return _explicit(component, view)
        if component_id == ids.RESET:
            return _view_form(view, frame) + _reset(component, view)
        if component_id == "map-frames":
            return _frame_buttons(view, frame_name or frame or "")
        if component_id in NEEDS_APP and not hasattr(component, "data-needs-app"):
            return _needs_app(component, replace, label_targets)
        return None

    return static_html.render(layout, replace, KEEP_IDS, label_targets)


@forget_on_new_data
@lru_cache(maxsize=64)
def embed_markup(data: Dataset, query: str) -> str:
    """The embed's page for one cleaned query (`view_to_query`, so that a hostile query cannot fill
    the cache) as HTML: its map fitted to the view's territories as fit_map.js fits it (a little
    room around a region's box, or all of Québec)."""
    from pages import embed  # the page module registers itself with Dash: imported once the app exists

    arguments = dict(parse_qsl(query))
    view, _ignored = view_from_query(arguments)
    result = compute(view, data)
    bounds = view_bounds(view)
    if bounds:
        frame, margin = dict(zip(("west", "south", "east", "north"), bounds)), EMBED_REGION_MARGIN
    else:
        frame, margin = MAP_FRAMES["quebec"], static_map.FIT_MARGIN

    def replace(component) -> str | None:
        if getattr(component, "id", None) == ids.EMBED_MAP:
            # No links: the box is one image for screen readers (role="img" with the view's title).
            return map_markup(view, result, class_name="embed-map fp-map", frame=frame, margin=margin, links=False)
        return None

    return static_html.render(embed.layout(**arguments), replace, KEEP_IDS)


# ---------------------------------------------------------------- the scripts, listed for later

class _Scripts(HTMLParser):
    """Dash's `{%scripts%}`: the files to load later, and the inline scripts and the loader to keep."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.deferred: list[str] = []
        self.kept: list[str] = []
        self._inline: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        if tag != "script":
            return
        src = dict(attrs).get("src")
        if src is None:
            self._inline = []
        elif LOADER in src.split("?")[0].rsplit("/", 1)[-1]:
            self.kept.append(f'<script src="{html.escape(src)}"></script>')
        else:
            self.deferred.append(src)

    def handle_data(self, data):
        if self._inline is not None:
            self._inline.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._inline is not None:
            # Written back byte for byte: its CSP hash must still match.
            self.kept.append("<script>" + "".join(self._inline) + "</script>")
            self._inline = None


def split_scripts(scripts: str) -> tuple[list[str], list[str]]:
    """(script URLs to load on first touch, in order; the script tags to keep as they are)."""
    parser = _Scripts()
    parser.feed(scripts)
    parser.close()
    return parser.deferred, parser.kept


def deferred_page(kwargs: dict, body: str, start: str = GESTURE, lang: str = "fr") -> dict:
    """The index's parts for a first paint: the written page before an invisible app entry, the
    scripts as inert elements (the loader runs them, then the renderer line). `start` tells the loader
    when to load the app: at the first gesture (GESTURE), or when something needs it (LINKS)."""
    deferred, kept = split_scripts(kwargs.get("scripts", ""))
    # Script elements of a type no browser runs: Dash checks that the page names its renderer's file
    # and line, and the loader reads them back in order.
    listing = "".join(f'<script type="{DEFERRED_TYPE}" data-src="{html.escape(src)}"></script>' for src in deferred)
    waiting = html.escape(words("loading", lang))
    return {
        **kwargs,
        "app_entry": (f'<div id="first-paint" class="first-paint" data-start="{start}" data-waiting="{waiting}">'
                      f'{body}</div>'
                      f'<div id="{APP_ID}" class="app-waiting" aria-hidden="true">{kwargs.get("app_entry", "")}</div>'),
        "scripts": listing + "".join(kept),
        "renderer": f'<script id="_dash-renderer" type="{DEFERRED_TYPE}">{DEFAULT_RENDERER}</script>',
    }


def map_request(args) -> tuple[str, str | None, tuple[str, ...]]:
    """(cleaned query, frame, names ignored) of a map request's arguments (first value of each key)."""
    raw = {key: args.get(key, "") for key in args.keys()}
    frame = raw.pop(FRAME_KEY, None)
    view, ignored = view_from_query(raw)
    return view_to_query(view), (frame if frame in MAP_FRAMES else None), tuple(ignored[:10])


def register(app) -> None:
    """Answer a view of the map and the embed with their first paint; every other page as Dash writes it."""
    original = app.interpolate_index

    def interpolate_index(**kwargs):
        request = flask.request
        kind = wanted(request)
        if not kind or kwargs.get("renderer", "").find(DEFAULT_RENDERER) < 0 or LOADER not in kwargs.get("scripts", ""):
            return original(**kwargs)
        how = mode()
        try:
            if kind == "map":
                query, frame, ignored = map_request(request.args)
                body = page_markup(dataset(), query, frame, ignored, how, public_url.root(request))
                start = how
            else:
                view, _ignored = view_from_query({k: request.args.get(k, "") for k in request.args.keys()})
                body, start = embed_markup(dataset(), view_to_query(view)), GESTURE
            lang = view_from_query({"lang": request.args.get("lang", "")})[0].lang
        except Exception:  # the first paint is a bonus: the page must still load without it
            app.server.logger.exception("première image de la carte impossible")
            return original(**kwargs)
        return original(**deferred_page(kwargs, body, start, lang))

    app.interpolate_index = interpolate_index
