// memberdb's small script: toasts from HX-Trigger, KaTeX after every swap,
// the phone menu. Pages work without it.
(function () {
  "use strict";

  var mathDelimiters = [
    { left: "$$", right: "$$", display: true },
    { left: "$", right: "$", display: false }
  ];

  function renderMath(root) {
    if (window.renderMathInElement) {
      window.renderMathInElement(root, {
        delimiters: mathDelimiters,
        throwOnError: false,
        ignoredClasses: ["no-math"]
      });
    }
  }

  function showToast(kind, text) {
    var area = document.getElementById("toasts");
    if (!area) return;
    var toast = document.createElement("div");
    toast.className = "toast show align-items-center border-0 text-bg-" + (kind || "success");
    toast.setAttribute("role", "status");
    toast.setAttribute("data-testid", "toast");
    var row = document.createElement("div");
    row.className = "d-flex";
    var body = document.createElement("div");
    body.className = "toast-body";
    body.textContent = text;
    var close = document.createElement("button");
    close.type = "button";
    close.className = "btn-close btn-close-white me-2 m-auto";
    close.setAttribute("data-dismiss-toast", "");
    close.setAttribute("aria-label", "×");
    row.appendChild(body);
    row.appendChild(close);
    toast.appendChild(row);
    area.appendChild(toast);
    setTimeout(function () { toast.remove(); }, 6000);
  }

  document.addEventListener("showToast", function (e) {
    var items = (e.detail && e.detail.items) || [];
    items.forEach(function (t) { showToast(t.kind, t.text); });
  });

  document.addEventListener("click", function (e) {
    var t = e.target;
    if (t.closest("[data-dismiss-toast]")) {
      t.closest(".toast").remove();
      return;
    }
    var toggler = t.closest("[data-toggle-nav]");
    if (toggler) {
      var menu = document.getElementById(toggler.getAttribute("aria-controls"));
      var open = menu.classList.toggle("show");
      toggler.setAttribute("aria-expanded", open ? "true" : "false");
    }
  });

  document.addEventListener("htmx:load", function (e) { renderMath(e.target); });

  document.addEventListener("DOMContentLoaded", function () {
    renderMath(document.body);
    document.querySelectorAll("#toasts .toast").forEach(function (toast) {
      setTimeout(function () { toast.remove(); }, 6000);
    });
  });

  // Domains hook their own behaviour (latex previews, inline editing) here.
  window.memberdb = { renderMath: renderMath, showToast: showToast };
})();
