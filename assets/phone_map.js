// The map on a narrow screen (a phone): the colour bar's title is written on short lines, so that it
// is read whole (« Enveloppe par habitant » was cut to « Enveloppe par habit » at 375 px). The figure
// comes from the server, the same for every screen (components/map/figures.py); only here is the
// map's width known. Wider again (a phone turned sideways), the title is put back as it came.
(function () {
  var NARROW_PX = 560; // a map narrower than this gets the short lines
  var LINE_CHARS = 16; // characters per line of the title

  function shortLines(text) {
    var lines = [];
    text.split(/<br>/).forEach(function (part) {
      var line = "";
      part.split(/\s+/).filter(Boolean).forEach(function (word) {
        if (line && (line + " " + word).length > LINE_CHARS) {
          lines.push(line);
          line = word;
        } else {
          line = line ? line + " " + word : word;
        }
      });
      if (line) {
        lines.push(line);
      }
    });
    return lines.join("<br>");
  }

  function fit(gd) {
    var trace = gd.data && gd.data[1];
    var title = trace && trace.colorbar && trace.colorbar.title;
    if (!title || typeof title.text !== "string" || !window.Plotly) {
      return;
    }
    // The server's title, unless what is shown is our own short version of it.
    var original = title.text === gd._carteShortTitle ? gd._carteTitle : title.text;
    var narrow = gd.getBoundingClientRect().width < NARROW_PX;
    var wanted = narrow ? shortLines(original) : original;
    gd._carteTitle = original;
    gd._carteShortTitle = narrow ? wanted : null;
    if (wanted !== title.text) {
      window.Plotly.restyle(gd, { "colorbar.title.text": wanted }, [1]);
    }
  }

  function watch() {
    var gd = document.querySelector("#map .js-plotly-plot");
    if (!gd || !gd.on || gd._carteTitleWatched) {
      return;
    }
    gd._carteTitleWatched = true;
    gd.on("plotly_afterplot", function () { fit(gd); });
    window.addEventListener("resize", function () { fit(gd); });
    fit(gd);
  }

  new MutationObserver(watch).observe(document.documentElement, { childList: true, subtree: true });
})();
