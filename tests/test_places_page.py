"""GET /lieu: one place → the map's permalink of its MRC; several → links; none → what was searched and what to try."""
from __future__ import annotations

import html
import re
from urllib.parse import urlencode, urlsplit

import pytest

import app as application
from components.permalink import view_from_query
from geo import layers


@pytest.fixture(scope="module")
def client():
    return application.server.test_client()


def _get(client, **query):
    return client.get("/lieu?" + urlencode(query, doseq=True))


def _visible_text(body: str) -> str:
    """The words a visitor reads (tags dropped, entities decoded)."""
    return html.unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", body)))


def _links(body: str) -> list[tuple[str, str]]:
    return [(html.unescape(href), html.unescape(label)) for href, label in
            re.findall(r'<a class="place-link" href="([^"]+)">([^<]+)</a>', body)]


@pytest.mark.parametrize("typed", ["St-Jérôme", "saint jerome", "SAINT-JÉRÔME"])
def test_one_place_redirects_to_the_map_permalink_of_its_mrc(client, typed):
    response = _get(client, q=typed)
    assert response.status_code == 302
    location = urlsplit(response.headers["Location"])
    assert location.path == "/"
    view, ignored = view_from_query(location.query)
    assert not ignored
    assert (view.level, view.filters.mrcs, view.lang) == ("mrc", ("la-riviere-du-nord",), "fr")


def test_the_redirect_keeps_the_language_and_a_region_leads_to_the_region(client):
    view, _ = view_from_query(urlsplit(_get(client, q="Chibougamau", lang="en").headers["Location"]).query)
    assert (view.filters.mrcs, view.lang) == (("jamesie",), "en")
    view, _ = view_from_query(urlsplit(_get(client, q="estrie").headers["Location"]).query)
    assert view.filters.regions == ("05",) and not view.filters.mrcs


def test_several_places_are_listed_with_their_mrc_and_region(client):
    response = _get(client, q="sainte-anne")
    assert response.status_code == 200 and response.mimetype == "text/html"
    links = _links(response.get_data(as_text=True))
    every = layers.municipalities()
    expected = every[every.name.str.startswith("Sainte-Anne")]
    assert len(links) == len(expected)
    assert ("/?level=mrc&mrc=la-haute-gaspesie",
            "Sainte-Anne-des-Monts → MRC La Haute-Gaspésie (Gaspésie–Îles-de-la-Madeleine)") in links
    text = _visible_text(response.get_data(as_text=True))
    assert f"{len(expected)} lieux trouvés pour « sainte-anne »" in text


def test_a_shared_name_offers_each_municipality_with_its_mrc(client):
    every = layers.municipalities()
    shared = every[every.name == "Saint-Donat"]
    assert shared.mrc_id.nunique() == 2
    response = _get(client, q="St-Donat")
    assert response.status_code == 200
    links = _links(response.get_data(as_text=True))
    assert {view_from_query(urlsplit(href).query)[0].filters.mrcs[0] for href, _ in links} == set(shared.mrc_id)
    assert all(label.startswith("Saint-Donat → MRC ") for _, label in links)


def test_nothing_found_says_what_was_searched_what_to_try_and_suggests(client):
    response = _get(client, q="Les Moulinx")
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    text = _visible_text(body)
    assert "« Les Moulinx »" in text and "Vérifiez l'orthographe" in text and "Vouliez-vous dire" in text
    assert " — " not in text.replace(" — Carte", "")  # never a dash for « nothing »
    assert _links(body)[0] == ("/?level=mrc&mrc=les-moulins", "MRC Les Moulins (Lanaudière)")


def test_the_page_in_english_is_in_english(client):
    text = _visible_text(_get(client, q="Rimousky", lang="en").get_data(as_text=True))
    assert "No municipality, MRC or region is called « Rimousky »" in text and "Did you mean" in text
    assert "Vérifiez" not in text and "Retour" not in text
    # one suggestion per territory: the town of Rimouski and its MRC lead to the same map
    links = _links(_get(client, q="Rimousky").get_data(as_text=True))
    assert links == [("/?level=mrc&mrc=rimouski-neigette", "Rimouski → MRC Rimouski-Neigette (Bas-Saint-Laurent)")]


def test_an_empty_search_shows_the_form_and_how_to_use_it(client):
    body = _get(client).get_data(as_text=True)
    assert 'name="q"' in body and 'action="/lieu"' in body
    assert "Tapez le nom de votre municipalité" in _visible_text(body)


def test_html_in_the_query_is_shown_as_text(client):
    hostile = '"><script>alert(1)</script><img src=x onerror=alert(2)>'
    body = _get(client, q=hostile).get_data(as_text=True)
    assert "<script>alert" not in body and "<img src=x" not in body
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in body
    assert hostile in _visible_text(body)  # shown, as text


def test_a_10_kb_query_is_read_up_to_its_bound(client):
    response = _get(client, q="Rimouski" + "é" * 10_000, lang=["en", "fr"])
    assert response.status_code == 200
    body = response.get_data(as_text=True)
    assert len(body) < 20_000 and "é" * 101 not in body
    assert client.get("/lieu?q=a&q=b&lang[]=x").status_code == 200
