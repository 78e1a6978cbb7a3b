"""Security headers, compression and caching, checked on the production server (gunicorn, serve.py).

The browser's side (nothing the page needs is refused by the policy) is in
tests/browser/test_csp_browser.py.
"""
from __future__ import annotations

import base64
import gzip
import hashlib
import http.client
import json
import re
import threading
import urllib.error
import urllib.request
from urllib.parse import urlsplit

import pytest
from flask import Flask

from tests.servers import running
from web import health, security

HEADER_PATHS = ["/", "/_dash-layout", "/layers/mrc.geojson", "/healthz"]


def _get(url: str, **headers) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


def _policy(header: str) -> dict[str, list[str]]:
    return {d.split()[0]: d.split()[1:] for d in header.split(";") if d.strip()}


@pytest.fixture(scope="module")
def production_url(tmp_path_factory):
    """`python serve.py` (gunicorn, one worker) on a free loopback port."""
    log_path = tmp_path_factory.mktemp("gunicorn") / "server.log"
    with running("serve.py", log_path, probe="/healthz", timeout=90, WORKERS="1") as url:
        yield url


@pytest.mark.parametrize("path", HEADER_PATHS)
def test_security_headers_on_every_kind_of_response(production_url, path):
    status, headers, _ = _get(production_url + path)
    assert status == 200
    assert headers["x-content-type-options"] == "nosniff"
    assert headers["referrer-policy"] == "strict-origin-when-cross-origin"
    policy = _policy(headers["content-security-policy"])
    assert policy["default-src"] == ["'self'"]
    assert policy["frame-ancestors"] == ["'self'"]
    assert policy["object-src"] == ["'none'"]


@pytest.mark.parametrize("path", ["/embed", "/embed?region=14&level=mrc"])
def test_only_the_embed_page_may_be_framed_by_any_site(production_url, path):
    status, headers, _ = _get(production_url + path)
    assert status == 200
    policy = _policy(headers["content-security-policy"])
    assert policy["frame-ancestors"] == ["*"] and "x-frame-options" not in headers
    # The rest of its policy is the strict one of every page.
    _, main_headers, _ = _get(production_url + "/")
    main_policy = _policy(main_headers["content-security-policy"])
    assert {k: v for k, v in policy.items() if k != "frame-ancestors"} == \
        {k: v for k, v in main_policy.items() if k != "frame-ancestors"}
    # Its scripts and callbacks are the pages' (not framed documents): they keep the site's policy.
    _, layout_headers, _ = _get(production_url + "/_dash-layout")
    assert _policy(layout_headers["content-security-policy"])["frame-ancestors"] == ["'self'"]
    assert main_headers["x-frame-options"] == "SAMEORIGIN"


def test_policy_has_no_wildcard_and_no_inline_or_eval_script(production_url):
    _, headers, _ = _get(production_url + "/")
    policy = _policy(headers["content-security-policy"])
    sources = [source for values in policy.values() for source in values]
    assert not [s for s in sources if "*" in s]
    assert not [s for s in sources if s in ("http:", "https:")]  # a bare scheme is a wildcard too
    assert "'unsafe-inline'" not in policy["script-src"]
    assert "'unsafe-eval'" not in policy["script-src"]
    assert policy["connect-src"][0] == "'self'"
    assert set(policy["connect-src"][1:]) == set(security.BASEMAP_HOSTS)


def test_every_inline_script_of_the_page_is_hashed_in_the_policy(production_url):
    _, headers, body = _get(production_url + "/")
    allowed = set(_policy(headers["content-security-policy"])["script-src"])
    html = body.decode()
    inline = [m.group(2) for m in re.finditer(r"<script(?![^>]*\bsrc=)([^>]*)>(.*?)</script>", html, re.S)
              if "application/json" not in m.group(1)]
    assert inline, "expected Dash's renderer script in the page"
    for script in inline:
        digest = base64.b64encode(hashlib.sha256(script.encode()).digest()).decode()
        assert f"'sha256-{digest}'" in allowed, script[:200]


def test_server_header_has_no_version(production_url):
    _, headers, _ = _get(production_url + "/healthz")
    assert headers.get("server", "") == "gunicorn"
    assert not re.search(r"\d", headers.get("server", ""))


