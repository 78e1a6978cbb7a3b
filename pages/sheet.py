"""« Fiche d'une page »: one printable sheet per region (/fiche/region/<code>) or MRC (/fiche/mrc/<mrc_id>).

For a coordinator who prints her territory for an assembly: its name, Alliance and mandataire, a
row of key figures, a small map, the known envelopes by cycle, the priorities of its projects, the
projects with the largest known amounts and a dated source line — on ONE page, in US Letter and in
A4 (assets/sheet.css). Everything longer is cut to a few rows with « et N autres … » and a pointer to
the territory page (/region/<code>, /mrc/<mrc_id>), which lists every row with its source.

The figures are those of the territory page: the same `metrics.aggregate` on the same prepared
table (`components.dataset`), the same envelope rows, the same rule for multi-MRC projects
(counted in the region, never in an MRC), the old plan's projects (`data.metrics.SEPARATE_CYCLES`)
left out as on the map with no cycle chosen (a note says how many, the territory page lists them).
Envelope rows are listed one by one, never added up.

The map is an SVG drawn here from the built, simplified layers (projected to Québec Lambert,
EPSG:32198) and put in the page as a data: URI image: vector lines that print sharp at any size,
nothing to fetch, no script to wait for before printing.

An unknown code or id gives a short « territoire inconnu » page, never an error.
"""
from __future__ import annotations

import base64
import json
import math
from functools import lru_cache
from typing import NamedTuple

import dash
import geopandas as gpd
import pandas as pd
import shapely
from dash import Input, Output, State, callback, clientside_callback, dcc, html, no_update

from components import dataset, ids
from components.document import (
    COMMON,
    SITE_TITLE,
    data_as_of,
    kind_label,
    level_label,
    source_link,
    title_lang,
)
from components.i18n import clean_lang, money_cents, number, plural, t, text
from components.own_file import own_data
from components.territory.facts import (
    LEVEL_ORDER,
    alliance_name,
    amount_text,
    mrc_names,
    ordinal,
    quoted_segment,
    rank_among,
    reference_labels,
    resolve,
    years_text,
)
from components.territory.measures import envelope_facts, rank_phrase
from components.territory.measures import tr as measure_text
from components.territory.projects import counted_mask, split_old_plan, territory_projects, theme_counts
from components.territory.unknown import unknown_territory
from components.words.page_text import with_shared
from data import metrics
from data.periods import period_text
from geo import layers
from geo.lookup import find_mrc, find_region
from texts.catalogs import Messages

REGION_PATH_TEMPLATE = "/fiche/region/<code>"
MRC_PATH_TEMPLATE = "/fiche/mrc/<mrc_id>"
PRINT_BUTTON = "sheet-print"  # component id (prefix « sheet- »: never meets another page's ids)
SOURCE = "sheet-source"       # « Données publiques / Mon fichier » (components/own_file/own_data.py)
OWN_MARK = "sheet-own-mark"   # « Données : votre fichier, non publiées », printed with her data
BODY = "sheet-body"           # the sheet itself, drawn again when the data choice changes
SHEET = "sheet-territory"     # {"level", "id"} of the sheet shown

# The most rows a sheet lists; fewer when their text runs long (see « fitting one page » below).
MAX_ENVELOPES = 6
MAX_PROJECTS = 8
MAX_THEMES = 5

MAP_CRS = "EPSG:32198"  # NAD83 / Québec Lambert: conformal, metres, made for maps of Québec
MAP_SIZE = 1000  # SVG user units across the square map, printed MAP_MM wide
MAP_PAD = 0.06  # share of the view left around a region
MRC_ZOOM = 2.4  # an MRC is shown with this much of its surroundings (its width × MRC_ZOOM)
MRC_MIN_VIEW_M = 30_000  # never closer than 30 km across, so a small city-MRC keeps its neighbours

_TEXT = with_shared(Messages("sheet"))


def _t(key: str, lang: str, **values) -> str:
    return text(_TEXT, key, lang, **values)


def _lang_query(lang: str) -> str:
    return "?lang=en" if lang == "en" else ""


# ---------------------------------------------------------------- pure data choices (tested as functions)

def sheet_envelopes(rows: pd.DataFrame) -> pd.DataFrame:
    """Envelope rows in the sheet's order: newest cycle first; inside a cycle the widest territory
    first, an envelope before the other kinds, then the newest publication. The first rows are the
    ones a coordinator looks for (the Alliance's current envelope); the rest stay on the territory page."""
    cycles = list(reference_labels("cycles", "fr").index)
    newest_first = {cycle: -i for i, cycle in enumerate(cycles)}
    ordered = rows.assign(_cycle=rows.cycle.map(newest_first).fillna(1),
                          _level=rows.territory_level.map(LEVEL_ORDER).fillna(9),
                          _kind=rows.kind != "envelope",
                          _date=rows.source_date.fillna("").astype(str))  # ISO dates sort as text
    return ordered.sort_values(["_cycle", "_level", "_kind", "_date", "envelope_id"],
                               ascending=[True, True, True, False, True], kind="stable").drop(
        columns=["_cycle", "_level", "_kind", "_date"])


def sheet_projects(projects: pd.DataFrame) -> pd.DataFrame:
    """Projects by known FQIS amount, largest first; those of unknown amount after, by title."""
    return projects.assign(_missing=projects.amount_fqis.isna()).sort_values(
        ["_missing", "amount_fqis", "title"], ascending=[True, False, True], kind="stable").drop(columns="_missing")


def region_alliances(region_id: str) -> list[str]:
    """The Alliances on today's map whose territory is this region (three in region 10, two in 11)."""
    alliances = layers.territories("alliance")
    mapped = alliances.mapped.astype(str).str.lower() == "true"
    return list(alliances.index[(alliances.region_code == region_id) & mapped])


def region_envelope_rows(envelopes: pd.DataFrame, region_id: str) -> pd.DataFrame:
    """The rows the region page lists: the region's own, its sub-regions' and MRC's, and its Alliances'."""
    return envelopes[(envelopes.region_code == region_id) | envelopes.alliance_id.isin(region_alliances(region_id))]


