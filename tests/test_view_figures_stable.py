"""The map shows the same figures as before the performance work (golden file of tests/view_figures.py).

Values, hover text, headline cards, sentence, ranking, territory table and notes of sixteen views
(twelve on the curated data, four on 3 000 synthetic projects) are compared with what the code
gave before any optimisation; a difference names the view and the path of the value."""
from __future__ import annotations

import gzip
import json

import pytest

from components.dataset import current
from tests import view_figures

GOLDEN = json.loads(gzip.decompress(view_figures.GOLDEN.read_bytes()))


@pytest.fixture(scope="module")
def synthetic():
    return view_figures.synthetic_dataset()


def test_the_golden_file_holds_every_view():
    assert set(GOLDEN) == set(view_figures._views()) | set(view_figures._synthetic_views())


@pytest.mark.parametrize("name", sorted(view_figures._views()))
def test_a_view_of_the_curated_data_is_unchanged(name):
    actual = view_figures.snapshot(view_figures._views()[name], current())
    assert view_figures.differences(GOLDEN[name], actual) == []


@pytest.mark.parametrize("name", sorted(view_figures._synthetic_views()))
def test_a_view_of_synthetic_projects_is_unchanged(name, synthetic):
    actual = view_figures.snapshot(view_figures._synthetic_views()[name], synthetic)
    assert view_figures.differences(GOLDEN[name], actual) == []


def test_the_comparison_sees_a_changed_hover_line():
    """The comparer itself: a changed character or a float off by more than rounding is a difference."""
    assert view_figures.differences({"a": ["x<br>1 234 $"]}, {"a": ["x<br>1 235 $"]})
    assert view_figures.differences({"z": [0.5]}, {"z": [0.5000001]})
    assert not view_figures.differences({"z": [0.5]}, {"z": [0.5 + 1e-14]})
