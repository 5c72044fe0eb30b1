// Huitian's service worker: keeps the offline page and the stylesheet, and
// shows the offline page when a page cannot be fetched. Pages themselves
// are never cached (they carry personal data and change).
const CACHE = "huitian-v1";
const KEEP = ["/offline", "/static/app.css", "/icons/icon-192.png"];

self.addEventListener("install", (e) => {
  e.waitUntil(caches.open(CACHE).then((c) => c.addAll(KEEP)).then(() => self.skipWaiting()));
});

self.addEventListener("activate", (e) => {
  e.waitUntil(caches.keys().then((keys) => Promise.all(keys.filter((k) => k !== CACHE).map((k) => caches.delete(k))))
    .then(() => self.clients.claim()));
});

self.addEventListener("fetch", (e) => {
  const req = e.request;
  if (req.method !== "GET") return;
  if (req.mode === "navigate") {
    e.respondWith(fetch(req).catch(() => caches.match("/offline")));
    return;
  }
  const url = new URL(req.url);
  if (url.origin === location.origin && KEEP.includes(url.pathname)) {
    // Stale while revalidate: the kept copy now, a fresh one for next time.
    const fresh = fetch(req).then((res) => {
      if (res.ok) caches.open(CACHE).then((c) => c.put(req, res.clone()));
      return res;
    });
    e.respondWith(caches.match(req).then((hit) => hit || fresh));
    e.waitUntil(fresh.catch(() => {}));
  }
});
