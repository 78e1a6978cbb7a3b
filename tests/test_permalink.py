"""The view in the URL: state → URL → state is the identity; bad URLs fall back with a notice."""
from __future__ import annotations

from hypothesis import given, settings, strategies as st

from components.permalink import export_query, view_from_query, view_to_query
from components.state import AMOUNT_STEPS, View, known_ids
from data import metrics
from data.metrics import Filters


def _ids(kind: str):
    return st.lists(st.sampled_from(sorted(known_ids()[kind])), unique=True, max_size=4).map(tuple)


@st.composite
def views(draw) -> View:
    level = draw(st.sampled_from(["mrc", "region", "alliance"]))
    low, high = sorted(draw(st.lists(st.integers(0, len(AMOUNT_STEPS) - 1), min_size=2, max_size=2)))
    text = draw(st.text(st.characters(codec="utf-8", exclude_categories=["Cs", "Cc", "Zs"]), max_size=30))
    words = draw(st.lists(st.sampled_from(["cuisine", "Éducation", "a&b=c", "50 %", "l'île", "#1", "+"]), max_size=3))
    text = " ".join([text, *words]).strip()[:100].strip()
    selectable = sorted(known_ids()["mapped_alliance" if level == "alliance" else level])
    return View(
        level=level,
        measure=draw(st.sampled_from(list(metrics.MEASURES))),
        filters=Filters(draw(_ids("region")), draw(_ids("mrc")), draw(_ids("theme")), draw(_ids("alliance")),
                        draw(_ids("cycle")), AMOUNT_STEPS[low] or None, AMOUNT_STEPS[high], text,
                        explicit_only=draw(st.booleans())),
        selected=draw(st.none() | st.sampled_from(selectable)),
        lang=draw(st.sampled_from(["fr", "en"])),
    )


@settings(max_examples=300, deadline=None)  # timing is not what this test checks
@given(views())
def test_state_to_url_to_state_is_the_identity(view):
    query = view_to_query(view)
    restored, ignored = view_from_query(query)
    assert restored == view and ignored == []
    assert len(query) < 2_000


def test_the_default_view_has_an_empty_query_and_urls_are_readable():
    assert view_to_query(View()) == ""
    view = View(level="mrc", filters=Filters(regions=("05", "06"), text="cuisine collective"), lang="en")
    assert view_to_query(view) == "level=mrc&region=05,06&q=cuisine+collective&lang=en"


@given(st.text(max_size=300))
def test_any_url_gives_a_view_never_an_error(query):
    view, ignored = view_from_query(query)
    assert isinstance(view, View) and isinstance(ignored, list)


def test_invalid_parts_are_dropped_and_named_while_the_rest_is_kept():
    view, ignored = view_from_query("region=05,99&level=planet&amount_min=123&theme=logement&utm_source=x")
    assert view.filters.regions == ("05",) and view.filters.themes == ("logement",)
    assert view.level == "region" and view.filters.amount_min is None
    assert set(ignored) == {"region=99", "level=planet", "amount_min", "utm_source"}
    assert view_from_query("q=" + "x" * 5000)[1] == ["(URL trop longue)"]


def test_explicit_links_only_is_one_short_key_and_the_bare_url_stays_the_default():
    view = View(measure="documented_share", filters=Filters(cycles=("pagieps-2017-2023",), explicit_only=True))
    assert view_to_query(view) == "measure=documented_share&cycle=pagieps-2017-2023&link=explicit"
    assert view_from_query("link=explicit")[0].filters.explicit_only
    assert view_from_query("")[0] == View() and not View().filters.explicit_only
    restored, ignored = view_from_query("link=maybe")
    assert not restored.filters.explicit_only and ignored == ["link=maybe"]
    assert "link=explicit" in export_query(View(filters=Filters(explicit_only=True)))


def test_downloads_carry_the_clicked_territory_as_a_filter():
    view = View(level="mrc", filters=Filters(themes=("logement",)), selected="sherbrooke")
    query = export_query(view)
    assert "mrc=sherbrooke" in query and "theme=logement" in query and "sel=" not in query
