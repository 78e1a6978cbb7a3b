"""Her file on the pages she presents from: the choice, the mark, the sheet and presentation mode
drawn from the browser's store (validated again on the server), and the offline download."""
from __future__ import annotations

import json

from dash import no_update

from components.own_file import own_data
from components.own_file.upload import read_upload
from data.export import to_csv_bytes
from pages import presentation, sheet
from tests.test_offline import HOSTILE_TITLE, TINY_PLOTLY, hostile_upload


def _payload() -> dict:
    """What the dashboard's upload puts in the session store for her file."""
    import base64

    frame = hostile_upload()
    body = to_csv_bytes(frame.rename(columns={"title": "Nom du projet", "promoter": "Organisme porteur",
                                              "mrc_ids": "MRC", "region_code": "Région",
                                              "amount_fqis": "Montant accordé", "source_url": "Source"})
                        [["Nom du projet", "Organisme porteur", "MRC", "Région", "Montant accordé", "Source"]])
    payload, _ = read_upload("data:text/csv;base64," + base64.b64encode(body).decode(), "mes-projets.csv", "fr")
    assert payload and len(payload["projects"]) == 2
    return payload


def test_the_choice_offers_her_file_only_when_the_session_holds_one():
    assert own_data.offered(None, "fr") == (own_data.options(None, "fr"), no_update)  # « public » stays as drawn
    assert own_data.options(None, "fr")[1]["disabled"] is True
    choices, value = own_data.offered(_payload(), "fr")
    assert value == "upload" and choices[1]["disabled"] is False and "mes-projets.csv" in choices[1]["label"]


def test_a_forged_store_falls_back_on_the_public_data_and_says_so():
    for forged in (None, {}, {"projects": "x"}, {"projects": [{"title": "<b>"}]}, {"file": "a", "projects": []}):
        data, name = own_data.chosen("upload", forged)
        assert name is None and own_data.mark(name, "fr") == ""
    data, name = own_data.chosen("upload", _payload())
    assert name == "mes-projets.csv" and HOSTILE_TITLE in set(data.projects.title)
    assert own_data.mark(name, "fr") == "Données : votre fichier « mes-projets.csv », non publiées"
    assert own_data.chosen("public", _payload())[1] is None


def _strings(component) -> list[str]:
    found = []

    def walk(node):
        if isinstance(node, str):
            found.append(node)
        elif isinstance(node, (list, tuple)):
            for child in node:
                walk(child)
        elif hasattr(node, "children"):
            walk(node.children)
    walk(component)
    return found


def test_the_sheet_is_drawn_again_from_her_file():
    body = sheet.body_for("upload", _payload(), {"level": "mrc", "id": "joliette"}, "fr")
    assert HOSTILE_TITLE in _strings(body)
    public = sheet.body_for("public", _payload(), {"level": "mrc", "id": "joliette"}, "fr")
    assert HOSTILE_TITLE not in _strings(public)
    for forged in (None, {}, {"level": "mrc", "id": "<script>"}, {"level": "x", "id": "14"}, {"level": "region"}):
        assert sheet.body_for("upload", _payload(), forged, "fr") is no_update
    layout = sheet.mrc_sheet(mrc_id="joliette")
    assert any(getattr(c, "id", None) == sheet.OWN_MARK for c in _walk(layout))


def _walk(component):
    yield component
    children = getattr(component, "children", None)
    for child in children if isinstance(children, list) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _walk(child)


def test_presentation_mode_steps_through_her_file():
    payload = _payload()
    order = presentation.region_mrcs("14")
    step = order.index("joliette") + 1
    panel, patch, current = presentation.show_step("14", step, 0, 0, "fr", "upload", payload, recolour=True)
    assert current == "joliette"
    values = [c.children for c in _walk(html_root(panel)) if getattr(c, "className", "") == "pres-value"]
    assert values[0] == "12\xa0500\xa0$" and values[3] == "1"
    changed = json.dumps(patch.to_plotly_json(), default=str)
    assert "joliette" in changed and '"hovertext"' in changed


def html_root(children):
    from dash import html
    return html.Div(children)


def test_the_offline_download_is_the_file_for_the_region_and_data_on_screen(monkeypatch):
    from offline import presentation as offline
    monkeypatch.setattr(offline, "plotly_js", lambda: TINY_PLOTLY)
    sent = presentation.offline_download("14", "fr", "upload", _payload())
    assert sent["filename"] == "presentation-14-lanaudiere.html" and sent["type"] == "text/html"
    assert "votre fichier" in sent["content"] and HOSTILE_TITLE not in sent["content"]
    assert "\\u003cscript\\u003ealert(1)" in sent["content"]
    public = presentation.offline_download("14", "en", "public", _payload())
    assert public["filename"] == "presentation-14-lanaudiere-en.html" and 'class="off-mark"' not in public["content"]
    assert 'class="off-mark"' in sent["content"]
    for forged in ("99", None, "<script>", ["14"]):
        assert presentation.offline_download(forged, "fr", "upload", _payload()) is no_update


def test_the_comparison_shows_her_file_when_chosen():
    from pages import compare
    payload = _payload()
    mine, _, _ = compare.panels("mrc", "joliette", "matawinie", "fr", "upload", payload)
    public, _, _ = compare.panels("mrc", "joliette", "matawinie", "fr", "public", payload)
    assert compare.facts("mrc", "joliette", data=own_data.chosen("upload", payload)[0])["n_projects"] == 1
    assert _strings(mine) != _strings(public)
    for forged in (None, "x", {"projects": [{"a": 1}]}):
        forged_a, _, _ = compare.panels("mrc", "joliette", "matawinie", "fr", "upload", forged)
        assert _strings(forged_a) == _strings(public)
