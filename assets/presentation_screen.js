// The presentation's map on a phone (components/region_slides.py, SCREEN_LAYOUTS): projector-sized
// type and a colour bar beside the region cover its eastern MRC and cut the legend on a narrow screen,
// so below `max_narrow` px the colour bar lies under the map in smaller type. Both layouts come with
// the figure (layout.meta.screens); this file only picks one by the window's width. Loaded by Dash on
// the live presentation (pages/presentation.py) and inlined in the offline file (offline/page.js).
(function () {
  function screens(gd) {
    var meta = gd && gd.layout && gd.layout.meta;
    return meta && meta.screens && meta.screens.wide && meta.screens.narrow ? meta.screens : null;
  }

  // The layout the window's width asks for: "narrow" or "wide".
  function wanted(found) {
    return window.innerWidth < found.max_narrow ? "narrow" : "wide";
  }

  // `target` with `source`'s values over it, as new objects (the figure Dash or the file holds is not changed).
  function merged(target, source) {
    var out = Object.assign({}, target);
    Object.keys(source).forEach(function (key) {
      var item = source[key];
      var inner = target && target[key] && typeof target[key] === "object" ? target[key] : {};
      out[key] = item && typeof item === "object" && !Array.isArray(item) ? merged(inner, item) : item;
    });
    return out;
  }

  // The figure ({data, layout}) with the layout for the window's width, before it is drawn.
  function onFigure(figure) {
    var found = figure && figure.layout && figure.layout.meta && figure.layout.meta.screens;
    if (!found || !found.wide || !found.narrow || !figure.data[found.trace]) {
      return figure;
    }
    var chosen = found[wanted(found)];
    var data = figure.data.slice();
    data[found.trace] = merged(data[found.trace], { colorbar: chosen.colorbar });
    return { data: data, layout: merged(figure.layout, chosen.layout) };
  }

  // Redraws a drawn graph with the layout for the window's width: a promise, or null when it has it
  // already. A colour bar turned on its side in place keeps its old box (Plotly draws it at the top,
  // its background over the map): it is taken away first, then drawn anew.
  function onGraph(gd) {
    var found = screens(gd);
    if (!found || !window.Plotly || !gd.data || !gd.data[found.trace]) {
      return null;
    }
    var bar = gd.data[found.trace].colorbar || {};
    if (bar.orientation === found[wanted(found)].colorbar.orientation) {
      return null;
    }
    var figure = onFigure({ data: gd.data, layout: gd.layout });
    var without = figure.data.slice();
    without[found.trace] = merged(without[found.trace], { showscale: false });
    return window.Plotly.react(gd, without, figure.layout).then(function () {
      return window.Plotly.react(gd, figure.data, figure.layout);
    });
  }

  window.carteScreenLayout = { onFigure: onFigure, onGraph: onGraph };
})();
