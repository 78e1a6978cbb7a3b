"""The page under its Content-Security-Policy, in Debian's Chromium: nothing refused, map drawn.

A request or script the policy refuses is reported by Chromium as a console error, so "no console
error" means the policy lets everything the page needs through. The online basemap cannot be
fetched from a test machine, so its hosts are answered by Playwright with a tiny style, tile index
and empty tiles: a request refused by the policy never reaches that handler.
"""
from __future__ import annotations

import json

from tests.browser.conftest import map_state, show_table, wait_for_map

STYLE = "https://basemaps.cartocdn.com/gl/positron-gl-style/style.json"
TILE_INDEX = "https://tiles.basemaps.cartocdn.com/vector/carto.streets/v1/tiles.json"
TILE_SHARDS = [f"https://tiles-{s}.basemaps.cartocdn.com/vectortiles/carto.streets/v1/{{z}}/{{x}}/{{y}}.mvt"
               for s in "abcd"]


def _policy(response) -> dict[str, list[str]]:
    header = response.headers.get("content-security-policy", "")
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


def test_page_under_csp_has_no_console_error_and_draws_the_map(watch, server_url):
    w = watch()
    violations: list[str] = []
    w.page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " (window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective + ' ' + e.blockedURI));")
    response = w.page.goto(server_url + "/")
    policy = _policy(response)
    assert policy, "no Content-Security-Policy header on the page"
    assert "'unsafe-inline'" not in policy["script-src"] and "'unsafe-eval'" not in policy["script-src"]
    wait_for_map(w.page)
    state = map_state(w.page)
    assert len(state["located"]) + len(state["nodata"]) > 0  # territories drawn
    # The table and the ranking are drawn too (AG Grid and a second Plotly graph under the policy).
    show_table(w.page)  # AG Grid's script is loaded on demand, under the same policy
    w.page.wait_for_selector("#projects-table .ag-row", timeout=15_000)
    w.page.wait_for_selector("#ranking .main-svg", timeout=15_000)
    w.page.wait_for_timeout(1000)  # late work: MapLibre's worker, fonts, images
    violations += w.page.evaluate("() => window.__cspViolations || []")
    assert violations == []
    assert w.errors == []


def test_online_basemap_hosts_are_allowed_by_the_policy(watch, server_url):
    w = watch()
    answered: list[str] = []

    def basemap(route):
        url = route.request.url
        answered.append(url)
        if url.startswith(STYLE):
            body = {"version": 8, "sources": {"carto": {"type": "vector", "url": TILE_INDEX}},
                    "layers": [{"id": "background", "type": "background", "paint": {"background-color": "#eeeeee"}},
                               {"id": "water", "type": "fill", "source": "carto", "source-layer": "water"}]}
            route.fulfill(status=200, content_type="application/json", body=json.dumps(body),
                          headers={"Access-Control-Allow-Origin": "*"})
        elif url.startswith(TILE_INDEX):
            body = {"tilejson": "2.2.0", "tiles": TILE_SHARDS, "minzoom": 0, "maxzoom": 14}
            route.fulfill(status=200, content_type="application/json", body=json.dumps(body),
                          headers={"Access-Control-Allow-Origin": "*"})
        else:  # a vector tile: an empty one is a valid tile with no features
            route.fulfill(status=200, content_type="application/x-protobuf", body=b"",
                          headers={"Access-Control-Allow-Origin": "*"})

    w.context.route("https://**.cartocdn.com/**", basemap)
    w.page.add_init_script(
        "document.addEventListener('securitypolicyviolation', e =>"
        " (window.__cspViolations = window.__cspViolations || []).push(e.violatedDirective + ' ' + e.blockedURI));")
    page = w.open("/")
    page.locator("#basemap-toggle input").check()
    page.wait_for_function("() => document.querySelector('#map .js-plotly-plot')._fullLayout.map.style"
                           " === 'carto-positron'")
    page.wait_for_function("() => document.querySelector('#map .js-plotly-plot')"
                           "._fullLayout.map._subplot.map.isStyleLoaded()", timeout=15_000)
    page.wait_for_timeout(2000)  # tiles are fetched by MapLibre's worker after the style loads
    assert any(u.startswith(STYLE) for u in answered), answered
    assert any(u.startswith(TILE_INDEX) for u in answered), answered
    assert any(".basemaps.cartocdn.com/vectortiles/" in u for u in answered), answered
    assert page.evaluate("() => window.__cspViolations || []") == []
    assert w.errors == []
