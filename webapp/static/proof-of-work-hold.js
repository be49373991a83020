// "Send it for me" pressed before ALTCHA's widget and proof-of-work.js (modules, which run
// only once the whole page is in) have arrived would send the form without its proof, and the
// supporter would be told to switch JavaScript on. This script is loaded in the head, so it is
// there before the button is: it holds such a press until proof-of-work.js says it is ready,
// then presses the button again. If that never comes (the scripts failed to load), the press
// goes through after a while, and the page that comes back says what to do.
(function () {
  "use strict";
  var LONGEST_HOLD_MS = 10000;
  var root = document.documentElement;
  var holding = false;
  var released = false;

  document.addEventListener("submit", function (event) {
    if (released || root.dataset.proofOfWork === "ready") return;
    var form = event.target;
    var submitter = event.submitter;
    if (!form.querySelector("altcha-widget") || !submitter || submitter.name !== "send") return;
    event.preventDefault();
    event.stopImmediatePropagation();
    if (holding) return;
    holding = true;
    submitter.setAttribute("aria-busy", "true");
    function pressAgain() {
      if (released) return;
      released = true;
      submitter.removeAttribute("aria-busy");
      submitter.click();
    }
    document.addEventListener("proof-of-work-ready", pressAgain, {once: true});
    setTimeout(pressAgain, LONGEST_HOLD_MS);
  }, true);
})();
