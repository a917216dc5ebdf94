// The field app's service worker (scope /field/): keeps the app shell so /field/ opens offline.
// API calls always go to the network; device data lives in IndexedDB, not here.
"use strict";
const SHELL_URLS = {{ shell_urls|safe }};
const SHELL_CACHE = "field-shell-" + SHELL_URLS.join("|").length + "-" + SHELL_URLS.join("|").split("").reduce((h, c) => (h * 31 + c.charCodeAt(0)) | 0, 7);

self.addEventListener("install", (event) => {
  event.waitUntil((async () => {
    const cache = await caches.open(SHELL_CACHE);
    for (const url of SHELL_URLS) {
      try {
        const response = await fetch(url, { credentials: "same-origin", cache: "no-cache" });
        // A redirect (to the login page) is not the shell: keep only real answers.
        if (response.ok && !response.redirected) await cache.put(url, response);
      } catch (error) {
        // One part missing must not stop the worker: it is fetched from the network when asked.
      }
    }
    await self.skipWaiting();
  })());
});

self.addEventListener("activate", (event) => {
  event.waitUntil((async () => {
    for (const name of await caches.keys()) {
      if (name.startsWith("field-shell-") && name !== SHELL_CACHE) await caches.delete(name);
    }
    await self.clients.claim();
  })());
});

self.addEventListener("fetch", (event) => {
  const request = event.request;
  if (request.method !== "GET") return;
  const url = new URL(request.url);
  if (url.origin !== self.location.origin || url.pathname.startsWith("/field/api/")) return;
  if (request.mode === "navigate" && url.pathname === "/field/") {
    event.respondWith((async () => {
      try {
        const response = await fetch(request);
        if (response.ok && !response.redirected) {
          const cache = await caches.open(SHELL_CACHE);
          await cache.put("/field/", response.clone());
        }
        return response;
      } catch (error) {
        const cached = await caches.match("/field/");
        if (cached) return cached;
        throw error;
      }
    })());
    return;
  }
  if (SHELL_URLS.includes(url.pathname)) {
    event.respondWith(caches.match(url.pathname).then((cached) => cached || fetch(request)));
  }
});
