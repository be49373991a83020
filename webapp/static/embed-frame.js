// Inside the embed's frame: tell the partner's page our height and when letters were sent
// or drafted. Messages go only to the origin the page was framed for (checked by the server
// against the partner's origins, and enforced by the browser through frame-ancestors).
"use strict";
(function () {
  var parent = document.documentElement.getAttribute("data-parent-origin");
  if (!parent || window.parent === window) return;
  var last = 0;
  function post(message) { window.parent.postMessage(message, parent); }
  function size() {
    var height = Math.ceil(document.documentElement.getBoundingClientRect().height);
    if (height !== last) { last = height; post({ type: "treaty-letters:height", height: height }); }
  }
  if (window.ResizeObserver) new ResizeObserver(size).observe(document.documentElement);
  window.addEventListener("load", size);
  window.addEventListener("message", function (event) {
    if (event.origin !== parent || event.source !== window.parent) return;
    if (event.data && event.data.type === "treaty-letters:measure") { last = 0; size(); }
  });
  size();
  var done = document.querySelector("[data-letters-done]");
  if (done) {
    post({ type: "treaty-letters:done", action: done.getAttribute("data-letters-done"),
           letters: Number(done.getAttribute("data-letters")) || 0 });
  }
})();
