"""Back and Forward on the map: the controls set for the address returned to (pages/dashboard)."""
from __future__ import annotations

from dash import no_update

from pages.dashboard import controls_for


def test_the_controls_follow_the_address_and_unknown_parts_are_dropped():
    level, measure, regions, mrcs, themes, alliances, cycles, amount, text, selected, explicit = controls_for(
        "measure=count&region=14,zz&q=loisirs&link=explicit", "mrc")
    assert (level, measure, regions, text, explicit) == ("region", "count", ["14"], "loisirs", ["explicit"])
    assert (mrcs, themes, alliances, cycles, selected) == ([], [], [], [], None)


def test_an_unchanged_level_is_left_alone_so_the_clicked_territory_stays():
    controls = controls_for("level=mrc&sel=joliette", "mrc")
    assert controls[0] is no_update and controls[9] == "joliette"
