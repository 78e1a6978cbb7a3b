"""The presentation to take away: one HTML file that shows a region MRC by MRC with no server and no network.

A regional coordinator presents from a USB key on the assembly's laptop: she double-clicks the
file and it opens in Chromium, Firefox or Edge. Everything is inside the file: plotly.js, the
region's MRC outlines (the app's simplified layer, only that region's features), and, as one
JSON block, what each step shows — computed here by the functions presentation mode itself uses
(components/region_slides.py: `slide`, `slide_figures`, `slide_notes`, `presentation_figure`,
`focus_data`), so the file and the app cannot disagree. offline/page.js only puts those values on
the screen (with textContent: a project title « <script>… » stays text).

Both languages are in the file, with a switch in its bar: an assembly is often bilingual, and one
file per region is one file less to pick on the key. The language asked for is the one it opens in.

The map is MapLibre's (WebGL). Where the browser has no WebGL (an old laptop, a remote desktop,
hardware acceleration turned off: Firefox headless here has none), page.js draws instead the SVG
written here by `region_slides.static_region_map`, same colours, the step's MRC outlined.

Nothing in the file loads anything: the map is white-bg (no tiles), no font or script comes from
outside, and a Content-Security-Policy in the file itself forbids any request to another host.
Links to the projects' public sources are ordinary links, followed only if someone clicks one.
"""
from __future__ import annotations

import base64
import hashlib
import html
import json
from collections import ChainMap
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from string import Template

import pandas as pd
import plotly.io as pio

from components import region_slides as slides
from components.dataset import Dataset, current, prepare_for_map
from components.document import data_as_of, is_http, source_label
from components.i18n import LANGS, clean_lang, t, text
from components.map.figures import FOCUS_COLOUR
from components.own_file import own_data
from components.territory.facts import amount_text
from components.urls import layer_url
from data import follow_up
from geo import layers
from texts.catalogs import Messages

HERE = Path(__file__).resolve().parent
ASSETS = HERE.parent / "assets"
# Traces name the layer by this token; page.js gives them the one layer object the file holds
# (four traces share it: the geometry is written once).
LAYER_TOKEN = "carte:layer:mrc"

_TEXT = ChainMap(Messages("offline"), slides.TEXT)
# Words of the bar, looked up by page.js when the language changes (data-word attributes).
_BAR_WORDS = ("prev", "next", "keys", "fullscreen", "switch_lang", "controls", "map_label", "sources", "source",
              "no_source", "static_map_note", "amounts_none")


def tr(key: str, lang: str, **values) -> str:
    """This file's words, then the presentation page's (so « MRC suivante » is the same on both)."""
    return text(_TEXT, key, lang, **values)


@dataclass(frozen=True)
class OwnFile:
    """The coordinator's file the projects come from (None for the public data)."""
    name: str


# ---------------------------------------------------------------- what each step shows

def step_projects(data: Dataset, region: str, step: int) -> pd.DataFrame:
    """The projects listed at `step` (components/region_slides.step_projects, which presentation mode
    lists too)."""
    return slides.step_projects(region, step, data)


def _years(start, end) -> str:
    start, end = (None if pd.isna(v) else int(v) for v in (start, end))
    if start and end and start != end:
        return f"{start}–{end}"
    return str(start or end or "")


def project_records(projects: pd.DataFrame) -> list[dict]:
    """What the file shows of each project, amounts already written in both languages."""
    records = []
    for row in projects.itertuples():
        url = row.source_url if is_http(row.source_url) else None
        records.append({
            "title": str(row.title),
            "promoter": "" if pd.isna(row.promoter) else str(row.promoter),
            "years": _years(row.start_year, row.end_year),
            "known": bool(pd.notna(row.amount_fqis)),
            "amount": {lang: (amount_text(row.amount_fqis, lang) if pd.notna(row.amount_fqis)
                              else tr("amount_unknown", lang)) for lang in LANGS},
            # How it is doing (status · actual end · people reached), « » when its Alliance said nothing.
            "status": {lang: follow_up.summary(getattr(row, "status", None), getattr(row, "actual_end_date", None),
                                               getattr(row, "people_reached", None), lang) for lang in LANGS},
            "source": url,
            "source_label": source_label(url, row.source_date if isinstance(row.source_date, str) else None)
            if url else None,
        })
    return records


