"""The garbage collector and start-up (app.py): what start-up made is out of the collector's reach,
and nothing is kept alive by that."""
from __future__ import annotations

import gc
import weakref

import app  # noqa: F401  (the module under test: imported by conftest.py too)
from components import dataset
from data import load
from data.synthetic import generate_projects


def test_start_up_objects_are_frozen_and_collection_is_back_on():
    assert gc.isenabled()
    # The modules, the Dash app and the data: far more than what later requests leave behind,
    # so a full collection no longer walks them (it took ≈ 150 ms over them before).
    assert gc.get_freeze_count() > 100_000


def test_a_replaced_dataset_is_freed_without_a_collection():
    """A reload replaces the Dataset: the old one must go by its reference count alone, since a
    frozen one that only a collection could free would stay for the life of the worker."""
    built = dataset.from_frames(generate_projects(300, seed=7), load.load_envelopes(), True)
    from components.state import View
    from pages.dashboard import view_outputs

    view_outputs.__wrapped__(built, View())  # what a view derives and keeps with the data, too
    gone, projects_gone = weakref.ref(built), weakref.ref(built.projects)
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        del built
        assert gone() is None and projects_gone() is None
    finally:
        if was_enabled:
            gc.enable()
