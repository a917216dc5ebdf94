/* A select marked data-autosubmit sends its form when changed (CSP forbids inline handlers). */
document.addEventListener("change", function (event) {
  var select = event.target.closest("select[data-autosubmit]");
  if (select && select.form) { select.form.submit(); }
});
