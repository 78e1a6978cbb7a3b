// The map's framing, whatever the screen (phone, laptop, projector):
// 1. When the map first appears it is fitted to southern Québec, where the people and nearly all
//    known projects are (the frames come from the server, components/map/figures.py MAP_FRAMES, in the
//    map panel's data-frames). After that the visitor's own zoom and pan are kept (uirevision).
// 2. The frame buttons (« Sud du Québec », « Grand Montréal », « Tout le Québec ») fit another frame
//    in one click: Montréal, Laval and Longueuil are a few pixels wide at the southern frame.
// 3. Project dots are placed on the screen so none hides another and each stays inside its own
//    territory, or grouped into one dot where the territory is too small at this zoom (map_dots.js);
//    their true positions are kept and the placing is redone after every zoom and every new set of
//    points.
// 4. A map inside an element marked data-fit-map (the embed page, any frame size) is fitted once to
//    the box in its data-bounds ([west, south, east, north]), or to Québec without one.
// 5. The view's frame: when the visitor chooses territories (list, click, search, permalink) the
//    server sends their frame, with room for their neighbours (components/map/bounds.py, the same box
//    as the embed's data-bounds), and window.carteFitView fits the map to it; no territory: the
//    frame last chosen with a button (the southern one at first). The same frame sent again (an
//    unrelated filter change) does nothing, so the
//    visitor's own pan and zoom are kept.
(function () {
  var DEFAULT_FRAME = "south";
  var MAP_VIEW_FRAME = "map-view-frame"; // the store of the view's frame (components/ids.py)

  function mercatorY(lat) {
    var phi = (lat * Math.PI) / 180;
    return Math.log(Math.tan(Math.PI / 4 + phi / 2));
  }

  var QUEBEC = { west: -79.8, south: 45.0, east: -57.1, north: 62.6 };

  function fittingView(frame, width, height, margin, pad) {
    // `pad` ({top, bottom}, px): bands of the map covered by its legend and colour bar, where the
    // frame is not put (the chosen territory stays wholly visible between them).
    var top = (pad && pad.top) || 0, bottom = (pad && pad.bottom) || 0;
    var inner = Math.max(height - top - bottom, height * 0.4);
    // MapLibre draws the world 512 px wide at zoom 0.
    var zx = Math.log2((width * 360) / (512 * (frame.east - frame.west)));
    var span = mercatorY(frame.north) - mercatorY(frame.south);
    var zy = Math.log2((inner * 2 * Math.PI) / (512 * span));
    var zoom = Math.min(zx, zy) - (margin === undefined ? 0.05 : margin);
    // The frame's middle at the middle of the uncovered band: the map's centre moves by half the
    // difference of the bands, converted from pixels to Mercator units at that zoom.
    var pixelsPerUnit = (512 * Math.pow(2, zoom)) / (2 * Math.PI);
    var midY = (mercatorY(frame.north) + mercatorY(frame.south)) / 2 - ((bottom - top) / 2) / pixelsPerUnit;
    return {
      "map.zoom": zoom,
      "map.center": { lat: (Math.atan(Math.sinh(midY)) * 180) / Math.PI, lon: (frame.west + frame.east) / 2 },
    };
  }

  function coveredBands(gd) {
    // The colour bar lies across the bottom of the map and the legend at its top left; a frame of
    // chosen territories is fitted between them (at most 45 % of the height given up).
    var box = gd.getBoundingClientRect();
    var bands = { top: 0, bottom: 0 };
    var bar = gd.querySelector(".colorbar");
    if (bar) {
      var b = bar.getBoundingClientRect();
      if (b.height > 0 && b.top > box.top + box.height / 2) {
        bands.bottom = box.bottom - b.top;
      }
    }
    var legend = gd.querySelector(".legend");
    if (legend) {
      var l = legend.getBoundingClientRect();
      if (l.height > 0 && l.bottom < box.top + box.height / 2) {
        bands.top = l.bottom - box.top;
      }
    }
    var most = box.height * 0.45;
    if (bands.top + bands.bottom > most) {
      var ratio = most / (bands.top + bands.bottom);
      bands.top *= ratio;
      bands.bottom *= ratio;
    }
    return bands;
  }

  function pageData(name) {
    // The JSON the server wrote in the page's `name` attribute (null without one).
    var holder = document.querySelector("[" + name + "]");
    try {
      return holder ? JSON.parse(holder.getAttribute(name)) : null;
    } catch (error) {
      return null;
    }
  }

  function frames() {
    return pageData("data-frames") || {};
  }

  function graph() {
    return document.querySelector("#map .js-plotly-plot");
  }

  function ready(gd) {
    return gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot && window.Plotly;
  }

  function pressFrameButton(name) {
    document.querySelectorAll("button[data-frame]").forEach(function (button) {
      button.setAttribute("aria-pressed", button.getAttribute("data-frame") === name ? "true" : "false");
    });
  }

  function showFrame(gd, name) {
    var frame = frames()[name];
    if (!frame) {
      return Promise.resolve();
    }
    var box = gd.getBoundingClientRect();
    gd.dataset.frame = name;
    pressFrameButton(name);
    return window.Plotly.relayout(gd, fittingView(frame, box.width, box.height));
  }

  // ------------------------------------------------------------ the view's own frame
  var viewFrame; // the last frame the server sent (null: no territory chosen; undefined: none yet)

  function pageFrame() {
    // The frame the page was written with (data-view-frame), until the server sends another.
    return pageData("data-view-frame");
  }

  function frameKey(frame) {
    return frame ? [frame.west, frame.south, frame.east, frame.north].join(",") : "";
  }

  function viewCamera(gd) {
    // The camera of the view's frame (or, without one, of the frame button last chosen), and the
    // buttons pressed accordingly; null when there is no such frame.
    if (viewFrame === undefined) {
      viewFrame = validFrame(pageFrame());
    }
    gd._carteFrameKey = frameKey(viewFrame);
    var box = gd.getBoundingClientRect();
    if (!viewFrame) {
      // No territory (none yet, or the choice undone): the frame the visitor last chose with a
      // button, so « Grand Montréal » is still there after a territory there is chosen and undone.
      var name = gd._carteButtonFrame || DEFAULT_FRAME;
      var frame = frames()[name];
      if (!frame) {
        return null;
      }
      gd.dataset.frame = name;
      pressFrameButton(name);
      return fittingView(frame, box.width, box.height);
    }
    gd.dataset.frame = "view";
    pressFrameButton("view"); // no frame button is the chosen territory's frame
    return fittingView(viewFrame, box.width, box.height, undefined, coveredBands(gd));
  }

  function showViewFrame(gd) {
    var camera = viewCamera(gd);
    return camera ? window.Plotly.relayout(gd, camera) : Promise.resolve();
  }

  // ------------------------------------------------------------ one draw per new view
  // A new view brings new data (Dash's Plotly.react) and, when its territories changed, a new frame
  // (the map-view-frame store, then carteFitView). Fitted by a relayout after the data, MapLibre
  // built its tiles twice, and Dash 4's graph copies every relayout back into its figure and draws
  // that again: at 100 000 projects the map took 0,5–1 s to settle after a click. So the frame's
  // camera goes into the figure Dash is about to draw (one Plotly.react); carteFitView then finds
  // the frame already shown and does nothing.
  function storedFrame() {
    // The frame of the view being drawn: Dash has put the new store value in place before it asks
    // the graph to draw (undefined when Dash's component API is not there).
    var api = window.dash_component_api;
    var node = api && api.getLayout && api.getLayout(MAP_VIEW_FRAME);
    var props = node && (node.props || node);
    return props ? props.data : undefined;
  }

  function cameraKey(layout) {
    var map = layout && layout.map;
    return map ? JSON.stringify([map.center, map.zoom]) : "";
  }

  function withoutFade(gd) {
    // MapLibre fades labels and tiles in over 300 ms after a zoom, drawing a frame each time (each
    // tens of ms in software WebGL): at 100 000 projects the map took 0,2 s more to settle after
    // every framed view. Plotly does not pass MapLibre's fadeDuration option; this is where the
    // map keeps it.
    var map = gd._fullLayout.map._subplot.map;
    if (map && typeof map._fadeDuration === "number") {
      map._fadeDuration = 0;
    }
  }

  function cameraInto(gd, layout) {
    if (!layout || !ready(gd) || !gd.dataset.fitted) {
      return; // the first view is fitted by fit(), once the map is there
    }
    withoutFade(gd); // a full new figure (another basemap) may come with a new map
    var current = gd.layout && gd.layout.map;
    var sent = cameraKey(layout);
    var stored = storedFrame();
    var camera = null;
    if (stored !== undefined && frameKey(validFrame(stored)) !== gd._carteFrameKey) {
      viewFrame = validFrame(stored);
      camera = viewCamera(gd);
      gd._carteRespread = true; // the dots are placed again at the new zoom (afterplot)
    } else if (current && sent === gd._carteStaleCamera) {
      // The camera in Dash's figure is the one it had before a frame was put in: stale. The map
      // keeps the one it shows (the visitor's own pan and zoom, or the frame).
      camera = { "map.center": current.center, "map.zoom": current.zoom };
    }
    if (camera) {
      gd._carteStaleCamera = sent;
      layout.map = Object.assign({}, layout.map, { center: camera["map.center"], zoom: camera["map.zoom"] });
    }
  }

  function drawWithCamera() {
    // Plotly.react for the map graph, with the view's camera put into the figure first.
    var plotly = window.Plotly;
    if (!plotly || plotly._carteCamera) {
      return;
    }
    var react = plotly.react;
    plotly.react = function (gd, data, layout) {
      if (gd && gd === graph()) {
        cameraInto(gd, data && !Array.isArray(data) ? data.layout : layout);
      }
      return react.apply(this, arguments);
    };
    plotly._carteCamera = true;
  }

  function validFrame(frame) {
    var valid = frame && [frame.west, frame.south, frame.east, frame.north].every(function (v) {
      return typeof v === "number" && isFinite(v);
    });
    return valid ? frame : null;
  }

  window.carteFitView = function (frame) {
    viewFrame = validFrame(frame);
    var gd = graph();
    // Before the map is drawn the frame waits for fit(); afterwards only a new territory re-frames.
    if (ready(gd) && gd.dataset.fitted && gd._carteFrameKey !== frameKey(viewFrame)) {
      showViewFrame(gd);
    }
  };

  // ------------------------------------------------------------ dots that do not hide each other
  // Where each dot is drawn (inside its territory, apart, or grouped) is map_dots.js's job; here,
  // when: after every zoom, every new set of points and every new layer.
  function layerShapes(gd) {
    // The GeoJSON Plotly fetched for the choropleth (plotly.js keeps it in window.PlotlyGeoAssets,
    // by URL): no second download. Null while it is on its way.
    var url = gd.data[1] && gd.data[1].geojson;
    var loaded = typeof url === "string" && window.PlotlyGeoAssets && window.PlotlyGeoAssets[url];
    return loaded && typeof loaded === "object" ? loaded : null;
  }

  function dotWords() {
    // A grouped dot's words, from the page (the server's catalogs, in the page's language).
    return pageData("data-dot-words") || {};
  }

  function spread(gd) {
    var trace = gd.data && gd.data[2];
    if (!ready(gd) || !trace || !trace.lon || !trace.customdata || !trace.customdata.length) {
      return; // grouped clusters (many projects) are already one dot per area
    }
    if (trace.lon !== gd._carteSpreadLon) {
      // New points from the server: their positions, sizes and texts are the true ones.
      var given = (trace.marker && Array.isArray(trace.marker.size)) ? trace.marker.size : [];
      gd._carteBase = { lon: trace.lon.slice(), lat: trace.lat.slice(), size: given.slice(),
                        hovertext: (trace.hovertext || []).slice(), customdata: trace.customdata.slice(),
                        color: Array.isArray(trace.marker && trace.marker.color) ? trace.marker.color.slice()
                          : (trace.marker && trace.marker.color) };
    }
    var base = gd._carteBase;
    var map = gd._fullLayout.map._subplot.map;
    // On a narrow map (a phone) dots are drawn smaller, in proportion: full size they would cover
    // the south of the province. Their order of size, and so of amount, is kept.
    var scale = Math.min(1, Math.max(0.55, map.getCanvas().clientWidth / 700));
    var shapes = layerShapes(gd);
    if (!window.carteDots) {
      return;
    }
    // Without the layer's outlines yet, dots are only pushed apart (a first draft), and placed again
    // once they have arrived and the map is still.
    var placed = window.carteDots.place(map, base, shapes, scale, dotWords());
    var update = { lon: [placed.lon], lat: [placed.lat], "marker.size": [placed.size], "marker.color": [placed.color],
                   hovertext: [placed.hovertext], customdata: [placed.customdata] };
    if (shapes) {
      gd._carteSpreadLayer = gd.data[1].geojson;
    } else if (!gd._carteSpreadWaiting) {
      gd._carteSpreadWaiting = true;
      map.once("idle", function () {
        gd._carteSpreadWaiting = false;
        spread(gd);
      });
    }
    gd._carteSpreadLon = update.lon[0];
    window.Plotly.restyle(gd, update, [2]);
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
      var moved = gd._carteRespread;
      gd._carteRespread = false;
      if (trace && (moved || trace.lon !== gd._carteSpreadLon
                    || (gd.data[1] && gd.data[1].geojson !== gd._carteSpreadLayer && layerShapes(gd)))) {
        spread(gd);
      }
    });
  }

  function embedFrame(gd) {
    var holder = gd.closest("[data-bounds]");
    try {
      var box = holder && JSON.parse(holder.getAttribute("data-bounds"));
      if (box && box.length === 4) {
        // the view's territories: the box already holds room for their neighbours
        return { frame: { west: box[0], south: box[1], east: box[2], north: box[3] }, margin: 0.05 };
      }
    } catch (error) {}
    return { frame: QUEBEC, margin: 0.05 };
  }

  function fitEmbedded(gd) {
    if (!ready(gd) || gd.dataset.fitted) {
      return;
    }
    gd.dataset.fitted = "1";
    var wanted = embedFrame(gd);
    var box = gd.getBoundingClientRect();
    window.Plotly.relayout(gd, fittingView(wanted.frame, box.width, box.height, wanted.margin,
                                           wanted.frame === QUEBEC ? null : coveredBands(gd)));
  }

  function fit() {
    drawWithCamera();
    document.querySelectorAll("[data-fit-map] .js-plotly-plot").forEach(fitEmbedded);
    var gd = graph();
    if (!ready(gd) || gd.dataset.fitted) {
      return;
    }
    gd.dataset.fitted = "1";
    withoutFade(gd);
    watch(gd);
    showViewFrame(gd).then(function () { spread(gd); });
  }

  document.addEventListener("click", function (event) {
    // A frame button (the graph carries data-frame too, the name of the frame it shows: not a button).
    var button = event.target.closest && event.target.closest("button[data-frame]");
    var gd = graph();
    if (button && ready(gd)) {
      gd._carteButtonFrame = button.getAttribute("data-frame");
      showFrame(gd, gd._carteButtonFrame);
    }
  });

  // The map is rendered by React after this script runs (and again after a language switch).
  new MutationObserver(fit).observe(document.documentElement, { childList: true, subtree: true });
})();
