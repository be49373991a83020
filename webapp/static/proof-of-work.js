// The proof of work a campaign can ask for before "Send it for me" (webapp/supporters/
// proof_of_work.py), with ALTCHA's widget from vendor/altcha: loaded after it, as a module.
//
// The widget's "external" build carries neither its styles nor its workers inline (which the
// Content-Security-Policy would block): the styles come as a stylesheet of ours, and its
// worker from our own file, registered here. Its words come from our translations.
const altcha = globalThis.$altcha;

document.querySelectorAll("altcha-widget[data-worker]").forEach(function (widget) {
  const worker = widget.dataset.worker;
  altcha.algorithms.set("PBKDF2/SHA-256", function () { return new Worker(worker); });
  const language = widget.getAttribute("language") || "en";
  altcha.i18n.set(language, Object.assign({}, altcha.i18n.get("en"),
                                          JSON.parse(widget.dataset.strings || "{}")));
});

// The widget proves before any submission of its form; only "Send it for me" needs it. The
// other button ("Open in my mail app") goes straight through: this runs before the widget's
// own listener on the form, and keeps the event from reaching it.
document.addEventListener("submit", function (event) {
  const widget = event.target.querySelector("altcha-widget");
  if (!widget) return;
  const submitter = event.submitter;
  if (!submitter || submitter.name !== "send") {
    event.stopPropagation();
    return;
  }
  // After a failed or expired check, pressing the button again starts a new one.
  const state = widget.getState ? widget.getState() : "";
  if (state === "error" || state === "expired") widget.reset();
}, true);

// A press of "Send it for me" made before now was held (proof-of-work-hold.js): let it go,
// once the widget has mounted and listens to its form (after the microtasks of its start).
setTimeout(function () {
  document.documentElement.dataset.proofOfWork = "ready";
  document.dispatchEvent(new Event("proof-of-work-ready"));
}, 0);
