// Progressive enhancement of the need form's "查找同款" (find similar):
// without this file the button submits the form and the page comes back with
// the suggestions; with it, similar solutions and past projects appear as the
// staffer types, fetched as an HTML fragment the server renders.
(function () {
  "use strict";
  var box = document.getElementById("suggestions");
  if (!box || !window.fetch) return;
  var url = box.getAttribute("data-suggest");
  var title = document.getElementById("title");
  var desc = document.getElementById("description");
  var cat = document.getElementById("category");
  if (!url || !title || !desc) return;
  var timer = null, last = "", seq = 0;
  function text() {
    // The title and the start of the description are enough to find similar work.
    return (title.value.trim() + "\n" + desc.value.trim().slice(0, 300)).trim();
  }
  function load() {
    var t = text();
    if (t.length < 4 || t === last) return;
    last = t;
    var mine = ++seq;
    var comm = document.getElementById("community");
    var q = "?text=" + encodeURIComponent(t) + (cat && cat.value ? "&category=" + encodeURIComponent(cat.value) : "") +
      (comm && comm.value ? "&community=" + encodeURIComponent(comm.value) : "");
    box.setAttribute("aria-busy", "true");
    fetch(url + q, { credentials: "same-origin", headers: { "Accept": "text/html" } })
      .then(function (r) { return r.ok ? r.text() : null; })
      .then(function (html) {
        if (mine !== seq || html === null) return;
        box.innerHTML = html;
      })
      .catch(function () { /* the button still works */ })
      .then(function () { if (mine === seq) box.removeAttribute("aria-busy"); });
  }
  function later() {
    clearTimeout(timer);
    timer = setTimeout(load, 700);
  }
  title.addEventListener("input", later);
  desc.addEventListener("input", later);
  if (cat) cat.addEventListener("change", later);
})();
