// The held letters: tick every letter shown, or none, before releasing or cancelling the
// ticked ones. Without JavaScript the buttons stay hidden and each letter is ticked on its own.
(function () {
  "use strict";
  document.querySelectorAll("form.held-queue").forEach(function (form) {
    var buttons = form.querySelector(".select-shown");
    var boxes = form.querySelectorAll("input[type=checkbox][name=letter]");
    function tick(value) {
      return function () {
        boxes.forEach(function (box) {
          if (!box.disabled && box.checked !== value) {
            box.checked = value;
            box.dispatchEvent(new Event("change"));
          }
        });
      };
    }
    form.querySelector(".select-all").addEventListener("click", tick(true));
    form.querySelector(".select-none").addEventListener("click", tick(false));
    buttons.hidden = false;
  });
})();
