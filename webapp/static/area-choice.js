// Progressive enhancement of the area list on step one (templates/_area_choice.html): a
// search box that narrows a long list (650 constituencies) as the supporter types, and the
// list set aside when they pick another country, for which it does not hold.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var field = document.getElementById("field-area");
  if (!field) return;
  var select = field.querySelector("select");
  var search = field.querySelector(".area-search");
  var input = field.querySelector(".area-filter");
  // Accents and case aside, as the list is sorted: "ynys mon" finds "Ynys Môn".
  var fold = function (text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  };
  var options = Array.prototype.slice.call(select.options, 1).map(function (option) {
    return { option: option, text: fold(option.textContent) };
  });
  if (options.length > 10) {
    search.hidden = false;
    input.addEventListener("input", function () {
      var wanted = fold(input.value);
      var shown = [];
      options.forEach(function (item) {
        var match = !wanted || item.text.indexOf(wanted) !== -1;
        item.option.hidden = !match;
        item.option.disabled = !match && !item.option.selected;
        if (match) shown.push(item.option);
      });
      // One left: it is chosen, so that Enter sends the form with it.
      if (shown.length === 1) shown[0].selected = true;
    });
  }
  var country = document.querySelector("select[name=country]");
  if (country) {
    country.addEventListener("change", function () {
      var same = country.value === field.dataset.country;
      field.hidden = !same;
      select.disabled = !same;
    });
  }
});
