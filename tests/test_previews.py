"""Links that preview: per-URL tags, the og:image of the view, robots.txt and sitemap.xml."""
from __future__ import annotations

import io
import re
import urllib.robotparser
import xml.etree.ElementTree as ET
from html.parser import HTMLParser

import pytest
from PIL import Image

import app as application
from components.map import preview_image
from components.map.figures import NO_DATA_COLOUR, SEQUENTIAL
from components.i18n import money
from geo import layers
from web import previews
from web.byte_cache import ByteLRU


class _Head(HTMLParser):
    """The <title>, <meta> and <link rel=canonical> of a page."""

    def __init__(self):
        super().__init__()
        self.meta: dict[str, str] = {}
        self.title = ""
        self.canonical = None
        self._in_title = False
        self._in_head = False

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "meta" and ("property" in attrs or "name" in attrs):
            self.meta[attrs.get("property") or attrs.get("name")] = attrs.get("content", "")
        elif tag == "link" and attrs.get("rel") == "canonical":
            self.canonical = attrs.get("href")
        elif tag == "title" and self._in_head:  # not the <title> of an SVG shape in the body
            self._in_title = True
        elif tag == "head":
            self._in_head = True

    def handle_endtag(self, tag):
        if tag == "title":
            self._in_title = False
        elif tag == "head":
            self._in_head = False

    def handle_data(self, data):
        if self._in_title:
            self.title += data


@pytest.fixture(scope="module")
def client():
    return application.server.test_client()


def _head(client, url: str) -> _Head:
    response = client.get(url)
    assert response.status_code == 200
    head = _Head()
    head.feed(response.get_data(as_text=True))
    return head


PREVIEW_TAGS = ("description", "og:title", "og:description", "og:image", "og:url", "og:type",
                "twitter:card", "twitter:title", "twitter:description", "twitter:image")


@pytest.mark.parametrize("url", ["/", "/?level=mrc&region=14", "/embed?region=14&level=mrc", "/region/14",
                                 "/mrc/les-moulins", "/fiche/region/14", "/methodologie", "/comparer",
                                 "/presentation?region=14"])
def test_every_page_has_preview_tags(client, url):
    head = _head(client, url)
    missing = [tag for tag in PREVIEW_TAGS if not head.meta.get(tag)]
    assert missing == []
    assert head.meta["twitter:card"] == "summary_large_image"
    assert head.meta["og:image"].startswith("http://localhost/apercu.png")
    assert head.title and head.title == head.meta["og:title"]
    assert head.canonical and head.canonical.startswith("http://localhost/")


def test_the_tags_describe_the_view_region_measure_and_cycle(client):
    api = client.get("/api/projects?region=14&cycle=pagieps-2017-2023&per_page=1").get_json()
    head = _head(client, "/?level=mrc&measure=amount&region=14&cycle=pagieps-2017-2023")
    assert "Lanaudière" in head.meta["og:title"] and "Montant FQIS" in head.meta["og:title"]
    description = head.meta["description"]
    assert description == head.meta["og:description"] == head.meta["twitter:description"]
    assert "Lanaudière" in description and "PAGIEPS 2017–2023" in description
    assert money(api["total_amount"], "fr") in description  # the view's own figure
    # Another view, another description.
    other = _head(client, "/?measure=count&region=06")
    assert "Montréal" in other.meta["description"] and other.meta["description"] != description
    assert "tous les cycles" in other.meta["description"]


def test_an_english_view_is_english_from_the_first_byte(client):
    body = client.get("/?lang=en&region=14").get_data(as_text=True)
    assert '<html lang="en">' in body
    head = _Head()
    head.feed(body)
    assert "per inhabitant" in head.meta["description"] and head.meta["og:locale"] == "en_CA"
    assert '<html lang="fr">' in client.get("/?region=14").get_data(as_text=True)


def test_region_and_mrc_pages_describe_their_territory(client):
    assert "Lanaudière" in _head(client, "/region/14").meta["og:title"]
    head = _head(client, "/mrc/les-moulins")
    assert "Les Moulins" in head.meta["og:title"] and "Les Moulins" in head.meta["description"]
    assert "mrc=les-moulins" in head.meta["og:image"]


def test_a_hostile_query_is_escaped_in_the_tags(client):
    response = client.get('/?q="><script>alert(1)</script>')
    head_html = response.get_data(as_text=True).split("</head>")[0]
    assert "<script>alert" not in head_html
    assert head_html.count("<script") == 0  # the head holds no script at all (Dash's are in the footer)


