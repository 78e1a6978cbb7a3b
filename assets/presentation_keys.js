// Presentation mode (pages/presentation.py): keys and clickers step through the MRC, the map
// is fitted to the region once, the « Plein écran » button, and the URL follows the step.
// Keys only click the page's own buttons: every step is computed by the server's callback.
(function () {
  var NEXT_KEYS = { ArrowRight: true, PageDown: true };
  var PREV_KEYS = { ArrowLeft: true, PageUp: true };

  function typing(target) {
    // Arrow keys belong to text fields and to the region list while they have the focus.
    if (!target || !target.closest) {
      return false;
    }
    return Boolean(
      target.isContentEditable ||
        // Radio buttons are not typing: after choosing « Mon fichier », → still steps (a clicker sends it too).
        target.closest("input:not([type='radio']), textarea, select, [role='combobox'], [role='listbox'], .pres-region-select")
    );
  }

  document.addEventListener("keydown", function (event) {
    var button = NEXT_KEYS[event.key] ? "pres-next" : PREV_KEYS[event.key] ? "pres-prev" : null;
    if (!button || event.altKey || event.ctrlKey || event.metaKey || event.shiftKey || event.repeat) {
      return;
    }
    var element = document.getElementById(button);
    if (!element || typing(event.target)) {
      return;
    }
    event.preventDefault(); // no page scroll, no map pan
    element.click();
  });

  document.addEventListener("click", function (event) {
    if (!event.target.closest || !event.target.closest("#pres-fullscreen")) {
      return;
    }
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  });

  // ------------------------------------------------------------ fit the region to the map
  function mercatorY(lat) {
    var phi = (lat * Math.PI) / 180;
    return Math.log(Math.tan(Math.PI / 4 + phi / 2));
  }

  function fittingZoom(bounds, width, height) {
    // MapLibre draws the world 512 px wide at zoom 0; a margin keeps the outline off the edges.
    var zx = Math.log2((width * 360) / (512 * (bounds[2] - bounds[0])));
    var zy = Math.log2((height * 2 * Math.PI) / (512 * (mercatorY(bounds[3]) - mercatorY(bounds[1]))));
    return Math.min(zx, zy) - 0.15;
  }

  function fit(force) {
    var box = document.getElementById("pres-map-box");
    var gd = box && box.querySelector(".js-plotly-plot");
    if (!gd || !gd._fullLayout || !gd._fullLayout.map || !window.Plotly) {
      return;
    }
    var text = box.getAttribute("data-bounds");
    // Fitted already: again only if a new figure from the server (her own file chosen: new colours)
    // brought back the figure's own, unfitted view. A presenter's own zoom is never undone.
    if (!force && gd.dataset.fitted === text && String(gd._fullLayout.map.zoom) !== gd.dataset.unfitted) {
      return;
    }
    var bounds;
    try {
      bounds = JSON.parse(text);
    } catch (e) {
      return;
    }
    if (!Array.isArray(bounds) || bounds.length !== 4) {
      return;
    }
    // The map's own area (the colour bar has a strip of the figure beside it).
    var subplot = gd._fullLayout.map._subplot;
    var container = subplot && subplot.map && subplot.map.getContainer ? subplot.map.getContainer() : gd;
    var size = container.getBoundingClientRect();
    if (size.width < 10 || size.height < 10) {
      return;
    }
    if (gd.dataset.fitted !== text) {
      gd.dataset.unfitted = String(gd._fullLayout.map.zoom);
    }
    gd.dataset.fitted = text;
    var midY = (mercatorY(bounds[3]) + mercatorY(bounds[1])) / 2;
    window.Plotly.relayout(gd, {
      "map.zoom": fittingZoom(bounds, size.width, size.height),
      "map.center": { lat: (Math.atan(Math.sinh(midY)) * 180) / Math.PI, lon: (bounds[0] + bounds[2]) / 2 },
    });
  }

  // ------------------------------------------------------------ the MRC names over the map
  // Written in the page's own font, over the map: MapLibre would fetch glyphs from a font server
  // to write them itself. [id, name, lon, lat] come from the server in `data-labels`; the names
  // follow the map when it moves or zooms.
  function place(map, layer, labels) {
    Array.prototype.forEach.call(layer.children, function (name, i) {
      var point = map.project([labels[i][2], labels[i][3]]);
      name.style.transform = "translate(" + Math.round(point.x) + "px, " + Math.round(point.y) + "px) translate(-50%, -50%)";
    });
  }

  function label() {
    var box = document.getElementById("pres-map-box");
    var gd = box && box.querySelector(".js-plotly-plot");
    var map = gd && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot && gd._fullLayout.map._subplot.map;
    if (!map || !map.getContainer) {
      return;
    }
    var container = map.getContainer();
    if (container.querySelector(".pres-labels")) {
      return;
    }
    var labels;
    try {
      labels = JSON.parse(box.getAttribute("data-labels") || "[]");
    } catch (e) {
      return;
    }
    if (!Array.isArray(labels) || !labels.length) {
      return;
    }
    var layer = document.createElement("div");
    layer.className = "pres-labels";
    layer.setAttribute("aria-hidden", "true");
    labels.forEach(function (item) {
      var name = document.createElement("span");
      name.className = "pres-label-name";
      name.setAttribute("data-id", String(item[0]));
      name.textContent = String(item[1]);
      layer.appendChild(name);
    });
    container.appendChild(layer);
    map.on("move", function () {
      place(map, layer, labels);
    });
    place(map, layer, labels);
  }

  // The layout for the window's width (presentation_screen.js) before fitting: it changes the map's area.
  function screen() {
    var gd = document.querySelector("#pres-map-box .js-plotly-plot");
    var changed = gd && window.carteScreenLayout ? window.carteScreenLayout.onGraph(gd) : null;
    if (changed) {
      changed.then(function () {
        fit(true);
      });
    }
    return Boolean(changed);
  }

  new MutationObserver(function () {
    if (!screen()) {
      fit(false);
    }
    label();
  }).observe(document.documentElement, { childList: true, subtree: true });

  // Entering full screen or resizing the window changes the map's size: fit the region again
  // (after Plotly's own resize, which also listens to this event).
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(function () {
      if (!screen()) {
        fit(true);
      }
    }, 300);
  });

  // ------------------------------------------------------------ the URL follows the step
  window.dash_clientside = window.dash_clientside || {};
  window.dash_clientside.carte_presentation = {
    sync_mrc: function (mrc) {
      var params = new URLSearchParams(window.location.search);
      if (mrc) {
        params.set("mrc", mrc);
      } else {
        params.delete("mrc");
      }
      var query = params.toString();
      var wanted = window.location.pathname + (query ? "?" + query : "");
      if (wanted !== window.location.pathname + window.location.search) {
        window.history.replaceState(window.history.state, "", wanted);
      }
      return query;
    },
    // Compare page: the address follows the two territories chosen (see pages/compare.py).
    sync_query: function (query) {
      if (typeof query !== "string") {
        return window.dash_clientside.no_update;
      }
      var wanted = window.location.pathname + (query ? "?" + query : "");
      if (wanted !== window.location.pathname + window.location.search) {
        window.history.replaceState(window.history.state, "", wanted);
      }
      return query;
    },
  };
})();
