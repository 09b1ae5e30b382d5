// memberdb's small script: toasts from HX-Trigger, KaTeX after every swap,
// the phone menu, scrolling boxes in the tab order. Pages work without it.
(function () {
  "use strict";

  var mathDelimiters = [
    { left: "$$", right: "$$", display: true },
    { left: "$", right: "$", display: false }
  ];

  // KaTeX's limits for every formula on our pages: no size over 5em (a
  // \rule, \kern or \raisebox of 3000px would cover the page), few macro
  // expansions, no \href, \includegraphics or \htmlStyle. app.css clips
  // each formula to its own box as well.
  var katexLimits = { maxSize: 5, maxExpand: 100, trust: false };

  function katexOptions(extra) {
    var o = {};
    [katexLimits, extra].forEach(function (src) {
      Object.keys(src || {}).forEach(function (k) { o[k] = src[k]; });
    });
    return o;
  }

  // Math is typeset only inside elements the templates mark with class
  // "math" (event descriptions, form labels, answers to latex fields): any
  // other text may come from a visitor. Inside them "no-math" still keeps
  // a part as typed, and so does a "no-math" around them.
  function mathAllowed(el) {
    var marked = el.closest(".math, .no-math");
    return !!marked && marked.classList.contains("math");
  }

  // splitMath cuts s into text and math parts as the texts are checked
  // ($…$ inline, $$…$$ display, \$ a literal dollar), or returns null
  // when the dollars do not pair up. It mirrors schema.Balanced in Go.
  function splitMath(s) {
    var parts = [], text = "", math = "", open = "";
    function flushText() {
      if (text) parts.push({ math: false, text: text });
      text = "";
    }
    for (var i = 0; i < s.length;) {
      var c = s.charAt(i);
      if (c === "\\") {
        var pair = s.substr(i, 2);
        if (open) math += pair; else text += (pair === "\\$" ? "$" : pair);
        i += 2;
      } else if (c !== "$") {
        if (open) math += c; else text += c;
        i++;
      } else if (open === "$") {
        parts.push({ math: true, display: false, text: math });
        math = ""; open = "";
        i++;
      } else if (s.substr(i, 2) === "$$") {
        if (open === "$$") {
          parts.push({ math: true, display: true, text: math });
          math = ""; open = "";
        } else {
          flushText();
          open = "$$";
        }
        i += 2;
      } else if (open === "$$") {
        return null;
      } else {
        flushText();
        open = "$";
        i++;
      }
    }
    if (open) return null;
    flushText();
    return parts;
  }

  // KaTeX's auto-render reads every $ as a delimiter, where the texts'
  // check (schema.Balanced) and the latex previews read \$ as a dollar
  // ("5 \$ pro Person"). In each text holding one, the dollars that stand
  // for themselves go into a no-math span, which auto-render leaves
  // alone, and the formulas are written out again around them.
  // The elements whose text auto-render never typesets (its ignoredTags).
  var untypeset = "script, noscript, style, textarea, pre, code, option";

  function literalDollars(el) {
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.nodeValue.indexOf("\\$") >= 0 && !n.parentElement.closest(".katex, .no-math, .math-problem, " + untypeset) ?
          NodeFilter.FILTER_ACCEPT : NodeFilter.FILTER_REJECT;
      }
    });
    var texts = [];
    while (walker.nextNode()) texts.push(walker.currentNode);
    texts.forEach(function (node) {
      var parts = splitMath(node.nodeValue);
      if (!parts) return;
      var frag = document.createDocumentFragment();
      parts.forEach(function (p) {
        if (p.math) {
          var d = p.display ? "$$" : "$";
          frag.appendChild(document.createTextNode(d + p.text + d));
          return;
        }
        p.text.split("$").forEach(function (piece, i) {
          if (i > 0) {
            var dollar = document.createElement("span");
            dollar.className = "no-math";
            dollar.textContent = "$";
            frag.appendChild(dollar);
          }
          if (piece) frag.appendChild(document.createTextNode(piece));
        });
      });
      node.parentNode.replaceChild(frag, node);
    });
  }

  function typeset(el) {
    literalDollars(el);
    window.renderMathInElement(el, katexOptions({
      delimiters: mathDelimiters,
      throwOnError: false,
      ignoredClasses: ["no-math", "katex", "math-problem"]
    }));
    flagMathErrors(el);
  }

  // A formula KaTeX cannot typeset must not pass for text: KaTeX shows it
  // as its source in red (.katex-error), and a $ that auto-render could
  // not pair (an unclosed brace hides the closing one) stays plain text.
  // A note after each says so in the page's language, with KaTeX's own
  // (English) message smaller below it.
  function flagMathErrors(el) {
    el.querySelectorAll(".katex-error").forEach(function (bad) {
      addMathNote(bad, bad.getAttribute("title"));
    });
    var walker = document.createTreeWalker(el, NodeFilter.SHOW_TEXT, {
      acceptNode: function (n) {
        return n.parentElement.closest(".katex, .katex-error, .no-math, .math-problem") ?
          NodeFilter.FILTER_REJECT : NodeFilter.FILTER_ACCEPT;
      }
    });
    var unpaired = [];
    while (walker.nextNode()) {
      if (/(^|[^\\])\$/.test(walker.currentNode.nodeValue)) unpaired.push(walker.currentNode);
    }
    unpaired.forEach(function (text) {
      var rest = text.nodeValue.slice(text.nodeValue.search(/(^|[^\\])\$/)).replace(/^[^$]?\$+/, "");
      var detail = "";
      try {
        window.katex.renderToString(rest, katexOptions({ throwOnError: true }));
      } catch (e) {
        detail = e.message || String(e);
      }
      addMathNote(text, detail);
    });
  }

  function addMathNote(after, detail) {
    var next = after.nextSibling;
    if (next && next.nodeType === 1 && next.classList.contains("math-problem")) return;
    var note = document.createElement("span");
    note.className = "math-problem no-math d-block small text-danger-emphasis";
    note.setAttribute("data-testid", "math-problem");
    note.textContent = document.body.getAttribute("data-math-error") || "";
    if (detail) {
      var small = document.createElement("span");
      small.className = "d-block text-body-secondary";
      small.setAttribute("lang", "en");
      small.textContent = detail;
      note.appendChild(small);
    }
    after.parentNode.insertBefore(note, next);
  }

  function renderMath(root) {
    if (!window.renderMathInElement || !root || root.nodeType !== 1) return;
    if (mathAllowed(root)) {
      typeset(root);
      return;
    }
    root.querySelectorAll(".math").forEach(function (el) {
      // One inside another is typeset with the outer one.
      var outer = el.parentElement && el.parentElement.closest(".math, .no-math");
      if (outer && (outer.classList.contains("no-math") || root.contains(outer))) return;
      typeset(el);
    });
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
    close.setAttribute("aria-label", area.getAttribute("data-close-label") || "×");
    row.appendChild(body);
    row.appendChild(close);
    toast.appendChild(row);
    area.appendChild(toast);
    placeToasts();
    expire(toast);
  }

  // A toast goes after 6 seconds, but not while the pointer or the focus
  // is on it: someone is reading it or reaching for its close button.
  function expire(toast) {
    var timer = null;
    function start() { stop(); timer = setTimeout(function () { toast.remove(); }, 6000); }
    function stop() { if (timer) clearTimeout(timer); timer = null; }
    toast.addEventListener("mouseenter", stop);
    toast.addEventListener("focusin", stop);
    toast.addEventListener("mouseleave", function () { if (!toast.contains(document.activeElement)) start(); });
    toast.addEventListener("focusout", function (e) { if (!toast.contains(e.relatedTarget)) start(); });
    start();
  }

  // Toasts start below the navigation bar, wherever its bottom is now
  // (two lines, an open phone menu, scrolled out of view).
  function placeToasts() {
    var area = document.getElementById("toasts");
    var nav = document.querySelector("[data-testid=nav]");
    if (!area || !nav) return;
    area.style.top = Math.max(nav.getBoundingClientRect().bottom, 0) + "px";
  }
  window.addEventListener("scroll", placeToasts, { passive: true });
  window.addEventListener("resize", placeToasts);

  // After htmx swapped content in, the focus must not be left on the
  // page as a whole (a screen reader would start over): it goes to the
  // element the new content marks with autofocus, else its message or
  // heading, else the swapped region itself.
  function keepFocus(target) {
    if (!target || !document.contains(target)) return;
    var active = document.activeElement;
    if (active && active !== document.body && document.contains(active)) return;
    var next = target.querySelector("[autofocus], [role=alert], [role=status], h1, h2, h3, legend") || target;
    if (!next.matches("a, button, input, select, textarea, [tabindex]")) next.setAttribute("tabindex", "-1");
    next.focus({ preventScroll: true });
  }
  document.addEventListener("htmx:afterSettle", function (e) {
    var target = e.detail && e.detail.target;
    // An outerHTML swap replaced the target: look it up again by its id.
    if (target && !document.contains(target) && target.id) target = document.getElementById(target.id);
    keepFocus(target || e.target);
  });

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
      placeToasts();
    }
  });

  // A box that scrolls (a wide table on a phone, a long typeset answer)
  // joins the tab order while it does, so a keyboard can scroll it too;
  // one that no longer scrolls leaves it again.
  var scrollBoxes = ".table-responsive, .math-cell, .katex-display, div.math, td.math";
  function reachScrollBoxes(root) {
    if (!root || !root.querySelectorAll) return;
    var boxes = Array.prototype.slice.call(root.querySelectorAll(scrollBoxes));
    if (root.matches && root.matches(scrollBoxes)) boxes.push(root);
    boxes.forEach(function (el) {
      var style = getComputedStyle(el);
      var scrolls = (el.scrollWidth > el.clientWidth && /auto|scroll/.test(style.overflowX)) ||
        (el.scrollHeight > el.clientHeight && /auto|scroll/.test(style.overflowY));
      if (scrolls && !el.hasAttribute("tabindex")) {
        el.setAttribute("tabindex", "0");
        el.setAttribute("data-scroll-box", "");
      } else if (!scrolls && el.hasAttribute("data-scroll-box")) {
        el.removeAttribute("tabindex");
        el.removeAttribute("data-scroll-box");
      }
      if (el.classList.contains("table-responsive")) markHiddenColumns(el);
    });
  }
  // A wide table on a phone fades at the side where more columns hide
  // (app.css), so nobody takes its visible part for all of it.
  function markHiddenColumns(el) {
    if (!el.hasAttribute("data-edges")) {
      el.setAttribute("data-edges", "");
      el.addEventListener("scroll", function () { markHiddenColumns(el); }, { passive: true });
    }
    var left = Math.abs(el.scrollLeft);
    var hidden = el.scrollWidth - el.clientWidth;
    el.toggleAttribute("data-more-left", left > 1);
    el.toggleAttribute("data-more-right", hidden - left > 1);
  }
  var resizing = false;
  window.addEventListener("resize", function () {
    if (resizing) return;
    resizing = true;
    requestAnimationFrame(function () { resizing = false; reachScrollBoxes(document.body); });
  });

  document.addEventListener("htmx:load", function (e) {
    renderMath(e.target);
    reachScrollBoxes(e.target);
  });

  // A decided application changes the count on the navigation's badge.
  document.addEventListener("pendingApplications", function (e) {
    var badge = document.getElementById("nav-applications-count");
    var n = Number(e.detail && e.detail.value !== undefined ? e.detail.value : e.detail);
    if (!badge || isNaN(n)) return;
    badge.textContent = String(n);
    badge.classList.toggle("d-none", n === 0);
  });

  document.addEventListener("DOMContentLoaded", function () {
    renderMath(document.body);
    reachScrollBoxes(document.body);
    // Web fonts change what fits.
    if (document.fonts) document.fonts.ready.then(function () { reachScrollBoxes(document.body); });
    placeToasts();
    document.querySelectorAll("#toasts .toast").forEach(expire);
  });

  // A print button prints its page (the record of processing).
  document.addEventListener("click", function (e) {
    if (e.target.closest && e.target.closest("[data-print]")) window.print();
  });

  // Domains hook their own behaviour (latex previews, inline editing) here.
  window.memberdb = { renderMath: renderMath, katexOptions: katexOptions, showToast: showToast, splitMath: splitMath };
})();
