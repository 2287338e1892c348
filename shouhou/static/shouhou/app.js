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
  // <form data-live-preview>: as the user edits, post the form with preview=1&fragment=1 (the server
  // saves it in a transaction it rolls back) and show the returned preview in #preview.
  document.querySelectorAll("form[data-live-preview]").forEach(function (form) {
    var target = document.getElementById("preview");
    var timer = null;
    var seq = 0;
    function refresh() {
      var body = new FormData(form);
      body.append("preview", "1");
      body.append("fragment", "1");
      var mine = ++seq;
      fetch(form.action || window.location.href, {method: "POST", body: body, credentials: "same-origin"})
        .then(function (r) { return r.text(); })
        .then(function (html) { if (mine === seq && target) { target.innerHTML = html; } })
        .catch(function () { /* offline: the button still previews */ });
    }
    function later() { clearTimeout(timer); timer = setTimeout(refresh, 600); }
    form.addEventListener("input", later);
    form.addEventListener("change", later);
  });
})();
