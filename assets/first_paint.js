// The map page's first paint (web/first_paint.py): `/` arrives already written, map included, and
// Dash's scripts are listed in script elements of a type no browser runs instead of loaded. At the visitor's first
// gesture this loads them (in order, downloaded in parallel), starts Dash's renderer, lets the app
// render out of sight, and swaps the written page for it once the interactive map is drawn.
// On every other page there is no list, and this file does nothing.
(function () {
  var DEFERRED = 'script[type="text/x-carte-deferred"][data-src]';
  if (!document.querySelector(DEFERRED)) {
    return;
  }
  var EVENTS = ["pointerdown", "keydown", "focusin", "touchstart", "wheel", "mousemove", "scroll"];
  var GIVE_UP_MS = 30000; // if the map never draws, show the app anyway: it says what went wrong
  var started = false;
  var options = { passive: true, capture: true };

  function loadScripts(urls) {
    return new Promise(function (resolve) {
      if (!urls.length) {
        resolve();
        return;
      }
      var left = urls.length;
      urls.forEach(function (url) {
        var script = document.createElement("script");
        script.src = url;
        script.async = false; // run in the order listed, as Dash wrote them
        script.onload = script.onerror = function () {
          left -= 1;
          if (!left) {
            resolve();
          }
        };
        document.body.appendChild(script);
      });
    });
  }

  function mapReady() {
    // The page's map graph (#map on `/`, #embed-map on the embed): the one with a map subplot.
    var gd = Array.prototype.find.call(document.querySelectorAll("#carte-app .js-plotly-plot"), function (g) {
      return g._fullLayout && g._fullLayout.map;
    });
    var subplot = gd && gd.dataset.fitted === "1" && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    // Drawn: MapLibre has its territories (fetched from /layers/) and is not moving to its frame.
    return !!(subplot && subplot.map && subplot.map.loaded() && !subplot.map.isMoving());
  }

  function takeOver() {
    var written = document.getElementById("first-paint");
    var app = document.getElementById("carte-app");
    if (!written || !app) {
      return;
    }
    var focused = document.activeElement;
    var focusedHref = focused && written.contains(focused) && focused.getAttribute("href");
    var scroll = window.scrollY;
    written.remove();
    app.classList.remove("app-waiting");
    app.removeAttribute("aria-hidden");
    window.scrollTo(0, scroll);
    if (focusedHref) {
      // A keyboard visitor keeps their place: the same link in the app, when there is one.
      var same = app.querySelector('a[href="' + focusedHref.replace(/"/g, '\\"') + '"]');
      if (same) {
        same.focus();
      }
    }
    document.documentElement.classList.remove("app-loading");
    window.dispatchEvent(new Event("resize")); // plotly fits the map to its box, now in the flow
  }

  function waitForMap() {
    var since = Date.now();
    (function poll() {
      if (mapReady() || Date.now() - since > GIVE_UP_MS) {
        takeOver();
      } else {
        window.setTimeout(poll, 100);
      }
    })();
  }

  function start() {
    if (started) {
      return;
    }
    started = true;
    EVENTS.forEach(function (name) {
      window.removeEventListener(name, start, options);
    });
    document.documentElement.classList.add("app-loading");
    var urls = Array.prototype.map.call(document.querySelectorAll(DEFERRED), function (element) {
      return element.getAttribute("data-src");
    });
    loadScripts(urls).then(function () {
      window.renderer = new window.DashRenderer();
      waitForMap();
    });
  }

  EVENTS.forEach(function (name) {
    window.addEventListener(name, start, options);
  });
  window.carteStartApp = start; // for tests and the bench: what a first gesture does
})();