def figure_json(region: str, lang: str, data: Dataset) -> dict:
    """The app's presentation map of `region` (components/region_slides.py), its layer URL replaced by
    LAYER_TOKEN: the geometry is in the file, not at an address."""
    figure = json.loads(pio.to_json(slides.presentation_figure(region, 0, lang, data), validate=False))
    url = layer_url("mrc")
    for trace in figure["data"]:
        if trace.get("geojson") == url:
            trace["geojson"] = LAYER_TOKEN
    return figure


def region_layer(region: str) -> dict:
    """The region's MRC features of the app's simplified MRC layer, coordinates untouched."""
    wanted = set(slides.region_mrcs(region))
    with open(layers.layer_path("mrc"), encoding="utf-8") as file:
        features = json.load(file)["features"]
    return {"type": "FeatureCollection", "features": [f for f in features if str(f.get("id")) in wanted]}


def source_lines(lang: str, own_file: OwnFile | None, today: date) -> list[str]:
    as_of = data_as_of()
    lines = [own_data.mark(own_file.name, lang) if own_file else tr("public_sources", lang)]
    lines += layers.attribution_lines(lang=lang)
    lines.append(tr("made", lang, day=today.isoformat(), as_of=tr("as_of", lang, date=as_of) if as_of else ""))
    return lines


def language_block(region: str, lang: str, data: Dataset, own_file: OwnFile | None, today: date) -> dict:
    """Everything of one language: the bar's words, the map figure, each step's panel."""
    n_steps = slides.step_count(region)
    steps = []
    for step in range(n_steps):
        facts = slides.slide(region, step, lang, data)
        steps.append({
            "mrc": facts["mrc"], "kicker": facts["kicker"], "name": facts["name"],
            "position": slides.step_position(step, n_steps, lang),  # the kicker's numbers: « 2 / 6 », MRC 2 sur 6
            "amounts": facts["amounts"],
            "amounts_title": tr("amounts_overview" if step == 0 else "amounts_mrc", lang),
            "figures": [{"key": key, "label": label, "value": value}
                        for key, label, value in slides.slide_figures(facts, lang)],
            "notes": slides.slide_notes(facts, lang),
            "projects_title": tr("projects_mrc" if step else "projects_overview", lang),
            # An MRC with no known project already says so in its notes: no second sentence.
            "projects_empty": tr("projects_overview_none", lang) if step == 0 else None,
        })
    region_name = str(layers.territories("region").region_name[region])
    return {"document_title": tr("document_title", lang, region=region_name),
            "ui": {**{key: tr(key, lang) for key in _BAR_WORDS}, "own_file": own_data.tr("mark", lang)},
            "source_lines": source_lines(lang, own_file, today),
            "figure": figure_json(region, lang, data),
            # Drawn instead of the figure where the browser has no WebGL (MapLibre needs it): an old
            # laptop, a remote desktop, hardware acceleration turned off.
            "static_map": slides.static_region_map(region, lang, data),
            "steps": steps}


def presentation_data(region: str, data: Dataset, lang: str, own_file: OwnFile | None = None,
                      today: date | None = None) -> dict:
    """The JSON block of the file: both languages, the layer, the focus of each step, the projects."""
    today = today or date.today()
    n_steps = slides.step_count(region)
    projects, per_step = [], []
    for step in range(n_steps):
        chosen = project_records(step_projects(data, region, step))
        per_step.append(list(range(len(projects), len(projects) + len(chosen))))
        projects += chosen
    return {
        "initial_lang": clean_lang(lang),
        "region": region,
        "own_file": own_file is not None,
        "demo": bool(data.demo),
        "bounds": list(slides.region_bounds(region)),
        "layer_token": LAYER_TOKEN,
        "layer": region_layer(region),
        "focus": [[part["locations"] for part in slides.focus_data(region, step)] for step in range(n_steps)],
        "labels": slides.map_labels(region),
        "projects": projects,
        "step_projects": per_step,
        "langs": {code: language_block(region, code, data, own_file, today) for code in LANGS},
    }


# ---------------------------------------------------------------- the file

