// A double click submits a form once: the first submit disables its buttons.
document.addEventListener("submit", function (ev) {
  var form = ev.target;
  if (form.dataset.submitted) { ev.preventDefault(); return; }
  form.dataset.submitted = "1";
  form.querySelectorAll("button[type=submit], input[type=submit]").forEach(function (b) {
    setTimeout(function () { b.disabled = true; }, 0);
  });
});

// Buttons marked data-action="print" print the page (no inline onclick: the
// Content-Security-Policy refuses inline script, event-handler attributes included).
document.addEventListener("click", function (ev) {
  var button = ev.target.closest ? ev.target.closest("[data-action=print]") : null;
  if (button) { ev.preventDefault(); window.print(); }
});
