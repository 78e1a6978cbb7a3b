"""What the map shows, in words, and how to frame it: the sentence above the map (what is coloured,
which territories are chosen and outlined, what is missing, the other views; when nothing is
coloured, why, and the nearest view that has data) and the frame buttons (assets/fit_map.js does
the fitting).
The title and source line of the exported map image are elsewhere: `summary.map_caption`."""
from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
from dash import html

from components.i18n import plural, t, text
from components.map.bounds import focus
from components.map.figures import FRAME_ORDER, MAP_FRAMES, cycle_label, measure_title, measure_values
from components.map.scope import in_view
from components.permalink import view_to_query
from components.state import View
from data import metrics
from geo import layers
from texts.catalogs import Messages

TEXT = Messages("map_view")
LEVEL_WORDS = Messages("level_words")


def tr(key: str, lang: str, **values) -> str:
    return text(TEXT, key, lang, **values)


def coverage_sentence(agg: pd.DataFrame, level: str, measure: str, lang: str, cycle_label: str | None = None) -> str:
    """« 11 régions sur 17 ont une enveloppe 2017–2023 connue » (envelope measures, with the cycle
    they show) or « 3 régions sur 17 ont une donnée connue »: counted from what the map colours
    among the territories of `agg` (those the filters keep: scope.in_view)."""
    coloured = int(measure_values(agg, measure).notna().sum())
    noun = plural(f"noun_{level}", coloured, lang)
    key = "territories_with_envelope" if cycle_label else "territories_with_data"
    return plural(key, coloured, lang, noun=noun, total=len(agg), cycle=cycle_label or "")


def chosen_names(view: View) -> list[str]:
    """The names of the territories the view is about (bounds.focus), as the map outlines them."""
    names = []
    for level, chosen in focus(view).items():
        table = layers.territories(level)
        column = {"region": "region_name", "mrc": "name", "alliance": "name_en" if view.lang == "en" else "name_fr"}
        names += [str(table[column[level]].get(i, i)) for i in chosen]
    return names


def _href(view: View) -> str:
    query = view_to_query(view)
    return "/?" + query if query else "/"


def _view_label(view: View, lang: str) -> str:
    return tr("view_label", lang, measure=t(f"measure_{view.measure}", lang),
              level=LEVEL_WORDS[view.level][1 if lang == "en" else 0])


def empty_state(view: View, shown: pd.DataFrame, nearest: View | None) -> list:
    """Why nothing is coloured, and a link to the nearest view that colours something (or, when
    none does with these filters, to the map without filters)."""
    lang = view.lang
    why = plural("map_empty", len(shown), lang, noun=plural(f"noun_{view.level}", len(shown), lang),
                 total=len(shown))
    if nearest is not None:
        hint = [tr("nearest", lang), html.A(_view_label(nearest, lang), href=_href(nearest), className="nearest-view")]
    else:
        hint = [tr("nearest_none", lang), html.A(tr("all_data", lang), href=_href(View(lang=lang)),
                                                 className="nearest-view")]
    return [html.Strong(why + " ", className="map-empty"), html.Span(hint + [". "])]


def sentence(view: View, agg: pd.DataFrame, nearest: View | None = None, shown: pd.DataFrame | None = None) -> list:
    """The sentence above the map, and links to the same view with each other measure. For the
    envelope measures it names the cycle the map shows (agg.attrs["envelope_cycle"]); it names the
    chosen territories (outlined on the map) and counts among them; when it colours none of them it
    says so and links `nearest` (summary.nearest_view). `shown`: the rows of `agg` the filters keep,
    when the caller has them already (summary.compute's « shown »)."""
    lang = view.lang
    cycle = agg.attrs.get("envelope_cycle") if view.measure in ("envelope", "envelope_per_capita") else None
    level_word = LEVEL_WORDS[view.level][1 if lang == "en" else 0]
    if shown is None:
        shown = in_view(agg, view.level, view.effective_filters())
    coloured = int(measure_values(shown, view.measure).notna().sum())
    missing = tr("missing" if coloured < len(shown) else "none_missing", lang)
    links: list = [tr("other_views", lang)]
    for measure in (m for m in metrics.MEASURES if m != view.measure):
        links += ([" · "] if len(links) > 1 else []) + [html.A(t(f"measure_{measure}", lang),
                                                                href=_href(replace(view, measure=measure)),
                                                                className="other-view")]
    names = chosen_names(view)
    out = [html.Span(tr("shows", lang, measure=measure_title(agg, view.measure, lang), level=level_word) + " ")]
    if names:
        out.append(html.Span(plural("map_chosen", len(names), lang, names=", ".join(names)) + " ",
                             className="map-chosen"))
    if coloured == 0 and len(shown):
        return out + empty_state(view, shown, nearest) + [html.Span(links, className="other-views")]
    coverage = coverage_sentence(shown, view.level, view.measure, lang, cycle_label(cycle, lang) if cycle else None)
    return out + [html.Strong(coverage + (" ; " if lang == "fr" else "; ")),
                  html.Span(missing[0].lower() + missing[1:] + " "), html.Span(links, className="other-views")]


def frame_buttons(lang: str, view_frame: dict | None = None) -> html.Div:
    """« Sud du Québec » (pressed at first), « Grand Montréal », « Tout le Québec »: one click each.
    `view_frame` (bounds.view_frame) is the frame of the territories the page opens on, which
    fit_map.js fits instead of the southern frame (then none of the buttons is pressed)."""
    pressed = FRAME_ORDER[0] if view_frame is None else None
    buttons = [html.Button(tr(f"frame_{name}", lang), type="button", className="frame-button",
                           **{"data-frame": name, "aria-pressed": "true" if name == pressed else "false"})
               for name in FRAME_ORDER]
    view_attribute = {"data-view-frame": json.dumps(view_frame)} if view_frame else {}
    # The words of a dot that groups a territory's projects (assets/map_dots.js draws it in the page).
    dot_words = {"title": tr("dots_group_title", lang), "hint": tr("dots_group_hint", lang)}
    return html.Div(buttons, className="map-frames", role="group", id="map-frames",
                    **{"aria-label": tr("frames", lang), "data-frames": json.dumps(MAP_FRAMES),
                       "data-dot-words": json.dumps(dot_words, ensure_ascii=False)}, **view_attribute)
