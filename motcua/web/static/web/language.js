// Submits the language form when the choice changes (no inline handlers: the CSP forbids them).
document.addEventListener("DOMContentLoaded", function () {
  var select = document.getElementById("language");
  if (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  }
});
