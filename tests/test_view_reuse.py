"""What a view computes from its filters alone is reused by the next views of the same filters
(components/map/summary.py), never across datasets, and never changed by a view that reuses it."""
from __future__ import annotations

import numpy as np
import pytest

from components import dataset
from components.map.summary import compute
from components.state import View
from data import load, metrics
from data.metrics import Filters
from data.synthetic import generate_projects


@pytest.fixture(scope="module")
def two_datasets():
    envelopes = load.load_envelopes()
    return (dataset.from_frames(generate_projects(900, seed=11), envelopes, True),
            dataset.from_frames(generate_projects(900, seed=12), envelopes, True))


def test_another_measure_reuses_the_projects_aggregation_and_points(two_datasets):
    data, _ = two_datasets
    filters = Filters(regions=("06",), themes=("logement",))
    amount = compute(View(level="mrc", measure="amount", filters=filters), data)
    count = compute(View(level="mrc", measure="count", filters=filters), data)
    assert count["agg"] is amount["agg"] and count["mask"] is amount["mask"] and count["points"] is amount["points"]
    other_level = compute(View(level="region", measure="amount", filters=filters), data)
    assert other_level["mask"] is amount["mask"] and other_level["agg"] is not amount["agg"]
    english = compute(View(level="mrc", measure="amount", filters=filters, lang="en"), data)
    assert english["points"] is not amount["points"]  # hover texts are written in each language


def test_what_is_shared_cannot_be_changed_in_place(two_datasets):
    data, _ = two_datasets
    mask = compute(View(filters=Filters(regions=("05",))), data)["mask"]
    with pytest.raises(ValueError):
        mask[0] = not mask[0]


def test_another_dataset_never_reads_the_first_ones_results(two_datasets):
    first, second = two_datasets
    view = View(level="mrc", measure="amount", filters=Filters(regions=("06",)))
    a, b = compute(view, first), compute(view, second)
    assert a["agg"] is not b["agg"]
    for data, result in ((first, a), (second, b)):  # each equals a fresh computation on its own data
        fresh = metrics.filter_mask(data.projects, view.effective_filters())
        np.testing.assert_array_equal(result["mask"], fresh)
        assert result["n_projects"] == int(fresh.sum())
        expected = metrics.aggregate(data.projects, "mrc", data.envelopes, mask=fresh)
        np.testing.assert_allclose(result["agg"].amount.to_numpy(dtype=float),
                                   expected.amount.to_numpy(dtype=float), equal_nan=True)
