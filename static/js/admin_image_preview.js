/* Admin: show the picture chosen in an image field before the form is saved.
 * The preview stays out of the page (no broken-image icon) until a picture is chosen:
 * its display is set together with the hidden attribute, because an inline
 * display:block would override [hidden]. */
(function () {
  "use strict";
  function init() {
    document.querySelectorAll('input[type="file"]').forEach(function (input) {
      var preview = document.createElement("img");
      preview.alt = "Preview of the chosen image";
      preview.className = "bs-image-preview";
      preview.style.cssText = "max-width:240px;height:auto;margin-top:8px;border:1px solid #ccc";
      function show(url) {
        if (url) preview.src = url;
        else preview.removeAttribute("src");
        preview.hidden = !url;
        preview.style.display = url ? "block" : "none";
      }
      show(null);
      input.insertAdjacentElement("afterend", preview);
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file || !/^image\/(jpeg|png|webp)$/.test(file.type)) { show(null); return; }
        // Read as a data: URL, not a blob: one: the Content-Security-Policy allows
        // img-src 'self' data: only, and would block a blob: preview (a broken image).
        var reader = new FileReader();
        reader.onload = function () {
          if (input.files && input.files[0] === file) show(reader.result); // still the chosen file
        };
        reader.readAsDataURL(file);
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
