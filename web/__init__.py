"""The HTTP side that is not a Dash page: the read-only API, the static layers and templates, security
headers and CSP, health, start-up checks and warm-up, the partial plotly.js route."""