def plotly_js() -> str:
    """The app's partial plotly.js when it is built for the installed plotly (web/plotly_bundle.py),
    else the full minified file of the Python plotly package."""
    from plotly.offline import get_plotlyjs

    from web import plotly_bundle

    body = plotly_bundle.load()
    return body.decode("utf-8") if body is not None else get_plotlyjs()


def script_json(value) -> str:
    """JSON for a <script type="application/json"> block: `<`, `>` and `&` escaped, so no text in the
    data (« </script><script>… ») can close the block or open a tag."""
    body = json.dumps(value, ensure_ascii=False, allow_nan=False, separators=(",", ":"))
    return (body.replace("&", "\\u0026").replace("<", "\\u003c").replace(">", "\\u003e")
            .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029"))


def _inline_script(body: str) -> str:
    if "</script" in body.lower():
        raise ValueError("a script to inline contains « </script »: it would end its <script> element")
    return body


def _hash(body: str) -> str:
    return "'sha256-" + base64.b64encode(hashlib.sha256(body.encode("utf-8")).digest()).decode() + "'"


def content_policy(scripts: list[str]) -> str:
    """The file's own Content-Security-Policy: its two scripts (by hash), inline styles (plotly.js
    sets them), MapLibre's worker (blob:, or data: when opened from a file, see page.js); nothing from any host."""
    return "; ".join([
        "default-src 'none'",
        "script-src " + " ".join(_hash(body) for body in scripts),
        "style-src 'unsafe-inline'",
        "img-src data: blob:",
        "worker-src blob: data:",
        "child-src blob: data:",
        "connect-src data: blob:",
        "base-uri 'none'",
        "form-action 'none'",
    ])


def render(values: dict, plotly: str | None = None) -> str:
    """The HTML file for the JSON block `values` (from `presentation_data`)."""
    lang = values["initial_lang"]
    words = values["langs"][lang]
    ui = words["ui"]
    scripts = [_inline_script(plotly if plotly is not None else plotly_js()),
               _inline_script((HERE / "page.js").read_text(encoding="utf-8"))]
    banners = []
    if values["own_file"]:
        banners.append('<p class="off-mark" data-word="own_file">' + html.escape(ui["own_file"]) + "</p>")
    if values["demo"]:
        banners.append('<p class="off-mark">' + html.escape(t("demo_banner", lang)) + "</p>")
    page = Template((HERE / "page.html").read_text(encoding="utf-8"))
    return page.substitute(
        lang=lang,
        csp=html.escape(content_policy(scripts), quote=False).replace('"', "&quot;"),
        title=html.escape(words["document_title"]),
        app_css=(ASSETS / "presentation.css").read_text(encoding="utf-8"),
        # The outline of the current MRC: the map's one colour (figures.FOCUS_COLOUR), also on the SVG map.
        own_css=f":root {{ --focus-colour: {FOCUS_COLOUR}; }}\n" + (HERE / "page.css").read_text(encoding="utf-8"),
        banners="\n".join(banners),
        **{f"w_{key}": html.escape(ui[key]) for key in _BAR_WORDS},
        data=script_json(values),
        plotly=scripts[0],
        page_js=scripts[1],
    )


def presentation_html(region: str, data: Dataset | None = None, lang: str = "fr", own_file: OwnFile | None = None,
                      today: date | None = None, plotly: str | None = None) -> str:
    """The whole offline presentation of `region` (a code « 01 »…« 17 ») from `data` (the public data
    by default, or a coordinator's validated file with `own_file` naming it), opening in `lang`."""
    code = slides.clean_region(region)
    if code is None or "," in str(region):
        raise ValueError(f"unknown region {region!r}: expected a code from 01 to 17")
    return render(presentation_data(code, data or current(), lang, own_file, today), plotly)


def dataset_from_projects(projects: pd.DataFrame) -> Dataset:
    """A coordinator's validated projects (data.importer's `ImportResult.projects`) as the app's Dataset,
    with the public envelopes (as components/own_file/upload.py does for the dashboard)."""
    return Dataset(prepare_for_map(projects), current().envelopes, demo=False)


def file_name(region: str, lang: str = "fr") -> str:
    """« presentation-14-lanaudiere.html »: the region's code and name, safe on any USB key's file system."""
    from geo.names import slugify

    name = str(layers.territories("region").region_name[region])
    return f"presentation-{region}-{slugify(name)}{'-en' if lang == 'en' else ''}.html"
