"""« À propos des données »: sources, licences, definitions, population vintage and known gaps.

The words are in texts/prose/<lang>/about.md: its first heading is the panel's title, its last
section (« Sources et licences ») is followed by the attribution lines of the layers.
"""
from __future__ import annotations

from dash import html

from components.report_link import changes_link, report_link
from components.words.prose import page_prose
from geo import layers


def panel(lang: str) -> html.Section:
    title, *body = page_prose("about", lang, heading_offset=1)  # « # » is the panel's h2, « ## » its h3
    sources = html.Ul([html.Li(line) for line in layers.attribution_lines(lang=lang)])
    return html.Section([
        html.Details([html.Summary(title), *body, sources], open=False),
        html.P([changes_link(lang), " · ", report_link("/", lang)], className="about-links"),
    ], id="about", className="about")
