"""The map, however it is drawn: the Plotly figures (figures), what a view shows in figures and words
(summary), the sentence and the frame buttons above it (heading), the box of a view's territories
(bounds), and the map drawn on the server, as SVG for the first paint (static_map) and as PNG for
shared links (preview_image)."""
