// The offline presentation (offline/presentation.py): one region, MRC by MRC, from a file on a
// USB key — no server, no network. Every figure, word and map trace was computed in Python by the
// app's own functions and sits in the JSON block #carte-data; this script only shows them.
// Text goes in with textContent, never innerHTML: a project title stays text whatever it holds.
(function () {
  "use strict";
  var DATA = JSON.parse(document.getElementById("carte-data").textContent);
  var NativeWorker = window.Worker;

  // MapLibre (inside plotly.js) starts its worker as a *module* worker from a blob: URL. A page
  // opened from a file has an opaque origin, for which Chromium refuses to load a module script
  // from a blob: URL (silently: the map just never draws), while it accepts one from a data: URL.
  // So, from a file, the worker's code is read back from its blob (a local read, no network) and
  // started from a data: URL. Served over http, nothing changes.
  // MapLibre may wrap its worker's blob in a second one that only imports it: that one is followed.
  function readBlob(url) {
    var request = new XMLHttpRequest();
    request.open("GET", url, false);
    request.send();
    var only = /^\s*import\s*("blob:[^"]+")\s*;?\s*$/.exec(request.responseText);
    return only ? readBlob(JSON.parse(only[1])) : request.responseText;
  }

  window.Worker = function (url, options) {
    var local = window.location.protocol === "file:";
    if (local && options && options.type === "module" && /^blob:/.test(String(url))) {
      url = "data:text/javascript;charset=utf-8," + encodeURIComponent(readBlob(url));
    }
    return new NativeWorker(url, options);
  };
  window.Worker.prototype = NativeWorker.prototype;
  var NEXT_KEYS = { ArrowRight: true, ArrowDown: true, PageDown: true, " ": true };
  var PREV_KEYS = { ArrowLeft: true, ArrowUp: true, PageUp: true };
  var mapBox = document.getElementById("off-map");
  var state = { lang: DATA.initial_lang, step: stepFromHash(), fitted: false };
  // MapLibre draws with WebGL; a browser without it (an old laptop, a remote desktop, hardware
  // acceleration turned off) gets the SVG map written in Python instead, with the same colours.
  var webgl = hasWebGL();

  function hasWebGL() {
    try {
      var canvas = document.createElement("canvas");
      return Boolean(window.WebGLRenderingContext && (canvas.getContext("webgl2") || canvas.getContext("webgl")));
    } catch (error) {
      return false;
    }
  }

  function words() {
    return DATA.langs[state.lang];
  }

  function colon() {
    return state.lang === "fr" ? "\u00a0: " : ": "; // « Source : » in French, "Source:" in English
  }

  function nSteps() {
    return DATA.focus.length;
  }

  function stepFromHash() {
    // « #3 » reopens the third MRC after a reload (F5 from a clicker, for instance).
    var value = parseInt(window.location.hash.slice(1), 10);
    return value >= 0 && value < DATA.focus.length ? value : 0;
  }

  function element(tag, className, text) {
    var node = document.createElement(tag);
    if (className) {
      node.className = className;
    }
    if (text !== undefined && text !== null) {
      node.textContent = text;
    }
    return node;
  }

  function safeHref(url) {
    // Only web addresses become links; anything else (javascript:, data:…) stays plain text.
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  // ------------------------------------------------------------ the words of the page
  function setWords() {
    var w = words();
    document.documentElement.lang = state.lang;
    document.title = w.document_title;
    document.querySelectorAll("[data-word]").forEach(function (node) {
      node.textContent = w.ui[node.getAttribute("data-word")];
    });
    document.querySelectorAll("[data-label]").forEach(function (node) {
      node.setAttribute("aria-label", w.ui[node.getAttribute("data-label")]);
    });
    var sources = document.getElementById("off-sources");
    sources.textContent = w.ui.sources + colon() + w.source_lines.join(" · ");
  }

  // ------------------------------------------------------------ one step's panel
  function projectItem(project) {
    var item = element("li", "pres-project");
    item.appendChild(element("span", "pres-project-title", project.title));
    item.appendChild(element("span", project.known ? "pres-project-amount" : "pres-project-amount pres-unknown",
                             project.amount[state.lang]));
    var details = [project.promoter, project.years].filter(Boolean).join(" · ");
    if (details) {
      item.appendChild(element("span", "pres-project-details", details));
    }
    if (project.status && project.status[state.lang]) {
      item.appendChild(element("span", "pres-project-status", project.status[state.lang]));
    }
    item.appendChild(sourceOf(project.source, project.source_label, "pres-project-source"));
    return item;
  }

  function sourceOf(url, label, className) {
    var href = safeHref(url);
    var source = element("span", className);
    if (href) {
      var link = element("a", null, label);
      link.href = href;
      link.target = "_blank";
      link.rel = "noopener noreferrer";
      source.appendChild(document.createTextNode(words().ui.source + colon()));
      source.appendChild(link);
    } else {
      source.textContent = words().ui.no_source;
    }
    return source;
  }

  function amountItem(amount) {
    var item = element("li", "pres-amount");
    item.appendChild(element("span", "pres-amount-kind", amount.kind));
    item.appendChild(element("span", "pres-amount-value", amount.amount));
    item.appendChild(element("span", "pres-amount-details", amount.details));
    item.appendChild(sourceOf(amount.source, amount.source_label, "pres-amount-source"));
    return item;
  }

  function showPanel() {
    var slide = words().steps[state.step];
    var panel = document.getElementById("off-panel");
    panel.replaceChildren();
    panel.setAttribute("data-step", String(state.step));
    panel.setAttribute("data-mrc", slide.mrc || "");
    panel.appendChild(element("p", "pres-kicker", slide.kicker));
    panel.appendChild(element("h1", "pres-name", slide.name));
    // Two columns under the name: the figures and their notes, then the amounts published for the
    // territory and the step's projects (which scroll on their own, the figures staying in view).
    var facts = element("div", "pres-facts");
    var figures = element("div", "pres-figures");
    slide.figures.forEach(function (figure) {
      var box = element("div", "pres-figure");
      box.setAttribute("data-figure", figure.key);
      box.appendChild(element("div", "pres-label", figure.label));
      box.appendChild(element("div", "pres-value", figure.value));
      figures.appendChild(box);
    });
    facts.appendChild(figures);
    slide.notes.forEach(function (note) {
      facts.appendChild(element("p", "pres-note", note));
    });
    var list = element("section", "pres-list");
    // The amounts published for this territory, each with its kind and source (never added up).
    list.appendChild(element("h2", "pres-amounts-title", slide.amounts_title));
    if (slide.amounts.length) {
      var amounts = element("ul", "pres-amounts");
      slide.amounts.forEach(function (amount) {
        amounts.appendChild(amountItem(amount));
      });
      list.appendChild(amounts);
    } else {
      list.appendChild(element("p", "pres-note", words().ui.amounts_none));
    }
    var projects = DATA.step_projects[state.step];
    if (projects.length || slide.projects_empty) {
      list.appendChild(element("h2", "pres-projects-title", slide.projects_title));
    }
    if (projects.length) {
      var items = element("ol", "pres-projects");
      projects.forEach(function (index) {
        items.appendChild(projectItem(DATA.projects[index]));
      });
      list.appendChild(items);
    } else if (slide.projects_empty) {
      list.appendChild(element("p", "pres-note", slide.projects_empty));
    }
    var columns = element("div", "pres-columns");
    columns.appendChild(facts);
    columns.appendChild(list);
    panel.appendChild(columns);
    list.scrollTop = 0;
    document.getElementById("off-step").textContent = slide.position;
  }

  // ------------------------------------------------------------ the map
  function figureOf(lang) {
    // The layer travels once in the file; every trace that names it gets the same object.
    var figure = DATA.langs[lang].figure;
    figure.data.forEach(function (trace) {
      if (trace.geojson === DATA.layer_token) {
        trace.geojson = DATA.layer;
      }
    });
    return figure;
  }

  function withFocus(figure) {
    // Traces 3 and 4 (veil and outline) follow the step, as in the app's presentation mode.
    var focus = DATA.focus[state.step];
    [3, 4].forEach(function (index, i) {
      figure.data[index].locations = focus[i];
      figure.data[index].z = focus[i].map(function () {
        return 0;
      });
    });
    return figure;
  }

  function mapOf() {
    var layout = mapBox._fullLayout;
    return layout && layout.map && layout.map._subplot && layout.map._subplot.map;
  }

  function fit() {
    // MapLibre's own camera for the region's bounds, in the map's area (beside the colour bar).
    var map = mapOf();
    var b = DATA.bounds;
    var camera = map && map.cameraForBounds([[b[0], b[1]], [b[2], b[3]]], { padding: 16 });
    if (!camera) {
      return Promise.resolve();
    }
    state.fitted = true;
    return window.Plotly.relayout(mapBox, {
      "map.center": { lon: camera.center.lng, lat: camera.center.lat },
      "map.zoom": camera.zoom,
    });
  }

  function drawStaticMap() {
    // Our own markup (escaped in Python), parsed as an inert document, then moved in: nothing in it runs.
    var parsed = new DOMParser().parseFromString(words().static_map, "text/html");
    var nodes = Array.prototype.map.call(parsed.body.childNodes, function (node) {
      return document.importNode(node, true);
    });
    nodes.push(element("p", "off-static-note", words().ui.static_map_note));
    mapBox.replaceChildren.apply(mapBox, nodes);
    mapBox.classList.add("off-static");
    showFocus();
    return Promise.resolve();
  }

  function drawMap() {
    if (!webgl) {
      return drawStaticMap();
    }
    var figure = withFocus(figureOf(state.lang));
    var config = { displayModeBar: false, scrollZoom: true, responsive: true };
    if (state.fitted) {
      // Keep the view the presenter has (the figure's uirevision keeps it across Plotly.react).
      figure.layout.map.center = mapBox._fullLayout.map.center;
      figure.layout.map.zoom = mapBox._fullLayout.map.zoom;
    }
    return window.Plotly.react(mapBox, figure.data, figure.layout, config).then(function () {
      return state.fitted ? null : fit();
    }).then(drawLabels);
  }

  // The MRC names over the map, in the page's font: MapLibre would fetch glyphs from the network to
  // write them, and this file never fetches anything. They follow the map when it moves or zooms.
  function drawLabels() {
    var map = mapOf();
    if (!map || !DATA.labels) {
      return;
    }
    var container = map.getContainer();
    var layer = container.querySelector(".pres-labels");
    if (!layer) {
      layer = element("div", "pres-labels");
      layer.setAttribute("aria-hidden", "true");
      DATA.labels.forEach(function (label) {
        var name = element("span", "pres-label-name", label[1]);
        name.setAttribute("data-id", label[0]);
        layer.appendChild(name);
      });
      container.appendChild(layer);
      map.on("move", function () {
        placeLabels(map, layer);
      });
    }
    placeLabels(map, layer);
  }

  function placeLabels(map, layer) {
    Array.prototype.forEach.call(layer.children, function (name, i) {
      var label = DATA.labels[i];
      var point = map.project([label[2], label[3]]);
      name.style.transform = "translate(" + Math.round(point.x) + "px, " + Math.round(point.y) + "px) translate(-50%, -50%)";
    });
  }

  function showFocus() {
    var focus = DATA.focus[state.step];
    if (!webgl) {
      // The current MRC outlined and drawn last (on top), the others veiled, as traces 3 and 4 do.
      mapBox.querySelectorAll("path[data-id]").forEach(function (path) {
        var id = path.getAttribute("data-id");
        path.classList.toggle("off-veil", focus[0].indexOf(id) >= 0);
        path.classList.toggle("off-focus", focus[1].indexOf(id) >= 0);
        if (focus[1].indexOf(id) >= 0) {
          path.parentNode.appendChild(path);
        }
      });
      return;
    }
    var zeros = focus.map(function (ids) {
      return ids.map(function () {
        return 0;
      });
    });
    window.Plotly.restyle(mapBox, { locations: focus, z: zeros }, [3, 4]);
  }

  // ------------------------------------------------------------ stepping
  function go(step) {
    state.step = (step + nSteps()) % nSteps(); // the steps loop, as in the app
    showPanel();
    showFocus();
    var hash = state.step ? "#" + state.step : " ";
    window.history.replaceState(null, "", hash === " " ? window.location.pathname + window.location.search : hash);
  }

  document.getElementById("off-next").addEventListener("click", function () {
    go(state.step + 1);
  });
  document.getElementById("off-prev").addEventListener("click", function () {
    go(state.step - 1);
  });
  document.addEventListener("keydown", function (event) {
    if (event.altKey || event.ctrlKey || event.metaKey || event.repeat) {
      return;
    }
    var target = event.target;
    if (event.key === " " && target && target.closest && target.closest("button, a")) {
      return; // the space bar presses the focused button
    }
    if (NEXT_KEYS[event.key]) {
      go(state.step + 1);
    } else if (PREV_KEYS[event.key]) {
      go(state.step - 1);
    } else if (event.key === "Home") {
      go(0);
    } else if (event.key === "End") {
      go(nSteps() - 1);
    } else {
      return;
    }
    event.preventDefault(); // no page scroll, no map pan
  });

  document.getElementById("off-lang").addEventListener("click", function () {
    state.lang = state.lang === "fr" ? "en" : "fr";
    setWords();
    showPanel();
    drawMap();
  });

  document.getElementById("off-fullscreen").addEventListener("click", function () {
    if (document.fullscreenElement) {
      document.exitFullscreen();
    } else if (document.documentElement.requestFullscreen) {
      document.documentElement.requestFullscreen().catch(function () {});
    }
  });

  // Entering full screen or resizing changes the map's size: fit the region again, after
  // Plotly's own resize (config.responsive listens to the same event).
  var resizeTimer = null;
  window.addEventListener("resize", function () {
    clearTimeout(resizeTimer);
    resizeTimer = setTimeout(fit, 300);
  });

  setWords();
  showPanel();
  drawMap().then(function () {
    document.body.setAttribute("data-ready", "1");
  });
})();
