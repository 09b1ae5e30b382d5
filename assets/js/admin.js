// The admin console's inline editing: the button in a cell opens its
// editor (htmx), Enter or leaving the field saves it, Escape puts the
// stored row back.
// Lives in its own file because the CSP forbids inline script.
(function () {
  "use strict";

  function editorOf(el) {
    return el && el.closest ? el.closest("form[data-inline-edit]") : null;
  }

  // state guards against saving twice (Enter, then the blur of the swap)
  // and against saving a cancelled edit.
  function save(form) {
    if (form.dataset.state) return;
    form.dataset.state = "saving";
    // An editor typed into right after it appeared may not be wired yet;
    // process is idempotent and makes the submit go through htmx.
    if (window.htmx) window.htmx.process(form);
    form.requestSubmit();
  }

  function cancel(form) {
    if (form.dataset.state) return;
    form.dataset.state = "cancelled";
    var row = form.closest("tr");
    if (window.htmx && row) {
      window.htmx.ajax("GET", form.dataset.cancel, { target: row, swap: "outerHTML" });
    }
  }

  // An editor is sent once. Enter saves on keydown; a keyboard whose
  // Enter still reaches the form as a keypress (a phone's, or a browser
  // driven by a test) submits it a second time with the same version,
  // which came back as a conflict when the first answer was slow.
  document.addEventListener("submit", function (e) {
    var form = editorOf(e.target);
    if (!form) return;
    if (form.dataset.sent) {
      e.preventDefault();
      e.stopImmediatePropagation();
      return;
    }
    form.dataset.sent = "true";
    form.dataset.state = "saving";
  }, true);

  // An answer that is no row (a server error, a timeout, no network)
  // leaves the editor in place: it may be sent again.
  document.addEventListener("htmx:afterRequest", function (e) {
    var form = editorOf(e.detail && e.detail.elt);
    if (form && form.isConnected && !e.detail.successful) {
      delete form.dataset.sent;
      delete form.dataset.state;
      pressed = null;
    }
  });

  // A click from an open editor onto another cell: leaving the editor
  // saves it, and the row that comes back replaces the button clicked (in
  // the same row) or the editor it opened. So the cell pressed opens once
  // the save has settled, and the click itself opens nothing; an editor
  // that came back open (a refused value, a conflict) keeps the user.
  var pressed = null, swallow = false;

  document.addEventListener("pointerdown", function (e) {
    // Only a plain press on a cell's button: a right click, a touch that
    // becomes a scroll (pointercancel) or a press on Undo opens nothing.
    swallow = false;
    pressed = null;
    if (e.button !== 0 || !e.isPrimary || !e.target.closest || !e.target.closest("[data-editable]")) return;
    var cell = e.target.closest("td[data-field]");
    var row = cell && cell.closest("tr[id]");
    // Only an editor that is being saved, or will be as the focus leaves
    // it, comes back.
    var open = document.querySelector("form[data-inline-edit]:not([data-confirming])");
    var saves = open && (open.dataset.state || open.contains(document.activeElement));
    swallow = !!(row && saves && !cell.contains(open) && cell.querySelector(":scope > [data-editable]"));
    pressed = swallow ? { row: row.id, field: cell.dataset.field } : null;
  }, true);

  document.addEventListener("pointercancel", function () {
    swallow = false;
    pressed = null;
  }, true);

  document.addEventListener("click", function (e) {
    if (!swallow || !e.target.closest || !e.target.closest("[data-editable]")) return;
    swallow = false;
    e.preventDefault();
    e.stopPropagation();
  }, true);

  document.addEventListener("htmx:afterSettle", function () {
    if (!pressed || document.querySelector('form[data-inline-edit][data-state="saving"]')) return;
    var p = pressed;
    pressed = null;
    if (document.querySelector("form[data-inline-edit]") || !window.htmx) return;
    var row = document.getElementById(p.row);
    var button = row && row.querySelector('td[data-field="' + p.field + '"] > [data-editable]');
    if (button) {
      window.htmx.ajax("GET", button.getAttribute("hx-get"), { source: button, target: button.closest("td"), swap: "outerHTML" });
    }
  });

  // After Enter, Escape or a choice the row comes back without the
  // editor; the focus goes back to the cell's button, where the keyboard
  // was, instead of to the start of the page.
  var refocus = null;

  function rememberFocus(form) {
    var row = form.closest("tr"), cell = form.closest("td");
    refocus = row && row.id && cell ? { row: row.id, field: cell.dataset.field } : null;
  }

  document.addEventListener("htmx:afterSettle", function (e) {
    var target = e.detail && e.detail.target;
    if (!refocus || !target || target.id !== refocus.row) return;
    var row = document.getElementById(refocus.row);
    var button = row && row.querySelector('td[data-field="' + refocus.field + '"] > [data-editable]');
    refocus = null;
    if (button) button.focus();
  });

  document.addEventListener("keydown", function (e) {
    var form = editorOf(e.target);
    if (!form) return;
    if (e.key === "Escape") {
      e.preventDefault();
      rememberFocus(form);
      cancel(form);
    } else if (e.key === "Enter" && e.target.tagName !== "BUTTON") {
      e.preventDefault();
      rememberFocus(form);
      save(form);
    }
  });

  document.addEventListener("focusout", function (e) {
    var form = editorOf(e.target);
    if (!form || form.dataset.state) return;
    // A value waiting for its confirmation is saved by the button only.
    if (form.hasAttribute("data-confirming")) return;
    // Moving to the editor's own "over capacity" box is not leaving it.
    if (e.relatedTarget && form.contains(e.relatedTarget)) return;
    save(form);
  });

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("[data-inline-cancel]");
    var form = editorOf(button);
    if (form) cancel(form);
  });

  // A choice made with the pointer saves at once. The keys that move
  // through a closed list (arrows, letters) change it too, and Chromium
  // fires "change" for each: those wait for Enter or leaving the field,
  // as the hint under every editor says, so one arrow press saves nothing.
  document.addEventListener("keydown", function (e) {
    var t = e.target;
    if (t.tagName === "SELECT" && t.hasAttribute("data-save-on-change") &&
        e.key !== "Enter" && e.key !== "Escape" && e.key !== "Tab") {
      t.dataset.keyed = "true";
    }
  }, true);

  document.addEventListener("pointerdown", function (e) {
    var t = e.target.closest && e.target.closest("select[data-save-on-change]");
    if (t) delete t.dataset.keyed;
  }, true);

  document.addEventListener("change", function (e) {
    var t = e.target;
    if (!t.hasAttribute || !t.hasAttribute("data-save-on-change") || t.dataset.keyed) return;
    var form = editorOf(t);
    if (form) {
      rememberFocus(form);
      save(form);
    }
  });

  // A refused edit because someone else changed the row (409) still shows
  // the row with the current value and the message.
  document.addEventListener("htmx:beforeSwap", function (e) {
    if (e.detail.xhr && e.detail.xhr.status === 409 && e.detail.elt.closest("[data-admin]")) {
      e.detail.shouldSwap = true;
      e.detail.isError = false;
    }
  });

  // A list's address leaves out empty filters, so bookmarks stay short.
  document.addEventListener("htmx:configRequest", function (e) {
    if (e.detail.verb !== "get" || !e.detail.elt.closest("[data-admin]")) return;
    var params = e.detail.parameters;
    Object.keys(params).forEach(function (k) {
      if (params[k] === "") delete params[k];
    });
  });

  // An opened editor takes the focus with its whole value selected, so
  // typing replaces it (a cursor before "1" made "21" of a typed 2); an
  // editor asking to confirm focuses its confirmation. A saved cell's undo
  // stays a few seconds. htmx:load fires on every swapped-in element.
  document.addEventListener("htmx:load", function (e) {
    var el = e.target;
    if (!el.querySelectorAll) return;
    var undos = el.matches("[data-undo]") ? [el] : Array.prototype.slice.call(el.querySelectorAll("[data-undo]"));
    // It stays while the pointer or the focus is on it.
    undos.forEach(function (u) {
      (function later() {
        setTimeout(function () {
          if (u.matches(":hover, :focus-within")) later(); else u.remove();
        }, 10000);
      })();
    });
    var sel = "input[data-inline-input], select[data-inline-input]";
    var input = el.matches(sel) ? el : el.querySelector(sel);
    if (!input) return;
    var form = editorOf(input);
    var confirm = form && form.hasAttribute("data-confirming") ? form.querySelector('button[type="submit"]') : null;
    if (confirm) {
      // The question as a whole comes into view, not just its button: on
      // a phone it sits in a column scrolled off to the side.
      var question = confirm.closest("[role=alert]") || confirm;
      question.scrollIntoView({ block: "nearest", inline: "nearest" });
      confirm.focus({ preventScroll: true });
      return;
    }
    input.focus();
    selectOnce(input);
  });

  // htmx focuses an autofocus editor as it swaps it in, before htmx:load:
  // the value is selected when it first gets the focus, however it gets it.
  function selectOnce(input) {
    if (input.dataset.selected) return;
    input.dataset.selected = "1";
    if (input.select) input.select();
  }

  document.addEventListener("focusin", function (e) {
    if (e.target.matches && e.target.matches("input[data-inline-input]")) selectOnce(e.target);
  });
  // Leaving a detail form with unsaved changes asks first; saving it does
  // not.
  document.addEventListener("input", function (e) {
    var form = e.target.closest && e.target.closest("form[data-warn-unsaved]");
    if (form) form.dataset.dirty = "1";
  });
  document.addEventListener("submit", function (e) {
    if (e.target.matches && e.target.matches("form[data-warn-unsaved]")) delete e.target.dataset.dirty;
  });
  window.addEventListener("beforeunload", function (e) {
    if (document.querySelector("form[data-warn-unsaved][data-dirty]")) {
      e.preventDefault();
      e.returnValue = "";
    }
  });
})();

