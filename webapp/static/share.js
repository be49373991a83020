// The share step's button for the browser's own share sheet, shown only where there is one.
// Progressive enhancement: the plain links beside it work without this file.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  document.querySelectorAll("button.share-native").forEach(function (button) {
    var shared = { title: button.dataset.title, text: button.dataset.text,
                   url: button.dataset.url };
    if (!navigator.share || (navigator.canShare && !navigator.canShare(shared))) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      // Closing the share sheet rejects the promise: nothing to tell the supporter then.
      navigator.share(shared).catch(function () {});
    });
  });
});
