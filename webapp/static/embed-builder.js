// The snippet builder: writes the snippet from the choices and shows it live.
"use strict";
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("builder");
  var preview = document.getElementById("preview");
  var output = document.getElementById("b-snippet");
  if (!form) return;
  var base = form.dataset.base;
  var defaults = { accent: "#c0262d", ink: "#1b1b1b", bg: "#ffffff" };

  function attr(value) {
    return String(value).replace(/&/g, "&amp;").replace(/"/g, "&quot;").replace(/</g, "&lt;");
  }
  function choices() {
    var values = {};
    new FormData(form).forEach(function (value, key) { values[key] = String(value).trim(); });
    if (values.country) values.country = values.country.toUpperCase();
    Object.keys(defaults).forEach(function (key) {
      if (values[key] === defaults[key]) delete values[key];
    });
    return values;
  }
  function update() {
    var values = choices();
    var parts = ['<script src="' + base + '/embed.js"'];
    ["campaign", "partner", "lang", "country", "accent", "ink", "bg", "counter",
     "share-url"].forEach(function (key) {
      if (values[key]) parts.push("data-" + key + '="' + attr(values[key]) + '"');
    });
    var link = base + "/c/" + encodeURIComponent(values.campaign || "") +
      (values.lang ? "?lang=" + encodeURIComponent(values.lang) : "");
    output.value = parts.join(" ") + " async></" + "script>\n<noscript><a href=\"" +
      attr(link) + "\">" + attr(form.dataset.linkText) + "</a></noscript>";
    preview.textContent = "";
    if (!values.partner || !values.campaign) return;
    var script = document.createElement("script");
    script.src = base + "/embed.js";
    Object.keys(values).forEach(function (key) {
      if (values[key] && key !== "snippet") script.setAttribute("data-" + key, values[key]);
    });
    preview.appendChild(script);
  }
  form.addEventListener("change", update);
  update();
});