def test_og_image_is_a_1200_by_630_png_of_the_view_cached_per_view(client):
    previews.IMAGES.clear()
    response = client.get("/apercu.png?level=mrc&region=14")
    assert response.status_code == 200 and response.mimetype == "image/png"
    image = Image.open(io.BytesIO(response.data))
    assert image.size == (1200, 630)
    assert "public" in response.headers["Cache-Control"]
    assert len(previews.IMAGES) == 1
    client.get("/apercu.png?region=14&level=mrc")  # same view, other spelling: no new image
    client.get("/apercu.png?level=mrc&region=14&nonsense=1")
    assert len(previews.IMAGES) == 1
    # The map's colours are the page's: its scale ends and the no-data grey are in the picture.
    colours = {rgb for _, rgb in image.convert("RGB").getcolors(maxcolors=1_000_000)}
    for colour in (NO_DATA_COLOUR, SEQUENTIAL[-1][1]):
        assert preview_image._rgb(colour) in colours


def test_the_picture_paints_each_territory_with_its_value_on_the_maps_scale():
    """Les Moulins is the only MRC with data in this made-up trace: its centre has the top colour,
    and a territory far from it has the no-data grey."""
    data = {"locations": ["les-moulins"], "z": [10.0], "zmax": 10.0}
    png = preview_image.render("mrc", {"locations": [], "z": []}, data, {}, bounds=(-74.2, 45.5, -73.2, 46.0),
                               title="t", summary="s", measure_label="m", low_label="0", high_label="10",
                               no_data_label="n", source="src")
    image = Image.open(io.BytesIO(png)).convert("RGB")
    project = preview_image._Projection((-74.2, 45.5, -73.2, 46.0), preview_image.MAP_BOX)
    mrc = layers.territories("mrc")
    x, y = project(float(mrc.at["les-moulins", "rep_lon"]), float(mrc.at["les-moulins", "rep_lat"]))
    assert image.getpixel((round(x / preview_image.SCALE), round(y / preview_image.SCALE))) == \
        preview_image.scale_colour(10.0, 10.0)
    x, y = project(float(mrc.at["mirabel", "rep_lon"]), float(mrc.at["mirabel", "rep_lat"]))
    assert image.getpixel((round(x / preview_image.SCALE), round(y / preview_image.SCALE))) == \
        preview_image._rgb(NO_DATA_COLOUR)


def test_the_image_cache_is_bounded_in_count_and_bytes():
    cache = ByteLRU(entries=3, max_bytes=1000)  # the store behind previews.IMAGES
    for i in range(10):
        cache.put(str(i), b"x" * 300)
    assert len(cache) == 3 and cache.bytes <= 1000 and cache.get("9") and cache.get("0") is None
    cache.put("big", b"x" * 900)
    assert cache.bytes <= 1000


def test_robots_txt_is_valid_and_points_to_the_sitemap(client):
    response = client.get("/robots.txt")
    assert response.status_code == 200 and response.mimetype == "text/plain"
    body = response.get_data(as_text=True)
    for line in body.splitlines():
        assert not line or re.fullmatch(r"(User-agent|Allow|Disallow|Sitemap): \S+", line), line
    parser = urllib.robotparser.RobotFileParser()
    parser.parse(body.splitlines())
    assert parser.can_fetch("*", "http://localhost/region/14")
    assert parser.can_fetch("*", "http://localhost/apercu.png?region=14")  # preview robots fetch the image
    assert not parser.can_fetch("*", "http://localhost/api/projects")
    assert parser.site_maps() == ["http://localhost/sitemap.xml"]


def test_sitemap_lists_the_map_methodology_and_every_region_and_mrc_page_and_sheet(client):
    response = client.get("/sitemap.xml")
    assert response.status_code == 200 and response.mimetype == "application/xml"
    namespace = {"s": "http://www.sitemaps.org/schemas/sitemap/0.9"}
    locations = [e.text for e in ET.fromstring(response.data).findall("s:url/s:loc", namespace)]
    paths = {loc.removeprefix("http://localhost") for loc in locations}
    assert {"/", "/methodologie"} <= paths
    for code in layers.territories("region").index:
        assert {f"/region/{code}", f"/fiche/region/{code}"} <= paths
    for mrc_id in layers.territories("mrc").index:
        assert {f"/mrc/{mrc_id}", f"/fiche/mrc/{mrc_id}"} <= paths
    assert len(locations) == len(paths)  # no duplicates
    for path in ("/region/14", "/fiche/mrc/les-moulins", "/methodologie"):  # listed pages exist
        assert client.get(path).status_code == 200


def test_a_small_mrc_is_shown_with_its_surroundings_and_named():
    from components.state import View
    from data.metrics import Filters
    from components.map.summary import map_caption
    from components.map.bounds import MIN_SPAN, view_bounds

    view = View(level="mrc", filters=Filters(mrcs=("les-moulins",)))
    west, south, east, north = view_bounds(view)
    assert east - west >= MIN_SPAN[0] - 1e-6 and north - south >= MIN_SPAN[1] - 1e-6
    mrc = layers.territories("mrc").loc["les-moulins"]
    assert west < mrc.rep_lon < east and south < mrc.rep_lat < north
    assert "Les Moulins" in map_caption(view)["title"]