# ---------------------------------------------------------------- the map (SVG drawn from the built layers)

@lru_cache(maxsize=None)
def projected(level: str) -> gpd.GeoSeries:
    """The simplified browser layer of `level`, indexed by territory id, in Québec Lambert metres."""
    features = json.loads(layers.layer_path(level).read_text(encoding="utf-8"))["features"]
    shapes = [shapely.geometry.shape(f["geometry"]) for f in features]
    return gpd.GeoSeries(shapes, index=[str(f["id"]) for f in features], crs="EPSG:4326").to_crs(MAP_CRS)


def _view(bounds, zoom: float, minimum: float) -> tuple[float, float, float]:
    """(left, top, size in metres) of a square view centred on `bounds`."""
    minx, miny, maxx, maxy = bounds
    size = max(max(maxx - minx, maxy - miny) * zoom, minimum)
    return (minx + maxx - size) / 2, (miny + maxy + size) / 2, size


def _path(geometry, left: float, top: float, scale: float) -> str:
    """SVG path data of a (multi)polygon, in whole map units (y grows downwards)."""
    parts = []
    for polygon in getattr(geometry, "geoms", [geometry]):
        if polygon.geom_type != "Polygon" or polygon.is_empty:
            continue
        for ring in (polygon.exterior, *polygon.interiors):
            xy = shapely.get_coordinates(ring)
            if len(xy) < 3:
                continue
            points = " ".join(f"{(x - left) * scale:.0f} {(top - y) * scale:.0f}" for x, y in xy[:-1])
            parts.append(f"M{points}Z")
    return "".join(parts)


def _nice_length(metres: float) -> float:
    """The largest 1, 2 or 5 × 10^k metres not above `metres`."""
    power = 10 ** math.floor(math.log10(metres))
    return max(step * power for step in (1, 2, 5) if step * power <= metres)


def map_svg(level: str, territory_id: str) -> str:
    """A square SVG map of one region (its MRC) or one MRC (in its region), with neighbours and a scale bar.

    Black on white with greys only, so it prints the same on any printer.
    """
    mrc = projected("mrc")
    regions = projected("region")
    table = layers.territories("mrc")
    if level == "region":
        region_id = territory_id
        left, top, size = _view(regions[region_id].bounds, 1 + 2 * MAP_PAD, 0)
    else:
        region_id = str(table.region_code[territory_id])
        left, top, size = _view(mrc[territory_id].bounds, MRC_ZOOM, MRC_MIN_VIEW_M)
    scale = MAP_SIZE / size
    box = shapely.box(left, top - size, left + size, top)
    tolerance = size / MAP_SIZE  # one map unit, 0.05 mm on paper: finer than a printer's dot

    def shape(geometry) -> str:
        if not geometry.intersects(box):
            return ""
        clipped = shapely.clip_by_rect(geometry, left, top - size, left + size, top)
        return _path(shapely.simplify(clipped, tolerance), left, top, scale)

    in_region = set(table.index[table.region_code == region_id])
    layers_svg = []
    for mrc_id, geometry in mrc.items():
        if mrc_id == territory_id:
            continue  # drawn last, on top
        style = "fill:#c8c8c8;stroke:#fff;stroke-width:2" if mrc_id in in_region else \
            "fill:#efefef;stroke:#fff;stroke-width:2"
        d = shape(geometry)
        if d:
            layers_svg.append(f'<path d="{d}" style="{style}"/>')
    for other_id, geometry in regions.items():  # region borders over the MRC fills, the region's own last
        d = shape(geometry) if other_id != region_id else ""
        if d:
            layers_svg.append(f'<path d="{d}" style="fill:none;stroke:#8c8c8c;stroke-width:2.5"/>')
    layers_svg.append(f'<path d="{shape(regions[region_id])}" style="fill:none;stroke:#000;stroke-width:4"/>')
    if level == "mrc":
        layers_svg.append(f'<path d="{shape(mrc[territory_id])}" style="fill:#3a3a3a;stroke:#000;stroke-width:3"/>')

    # Scale bar, bottom left, on a white band so it reads over any fill; its label is 9 pt on paper
    # (60 map units of MAP_SIZE across MAP_MM). Lambert's scale factor is within 1 % of 1 over
    # southern Québec and a few % off in the far north: good enough for a bar.
    length = _nice_length(size / 4)
    bar = length * scale
    label = f"{length / 1000:g} km"
    layers_svg.append(
        f'<g><rect x="14" y="{MAP_SIZE - 112}" width="{max(bar, 150) + 40:.1f}" height="98" style="fill:#fff;opacity:.85"/>'
        f'<path d="M34 {MAP_SIZE - 36}h{bar:.1f}" style="stroke:#000;stroke-width:6"/>'
        f'<path d="M34 {MAP_SIZE - 48}v24M{34 + bar:.1f} {MAP_SIZE - 48}v24" style="stroke:#000;stroke-width:4"/>'
        f'<text x="34" y="{MAP_SIZE - 58}" style="font:bold 60px Arial,\'Liberation Sans\',sans-serif;fill:#000">'
        f'{label}</text></g>')
    return (f'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 {MAP_SIZE} {MAP_SIZE}" '
            f'width="{MAP_SIZE}" height="{MAP_SIZE}" stroke-linejoin="round" fill-rule="evenodd">'
            f'<rect width="{MAP_SIZE}" height="{MAP_SIZE}" style="fill:#fff"/>'
            + "".join(layers_svg)
            + f'<rect width="{MAP_SIZE}" height="{MAP_SIZE}" style="fill:none;stroke:#000;stroke-width:3"/></svg>')


@lru_cache(maxsize=256)
def map_uri(level: str, territory_id: str) -> str:
    """The map as a data: URI (allowed by the page's Content-Security-Policy: img-src data:)."""
    return "data:image/svg+xml;base64," + base64.b64encode(map_svg(level, territory_id).encode()).decode("ascii")


