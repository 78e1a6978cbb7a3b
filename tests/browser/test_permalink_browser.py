"""Journalists' permalinks in a real browser: a link restores the view; Back returns to the last one."""
from __future__ import annotations

from urllib.parse import urlparse

from tests.browser.conftest import map_state, show_table, wait_for_map


def test_a_permalink_restores_filters_map_values_and_table(watch):
    page = watch().open("/?level=mrc&measure=amount&region=14&lang=en")
    assert page.locator("h1").inner_text() == "Map of the Alliances pour la solidarité"
    assert "Lanaudière" in page.locator("#filter-region").inner_text()
    state = map_state(page)
    assert state["geojson"] == "/layers/mrc.geojson"
    assert state["located"] and set(state["located"]) <= {"les-moulins", "d-autray", "l-assomption", "joliette", "matawinie", "montcalm"}
    page.wait_for_function("() => document.querySelector('#table-count').innerText.length > 0")
    show_table(page)
    page.wait_for_function("() => { const out = []; dash_ag_grid.getApi('projects-table')"
                           ".forEachNode(n => n.data && out.push(n.data.region)); return out.length > 0; }")
    regions = page.evaluate("() => { const out = []; dash_ag_grid.getApi('projects-table')"
                            ".forEachNode(n => n.data && out.push(n.data.region)); return out; }")
    assert set(regions) == {"Lanaudière"}


def test_changing_a_filter_updates_the_url_and_back_restores_the_previous_view(watch):
    page = watch().open("/")
    page.locator("#measure-radio").get_by_label("Nombre de projets").check()
    page.wait_for_function("() => window.location.search === '?measure=count'")
    share = page.locator("#share-url").input_value()
    assert urlparse(share).query == "measure=count"
    page.locator("#level-radio").get_by_label("MRC", exact=True).check()
    page.wait_for_function("() => window.location.search === '?level=mrc&measure=count'")
    page.go_back()
    page.wait_for_function("() => window.location.search === '?measure=count'")
    wait_for_map(page)
    page.wait_for_function("() => document.querySelector('#map .js-plotly-plot').data[1].geojson === '/layers/region.geojson'")
    assert page.locator("#level-radio input[value='region']").is_checked()
    assert page.locator("#measure-radio input[value='count']").is_checked()


def test_a_broken_link_shows_a_notice_and_the_rest_of_the_view(watch):
    w = watch()
    page = w.open("/?region=05,zz&level=planet")
    assert "zz" in page.locator(".url-notice").inner_text() and "planet" in page.locator(".url-notice").inner_text()
    assert "Estrie" in page.locator("#filter-region").inner_text()
    assert w.errors == []


def test_download_links_follow_the_view(watch):
    page = watch().open("/?theme=logement")
    href = page.locator("#downloads a").first.get_attribute("href")
    assert href.startswith("/api/projects?") and "theme=logement" in href and href.endswith("format=csv")
    response = page.request.get(w_base(page) + href)
    assert response.ok and response.body().startswith(b"\xef\xbb\xbf")  # UTF-8 with BOM for Excel


def w_base(page) -> str:
    parsed = urlparse(page.url)
    return f"{parsed.scheme}://{parsed.netloc}"


def test_the_map_image_downloads_offline_as_a_png(watch):
    w = watch()
    page = w.open("/?region=14")
    with page.expect_download(timeout=30_000) as download_info:
        page.locator("#map-image").click()
    download = download_info.value
    path = download.path()
    data = open(path, "rb").read()
    assert download.suggested_filename.endswith(".png") and data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 20_000
    from tests.browser.conftest import ARTIFACTS
    (ARTIFACTS / "map-image.png").write_bytes(data)
    assert w.errors == []
