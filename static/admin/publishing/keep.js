// Nothing typed is lost: leaving a changed form asks first, comments are posted without
// leaving the page, and the form is kept on the server as it is typed (one slot per
// person), to be offered back when the form is opened again.
document.addEventListener("DOMContentLoaded", function () {
  "use strict";
  const box = document.getElementById("autosave");
  if (!box) return;
  const form = box.closest("form");
  const state = document.getElementById("autosave-state");
  // Posted by the buttons, or local to the preview; never the writer's text.
  const notKept = new Set(["csrfmiddlewaretoken", "_transition", "_transition_note",
    "_publish_despite_advice", "_publish_at", "_overwrite", "_preview_width", "_autosaved"]);
  let dirty = false;
  let timer = null;
  let sending = false;
  let again = false;

  function fields() {
    const data = new FormData(form);
    const kept = {};
    for (const [name, value] of data.entries()) {
      if (notKept.has(name) || value instanceof File) continue;
      (kept[name] = kept[name] || []).push(value);
    }
    return kept;
  }

  function same(saved, now) {
    const names = new Set([...Object.keys(saved), ...Object.keys(now)]);
    for (const name of names) {
      if (name.endsWith("-INITIAL_FORMS")) continue;
      if (JSON.stringify(saved[name] || []) !== JSON.stringify(now[name] || [])) return false;
    }
    return true;
  }

  // --- The leave-page warning -------------------------------------------------------
  window.addEventListener("beforeunload", function (event) {
    if (!dirty) return;
    event.preventDefault();
    event.returnValue = "";
  });
  form.addEventListener("submit", function (event) {
    // A preview opens in another tab: this one still holds the unsaved text.
    const submitter = event.submitter;
    if (submitter && submitter.formTarget && submitter.formTarget !== "_self") return;
    dirty = false;
    clearTimeout(timer);
  });

  // --- Autosave ---------------------------------------------------------------------
  async function keep() {
    if (sending) {
      again = true;
      return;
    }
    sending = true;
    const body = new URLSearchParams();
    body.append("csrfmiddlewaretoken", form.elements.csrfmiddlewaretoken.value);
    for (const [name, values] of Object.entries(fields())) {
      for (const value of values) body.append(name, value);
    }
    try {
      const response = await fetch(box.dataset.url, {
        method: "POST", body: body, credentials: "same-origin",
        headers: {"X-Requested-With": "fetch"},
      });
      if (response.ok) {
        form.elements._autosaved.value = "1";  // the save that follows empties the slot
        const answer = await response.json();
        if (dirty) state.textContent = `Unsaved changes kept for you at ${answer.saved_at}. Save to make them a revision.`;
      } else {
        state.textContent = "Your changes could not be kept on the server; save soon.";
      }
    } catch (error) {
      state.textContent = "Offline: your changes are only in this page until you save.";
    } finally {
      sending = false;
      if (again) {
        again = false;
        keep();
      }
    }
  }

  function changed(event) {
    if (event.target.name === "_preview_width" || !event.target.form) return;
    dirty = true;
    clearTimeout(timer);
    timer = setTimeout(keep, 2000);
  }
  form.addEventListener("input", changed);
  form.addEventListener("change", changed);

  // --- Offered back ---------------------------------------------------------------
  const offer = box.querySelector(".autosave-offer");
  const kept = document.getElementById("autosave-data");
  function discard() {
    const body = new URLSearchParams({
      csrfmiddlewaretoken: form.elements.csrfmiddlewaretoken.value, _discard: "1",
    });
    fetch(box.dataset.url, {method: "POST", body: body, credentials: "same-origin"});
  }
  if (offer && kept) {
    const saved = JSON.parse(kept.textContent);
    if (same(saved, fields())) {
      discard();  // nothing there that the form does not already hold
    } else {
      offer.hidden = false;
      offer.querySelector("[data-autosave=restore]").addEventListener("click", function () {
        restore(saved);
        offer.hidden = true;
        dirty = true;
        state.textContent = "Your unsaved changes are back in the form. Save to keep them.";
        state.setAttribute("role", "status");
        const first = form.querySelector("input:not([type=hidden]), textarea, select");
        if (first) first.focus();
      });
      offer.querySelector("[data-autosave=discard]").addEventListener("click", function () {
        discard();
        offer.hidden = true;
        state.textContent = "Discarded.";
      });
    }
  }

  function restore(saved) {
    // Inline rows first: add as many as the kept form had, with the admin's own link.
    for (const [name, values] of Object.entries(saved)) {
      if (!name.endsWith("-TOTAL_FORMS")) continue;
      const prefix = name.slice(0, -"-TOTAL_FORMS".length);
      const total = form.elements[name];
      const add = document.querySelector(`#${CSS.escape(prefix)}-group .add-row a`);
      for (let guard = 0; total && add && Number(total.value) < Number(values[0]) && guard < 100; guard++) {
        add.click();
      }
    }
    for (const element of form.elements) {
      const name = element.name;
      if (!name || notKept.has(name) || element.type === "file" || element.type === "submit"
          || element.type === "button" || /-(TOTAL|INITIAL|MIN_NUM|MAX_NUM)_FORMS$/.test(name)) continue;
      const values = saved[name] || [];
      if (element.type === "checkbox" || element.type === "radio") {
        element.checked = values.includes(element.value);
      } else if (element.tagName === "SELECT" && element.multiple) {
        for (const option of element.options) option.selected = values.includes(option.value);
      } else if (name in saved) {
        element.value = values[0];
      } else {
        continue;
      }
      element.dispatchEvent(new Event("input", {bubbles: true}));
      element.dispatchEvent(new Event("change", {bubbles: true}));
    }
  }

  // --- Comments without leaving the page ------------------------------------------
  const live = document.createElement("p");
  live.id = "comment-notice";
  live.className = "visually-hidden";
  live.setAttribute("role", "status");
  document.body.appendChild(live);
  document.addEventListener("submit", async function (event) {
    const target = event.target;
    const section = document.getElementById("comments");
    if (!section || !section.contains(target)) return;
    event.preventDefault();
    const button = target.querySelector("button[type=submit]");
    if (button) button.disabled = true;
    try {
      const response = await fetch(target.action, {
        method: "POST", body: new FormData(target), credentials: "same-origin",
        headers: {"X-Requested-With": "fetch"},
      });
      if (!response.ok) {
        live.textContent = response.status === 400 ? await response.text()
          : "The comment was not posted; try again.";
        return;
      }
      const holder = document.createElement("div");
      holder.innerHTML = await response.text();
      const fresh = holder.querySelector("#comments");
      section.replaceWith(fresh);
      live.textContent = response.headers.get("X-Notice") || "";
      const focus = fresh.dataset.focus && document.getElementById(fresh.dataset.focus);
      if (focus) {
        focus.tabIndex = -1;
        focus.focus();
      }
    } catch (error) {
      live.textContent = "Offline: the comment was not posted; try again.";
    } finally {
      if (button && button.isConnected) button.disabled = false;
    }
  });
});
