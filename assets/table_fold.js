// On a phone, the long tables of the document pages (territory pages, methodology) start folded: the
// server writes each one open inside a <details class="table-fold"> (components/document.table), and
// this script closes it once, so that a region's page is a page of headings the visitor opens one by
// one instead of 12 000 px of cards. Without scripts, or wider than a phone, everything stays open;
// printing opens them all again.
(function () {
  var phone = window.matchMedia("(max-width: 640px)");

  function fold() {
    if (!phone.matches) {
      return;
    }
    // data-folded: each table is folded once; what the visitor opens stays open.
    document.querySelectorAll("details.table-fold[open]:not([data-folded])").forEach(function (details) {
      details.setAttribute("data-folded", "1");
      details.open = false;
    });
  }

  var pending = false;
  new MutationObserver(function () {
    if (!pending) {
      pending = true;
      window.requestAnimationFrame(function () {
        pending = false;
        fold();
      });
    }
  }).observe(document.documentElement, { childList: true, subtree: true });
  window.addEventListener("beforeprint", function () {
    document.querySelectorAll("details.table-fold").forEach(function (details) {
      details.open = true;
    });
  });
  fold();
})();
