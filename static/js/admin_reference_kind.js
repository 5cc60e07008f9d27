/* Admin: the reference rows of an article.
 * - The "Type of source" select shows the fields that type uses and hides the others
 *   (a hidden field that holds a value or an error stays visible: nothing is hidden away).
 *   The list of fields per type comes from the server (data-fields-of, articles/citations.py).
 * - "Fill from DOI" / "Fill from PubMed ID" buttons ask the admin's lookup view (Crossref,
 *   PubMed) and fill the empty fields; fields already typed are replaced only after asking.
 * Without this script every field is shown, each saying which types use it, and the
 * server checks what each type needs. No inline code: the page's CSP allows only 'self'. */
(function () {
  "use strict";

  var ALWAYS = ["position", "kind"];
  var LABELS = {
    kind: "type", authors: "authors", organisation: "organisation", editors: "editors", title: "title",
    journal: "journal or book title", edition: "edition", place: "place", publisher: "publisher", year: "year",
    volume: "volume", issue: "issue", pages: "pages", doi: "DOI", pmid: "PubMed ID"
  };

  function kindSelect(row) {
    return row.querySelector('select[name$="-kind"]');
  }

  function prefixOf(row) {
    var select = kindSelect(row);
    return select ? select.name.replace(/-kind$/, "") : null;
  }

  function input(row, name) {
    return row.querySelector('[name="' + prefixOf(row) + "-" + name + '"]');
  }

  /* The element to hide for a field: its box on a line of several fields, else its line. */
  function box(row, name) {
    return row.querySelector(".fieldBox.field-" + name) || row.querySelector(".form-row.field-" + name);
  }

  function holdsSomething(row, name) {
    var field = input(row, name);
    var element = box(row, name);
    return (field && field.value.trim() !== "") || (element && element.querySelector(".errorlist"));
  }

  function showKind(row) {
    var select = kindSelect(row);
    var fieldsOf = JSON.parse(select.getAttribute("data-fields-of") || "{}");
    var used = ALWAYS.concat(fieldsOf[select.value] || []);
    var all = {};
    Object.keys(fieldsOf).forEach(function (kind) {
      fieldsOf[kind].forEach(function (name) { all[name] = true; });
    });
    Object.keys(all).forEach(function (name) {
      var element = box(row, name);
      if (!element) return;
      // On a line of several fields, the box's wrapper (with its help text and errors).
      var target = element.classList.contains("fieldBox") ? element.parentNode : element;
      setHidden(target, used.indexOf(name) === -1 && !holdsSomething(row, name));
    });
    // A line, and a group, with nothing left to show are hidden too.
    row.querySelectorAll(".form-row").forEach(function (line) {
      var boxes = line.querySelectorAll(".fieldBox");
      if (boxes.length) {
        setHidden(line, Array.prototype.every.call(boxes, function (b) { return isHidden(b.parentNode); }));
      }
    });
    row.querySelectorAll("fieldset").forEach(function (fieldset) {
      var lines = fieldset.querySelectorAll(".form-row");
      setHidden(fieldset, lines.length > 0 && Array.prototype.every.call(lines, isHidden));
    });
  }

  /* The admin's own "hidden" class (display: none !important), marked as ours so a row
     Django hid itself is never shown. */
  function setHidden(element, hide) {
    if (hide) {
      if (!element.classList.contains("hidden")) {
        element.classList.add("hidden");
        element.setAttribute("data-kind-hidden", "1");
      }
    } else if (element.getAttribute("data-kind-hidden")) {
      element.classList.remove("hidden");
      element.removeAttribute("data-kind-hidden");
    }
  }

  function isHidden(element) {
    return element.classList.contains("hidden");
  }

  function say(status, text, isError) {
    status.textContent = text;
    status.classList.toggle("errornote", !!isError);
  }

  /* ``asked``: the identifier that was looked up, replaced by its clean form without asking. */
  function fill(row, fields, asked) {
    var typed = [];
    Object.keys(fields).forEach(function (name) {
      var field = input(row, name);
      var value = String(fields[name]);
      if (!field || field.value.trim() === value) return;
      if (name === asked) {
        field.value = value;
      } else if (name === "kind") {
        // The type is never empty: change it freely only while the row has no title yet.
        if (input(row, "title").value.trim() === "") field.value = value; else typed.push(name);
      } else if (field.value.trim() === "") {
        field.value = value;
      } else {
        typed.push(name);
      }
    });
    if (typed.length) {
      var names = typed.map(function (name) { return LABELS[name] || name; }).join(", ");
      if (window.confirm("The lookup found other values for: " + names + ".\nReplace what you typed?")) {
        typed.forEach(function (name) { input(row, name).value = String(fields[name]); });
      }
    }
    showKind(row);
  }

  function lookUp(row, field, status, button) {
    var value = field.value.trim();
    if (!value) {
      say(status, field.getAttribute("data-lookup") === "doi" ? "Type or paste a DOI first." :
        "Type or paste a PubMed ID first.", true);
      field.focus();
      return;
    }
    var url = field.getAttribute("data-lookup-url") + "?" + field.getAttribute("data-lookup") + "=" +
      encodeURIComponent(value);
    button.disabled = true;
    say(status, "Looking it up …", false);
    fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        return response.json().catch(function () {
          return { ok: false, message: "The lookup failed (" + response.status + "): fill the fields by hand." };
        });
      })
      .then(function (answer) {
        if (answer.ok) fill(row, answer.fields, field.getAttribute("data-lookup"));
        say(status, answer.message, !answer.ok);
      })
      .catch(function () {
        say(status, "The lookup could not be reached (offline?): fill the fields by hand.", true);
      })
      .then(function () { button.disabled = false; });
  }

  function addButtons(row) {
    row.querySelectorAll("[data-lookup-url]").forEach(function (field) {
      if (field.getAttribute("data-lookup-ready")) return;
      field.setAttribute("data-lookup-ready", "1");
      var button = document.createElement("button");
      button.type = "button";
      button.className = "button reference-lookup";
      button.textContent = field.getAttribute("data-lookup") === "doi" ? "Fill from DOI" : "Fill from PubMed ID";
      // The answer goes on its own line under the field's help text, read out when it changes.
      var status = document.createElement("div");
      status.className = "help reference-lookup-status";
      status.setAttribute("role", "status");
      status.setAttribute("aria-live", "polite");
      var line = field.closest(".flex-container") || field;
      line.parentNode.appendChild(status);
      field.insertAdjacentElement("afterend", button);
      button.addEventListener("click", function () { lookUp(row, field, status, button); });
    });
  }

  function setUp(row) {
    if (row.classList.contains("empty-form") || !kindSelect(row) || row.getAttribute("data-kind-ready")) return;
    row.setAttribute("data-kind-ready", "1");
    kindSelect(row).addEventListener("change", function () { showKind(row); });
    addButtons(row);
    showKind(row);
  }

  function setUpAll() {
    document.querySelectorAll(".inline-related").forEach(setUp);
  }

  document.addEventListener("DOMContentLoaded", setUpAll);
  // Django's "Add another reference" (admin/js/inlines.js dispatches it on the new row).
  document.addEventListener("formset:added", function (event) {
    if (event.target && event.target.classList) setUp(event.target);
  });
})();
