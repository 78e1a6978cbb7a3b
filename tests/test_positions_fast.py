"""Where each project is drawn (figures.project_positions): read from the positions the data's
preparation gave it, the same floats as when the columns are factorized again."""
from __future__ import annotations

import numpy as np
import pandas as pd

from components.map.figures import project_positions
from data import metrics
from data.synthetic import generate_projects
from geo import layers


def test_positions_from_the_prepared_codes_equal_the_factorized_ones():
    prepared = metrics.prepare_projects(generate_projects(2_500, seed=5)).set_index("project_id", drop=False)
    mrc, regions = layers.territories("mrc"), layers.territories("region")
    fast = project_positions(prepared, mrc, regions)
    plain = project_positions(prepared.drop(columns=["mrc_pos", "region_pos"]), mrc, regions)
    np.testing.assert_array_equal(fast.lon.to_numpy(), plain.lon.to_numpy())
    np.testing.assert_array_equal(fast.lat.to_numpy(), plain.lat.to_numpy())
    pd.testing.assert_series_equal(fast.precision, plain.precision)
