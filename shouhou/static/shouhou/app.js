// Behaviour shared by every page, kept out of the HTML so the Content-Security-Policy can forbid
// inline scripts (issue 6, hardening).
(function () {
  "use strict";
  // <select data-autosubmit>: choosing a value submits its form (the language switcher).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
