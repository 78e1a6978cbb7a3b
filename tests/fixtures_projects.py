"""A tiny, hand-made project table whose totals can be worked out by hand in the tests."""
from __future__ import annotations

import numpy as np
import pandas as pd

from data.schema import PROJECT_COLUMNS, project_schema, validate


def project(**values) -> dict:
    row = {column: None for column in PROJECT_COLUMNS}
    row.update(location_precision="mrc", source_url="https://example.org/source", cycle="pagieps-2017-2023",
               fqis_link="explicit")
    row.update(values)
    return row


def small_projects() -> pd.DataFrame:
    rows = [
        project(project_id="a", title="Cuisine collective", promoter="Maison de la famille", region_code="01",
                mrc_ids="rimouski-neigette", amount_fqis=100_000, themes="securite-alimentaire"),
        project(project_id="b", title="Transport solidaire", promoter="Table de concertation", region_code="01",
                mrc_ids="rimouski-neigette;la-mitis", amount_fqis=50_000, themes="transport-mobilite"),
        project(project_id="c", title="Portrait régional", promoter="Table de concertation", region_code="01",
                mrc_ids=None, location_precision="region", amount_fqis=np.nan, themes="concertation-mobilisation"),
        project(project_id="d", title="Logement <b>abordable</b> à Montréal", promoter="Organisme <script>x</script>",
                region_code="06", mrc_ids="montreal", amount_fqis=30_000, themes="logement;inclusion-milieux-de-vie",
                cycle="plan-2024-2029", start_year=2024, end_year=2026),
        project(project_id="e", title="Halte-garderie", promoter="CPE Sherbrooke", region_code="05",
                mrc_ids="sherbrooke", amount_fqis=20_000, location_precision="point", lon=-71.89, lat=45.40,
                cycle="plan-2024-2029"),
    ]
    frame = pd.DataFrame(rows, columns=list(PROJECT_COLUMNS))
    return validate(frame, project_schema(), "fixture")
