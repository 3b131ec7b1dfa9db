// Case forms (no inline script: the Content-Security-Policy forbids it).
//
// Registration: rows of parties and obligations can be added and removed. A new row is a copy
// of the last one with its fields emptied and renumbered (parties-3-name…); the server reads
// whatever indices arrive, gaps included. Without JavaScript the form keeps its blank rows.
//
// Payment: the method is asked for collections and payouts, the payee for payouts only.
(function () {
  "use strict";

  function renumber(row, index) {
    row.querySelectorAll("[name], [id], label[for]").forEach(function (el) {
      ["name", "id", "for"].forEach(function (attr) {
        var value = el.getAttribute(attr);
        if (value) { el.setAttribute(attr, value.replace(/^(\w+)-\d+-/, "$1-" + index + "-")); }
      });
    });
  }

  function clear(row) {
    row.querySelectorAll("input").forEach(function (input) {
      input.value = "";
      input.classList.remove("is-invalid");
    });
    row.querySelectorAll("select").forEach(function (select) {
      // The first option: "— choose a role —", "person", "3 – other" (the forms order them so).
      select.selectedIndex = 0;
      select.classList.remove("is-invalid");
    });
    row.querySelectorAll(".invalid-feedback").forEach(function (el) { el.remove(); });
  }

  function nextIndex(container) {
    var max = -1;
    container.querySelectorAll("[data-row] [name]").forEach(function (el) {
      var m = /^\w+-(\d+)-/.exec(el.getAttribute("name"));
      if (m) { max = Math.max(max, parseInt(m[1], 10)); }
    });
    return max + 1;
  }

  function refresh(container, addButton) {
    var rows = container.querySelectorAll("[data-row]");
    var limit = parseInt(container.dataset.max || "50", 10);
    if (addButton) { addButton.disabled = rows.length >= limit; }
    rows.forEach(function (row) {
      var remove = row.querySelector("[data-remove-row]");
      if (remove) { remove.hidden = false; remove.disabled = rows.length <= 1; }
    });
  }

  document.querySelectorAll("[data-rows]").forEach(function (container) {
    var name = container.dataset.rows;
    var addButton = document.querySelector("[data-add-row='" + name + "']");
    if (addButton) {
      addButton.hidden = false;
      addButton.addEventListener("click", function () {
        var rows = container.querySelectorAll("[data-row]");
        var copy = rows[rows.length - 1].cloneNode(true);
        renumber(copy, nextIndex(container));
        clear(copy);
        container.appendChild(copy);
        refresh(container, addButton);
        var first = copy.querySelector("select, input");
        if (first) { first.focus(); }
      });
    }
    container.addEventListener("click", function (ev) {
      var button = ev.target.closest ? ev.target.closest("[data-remove-row]") : null;
      if (!button) { return; }
      var rows = container.querySelectorAll("[data-row]");
      if (rows.length > 1) { button.closest("[data-row]").remove(); }
      refresh(container, addButton);
    });
    refresh(container, addButton);
  });

  var kind = document.querySelector("[data-testid=payment-form] select[name=kind]");
  if (kind) {
    var toggle = function () {
      document.querySelectorAll("[data-show-for]").forEach(function (el) {
        el.hidden = el.dataset.showFor.split(" ").indexOf(kind.value) < 0;
      });
    };
    kind.addEventListener("change", toggle);
    toggle();
  }
})();
