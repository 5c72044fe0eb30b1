// Progressive enhancement only: every page works without this file.
// 1. A street <select data-communities="ID"> narrows the community list to that street.
// 2. On the directory filters, changing a select submits the form.
// 3. The service worker (static/sw.js) keeps an offline page for the portal.
(function () {
  "use strict";
  document.querySelectorAll("select[data-communities]").forEach(function (street) {
    var target = document.getElementById(street.getAttribute("data-communities"));
    if (!target) return;
    var all = Array.prototype.slice.call(target.options).filter(function (o) { return o.dataset.street; });
    function narrow() {
      var s = street.value;
      all.forEach(function (o) {
        var show = !s || o.dataset.street === s;
        o.hidden = !show; o.disabled = !show;
        if (!show && o.selected) target.value = "";
      });
    }
    street.addEventListener("change", narrow);
    narrow();
  });
  var filters = document.querySelector("form.filters[role=search]");
  if (filters) {
    filters.querySelectorAll("select").forEach(function (s) {
      s.addEventListener("change", function () {
        if (s.id === "street") { var c = document.getElementById("community"); if (c) c.value = ""; }
        filters.submit();
      });
    });
  }
  if ("serviceWorker" in navigator) {
    window.addEventListener("load", function () { navigator.serviceWorker.register("/sw.js").catch(function () {}); });
  }
})();
