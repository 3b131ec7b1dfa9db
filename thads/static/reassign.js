// Reassignment: once a preview is shown, changing the receiving officer hides "confirm" until a
// new preview (the server refuses a confirmation for an officer that was not previewed anyway).
(function () {
  var select = document.querySelector("[data-testid=to-officer]");
  var apply = document.querySelector("[data-testid=apply]");
  var note = document.querySelector("[data-testid=preview-outdated]");
  if (!select || !apply || !select.dataset.previewed) { return; }
  select.addEventListener("change", function () {
    var same = select.value === select.dataset.previewed;
    apply.classList.toggle("d-none", !same);
    if (note) { note.classList.toggle("d-none", same); }
  });
})();
