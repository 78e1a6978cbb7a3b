// The map's framing, whatever the screen (phone, laptop, projector):
// 1. When the map first appears it is fitted to southern Québec, where the people and nearly all
//    known projects are (the frames come from the server, components/figures.py MAP_FRAMES, in the
//    map panel's data-frames). After that the visitor's own zoom and pan are kept (uirevision).
// 2. The frame buttons (« Sud du Québec », « Grand Montréal », « Tout le Québec ») fit another frame
//    in one click: Montréal, Laval and Longueuil are a few pixels wide at the southern frame.
// 3. Project dots that fall within a few pixels of each other at the current zoom are spread on a
//    small sunflower, in screen pixels, so none hides another; their true positions are kept and
//    the spread is redone after every zoom and every new set of points.
(function () {
  var DEFAULT_FRAME = "south";
  var SPREAD_PX = 11; // distance between neighbouring dots of one group, in screen pixels
  var GROUP_PX = 9; // dots closer than this to a group's first dot join the group

  function mercatorY(lat) {
    var phi = (lat * Math.PI) / 180;
    return Math.log(Math.tan(Math.PI / 4 + phi / 2));
  }

  function fittingView(frame, width, height) {
    // MapLibre draws the world 512 px wide at zoom 0.
    var zx = Math.log2((width * 360) / (512 * (frame.east - frame.west)));
    var span = mercatorY(frame.north) - mercatorY(frame.south);
    var zy = Math.log2((height * 2 * Math.PI) / (512 * span));
    var zoom = Math.min(zx, zy) - 0.05;
    var midY = (mercatorY(frame.north) + mercatorY(frame.south)) / 2;
    var shown = (height * 2 * Math.PI) / (512 * Math.pow(2, zoom)); // the screen's height, in Mercator units
    if (frame.anchor === "south" && shown > span) {
      midY = mercatorY(frame.south) + shown / 2 - span * 0.04;
    }
    return {
      "map.zoom": zoom,
      "map.center": { lat: (Math.atan(Math.sinh(midY)) * 180) / Math.PI, lon: (frame.west + frame.east) / 2 },
    };
  }

  function frames() {
    var holder = document.querySelector("[data-frames]");
    try {
      return holder ? JSON.parse(holder.getAttribute("data-frames")) : {};
    } catch (error) {
      return {};
    }
  }

  function graph() {
    return document.querySelector("#map .js-plotly-plot");
  }

  function ready(gd) {
    return gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot && window.Plotly;
  }

  function showFrame(gd, name) {
    var frame = frames()[name];
    if (!frame) {
      return Promise.resolve();
    }
    var box = gd.getBoundingClientRect();
    gd.dataset.frame = name;
    return window.Plotly.relayout(gd, fittingView(frame, box.width, box.height));
  }

  // ------------------------------------------------------------ dots that do not hide each other
  function spread(gd) {
    var trace = gd.data && gd.data[2];
    if (!ready(gd) || !trace || !trace.lon || !trace.customdata || !trace.customdata.length) {
      return; // grouped clusters (many projects) are already one dot per area
    }
    if (trace.lon !== gd._carteSpreadLon) {
      // New points from the server: their positions are the true ones.
      gd._carteBase = { lon: trace.lon.slice(), lat: trace.lat.slice() };
    }
    var base = gd._carteBase;
    var map = gd._fullLayout.map._subplot.map;
    var pixels = base.lon.map(function (lon, i) { return map.project([lon, base.lat[i]]); });
    var groups = [];
    pixels.forEach(function (p, i) {
      var group = null;
      for (var g = 0; g < groups.length && !group; g++) {
        var first = pixels[groups[g][0]];
        if (Math.abs(first.x - p.x) < GROUP_PX && Math.abs(first.y - p.y) < GROUP_PX) {
          group = groups[g];
        }
      }
      if (group) {
        group.push(i);
      } else {
        groups.push([i]);
      }
    });
    var lon = base.lon.slice();
    var lat = base.lat.slice();
    var golden = Math.PI * (3 - Math.sqrt(5));
    groups.forEach(function (group) {
      if (group.length < 2) {
        return;
      }
      var cx = 0, cy = 0;
      group.forEach(function (i) { cx += pixels[i].x; cy += pixels[i].y; });
      cx /= group.length;
      cy /= group.length;
      group.forEach(function (i, rank) {
        // Sunflower: equal spacing whatever the group's size; the first dot at the centre.
        var radius = SPREAD_PX * Math.sqrt(rank) * 0.62;
        var point = map.unproject([cx + radius * Math.cos(rank * golden), cy + radius * Math.sin(rank * golden)]);
        lon[i] = Math.round(point.lng * 1e5) / 1e5;
        lat[i] = Math.round(point.lat * 1e5) / 1e5;
      });
    });
    gd._carteSpreadLon = lon;
    window.Plotly.restyle(gd, { lon: [lon], lat: [lat] }, [2]);
  }

  function watch(gd) {
    if (gd._carteWatched) {
      return;
    }
    gd._carteWatched = true;
    // After a zoom or pan, and after Dash patches new points in (the plot is redrawn).
    gd.on("plotly_relayout", function () { spread(gd); });
    gd.on("plotly_afterplot", function () {
      var trace = gd.data && gd.data[2];
      if (trace && trace.lon !== gd._carteSpreadLon) {
        spread(gd);
      }
    });
  }

  function fit() {
    var gd = graph();
    if (!ready(gd) || gd.dataset.fitted) {
      return;
    }
    gd.dataset.fitted = "1";
    watch(gd);
    showFrame(gd, DEFAULT_FRAME).then(function () { spread(gd); });
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest && event.target.closest("[data-frame]");
    var gd = graph();
    if (button && ready(gd)) {
      document.querySelectorAll("[data-frame]").forEach(function (other) {
        other.setAttribute("aria-pressed", other === button ? "true" : "false");
      });
      showFrame(gd, button.getAttribute("data-frame"));
    }
  });

  // The map is rendered by React after this script runs (and again after a language switch).
  new MutationObserver(fit).observe(document.documentElement, { childList: true, subtree: true });
})();
