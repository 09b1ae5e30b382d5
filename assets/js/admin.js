// The admin console's inline editing: a click opens a cell's editor (htmx),
// Enter or leaving the field saves it, Escape puts the stored row back.
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

  document.addEventListener("submit", function (e) {
    var form = editorOf(e.target);
    if (form) form.dataset.state = "saving";
  }, true);

  document.addEventListener("keydown", function (e) {
    var form = editorOf(e.target);
    if (form) {
      if (e.key === "Escape") {
        e.preventDefault();
        cancel(form);
      } else if (e.key === "Enter") {
        e.preventDefault();
        save(form);
      }
      return;
    }
    var cell = e.target.closest && e.target.closest("[data-editable]");
    if (cell && (e.key === "Enter" || e.key === " ")) {
      e.preventDefault();
      cell.click();
    }
  });

  document.addEventListener("focusout", function (e) {
    var form = editorOf(e.target);
    if (!form || form.dataset.state) return;
    // Moving to the editor's own "over capacity" box is not leaving it.
    if (e.relatedTarget && form.contains(e.relatedTarget)) return;
    save(form);
  });

  document.addEventListener("change", function (e) {
    if (e.target.hasAttribute && e.target.hasAttribute("data-save-on-change")) {
      var form = editorOf(e.target);
      if (form) save(form);
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

  // An opened editor takes the focus with the cursor after the value, so
  // typing adds to it; htmx:load fires on every swapped-in element.
  document.addEventListener("htmx:load", function (e) {
    var el = e.target;
    var input = el.matches && el.matches("input[data-inline-input], select[data-inline-input]") ? el :
      el.querySelector && el.querySelector("input[data-inline-input], select[data-inline-input]");
    if (!input) return;
    input.focus();
    if (input.type === "text") {
      var end = input.value.length;
      input.setSelectionRange(end, end);
    }
  });
})();
