// The door's page: after each code the field is emptied for the next one,
// and where the browser can read QR codes (BarcodeDetector, Chromium on
// Android) a button turns the camera on; each code it reads is sent like
// a typed one. Elsewhere (iOS, desktop) the plain field is all there is.
(function () {
  "use strict";

  var form = document.getElementById("checkin-form");
  if (!form) return;
  var input = form.querySelector("input[name=code]");

  // Focus goes back to the code field only from the form itself: a
  // person typing into the search meanwhile keeps typing there.
  form.addEventListener("htmx:afterRequest", function (e) {
    if (e.detail.elt !== form) return;
    input.value = "";
    var active = document.activeElement;
    if (!active || active === document.body || form.contains(active)) input.focus();
  });

  if (!("BarcodeDetector" in window) || !navigator.mediaDevices) return;
  var button = document.getElementById("checkin-camera");
  var video = document.getElementById("checkin-video");
  var stream = null;
  var last = "";
  var lastAt = 0;
  button.hidden = false;

  function stop() {
    if (stream) stream.getTracks().forEach(function (t) { t.stop(); });
    stream = null;
    video.hidden = true;
    button.textContent = button.getAttribute("data-start");
  }

  function scan(detector) {
    if (!stream) return;
    detector.detect(video).then(function (codes) {
      var now = Date.now();
      // The same code stays in view for a while: send it once, not
      // four times a second.
      if (codes.length > 0 && (codes[0].rawValue !== last || now - lastAt > 5000)) {
        last = codes[0].rawValue;
        lastAt = now;
        input.value = last;
        form.requestSubmit();
      }
    }).catch(function () {}).then(function () {
      setTimeout(function () { scan(detector); }, 250);
    });
  }

  button.addEventListener("click", function () {
    if (stream) {
      stop();
      return;
    }
    var detector = new window.BarcodeDetector({ formats: ["qr_code"] });
    navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" }, audio: false }).then(function (s) {
      stream = s;
      video.srcObject = s;
      video.hidden = false;
      button.textContent = button.getAttribute("data-stop");
      return video.play().then(function () { scan(detector); });
    }).catch(stop);
  });
})();
