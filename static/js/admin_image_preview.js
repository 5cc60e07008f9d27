/* Admin: show the picture chosen in an image field before the form is saved. */
(function () {
  "use strict";
  function init() {
    document.querySelectorAll('input[type="file"]').forEach(function (input) {
      var preview = document.createElement("img");
      preview.alt = "Preview of the chosen image";
      preview.hidden = true;
      preview.style.cssText = "display:block;max-width:240px;height:auto;margin-top:8px;border:1px solid #ccc";
      input.insertAdjacentElement("afterend", preview);
      input.addEventListener("change", function () {
        var file = input.files && input.files[0];
        if (!file || !/^image\/(jpeg|png|webp)$/.test(file.type)) { preview.hidden = true; return; }
        preview.src = URL.createObjectURL(file);
        preview.hidden = false;
      });
    });
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", init);
  else init();
})();
