/* The action bar stays at the top of the screen while the form scrolls under it. A control
   reached with Tab or Shift+Tab is scrolled into view by the browser, which knows nothing
   of the bar and would leave the control under it: the page's scroll padding tells it how
   much of the top the bar takes. On a phone only the bar's main row stays. */
"use strict";
(function () {
  var MARGIN = 8;  // a little air between the bar and the focused control

  function stuck() {
    var bar = document.querySelector(".action-bar");
    if (!bar) return null;
    // On a phone the bar gives up its box (display: contents) to its main row.
    var style = getComputedStyle(bar);
    if (style.position === "sticky" && style.display !== "contents") return bar;
    var row = bar.querySelector(".action-main");
    return row && getComputedStyle(row).position === "sticky" ? row : null;
  }

  function pad() {
    var part = stuck();
    document.documentElement.style.scrollPaddingTop =
      part ? Math.ceil(part.getBoundingClientRect().height) + MARGIN + "px" : "";
  }

  function start() {
    var bar = document.querySelector(".action-bar");
    if (!bar) return;
    pad();
    // The bar grows and shrinks as it wraps, and as notes appear in it.
    if (window.ResizeObserver) new ResizeObserver(pad).observe(bar);
    var row = bar.querySelector(".action-main");
    if (row && window.ResizeObserver) new ResizeObserver(pad).observe(row);
    window.addEventListener("resize", pad);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
