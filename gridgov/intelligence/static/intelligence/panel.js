/* The Suggestions panel of the case page: "Apply" fills the register or dispatch form's field
   and opens that form; the user still checks and submits it. No inline script (CSP). */
(function () {
  "use strict";

  function apply(button) {
    var field = document.getElementById(button.dataset.field);
    if (!field) { return; }
    var known = Array.prototype.some.call(field.options || [], function (option) {
      return option.value === button.dataset.value;
    });
    if (!known) { return; }
    field.value = button.dataset.value;
    field.dispatchEvent(new Event("change", { bubbles: true }));
    var form = document.querySelector('details.gg-action[data-action="' + button.dataset.action + '"]');
    if (form) { form.open = true; }
    field.focus();
    button.classList.add("active");
  }

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-gg-apply]");
    if (button) { apply(button); }
  });
}());
