/* Treaty letters embed loader. No dependencies.
   <script src="https://HOST/embed.js" data-campaign="SLUG" data-partner="CODE" async></script>
   Optional: data-lang, data-country, data-accent, data-ink, data-bg (#rgb or #rrggbb),
   data-target (a CSS selector where the frame goes; default: right after this script),
   data-counter="on" (show how many letters were sent), data-share-url (the page the
   supporter is asked to share after writing, on one of your origins; default: the
   campaign's page on our site).
   The host page gets a "treaty-letters" event (bubbling from the frame) when letters were
   sent or drafted: event.detail = {action: "sent"|"drafted", letters, campaign, partner}. */
(function () {
  "use strict";
  var script = document.currentScript;
  if (!script || script.getAttribute("data-loaded")) return;
  script.setAttribute("data-loaded", "1");
  var data = script.dataset;
  var app = new URL(script.src).origin;
  var query = new URLSearchParams({ origin: location.origin });
  ["lang", "country", "accent", "ink", "bg"].forEach(function (key) {
    if (data[key]) query.set(key, data[key]);
  });
  if (data.counter === "on") query.set("counter", "on");
  if (data.shareUrl) query.set("share", data.shareUrl);
  var frame = document.createElement("iframe");
  frame.src = app + "/embed/" + encodeURIComponent(data.partner || "") + "/" +
    encodeURIComponent(data.campaign || "") + "?" + query;
  frame.title = data.title || "Write to your representatives";
  // A frame from another site may copy and open the share sheet only when its page allows it:
  // the copy buttons and the share step's "Share" button need these.
  frame.allow = "clipboard-write; web-share";
  frame.style.cssText = "display:block;width:100%;min-width:280px;height:640px;border:0";
  var place = data.target && document.querySelector(data.target);
  if (place) place.appendChild(frame);
  else script.parentNode.insertBefore(frame, script.nextSibling);

  window.addEventListener("message", function (event) {
    // Only our own frame, from our own origin, may resize it or speak for it.
    if (event.origin !== app || event.source !== frame.contentWindow) return;
    var message = event.data || {};
    if (message.type === "treaty-letters:height") {
      var height = Math.round(Number(message.height));
      if (height > 0) frame.style.height = Math.min(height, 30000) + "px";
    } else if (message.type === "treaty-letters:done") {
      frame.dispatchEvent(new CustomEvent("treaty-letters", {
        bubbles: true,
        detail: { action: String(message.action), letters: Number(message.letters) || 0,
                  campaign: data.campaign, partner: data.partner }
      }));
    }
  });
  frame.addEventListener("load", function () {
    // A new page in the frame: ask for its height (the answer comes back by message).
    frame.contentWindow.postMessage({ type: "treaty-letters:measure" }, app);
  });
})();
