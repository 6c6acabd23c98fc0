// Imports the chosen files one request at a time, adding each file's row to the report
// as it is done, with a progress bar. Each file is its own transaction on the server
// anyway, so nothing changes but that the editor sees it happen.
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    var form = document.getElementById("import-form");
    if (!form || !window.fetch) return;
    var input = form.querySelector("input[type=file]");
    form.addEventListener("submit", function (event) {
      var files = Array.from(input.files || []);
      if (files.length < 2) return; // one file: the ordinary post shows it all
      event.preventDefault();
      var report = document.getElementById("import-report");
      var rows = document.getElementById("import-rows");
      var progress = document.getElementById("import-progress");
      var summary = document.getElementById("import-summary");
      var button = form.querySelector("[type=submit]");
      rows.innerHTML = "";
      report.hidden = false;
      progress.hidden = false;
      progress.max = files.length;
      progress.value = 0;
      button.disabled = true;
      var done = 0;
      var failures = 0;
      files.reduce(function (previous, file) {
        return previous.then(function () {
          var data = new FormData(form);
          data.delete(input.name);
          data.append(input.name, file, file.name);
          return fetch(form.action || window.location.href, {
            method: "POST",
            body: data,
            credentials: "same-origin",
            headers: { "X-Requested-With": "XMLHttpRequest" },
          })
            .then(function (response) { return response.text(); })
            .then(function (html) {
              rows.insertAdjacentHTML("beforeend", html);
              failures += (html.match(/<tr class="error"/g) || []).length;
            })
            .catch(function () {
              failures += 1;
              var row = rows.insertRow();
              row.className = "error";
              row.insertCell().textContent = file.name;
              row.insertCell().textContent = "FAILED: the server could not be reached; nothing was lost, import it again.";
              row.insertCell().textContent = "—";
            })
            .then(function () {
              done += 1;
              progress.value = done;
              summary.textContent = "Report: " + done + " of " + files.length +
                " file(s), " + failures + " failed";
            });
        });
      }, Promise.resolve()).then(function () { button.disabled = false; });
    });
  });
})();
