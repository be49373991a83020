// Progressive enhancement only: every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Copy-to-clipboard buttons, shown only where the browser can copy.
  document.querySelectorAll("button.copy").forEach(function (button) {
    if (!navigator.clipboard) return;
    var label = button.textContent;
    var timer = null;
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.querySelector(button.dataset.copy);
      var letter = source.closest(".draft");
      var subject = letter && letter.querySelector(".subject");
      var text = subject ? subject.textContent + "\n\n" + source.value : source.value;
      navigator.clipboard.writeText(text).then(function () {
        show(button.dataset.copied, true);
      }, function () {
        // The browser refused: select the text so that Ctrl+C / Cmd+C still works.
        source.focus();
        source.select();
        show(button.dataset.copyFailed, false);
      });
    });
    function show(message, copied) {
      button.textContent = message;
      button.classList.toggle("copied", copied);
      clearTimeout(timer);
      timer = setTimeout(function () {
        button.textContent = label;
        button.classList.remove("copied");
      }, 2000);
    }
  });

  // Unticking a person greys them out; a letter nobody is left to receive folds away and
  // stays out of the submission.
  document.querySelectorAll(".shared-letter").forEach(function (letter) {
    var boxes = letter.querySelectorAll("input.target-toggle");
    function sync() {
      var anyone = false;
      boxes.forEach(function (box) {
        box.closest(".target").classList.toggle("unselected", !box.checked);
        anyone = anyone || box.checked;
      });
      letter.classList.toggle("unselected", !anyone);
      letter.querySelectorAll(".letter input, .letter textarea").forEach(function (field) {
        field.disabled = !anyone;
      });
    }
    boxes.forEach(function (box) { box.addEventListener("change", sync); });
    sync();
  });

  // The postcode field matters only for countries that choose representatives by district.
  var country = document.querySelector("select[data-postcode-countries]");
  var postcode = document.getElementById("field-postcode");
  if (country && postcode) {
    var needs = (country.dataset.postcodeCountries || "").split(",");
    var update = function () {
      var required = needs.indexOf(country.value) !== -1;
      postcode.hidden = !required && !postcode.classList.contains("has-error");
    };
    country.addEventListener("change", update);
    update();
  }
});
