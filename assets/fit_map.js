// Fit Québec to the map once, when it first appears, whatever the screen size (phone, laptop,
// projector). After that the visitor's own zoom and pan are kept (the figure's uirevision).
(function () {
  var QUEBEC = { west: -79.8, east: -57.1, south: 45.0, north: 62.6 };

  function mercatorY(lat) {
    var phi = (lat * Math.PI) / 180;
    return Math.log(Math.tan(Math.PI / 4 + phi / 2));
  }

  function fittingZoom(width, height) {
    // MapLibre draws the world 512 px wide at zoom 0.
    var zx = Math.log2((width * 360) / (512 * (QUEBEC.east - QUEBEC.west)));
    var span = mercatorY(QUEBEC.north) - mercatorY(QUEBEC.south);
    var zy = Math.log2((height * 2 * Math.PI) / (512 * span));
    return Math.min(zx, zy) - 0.05;
  }

  function fit() {
    var gd = document.querySelector("#map .js-plotly-plot");
    if (!gd || gd.dataset.fitted || !gd._fullLayout || !gd._fullLayout.map || !window.Plotly) {
      return;
    }
    gd.dataset.fitted = "1";
    var box = gd.getBoundingClientRect();
    var midY = (mercatorY(QUEBEC.north) + mercatorY(QUEBEC.south)) / 2;
    var centerLat = (Math.atan(Math.sinh(midY)) * 180) / Math.PI;
    window.Plotly.relayout(gd, {
      "map.zoom": fittingZoom(box.width, box.height),
      "map.center": { lat: centerLat, lon: (QUEBEC.west + QUEBEC.east) / 2 },
    });
  }

  // The map is rendered by React after this script runs (and again after a language switch).
  new MutationObserver(fit).observe(document.documentElement, { childList: true, subtree: true });
})();
