/* Bonespine: small progressive enhancements, no framework.
 * A button with aria-controls toggles the `hidden` attribute of its target and keeps
 * aria-expanded and its label in step. Without JavaScript everything stays visible. */
(function () {
  "use strict";

  function setExpanded(button, target, expanded) {
    button.setAttribute("aria-expanded", expanded ? "true" : "false");
    target.hidden = !expanded;
    var label = expanded ? button.dataset.hideLabel : button.dataset.showLabel;
    var labelEl = button.querySelector(".search-toggle__label") || button;
    if (label) labelEl.textContent = label;
  }

  function countView() {
    // One view per page load, sent after the page is shown (works with cached pages too).
    var el = document.querySelector("[data-view-url]");
    if (!el || !navigator.sendBeacon) return;
    navigator.sendBeacon(el.getAttribute("data-view-url"));
  }

  function init() {
    countView();
    var buttons = document.querySelectorAll("button[aria-controls][aria-expanded]");
    Array.prototype.forEach.call(buttons, function (button) {
      var target = document.getElementById(button.getAttribute("aria-controls"));
      if (!target) return;
      setExpanded(button, target, button.getAttribute("aria-expanded") === "true");
      button.addEventListener("click", function () {
        var expanded = button.getAttribute("aria-expanded") !== "true";
        setExpanded(button, target, expanded);
        if (expanded) {
          var input = target.querySelector("input[type=search]");
          if (input) input.focus();
        }
      });
    });

    // Escape closes the search box and gives focus back to its toggle.
    document.addEventListener("keydown", function (event) {
      if (event.key !== "Escape") return;
      var search = document.getElementById("site-search");
      var toggle = document.querySelector(".search-toggle");
      if (search && toggle && !search.hidden && search.contains(document.activeElement)) {
        setExpanded(toggle, search, false);
        toggle.focus();
      }
    });

    // Following a link to a section moves keyboard focus there too.
    document.addEventListener("click", function (event) {
      var link = event.target.closest && event.target.closest('a[href^="#"]');
      if (!link) return;
      var id = decodeURIComponent(link.getAttribute("href").slice(1));
      var target = id && document.getElementById(id);
      if (target && target.hasAttribute("tabindex")) {
        window.setTimeout(function () { target.focus({ preventScroll: true }); }, 0);
      }
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
