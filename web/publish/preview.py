"""A submission's projects on her region's map: the server-drawn SVG of the first paint
(components/map/static_map.py through web.first_paint.map_markup), fitted to her Alliance's region."""
from __future__ import annotations

from components.dataset import Dataset, _curated_envelopes, prepare_for_map
from components.map.bounds import view_bounds
from components.map.summary import compute
from components.state import View
from data.metrics import Filters
from publishing import dataset as published
from publishing import territory

EMPTY = ""


def map_html(rows: list[dict], alliance: territory.Alliance, lang: str) -> str:
    """Her valid rows, amounts by MRC and points, on her region alone (no links: a preview, not the public map)."""
    from web.first_paint import EMBED_REGION_MARGIN, map_markup  # web.first_paint imports the pages lazily

    if not rows or not alliance.region_code:
        return EMPTY
    projects = published.rows_frame([{**r, "project_id": f"preview-{i}"} for i, r in enumerate(rows)], "preview")
    data = Dataset(prepare_for_map(projects), _curated_envelopes(), demo=False)
    view = View(level="mrc", measure="amount", filters=Filters(regions=(alliance.region_code,)), lang=lang)
    bounds = view_bounds(view)
    box = dict(zip(("west", "south", "east", "north"), bounds)) if bounds else None
    return map_markup(view, compute(view, data), class_name="publish-map fp-map", frame=box,
                      margin=EMBED_REGION_MARGIN, links=False)
