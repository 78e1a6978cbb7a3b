"""The offline presentation (offline/): what the HTML file holds, checked without a browser.

The browser side (opening it from file:// with the network cut) is tests/browser/test_offline_browser.py.
"""
from __future__ import annotations

import json
import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from components import region_slides
from components.dataset import Dataset, current, prepare_for_map
from components.i18n import money, money_cents, number
from data import metrics
from data.export import to_csv_bytes
from data.importer import import_spreadsheet
from data.metrics import Filters
from data.synthetic import generate_projects
from geo import layers
from offline import __main__ as cli
from offline import presentation as offline

TINY_PLOTLY = "/* a stand-in for plotly.js: these tests read the file, they do not run it */"
HOSTILE_TITLE = "<script>alert(1)</script>"
HOSTILE_PROMOTER = "</script><img src=x onerror=alert(2)>"
URL = re.compile(r"https?://[^\s\"'<>\\)]+", re.IGNORECASE)


class Tags(HTMLParser):
    """Every start tag of the file with its attributes (a script's body is text, not tags)."""

    def __init__(self):
        super().__init__()
        self.tags: list[tuple[str, dict]] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))


def tags_of(page: str) -> list[tuple[str, dict]]:
    parser = Tags()
    parser.feed(page)
    return parser.tags


def data_block(page: str) -> dict:
    found = re.search(r'<script type="application/json" id="carte-data">(.*?)</script>', page, re.S)
    assert found, "the file has no data block"
    return json.loads(found.group(1))


def outside_plotly(page: str) -> str:
    """The file without the body of the plotly.js script (a library's own strings: not ours)."""
    start = page.index(TINY_PLOTLY) if TINY_PLOTLY in page else -1
    return page if start < 0 else page[:start] + page[start + len(TINY_PLOTLY):]


@pytest.fixture(scope="module")
def synthetic() -> Dataset:
    """Many projects in every region (the curated data has few), so every MRC step has figures."""
    return Dataset(prepare_for_map(generate_projects(1500, seed=21)), current().envelopes, demo=True)


def hostile_upload() -> pd.DataFrame:
    """A coordinator's file, read by the importer, with markup in its title and promoter."""
    frame = pd.DataFrame([
        {"Nom du projet": HOSTILE_TITLE, "Organisme porteur": HOSTILE_PROMOTER, "MRC": "Joliette",
         "Région": "Lanaudière", "Montant accordé": "12 500 $", "Source": "https://exemple.org/annonce"},
        {"Nom du projet": "Cuisine collective", "Organisme porteur": "Groupe d'entraide", "MRC": "Matawinie",
         "Région": "14", "Montant accordé": "30 000 $", "Source": "javascript:alert(3)"},
    ])
    result = import_spreadsheet(to_csv_bytes(frame), "projets.csv")
    assert result.rows_valid == 2, result.report()
    return result.projects


@pytest.mark.parametrize("region", ["14", "10", "06"])
def test_nothing_in_the_file_is_fetched_from_a_host(region, synthetic):
    page = offline.presentation_html(region, synthetic, "fr", plotly=TINY_PLOTLY)
    for tag, attributes in tags_of(page):
        for name in ("src", "href", "srcset", "poster", "data", "action"):
            assert not URL.match(attributes.get(name) or ""), f"<{tag} {name}> loads from a host"
        assert not (tag == "link" and attributes.get("rel") in ("stylesheet", "preload", "icon"))
    values = data_block(page)
    known_sources = {p["source"] for p in values["projects"] if p["source"]} | {
        a["source"] for code in ("fr", "en") for step in values["langs"][code]["steps"] for a in step["amounts"]
        if a["source"]}
    # Every address in the file (outside plotly.js) is a project's or a published amount's source,
    # shown as a link to click. The
    # SVG map's namespace (xmlns="http://www.w3.org/2000/svg") is a name, never fetched.
    addresses = re.sub(r'xmlns=\\?"http://www\.w3\.org/2000/svg\\?"', "", outside_plotly(page).replace("\\/", "/"))
    assert set(URL.findall(addresses)) <= known_sources
    assert "@import" not in page and "url(" not in outside_plotly(page)
    for code in ("fr", "en"):
        figure = values["langs"][code]["figure"]
        assert figure["layout"]["map"]["style"] == "white-bg"  # no tiles
        assert {trace.get("geojson") for trace in figure["data"] if trace["type"] == "choroplethmap"} == \
            {offline.LAYER_TOKEN}
    policy = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page).group(1)
    assert "default-src 'none'" in policy and "http" not in policy and "'unsafe-inline'" not in \
        policy.split("script-src", 1)[1].split(";")[0]


