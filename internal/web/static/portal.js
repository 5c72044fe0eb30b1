// The portal installs its service worker (offline page); everything else
// on the portal works without JavaScript.
if ("serviceWorker" in navigator) {
  window.addEventListener("load", () => { navigator.serviceWorker.register("/sw.js").catch(() => {}); });
}
