"""Benchmark of the map against a naive Dash baseline: `python -m bench.run` (see BENCHMARKS.md).

Modules:
- `run`        command line, orchestration, printed table, targets, JSON file;
- `server`     the app (or the baseline) as a subprocess: free port, cold start, memory, clean stop;
- `dash_http`  a Dash client over plain HTTP: reads `/_dash-dependencies` and the layout, then
               sends `/_dash-update-component` exactly as the browser does;
- `browser`    Playwright in Debian's Chromium: initial page transfer and time to redraw the map;
- `naive_app`  the baseline: one dropdown, a whole `px.choropleth_map` figure per change.
"""
