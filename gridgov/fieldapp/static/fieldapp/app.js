// The app: tabs, the sync-status indicator, the forms, the outbox list and the offline bundle.
"use strict";
(function (app) {
  const t = (name, n) => (app.strings[name] || name).replace("%(n)s", n).replace("%(time)s", n);
  const SYNC_EVERY_MS = 30000;
  const statusButton = document.getElementById("sync-status");

  async function showStatus(syncing) {
    const { waiting, attention } = await app.outbox.counts();
    let text, state;
    if (attention) [text, state] = [t("attention", attention), "attention"];
    else if (!waiting) [text, state] = [t("all_synced"), "synced"];
    else if (!navigator.onLine) [text, state] = [t("offline_waiting", waiting), "offline"];
    else [text, state] = [syncing ? t("syncing") : t("waiting", waiting), "waiting"];
    statusButton.textContent = text;
    statusButton.dataset.state = state;
  }

  app.fixers = app.fixers || {};

  function showTab(name) {
    document.querySelectorAll(".field-view").forEach((v) => (v.hidden = v.dataset.tab !== name));
    document.querySelectorAll(".field-tabs button").forEach((b) => b.classList.toggle("active", b.dataset.show === name));
    if (name === "outbox") renderOutbox();
    app.emit("tab", name);
  }

  async function renderOutbox() {
    const list = document.getElementById("outbox-list");
    list.replaceChildren();
    const all = (await app.outbox.entries()).reverse();
    if (!all.length) {
      const li = document.createElement("li");
      li.className = "list-group-item text-secondary";
      li.textContent = t("empty_outbox");
      list.appendChild(li);
    }
    for (const entry of all) {
      const li = document.createElement("li");
      li.className = "list-group-item outbox-entry";
      li.dataset.status = entry.status;
      li.dataset.key = entry.key;
      const title = document.createElement("div");
      const form = app.forms.all().find((f) => f.kind === entry.kind);
      const kindTitle = form ? form.title : (app.titles && app.titles[entry.kind]) || entry.kind;
      title.textContent = `${kindTitle} · ${new Date(entry.made_at).toLocaleString()} · ${t("status_" + entry.status)}`;
      li.appendChild(title);
      if (entry.ref) {
        const ref = document.createElement("div");
        ref.className = "small text-secondary";
        ref.textContent = entry.ref.label;
        li.appendChild(ref);
      }
      if (entry.status === "conflict" || entry.status === "rejected") {
        const errors = document.createElement("ul");
        errors.className = "small text-danger mb-1";
        const fixer = app.fixers[entry.kind];
        for (const [name, messages] of Object.entries(entry.errors || {})) {
          const item = document.createElement("li");
          const label = fixer && fixer.label ? fixer.label(entry, name) : name;
          item.textContent = (name === "__all__" ? "" : label + ": ") + messages.join(" ");
          errors.appendChild(item);
        }
        li.appendChild(errors);
        // A rejected entry of a kind whose screen can take it back is corrected there and
        // queued again under a new key (FieldApp.fixers[kind], e.g. campaigns.js).
        if (entry.status === "rejected" && fixer && fixer.can(entry)) {
          const fix = document.createElement("button");
          fix.className = "btn btn-sm btn-primary me-2 outbox-fix";
          fix.textContent = t("fix");
          fix.addEventListener("click", () => fixer.open(entry));
          li.appendChild(fix);
        }
        const discard = document.createElement("button");
        discard.className = "btn btn-sm btn-outline-secondary outbox-discard";
        discard.textContent = t("discard");
        discard.addEventListener("click", () => app.outbox.discard(entry.key));
        li.appendChild(discard);
      }
      list.appendChild(li);
    }
  }

  function renderForms(bundle) {
    const view = document.getElementById("view-report");
    view.replaceChildren();
    // One form at a time, chosen from a row of buttons (case report, visit, and what apps add).
    const chooser = document.createElement("div");
    chooser.className = "btn-group w-100 mb-3 form-chooser";
    view.appendChild(chooser);
    app.forms.all().forEach((form, index) => {
      const pick = document.createElement("button");
      pick.type = "button";
      pick.className = "btn btn-outline-primary btn-sm" + (index ? "" : " active");
      pick.dataset.kind = form.kind;
      pick.textContent = form.title;
      pick.addEventListener("click", () => {
        chooser.querySelectorAll("button").forEach((b) => b.classList.toggle("active", b === pick));
        view.querySelectorAll("form.field-form").forEach((f) => (f.hidden = f.dataset.kind !== form.kind));
      });
      chooser.appendChild(pick);
    });
    app.forms.all().forEach((form, index) => {
      const box = document.createElement("form");
      box.hidden = index > 0;
      box.className = "field-form";
      box.dataset.kind = form.kind;
      box.noValidate = true;
      const heading = document.createElement("h2");
      heading.className = "h5";
      heading.textContent = form.title;
      box.appendChild(heading);
      const fields = document.createElement("div");
      box.appendChild(fields);
      const collect = form.render(fields, bundle);
      const save = document.createElement("button");
      save.type = "submit";
      save.className = "btn btn-primary w-100";
      save.textContent = t("save");
      const note = document.createElement("p");
      note.className = "small text-success mt-2 saved-note";
      box.append(save, note);
      box.addEventListener("submit", async (event) => {
        event.preventDefault();
        note.textContent = "";
        const body = await collect();
        if (!body) return;
        await app.outbox.add(form.kind, body);
        box.reset();
        note.textContent = t("saved");
        app.outbox.sync();
      });
      view.appendChild(box);
    });
  }

  function renderGrid(bundle) {
    const age = document.getElementById("bundle-age");
    const summary = document.getElementById("grid-summary");
    summary.replaceChildren();
    if (!bundle) {
      age.textContent = t("no_bundle");
      return;
    }
    age.textContent = t("bundle_age", new Date(bundle.generated_at).toLocaleString());
    for (const grid of bundle.grids) {
      const households = bundle.households.filter((h) => h.grid && h.grid.code === grid.code).length;
      const buildings = bundle.buildings.filter((b) => b.grid && b.grid.code === grid.code).length;
      const card = document.createElement("div");
      card.className = "card mb-2";
      card.innerHTML = '<div class="card-body p-2"><strong></strong><div class="small text-secondary"></div></div>';
      card.querySelector("strong").textContent = `${grid.name} (${grid.code})`;
      card.querySelector("div.small").textContent = `${t("households")} ${households} · ${t("buildings")} ${buildings}`;
      summary.appendChild(card);
    }
  }

  // A failed download (a weak signal, a busy server) is tried again a few seconds later.
  let bundleRetry = null;
  function retryBundle() {
    clearTimeout(bundleRetry);
    bundleRetry = setTimeout(refreshBundle, 3000);
  }

  async function refreshBundle() {
    if (!navigator.onLine) return;
    try {
      const response = await fetch(app.urls.bundle, { credentials: "same-origin", headers: { Accept: "application/json" } });
      if (!response.ok) {
        if (response.status >= 500) retryBundle();
        return;
      }
      const bundle = await response.json();
      const held = await app.store.get("bundle", "current");
      if (held && held.version === bundle.version && held.user === bundle.user) return;
      app.bundle = bundle;
      await app.store.put("bundle", bundle, "current");
      renderForms(bundle);
      renderGrid(bundle);
      app.emit("bundle", bundle);
    } catch (error) {
      // Offline or cut off: keep what the device holds, and try again.
      retryBundle();
    }
  }

  app.showTab = showTab;

  async function start() {
    document.querySelectorAll(".field-tabs button").forEach((b) => b.addEventListener("click", () => showTab(b.dataset.show)));
    statusButton.addEventListener("click", () => app.outbox.sync());
    app.on("outbox", () => {
      showStatus(false);
      if (!document.getElementById("view-outbox").hidden) renderOutbox();
    });
    app.on("syncing", () => showStatus(true));
    app.on("signed-out", () => (window.location.href = "/accounts/login/?next=/field/"));
    window.addEventListener("online", () => {
      showStatus(false);
      app.outbox.sync();
      refreshBundle();
    });
    window.addEventListener("offline", () => showStatus(false));
    const bundle = await app.store.get("bundle", "current");
    app.bundle = bundle;
    renderForms(bundle);
    renderGrid(bundle);
    app.emit("bundle", bundle);
    showStatus(false);
    if ("serviceWorker" in navigator) {
      navigator.serviceWorker.register(app.urls.sw, { scope: app.urls.scope }).catch(() => {});
    }
    refreshBundle();
    app.outbox.sync();
    setInterval(() => app.outbox.sync(), SYNC_EVERY_MS);
  }

  start();
})(window.FieldApp);
