/* django-markdownx takes Tab in its editor to indent (and Shift+Tab to unindent), so a
   keyboard user who tabs into the body cannot tab out of it again. Here Tab moves the
   focus on, as in any other box; Ctrl+] and Ctrl+[ still indent and unindent. */
"use strict";
document.addEventListener("keydown", function (event) {
  if (event.key !== "Tab" || event.ctrlKey || event.metaKey || event.altKey) return;
  var target = event.target;
  if (!target.closest || !target.closest(".markdownx")) return;
  // Caught on the way down, before markdownx's listener on the textarea can keep the focus.
  event.stopPropagation();
}, true);
