/* Admin: ordering section and reference inlines.
 * - "Move up" / "Move down" buttons move a row on screen;
 * - a number typed in a row's position field moves the row to its place (lower first,
 *   equal numbers keep their order on screen) when the field is left, and again on submit;
 * after either, every row is renumbered 10, 20, 30 … from the order shown, so what you see
 * is what is saved. The server orders by the same rule when this script does not run. */
(function () {
  "use strict";

  function positionInput(row) {
    return row.querySelector('input[name$="-position"]');
  }

  function rows(group) {
    return Array.prototype.filter.call(group.querySelectorAll(".inline-related"), function (row) {
      return !row.classList.contains("empty-form") && positionInput(row);
    });
  }

  function renumber(group) {
    rows(group).forEach(function (row, index) {
      positionInput(row).value = (index + 1) * 10;
    });
  }

  function typed(row) {
    var value = positionInput(row).value.trim();
    return /^\d+$/.test(value) ? parseInt(value, 10) : Infinity; // empty or not a number: last
  }

  /* Put the rows in the order of their typed numbers (stable for ties). */
  function sortByTyped(group) {
    var list = rows(group);
    if (!list.length) return;
    var last = list[list.length - 1];
    var after = last.nextSibling;
    var parent = last.parentNode;
    list
      .map(function (row, index) { return { row: row, index: index, number: typed(row) }; })
      .sort(function (a, b) { return a.number - b.number || a.index - b.index; })
      .forEach(function (item) { parent.insertBefore(item.row, after); });
  }

  function sortAndRenumber(group) {
    sortByTyped(group);
    renumber(group);
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
    positionInput(row).addEventListener("change", function () {
      // Moving rows takes the focus away from a field inside them: give it back.
      var focused = document.activeElement;
      sortAndRenumber(group);
      if (focused && focused !== document.activeElement && document.contains(focused)) focused.focus();
    });
  }

  function init() {
    document.querySelectorAll(".inline-group").forEach(function (group) {
      if (!group.querySelector('input[name$="-position"]')) return;
      // A page sent back with errors lists the rows in the order they were posted: show them
      // in the order of their numbers (the numbers themselves are left as they are).
      sortByTyped(group);
      rows(group).forEach(function (row) { addButtons(group, row); });
      var form = group.closest("form");
      if (form) form.addEventListener("submit", function () { sortAndRenumber(group); });
    });
    document.addEventListener("formset:added", function (event) {
      var row = event.target;
      var group = row.closest(".inline-group");
      if (group && positionInput(row)) {
        addButtons(group, row);
        renumber(group); // a new row goes last, where "Add another" put it
      }
    });
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
