/* Admin: "Move up" / "Move down" buttons on section and reference inlines.
 * Rows are reordered on screen and every row's position field is renumbered
 * (10, 20, 30 …) from the order shown, so what you see is what is saved. */
(function () {
  "use strict";

  function rows(group) {
    return Array.prototype.filter.call(group.querySelectorAll(".inline-related"), function (row) {
      return !row.classList.contains("empty-form") && row.querySelector('input[name$="-position"]');
    });
  }

  function renumber(group) {
    rows(group).forEach(function (row, index) {
      row.querySelector('input[name$="-position"]').value = (index + 1) * 10;
    });
  }

  function addButtons(group, row) {
    if (row.querySelector(".bs-move")) return;
    var bar = document.createElement("div");
    bar.className = "bs-move";
    bar.style.margin = "4px 0 8px";
    [["up", "↑ Move up"], ["down", "↓ Move down"]].forEach(function (pair) {
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button bs-move-" + pair[0];
      button.textContent = pair[1];
      button.style.marginRight = "6px";
      button.addEventListener("click", function () {
        var list = rows(group);
        var i = list.indexOf(row);
        var j = pair[0] === "up" ? i - 1 : i + 1;
        if (j < 0 || j >= list.length) return;
        if (pair[0] === "up") list[j].parentNode.insertBefore(row, list[j]);
        else list[j].parentNode.insertBefore(list[j], row);
        renumber(group);
        button.focus();
      });
      bar.appendChild(button);
    });
    var heading = row.querySelector("h3") || row.firstElementChild;
    heading.parentNode.insertBefore(bar, heading.nextSibling);
  }

  function init() {
    document.querySelectorAll(".inline-group").forEach(function (group) {
      if (!group.querySelector('input[name$="-position"]')) return;
      rows(group).forEach(function (row) { addButtons(group, row); });
      var form = group.closest("form");
      if (form) form.addEventListener("submit", function () { renumber(group); });
    });
    document.addEventListener("formset:added", function (event) {
      var row = event.target;
      var group = row.closest(".inline-group");
      if (group && row.querySelector('input[name$="-position"]')) {
        addButtons(group, row);
        renumber(group);
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