def test_a_hostile_title_stays_text():
    projects = hostile_upload()
    page = offline.presentation_html("14", offline.dataset_from_projects(projects), "fr",
                                     offline.OwnFile("projets.csv"), plotly=TINY_PLOTLY)
    assert HOSTILE_TITLE not in page and "<img" not in page
    # Three scripts and no more: the data, plotly.js and the page's own; none from the file's text.
    assert [tag for tag, _ in tags_of(page)].count("script") == 3
    assert not any(tag == "img" for tag, _ in tags_of(page))
    records = data_block(page)["projects"]
    assert {p["title"] for p in records} == {HOSTILE_TITLE, "Cuisine collective"}
    assert HOSTILE_PROMOTER in {p["promoter"] for p in records}
    # A source that is not a web address is no link.
    assert {p["title"]: p["source"] for p in records}["Cuisine collective"] is None
    # page.js writes text with textContent only.
    script = (offline.HERE / "page.js").read_text()
    assert not re.search(r"\.(innerHTML|outerHTML)\s*[+]?=|insertAdjacentHTML|document\.write|createContextualFragment",
                         script)
    assert "Données : votre fichier « projets.csv », non publiées" in data_block(page)["langs"]["fr"]["source_lines"]
    assert 'class="off-mark"' in page


@pytest.mark.parametrize("region", ["14", "16", "10"])
def test_each_step_shows_the_figures_of_data_metrics(region, synthetic):
    values = data_block(offline.presentation_html(region, synthetic, "fr", plotly=TINY_PLOTLY))
    order = region_slides.region_mrcs(region)
    counted = synthetic.projects[synthetic.projects.counted_mrc.isin(order).fillna(False).astype(bool)]
    agg = metrics.aggregate(counted, "mrc", synthetic.envelopes, mask=metrics.filter_mask(counted, Filters()))
    steps = values["langs"]["fr"]["steps"]
    assert len(steps) == len(order) + 1
    filters = Filters(regions=(region,))
    head = metrics.headline(metrics.filter_projects(synthetic.projects, filters), filters)
    expected = [("total", money(head.total, "fr")), ("per_capita", money_cents(head.per_capita, "fr")),
                ("population", number(head.population, "fr")), ("projects", number(head.n_projects, "fr")),
                ("promoters", number(head.n_promoters, "fr"))]
    assert [(f["key"], f["value"]) for f in steps[0]["figures"]] == expected
    for step, mrc in enumerate(order, start=1):
        row = agg.loc[mrc]
        assert steps[step]["mrc"] == mrc
        assert steps[step]["name"] == layers.territories("mrc").name[mrc]
        assert [(f["key"], f["value"]) for f in steps[step]["figures"]] == [
            ("total", money(row.amount, "fr")), ("per_capita", money_cents(row.per_capita, "fr")),
            ("population", number(row.population, "fr")), ("projects", number(row.n_projects, "fr")),
            ("promoters", number(row.n_promoters, "fr"))]
        # The list of an MRC's step is the projects its figures count.
        assert len(values["step_projects"][step]) == int(row.n_projects)


def test_every_project_of_the_region_is_listed_once(synthetic):
    region = "16"
    values = data_block(offline.presentation_html(region, synthetic, "en", plotly=TINY_PLOTLY))
    listed = [i for step in values["step_projects"] for i in step]
    assert len(listed) == len(set(listed)) == len(values["projects"])
    inside = metrics.filter_projects(synthetic.projects, Filters(regions=(region,)))
    order = region_slides.region_mrcs(region)
    shown = metrics.filter_projects(synthetic.projects, Filters())  # no cycle: the 2010–2015 plan apart
    elsewhere = shown[shown.counted_mrc.isin(order).fillna(False).astype(bool) & (shown.region_code != region)]
    assert len(listed) == len(inside) + len(elsewhere)
    assert values["initial_lang"] == "en" and set(values["langs"]) == {"fr", "en"}


