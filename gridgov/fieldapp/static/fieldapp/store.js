// IndexedDB of the field app: the offline bundle ("bundle", one record "current") and the
// outbox of submissions ("outbox", keyed by the submission's idempotency key).
"use strict";
window.FieldApp = window.FieldApp || {};
(function (app) {
  const stringsNode = document.getElementById("field-strings");
  app.strings = stringsNode ? JSON.parse(stringsNode.textContent) : {};
  app.urls = { ...document.body.dataset };
  const listeners = {};
  app.on = (name, fn) => (listeners[name] = listeners[name] || []).push(fn);
  app.emit = (name, detail) => (listeners[name] || []).forEach((fn) => fn(detail));

  const DB_NAME = "gridgov-field";
  let opening = null;

  function open() {
    if (!opening) {
      opening = new Promise((resolve, reject) => {
        const request = indexedDB.open(DB_NAME, 1);
        request.onupgradeneeded = () => {
          const db = request.result;
          db.createObjectStore("bundle");
          db.createObjectStore("outbox", { keyPath: "key" });
        };
        request.onsuccess = () => resolve(request.result);
        request.onerror = () => reject(request.error);
      });
    }
    return opening;
  }

  async function run(storeName, mode, action) {
    const db = await open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(storeName, mode);
      const request = action(tx.objectStore(storeName));
      tx.oncomplete = () => resolve(request ? request.result : undefined);
      tx.onerror = () => reject(tx.error);
    });
  }

  app.store = {
    get: (storeName, key) => run(storeName, "readonly", (s) => s.get(key)),
    put: (storeName, value, key) => run(storeName, "readwrite", (s) => (key === undefined ? s.put(value) : s.put(value, key))),
    all: (storeName) => run(storeName, "readonly", (s) => s.getAll()),
    remove: (storeName, key) => run(storeName, "readwrite", (s) => s.delete(key)),
    // Logout: the whole database goes, and every cache but the app shell.
    async wipe() {
      if (opening) {
        (await opening).close();
        opening = null;
      }
      await new Promise((resolve) => {
        const request = indexedDB.deleteDatabase(DB_NAME);
        request.onsuccess = request.onerror = request.onblocked = () => resolve();
      });
      if (window.caches) {
        for (const name of await caches.keys()) {
          if (!name.startsWith("field-shell-")) await caches.delete(name);
        }
      }
    },
  };
})(window.FieldApp);
