// Progress of a register import: poll the run's status (JSON) and move the bar; no inline script
// (Content-Security-Policy). Reloads the page once the run has ended, to show its final counts.
(function () {
  var box = document.querySelector("[data-import-status]");
  if (!box) { return; }
  var url = box.getAttribute("data-import-status");
  var bar = box.querySelector("[data-bar]");
  var text = box.querySelector("[data-text]");
  var lang = document.documentElement.lang === "en" ? "en" : "vi";
  var words = lang === "en"
    ? { rows: "rows", rate: "rows/s", left: "left", done: "imported", skipped: "skipped", refused: "refused" }
    : { rows: "dòng", rate: "dòng/giây", left: "còn", done: "đã nhập", skipped: "bỏ qua", refused: "từ chối" };
  function fmt(n) { return (n || 0).toLocaleString(lang === "en" ? "en-GB" : "vi-VN"); }
  function show(s) {
    bar.style.width = s.percent + "%";
    bar.textContent = s.percent + "%";
    box.querySelector("[role=progressbar]").setAttribute("aria-valuenow", s.percent);
    var line = fmt(s.processed) + "/" + fmt(s.total) + " " + words.rows;
    if (s.rate) { line += " · " + fmt(Math.round(s.rate)) + " " + words.rate; }
    if (s.eta_seconds && s.status === "running") { line += " · " + words.left + " " + fmt(s.eta_seconds) + " s"; }
    line += " · " + words.done + " " + fmt(s.imported) + ", " + words.skipped + " " + fmt(s.skipped) + ", " +
      words.refused + " " + fmt(s.refused);
    text.textContent = line;
  }
  var ended = { done: true, failed: true };
  function poll() {
    fetch(url, { credentials: "same-origin", headers: { "Accept": "application/json" } })
      .then(function (r) { return r.json(); })
      .then(function (s) {
        show(s);
        if (ended[s.status]) {
          // The page was drawn before the end: draw it again with the final counts.
          if (box.getAttribute("data-rendered-status") !== s.status) { window.location.reload(); }
          return;
        }
        setTimeout(poll, 1000);
      })
      .catch(function () { setTimeout(poll, 3000); });
  }
  poll();
})();
