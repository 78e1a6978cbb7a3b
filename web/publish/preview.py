"""A submission's projects on her region's map: the server-drawn SVG of the first paint
(components/map/static_map.py through web.first_paint.map_markup), fitted to her Alliance's region."""
from __future__ import annotations

import pandas as pd

from components.dataset import Dataset, prepare_for_map
from components.map.bounds import view_bounds
from components.map.summary import compute
from components.state import View
from data import load, schema
from data.metrics import Filters
from publishing import territory

EMPTY = ""


def map_html(rows: list[dict], alliance: territory.Alliance, lang: str) -> str:
    """Her valid rows, amounts by MRC and points, on her region alone (no links: a preview, not the public map)."""
    from web.first_paint import EMBED_REGION_MARGIN, map_markup  # web.first_paint imports the pages lazily

    if not rows or not alliance.region_code:
        return EMPTY
    frame = pd.DataFrame.from_records([{c: r.get(c) for c in schema.PROJECT_COLUMNS} for r in rows],
                                      columns=list(schema.PROJECT_COLUMNS))
    for column in ("lon", "lat", "amount_fqis", "total_cost"):
        frame[column] = pd.to_numeric(frame[column], errors="coerce").astype(float)
    for column in ("start_year", "end_year"):
        frame[column] = pd.array([None if v is None else int(v) for v in frame[column]], dtype="Int64")
    frame["project_id"] = [f"preview-{i}" for i in range(len(frame))]
    projects = schema.validate(frame, schema.project_schema(), "preview")
    data = Dataset(prepare_for_map(projects), load.load_envelopes(), demo=False)
    view = View(level="mrc", measure="amount", filters=Filters(regions=(alliance.region_code,)), lang=lang)
    bounds = view_bounds(view)
    box = dict(zip(("west", "south", "east", "north"), bounds)) if bounds else None
    return map_markup(view, compute(view, data), class_name="publish-map fp-map", frame=box,
                      margin=EMBED_REGION_MARGIN, links=False)
