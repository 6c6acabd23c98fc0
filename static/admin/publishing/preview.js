// The preview panel follows the writer's typing: the form, unsaved, is posted to the
// preview view and the page it renders is shown in the panel. Without this script the
// panel's button posts the form into the frame instead.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const panel = document.getElementById("preview-panel");
  if (!panel) return;
  const form = panel.closest("form");
  const frame = panel.querySelector("iframe");
  let timer = null;
  let busy = false;
  let again = false;

  function formData() {
    const data = new FormData(form);
    // A chosen file is uploaded when the form is saved, never by a preview.
    for (const key of Array.from(data.keys())) {
      if (data.getAll(key).some((value) => value instanceof File)) data.delete(key);
    }
    return data;
  }

  async function refresh() {
    if (!panel.open) return;
    if (busy) {
      again = true;
      return;
    }
    busy = true;
    try {
      const response = await fetch(panel.dataset.url, {
        method: "POST",
        body: formData(),
        credentials: "same-origin",
      });
      if (response.ok) frame.srcdoc = await response.text();
    } catch (error) {
      // Offline for a moment: the next keystroke tries again.
    } finally {
      busy = false;
      if (again) {
        again = false;
        refresh();
      }
    }
  }

  function soon() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 700);
  }

  panel.addEventListener("toggle", refresh);
  form.addEventListener("input", soon);
  form.addEventListener("change", (event) => {
    if (event.target.name !== "_preview_width") soon();
  });
});
