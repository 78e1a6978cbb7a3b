// « Image de la carte »: a PNG of the map as it is on screen, with a title and the source line,
// drawn in the browser by Plotly (no server, no network: it works offline at an assembly).
window.carteMapImage = function (caption) {
  var gd = document.querySelector("#map .js-plotly-plot");
  if (!gd || !window.Plotly) {
    return;
  }
  // The same view as on screen, drawn twice as large with one more zoom level (a map canvas scaled
  // up afterwards would be blurred), plus room for the title and the source lines.
  var factor = 2;
  var box = gd.getBoundingClientRect();
  var width = Math.round(box.width * factor);
  var height = Math.round(box.height * factor) + 320;
  // An off-screen copy, so the visitor's map never flickers or moves.
  var holder = document.createElement("div");
  holder.style.cssText = "position:fixed;left:-20000px;top:0;width:" + width + "px;height:" + height + "px;";
  document.body.appendChild(holder);
  var layout = JSON.parse(JSON.stringify(gd.layout));
  layout.width = width;
  layout.height = height;
  layout.margin = { l: 20, r: 20, t: 90, b: 230 };
  layout.title = { text: caption.title, x: 0.02, xanchor: "left", font: { size: 34 } };
  layout.font = Object.assign({}, layout.font, { size: 14 * factor });
  layout.map = Object.assign({}, layout.map, { zoom: gd._fullLayout.map.zoom + Math.log2(factor),
                                                center: gd._fullLayout.map.center });
  layout.annotations = [{
    text: caption.source, showarrow: false, xref: "paper", yref: "paper", x: 0, y: -0.02,
    xanchor: "left", yanchor: "top", align: "left", font: { size: 19, color: "#333" },
  }];
  window.Plotly.newPlot(holder, gd.data, layout, { staticPlot: true })
    .then(function () {
      return window.Plotly.downloadImage(holder, { format: "png", width: width, height: height, filename: caption.filename });
    })
    .finally(function () {
      window.Plotly.purge(holder);
      holder.remove();
    });
};
