// The map page's first paint (web/first_paint.py): a view of the map arrives already written, map
// included, and Dash's scripts are listed in script elements of a type no browser runs instead of
// loaded. This file decides when they load, starts Dash's renderer, lets the app render out of sight,
// and swaps the written page for it once the interactive map is drawn, with the same view.
//
// data-start="links" (any view of the map): the page's controls are links and GET forms that work
// without this file; here a list sends its form as soon as it changes. The scripts are prefetched at
// low priority, one at a time, once the page is shown and the network is idle, and run only when the
// visitor asks for what a written page cannot do: a control marked data-needs-app (the table, the
// amount slider, the map's image…) or a gesture on the map itself (zoom, pinch). The touched control
// says « Chargement… » meanwhile; at the takeover it is the app's control that has the focus, the text
// typed is kept and the page does not move.
// data-start="gesture" (the embed, and the previous first paint kept for benchmarks): the app loads
// at the visitor's first gesture of any kind.
// On every other page there is no list, and this file does nothing.
(function () {
  var DEFERRED = 'script[type="text/x-carte-deferred"][data-src]';
  if (!document.querySelector(DEFERRED)) {
    return;
  }
  var written = document.getElementById("first-paint");
  var byNeed = written && written.getAttribute("data-start") === "links";
  var GESTURES = ["pointerdown", "keydown", "focusin", "touchstart", "wheel", "mousemove", "scroll"];
  var GIVE_UP_MS = 30000; // if the map never draws, show the app anyway: it says what went wrong
  var PREFETCH_AFTER_MS = 1500; // after the load event: the page's own late requests go first
  var started = false;
  var touched = null; // the control whose tap loaded the app
  var near = null; // or what came into view and needs the app (the table): kept in place, not focused
  var options = { passive: true, capture: true };

  function deferredUrls() {
    return Array.prototype.map.call(document.querySelectorAll(DEFERRED), function (element) {
      return element.getAttribute("data-src");
    });
  }

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

  // ------------------------------------------------------------ scripts in the cache before they are needed
  // One at a time, at the lowest priority: a tap's page never waits behind them for a connection.
  function prefetch() {
    var connection = navigator.connection;
    if (started || (connection && connection.saveData)) {
      return;
    }
    var urls = deferredUrls();
    (function next() {
      if (started || !urls.length) {
        return;
      }
      var link = document.createElement("link");
      link.rel = "prefetch";
      link.as = "script";
      link.href = urls.shift();
      link.onload = link.onerror = next;
      document.head.appendChild(link);
    })();
  }

  function whenIdle(action) {
    (window.requestIdleCallback || function (callback) { window.setTimeout(callback, 1); })(action);
  }

  // ------------------------------------------------------------ the takeover
  function mapGraph() {
    // The page's map graph (#map on `/`, #embed-map on the embed): the one with a map subplot.
    return Array.prototype.find.call(document.querySelectorAll("#carte-app .js-plotly-plot"), function (g) {
      return g._fullLayout && g._fullLayout.map;
    });
  }

  function mapReady() {
    var gd = mapGraph();
    var subplot = gd && gd.dataset.fitted === "1" && gd._fullLayout && gd._fullLayout.map && gd._fullLayout.map._subplot;
    // Drawn: MapLibre has its territories (fetched from /layers/) and is not moving to its frame.
    return !!(subplot && subplot.map && subplot.map.loaded() && !subplot.map.isMoving());
  }

  var FOCUSABLE = "input, select, textarea, button, a[href], [tabindex]";

  function focusable(element) {
    // Shown, enabled and in the tab order: a hidden input of a slider would take no focus.
    return element.tabIndex >= 0 && !element.disabled && element.type !== "hidden" && element.getClientRects().length > 0;
  }

  function appControl(app, id) {
    var element = id && app.querySelector("#" + CSS.escape(id));
    if (!element) {
      return null;
    }
    if (element.matches(FOCUSABLE) && focusable(element)) {
      return element;
    }
    return Array.prototype.find.call(element.querySelectorAll(FOCUSABLE), focusable) || null;
  }

  function setTyped(input, value) {
    // React owns the app's inputs: its value setter, then an input event, so React keeps the text.
    var setter = Object.getOwnPropertyDescriptor(window.HTMLInputElement.prototype, "value").set;
    setter.call(input, value);
    input.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function takeOver() {
    var app = document.getElementById("carte-app");
    if (!written || !app || !written.parentNode) {
      return;
    }
    var focused = document.activeElement;
    var inWritten = focused && written.contains(focused) ? focused : null;
    // The place on screen of what the visitor was looking at, kept through the swap.
    var anchor = inWritten || touched || near || written.querySelector(".fp-map");
    var anchorId = anchor && (anchor.getAttribute("data-for") || anchor.getAttribute("data-needs-app") ||
      (anchor.closest("[data-needs-app]") || anchor).getAttribute("data-needs-app"));
    var before = anchor ? anchor.getBoundingClientRect().top : 0;
    var typed = [];
    written.querySelectorAll("input[data-for]").forEach(function (input) {
      if (input.value !== input.defaultValue) {
        typed.push({ id: input.getAttribute("data-for"), value: input.value, input: input });
      }
    });
    var focusedHref = inWritten && inWritten.getAttribute("href");
    var scroll = window.scrollY;
    written.remove();
    app.classList.remove("app-waiting");
    app.removeAttribute("aria-hidden");
    window.scrollTo(0, scroll);
    typed.forEach(function (entry) {
      var target = appControl(app, entry.id);
      if (target && target.tagName === "INPUT") {
        setTyped(target, entry.value);
        if (entry.input === inWritten) {
          target.focus();
          var end = entry.value.length;
          target.setSelectionRange && target.type !== "search" ? target.setSelectionRange(end, end) : null;
        }
      }
    });
    var same = anchorId ? app.querySelector("#" + CSS.escape(anchorId)) : null;
    if (!same && anchor && anchor.classList && anchor.classList.contains("fp-map")) {
      same = app.querySelector("#map");
    }
    if (!same && focusedHref) {
      // A keyboard visitor keeps their place: the same link in the app, when there is one.
      same = app.querySelector('a[href="' + focusedHref.replace(/"/g, '\\"') + '"]');
    }
    if (same) {
      var after = same.getBoundingClientRect().top;
      if (Math.abs(after - before) > 1) {
        window.scrollBy(0, after - before);
      }
    }
    var pressed = touched;
    if (anchorId && (inWritten || touched)) {
      // The app's control may be a lazy component still on its way (the slider, the lists), and React may
      // draw it again as the map fits its box: it gets the focus, and gets it back while nothing else has it (for 6 s: the first callbacks redraw it).
      var clicked = false;
      (function focus(tries) {
        var box = app.querySelector("#" + CSS.escape(anchorId));
        var active = document.activeElement;
        if (box && active && active !== document.body && !box.contains(active)) {
          return; // the visitor has gone on elsewhere
        }
        var control = appControl(app, anchorId);
        if (control && !(box && box.contains(active))) {
          control.focus({ preventScroll: true });
        }
        if (control && !clicked && pressed && pressed.tagName === "BUTTON" && control.tagName === "BUTTON") {
          clicked = true;
          control.click(); // the visitor pressed it: done now, not lost
        }
        if (tries) {
          window.setTimeout(function () { focus(tries - 1); }, 100);
        }
      })(60);
    } else if (same && focusedHref && same.focus) {
      same.focus({ preventScroll: true });
    }
    document.documentElement.classList.remove("app-loading");
    window.dispatchEvent(new Event("resize")); // plotly fits the map to its box, now in the flow
  }

  function frameChosen() {
    var box = written && written.querySelector(".fp-map[data-frame]");
    var name = box && box.getAttribute("data-frame");
    return name && name !== "south" ? name : null;
  }

  function waitForMap() {
    var since = Date.now();
    var frame = frameChosen();
    var framed = !frame;
    (function poll() {
      var late = Date.now() - since > GIVE_UP_MS;
      if (!framed && !late && mapReady()) {
        // The frame button the visitor chose on the written page, pressed in the app (assets/fit_map.js).
        var button = document.querySelector('#carte-app [data-frame="' + frame + '"]');
        framed = true;
        if (button) {
          button.click();
          window.setTimeout(poll, 300);
          return;
        }
      }
      if ((framed && mapReady()) || late) {
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
    GESTURES.forEach(function (name) {
      window.removeEventListener(name, start, options);
    });
    document.documentElement.classList.add("app-loading");
    if (frameChosen() || /[?&]frame=/.test(window.location.search)) {
      // `frame` is the written page's own word: the app reads the rest of the address.
      var url = new URL(window.location.href);
      url.searchParams.delete("frame");
      window.history.replaceState(window.history.state, "", url.pathname + url.search + url.hash);
    }
    loadScripts(deferredUrls()).then(function () {
      window.renderer = new window.DashRenderer();
      waitForMap();
    });
  }

  function waiting(element) {
    // The touched control says that something is on its way (the words are the page's, in its language).
    if (element && written) {
      element.setAttribute("data-waiting", written.getAttribute("data-waiting") || "");
      element.classList.add("fp-waiting");
      element.setAttribute("aria-busy", "true");
    }
  }

  function startFor(element) {
    touched = element;
    waiting(element);
    start();
  }

  window.carteStartApp = start; // for tests and the bench: what a first gesture does

  if (!byNeed) {
    GESTURES.forEach(function (name) {
      window.addEventListener(name, start, options);
    });
    return;
  }

  // ------------------------------------------------------------ data-start="links"
  var form = document.getElementById("fp-view");
  var table = written.querySelector('[data-needs-app="projects-table-slot"]');
  if (table && window.IntersectionObserver) {
    // As in the app (assets/lazy_grid.js): the table of projects loads as it nears the screen.
    var observer = new IntersectionObserver(function (entries) {
      if (entries.some(function (entry) { return entry.isIntersecting; })) {
        observer.disconnect();
        near = table;
        waiting(table.querySelector("button") || table);
        start();
      }
    }, { rootMargin: "200px" });
    observer.observe(table);
  }
  document.addEventListener("change", function (event) {
    var field = event.target;
    if (!written.contains(field) || !field.form || field.form !== form) {
      return;
    }
    if (field.name === "region") {
      var mrc = form.elements.namedItem("mrc"); // an MRC of another region would leave nothing to show
      if (mrc && mrc.value) {
        mrc.value = "";
      }
    }
    waiting(field.closest(".filter") || field);
    if (form.requestSubmit) {
      form.requestSubmit();
    } else {
      leaveOutEmpty(form);
      form.submit();
    }
  });
  function leaveOutEmpty(sent) {
    // Empty fields stay out of the address: the same permalink as the app writes.
    Array.prototype.forEach.call(sent.elements, function (element) {
      if (element.name && !element.value && element.type !== "submit") {
        element.disabled = true;
      }
    });
  }
  document.addEventListener("submit", function (event) {
    if (!written.contains(event.target)) {
      return;
    }
    if (event.target === form) {
      leaveOutEmpty(form);
    }
    if (event.submitter) {
      waiting(event.submitter); // a frame button, « Réinitialiser »: the next page is on its way
    }
  }, true);
  document.addEventListener("click", function (event) {
    var target = event.target;
    var needs = target.closest && target.closest("#first-paint [data-needs-app]");
    if (needs) {
      event.preventDefault();
      startFor(needs);
      return;
    }
    var link = target.closest && target.closest("#first-paint a[href]");
    if (link && !event.defaultPrevented && link.origin === window.location.origin && !link.hash) {
      waiting(link); // a link to another view: the next page is on its way
      return;
    }
    var onMap = target.closest && target.closest("#first-paint .fp-map");
    if (onMap && !link && event.detail >= 2) {
      startFor(onMap); // a double tap on the map: a zoom, which the app does
    }
  }, true);
  document.addEventListener("wheel", function (event) {
    var onMap = event.target.closest && event.target.closest("#first-paint .fp-map");
    if (onMap) {
      startFor(onMap);
    }
  }, options);
  document.addEventListener("touchstart", function (event) {
    var onMap = event.target.closest && event.target.closest("#first-paint .fp-map");
    if (onMap && event.touches.length > 1) {
      startFor(onMap); // a pinch
    }
  }, options);
  window.addEventListener("pageshow", function (event) {
    if (event.persisted) {
      // Back to this page from the next view: nothing is loading any more.
      written.querySelectorAll(".fp-waiting").forEach(function (element) {
        element.classList.remove("fp-waiting");
        element.removeAttribute("aria-busy");
      });
      Array.prototype.forEach.call(form ? form.elements : [], function (element) {
        element.disabled = false;
      });
    }
  });
  if (document.readyState === "complete") {
    window.setTimeout(function () { whenIdle(prefetch); }, PREFETCH_AFTER_MS);
  } else {
    window.addEventListener("load", function () {
      window.setTimeout(function () { whenIdle(prefetch); }, PREFETCH_AFTER_MS);
    });
  }
})();
