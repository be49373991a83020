// Live preview for the letter editor: re-render the template as staff type.
// Without JavaScript the "Preview" button does the same through a normal form post.
(function () {
  "use strict";
  var form = document.querySelector("form.letter-editor");
  if (!form) return;
  var url = form.getAttribute("data-preview");
  var errorBox = form.querySelector(".preview-error");
  var subject = form.querySelector(".preview-subject strong");
  var body = form.querySelector(".preview-body");
  var variants = form.querySelector(".preview-variants");
  var timer = null;
  var sequence = 0;

  function show(data) {
    if (data.error) {
      errorBox.textContent = data.error;
      errorBox.hidden = false;
      return;
    }
    errorBox.hidden = true;
    errorBox.textContent = "";
    subject.textContent = data.subject;
    body.textContent = data.body;
    if (variants && typeof data.variants === "number") {
      variants.textContent = variants.textContent.replace(/\d+\s*$/, String(data.variants));
    }
  }

  function refresh() {
    var mine = ++sequence;
    var data = new FormData(form);
    data.delete("action");
    fetch(url, { method: "POST", body: data, credentials: "same-origin",
                 headers: { "Accept": "application/json" } })
      .then(function (response) { return response.json(); })
      .then(function (json) { if (mine === sequence) show(json); })
      .catch(function () { /* keep the last preview; the Preview button still works */ });
  }

  function later() {
    clearTimeout(timer);
    timer = setTimeout(refresh, 250);
  }

  form.addEventListener("input", later);
  form.addEventListener("change", later);
  form.classList.add("live");
})();
