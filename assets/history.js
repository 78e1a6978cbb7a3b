// Back and Forward on the map page (the page pushes one history entry per view: pages/dashboard).
// Returning to another view of the same page sets the filter controls to that view (the server's
// restore_from_history reads the address), and the map is patched as after any filter change.
// Dash's router is kept out of it: it would rebuild the whole page, and the new map figure would
// reach plotly.js while MapLibre still loads the old style (errors reading the style's `layers`,
// and sometimes the wrong view). Anything else — another page, another language, the presentation
// mode — is left to the router as before.
(function () {
  var STORE = "history-query"; // components/ids.py HISTORY_QUERY
  var count = 0; // each return is new, even to an address seen before

  function samePage() {
    var page = document.querySelector(".page[lang]");
    if (!page || !document.getElementById("level-radio") || !window.carteDashboardPath) {
      return false;
    }
    if (window.location.pathname !== window.carteDashboardPath) {
      return false;
    }
    var params = new URLSearchParams(window.location.search);
    return !params.has("mode") && (params.get("lang") || "fr") === page.lang;
  }

  // Capturing, and added before Dash mounts its Location component: this listener runs first.
  window.addEventListener("popstate", function (event) {
    if (!samePage() || !window.dash_clientside || !window.dash_clientside.set_props) {
      return;
    }
    event.stopImmediatePropagation();
    count += 1;
    window.dash_clientside.set_props(STORE, { data: { query: window.location.search.replace(/^\?/, ""), n: count } });
  }, true);
})();
