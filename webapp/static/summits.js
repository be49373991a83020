// The summit table's filter as the visitor types: rows whose country does not match are
// hidden at once. Progressive enhancement only: the form works without it (a GET the server
// filters). A summit or an act is applied by the Filter button, by the server, which redraws
// the map too; choosing one does not send the form by itself, so that a keyboard user can go
// through the options without leaving the page.
"use strict";

document.addEventListener("DOMContentLoaded", function () {
  var form = document.querySelector("form[data-summits-filter]");
  if (!form) return;
  var input = form.querySelector("input[name=q]");
  var rows = document.querySelectorAll(".summit-table tbody tr");
  var count = document.querySelector(".table-count");
  var none = document.querySelector(".no-rows");

  // As the server folds names (webapp/i18n.py folded): no accents, no case.
  function fold(text) {
    return text.normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().trim();
  }

  function apply() {
    var wanted = fold(input.value);
    var shown = 0;
    rows.forEach(function (row) {
      var match = row.dataset.search.indexOf(wanted) !== -1;
      row.hidden = !match;
      if (match) shown += 1;
    });
    count.textContent = count.dataset.template
      .replace("{shown}", shown).replace("{total}", count.dataset.total);
    none.hidden = shown > 0;
    // The address keeps the filter, so that it can be shared or reloaded as it is.
    var url = new URL(window.location.href);
    if (wanted) url.searchParams.set("q", input.value); else url.searchParams.delete("q");
    window.history.replaceState(null, "", url);
  }

  input.addEventListener("input", apply);
});
