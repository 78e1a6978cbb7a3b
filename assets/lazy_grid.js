// Loads AG Grid's script only when the project table nears the screen (see pages/dashboard/lazy_grid.py),
// then tells Dash, which renders the grid in the slot. Pressing the slot's button does the same.
(function () {
  var MARGIN = "200px"; // start a little before the table scrolls in, so it is there when seen

  function load(slot) {
    if (slot.dataset.state) {
      return;
    }
    slot.dataset.state = "loading";
    var button = slot.querySelector("button");
    if (button) {
      button.disabled = true;
      button.textContent = slot.dataset.loadingText;
    }
    var script = document.createElement("script");
    script.src = slot.dataset.gridScript;
    script.onload = function () {
      slot.dataset.state = "loaded";
      window.dash_clientside.set_props(slot.dataset.readyId, {data: true});
    };
    script.onerror = function () {
      slot.dataset.state = "";  // a later scroll or press tries again
      if (button) {
        button.disabled = false;
        button.textContent = slot.dataset.errorText;
      }
    };
    document.head.appendChild(script);
  }

  var observer = "IntersectionObserver" in window ? new IntersectionObserver(function (entries) {
    entries.forEach(function (entry) {
      if (entry.isIntersecting) {
        observer.unobserve(entry.target);
        load(entry.target);
      }
    });
  }, {rootMargin: MARGIN}) : null;

  // Dash renders the page after this script runs, and again on each page change: watch for slots.
  function watch() {
    document.querySelectorAll("[data-grid-script]:not([data-watched])").forEach(function (slot) {
      slot.setAttribute("data-watched", "");
      var button = slot.querySelector("button");
      if (button) {
        button.addEventListener("click", function () { load(slot); });
      }
      if (observer) {
        observer.observe(slot);
      }
    });
  }

  new MutationObserver(watch).observe(document.documentElement, {childList: true, subtree: true});
  watch();
})();
