// The map's search box suggests places as the visitor types (pages/dashboard/place_search.py).
// The box's own value reaches the server only on Enter (the map and the projects follow it then);
// here, after a pause in typing, the text is handed to a store that the server answers with the
// places it names. One request per pause, never one per key; Enter sends at once and cancels the
// pause's request, which would say the same.
(function () {
  var BOX = "filter-search"; // components/ids.SEARCH
  var STORE = "place-typed"; // components/ids.PLACE_TYPED
  var PAUSE_MS = 300;
  var timer = null;
  var count = 0; // each pause is a change of the store, even for a text already sent

  function send(box) {
    var clientside = window.dash_clientside;
    if (!clientside || !clientside.set_props) {
      return; // the app is not there yet: the written page's search is a GET form to /lieu
    }
    count += 1;
    clientside.set_props(STORE, { data: { text: box.value.slice(0, 100), n: count } });
  }

  document.addEventListener("input", function (event) {
    var box = event.target;
    if (!box || box.id !== BOX) {
      return;
    }
    clearTimeout(timer);
    timer = setTimeout(function () { send(box); }, PAUSE_MS);
  }, true);

  document.addEventListener("keydown", function (event) {
    if (event.key === "Enter" && event.target && event.target.id === BOX) {
      clearTimeout(timer);
    }
  }, true);
})();
