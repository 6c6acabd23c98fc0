// Refreshes the search panel from the server as the form changes: the checks, previews
// and JSON-LD come from the same code that gates publishing. No inline script (CSP).
(function () {
  "use strict";
  var timer = null;
  var pending = null;

  function panel() {
    return document.querySelector(".search-panel[data-url]");
  }

  function refresh() {
    var current = panel();
    if (!current) return;
    var form = current.closest("form");
    var data = new FormData(form);
    Array.from(data.keys()).forEach(function (name) {
      if (data.get(name) instanceof File) data.delete(name);
    });
    if (pending) pending.abort();
    pending = new AbortController();
    fetch(current.dataset.url, {
      method: "POST",
      body: data,
      credentials: "same-origin",
      headers: { "X-Requested-With": "XMLHttpRequest" },
      signal: pending.signal,
    })
      .then(function (response) { return response.ok ? response.text() : null; })
      .then(function (html) {
        var old = panel();
        if (!html || !old) return;
        var open = old.querySelector("details[open]") !== null;
        old.outerHTML = html;
        if (open) panel().querySelector("details").open = true;
      })
      .catch(function () { /* a newer request replaced this one, or the network failed */ });
  }

  document.addEventListener("input", function (event) {
    var current = panel();
    if (!current || !current.closest("form").contains(event.target)) return;
    clearTimeout(timer);
    timer = setTimeout(refresh, 400);
  });
  document.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("select")) {
      clearTimeout(timer);
      timer = setTimeout(refresh, 100);
    }
  });
})();
