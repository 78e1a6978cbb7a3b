"""The sentence above the map (what it shows, what is missing, the other views) and the frame buttons."""
from __future__ import annotations

import json

from components.map import heading, summary
from components.map.figures import MAP_FRAMES, cycle_label, measure_values
from components.i18n import plural
from components.permalink import view_from_query
from components.state import View
from data import metrics
from tests.test_presentation import _text


def test_the_default_sentence_counts_the_regions_with_an_envelope_of_the_cycle_shown():
    view = View()
    agg = summary.compute(view)["agg"]
    coloured = int(measure_values(agg, view.measure).notna().sum())
    shown = _text(heading.sentence(view, agg))
    cycle = cycle_label(agg.attrs["envelope_cycle"], "fr")
    expected = plural("territories_with_envelope", coloured, "fr", noun=plural("noun_region", coloured, "fr"),
                      total=17, cycle=cycle)
    assert expected in shown and coloured > 0
    assert "aucune donnée connue" in shown  # what is missing is said


def test_the_sentence_links_every_other_measure_and_keeps_the_rest_of_the_view():
    view, _ = view_from_query("region=14&lang=en")
    agg = summary.compute(view)["agg"]
    links = [a for a in _anchors(heading.sentence(view, agg))]
    measures = {view_from_query(a.href.split("?", 1)[1] if "?" in a.href else "")[0].measure for a in links}
    assert measures == set(metrics.MEASURES) - {view.measure}
    for a in links:
        other, ignored = view_from_query(a.href.split("?", 1)[1])
        assert ignored == [] and other.filters.regions == ("14",) and other.lang == "en"


def test_one_territory_with_data_is_singular():
    agg = summary.compute(View(measure="amount", level="mrc"))["agg"]
    one = agg.assign(amount=[1.0] + [float("nan")] * (len(agg) - 1))
    assert heading.coverage_sentence(one, "mrc", "amount", "fr") == "1 MRC sur 104 a une donnée connue"


def test_the_frame_buttons_carry_the_frames_and_the_first_is_pressed():
    group = heading.frame_buttons("fr")
    assert json.loads(group.to_plotly_json()["props"]["data-frames"]) == MAP_FRAMES
    pressed = [b.to_plotly_json()["props"]["aria-pressed"] for b in group.children]
    assert pressed == ["true", "false", "false"]
    assert [b.children for b in group.children] == ["Sud du Québec", "Grand Montréal", "Tout le Québec"]


def _anchors(component):
    from dash import html
    if isinstance(component, html.A):
        yield component
    children = component if isinstance(component, list) else getattr(component, "children", None)
    for child in children if isinstance(children, (list, tuple)) else [children]:
        if child is not None and not isinstance(child, str):
            yield from _anchors(child)
