"""What the map shows, in words, and how to frame it: the sentence above the map (what is coloured,
what is missing, the other views) and the frame buttons (assets/fit_map.js does the fitting).
The title and source line of the exported map image are elsewhere: `summary.map_caption`."""
from __future__ import annotations

import json
from dataclasses import replace

import pandas as pd
from dash import html

from components.i18n import plural, t, text
from components.map.figures import FRAME_ORDER, MAP_FRAMES, cycle_label, measure_title, measure_values
from components.permalink import view_to_query
from components.state import View
from data import metrics
from texts.catalogs import Messages

TEXT = Messages("map_view")
LEVEL_WORDS = Messages("level_words")


def tr(key: str, lang: str, **values) -> str:
    return text(TEXT, key, lang, **values)


def coverage_sentence(agg: pd.DataFrame, level: str, measure: str, lang: str, cycle_label: str | None = None) -> str:
    """« 11 régions sur 17 ont une enveloppe 2017–2023 connue » (envelope measures, with the cycle
    they show) or « 3 régions sur 17 ont une donnée connue »: counted from what the map colours."""
    coloured = int(measure_values(agg, measure).notna().sum())
    noun = plural(f"noun_{level}", coloured, lang)
    key = "territories_with_envelope" if cycle_label else "territories_with_data"
    return plural(key, coloured, lang, noun=noun, total=len(agg), cycle=cycle_label or "")


def sentence(view: View, agg: pd.DataFrame) -> list:
    """The sentence above the map, and links to the same view with each other measure. For the
    envelope measures it names the cycle the map shows (agg.attrs["envelope_cycle"])."""
    lang = view.lang
    cycle = agg.attrs.get("envelope_cycle") if view.measure in ("envelope", "envelope_per_capita") else None
    level_word = LEVEL_WORDS[view.level][1 if lang == "en" else 0]
    coloured = int(measure_values(agg, view.measure).notna().sum())
    missing = tr("missing" if coloured < len(agg) else "none_missing", lang)
    links: list = [tr("other_views", lang)]
    for measure in (m for m in metrics.MEASURES if m != view.measure):
        query = view_to_query(replace(view, measure=measure))
        links += ([" · "] if len(links) > 1 else []) + [html.A(t(f"measure_{measure}", lang), href="/?" + query
                                                                if query else "/", className="other-view")]
    coverage = coverage_sentence(agg, view.level, view.measure, lang, cycle_label(cycle, lang) if cycle else None)
    return [html.Span(tr("shows", lang, measure=measure_title(agg, view.measure, lang), level=level_word) + " "),
            html.Strong(coverage + (" ; " if lang == "fr" else "; ")),
            html.Span(missing[0].lower() + missing[1:] + " "), html.Span(links, className="other-views")]


def frame_buttons(lang: str) -> html.Div:
    """« Sud du Québec » (pressed at first), « Grand Montréal », « Tout le Québec »: one click each."""
    buttons = [html.Button(tr(f"frame_{name}", lang), type="button", className="frame-button",
                           **{"data-frame": name, "aria-pressed": "true" if name == FRAME_ORDER[0] else "false"})
               for name in FRAME_ORDER]
    return html.Div(buttons, className="map-frames", role="group", id="map-frames",
                    **{"aria-label": tr("frames", lang), "data-frames": json.dumps(MAP_FRAMES)})