def test_the_layer_is_the_regions_mrc_as_the_app_draws_them():
    values = data_block(offline.presentation_html("14", plotly=TINY_PLOTLY))
    with open(layers.layer_path("mrc"), encoding="utf-8") as file:
        app_layer = {f["id"]: f for f in json.load(file)["features"]}
    features = values["layer"]["features"]
    assert [f["id"] for f in features] == [i for i in app_layer if i in set(region_slides.region_mrcs("14"))]
    assert all(f == app_layer[f["id"]] for f in features)
    assert values["focus"][0] == [[], []]
    assert values["focus"][1][1] == [region_slides.region_mrcs("14")[0]]


def test_an_unknown_region_is_refused():
    for value in ("99", "", "14,15", "<script>"):
        with pytest.raises(ValueError):
            offline.presentation_html(value, plotly=TINY_PLOTLY)


def test_script_json_cannot_close_its_script():
    body = offline.script_json({"t": "</script><script>alert(1)</script> & \u2028"})
    assert "<" not in body and ">" not in body and "&" not in body
    assert json.loads(body) == {"t": "</script><script>alert(1)</script> & \u2028"}


def test_the_command_writes_the_presentation_and_exits_like_the_importer(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(offline, "plotly_js", lambda: TINY_PLOTLY)
    good = tmp_path / "projets.csv"
    good.write_bytes(to_csv_bytes(pd.DataFrame([{"Nom du projet": "Halte-garderie", "Organisme porteur": "CPE", "MRC": "Joliette",
                                                 "Région": "14", "Montant accordé": "9 000 $"}])))
    assert cli.main(["export-presentation", "--region", "14", "--file", str(good), "--out", str(tmp_path / "a")]) == 0
    written = tmp_path / "a" / "presentation-14-lanaudiere.html"
    assert "Halte-garderie" in {p["title"] for p in data_block(written.read_text())["projects"]}

    mixed = tmp_path / "mixte.csv"
    mixed.write_bytes(to_csv_bytes(pd.DataFrame([
        {"Nom du projet": "Halte-garderie", "Organisme porteur": "CPE", "MRC": "Joliette", "Région": "14",
         "Montant accordé": "9 000 $"},
        {"Nom du projet": "Sans lieu", "Organisme porteur": "X", "MRC": "Nulle part", "Région": "",
         "Montant accordé": "beaucoup"}])))
    assert cli.main(["export-presentation", "--region", "14", "--file", str(mixed), "--lang", "en",
                     "--out", str(tmp_path / "b")]) == 1
    assert "3" in capsys.readouterr().err  # the rejected row is named by its spreadsheet row
    assert (tmp_path / "b" / "presentation-14-lanaudiere-en.html").is_file()

    unreadable = tmp_path / "image.png"
    unreadable.write_bytes(b"\x89PNG not a spreadsheet")
    assert cli.main(["export-presentation", "--region", "14", "--file", str(unreadable),
                     "--out", str(tmp_path / "c")]) == 2
    assert not (tmp_path / "c").exists()


def test_the_command_writes_all_seventeen_regions(tmp_path, monkeypatch):
    monkeypatch.setattr(offline, "plotly_js", lambda: TINY_PLOTLY)
    assert cli.main(["export-presentation", "--region", "all", "--out", str(tmp_path)]) == 0
    assert sorted(p.name[13:15] for p in tmp_path.glob("presentation-*.html")) == \
        sorted(layers.territories("region").index)


def test_the_current_mrc_is_outlined_in_the_maps_one_colour_on_both_maps():
    """The interactive map and the SVG map of a browser without WebGL outline the current MRC in the
    colour every other map uses for a chosen territory (figures.FOCUS_COLOUR), not one of their own."""
    from components.map.figures import FOCUS_COLOUR

    page = offline.presentation_html("14", plotly=TINY_PLOTLY)
    traces = data_block(page)["langs"]["fr"]["figure"]["data"]
    assert traces[-1]["marker"]["line"]["color"] == FOCUS_COLOUR  # the focus trace
    styles = "".join(re.findall(r"<style[^>]*>(.*?)</style>", page, re.S))
    assert f"--focus-colour: {FOCUS_COLOUR};" in styles
    (rule,) = re.findall(r"path\.off-focus \{([^}]*)\}", styles)
    assert "stroke: var(--focus-colour)" in rule
