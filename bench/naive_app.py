"""The baseline: the usual way a Dash choropleth is written, for the benchmark to compare against.

One dropdown of regions and a `dcc.Graph`. On every change the callback filters the projects,
sums their amount per MRC with pandas and rebuilds a whole `px.choropleth_map` figure that embeds
the full-resolution MRC GeoJSON (2.7 MB, read from `../shared/geo`), which travels to the browser
each time. Nothing is cached, patched or simplified: that is the point.

Run as the app is: `CARTE_DEMO_SIZE=N PORT=… python -m bench.naive_app` (always synthetic data,
`data.synthetic.generate_projects(N, seed=2018)`, the same projects as the app's demo mode).
"""
from __future__ import annotations

import json
import os

import dash
import plotly.express as px
from dash import Input, Output, dcc, html

import config
from data.synthetic import generate_projects
from geo import layers

GEOJSON_FILE = "mrc104_mern_1m.geojson"


def load_geojson() -> dict:
    with open(config.geo_sources_dir() / GEOJSON_FILE, encoding="utf-8") as f:
        return json.load(f)


GEOJSON = load_geojson()
PROJECTS = generate_projects(int(os.environ.get("CARTE_DEMO_SIZE", "3000")), seed=2018)
MRC = layers.territories("mrc")  # mrc_id → name, the key the GeoJSON features carry
REGIONS = layers.territories("region")

app = dash.Dash(__name__, title="Naive baseline")
app.layout = html.Div([
    html.H1("Naive baseline"),
    dcc.Dropdown(id="filter-region", placeholder="All regions", clearable=True,
                 options=[{"label": f"{code} – {row.region_name}", "value": code} for code, row in REGIONS.iterrows()]),
    dcc.Graph(id="map", style={"height": "80vh"}),
])


@app.callback(Output("map", "figure"), Input("filter-region", "value"))
def update_map(region):
    projects = PROJECTS if not region else PROJECTS[PROJECTS.region_code == region]
    # Projects of a single MRC only; multi-MRC and region-wide ones have no MRC to colour.
    single = projects[projects.mrc_ids.notna() & ~projects.mrc_ids.str.contains(";", na=False)]
    per_mrc = single.groupby("mrc_ids", as_index=False).amount_fqis.sum()
    per_mrc["name"] = per_mrc.mrc_ids.map(MRC.name)
    fig = px.choropleth_map(per_mrc, geojson=GEOJSON, locations="name", featureidkey="properties.MRC_NAME_CURRENT",
                            color="amount_fqis", color_continuous_scale="YlGnBu", map_style="white-bg",
                            zoom=3.5, center={"lat": 52.5, "lon": -71.5}, opacity=0.8,
                            labels={"amount_fqis": "Montant ($)"})
    fig.update_layout(margin={"l": 0, "r": 0, "t": 0, "b": 0})
    return fig


if __name__ == "__main__":
    app.run(host=os.environ.get("HOST", "127.0.0.1"), port=int(os.environ.get("PORT", "8060")), debug=False)
