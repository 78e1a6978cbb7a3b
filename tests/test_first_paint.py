"""The map's first paint, without a browser: the layout written as HTML (web.static_html), the map
as SVG (components.map.static_map), its controls as links and GET forms, and the index that lists
Dash's scripts for later (web.first_paint)."""
from __future__ import annotations

import base64
import gzip
import hashlib
import html as html_module
import re
from html.parser import HTMLParser

import pytest
from dash import dcc, html

import app as application
from components import ids, permalink
from components.i18n import t
from components.map import heading, static_map, summary
from components.map.bounds import view_bounds
from components.map.figures import FOCUS_COLOUR, FOCUS_WIDTH, MAP_FRAMES, NO_DATA_COLOUR
from components.map.preview_image import scale_colour
from components.state import View
from data import metrics
from geo import layers
from web import first_paint, static_html


class _Tags(HTMLParser):
    """Every start tag with its attributes, and the text of each inline script (not JSON data)."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, dict]] = []
        self.inline: list[str] = []
        self._script: list[str] | None = None

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag == "script" and "src" not in dict(attrs) and "type" not in dict(attrs):  # scripts, not data
            self._script = []

    def handle_data(self, data):
        if self._script is not None:
            self._script.append(data)

    def handle_endtag(self, tag):
        if tag == "script" and self._script is not None:
            self.inline.append("".join(self._script))
            self._script = None


def _parsed(body: str) -> _Tags:
    parser = _Tags()
    parser.feed(body)
    return parser


@pytest.fixture(scope="module")
def client():
    return application.server.test_client()


# ---------------------------------------------------------------- the layout as HTML

def test_html_components_are_written_with_their_attributes_escaped():
    tree = html.Div([html.A("<b>Estrie</b> & co", href="/region/05?a=1&b=2", className="x", **{"aria-label": 'a "b"'}),
                     html.Label("Région", htmlFor="filter-region"), html.Button("Sud", **{"aria-pressed": "true"})],
                    id="kept", style={"fontSize": "12px"})
    out = static_html.render(tree, keep_ids=("kept",))
    assert out.startswith('<div id="kept" style="font-size: 12px">')
    assert '<a class="x" href="/region/05?a=1&amp;b=2" aria-label="a &quot;b&quot;">&lt;b&gt;Estrie&lt;/b&gt; &amp; co</a>' in out
    assert '<label>Région</label>' in out  # `for` would name an element the first paint does not have
    assert 'aria-pressed="true"' in out


def test_ids_are_dropped_unless_kept_so_the_apps_scripts_find_only_the_app():
    out = static_html.render(html.Div([html.Div(id="projects-table-slot"), html.Main(id="main")]), keep_ids=("main",))
    assert 'id="projects-table-slot"' not in out and '<main id="main">' in out


def test_controls_get_inert_look_alikes_hidden_from_screen_readers_and_stores_nothing():
    radio = dcc.RadioItems(id="level", value="region", options=[{"label": "MRC", "value": "mrc"},
                                                                   {"label": "Région", "value": "region"}])
    out = static_html.render(html.Div([radio, dcc.Store(id="s", data=1), dcc.Dropdown(id="d", placeholder="Toutes")]))
    assert out.count('aria-hidden="true"') == 2 and 'tabindex="-1" checked>Région' in out
    assert 'tabindex="-1">MRC' in out and "Toutes" in out and 'data-needs-app="s"' not in out
    # A tap on a look-alike loads the app, which then gives the focus to the control of that id.
    assert 'data-needs-app="level"' in out and 'data-needs-app="d"' in out


def test_a_replacement_takes_the_place_of_a_component():
    out = static_html.render(html.Div(dcc.Graph(id="map")), replace=lambda c: "<svg></svg>" if getattr(c, "id", None) == "map" else None)
    assert out == "<div><svg></svg></div>"


# ---------------------------------------------------------------- the map as SVG

def test_the_view_box_is_the_southern_frame_with_fit_maps_margin():
    frame = MAP_FRAMES["south"]
    x, y, width, height = static_map.view_box(frame)
    assert x < frame["west"] and x + width > frame["east"]  # a small margin either side
    top, bottom = -static_map.mercator_degrees(frame["north"]), -static_map.mercator_degrees(frame["south"])
    span = bottom - top
    # As fit_map.js frames it: the frame centred, with the same small margin above and below.
    assert y < top and y + height > bottom
    assert (y + height / 2) == pytest.approx((top + bottom) / 2)
    assert (top - y) == pytest.approx(y + height - bottom) and top - y < 0.05 * span


def test_the_svg_colours_each_region_as_the_map_does_and_links_its_page():
    result = summary.compute(View())
    data = result["data"]
    svg = static_map.svg("region", result["no_data"], data, result["points"],
                         names=result["agg"].name.astype(str).to_dict(), labels={}, title="Carte")
    paths = {tag[1]["data-id"]: tag[1] for tag in _parsed(svg).tags if tag[0] == "path" and "data-id" in tag[1]}
    links = [tag[1]["href"] for tag in _parsed(svg).tags if tag[0] == "a"]
    assert len(paths) == 17 and sorted(links) == sorted(f"/region/{code}" for code in paths)
    zmax = float(data["zmax"])
    for code, value in zip(data["locations"], data["z"]):
        assert paths[code]["fill"] == "#{:02x}{:02x}{:02x}".format(*scale_colour(value, zmax))
        assert float(paths[code]["data-value"]) == pytest.approx(value)
    assert {code for code, attrs in paths.items() if attrs["fill"] == NO_DATA_COLOUR} == set(result["no_data"]["locations"])
    dots = [tag for tag in _parsed(svg).tags if tag[0] == "path" and "stroke-width" in tag[1]]
    assert len(dots) == len(result["points"]["lon"])


def _outline(svg: str) -> tuple[dict, list[str]]:
    """The outline group's attributes and its paths' data (no group: {}, [])."""
    tags = _parsed(svg).tags
    group = next((a for t_, a in tags if t_ == "g" and a.get("class") == "fp-outline"), None)
    if group is None:
        return {}, []
    return group, re.findall(r'<path d="([^"]+)"/>', svg.split('class="fp-outline"', 1)[1].split("</g>", 1)[0])


def test_the_svg_outlines_the_chosen_mrc_on_the_map_of_regions_as_the_app_does():
    result = summary.compute(View())
    common = {"names": result["agg"].name.astype(str).to_dict(), "labels": {}, "title": "Carte"}
    plain = static_map.svg("region", result["no_data"], result["data"], result["points"], **common)
    assert _outline(plain) == ({}, [])  # nothing chosen: nothing outlined
    svg = static_map.svg("region", result["no_data"], result["data"], result["points"], **common,
                         outlines={"region": (), "mrc": ("rimouski-neigette", "no-such-mrc"), "alliance": ()})
    group, paths = _outline(svg)
    # The app's outline (figures.map_figure traces 3-5): same colour, same width in screen pixels, no fill.
    assert group["stroke"] == FOCUS_COLOUR and float(group["stroke-width"]) == FOCUS_WIDTH
    assert group["fill"] == "none" and group["aria-hidden"] == "true"
    mrc_paths = {i: path for i, path, _box in static_map.territory_paths("mrc")}
    assert paths == [mrc_paths["rimouski-neigette"]]  # the MRC's own shape; an unknown id draws nothing
    # Above the territories (visible), under the dots (a dot is never hidden by it).
    assert svg.index('class="fp-territories"') < svg.index('class="fp-outline"') < svg.index('class="fp-points"')


def test_the_written_map_and_embed_outline_the_views_territories(client):
    region_paths = {i: path for i, path, _box in static_map.territory_paths("region")}
    for url in ("/?level=mrc&region=14", "/embed?level=mrc&region=14"):
        group, paths = _outline(client.get(url).get_data(as_text=True))
        assert group["stroke"] == FOCUS_COLOUR and paths == [region_paths["14"]], url
    _group, paths = _outline(client.get("/?level=region&mrc=rimouski-neigette").get_data(as_text=True))
    assert len(paths) == 1 and paths[0] in {path for _i, path, _b in static_map.territory_paths("mrc")}
    assert _outline(client.get("/?level=mrc").get_data(as_text=True)) == ({}, [])


# ---------------------------------------------------------------- the index

def test_the_default_view_is_written_and_its_scripts_wait(client):
    body = client.get("/").get_data(as_text=True)
    tags = _parsed(body)
    assert 'id="first-paint"' in body and 'class="fp-svg"' in body
    executable = [a["src"] for t, a in tags.tags if t == "script" and "src" in a]
    assert len(executable) == 1 and first_paint.LOADER in executable[0]  # only the loader runs at once
    waiting = [a["data-src"] for t, a in tags.tags if t == "script" and a.get("type") == first_paint.DEFERRED_TYPE
               and "data-src" in a]
    assert any("dash_renderer" in src for src in waiting) and any("react-dom" in src for src in waiting)
    assert re.search(r'<div id="carte-app" class="app-waiting" aria-hidden="true">\s*<div id="react-entry-point">', body)


def test_the_legend_draws_the_colour_bars_line_breaks_instead_of_printing_them(client):
    body = client.get("/").get_data(as_text=True)
    assert "&lt;br" not in body  # Plotly's « <br> » in the colour bar's title, printed as text
    (title,) = re.findall(r'<p class="fp-scale-title">(.*?)</p>', body)
    assert title.count("<br>") == 1 and all(part.strip() for part in title.split("<br>"))
    assert static_map.title_lines("Enveloppe par habitant<br>PAGIEPS 2017–2023 ($)") == \
        ["Enveloppe par habitant", "PAGIEPS 2017–2023 ($)"]


def test_the_inline_scripts_kept_still_match_the_pages_csp_hashes(client):
    response = client.get("/")
    tags = _parsed(response.get_data(as_text=True))
    policy = response.headers["Content-Security-Policy"]
    runnable = [s for s in tags.inline if s.strip() and "DashRenderer" not in s]
    assert runnable
    for script in runnable:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in policy


def test_the_presentation_mode_loads_the_app_at_once(client):
    body = client.get("/?mode=presentation&region=14").get_data(as_text=True)
    assert 'id="first-paint"' not in body and first_paint.DEFERRED_TYPE not in body
    assert re.search(r'<script src="[^"]*dash_renderer[^"]*"', body)


def test_other_pages_are_untouched(client):
    body = client.get("/methodologie").get_data(as_text=True)
    assert 'id="first-paint"' not in body and re.search(r'<script src="[^"]*dash_renderer[^"]*"', body)


def test_the_embed_is_written_first_without_links_in_its_image(client):
    body = client.get("/embed?region=14&level=mrc&junk=<b>").get_data(as_text=True)
    tags = _parsed(body)
    assert 'id="first-paint"' in body and 'class="embed-map fp-map"' in body and "<b>" not in body
    paths = [a for t, a in tags.tags if t == "path" and "data-id" in a]
    assert paths and all(a["data-id"] in layers.territories("mrc").index for a in paths)
    assert not [a for t, a in tags.tags if t == "a" and a.get("href", "").startswith("/mrc/")]
    # Equivalent queries share one cached page: the key is the cleaned view.
    first_paint.embed_markup.cache_clear()
    client.get("/embed?level=mrc&region=14")
    client.get("/embed?region=14&level=mrc&junk=1")
    assert first_paint.embed_markup.cache_info().currsize == 1


# ---------------------------------------------------------------- any view, with controls that need no script

def _view_of(href: str) -> View:
    query = href.split("?", 1)[1] if "?" in href else ""
    view, ignored = permalink.view_from_query(query.replace("&amp;", "&"))
    assert ignored == [] or ignored == ["frame"]
    return view


@pytest.mark.parametrize("query, measure, level", [("?measure=count", "count", "region"),
                                                    ("?level=mrc&region=14", "envelope_per_capita", "mrc"),
                                                    ("?lang=en&measure=amount", "amount", "region")])
def test_every_view_of_the_map_is_answered_drawn_with_its_own_view(client, query, measure, level):
    body = client.get("/" + query).get_data(as_text=True)
    assert 'id="first-paint"' in body and 'data-start="links"' in body
    tags = _parsed(body).tags
    executable = [a["src"] for t, a in tags if t == "script" and "src" in a]
    assert len(executable) == 1 and first_paint.LOADER in executable[0]
    view, _ = permalink.view_from_query(query)
    (sentence,) = re.findall(r'<p class="map-sentence"><span>(.*?)</span>', body)
    assert html_module.unescape(sentence).startswith(heading.tr("shows", view.lang, measure="", level="")[:12])
    assert t(f"measure_{measure}", view.lang).lower() in html_module.unescape(sentence).lower()
    current = [a["href"] for t_, a in tags if t_ == "a" and a.get("aria-current") == "true"]
    assert {_view_of(h).measure for h in current} == {measure} and {_view_of(h).level for h in current} == {level}
    paths = [a for t_, a in tags if t_ == "path" and "data-id" in a]
    assert paths and all(a["data-id"] in layers.territories(level).index for a in paths)


def test_the_level_and_measure_are_links_to_the_permalink_of_each_choice(client):
    tags = _parsed(client.get("/?region=14").get_data(as_text=True)).tags
    choices = [a["href"] for t_, a in tags if t_ == "a" and a.get("class") == "fp-choice"]
    views = [_view_of(h) for h in choices]
    assert {v.measure for v in views} == set(metrics.MEASURES) and {v.level for v in views} == set(metrics.LEVELS)
    assert all(v.filters.regions == ("14",) for v in views)  # the rest of the view is kept
    assert "/?measure=count&region=14" in [h.replace("&amp;", "&") for h in choices]


def test_the_lists_are_a_get_form_of_the_view_and_the_search_a_get_form_to_lieu(client):
    body = client.get("/?measure=count&mrc=joliette").get_data(as_text=True)
    tags = _parsed(body).tags
    forms = {a.get("id") or a.get("action"): a for t_, a in tags if t_ == "form"}
    assert forms[first_paint.FORM_ID]["method"] == "get" and forms[first_paint.FORM_ID]["action"] == "/"
    selects = {a["name"]: a for t_, a in tags if t_ == "select"}
    assert set(selects) == {"region", "mrc", "theme", "mandataire", "cycle", "status"}
    assert all(a["form"] == first_paint.FORM_ID for a in selects.values())
    # The chosen MRC is selected; the rest of the view rides along hidden, so a new choice keeps it.
    assert re.search(r'<option value="joliette" selected>', body)
    hidden = [(a["name"], a["value"]) for t_, a in tags if t_ == "input" and a.get("type") == "hidden"]
    assert ("measure", "count") in hidden
    # Its labels name the written controls.
    assert re.search(r'<label class="filter-label" for="fp-filter-region">', body)
    search = re.search(r'<form class="fp-search-form" action="/lieu" method="get" role="search" aria-label="([^"]+)">'
                       r'<input type="search"[^>]* name="q"', body)
    assert search and html_module.unescape(search[1]) == first_paint.words("place_search", "fr")
    assert '<noscript><button type="submit"' in body  # without a script, a button sends the lists


def test_the_frame_buttons_send_the_view_with_their_frame_and_the_map_is_drawn_so(client):
    body = client.get("/?measure=count&frame=montreal").get_data(as_text=True)
    tags = _parsed(body).tags
    buttons = {a["value"]: a for t_, a in tags if t_ == "button" and a.get("name") == "frame"}
    assert set(buttons) == set(MAP_FRAMES) and buttons["montreal"]["aria-pressed"] == "true"
    assert re.search(r'<div class="map fp-map" data-loading="[^"]+" data-frame="montreal">', body)
    (box,) = re.findall(r'<svg class="fp-svg" viewBox="([^"]+)"', body)
    expected = static_map.view_box(MAP_FRAMES["montreal"])
    assert [float(v) for v in box.split()] == pytest.approx(expected, abs=1e-3)
    assert "ignorés" not in body  # `frame` is the first paint's word: never reported as not understood


def test_a_chosen_region_frames_the_written_map_on_its_territories(client):
    body = client.get("/?level=mrc&region=14").get_data(as_text=True)
    (box,) = re.findall(r'<svg class="fp-svg" viewBox="([^"]+)"', body)
    bounds = view_bounds(View(level="mrc", filters=metrics.Filters(regions=("14",))))
    frame = dict(zip(("west", "south", "east", "north"), bounds))
    assert [float(v) for v in box.split()] == pytest.approx(static_map.view_box(frame), abs=1e-3)


def test_the_embeds_first_paint_has_the_same_frame_as_the_map_and_the_live_map():
    """fit_map.js fits both the map's view frame and the embed's data-bounds with a zoom margin of 0.05
    (FIT_MARGIN): the embed's written map shows the same box as the page's, not a wider one."""
    pages = application.server.test_client()
    boxes = []
    for url in ("/?level=mrc&region=14", "/embed?level=mrc&region=14"):
        body = pages.get(url).get_data(as_text=True)
        (box,) = re.findall(r'<svg class="fp-svg" viewBox="([^"]+)"', body)
        boxes.append([float(v) for v in box.split()])
    bounds = view_bounds(View(level="mrc", filters=metrics.Filters(regions=("14",))))
    frame = dict(zip(("west", "south", "east", "north"), bounds))
    assert boxes[0] == pytest.approx(boxes[1], abs=1e-3)
    assert boxes[1] == pytest.approx(static_map.view_box(frame, static_map.FIT_MARGIN), abs=1e-3)
    assert first_paint.EMBED_REGION_MARGIN == static_map.FIT_MARGIN


def test_pages_are_cached_by_the_cleaned_view_and_small(client):
    first_paint.page_markup.cache_clear()
    sizes = [len(gzip.compress(client.get(q).data)) for q in ("/?measure=count&region=14", "/?region=14&measure=count",
                                                              "/?region=14&measure=count&cycle=")]
    assert first_paint.page_markup.cache_info().currsize == 1
    assert max(sizes) < 60_000  # tens of kB: a tap costs one small page
    # What a link gets wrong is said on the page, as the app says it.
    body = client.get("/?measure=count&junk=1").get_data(as_text=True)
    assert 'class="url-notice"' in body and "junk" in body


def test_controls_a_written_page_cannot_work_load_the_app_and_say_which(client):
    body = client.get("/?measure=count").get_data(as_text=True)
    needs = set(re.findall(r'data-needs-app="([^"]+)"', body))
    assert {ids.AMOUNT, ids.MAP_IMAGE, ids.TABLE_SLOT, ids.BASEMAP} <= needs
    assert 'data-waiting="Chargement…"' in body


def test_the_previous_first_paint_stays_behind_a_setting_for_the_benchmark(client, monkeypatch):
    monkeypatch.setenv("CARTE_FIRST_PAINT", "gesture")
    assert 'id="first-paint"' not in client.get("/?measure=count").get_data(as_text=True)
    body = client.get("/").get_data(as_text=True)
    assert 'data-start="gesture"' in body and "fp-choice" not in body and "<select" not in body
