// Export form: the purpose field matters only for a list in full, so it shows only then.
(function () {
  "use strict";
  var form = document.getElementById("gg-export-form");
  var reason = document.getElementById("gg-export-reason");
  if (!form || !reason) {
    return;
  }
  function update() {
    var chosen = form.querySelector('input[name="mode"]:checked');
    var unmasked = chosen && chosen.value === "unmasked";
    var hasError = reason.querySelector(".gg-field-error") !== null;
    reason.hidden = !unmasked && !hasError;
  }
  form.addEventListener("change", update);
  update();
})();
