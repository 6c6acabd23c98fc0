// A click on the library image's preview sets its focal point: the two number fields
// stay the form's own way to set it, with or without this.
document.addEventListener("DOMContentLoaded", () => {
  const preview = document.querySelector(".focal-preview");
  const across = document.getElementById("id_focal_x");
  const down = document.getElementById("id_focal_y");
  if (!preview) return;
  const marker = preview.querySelector(".focal-marker");
  // Placed here rather than in a style attribute, which the site's CSP refuses.
  marker.style.left = `${marker.dataset.x}%`;
  marker.style.top = `${marker.dataset.y}%`;
  marker.hidden = false;
  // Those who may only see the image see the point, and cannot move it.
  if (!across || !down) return;
  preview.style.cursor = "crosshair";
  preview.addEventListener("click", (event) => {
    const box = preview.querySelector("img").getBoundingClientRect();
    const x = Math.min(Math.max((event.clientX - box.left) / box.width, 0), 1);
    const y = Math.min(Math.max((event.clientY - box.top) / box.height, 0), 1);
    across.value = x.toFixed(3);
    down.value = y.toFixed(3);
    marker.style.left = `${x * 100}%`;
    marker.style.top = `${y * 100}%`;
  });
});