# ---------------------------------------------------------------- fitting one page
# The sheet must print on one page. Its fixed parts are bounded, but table rows are not: a long
# title takes two lines. So each piece is built with an estimate of its printed height (Arial
# metrics, greedy word wrap, rounded up), and the tables take rows only while the estimate stays
# within the printable height. The estimate errs on the tall side; the browser tests print every
# territory with data in Letter and A4 and count the pages.

PT_MM = 25.4 / 72
PAGE_WIDTH_MM = 186.0  # A4 (210 mm) less 2 × 12 mm; Letter is wider (192 mm), so A4 wraps more
PAGE_HEIGHT_MM = 255.0  # Letter (279 mm) less 2 × 12 mm; A4 is taller (273 mm)
SAFETY_MM = 8.0  # what the estimate may miss (rounding, a word longer than its cell)
LINE = 1.25  # line height of the sheet's text (assets/sheet.css)
MAP_MM = 54.0
TOP_LEFT_MM = PAGE_WIDTH_MM - MAP_MM - 5  # the identity column beside the map
CSS_PX_MM = 25.4 / 96


def rule_mm(pt: float) -> float:
    """Printed thickness of a border `pt` points wide, never less than what Chromium lays out: it draws a
    border thinner than one CSS pixel one pixel wide (a 0.5 pt rule takes 0.26 mm, not 0.18 mm) and
    rounds wider ones down to whole pixels (so their width in points is an upper bound)."""
    return max(pt * PT_MM, CSS_PX_MM)


ROW_RULE_MM = rule_mm(0.5)  # the rule under each table row (assets/sheet.css)
HEAD_RULE_MM = rule_mm(1.0)  # the rule under the column headings, instead of a row's
ROW_PAD_MM = 1.4 + ROW_RULE_MM  # a table cell's padding above and below, and the rule under the row
GROUP_PAD_MM = 0.9 - 0.7  # a cycle's heading row has more padding above than a row (.sheet-group)
# A note right under a heading (« aucun … »): its 1.5 mm margin above meets the heading's 1.2 mm
# below, and the larger one is kept (adjacent margins collapse), so 0.3 mm more than _h2_mm counts.
NOTE_UNDER_H2_MM = 1.5 - 1.2
CELL_PAD_MM = 1.2  # padding at the right of a cell (2.5 mm for amounts)

# Advance widths of Arial (and of Liberation Sans and Helvetica, made to the same metrics), in
# thousandths of an em; any other character counts as 556 (lower case, digits) or 722 (capitals).
_ADVANCE = {ch: width for width, chars in (
    (191, "'"), (222, "ijl’"), (278, " \u00a0\u202f!,./:;I[\\]ftîïÎÏ·"), (333, "()-`r"), (500, "Jcksvxyzçÿ"),
    (584, "+<=>~"), (611, "FTZ"), (667, "&ABEKPSVXYÀÂÉÈÊË"), (722, "CDHNRUwÇÙÛÜ"), (778, "GOQÔ"), (833, "Mm"),
    (889, "%æ"), (944, "Wœ"), (1000, "Œ—…"), (1015, "@"),
) for ch in chars}
BOLD = 1.1  # bold Arial is at most this much wider


def text_mm(text: str, pt: float = 9.0, bold: bool = False) -> float:
    """Printed width of `text` in Arial at `pt` points."""
    em = sum(_ADVANCE.get(ch, 722 if ch.isupper() else 556) for ch in text) / 1000
    return em * pt * PT_MM * (BOLD if bold else 1.0)


def line_count(text: str, width_mm: float, pt: float = 9.0, bold: bool = False) -> int:
    """Lines `text` takes in a box `width_mm` wide, wrapped at spaces (a longer word is cut anywhere).

    The box is taken 3 % narrower than it is, so that a line that just fits is counted as wrapping.
    """
    width_mm *= 0.97
    space = text_mm(" ", pt, bold)
    lines, used = 1, 0.0
    for word in str(text).split():
        width = text_mm(word, pt, bold)
        if used and used + space + width > width_mm:
            lines, used = lines + 1, 0.0
        if width > width_mm:
            extra = math.ceil(width / width_mm) - 1
            lines, used = lines + extra, width - extra * width_mm
        else:
            used += (space if used else 0.0) + width
    return lines


def lines_mm(lines: int, pt: float = 9.0) -> float:
    return lines * pt * LINE * PT_MM


def _h2_mm(text_: str) -> float:
    """A section's heading: 4 mm above, 11.5 pt bold, its rule and the 1.2 mm below."""
    return 4 + lines_mm(line_count(text_, PAGE_WIDTH_MM, 11.5, True), 11.5) + 0.6 + 1.25 * PT_MM + 1.2


def _paragraph_mm(text_: str, pt: float = 9.0, width: float = PAGE_WIDTH_MM, above: float = 1.0) -> float:
    return above + lines_mm(line_count(text_, width, pt), pt)


class Column(NamedTuple):
    key: str  # its heading in _TEXT
    width_mm: float | None = None  # None: the width the other columns leave
    css: str | None = None
    clamp: bool = False  # on paper, two lines at most (assets/sheet.css)


class Cell(NamedTuple):
    text: str  # what the estimate measures
    content: object  # what the page shows


def _widths(columns: list[Column]) -> list[float]:
    rest = PAGE_WIDTH_MM - sum(c.width_mm or 0 for c in columns)
    return [c.width_mm or rest for c in columns]


def _row_mm(cells: list[Cell], columns: list[Column], bold: bool = False) -> float:
    lines = 1
    for cell, column, width in zip(cells, columns, _widths(columns)):
        usable = width - (2.5 if column.css == "num" else CELL_PAD_MM)
        n = line_count(cell.text, usable, 9.0, bold)
        lines = max(lines, min(n, 2) if column.clamp else n)
    return lines_mm(lines) + ROW_PAD_MM