def test_development_server_header_has_no_version():
    from werkzeug.serving import make_server

    app = Flask("dev")
    app.get("/")(lambda: "ok")
    server = make_server("127.0.0.1", 0, app, request_handler=security.dev_request_handler())
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        _, headers, _ = _get(f"http://127.0.0.1:{server.server_port}/")
    finally:
        server.shutdown()
    assert headers["server"] == "carte-des-alliances"


def test_map_layers_are_compressed_and_identical_once_decompressed(production_url, built_layers):
    status, headers, body = _get(production_url + "/layers/mrc.geojson", **{"Accept-Encoding": "gzip"})
    assert status == 200 and headers["content-encoding"] == "gzip"
    assert "accept-encoding" in headers["vary"].lower()
    original = (built_layers / "mrc.geojson").read_bytes()
    assert gzip.decompress(body) == original
    assert len(body) < len(original) / 2
    # A second answer comes from the compression cache and must be the same bytes.
    assert _get(production_url + "/layers/mrc.geojson", **{"Accept-Encoding": "gzip"})[2] == body


def test_compressed_layer_revalidates_with_its_etag(production_url):
    _, headers, _ = _get(production_url + "/layers/region.geojson", **{"Accept-Encoding": "gzip"})
    status, _, body = _get(production_url + "/layers/region.geojson",
                           **{"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]})
    assert status == 304 and body == b""


def test_fingerprinted_scripts_are_cached_for_a_year_and_compressed(production_url):
    _, _, body = _get(production_url + "/")
    urls = re.findall(r'src="(/_dash-component-suites/[^"]+\.v[\w-]+m[0-9a-f]+\.[^"]+)"', body.decode())
    assert urls
    status, headers, payload = _get(production_url + urls[0], **{"Accept-Encoding": "gzip"})
    assert status == 200
    assert headers["cache-control"] == security.IMMUTABLE
    assert headers["content-encoding"] == "gzip" and gzip.decompress(payload)
    assets = re.findall(r'(?:src|href)="(/assets/[^"]+\?m=[^"]+)"', body.decode())
    assert assets
    assert _get(production_url + assets[0])[1]["cache-control"] == security.IMMUTABLE


def test_healthz_reports_the_loaded_data(production_url):
    from components import dataset

    status, headers, body = _get(production_url + "/healthz")
    answer = json.loads(body)
    assert status == 200 and headers["cache-control"] == "no-store"
    assert answer == {"status": "ok", "projects": len(dataset.current().projects), "layers": ["mrc", "region", "alliance"]}
    assert answer["projects"] > 0


def test_healthz_answers_503_without_a_path_when_a_layer_is_missing(monkeypatch):
    from geo import layers

    def missing(level, folder=None):
        raise layers.LayersNotBuilt(f"couche absente : /srv/secret/build/geo/{level}.geojson")

    monkeypatch.setattr(layers, "layer_path", missing)
    server = Flask("health")
    health.register(server)
    response = server.test_client().get("/healthz")
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "problem": "layers"}
    assert "/srv" not in response.get_data(as_text=True)


@pytest.mark.parametrize("value, expected", [
    (None, "'self'"),
    ("'none'", "'none'"),
    ("'self'  https://www.exemple.org", "'self' https://www.exemple.org"),
])
def test_frame_ancestors_setting(monkeypatch, value, expected):
    if value is None:
        monkeypatch.delenv(security.FRAME_ANCESTORS_ENV, raising=False)
    else:
        monkeypatch.setenv(security.FRAME_ANCESTORS_ENV, value)
    assert security.frame_ancestors() == expected


@pytest.mark.parametrize("value", ["*", "https:", "'self'; script-src *", "'unsafe-inline'", "'none' 'self'",
                                   "https://a.org,https://b.org"])
def test_frame_ancestors_setting_refuses_what_is_not_a_source_list(monkeypatch, value):
    monkeypatch.setenv(security.FRAME_ANCESTORS_ENV, value)
    with pytest.raises(security.FrameAncestorsError, match=security.FRAME_ANCESTORS_ENV):
        security.frame_ancestors()


def test_policy_without_online_basemap_lists_no_outside_host():
    policy = _policy(security.content_security_policy(["'sha256-x'"], online_basemap=False))
    assert policy["connect-src"] == ["'self'"]
    assert all(not s.startswith("https://") for values in policy.values() for s in values)


def test_request_bodies_larger_than_the_cap_are_refused(production_url):
    """The announced length is enough: the server answers 413 without reading the body."""
    connection = http.client.HTTPConnection(urlsplit(production_url).hostname, urlsplit(production_url).port, timeout=30)
    try:
        connection.putrequest("POST", "/_dash-update-component")
        connection.putheader("Content-Type", "application/json")
        connection.putheader("Content-Length", str(security.MAX_REQUEST_BYTES + 1))
        connection.endheaders()
        assert connection.getresponse().status == 413
    finally:
        connection.close()


def test_request_bodies_under_the_cap_reach_dash(production_url):
    body = json.dumps({"output": "x", "pad": "a" * 2_000_000}).encode()
    request = urllib.request.Request(production_url + "/_dash-update-component", data=body, method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as failed:  # not a real callback: Dash refuses it, not the cap
        urllib.request.urlopen(request, timeout=30)
    assert failed.value.code != 413


def test_dash_debug_tools_are_off(production_url):
    _, _, body = _get(production_url + "/")
    config = json.loads(re.search(r'<script id="_dash-config" type="application/json">(.*?)</script>',
                                  body.decode(), re.S).group(1))
    assert config["ui"] is False and config["props_check"] is False
    assert "hot_reload" not in config
    request = urllib.request.Request(production_url + "/_dash-update-component", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as failed:  # a malformed callback: an error, not a debugger
        urllib.request.urlopen(request, timeout=30)
    page = failed.value.read()
    assert failed.value.code >= 400 and b"Traceback" not in page and b"Werkzeug Debugger" not in page


# ---------------------------------------------------------------- HEAD and caching (issue #27, finding 7)

def _head(url: str, **headers) -> tuple[int, dict[str, str], bytes]:
    request = urllib.request.Request(url, headers=headers, method="HEAD")
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, {k.lower(): v for k, v in response.headers.items()}, response.read()
    except urllib.error.HTTPError as error:
        return error.code, {k.lower(): v for k, v in error.headers.items()}, error.read()


@pytest.mark.parametrize("path", ["/", "/?level=mrc&region=14", "/api/envelopes", "/sitemap.xml", "/page-inconnue"])
def test_head_answers_as_get_does(production_url, path):
    """Issue #27: HEAD / said Content-Length 9 928 (Dash's shell), GET / 130 555 (the first paint)."""
    for encoding in ("identity", "gzip, br"):
        status, headers, _ = _get(production_url + path, **{"Accept-Encoding": encoding})
        head_status, head_headers, body = _head(production_url + path, **{"Accept-Encoding": encoding})
        assert (head_status, body) == (status, b"")
        for name in ("content-type", "content-encoding", "cache-control"):
            assert head_headers.get(name) == headers.get(name), name
        if path in ("/api/envelopes", "/sitemap.xml"):  # the same bytes each time: the same length
            assert head_headers.get("content-length") == headers.get("content-length")
        else:  # Dash writes a new signed token into every page: its length may move by a byte or two
            assert abs(int(head_headers["content-length"]) - int(headers["content-length"])) < 16


@pytest.mark.parametrize("path, policy", [("/", "public, max-age=60"), ("/_dash-layout", "public, max-age=60"),
                                          ("/api/envelopes", "public, max-age=300"), ("/healthz", "no-store"),
                                          ("/page-inconnue", "no-store"), ("/api/inconnue", "no-store")])
def test_every_kind_of_answer_says_how_long_it_may_be_kept(production_url, path, policy):
    _, headers, _ = _get(production_url + path)
    assert headers.get("cache-control") == policy


def test_public_answers_revalidate_with_their_etag(production_url):
    for path in ("/_dash-layout", "/api/envelopes"):
        _, headers, _ = _get(production_url + path, **{"Accept-Encoding": "gzip"})
        status, _, body = _get(production_url + path, **{"Accept-Encoding": "gzip", "If-None-Match": headers["etag"]})
        assert (status, body) == (304, b""), path


def test_callback_answers_are_never_stored(production_url):
    request = urllib.request.Request(production_url + "/_dash-update-component", data=b"{}", method="POST",
                                     headers={"Content-Type": "application/json"})
    with pytest.raises(urllib.error.HTTPError) as failed:
        urllib.request.urlopen(request, timeout=30)
    assert failed.value.headers["Cache-Control"] == "no-store"
