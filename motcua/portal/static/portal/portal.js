// The filing form: once sent, its button is disabled so a second click does not send it
// again (the server would return the same dossier anyway: the form carries a one-time token).
document.addEventListener("DOMContentLoaded", function () {
  var form = document.getElementById("filing-form");
  if (!form) { return; }
  form.addEventListener("submit", function () {
    var button = document.getElementById("submit-filing");
    if (button) {
      window.setTimeout(function () { button.disabled = true; }, 0);
    }
  });
});