def _table(columns: list[Column], lang: str, groups: list[tuple[str | None, list[list[Cell]]]], css: str) -> html.Div:
    """A table with fixed column widths; each group may have a heading row (a cycle)."""
    widths = _widths(columns)
    head = html.Thead(html.Tr([html.Th(_t(c.key, lang), scope="col", className=c.css,
                                       style={"width": f"{w:g}mm"} if c.width_mm else None)
                               for c, w in zip(columns, widths)]))
    bodies = []
    for heading, rows in groups:
        trs = [html.Tr(html.Th(heading, colSpan=len(columns), scope="rowgroup", className="sheet-group"))] \
            if heading else []
        trs += [html.Tr([html.Td(_clamped(cell.content) if column.clamp else cell.content, className=column.css)
                         for cell, column in zip(row, columns)]) for row in rows]
        bodies.append(html.Tbody(trs))
    # On a phone the table scrolls sideways in its box instead of squeezing its columns.
    return html.Div(html.Table([head, *bodies], className=f"sheet-table {css}"), className="sheet-table-wrap")


def _source(url, date, lang: str) -> Cell:
    """A row's source (methodology.source_link: its site and date), the date kept on one line."""
    link = source_link(url, date, lang)
    label = link.children if isinstance(link.children, str) else ""
    if isinstance(link, html.A) and isinstance(date, str) and date and label.endswith(", " + date):
        link.children = [label[: -len(date)], html.Span(date, className="nowrap")]
    return Cell(label, link)


def _clamped(content) -> html.Div:
    """A cell's content, cut to two lines on paper (assets/sheet.css); the whole text stays in the page."""
    return html.Div(content, className="sheet-clamp")


# ---------------------------------------------------------------- pieces of the sheet
# Each returns (component, estimated printed height in mm).

def _figure(label: str, value: str, note: str | None = None, key: str = "") -> tuple[html.Div, float]:
    inner = (TOP_LEFT_MM - 2 * 1.5) / 3 - 3.6 - 1.5 * PT_MM
    height = (lines_mm(line_count(label, inner)) + 13 * 1.15 * PT_MM
              + (lines_mm(line_count(note, inner)) if note else 0) + 2.2 + 1.5 * PT_MM)
    return html.Div([html.Dt(label), html.Dd(value, className="sheet-figure-value"),
                     html.Dd(note, className="sheet-figure-note") if note else None],
                    className="sheet-figure", **{"data-figure": key}), height


def rank_note(values: pd.Series, territory_id: str, peers: str, lang: str,
              measure: str = "per_capita") -> str:
    """« 2e sur 3 régions avec données, pour le montant connu par habitant » (1 = the highest); with a
    single territory ranked, « seule région avec données, … », never « 1er sur 1 régions »."""
    phrase = rank_phrase(values, territory_id, peers, measure, lang, short=True)  # under the measure's name
    rank, n = rank_among(values, territory_id)
    return _t("rank", lang, rank=phrase) if rank is not None and n > 1 else phrase


def _rank_all_figure(values: pd.Series, mrc_id: str, lang: str):
    """For an MRC: its rank by known amount per inhabitant among all the MRC/TE of Québec with data."""
    return _figure(_t("rank_all_mrc", lang), _rank_value(values, mrc_id, lang),
                   rank_note(values, mrc_id, "mrc", lang), "rank_all")


def _rank_value(values: pd.Series, territory_id: str, lang: str) -> str:
    """The short value of a rank figure: « 3e sur 56 », « seule », « — »."""
    rank, n = rank_among(values, territory_id)
    if rank is None:
        return "—"
    if n == 1:
        return _t("rank_only_value", lang)
    return _t("rank_value", lang, ordinal=ordinal(rank, lang, feminine=True), n=number(n, lang))


def _envelope_figures(agg: pd.DataFrame, territory_id: str, peers: str, lang: str) -> list[tuple[html.Div, float]]:
    """The third row of figures: the envelope of the cycle the map shows by default, per inhabitant
    with its rank, and the share of it the known projects document: the map's measure, named as such."""
    env = envelope_facts(agg, territory_id, peers, lang, short=True)
    if not env.known:
        return [_figure(measure_text("envelope_cycle", lang, cycle=env.cycle), "—",
                        measure_text("envelope_none", lang), "envelope")]
    return [_figure(measure_text("envelope_cycle", lang, cycle=env.cycle), env.envelope, key="envelope"),
            _figure(measure_text("envelope_per_capita", lang), env.per_capita, _t("rank", lang, rank=env.rank)
                    if rank_among(agg.envelope_per_capita, territory_id)[1] > 1 else env.rank, "envelope_per_capita"),
            _figure(_t("share", lang), env.share, _t("share_note", lang), "documented_share")]


def _top(kicker: list, name: str, alliance_ids: list[str], row: pd.Series, territory: pd.Series, rank: str, extra,
         map_figure: tuple[html.Figure, float], lang: str,
         envelope_figures: list[tuple[html.Div, float]] = ()) -> tuple[html.Div, float]:
    """Who (kicker, name, Alliance and mandataire) and how much (six figures), beside the map."""
    alliances = layers.territories("alliance")
    items, texts = [], []
    for a in alliance_ids:
        if a in alliances.index:
            mandataire = _t("mandataire", lang, name=alliances.at[a, "mandataire"])
            items.append(html.Li([html.Span(alliance_name(a, lang), className="sheet-alliance"), " — ", mandataire]))
            texts.append(f"{alliance_name(a, lang)} — {mandataire}")
    if not items:
        items, texts = [html.Li(_t("no_alliance", lang))], [_t("no_alliance", lang)]
    unknown = int(row.n_projects - row.n_with_amount)
    estimated = str(territory.get("population_estimated", "")).lower() == "true"
    figures = [
        _figure(_t("amount", lang), amount_text(row.amount, lang),
                _t("amount_note", lang, projects=plural("n_projects", row.n_with_amount, lang)) if row.n_with_amount else None, "amount"),
        _figure(_t("projects", lang), number(row.n_projects, lang),
                _t("projects_note", lang, n=number(unknown, lang)) if unknown else None, "projects"),
        _figure(_t("promoters", lang), number(row.n_promoters, lang), key="promoters"),
        _figure(_t("per_capita", lang), money_cents(row.per_capita, lang), rank, "per_capita"),
        _figure(_t("population", lang), number(territory.population_2021, lang),
                _t("estimated", lang) if estimated else None, "population"),
        extra,
        *envelope_figures,
    ]
    kicker_text = "".join(k if isinstance(k, str) else str(k.children) for k in kicker)
    left_mm = (lines_mm(line_count(kicker_text, TOP_LEFT_MM, 9.5), 9.5)
               + 20 * 1.1 * PT_MM * line_count(name, TOP_LEFT_MM, 20, True) + 2.1
               + sum(lines_mm(line_count(x, TOP_LEFT_MM, 9.5), 9.5) + 0.6 for x in texts) + 2.5
               + sum(max(h for _, h in figures[i:i + 3]) + 1.5 for i in range(0, len(figures), 3)) - 1.5)
    left = [html.P(kicker, className="sheet-kicker"), html.H1(name), html.Ul(items, className="sheet-alliances"),
            html.H2(_t("figures", lang), className="sheet-visually-hidden"),
            html.Dl([f for f, _ in figures], className="sheet-figures")]
    if pd.isna(row.amount):
        left.append(html.P(_t("no_data_note", lang), className="sheet-note"))
        left_mm += _paragraph_mm(_t("no_data_note", lang), width=TOP_LEFT_MM, above=1.5)
    figure, map_mm = map_figure
    return html.Div([html.Div(left, className="sheet-identity", id="fiche-chiffres"), figure],
                    className="sheet-top"), max(left_mm, map_mm)


