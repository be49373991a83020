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

  // Step two: the street address is asked for while a ticked letter goes to an office that
  // needs it (a field with an error stays); "Send it for me" is offered while a ticked letter
  // can go by e-mail, where the page has the other way to send them.
  var letters = document.querySelector("form.letters");
  if (letters) {
    var street = document.getElementById("field-street-address");
    var send = document.getElementById("choice-send");
    var draft = letters.querySelector("#draft");
    var ticked = function (attribute) {
      return letters.querySelector("input.target-toggle:checked[" + attribute + "]") !== null;
    };
    var offer = function () {
      if (street) {
        street.hidden = !ticked("data-needs-address") && !street.classList.contains("has-error");
      }
      if (send && draft) send.hidden = !ticked("data-by-email");
    };
    letters.querySelectorAll("input.target-toggle").forEach(function (box) {
      box.addEventListener("change", offer);
    });
    offer();
  }

  // A long list (96 MEPs) folded under "Choose others": filter it by name, political group,
  // party and committee, and tick all shown or none.
  document.querySelectorAll("details.others").forEach(function (others) {
    var filter = others.querySelector(".filter");
    var name = others.querySelector(".filter-name");
    var selects = {
      group: others.querySelector(".filter-group"),
      party: others.querySelector(".filter-party"),
      committee: others.querySelector(".filter-committee")
    };
    var rows = others.querySelectorAll("li.target");
    filter.hidden = false;
    function shown() {
      return Array.prototype.filter.call(rows, function (row) { return !row.hidden; });
    }
    function wanted(key) {
      return selects[key] ? selects[key].value : "";
    }
    function apply() {
      var words = (name.value || "").trim().toLowerCase();
      var group = wanted("group"), party = wanted("party"), committee = wanted("committee");
      rows.forEach(function (row) {
        row.hidden = Boolean((words && row.dataset.name.indexOf(words) === -1) ||
          (group && row.dataset.group !== group) ||
          (party && row.dataset.party !== party) ||
          // "|ITRE|LIBE|": a committee's name may hold spaces, never a bar.
          (committee && row.dataset.committees.indexOf("|" + committee + "|") === -1));
      });
    }
    // "All" ticks the rows the filter shows; "none" unticks everyone this letter goes to.
    function tick(value) {
      return function () {
        var boxes = value ? shown().map(function (row) {
          return row.querySelector("input.target-toggle");
        }) : Array.prototype.slice.call(
          others.closest(".shared-letter").querySelectorAll("input.target-toggle"));
        boxes.forEach(function (box) {
          if (!box.disabled && box.checked !== value) {
            box.checked = value;
            box.dispatchEvent(new Event("change"));
          }
        });
      };
    }
    name.addEventListener("input", apply);
    Object.keys(selects).forEach(function (key) {
      if (selects[key]) selects[key].addEventListener("change", apply);
    });
    // Back in the browser's history, the page may come back with a filter still chosen.
    apply();
    others.querySelector(".select-all").addEventListener("click", tick(true));
    others.querySelector(".select-none").addEventListener("click", tick(false));
  });

  // "Print this letter": the browser prints that letter alone (see app.css, @media print).
  document.querySelectorAll("button.print").forEach(function (button) {
    if (!window.print) return;
    button.hidden = false;
    button.addEventListener("click", function () {
      var letter = document.querySelector(button.dataset.print);
      document.body.classList.add("printing");
      letter.classList.add("printing");
      window.print();
      document.body.classList.remove("printing");
      letter.classList.remove("printing");
    });
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
