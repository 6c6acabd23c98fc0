// Django's autocomplete fields become select2 comboboxes named only by their current
// value, so an empty one has no accessible name. Name each by its field's label too.
(function () {
  "use strict";
  function name(root) {
    root.querySelectorAll("select.admin-autocomplete").forEach(function (select) {
      var label = document.querySelector('label[for="' + select.id + '"]');
      var box = select.parentNode.querySelector('.select2-selection[role="combobox"]');
      if (!label || !box) return;
      label.id = label.id || select.id + "_label";
      var current = box.getAttribute("aria-labelledby") || "";
      if (current.indexOf(label.id) === -1) {
        box.setAttribute("aria-labelledby", (label.id + " " + current).trim());
      }
      // The value's own box is a read-only textbox, empty until something is chosen.
      var shown = box.querySelector('[role="textbox"]');
      if (shown) shown.setAttribute("aria-labelledby", label.id);
    });
  }
  // select2 builds its boxes after jQuery's ready handlers, which may run after "load";
  // so name the boxes whenever new ones appear.
  document.addEventListener("DOMContentLoaded", function () {
    var pending = false;
    new MutationObserver(function () {
      if (pending) return;
      pending = true;
      window.requestAnimationFrame(function () { pending = false; name(document); });
    }).observe(document.body, { childList: true, subtree: true });
    name(document);
  });
})();
