// Tells the server this change form is open, and shows who else has it open or has
// saved a newer version since. The save itself is checked on the server either way.
(function () {
  "use strict";
  var box = document.getElementById("presence");
  if (!box || !box.dataset.url) { return; }
  var base = box.dataset.base;
  var token = document.querySelector("input[name=csrfmiddlewaretoken]");

  function post(extra) {
    var body = new URLSearchParams(extra || {});
    if (token) { body.append("csrfmiddlewaretoken", token.value); }
    return fetch(box.dataset.url, { method: "POST", body: body, credentials: "same-origin" });
  }

  function note(text) {
    var p = document.createElement("p");
    p.className = "presence-note";
    p.textContent = text;
    return p;
  }

  function beat() {
    post().then(function (response) { return response.json(); }).then(function (data) {
      box.replaceChildren();
      data.editors.forEach(function (editor) {
        box.appendChild(note(editor.name + " is editing since " + editor.since + "."));
      });
      if (data.latest_revision && String(data.latest_revision) !== base && !data.latest_by_me) {
        box.appendChild(note(data.latest_by + " saved a newer version at " + data.latest_at +
          ". Your save will be checked against it, and nothing of yours will be lost."));
      }
    }).catch(function () { /* offline for a moment: try again next beat */ });
  }

  beat();
  window.setInterval(beat, 30000);
  window.addEventListener("pagehide", function () {
    if (navigator.sendBeacon) {
      var body = new FormData();
      body.append("leave", "1");
      if (token) { body.append("csrfmiddlewaretoken", token.value); }
      navigator.sendBeacon(box.dataset.url, body);
    }
  });
})();
