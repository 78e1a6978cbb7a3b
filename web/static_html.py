"""A Dash layout written as plain HTML, for the page's first paint (web/first_paint.py).

The map page's first paint is the page itself, drawn on the server, so a phone shows the map and
its figures before any script runs. Writing it from the very components the app renders keeps the
two identical (same classes, same words, same figures) and the takeover by the app seamless.

Only `dash.html` components are written as they are. Every other component (dcc's graphs,
dropdowns, sliders, stores…) is given to `replace`, which returns HTML to put in its place ("" to
drop it); the default draws an inert look-alike or nothing. No library renders Dash components on
the server (Dash renders them with React in the browser), hence this small walker.

Ids are dropped except those in `keep_ids`: while the app renders next to the first paint, an id
written twice would send the app's own scripts (the table's loader, the copy buttons) to the wrong
element. A label whose control the first paint writes under another id (`label_targets`: the app's id
→ the first paint's) points to that one. Everything written is escaped; attribute names come from
Dash's own prop names.

Controls the first paint cannot work without the app are marked `data-needs-app` with the app's id of
the control: a tap there loads the app (assets/first_paint.js), which then gives that control the focus.
"""
from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable, Mapping

from dash.development.base_component import Component

HTML_NAMESPACE = "dash_html_components"
# Props of dash.html components that are not HTML attributes (or are written another way).
_NOT_ATTRIBUTES = {"children", "n_clicks", "n_clicks_timestamp", "disable_n_clicks", "loading_state", "setProps",
                   "style", "className", "htmlFor", "id", "key"}
_RENAMED = {"className": "class", "htmlFor": "for", "tabIndex": "tabindex", "colSpan": "colspan",
            "rowSpan": "rowspan", "readOnly": "readonly", "maxLength": "maxlength", "autoComplete": "autocomplete"}
_VOID = {"br", "hr", "img", "input", "meta", "link", "wbr", "col", "area", "source"}
_SAFE_ATTRIBUTE = re.compile(r"^[a-zA-Z][a-zA-Z0-9_:.-]*$")

Replace = Callable[[Component], "str | None"]


def _css_name(name: str) -> str:
    """fontSize → font-size (Dash's style dicts use React's camelCase names)."""
    return re.sub(r"[A-Z]", lambda m: "-" + m.group(0).lower(), name)


def style_text(style: dict) -> str:
    return "; ".join(f"{_css_name(k)}: {v}" for k, v in style.items() if v is not None)


def attributes(props: dict, keep_ids: Iterable[str] = (), label_targets: Mapping[str, str] | None = None) -> str:
    """The HTML attributes of a dash.html component's props, escaped, in a stable order."""
    out = []
    keep_ids = set(keep_ids)
    label_targets = label_targets or {}
    if props.get("id") is not None and str(props["id"]) in keep_ids:
        out.append(("id", str(props["id"])))
    if props.get("className") is not None:
        out.append(("class", str(props["className"])))
    target = str(props["htmlFor"]) if props.get("htmlFor") is not None else None
    if target in label_targets:
        out.append(("for", label_targets[target]))
    elif target in keep_ids:  # else it names a dropped id
        out.append(("for", target))
    if props.get("style"):
        out.append(("style", style_text(props["style"])))
    for name, value in props.items():
        if name in _NOT_ATTRIBUTES or value is None or value is False or not _SAFE_ATTRIBUTE.match(name):
            continue
        out.append((_RENAMED.get(name, name), "" if value is True else str(value)))
    return "".join(f' {name}="{html.escape(value)}"' if value != "" or name.startswith(("aria-", "data-", "alt"))
                   else f" {name}" for name, value in out)


def render(node, replace: Replace | None = None, keep_ids: Iterable[str] = (),
           label_targets: Mapping[str, str] | None = None) -> str:
    """`node` (a component, a string, a number, a list of them, or None) as HTML. `replace` is asked
    first about every component: HTML it returns takes the component's place (None: written as usual)."""
    keep_ids = frozenset(keep_ids)
    if node is None or node is False:
        return ""
    if isinstance(node, (list, tuple)):
        return "".join(render(child, replace, keep_ids, label_targets) for child in node)
    if isinstance(node, Component):
        written = replace(node) if replace else None
        if written is not None:
            return written
        if node._namespace != HTML_NAMESPACE:  # noqa: SLF001 — Dash's own marker of the library
            return default_stand_in(node, replace, keep_ids)
        tag = node._type.lower()  # noqa: SLF001
        # Dash's own list of what the browser gets: named props and the aria-*/data-* wildcards.
        props = {k: v for k, v in node.to_plotly_json()["props"].items() if v is not None}
        opening = f"<{tag}{attributes(props, keep_ids, label_targets)}>"
        if tag in _VOID:
            return opening
        return opening + render(props.get("children"), replace, keep_ids, label_targets) + f"</{tag}>"
    return html.escape(str(node), quote=False)


def default_stand_in(component: Component, replace: Replace | None, keep_ids: frozenset[str]) -> str:
    """An inert look-alike of a dcc control, hidden from screen readers (the app brings the real one
    within a second of the first touch); nothing for components that draw nothing (stores, clipboards)."""
    kind = component._type  # noqa: SLF001
    class_name = getattr(component, "className", None) or ""
    component_id = getattr(component, "id", None)
    needs = f' data-needs-app="{html.escape(str(component_id))}"' if isinstance(component_id, str) else ""
    if kind in ("RadioItems", "Checklist"):
        value = getattr(component, "value", None)
        chosen = set(value) if isinstance(value, (list, tuple)) else {value}
        mark = "radio" if kind == "RadioItems" else "checkbox"
        items = []
        for option in getattr(component, "options", None) or []:
            label, val = (option.get("label"), option.get("value")) if isinstance(option, dict) else (option, option)
            checked = " checked" if val in chosen else ""
            items.append(f'<label><input type="{mark}" tabindex="-1"{checked}>{render(label, replace, keep_ids)}'
                         f"</label>")
        inline = " fp-inline" if getattr(component, "inline", False) else ""
        return (f'<div class="{html.escape(class_name)} fp-control{inline}" aria-hidden="true"{needs}>'
                f'{"".join(items)}</div>')
    if kind == "Dropdown":
        return (f'<div class="fp-dropdown" aria-hidden="true"{needs}>'
                f'{html.escape(str(component.placeholder or ""))}</div>')
    if kind in ("RangeSlider", "Slider"):
        return f'<div class="fp-slider" aria-hidden="true"{needs}></div>'
    if kind == "Input":
        value = html.escape(str(getattr(component, "value", "") or ""))
        placeholder = html.escape(str(getattr(component, "placeholder", "") or ""))
        return (f'<input class="{html.escape(class_name)}" tabindex="-1" aria-hidden="true" value="{value}" '
                f'placeholder="{placeholder}"{needs}>')
    if kind == "Upload":
        return (f'<div class="{html.escape(class_name)}"{needs}>'
                f'{render(component.children, replace, keep_ids)}</div>')
    return ""
