"""The view a visitor is looking at, and the only door through which browser values enter.

Every value a callback receives can be forged: `view_from_inputs` keeps only known ids, known
levels and measures, bounded lists and bounded text, and falls back to defaults for the rest.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from data import metrics
from data.metrics import Filters
from data.schema import PROJECT_STATUSES, vocabulary
from geo import layers

MAX_CHOICES = 120  # more than the 104 MRC; anything longer is forged
MAX_TEXT = 100
# Steps of the amount slider (dollars); the last step means "no upper bound".
AMOUNT_STEPS = (0, 5_000, 10_000, 25_000, 50_000, 100_000, 250_000, 500_000, None)


@dataclass(frozen=True)
class View:
    level: str = "region"
    # The first map shows the most complete figures: envelopes per inhabitant (each envelope is the
    # whole amount a territory received), of the cycle with most envelopes known — 11 regions of 17
    # with today's files, checked by tests/test_state.py. Known projects document about 1 % of the
    # program: their measures are one click away, not the first picture.
    measure: str = "envelope_per_capita"
    filters: Filters = field(default_factory=Filters)
    selected: str | None = None  # a territory clicked on the map, of `level`
    lang: str = "fr"

    def effective_filters(self) -> Filters:
        """The filters with the clicked territory applied on top."""
        return self.filters.with_territory(self.level, self.selected) if self.selected else self.filters


@lru_cache(maxsize=None)
def known_ids() -> dict[str, frozenset[str]]:
    alliances = layers.territories("alliance")
    return {
        "mrc": frozenset(layers.territories("mrc").index),
        "region": frozenset(layers.territories("region").index),
        "alliance": frozenset(alliances.index),
        "mapped_alliance": frozenset(alliances.index[alliances.mapped.astype(str).str.lower() == "true"]),
        "theme": frozenset(vocabulary("themes")),
        "cycle": frozenset(vocabulary("cycles")),
        "status": frozenset(PROJECT_STATUSES),
    }


def clean_choices(value, kind: str) -> tuple[str, ...]:
    """A list of ids from the browser → the known ones, in order, without duplicates."""
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, (list, tuple)) or len(value) > MAX_CHOICES:
        return ()
    allowed = known_ids()[kind]
    seen: list[str] = []
    for item in value:
        if isinstance(item, str) and item in allowed and item not in seen:
            seen.append(item)
    return tuple(seen)


def clean_choice(value, allowed, default):
    return value if isinstance(value, str) and value in allowed else default


def clean_text(value) -> str:
    return value.strip()[:MAX_TEXT] if isinstance(value, str) else ""


def clean_amount_range(value) -> tuple[float | None, float | None]:
    """Slider positions [i, j] → dollar bounds; anything malformed → no bounds."""
    last = len(AMOUNT_STEPS) - 1
    if (not isinstance(value, (list, tuple)) or len(value) != 2
            or not all(isinstance(v, int) and not isinstance(v, bool) and 0 <= v <= last for v in value)):
        return None, None
    low, high = sorted(value)
    return (AMOUNT_STEPS[low] or None), AMOUNT_STEPS[high]


def clean_explicit(value) -> bool:
    """The « Seulement les liens explicites » checklist (["explicit"] when ticked), or the URL's and
    API's word `explicit`: anything else is unticked."""
    if isinstance(value, (list, tuple)):
        return "explicit" in value[:5]
    return value is True or value == "explicit"


def view_from_inputs(level=None, measure=None, regions=None, mrcs=None, themes=None, alliances=None,
                     cycles=None, amount=None, text=None, selected=None, lang=None, explicit=None,
                     statuses=None) -> View:
    level = clean_choice(level, metrics.LEVELS, View.level)
    amount_min, amount_max = clean_amount_range(amount)
    filters = Filters(
        regions=clean_choices(regions, "region"),
        mrcs=clean_choices(mrcs, "mrc"),
        themes=clean_choices(themes, "theme"),
        alliances=clean_choices(alliances, "alliance"),
        cycles=clean_choices(cycles, "cycle"),
        amount_min=amount_min,
        amount_max=amount_max,
        text=clean_text(text),
        explicit_only=clean_explicit(explicit),
        statuses=clean_choices(statuses, "status"),
    )
    selectable = known_ids()["mapped_alliance" if level == "alliance" else level]
    return View(
        level=level,
        measure=clean_choice(measure, metrics.MEASURES, View.measure),
        filters=filters,
        selected=selected if isinstance(selected, str) and selected in selectable else None,
        lang=clean_choice(lang, ("fr", "en"), "fr"),
    )


def toggle_selection(current, clicked, level) -> str | None:
    """Clicking a territory selects it; clicking the same one again clears the selection."""
    level = clean_choice(level, metrics.LEVELS, View.level)
    selectable = known_ids()["mapped_alliance" if level == "alliance" else level]
    if not isinstance(clicked, str) or clicked not in selectable:
        return current if isinstance(current, str) and current in selectable else None
    return None if clicked == current else clicked


def clicked_territory(click_data) -> str | None:
    """The territory id in Plotly's clickData, if the click was on a territory (not a point)."""
    try:
        point = click_data["points"][0]
    except (TypeError, KeyError, IndexError):
        return None
    if not isinstance(point, dict) or point.get("curveNumber") not in (0, 1):
        return None
    location = point.get("location")
    return location if isinstance(location, str) else None

