"""A link preview's picture follows the data version (issue #25): the picture cache is keyed by the
data's key (« public@N ») with the view, so a picture drawn from older data is never served for newer
— even one whose drawing ended after the new data's arrival had cleared the caches."""
from __future__ import annotations

from components import dataset
from components.state import View
from data import load
from tests.test_preview_flood import fresh_images  # noqa: F401  (fresh caches, drawing replaced by a counter)
from web import previews


def test_a_new_data_version_draws_the_view_again_from_the_new_data(fresh_images, monkeypatch):
    projects, envelopes = load.load_projects(), load.load_envelopes()
    before = dataset.from_frames(projects, envelopes, False, key=f"{dataset.PUBLIC_KEY}@1")
    # Version 2: the Alliances of one region published nothing more, another region's projects are gone.
    after = dataset.from_frames(projects[projects.region_code != "06"].reset_index(drop=True), envelopes, False,
                                key=f"{dataset.PUBLIC_KEY}@2")
    view = View(level="region", measure="count")
    monkeypatch.setattr(dataset, "current", lambda: before)
    old, own = previews.view_image(view, "robot-1")
    assert own and previews.view_image(view, "robot-1")[0] == old and len(fresh_images) == 1  # cached
    # The new version arrives; no listener ran (the drawing of version 1 ended after the caches were cleared).
    monkeypatch.setattr(dataset, "current", lambda: after)
    new, own = previews.view_image(view, "robot-2")
    assert own and new != old and len(fresh_images) == 2
    assert previews.view_image(view, "robot-2")[0] == new  # and the new picture is cached in its turn