def _map_figure(level: str, territory_id: str, name: str, caption: str, lang: str) -> tuple[html.Figure, float]:
    figure = html.Figure([html.Img(src=map_uri(level, territory_id), alt=_t("map_alt", lang, name=name),
                                   className="sheet-map-image"),
                          html.Figcaption(caption)], className="sheet-map", id="fiche-carte")
    return figure, MAP_MM + _paragraph_mm(caption, width=MAP_MM)


ENVELOPE_COLUMNS = [Column("col_territory", 44, clamp=True), Column("col_kind", 27), Column("col_amount", 26, "num"),
                    Column("col_period", 36, clamp=True), Column("col_source", None, "sheet-source-cell")]


def _envelopes(rows: pd.DataFrame, lang: str, page_path: str, empty: str, own_level: str,
               budget_mm: float) -> tuple[html.Section, float]:
    """Envelope rows by cycle, newest first, as many as fit in `budget_mm` (at most MAX_ENVELOPES).

    The level is named when it is not the sheet's own (a region sheet lists its MRC's amounts too).
    """
    title = _t("envelopes", lang)
    children: list = [html.H2(title)]
    height = _h2_mm(title)
    if not len(rows):
        children.append(html.P(empty, className="sheet-note"))
        return html.Section(children, className="sheet-section", id="fiche-enveloppes"), \
            height + _paragraph_mm(empty, above=NOTE_UNDER_H2_MM)
    ordered = sheet_envelopes(rows)
    cycles = reference_labels("cycles", lang)
    note_worst = _t("envelopes_more", lang, amounts=plural("other_amounts", len(ordered), lang), path=page_path) + " " \
        + _t("envelopes_rule", lang)
    height += _row_mm([Cell(_t(c.key, lang), None) for c in ENVELOPE_COLUMNS], ENVELOPE_COLUMNS, bold=True) \
        + HEAD_RULE_MM - ROW_RULE_MM + _paragraph_mm(note_worst)
    groups: list[tuple[str, list[list[Cell]]]] = []
    for row in ordered.head(MAX_ENVELOPES).itertuples():
        # An Alliance's rows name it (« Alliance pour la solidarité… »): on a region sheet they are its own.
        own = (own_level, "alliance") if own_level == "region" else (own_level,)
        level = "" if row.territory_level in own else " · " + level_label(row.territory_level, lang)
        period = period_text(row.period, lang) or "—"
        cells = [Cell(row.territory_name + level,
                      [row.territory_name, html.Span(level, className="sheet-level") if level else None]),
                 Cell(kind_label(row.kind, lang), kind_label(row.kind, lang)),
                 Cell(amount_text(row.amount, lang), amount_text(row.amount, lang)),
                 Cell(period, period), _source(row.source_url, row.source_date, lang)]
        cycle = str(cycles.get(row.cycle, row.cycle))
        new_group = not groups or groups[-1][0] != cycle
        needed = _row_mm(cells, ENVELOPE_COLUMNS) + (lines_mm(1) + ROW_PAD_MM + GROUP_PAD_MM if new_group else 0)
        if groups and height + needed > budget_mm:
            break
        height += needed
        if new_group:
            groups.append((cycle, []))
        groups[-1][1].append(cells)
    children.append(_table(ENVELOPE_COLUMNS, lang, groups, "sheet-envelopes"))
    more = len(ordered) - sum(len(g[1]) for g in groups)
    notes = ([_t("envelopes_more", lang, amounts=plural("other_amounts", more, lang), path=page_path)] if more else []) \
        + [_t("envelopes_rule", lang)]
    children.append(html.P(" ".join(notes), className="sheet-more"))
    return html.Section(children, className="sheet-section", id="fiche-enveloppes"), height


def _priorities(projects: pd.DataFrame, lang: str) -> tuple[html.Section, float]:
    title = [_t("priorities", lang), " ", html.Span(_t("priorities_rule", lang), className="sheet-h2-note")]
    children: list = [html.H2(title)]
    height = _h2_mm(_t("priorities", lang) + " " + _t("priorities_rule", lang))
    counts = theme_counts(projects, lang)
    if not counts:
        children.append(html.P(_t("priorities_none", lang), className="sheet-note"))
        return html.Section(children, className="sheet-section", id="fiche-priorites"), \
            height + _paragraph_mm(_t("priorities_none", lang), above=NOTE_UNDER_H2_MM)
    stated = [c for c in counts if c[0]]
    unstated = [c for c in counts if not c[0]]
    shown = stated[:MAX_THEMES]
    separator = " : " if lang == "fr" else ": "
    items, texts = [], []
    for theme, label, n in shown + unstated:
        count = plural("n_projects", n, lang)
        items.append(html.Li([html.Span(label, className="sheet-theme"), separator, count],
                             **{"data-theme": theme or "none"}))
        texts.append(label + separator + count)
    if len(stated) > len(shown):
        more = _t("themes_more", lang, themes=plural("other_themes", len(stated) - len(shown), lang))
        items.insert(len(shown), html.Li(more))
        texts.insert(len(shown), more)
    lines, used = 1, 0.0  # items side by side, 5 mm apart, wrapping as a whole, 0.5 mm between lines
    for item in texts:
        width = text_mm(item, 9.5, bold=True) + 5
        if used and used + width > PAGE_WIDTH_MM:
            lines, used = lines + 1, 0.0
        used += width
    children.append(html.Ul(items, className="sheet-themes"))
    height += lines_mm(lines, 9.5) + 0.5 * (lines - 1)
    return html.Section(children, className="sheet-section", id="fiche-priorites"), height