// The registration form builder (components/admin/builder.templ): its
// editors apply on change, so Enter applies instead of saving the event;
// saving waits for a change still on its way; rows are dragged to a new
// place (the move up/down buttons do the same without a mouse).
(function () {
  "use strict";

  function builderOf(el) {
    return el && el.closest ? el.closest("[data-builder]") : null;
  }

  document.addEventListener("keydown", function (e) {
    if (e.key !== "Enter" || !e.target.closest || !e.target.closest('[data-testid="builder-editor"]')) return;
    if (e.target.tagName !== "INPUT") return;
    e.preventDefault();
    e.target.dispatchEvent(new Event("change", { bubbles: true }));
  });

  // A change sent on leaving an editor's field is still on its way when
  // the click on Save arrives: the save waits for the builder's answer,
  // which carries the schema with the change.
  document.addEventListener("submit", function (e) {
    var form = e.target, builder = form.querySelector && form.querySelector("[data-builder]");
    if (!builder || !(builder.classList.contains("htmx-request") || builder.querySelector(".htmx-request"))) return;
    e.preventDefault();
    var submitter = e.submitter;
    document.addEventListener("htmx:afterSettle", function again() {
      document.removeEventListener("htmx:afterSettle", again);
      form.requestSubmit(submitter && submitter.isConnected ? submitter : undefined);
    });
  }, true);

  // A field's change is sent when the organiser leaves it, and the answer
  // draws the builder anew; what they typed meanwhile into the next field
  // (anything typed since the request went) would go with the old one.
  // It is carried over with the focus and the caret, and sent when they
  // leave the field.
  var sent = null, typing = null;

  function editorFields(root) {
    return root.querySelectorAll('[data-testid="builder-editor"] input[id]:not([type="checkbox"]), [data-testid="builder-editor"] textarea[id]');
  }

  document.addEventListener("htmx:beforeRequest", function (e) {
    var builder = builderOf(e.detail.elt);
    if (!builder) return;
    sent = {};
    editorFields(builder).forEach(function (el) { sent[el.id] = el.value; });
  });

  document.addEventListener("htmx:beforeSwap", function (e) {
    var builder = builderOf(e.detail.target);
    typing = null;
    if (!builder || !sent) return;
    typing = { values: {}, focus: null };
    editorFields(builder).forEach(function (el) {
      if (el.id in sent && el.value !== sent[el.id]) typing.values[el.id] = el.value;
    });
    var active = document.activeElement;
    if (active && active.id && builder.contains(active) && "selectionStart" in active) {
      typing.focus = { id: active.id, start: active.selectionStart, end: active.selectionEnd };
    }
  });

  document.addEventListener("htmx:afterSwap", function () {
    var t = typing;
    typing = null;
    if (!t) return;
    Object.keys(t.values).forEach(function (id) {
      var el = document.getElementById(id);
      if (el && builderOf(el)) {
        el.value = t.values[id];
        el.dataset.unsent = "1";
      }
    });
    var el = t.focus && document.getElementById(t.focus.id);
    if (el && builderOf(el)) {
      el.focus();
      try { el.setSelectionRange(t.focus.start, t.focus.end); } catch (_) { /* not a text field */ }
    }
  });

  // htmx wires a swapped-in editor only when it settles, a moment after
  // the swap; a change before that would go nowhere. process is
  // idempotent, and this listener runs before htmx's own.
  document.addEventListener("change", function (e) {
    var builder = builderOf(e.target);
    if (builder && window.htmx) window.htmx.process(builder);
    // The browser's own change sends a carried-over value too.
    if (e.target && e.target.dataset) delete e.target.dataset.unsent;
  }, true);

  document.addEventListener("focusout", function (e) {
    var el = e.target;
    if (!el || !el.dataset || !el.dataset.unsent || !builderOf(el)) return;
    // The browser sends no change for a value set by script (the
    // listener above clears the mark).
    el.dispatchEvent(new Event("change", { bubbles: true }));
  }, true);

  // Every builder action changes the schema the form saves.
  document.addEventListener("htmx:afterSwap", function (e) {
    var form = e.detail && e.detail.target && e.detail.target.closest && e.detail.target.closest("form[data-warn-unsaved]");
    if (form && (builderOf(e.detail.target) || e.detail.target.id === "schema-builder")) form.dataset.dirty = "1";
  });

  var dragged = null;

  function row(el) {
    return el && el.closest ? el.closest("li[data-path]") : null;
  }

  document.addEventListener("dragstart", function (e) {
    var li = row(e.target);
    if (!li || !builderOf(li)) return;
    dragged = li;
    e.dataTransfer.effectAllowed = "move";
    e.dataTransfer.setData("text/plain", li.dataset.path);
    li.classList.add("opacity-50");
  });

  document.addEventListener("dragend", function () {
    if (dragged) dragged.classList.remove("opacity-50");
    dragged = null;
  });

  // A row is dropped among its own siblings only: a field stays in its
  // group.
  function target(e) {
    var li = row(e.target);
    return dragged && li && li !== dragged && li.parentElement === dragged.parentElement ? li : null;
  }

  document.addEventListener("dragover", function (e) {
    if (target(e)) {
      e.preventDefault();
      e.dataTransfer.dropEffect = "move";
    }
  });

  document.addEventListener("drop", function (e) {
    var li = target(e);
    if (!li) return;
    e.preventDefault();
    var siblings = Array.prototype.filter.call(li.parentElement.children, function (c) { return c.matches("li[data-path]"); });
    var to = siblings.indexOf(li), from = siblings.indexOf(dragged);
    var box = li.getBoundingClientRect();
    var after = e.clientY > box.top + box.height / 2;
    // The index among the siblings once the dragged row is taken out.
    if (after) to++;
    if (from < to) to--;
    var builder = builderOf(li), path = dragged.dataset.path;
    dragged.classList.remove("opacity-50");
    dragged = null;
    if (to === from || !window.htmx) return;
    window.htmx.ajax("POST", builder.querySelector("[hx-post]").getAttribute("hx-post"), {
      source: builder, target: "#schema-builder", swap: "outerHTML",
      values: { builder_action: "move", builder_path: path, builder_to: String(to) }
    });
  });
})();
