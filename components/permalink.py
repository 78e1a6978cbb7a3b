"""The whole view in the URL query, and back: short, readable, and safe to open.

Keys are those of the read-only API (`region`, `mrc`, `theme`, `mandataire`, `cycle`, `status`, `amount_min`,
`amount_max`, `q`, `link`, `lang`), plus `level`, `measure` and `sel` (the territory clicked on the map).
Defaults are left out, so the plain page has a plain URL. Lists are comma-separated.

Opening a URL never fails: what cannot be understood is dropped, the rest of the view is kept, and
the page says what was ignored.
"""
from __future__ import annotations

from dataclasses import replace
from urllib.parse import parse_qsl, urlencode

from components.state import AMOUNT_STEPS, View, view_from_inputs
from data.metrics import Filters

LIST_KEYS = {"region": "regions", "mrc": "mrcs", "theme": "themes", "mandataire": "alliances", "cycle": "cycles",
             "status": "statuses"}
KNOWN_KEYS = (*LIST_KEYS, "level", "measure", "amount_min", "amount_max", "q", "link", "lang", "sel")
EXPLICIT_LINKS = "explicit"  # link=explicit: only the projects whose source states their tie to the FQIS
MAX_QUERY = 4_000  # longer than any real view; anything longer is not read at all
# URL-safe characters kept readable in the query (ids are slugs; commas separate list items).
SAFE = ",-"


def _slider_position(amount: float | None, default: int) -> int | None:
    """Dollar bound → slider step; None if the amount is not one of the slider's steps."""
    if amount is None:
        return default
    for index, step in enumerate(AMOUNT_STEPS):
        if step is not None and float(step) == amount:
            return index
    return None


def view_to_query(view: View) -> str:
    """The view as a query string without the leading « ? »; empty for the default view."""
    default = View()
    pairs: list[tuple[str, str]] = []
    if view.level != default.level:
        pairs.append(("level", view.level))
    if view.measure != default.measure:
        pairs.append(("measure", view.measure))
    for key, attribute in LIST_KEYS.items():
        values = getattr(view.filters, attribute)
        if values:
            pairs.append((key, ",".join(values)))
    if view.filters.amount_min is not None:
        pairs.append(("amount_min", f"{view.filters.amount_min:g}"))
    if view.filters.amount_max is not None:
        pairs.append(("amount_max", f"{view.filters.amount_max:g}"))
    if view.filters.text:
        pairs.append(("q", view.filters.text))
    if view.filters.explicit_only:
        pairs.append(("link", EXPLICIT_LINKS))
    if view.selected:
        pairs.append(("sel", view.selected))
    if view.lang != default.lang:
        pairs.append(("lang", view.lang))
    return urlencode(pairs, safe=SAFE)


def _parse_amount(text: str) -> float | None:
    try:
        value = float(text)
    except ValueError:
        return None
    return value if value >= 0 and value == value and value != float("inf") else None


def view_from_query(query: str | dict) -> tuple[View, list[str]]:
    """(view, ignored): the view a URL describes, and the parameters that had to be dropped."""
    if isinstance(query, dict):
        pairs = [(str(k), str(v)) for k, v in query.items()]
    else:
        text = (query or "").lstrip("?")
        if len(text) > MAX_QUERY:
            return View(), ["(URL trop longue)"]
        pairs = parse_qsl(text, keep_blank_values=False)
    values: dict[str, str] = {}
    ignored: list[str] = []
    for key, value in pairs:
        if key in KNOWN_KEYS and key not in values:
            values[key] = value
        else:
            ignored.append(key[:40])
    lists = {attribute: [v for v in values.get(key, "").split(",") if v] for key, attribute in LIST_KEYS.items()}
    amount_min = _parse_amount(values["amount_min"]) if "amount_min" in values else None
    amount_max = _parse_amount(values["amount_max"]) if "amount_max" in values else None
    low = _slider_position(amount_min, 0)
    high = _slider_position(amount_max, len(AMOUNT_STEPS) - 1)
    if low is None:
        ignored.append("amount_min")
        low = 0
    if high is None:
        ignored.append("amount_max")
        high = len(AMOUNT_STEPS) - 1
    view = view_from_inputs(values.get("level"), values.get("measure"), lists["regions"], lists["mrcs"],
                            lists["themes"], lists["alliances"], lists["cycles"], [low, high],
                            values.get("q"), values.get("sel"), values.get("lang"),
                            explicit=values.get("link") == EXPLICIT_LINKS, statuses=lists["statuses"])
    # Whatever the cleaning dropped is reported too, so a shared link never fails silently.
    for key, attribute in LIST_KEYS.items():
        kept = set(getattr(view.filters, attribute))
        ignored += [f"{key}={v[:40]}" for v in lists[attribute] if v not in kept]
    if "link" in values and values["link"] != EXPLICIT_LINKS:
        ignored.append(f"link={values['link'][:40]}")
    for key, kept in (("level", view.level), ("measure", view.measure), ("lang", view.lang), ("sel", view.selected)):
        if key in values and values[key] != kept:
            ignored.append(f"{key}={values[key][:40]}")
    return view, ignored


def export_query(view: View) -> str:
    """Query for the API downloads: the view's effective filters (the clicked territory included)."""
    filters = view.effective_filters()
    flat = replace(view, selected=None, filters=filters, level=View.level, measure=View.measure)
    return view_to_query(flat)


def slider_value(filters: Filters) -> list[int]:
    """The amount slider's positions for `filters` (bounds always come from the slider's steps)."""
    low = _slider_position(filters.amount_min, 0)
    high = _slider_position(filters.amount_max, len(AMOUNT_STEPS) - 1)
    return [low or 0, len(AMOUNT_STEPS) - 1 if high is None else high]