def project_columns(with_mrc: bool, with_years: bool) -> list[Column]:
    return ([Column("col_title", 56 if with_mrc else 66, clamp=True),
             Column("col_promoter", 40 if with_mrc else 50, clamp=True)]
            + ([Column("col_mrc", 23, clamp=True)] if with_mrc else [])
            + [Column("col_fqis", 24, "num")]
            + ([Column("col_years", 15, "nowrap")] if with_years else [])
            + [Column("col_source", None, "sheet-source-cell")])


def _project_cells(row, lang: str, with_mrc: bool, with_years: bool) -> list[Cell]:
    promoter = row.promoter if isinstance(row.promoter, str) and row.promoter else "—"
    amount = amount_text(row.amount_fqis, lang)
    cells = [Cell(row.title, row.title), Cell(promoter, promoter)]
    if with_mrc:
        names = mrc_names(row.mrc_ids, lang)
        cells.append(Cell(names, names))
    cells.append(Cell(amount, amount))
    if with_years:
        years = years_text(row.start_year, row.end_year)
        cells.append(Cell(years, years))
    return cells + [_source(row.source_url, row.source_date, lang)]


def _projects_chrome_mm(n_projects: int, lang: str, page_path: str, extra: str | None) -> float:
    """Heading, column headings and the notes under the table (the longest they can be)."""
    title = _t("projects_title", lang)
    height = _h2_mm(title) + lines_mm(1) + ROW_PAD_MM + HEAD_RULE_MM - ROW_RULE_MM
    if n_projects:
        height += _paragraph_mm(_t("projects_more", lang, projects=plural("other_projects", n_projects, lang), path=page_path))
    return height + (_paragraph_mm(extra) if extra else 0)


def _projects(projects: pd.DataFrame, lang: str, page_path: str, with_mrc: bool, budget_mm: float,
              extra: str | None = None, none: str | None = None) -> tuple[html.Section, float]:
    """The projects with the largest known amounts, as many as fit in `budget_mm` (at most MAX_PROJECTS);
    `none`: the sentence when there is none (« Aucun projet connu… » by default)."""
    title = _t("projects_title", lang)
    children: list = [html.H2(title)]
    height = _projects_chrome_mm(len(projects), lang, page_path, extra)
    if not len(projects):
        none = none or _t("projects_none", lang)
        children.append(html.P(none, className="sheet-note"))
        height += _paragraph_mm(none, above=NOTE_UNDER_H2_MM)
    else:
        ordered = sheet_projects(projects)
        candidates = ordered.head(MAX_PROJECTS)
        # Years are often unknown: their column is left out when none of the candidate rows has any.
        with_years = bool(candidates.start_year.notna().any() or candidates.end_year.notna().any())
        columns = project_columns(with_mrc, with_years)
        rows = []
        for row in candidates.itertuples():
            cells = _project_cells(row, lang, with_mrc, with_years)
            needed = _row_mm(cells, columns)
            if rows and height + needed > budget_mm:
                break
            height += needed
            rows.append(cells)
        children.append(_table(columns, lang, [(None, rows)], "sheet-projects"))
        more = len(ordered) - len(rows)
        if more:
            children.append(html.P(_t("projects_more", lang, projects=plural("other_projects", more, lang), path=page_path),
                                   className="sheet-more"))
    if extra:
        children.append(html.P(extra, className="sheet-more"))
    return html.Section(children, className="sheet-section", id="fiche-projets"), height


def _projects_reserve_mm(projects: pd.DataFrame, lang: str, page_path: str, with_mrc: bool,
                         extra: str | None, rows: int = 4, none: str | None = None) -> float:
    """Room kept for the projects while the envelopes take theirs: the chrome and the first `rows` rows
    (or, with no project, the sentence `none` that says so)."""
    if not len(projects):
        return _projects_chrome_mm(0, lang, page_path, extra) + _paragraph_mm(none or _t("projects_none", lang),
                                                                               above=NOTE_UNDER_H2_MM)
    head = sheet_projects(projects).head(MAX_PROJECTS)
    with_years = bool(head.start_year.notna().any() or head.end_year.notna().any())
    columns = project_columns(with_mrc, with_years)
    return _projects_chrome_mm(len(projects), lang, page_path, extra) + sum(
        _row_mm(_project_cells(row, lang, with_mrc, with_years), columns) for row in head.head(rows).itertuples())


def _source_line(lang: str, page_path: str) -> tuple[html.Div, float]:
    line = _t("source_line", lang, site=_t("site", lang), path=page_path, date=data_as_of() or _t("no_date", lang))
    attribution = " · ".join(layers.attribution_lines(lang=lang))
    height = 4 + 1.2 + PT_MM + _paragraph_mm(line, above=0.8) + _paragraph_mm(attribution, above=0.8)
    return html.Div([html.P(line), html.P(attribution)], className="sheet-source"), height


