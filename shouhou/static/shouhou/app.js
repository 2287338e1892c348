// Behaviour shared by every page, kept out of the HTML so the Content-Security-Policy can forbid
// inline scripts (issue 6, hardening).
(function () {
  "use strict";
  // The top bar's menu on a phone: one button opens and closes it (without script it stays open).
  document.documentElement.classList.add("js");
  var toggle = document.querySelector(".menu-toggle");
  var menu = document.getElementById("site-menu");
  if (toggle && menu) {
    toggle.hidden = false;
    toggle.addEventListener("click", function () {
      var open = menu.classList.toggle("open");
      toggle.setAttribute("aria-expanded", open ? "true" : "false");
    });
  }
  // <select data-autosubmit>: choosing a value submits its form (the language switcher).
  document.querySelectorAll("select[data-autosubmit]").forEach(function (select) {
    select.addEventListener("change", function () { select.form.submit(); });
  });
})();
