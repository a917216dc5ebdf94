// The outbox: entries wait on the device until the server answers for them. Each keeps the
// uuid key it was made with, so a retry after a lost answer is recognised, never duplicated.
"use strict";
(function (app) {
  const MAX_BATCH_BYTES = 8 * 1024 * 1024;
  let csrfToken = null;
  let batchSize = 100;
  let running = null;
  let retryDelay = 2000;

  function newKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    const b = crypto.getRandomValues(new Uint8Array(16));
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    const h = Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
  }

  async function add(kind, body) {
    // The worker who made it: a phone shared by two workers never sends one's entries as the other's.
    const user = app.user || (app.bundle && app.bundle.user) || null;
    const entry = { key: newKey(), kind, body, user, made_at: new Date().toISOString(), status: "pending", errors: {}, ref: null };
    await app.store.put("outbox", entry);
    app.emit("outbox");
    return entry;
  }

  async function entries() {
    const all = await app.store.all("outbox");
    return all.sort((a, b) => a.made_at.localeCompare(b.made_at));
  }

  async function counts() {
    const all = await entries();
    return {
      waiting: all.filter((e) => e.status === "pending").length,
      attention: all.filter((e) => e.status === "conflict" || e.status === "rejected").length,
    };
  }

  async function session(force) {
    if (csrfToken && !force) return csrfToken;
    const response = await fetch(app.urls.session, { credentials: "same-origin", headers: { Accept: "application/json" } });
    if (response.status === 401) {
      app.emit("signed-out");
      throw new Error("signed out");
    }
    if (!response.ok) throw new Error("session " + response.status);
    const answer = await response.json();
    csrfToken = answer.csrf_token;
    batchSize = answer.batch || batchSize;
    app.user = answer.user;
    return csrfToken;
  }

  function batches(pending) {
    const out = [];
    let current = [];
    let bytes = 0;
    for (const entry of pending) {
      const size = JSON.stringify(entry.body).length;
      if (current.length && (current.length >= batchSize || bytes + size > MAX_BATCH_BYTES)) {
        out.push(current);
        current = [];
        bytes = 0;
      }
      current.push(entry);
      bytes += size;
    }
    if (current.length) out.push(current);
    return out;
  }

  async function post(batch, retried) {
    const token = await session(retried);
    const response = await fetch(app.urls.sync, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRFToken": token },
      body: JSON.stringify({ submissions: batch.map(({ key, kind, made_at, body }) => ({ key, kind, made_at, body })) }),
    });
    if (response.status === 403 && !retried) return post(batch, true); // stale CSRF token
    if (response.status === 401) {
      app.emit("signed-out");
      throw new Error("signed out");
    }
    if (!response.ok) throw new Error("sync " + response.status);
    return (await response.json()).results;
  }

  async function apply(batch, results) {
    const byKey = new Map(batch.map((e) => [e.key, e]));
    for (const result of results) {
      const entry = byKey.get(result.key);
      if (!entry) continue;
      if (result.status === "created" || result.status === "duplicate") {
        entry.status = "done";
        entry.ref = result.ref;
        entry.body = { ...entry.body, photos: undefined }; // the server has them now
      } else {
        entry.status = result.status; // conflict | rejected: the worker decides
        entry.errors = result.errors || {};
        entry.server = result.server || null;
      }
      entry.answered_at = new Date().toISOString();
      await app.store.put("outbox", entry);
    }
  }

  async function sendPending() {
    if (!navigator.onLine) return;
    app.emit("syncing");
    try {
      await session(false);
      const pending = (await entries()).filter((e) => e.status === "pending" && (!e.user || e.user === app.user));
      for (const batch of batches(pending)) {
        await apply(batch, await post(batch, false));
        app.emit("outbox");
      }
      retryDelay = 2000;
    } catch (error) {
      // Offline or the server unreachable: the entries stay; try again soon (backing off),
      // since an 'online' event often comes before the network really carries requests.
      setTimeout(sync, retryDelay);
      retryDelay = Math.min(retryDelay * 2, 60000);
    }
  }

  // Send every waiting entry; one run at a time. `running` is set before the run starts, so a
  // run that ends at once (offline) still clears it afterwards.
  function sync() {
    if (running) return running;
    running = Promise.resolve()
      .then(sendPending)
      .finally(() => {
        running = null;
        app.emit("outbox");
      });
    return running;
  }

  app.outbox = { add, entries, counts, sync, session, discard: (key) => app.store.remove("outbox", key).then(() => app.emit("outbox")) };
})(window.FieldApp);