def _assemble(top, envelopes_rows: pd.DataFrame, projects: pd.DataFrame, lang: str, page_path: str,
              own_level: str, empty_envelopes: str, extra: str | None, demo: bool,
              no_projects: str | None = None) -> tuple[list, float]:
    """The sheet's pieces, the tables cut so that the whole stays within one printed page."""
    priorities = _priorities(projects, lang)
    source = _source_line(lang, page_path)
    demo_mm = (3 + lines_mm(1, 9.5) + 3) if demo else 0
    room = PAGE_HEIGHT_MM - SAFETY_MM - top[1] - priorities[1] - source[1] - demo_mm
    with_mrc = own_level == "region"
    reserve = _projects_reserve_mm(projects, lang, page_path, with_mrc, extra, none=no_projects)
    envelopes = _envelopes(envelopes_rows, lang, page_path, empty_envelopes, own_level, room - reserve)
    project_section = _projects(projects, lang, page_path, with_mrc, room - envelopes[1], extra, no_projects)
    pieces = [top, envelopes, priorities, project_section, source]
    return [p for p, _ in pieces], demo_mm + sum(h for _, h in pieces)


def _frame(lang: str, path: str, page_path: str | None, children: list, demo: bool = False,
           estimate_mm: float | None = None, territory: tuple[str, str] | None = None) -> html.Div:
    """Screen-only bar (site, navigation, language, « Imprimer »), then the sheet itself.

    `path`: the sheet's own address (the language switch keeps it); `page_path`: the territory page.
    `estimate_mm`: the printed height the sheet was cut to (in `data-estimated-mm`, for the tests).
    `territory`: (level, id) of a sheet, which then offers « Mon fichier » when the session holds one.
    """
    other = "fr" if lang == "en" else "en"
    map_link = "/" + _lang_query(lang)
    nav = [html.A(text(COMMON, "map", lang), href=map_link)]
    if page_path:
        nav.append(html.A(_t("territory_page", lang), href=page_path + _lang_query(lang)))
    nav.append(html.A(text(COMMON, "language_switch", lang), href=path + _lang_query(other), lang=other,
                      className="lang-switch"))
    bar = [html.P(html.A(text({"site": SITE_TITLE}, "site", lang), href=map_link), className="site-name"),
           html.Nav(nav, **{"aria-label": text(COMMON, "nav", lang)})]
    if page_path:
        bar.append(html.Div([html.Button(_t("print", lang), id=PRINT_BUTTON, className="sheet-print", type="button",
                                         **{"aria-describedby": "sheet-print-help"}),
                             html.Span(_t("print_help", lang), id="sheet-print-help", className="sheet-print-help")],
                            className="sheet-print-box"))
    if territory:
        bar.append(own_data.switch(SOURCE, lang, "sheet-own-data"))
        bar.append(dcc.Store(id=SHEET, data={"level": territory[0], "id": territory[1]}))
        children = [html.P(id=OWN_MARK, className="sheet-own-mark", hidden=True), html.Div(children, id=BODY)]
    extra = {"data-estimated-mm": f"{estimate_mm:.1f}"} if estimate_mm is not None else {}
    return html.Div([
        html.A(text(COMMON, "skip", lang), href="#main", className="skip-link sheet-no-print"),
        html.Header(bar, className="sheet-bar sheet-no-print"),
        html.Main([
            html.Div(t("demo_banner", lang), className="sheet-demo", role="alert") if demo else None,
            *children,
        ], id="main", className="sheet-paper", **extra),
    ], className="page sheet", lang=lang)  # `.page[lang]`: assets/a11y.js copies the language to <html>


def _unknown(kind: str, value, lang: str) -> html.Div:
    path = f"/fiche/{kind}/{quoted_segment(value)}"
    return unknown_territory(kind, value, lang, region_path="/fiche/region/{code}",
                             choose_region=_t("choose_region", lang),
                             frame=lambda children: _frame(lang, path, None, children), list_css="sheet-region-list")


def _old_plan_note(old_plan: pd.DataFrame, lang: str, page_path: str) -> str | None:
    """« 9 projets de l'ancien plan 2010–2015, hors des totaux : voir … » (None when there is none)."""
    if not len(old_plan):
        return None
    return _t("old_plan", lang, projects=plural("old_plan_projects", len(old_plan), lang), path=page_path)


def _no_projects(old_plan: pd.DataFrame, lang: str) -> str | None:
    """With none but the old plan's: « Aucun projet connu … hors de l'ancien plan 2010–2015. »"""
    return _t("projects_none_old_plan", lang) if len(old_plan) else None


def _notes(*notes: str | None) -> str | None:
    """The sentences under the projects' table, as one paragraph (None when there is none)."""
    return " ".join(note for note in notes if note) or None


def _kicker(first: str, lang: str) -> list:
    return [first, html.Span(" · " + _t("sheet", lang))]


# ---------------------------------------------------------------- the two pages

def _sheet(level: str, asked: str, lang: str, find, body) -> html.Div:
    """The sheet of the territory of `level` that `asked` names (found by `find`, drawn by `body`), or
    the page that says it is unknown."""
    lang = clean_lang(lang)
    found = resolve(asked, find, layers.territories(level).index)
    if found is None:
        return _unknown(level, asked, lang)
    data = dataset.current()
    children, height = body(found, lang, data)
    return _frame(lang, f"/fiche/{level}/{found}", f"/{level}/{found}", children, data.demo, height, (level, found))


def region_sheet(code: str = "", lang: str = "fr", **_) -> html.Div:
    """/fiche/region/<code>: the one-page sheet of an administrative region."""
    return _sheet("region", code, lang, find_region, region_body)


