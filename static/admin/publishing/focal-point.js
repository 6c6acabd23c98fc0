// The library image's focal point: the marker shows it, and a click on the preview sets
// it. The two number fields stay the form's own way to set it, with or without this.
document.addEventListener("DOMContentLoaded", () => {
  const preview = document.querySelector(".focal-preview");
  const across = document.getElementById("id_focal_x");
  const down = document.getElementById("id_focal_y");
  if (!preview) return;
  const marker = preview.querySelector(".focal-marker");
  // CSSOM, not a style attribute: the admin's Content Security Policy allows only this.
  function place(x, y) {
    marker.style.left = `${x * 100}%`;
    marker.style.top = `${y * 100}%`;
    marker.hidden = false;
  }
  place(Number(preview.dataset.x), Number(preview.dataset.y));
  if (!across || !down) return;
  preview.classList.add("is-clickable");
  preview.addEventListener("click", (event) => {
    const box = preview.querySelector("img").getBoundingClientRect();
    const x = Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1);
    const y = Math.min(Math.max((event.clientY - box.top) / box.height, 0), 1);
    across.value = x.toFixed(3);
    down.value = y.toFixed(3);
    across.dispatchEvent(new Event("input", {bubbles: true}));
    place(x, y);
  });
  // Typing the numbers moves the marker too.
  for (const field of [across, down]) {
    field.addEventListener("input", () => {
      const x = Number(across.value), y = Number(down.value);
      if (x >= 0 && x <= 1 && y >= 0 && y <= 1) place(x, y);
    });
  }
});
