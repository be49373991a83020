// Progressive enhancement only: every page works without this file.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  // Copy-to-clipboard buttons, shown only where the browser can copy.
  document.querySelectorAll("button.copy").forEach(function (button) {
    if (!navigator.clipboard) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var source = document.querySelector(button.dataset.copy);
      var subject = source.closest(".draft");
      var text = source.value;
      var subjectNode = subject && subject.querySelector(".subject");
      if (subjectNode) text = subjectNode.textContent + "\n\n" + text;
      navigator.clipboard.writeText(text).then(function () {
        var label = button.textContent;
        button.textContent = button.dataset.copied;
        button.classList.add("copied");
        setTimeout(function () { button.textContent = label; }, 2000);
      });
    });
  });

  // Unticking a target folds their letter away and keeps it out of the submission.
  document.querySelectorAll("input.target-toggle").forEach(function (box) {
    var card = box.closest(".target");
    function sync() {
      card.classList.toggle("unselected", !box.checked);
      card.querySelectorAll(".letter input, .letter textarea").forEach(function (field) {
        field.disabled = !box.checked;
      });
    }
    box.addEventListener("change", sync);
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