def region_body(region_id: str, lang: str, data: dataset.Dataset) -> tuple[list, float]:
    """The sheet of region `region_id` from `data` (public, or her validated file), and its printed height."""
    region = layers.territories("region").loc[region_id]
    name = str(region.region_name)
    page_path = f"/region/{region_id}"
    counted = counted_mask(data.projects)  # every cycle but the old plan's, as on the map with no cycle chosen
    agg = metrics.aggregate(data.projects, "region", data.envelopes, mask=counted)
    row = agg.loc[region_id]
    regional = metrics.unattributed_by_region(data.projects, counted)
    if region_id in regional.index:
        at_region = regional.loc[region_id]
        regional_figure = _figure(_t("regional", lang), amount_text(at_region.amount, lang),
                                  plural("counted_in_no_mrc", at_region.n_projects, lang), "regional")
    else:
        regional_figure = _figure(_t("regional", lang), "—", _t("regional_none", lang), "regional")
    projects, old_plan = split_old_plan(territory_projects(data.projects, "region", region_id))
    n_mrc = int((layers.territories("mrc").region_code == region_id).sum())
    caption = _t("map_region", lang, n=number(n_mrc, lang), name=name) if n_mrc > 1 \
        else _t("map_region_one", lang, name=name)
    top = _top(_kicker(_t("region_kicker", lang, code=region_id), lang), name, region_alliances(region_id), row,
               region, rank_note(agg.per_capita, region_id, "regions", lang), regional_figure,
               _map_figure("region", region_id, name, caption, lang), lang,
               _envelope_figures(agg, region_id, "regions", lang))
    return _assemble(top, region_envelope_rows(data.envelopes, region_id), projects, lang, page_path,
                     "region", _t("envelopes_none", lang), _old_plan_note(old_plan, lang, page_path), data.demo,
                     _no_projects(old_plan, lang))


def mrc_sheet(mrc_id: str = "", lang: str = "fr", **_) -> html.Div:
    """/fiche/mrc/<mrc_id>: the one-page sheet of an MRC or equivalent territory."""
    return _sheet("mrc", mrc_id, lang, find_mrc, mrc_body)


def mrc_body(found: str, lang: str, data: dataset.Dataset) -> tuple[list, float]:
    """The sheet of MRC `found` from `data` (public, or her validated file), and its printed height."""
    mrc = layers.territories("mrc")
    territory = mrc.loc[found]
    name = str(territory["name"])
    region_id = str(territory.region_code)
    region_name = str(territory.region_name)
    page_path = f"/mrc/{found}"
    counted = counted_mask(data.projects)  # every cycle but the old plan's, as on the map with no cycle chosen
    agg = metrics.aggregate(data.projects, "mrc", data.envelopes, mask=counted)
    row = agg.loc[found]
    peers = agg[agg.index.isin(mrc.index[mrc.region_code == region_id])]
    projects, old_plan = split_old_plan(territory_projects(data.projects, "mrc", found))
    serves = data.projects.multi_mrc & data.projects.mrc_ids.fillna("").str.split(";").map(lambda ids: found in ids)
    serves = serves.astype(bool).to_numpy()
    n_shared = int((serves & counted).sum())
    # The territory page lists the old plan's projects of the MRC and those shared with it: as many here.
    old_plan = pd.concat([old_plan, data.projects[serves & ~counted]])
    n_in_region = int((mrc.region_code == region_id).sum())
    alliance_ids = [territory.alliance_id] if isinstance(territory.alliance_id, str) and territory.alliance_id else []
    caption = _t("map_mrc", lang, name=name, region=region_name) if n_in_region > 1 \
        else _t("map_mrc_one", lang, name=name)
    kicker = _t("mrc_kicker", lang, type=territory.type or "MRC", region=region_name, code=region_id)
    top = _top(_kicker(kicker, lang), name, alliance_ids, row, territory,
               rank_note(peers.per_capita, found, "region_mrc", lang),
               _rank_all_figure(agg.per_capita, found, lang), _map_figure("mrc", found, name, caption, lang), lang,
               _envelope_figures(agg, found, "mrc", lang))
    return _assemble(top, data.envelopes[data.envelopes.mrc_id == found], projects, lang, page_path, "mrc",
                     _t("envelopes_mrc_none", lang, region=region_name),
                     _notes(_t("shared", lang, projects=plural("multi_mrc_projects", n_shared, lang)) if n_shared else None,
                            _old_plan_note(old_plan, lang, page_path)), data.demo, _no_projects(old_plan, lang))


def body_for(source, uploaded, territory, lang):
    """The sheet's body for the data chosen (her file validated again here); no_update if forged."""
    if not isinstance(territory, dict):
        return no_update
    level, territory_id = territory.get("level"), territory.get("id")
    known = layers.territories("region" if level == "region" else "mrc").index
    if level not in ("region", "mrc") or not isinstance(territory_id, str) or territory_id not in known:
        return no_update
    data, _ = own_data.chosen(source, uploaded)
    build = region_body if level == "region" else mrc_body
    return build(territory_id, clean_lang(lang), data)[0]


@callback(Output(BODY, "children"), Input(SOURCE, "value"), State(ids.UPLOADED, "data"), State(SHEET, "data"),
          State(f"{SOURCE}-lang", "data"), prevent_initial_call=True)
def on_source(source, uploaded, territory, lang):
    return body_for(source, uploaded, territory, lang)


own_data.register(SOURCE, OWN_MARK)


def region_title(code: str | None = None, lang: str | None = None, **_) -> str:
    regions = layers.territories("region")
    region_id = resolve(code, find_region, regions.index)
    lang = title_lang(lang)
    name = regions.at[region_id, "region_name"] if region_id else text(_TEXT, "unknown_title", lang)
    return text(_TEXT, "page_title", lang, name=name)


def mrc_title(mrc_id: str | None = None, lang: str | None = None, **_) -> str:
    mrc = layers.territories("mrc")
    found = resolve(mrc_id, find_mrc, mrc.index)
    lang = title_lang(lang)
    name = mrc.at[found, "name"] if found else text(_TEXT, "unknown_title", lang)
    return text(_TEXT, "page_title", lang, name=name)


# « Imprimer »: the browser's own print dialog (the button is hidden on paper by assets/sheet.css).
clientside_callback(
    "function (n) { if (n) { window.print(); } }",
    Input(PRINT_BUTTON, "n_clicks"),
    prevent_initial_call=True,
)


# Two pages in one module: the region sheet and the MRC sheet share every piece but their top.
dash.register_page(f"{__name__}.region", path_template=REGION_PATH_TEMPLATE, layout=region_sheet, title=region_title)
dash.register_page(f"{__name__}.mrc", path_template=MRC_PATH_TEMPLATE, layout=mrc_sheet, title=mrc_title)
