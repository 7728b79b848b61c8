// Autosave guard for the citizen's step form (dossiers/_step_form.html).
// htmx saves the step on each change and swaps the re-rendered form in (conditions applied,
// errors of uploads shown). If the applicant typed something after that save was sent, the
// swap would overwrite it: skip that swap; the next change saves again and swaps then.
(function () {
  "use strict";
  var typedSinceSave = false;
  document.addEventListener("htmx:beforeRequest", function (event) {
    if (event.target && event.target.id === "step-form") { typedSinceSave = false; }
  });
  document.addEventListener("input", function (event) {
    if (event.target.closest && event.target.closest("#step-form")) { typedSinceSave = true; }
  }, true);
  document.addEventListener("htmx:beforeSwap", function (event) {
    var target = event.detail.target;
    if (target && target.id === "step-form" && typedSinceSave && event.detail.xhr.status < 300) {
      event.detail.shouldSwap = false;
    }
  });

  // Upload progress: files chosen in the step are sent by the autosave request.
  function progressBar() { return document.querySelector("#step-form .upload-progress"); }
  document.addEventListener("htmx:xhr:progress", function (event) {
    var box = progressBar();
    if (!box || !event.detail.lengthComputable || event.detail.total < 100000) { return; }
    box.hidden = false;
    box.querySelector("progress").value = Math.round((event.detail.loaded / event.detail.total) * 100);
  });
  document.addEventListener("htmx:afterRequest", function () {
    var box = progressBar();
    if (box) { box.hidden = true; }
  });
})();
