"""Page layout (placeholder until the dashboard lands): the 104 MRC on a tile-less map."""
from __future__ import annotations

import plotly.graph_objects as go
from dash import dcc, html

from components.routes import layer_url
from geo import layers


def mrc_overview_figure() -> go.Figure:
    mrc = layers.territories("mrc")
    fig = go.Figure(go.Choroplethmap(
        geojson=layer_url("mrc"),
        locations=mrc.mrc_id,
        z=mrc.region_code.astype(int),
        text=mrc.name + " (" + mrc.region_name + ")",
        hoverinfo="text",
        colorscale="Viridis",
        showscale=False,
        marker_line_width=0.5,
        marker_line_color="white",
    ))
    fig.update_layout(map_style="white-bg", map_center={"lat": 52.5, "lon": -71.5}, map_zoom=3.6,
                      margin=dict(l=0, r=0, t=0, b=0), uirevision="map")
    return fig


def make_layout() -> html.Div:
    return html.Div([
        html.H1("Carte des Alliances pour la solidarité"),
        dcc.Graph(id="map", figure=mrc_overview_figure(), style={"height": "80vh"},
                  config={"scrollZoom": True, "displaylogo": False}),
    ])
