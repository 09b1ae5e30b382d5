// Registration forms: a live KaTeX preview under every latex field. An
// unbalanced $ or a formula KaTeX cannot typeset makes the field invalid,
// so the browser refuses to submit; the server checks the $ again.
(function () {
  "use strict";

  // The limits app.js (loaded before this file) gives every formula:
  // size, macro expansion, trust.
  function katexOptions(extra) {
    return window.memberdb.katexOptions(extra);
  }

  function update(input) {
    var preview = document.getElementById(input.getAttribute("data-latex"));
    if (!preview) return;
    preview.textContent = "";
    var problem = "", detail = "";
    var parts = window.memberdb.splitMath(input.value);
    if (parts === null) {
      problem = input.getAttribute("data-latex-unbalanced");
      preview.appendChild(document.createTextNode(input.value));
    } else {
      parts.forEach(function (p) {
        if (!p.math) {
          preview.appendChild(document.createTextNode(p.text));
          return;
        }
        var span = document.createElement("span");
        try {
          window.katex.render(p.text, span, katexOptions({ displayMode: p.display, throwOnError: true }));
        } catch (e) {
          problem = input.getAttribute("data-latex-error") || "";
          detail = e.message || String(e);
          span.className = "text-danger";
          span.textContent = p.text;
        }
        preview.appendChild(span);
      });
    }
    if (problem) {
      var note = document.createElement("div");
      note.className = "text-danger small";
      note.setAttribute("data-testid", "latex-problem");
      note.textContent = problem;
      if (detail) {
        // KaTeX's own message, in English, smaller after ours.
        var small = document.createElement("span");
        small.className = "d-block text-body-secondary";
        small.setAttribute("lang", "en");
        small.setAttribute("data-testid", "latex-problem-detail");
        small.textContent = detail;
        note.appendChild(small);
      }
      preview.appendChild(note);
    }
    input.setCustomValidity(problem);
    // Leave the server's marking (e.g. a missing answer) alone; undo only
    // our own.
    if (problem) {
      input.classList.add("is-invalid");
      input.setAttribute("data-latex-marked", "");
    } else if (input.hasAttribute("data-latex-marked")) {
      input.classList.remove("is-invalid");
      input.removeAttribute("data-latex-marked");
    }
    preview.hidden = input.value === "";
  }

  function updateAll(root) {
    if (!window.katex) return;
    root.querySelectorAll("[data-latex]").forEach(update);
  }

  document.addEventListener("input", function (e) {
    if (window.katex && e.target.matches && e.target.matches("[data-latex]")) update(e.target);
  });
  document.addEventListener("htmx:load", function (e) { updateAll(e.target); });

  // A form the server refused comes back in place with its problems marked,
  // but on a phone the submit button is far below the first of them: go
  // there, or the tap seems to have done nothing.
  document.addEventListener("htmx:afterSettle", function (e) {
    var xhr = e.detail && e.detail.xhr;
    if (!xhr || xhr.status !== 422) return;
    var bad = document.querySelector("#registration-form .is-invalid, #answers-form .is-invalid");
    if (!bad) return;
    bad.scrollIntoView({ block: "center" });
    bad.focus({ preventScroll: true });
  });
  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", function () { updateAll(document); });
  } else {
    updateAll(document);
  }
})();
