// Writing tools above each Markdown field that carries data-writing-links: Heading, Bold,
// Italic, Bulleted list, Link (an internal-link picker), Citation and Image (the library,
// or a new upload). Markdown stays the text: each tool only writes Markdown at the
// selection, through the browser's own editing where it can, so Undo undoes it, and then
// tells the previews with an "input" event. Without scripts the textarea is all there is.
(function () {
  "use strict";
  var MAC = /Mac|iPhone|iPad/.test(navigator.platform || "");
  var MOD = MAC ? "Cmd" : "Ctrl";
  var counter = 0;

  function el(tag, attrs, children) {
    var node = document.createElement(tag);
    Object.keys(attrs || {}).forEach(function (key) {
      if (key === "text") node.textContent = attrs[key];
      else if (attrs[key] !== null && attrs[key] !== undefined) node.setAttribute(key, attrs[key]);
    });
    (children || []).forEach(function (child) { if (child) node.appendChild(child); });
    return node;
  }

  // --- Editing the text ---------------------------------------------------------------

  function replace(area, start, end, text, selStart, selEnd) {
    area.focus();
    area.setSelectionRange(start, end);
    var before = area.value;
    var done = false;
    try {
      done = document.queryCommandSupported && document.queryCommandSupported("insertText") &&
        document.execCommand("insertText", false, text);
    } catch (e) { done = false; }
    var expected = before.slice(0, start) + text + before.slice(end);
    if (!done || area.value !== expected) {
      area.value = before;
      area.setRangeText(text, start, end, "end");
    }
    area.setSelectionRange(selStart, selEnd);
    area.dispatchEvent(new Event("input", { bubbles: true }));
  }

  function wrap(area, mark, placeholder) {
    var start = area.selectionStart, end = area.selectionEnd, value = area.value;
    var chosen = value.slice(start, end);
    var n = mark.length;
    // Already wrapped: take the marks away again.
    if (value.slice(start - n, start) === mark && value.slice(end, end + n) === mark &&
        (mark !== "*" || (value.charAt(start - n - 1) !== "*" && value.charAt(end + n) !== "*"))) {
      replace(area, start - n, end + n, chosen, start - n, end - n);
      return;
    }
    if (chosen.length > 2 * n && chosen.slice(0, n) === mark && chosen.slice(-n) === mark) {
      var inner = chosen.slice(n, -n);
      replace(area, start, end, inner, start, start + inner.length);
      return;
    }
    // Spaces at the edges of a double-click selection stay outside the marks.
    var lead = chosen.match(/^\s*/)[0], trail = chosen.match(/\s*$/)[0];
    var core = chosen.trim() || placeholder;
    var text = lead + mark + core + mark + trail;
    var from = start + lead.length + n;
    replace(area, start, end, text, from, from + core.length);
  }

  function lineRange(area) {
    var value = area.value;
    var start = value.lastIndexOf("\n", area.selectionStart - 1) + 1;
    var endSel = area.selectionEnd > area.selectionStart && value.charAt(area.selectionEnd - 1) === "\n"
      ? area.selectionEnd - 1 : area.selectionEnd;
    var end = value.indexOf("\n", endSel);
    if (end === -1) end = value.length;
    return [start, end];
  }

  function heading(area) {
    var range = lineRange(area);
    var line = area.value.slice(range[0], area.value.indexOf("\n", range[0]) === -1
      ? area.value.length : area.value.indexOf("\n", range[0]));
    var text;
    if (/^## /.test(line)) text = line.slice(3);
    else text = "## " + (line.replace(/^#{1,6}\s*/, "") || "Heading");
    var end = range[0] + line.length;
    var body = text.replace(/^## /, "");
    var from = range[0] + text.length - body.length;
    replace(area, range[0], end, text, from, from + body.length);
  }

  function bullets(area) {
    var range = lineRange(area);
    var lines = area.value.slice(range[0], range[1]).split("\n");
    var all = lines.some(function (line) { return line.trim(); }) &&
      lines.every(function (line) { return /^\s*[-*+] /.test(line) || !line.trim(); });
    var out = lines.map(function (line) {
      if (all) return line.replace(/^(\s*)[-*+] /, "$1");
      if (!line.trim() && lines.length > 1) return line;
      return /^\s*[-*+] /.test(line) ? line : "- " + line;
    }).join("\n");
    if (!all && !out.replace(/^- /, "").trim()) {
      out = "- List item";
      replace(area, range[0], range[1], out, range[0] + 2, range[0] + out.length);
      return;
    }
    replace(area, range[0], range[1], out, range[0], range[0] + out.length);
  }

  function insertAt(area, saved, text, selectWhole) {
    var start = saved ? saved[0] : area.selectionStart;
    var end = saved ? saved[1] : area.selectionEnd;
    var after = start + text.length;
    replace(area, start, end, text, selectWhole ? start : after, after);
  }

  // A block of its own (an image stands in a paragraph alone, so it gets its caption).
  function asBlock(area, saved, text) {
    var value = area.value, start = saved[0], end = saved[1];
    var before = value.slice(0, start), after = value.slice(end);
    var lead = !before || /\n\n$/.test(before) ? "" : (/\n$/.test(before) ? "\n" : "\n\n");
    var trail = !after || /^\n\n/.test(after) ? "" : (/^\n/.test(after) ? "\n" : "\n\n");
    var whole = lead + text + trail;
    var from = start + lead.length;
    replace(area, start, end, whole, from, from + text.length);
  }

  // --- Dialogs ------------------------------------------------------------------------

  function csrfToken() {
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    if (input) return input.value;
    var found = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    return found ? decodeURIComponent(found[1]) : "";
  }

  function makeDialog(title, help) {
    var id = "writing-dialog-" + (++counter);
    var dialog = el("dialog", { "class": "writing-dialog", "aria-labelledby": id + "-title",
      "aria-describedby": help ? id + "-help" : null });
    dialog.appendChild(el("h2", { id: id + "-title", text: title }));
    if (help) dialog.appendChild(el("p", { id: id + "-help", "class": "writing-help", text: help }));
    dialog.dataset.id = id;
    document.body.appendChild(dialog);
    return dialog;
  }

  function closeButton(dialog, label) {
    var button = el("button", { type: "button", "class": "writing-secondary", text: label || "Cancel" });
    button.addEventListener("click", function () { dialog.close(); });
    return button;
  }

  function openDialog(dialog, area, saved, first) {
    dialog.onclose = function () {
      (dialog.returnFocus || area).focus();
      if (saved && dialog.returnValue !== "inserted") area.setSelectionRange(saved[0], saved[1]);
      dialog.returnValue = "";
    };
    dialog.showModal();
    if (first) first.focus();
  }

  // A search box with a list of options under it, operated with arrows, Enter and Escape.
  function combobox(dialog, labelText, hintText) {
    var id = dialog.dataset.id;
    var input = el("input", { type: "search", id: id + "-q", role: "combobox", autocomplete: "off",
      "aria-autocomplete": "list", "aria-expanded": "false", "aria-controls": id + "-list",
      "aria-describedby": id + "-status", spellcheck: "false" });
    var list = el("ul", { id: id + "-list", role: "listbox", "aria-label": "Results",
      "class": "writing-results", hidden: "" });
    var status = el("p", { id: id + "-status", "class": "writing-status", role: "status" });
    var box = el("div", { "class": "writing-search" }, [
      el("label", { "for": id + "-q", text: labelText }),
      hintText ? el("span", { "class": "writing-hint", text: hintText }) : null,
      input, list, status,
    ]);
    dialog.appendChild(box);
    var state = { items: [], active: -1, onChoose: null };

    function activate(index) {
      var options = list.querySelectorAll("[role=option]");
      options.forEach(function (option, i) { option.setAttribute("aria-selected", i === index ? "true" : "false"); });
      state.active = index;
      if (index >= 0 && options[index]) {
        input.setAttribute("aria-activedescendant", options[index].id);
        options[index].scrollIntoView({ block: "nearest" });
      } else {
        input.removeAttribute("aria-activedescendant");
      }
    }

    state.show = function (items, render) {
      state.items = items;
      list.textContent = "";
      items.forEach(function (item, i) {
        var option = el("li", { role: "option", id: id + "-opt-" + i, "aria-selected": "false" });
        render(option, item);
        option.addEventListener("mousedown", function (event) { event.preventDefault(); });
        option.addEventListener("click", function () { state.onChoose(item); });
        list.appendChild(option);
      });
      list.hidden = !items.length;
      input.setAttribute("aria-expanded", items.length ? "true" : "false");
      activate(items.length ? 0 : -1);
    };
    input.addEventListener("keydown", function (event) {
      var count = state.items.length;
      if (event.key === "ArrowDown" && count) {
        event.preventDefault(); activate((state.active + 1) % count);
      } else if (event.key === "ArrowUp" && count) {
        event.preventDefault(); activate((state.active - 1 + count) % count);
      } else if (event.key === "Escape") {
        // A search box would clear itself and keep the dialog open; Escape closes it.
        event.preventDefault();
        dialog.close();
      } else if (event.key === "Enter") {
        event.preventDefault();
        if (state.onEnter && state.onEnter()) return;
        if (state.active >= 0 && state.items[state.active]) state.onChoose(state.items[state.active]);
      }
    });
    state.input = input; state.list = list; state.status = status;
    return state;
  }

  function debounce(fn, wait) {
    var timer = null;
    return function () { clearTimeout(timer); timer = setTimeout(fn, wait); };
  }

  function getJSON(url, query) {
    var address = url + (url.indexOf("?") === -1 ? "?" : "&") + "q=" + encodeURIComponent(query);
    return fetch(address, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().then(function (data) {
          if (!response.ok) throw new Error(data.error || "The search failed.");
          return data;
        });
      });
  }

  function looksLikeAddress(text) {
    return /^(https?:\/\/\S+|mailto:\S+|\/\S*)$/i.test(text.trim());
  }

  // --- Link ---------------------------------------------------------------------------

  function linkTool(area) {
    var dialog = makeDialog("Insert a link",
      "Search our published articles by title, or type a web address (https://…) and press Enter.");
    var search = combobox(dialog, "Article title or web address");
    var saved = null;
    var seq = 0;
    var insertButton = el("button", { type: "button", "class": "writing-primary", text: "Insert link" });
    dialog.appendChild(el("div", { "class": "writing-actions" }, [insertButton, closeButton(dialog)]));

    function insert(label, target) {
      var chosen = area.value.slice(saved[0], saved[1]);
      var text = "[" + (chosen || label).replace(/[\[\]]/g, "\\$&") + "](" + target.replace(/[()\s]/g, encodeURIComponent) + ")";
      dialog.returnValue = "inserted";
      dialog.close("inserted");
      insertAt(area, saved, text);
    }
    function external() {
      var value = search.input.value.trim();
      if (!looksLikeAddress(value)) return false;
      insert(value, value);
      return true;
    }
    search.onChoose = function (item) { insert(item.title, item.path); };
    search.onEnter = function () { return looksLikeAddress(search.input.value) ? external() : false; };
    insertButton.addEventListener("click", function () {
      if (external()) return;
      if (search.active >= 0 && search.items[search.active]) return search.onChoose(search.items[search.active]);
      search.status.textContent = "Choose an article from the list, or type a full web address.";
    });
    var run = debounce(function () {
      var query = search.input.value.trim();
      var mine = ++seq;
      if (looksLikeAddress(query)) {
        search.show([], null);
        search.status.textContent = "Press Enter to link to this address.";
        return;
      }
      getJSON(area.dataset.writingLinks, query).then(function (data) {
        if (mine !== seq) return;
        search.show(data.results, function (option, item) {
          option.appendChild(el("span", { "class": "writing-title", text: item.title }));
          option.appendChild(el("span", { "class": "writing-path", text: item.path }));
        });
        search.status.textContent = data.results.length
          ? data.results.length + " published article" + (data.results.length === 1 ? "" : "s") + " found."
          : "No published article has that in its title.";
      }).catch(function (error) { search.status.textContent = error.message; });
    }, 150);
    search.input.addEventListener("input", run);

    return function open() {
      saved = [area.selectionStart, area.selectionEnd];
      search.input.value = "";
      search.show([], null);
      search.status.textContent = "";
      openDialog(dialog, area, saved, search.input);
      run();
    };
  }

  // --- Citation -----------------------------------------------------------------------

  function sourceRows() {
    var editor = document.querySelector(".sources-editor");
    if (!editor) return null;
    var rows = [];
    editor.querySelectorAll("tbody tr").forEach(function (row, index) {
      var value = function (key) {
        var input = row.querySelector('input[name$="-' + key + '"]');
        return input ? input.value.trim() : "";
      };
      var deleted = row.querySelector('input[type=checkbox][name$="-delete"]');
      if (deleted && deleted.checked) return;
      var title = value("title"), url = value("url"), doi = value("doi"), pmid = value("pmid");
      if (!title && !url && !doi && !pmid && !value("publisher")) return;
      rows.push({ order: parseInt(value("order"), 10), position: index,
                  label: title || url || doi || ("PMID " + pmid) || value("publisher") });
    });
    // Numbered as the page will number them: by the number box, then as listed.
    rows.sort(function (a, b) {
      var x = isNaN(a.order) ? Infinity : a.order, y = isNaN(b.order) ? Infinity : b.order;
      return x - y || a.position - b.position;
    });
    rows.forEach(function (row, i) { row.number = i + 1; });
    return rows;
  }

  function citationTool(area, announce) {
    var dialog = makeDialog("Cite a source", "Choose the source this passage rests on; [^N] cites row N of Sources.");
    var list = el("ul", { "class": "writing-sources" });
    dialog.appendChild(list);
    dialog.appendChild(el("div", { "class": "writing-actions" }, [closeButton(dialog)]));
    var saved = null;

    return function open() {
      var rows = sourceRows();
      if (!rows || !rows.length) {
        var editor = document.querySelector(".sources-editor");
        if (!editor) {
          announce("This form has no Sources table to cite from.");
          return;
        }
        announce("No sources yet: add one in Sources first, then cite it.");
        var first = editor.querySelector('input[name$="-title"]') || editor.querySelector("input:not([type=hidden])");
        editor.scrollIntoView({ block: "center" });
        if (first) first.focus();
        return;
      }
      saved = [area.selectionStart, area.selectionEnd];
      list.textContent = "";
      rows.forEach(function (row) {
        var button = el("button", { type: "button", "class": "writing-choice" }, [
          el("span", { "class": "writing-mark", text: "[^" + row.number + "]" }),
          el("span", { text: " " + row.label }),
        ]);
        button.addEventListener("click", function () {
          dialog.returnValue = "inserted";
          dialog.close("inserted");
          var mark = "[^" + row.number + "]";
          insertAt(area, [saved[1], saved[1]], mark);
        });
        list.appendChild(el("li", {}, [button]));
      });
      openDialog(dialog, area, saved, list.querySelector("button"));
    };
  }

  // --- Image --------------------------------------------------------------------------

  // With `pick`, the chosen image goes to it (the hero), not into the text.
  function imageTool(area, pick) {
    var dialog = pick
      ? makeDialog("Choose the hero image", "Choose one from the image library, or upload a new one.")
      : makeDialog("Insert an image", "Choose one from the image library, or upload a new one.");
    var id = dialog.dataset.id;
    var saved = null;
    var seq = 0;
    var search = combobox(dialog, "Search the image library", null);

    function insert(image) {
      dialog.returnValue = "inserted";
      dialog.close("inserted");
      if (pick) return pick(image);
      var alt = (image.alt || "").replace(/[\[\]]/g, "");
      asBlock(area, saved, "![" + alt + "](image:" + image.id + ")");
    }
    search.onChoose = insert;
    var run = debounce(function () {
      var mine = ++seq;
      getJSON(area.dataset.writingImages, search.input.value.trim()).then(function (data) {
        if (mine !== seq) return;
        search.show(data.results, function (option, item) {
          if (item.thumb) option.appendChild(el("img", { src: item.thumb, alt: "", width: "80", height: "60", loading: "lazy" }));
          option.appendChild(el("span", { "class": "writing-title", text: item.alt }));
          option.appendChild(el("span", { "class": "writing-path", text: "image:" + item.id }));
        });
        search.status.textContent = data.results.length
          ? data.results.length + " image" + (data.results.length === 1 ? "" : "s") + " found."
          : "No image in the library matches.";
      }).catch(function (error) { search.status.textContent = error.message; });
    }, 150);
    search.input.addEventListener("input", run);

    var form = null, formStatus = null;
    if (area.dataset.writingCanUpload) {
      var field = function (name, label, attrs) {
        var input = el(name === "caption" ? "textarea" : "input", Object.assign({ id: id + "-" + name, name: name }, attrs || {}));
        return el("p", { "class": "writing-field" }, [el("label", { "for": id + "-" + name, text: label }), input]);
      };
      formStatus = el("p", { "class": "writing-status", role: "status", id: id + "-upload-status" });
      form = el("form", { "class": "writing-upload", "aria-labelledby": id + "-upload" }, [
        el("h3", { id: id + "-upload", text: "Upload a new image" }),
        field("file", "Image file (JPEG, PNG or WebP)", { type: "file", accept: "image/jpeg,image/png,image/webp", required: "" }),
        field("alt", "Alt text (required)", { type: "text", required: "", maxlength: "250" }),
        field("caption", "Caption (optional)", { rows: "2", maxlength: "500" }),
        field("credit", "Credit (optional)", { type: "text", maxlength: "250" }),
        field("licence", "Licence (required by the library)", { type: "text", required: "", maxlength: "250" }),
        formStatus,
        el("div", { "class": "writing-actions" }, [
          el("button", { type: "submit", "class": "writing-primary", text: pick ? "Upload and choose" : "Upload and insert" }),
        ]),
      ]);
      dialog.appendChild(form);
      form.addEventListener("submit", function (event) {
        event.preventDefault();
        var data = new FormData(form);
        formStatus.textContent = "Uploading…";
        fetch(area.dataset.writingUpload, {
          method: "POST", body: data, credentials: "same-origin",
          headers: { "X-CSRFToken": csrfToken(), Accept: "application/json" },
        }).then(function (response) {
          return response.json().then(function (body) {
            if (!response.ok) throw new Error(body.error || "The upload failed.");
            return body;
          });
        }).then(function (image) {
          formStatus.textContent = "";
          form.reset();
          insert(image);
        }).catch(function (error) {
          formStatus.textContent = error.message;
        });
      });
    }
    dialog.appendChild(el("div", { "class": "writing-actions" }, [closeButton(dialog)]));

    var open = function () {
      saved = pick ? null : [area.selectionStart, area.selectionEnd];
      search.input.value = "";
      search.show([], null);
      search.status.textContent = "";
      if (formStatus) formStatus.textContent = "";
      openDialog(dialog, area, saved, search.input);
      run();
    };
    open.dialog = dialog;
    return open;
  }

  // The hero: the library image's number, with a thumbnail, Choose and Remove.
  function imageChooser(input) {
    var holder = document.querySelector('.image-chooser[data-for="' + input.id + '"]');
    if (!holder || input.dataset.imageChooserBuilt) return;
    input.dataset.imageChooserBuilt = "1";
    var figure = holder.querySelector("figure");
    var thumb = figure.querySelector("img");
    var alt = figure.querySelector(".image-chosen-alt");
    var label = input.parentNode.querySelector("strong");
    var choose = el("button", { type: "button", "class": "writing-secondary image-choose", text: "Choose from the library…" });
    var remove = el("button", { type: "button", "class": "writing-secondary image-remove", text: "Remove" });
    var status = el("p", { "class": "writing-announce", role: "status" });
    function set(image) {
      input.value = image ? String(image.id) : "";
      figure.hidden = !image;
      remove.hidden = !image;
      if (image) {
        if (image.thumb) thumb.src = image.thumb;
        alt.textContent = image.alt;
      }
      if (label) label.textContent = image ? image.alt : "";
      status.textContent = image ? "Chosen: " + image.alt : "No hero image chosen.";
      input.dispatchEvent(new Event("input", { bubbles: true }));
      input.dispatchEvent(new Event("change", { bubbles: true }));
    }
    var open = imageTool(input, set);
    open.dialog.returnFocus = choose;
    remove.hidden = !input.value;
    choose.addEventListener("click", open);
    remove.addEventListener("click", function () { set(null); choose.focus(); });
    holder.appendChild(el("div", { "class": "writing-actions" }, [choose, remove]));
    holder.appendChild(status);
  }

  // --- The toolbar --------------------------------------------------------------------

  var TOOLS = [
    { name: "heading", label: "Heading", text: "H", keys: "Alt+2", code: "Digit2", alt: true },
    { name: "bold", label: "Bold", text: "B", keys: "B", code: "KeyB" },
    { name: "italic", label: "Italic", text: "I", keys: "I", code: "KeyI" },
    { name: "list", label: "Bulleted list", text: "• List", keys: "Shift+8", code: "Digit8", shift: true },
    { name: "link", label: "Link", text: "Link", keys: "K", code: "KeyK" },
    { name: "cite", label: "Citation", text: "Citation", keys: "Alt+F", code: "KeyF", alt: true },
    { name: "image", label: "Image", text: "Image", keys: "Alt+M", code: "KeyM", alt: true },
  ];

  function build(area) {
    if (area.dataset.writingToolbar) return;
    area.dataset.writingToolbar = "1";
    var label = document.querySelector('label[for="' + area.id + '"]');
    var fieldName = label ? label.textContent.replace(/:$/, "").trim() : "text";
    var bar = el("div", { role: "toolbar", "class": "writing-toolbar", "aria-label": "Formatting for " + fieldName,
      "aria-controls": area.id });
    var live = el("p", { "class": "writing-announce", role: "status" });
    var announce = function (text) { live.textContent = ""; setTimeout(function () { live.textContent = text; }, 30); };
    var actions = {
      heading: function () { heading(area); },
      bold: function () { wrap(area, "**", "bold text"); },
      italic: function () { wrap(area, "*", "italic text"); },
      list: function () { bullets(area); },
      link: linkTool(area),
      cite: citationTool(area, announce),
      image: imageTool(area),
    };
    TOOLS.forEach(function (tool) {
      var shortcut = (MAC ? "Meta+" : "Control+") + tool.keys;
      var shown = MOD + "+" + tool.keys;
      var button = el("button", { type: "button", "class": "writing-tool writing-" + tool.name,
        "aria-label": tool.label, title: tool.label + " (" + shown + ")",
        "aria-keyshortcuts": "Control+" + tool.keys + " Meta+" + tool.keys,
        "data-tool": tool.name });
      button.appendChild(el("span", { "aria-hidden": "true", text: tool.text }));
      button.addEventListener("click", function () { actions[tool.name](); });
      bar.appendChild(button);
      void shortcut;
    });
    area.addEventListener("keydown", function (event) {
      if (!(event.ctrlKey || event.metaKey)) return;
      var tool = TOOLS.find(function (t) {
        return t.code === event.code && !!t.alt === event.altKey && !!t.shift === event.shiftKey;
      });
      if (!tool) return;
      event.preventDefault();
      actions[tool.name]();
    });
    var holder = area.closest(".markdownx") || area;
    holder.parentNode.insertBefore(bar, holder);
    holder.parentNode.insertBefore(live, holder);
  }

  function start() {
    // Not the inline's hidden template row: "Add another" copies it, toolbar and all.
    document.querySelectorAll("textarea[data-writing-links]").forEach(function (area) {
      if (area.name.indexOf("__prefix__") === -1) build(area);
    });
    document.addEventListener("formset:added", function (event) {
      event.target.querySelectorAll("textarea[data-writing-links]").forEach(build);
    });
    document.querySelectorAll("input[data-image-chooser]").forEach(imageChooser);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
