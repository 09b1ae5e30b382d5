// Organiser pages: refuse attachments over the size limit before a long
// upload fails, keep a double click from submitting the send twice (the
// server sends once anyway), and let the choice of columns tick or untick
// every box at once (saved only by its save button).
(function () {
  "use strict";

  function selectedBytes(form) {
    var total = 0;
    form.querySelectorAll("input[type=file]").forEach(function (input) {
      Array.prototype.forEach.call(input.files || [], function (f) { total += f.size; });
    });
    form.querySelectorAll("input[name=keep_attachment]:checked").forEach(function (box) {
      total += parseInt(box.getAttribute("data-size"), 10) || 0;
    });
    return total;
  }

  function checkSize(form) {
    var max = parseInt(form.getAttribute("data-max-bytes"), 10) || 0;
    var input = form.querySelector("input[type=file]");
    var feedback = document.getElementById("mail-attachments-error");
    if (!input || !max) return true;
    var tooLarge = selectedBytes(form) > max;
    var message = tooLarge ? form.getAttribute("data-too-large") : "";
    input.setCustomValidity(message);
    input.classList.toggle("is-invalid", tooLarge);
    if (feedback && (tooLarge || feedback.getAttribute("data-client") === "1")) {
      feedback.textContent = message;
      feedback.setAttribute("data-client", tooLarge ? "1" : "0");
    }
    return !tooLarge;
  }

  // The buttons exist only with this script; the filter swaps the table
  // and the chooser with it, so they are shown on every swap.
  function showTickButtons(root) {
    root.querySelectorAll("form[data-columns-form] button[data-tick]").forEach(function (b) { b.hidden = false; });
  }
  showTickButtons(document);
  document.addEventListener("htmx:afterSettle", function () { showTickButtons(document); });

  document.addEventListener("click", function (e) {
    var button = e.target.closest && e.target.closest("form[data-columns-form] button[data-tick]");
    if (!button) return;
    var tick = button.getAttribute("data-tick") === "all";
    button.form.querySelectorAll("input[type=checkbox][name=column]").forEach(function (box) { box.checked = tick; });
  });

  document.addEventListener("change", function (e) {
    var form = e.target.closest && e.target.closest("form[data-mail-form]");
    if (form && (e.target.type === "file" || e.target.name === "keep_attachment")) checkSize(form);
  });

  document.addEventListener("submit", function (e) {
    var form = e.target;
    if (form.matches("form[data-mail-form]") && !checkSize(form)) {
      e.preventDefault();
      form.querySelector("input[type=file]").focus();
      return;
    }
    if (form.matches("form[data-send-form]")) {
      if (form.getAttribute("data-sending") === "1") {
        e.preventDefault();
        return;
      }
      form.setAttribute("data-sending", "1");
      var button = form.querySelector("button[type=submit]");
      // Disabled after this tick, so the click still submits the form.
      if (button) setTimeout(function () { button.disabled = true; }, 0);
    }
  });
})();
