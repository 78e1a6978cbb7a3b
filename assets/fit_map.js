// Fit the map to its territories once, when it first appears, whatever the screen or frame size
// (phone, laptop, projector, a 600 × 450 iframe). The dashboard's map (#map) shows Québec; a map
// inside an element marked data-fit-map (the embed page) shows the box in its data-bounds
// ([west, south, east, north]) or Québec without one. After that the visitor's own zoom and pan
// are kept (the figure's uirevision).
(function () {
  var QUEBEC = [-79.8, 45.0, -57.1, 62.6];

  function mercatorY(lat) {
    var phi = (lat * Math.PI) / 180;
    return Math.log(Math.tan(Math.PI / 4 + phi / 2));
  }

  function fittingZoom(bounds, width, height, margin) {
    // MapLibre draws the world 512 px wide at zoom 0.
    var zx = Math.log2((width * 360) / (512 * (bounds[2] - bounds[0])));
    var span = mercatorY(bounds[3]) - mercatorY(bounds[1]);
    var zy = Math.log2((height * 2 * Math.PI) / (512 * span));
    return Math.min(zx, zy) - margin;
  }

  function boundsOf(element) {
    var holder = element.closest("[data-bounds]");
    if (!holder) {
      return { box: QUEBEC, margin: 0.05 };
    }
    try {
      var box = JSON.parse(holder.getAttribute("data-bounds"));
      if (box && box.length === 4) {
        return { box: box, margin: 0.2 }; // a region: a little room around its outline
      }
    } catch (error) {}
    return { box: QUEBEC, margin: 0.05 };
  }

  function fitOne(gd) {
    if (!gd || gd.dataset.fitted || !gd._fullLayout || !gd._fullLayout.map || !window.Plotly) {
      return;
    }
    gd.dataset.fitted = "1";
    var rect = gd.getBoundingClientRect();
    var wanted = boundsOf(gd);
    var b = wanted.box;
    var midY = (mercatorY(b[3]) + mercatorY(b[1])) / 2;
    var centerLat = (Math.atan(Math.sinh(midY)) * 180) / Math.PI;
    window.Plotly.relayout(gd, {
      "map.zoom": fittingZoom(b, rect.width, rect.height, wanted.margin),
      "map.center": { lat: centerLat, lon: (b[0] + b[2]) / 2 },
    });
  }

  function fit() {
    document.querySelectorAll("#map .js-plotly-plot, [data-fit-map] .js-plotly-plot").forEach(fitOne);
  }

  // The map is rendered by React after this script runs (and again after a language switch).
  new MutationObserver(fit).observe(document.documentElement, { childList: true, subtree: true });
})();
