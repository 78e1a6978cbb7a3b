"""The embeddable map framed by a page on another origin, as a news site would frame it.

A second local HTTP server (another loopback port, so another origin) serves a tiny article with
an <iframe>. The embed page draws inside it with no console error; the same frame of `/` is refused
by the browser (frame-ancestors of every other page).
"""
from __future__ import annotations

import contextlib
import http.server
import json
import threading
import urllib.request
from collections.abc import Iterator

import pytest

from components.i18n import money, number
from tests.servers import free_port

EMBED_QUERY = "region=14&level=mrc"
ARTICLE = """<!DOCTYPE html><html lang="fr"><head><meta charset="utf-8"><link rel="icon" href="data:,"><title>Article</title></head>
<body><h1>Un article</h1><iframe id="frame" src="{src}" width="{width}" height="{height}"
style="border:0" title="Carte"></iframe></body></html>"""


@contextlib.contextmanager
def other_origin(pages: dict[str, str]) -> Iterator[str]:
    """A throwaway HTTP server on another loopback port answering `pages` (path → HTML)."""

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_GET(self):
            body = pages.get(self.path.split("?")[0])
            self.send_response(200 if body else 404)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.end_headers()
            self.wfile.write((body or "").encode())

        def log_message(self, *args):  # quiet
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()


def _wait_for_embedded_map(frame, timeout: float = 30_000):
    # The embed arrives drawn by the server and loads its app when a reader's pointer reaches it
    # (web/first_paint.py): move the mouse over it, as a reader would.
    if frame.locator("#first-paint").count():
        frame.locator(".embed-title").hover()
        frame.wait_for_function("() => !document.getElementById('first-paint')", timeout=timeout)
    frame.wait_for_function(
        "() => { const gd = document.querySelector('#embed-map .js-plotly-plot');"
        " return gd && gd.data && gd.data.length >= 3 && gd._fullLayout && gd._fullLayout.map"
        " && gd.dataset.fitted === '1' && gd._fullLayout.map._subplot"
        " && gd._fullLayout.map._subplot.map.loaded() && !gd._fullLayout.map._subplot.map.isMoving(); }",
        timeout=timeout)


@pytest.mark.parametrize("width, height", [(600, 450), (320, 480), (800, 600)])
def test_another_site_frames_the_embed_and_the_map_draws(watch, server_url, width, height):
    expected = json.loads(urllib.request.urlopen(f"{server_url}/api/projects?region=14&per_page=1").read())
    pages = {"/article.html": ARTICLE.format(src=f"{server_url}/embed?{EMBED_QUERY}", width=width, height=height)}
    with other_origin(pages) as origin:
        w = watch(width=max(width + 40, 360), height=height + 200)
        response = w.page.goto(origin + "/article.html")
        assert response.ok
        frame = w.page.frame_locator("#frame")
        frame.locator(".embed-summary").wait_for(timeout=30_000)
        embedded = next(f for f in w.page.frames if f.url.startswith(server_url))
        _wait_for_embedded_map(embedded)
        state = embedded.evaluate(
            "() => { const gd = document.querySelector('#embed-map .js-plotly-plot');"
            " return {located: gd.data[1].locations || [], geojson: gd.data[1].geojson,"
            " focus: gd.data.slice(3).filter(t => (t.locations || []).length).map(t => [t.geojson, t.locations]),"
            " zoom: gd._fullLayout.map.zoom, center: gd._fullLayout.map.center}; }")
        assert state["geojson"] == "/layers/mrc.geojson" and state["located"]
        # Lanaudière outlined (traces 3–5 outline regions, MRC, Alliances; the empty ones carry no layer)
        assert state["focus"] == [["/layers/region.geojson", ["14"]]]
        # Fitted to Lanaudière (about 46° N, 73.5° W), zoomed in well past the whole-province view.
        assert 45.5 < state["center"]["lat"] < 47.8 and -75 < state["center"]["lon"] < -72.5
        # All of Québec is about zoom 2–2.5 in these frames; Lanaudière with its neighbours, between the
        # legend and the colour bar (components/map/bounds.py, fit_map.js), about 4–4.5.
        assert state["zoom"] > 3.9
        summary = frame.locator(".embed-summary").inner_text()
        assert "Lanaudière" in summary
        assert money(expected["total_amount"], "fr") in summary
        assert number(expected["count"], "fr") in summary
        link = frame.get_by_role("link", name="Explorer sur la Carte des Alliances")
        assert link.get_attribute("href") == "/?level=mrc&region=14" and link.get_attribute("target") == "_blank"
        assert frame.locator(".embed-title").inner_text()
        assert "Statistique Canada" in frame.locator(".embed-source").inner_text()
        # No filter panel, no form: nothing in the frame can change anything on the server.
        assert frame.locator("form, input, select, textarea, .filters").count() == 0
        # Readable: nothing wider than the frame (no horizontal scrolling inside it).
        overflow = embedded.evaluate("() => document.documentElement.scrollWidth - document.documentElement.clientWidth")
        assert overflow <= 0
        w.page.screenshot(path=f"test-artifacts/embed-{width}x{height}.png")
        assert w.errors == []


def test_the_full_map_refuses_to_be_framed_by_another_site(watch, server_url):
    pages = {"/article.html": ARTICLE.format(src=f"{server_url}/", width=600, height=450)}
    with other_origin(pages) as origin:
        w = watch()
        w.page.goto(origin + "/article.html")
        w.page.wait_for_timeout(3000)
        frame = next(f for f in w.page.frames if f is not w.page.main_frame)
        # Chromium replaces a refused document by its own error page: the app's page never loads.
        assert frame.evaluate("() => document.querySelector('#map') === null && !window.dash_clientside")
        assert any("frame-ancestors" in e or "Refused to frame" in e for e in w.errors), w.errors


def test_the_share_box_offers_the_iframe_code_of_the_view(watch, server_url):
    page = watch().open("/?level=mrc&region=14")
    page.wait_for_function("() => document.querySelector('#embed-snippet').value.length > 0")
    snippet = page.locator("#embed-snippet").input_value()
    assert snippet.startswith(f'<iframe src="{server_url}/embed?level=mrc&amp;region=14"')
    assert 'width="600" height="450"' in snippet and 'title="Enveloppe par habitant — PAGIEPS 2017–2023 — MRC — Lanaudière"' in snippet
    # The view changes, the code follows.
    page.locator("#measure-radio").get_by_label("Nombre de projets").check()
    page.wait_for_function("() => document.querySelector('#embed-snippet').value.includes('measure=count')")
