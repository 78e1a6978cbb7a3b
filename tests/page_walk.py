"""Every page of the site, fetched over HTTP as a browser would (in-process, Flask's test client) and read
as text: what a visitor sees in the page, its tab title, its table cells and the words of its controls.

Dash pages arrive from the router's callback (`_pages_content`), so a page is the index HTML (its
`<title>`) plus that callback's answer: the component tree of the page and the title Dash then gives
the tab (`_pages_store`). No browser is needed for those; the map's interactive text (drawn by scripts)
is checked by the browser tests.
"""
from __future__ import annotations

import html as html_lib
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from geo import layers

# Props whose text a visitor reads (or hears) besides `children`.
TEXT_PROPS = ("title", "placeholder", "alt", "aria-label", "label", "data-label", "summary")
# Elements a visitor reads as one sentence or one cell.
BLOCKS = {"P", "Li", "Dd", "Dt", "Td", "Th", "H1", "H2", "H3", "H4", "Caption", "Figcaption", "Label", "Button",
          "Summary", "Legend"}
_TITLE = re.compile(r"<title>(.*?)</title>", re.S)


@dataclass(frozen=True)
class Text:
    where: str  # "GET /region/01?lang=en › Table › Td" : enough to find it
    text: str


@lru_cache(maxsize=1)
def client():
    import app  # the app exists once tests/conftest.py has built the layers
    return app.server.test_client()


@lru_cache(maxsize=1)
def _router() -> dict:
    deps = client().get("/_dash-dependencies").get_json()
    return next(d for d in deps if "_pages_content.children" in d["output"])


def page_content(path: str, search: str = "") -> tuple[object, str]:
    """The page's component tree and the title Dash gives its tab, as the router callback answers them."""
    body = {"output": _router()["output"],
            "outputs": [{"id": "_pages_content", "property": "children"}, {"id": "_pages_store", "property": "data"}],
            "inputs": [{"id": "_pages_location", "property": "pathname", "value": path},
                       {"id": "_pages_location", "property": "search", "value": search}],
            "changedPropIds": ["_pages_location.pathname"]}
    reply = client().post("/_dash-update-component", json=body)
    assert reply.status_code == 200, f"{path}{search}: router callback answered {reply.status_code}"
    response = reply.get_json()["response"]
    return response["_pages_content"]["children"], (response.get("_pages_store", {}).get("data") or {}).get("title", "")


def index_title(url: str) -> str:
    """The `<title>` the server writes in the page's HTML."""
    reply = client().get(url)
    assert reply.status_code == 200, f"GET {url}: {reply.status_code}"
    found = _TITLE.search(reply.get_data(as_text=True))
    return html_lib.unescape(found.group(1)) if found else ""


def _figure_texts(figure: dict) -> Iterator[str]:
    """The words a Plotly figure prints: titles, colour bar titles, axis titles, annotations, legend names."""
    layout = figure.get("layout") or {}
    for part in [layout, *[v for k, v in layout.items() if k.startswith(("xaxis", "yaxis"))]]:
        title = part.get("title") if isinstance(part, dict) else None
        if isinstance(title, dict):
            title = title.get("text")
        if isinstance(title, str):
            yield title
    for note in layout.get("annotations") or []:
        if note.get("text"):
            yield str(note["text"])
    for trace in figure.get("data") or []:
        bar = (trace.get("colorbar") or (trace.get("marker") or {}).get("colorbar") or {}).get("title")
        if isinstance(bar, dict):
            bar = bar.get("text")
        if isinstance(bar, str):
            yield bar
        if trace.get("showlegend") and trace.get("name"):
            yield str(trace["name"])


