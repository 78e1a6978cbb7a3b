"""The Host header is never written into a page (issue #27, finding 6): with CARTE_PUBLIC_URL set,
canonical, og:url, og:image, sitemap.xml, robots.txt and the data package name the public address,
and production answers 400 to any other Host."""
from __future__ import annotations

import re

import pytest
from flask import Flask

from app import server
from web import public_url

PUBLIC = "https://carte.exemple.org"
EVIL = "evil.example"
CLIENT = server.test_client()


@pytest.fixture()
def configured(monkeypatch):
    monkeypatch.setenv("CARTE_PUBLIC_URL", PUBLIC + "/")


def _get(path: str) -> str:
    answer = CLIENT.get(path, headers={"Host": EVIL})
    assert answer.status_code == 200, path
    return answer.get_data(as_text=True)


@pytest.mark.parametrize("path", ["/", "/?level=mrc&region=14", "/methodologie", "/region/14", "/embed?level=mrc"])
def test_pages_name_the_public_address_not_the_host_header(configured, path):
    page = _get(path)
    assert EVIL not in page
    canonical = re.search(r'<link rel="canonical" href="([^"]+)"', page).group(1)
    assert canonical.startswith(PUBLIC + "/")
    for name in ("og:url", "og:image"):
        assert re.search(rf'property="{name}" content="{re.escape(PUBLIC)}/', page), name


def test_sitemap_robots_and_data_package_name_the_public_address(configured):
    sitemap, robots = _get("/sitemap.xml"), _get("/robots.txt")
    package = _get("/api/datapackage.json")
    assert EVIL not in sitemap + robots + package
    assert f"<loc>{PUBLIC}/methodologie</loc>" in sitemap
    assert f"Sitemap: {PUBLIC}/sitemap.xml" in robots
    assert f"{PUBLIC}/api/projects?format=csv" in package


def test_without_a_public_address_the_request_address_is_used(monkeypatch):
    monkeypatch.delenv("CARTE_PUBLIC_URL", raising=False)
    assert "Sitemap: http://localhost/sitemap.xml" in CLIENT.get("/robots.txt").get_data(as_text=True)


@pytest.mark.parametrize("value", ["carte.exemple.org", "ftp://carte.exemple.org", 'https://a.org/"x',
                                   "https://a.org/?q=1", "https://user:pw@a.org"])
def test_a_malformed_public_address_stops_the_start_up(monkeypatch, value):
    monkeypatch.setenv("CARTE_PUBLIC_URL", value)
    with pytest.raises(public_url.PublicUrlError, match="CARTE_PUBLIC_URL"):
        public_url.configured()


def test_production_answers_400_to_another_host(configured):
    app = Flask(__name__)
    app.get("/")(lambda: "ok")
    assert public_url.trust_public_host(app)
    client = app.test_client()
    assert client.get("/", headers={"Host": EVIL}).status_code == 400
    assert client.get("/", headers={"Host": "carte.exemple.org"}).status_code == 200
    assert client.get("/", headers={"Host": "127.0.0.1:8050"}).status_code == 200  # health checks, on the machine