def tree_texts(node, where: str, lang: str | None = None) -> Iterator[Text]:
    """Every text a visitor reads in a component tree (as JSON), with where it is. A part marked with
    another language (`lang="fr"` on the English page's « Français » link) is skipped: it is meant."""
    if isinstance(node, list):
        for child in node:
            yield from tree_texts(child, where, lang)
        return
    if isinstance(node, (str, int, float)) and not isinstance(node, bool):
        if str(node).strip():
            yield Text(where, str(node))
        return
    if not isinstance(node, dict) or "props" not in node:
        return
    props = node["props"] or {}
    if lang and props.get("lang") and props["lang"] != lang:
        return
    here = f"{where} › {node.get('type')}" + (f"#{props['id']}" if isinstance(props.get("id"), str) else "")
    for name in TEXT_PROPS:
        value = props.get(name)
        if isinstance(value, str) and value.strip():
            yield Text(f"{here}[{name}]", value)
    for option in props.get("options") or []:
        label = option.get("label") if isinstance(option, dict) else option
        yield from tree_texts(label, f"{here}[options]", lang)
    for column in props.get("columnDefs") or []:
        if isinstance(column, dict) and column.get("headerName"):
            yield Text(f"{here}[columnDefs]", str(column["headerName"]))
    for row in props.get("rowData") or []:
        for key, value in (row.items() if isinstance(row, dict) else []):
            if isinstance(value, str) and value.strip() and not key.endswith(("_url", "_id", "href")):
                yield Text(f"{here}[rowData.{key}]", value)
    if isinstance(props.get("figure"), dict):
        for value in _figure_texts(props["figure"]):
            yield Text(f"{here}[figure]", value)
    if props.get("value") and node.get("type") == "Textarea":
        yield Text(f"{here}[value]", str(props["value"]))
    children = props.get("children")
    yield from tree_texts(children, here, lang)
    if node.get("type") in BLOCKS and isinstance(children, list) and len(children) > 1:
        # A sentence written in pieces (« de » + a number in a <strong>) is read whole, as a visitor reads it.
        whole = " ".join(t.text.strip() for t in tree_texts(children, here, lang) if "[" not in t.where[len(here):])
        yield Text(f"{here} (whole)", whole)


# ---------------------------------------------------------------- the pages a visitor can reach

def region_codes() -> list[str]:
    return sorted(layers.territories("region").index)


def mrc_sample() -> list[str]:
    """Every tenth MRC (by id) and the ones the issue names: a spread of big, small, northern and split ones."""
    ids = sorted(layers.territories("mrc").index)
    named = [m for m in ("les-moulins", "montreal", "d-autray", "rimouski-neigette", "jamesie", "kativik") if m in ids]
    return sorted(set(ids[::10]) | set(named))


def page_urls(lang: str) -> list[str]:
    """The map, every region page and sheet, a sample of MRC pages and sheets, the comparison, the
    methodology, the presentation and the embed, in `lang`."""
    paths = ["/", "/methodologie", "/comparer?a=05&b=06", "/comparer?level=mrc&a=les-moulins&b=montreal",
             "/presentation?region=14", "/?mode=presentation&region=14",
             "/embed?level=mrc&region=14", "/embed", "/?level=mrc&region=14&measure=documented_share"]
    paths += [f"/region/{code}" for code in region_codes()] + [f"/fiche/region/{code}" for code in region_codes()]
    paths += [f"/mrc/{mrc}" for mrc in mrc_sample()] + [f"/fiche/mrc/{mrc}" for mrc in mrc_sample()]
    if lang == "en":
        paths = [p + ("&" if "?" in p else "?") + "lang=en" for p in paths]
    return paths


def page_texts(url: str, lang: str) -> list[Text]:
    """Everything a visitor reads on the page at `url`: the server's title, the tab's title once Dash
    has routed, and the page's content."""
    path, _, query = url.partition("?")
    tree, tab_title = page_content(path, "?" + query if query else "")
    texts = [Text(f"GET {url} <title>", index_title(url))]
    if tab_title:
        texts.append(Text(f"GET {url} document.title", tab_title))
    texts += list(tree_texts(tree, f"GET {url}", lang))
    return texts
