// The Patrol tab (gridgov.patrol's field-app kinds, docs/patrol.md): start a patrol, record the
// GPS track while it runs, check in at a building or a free point, report a finding, end it.
// Everything goes through the outbox, so a patrol walked with no network syncs later. The
// patrol is named by a key made on the device (`patrol.start`'s "key"), so the later records
// can name it before the server id is known. The running patrol is kept in IndexedDB (the
// bundle store, record "patrol"): it survives a reload and goes with the rest at sign-out.
"use strict";
(function (app) {
  const t = (name, n) => (app.strings[name] || name).replace("%(n)s", n).replace("%(time)s", n);
  const FLUSH_MS = 30000; // a track batch at least every 30 s …
  const FLUSH_POINTS = 20; // … or every 20 points
  const WORST_ACCURACY_M = 100; // fixes less precise than this are dropped
  const MIN_STEP_M = 3; // a fix this close to the previous one within MIN_STEP_S adds nothing
  const MIN_STEP_S = 15;
  const START_GRACE_MS = 60000;
  const STATE_KEY = "patrol";
  const KINDS = { "patrol.start": "patrol_started", "patrol.end": "patrol_ended_title", "patrol.track": "patrol_track", "patrol.checkin": "patrol_checkin", "patrol.finding": "patrol_finding" };
  let state = null; // {key, user, grid, grid_name, started_at, points, unsent, distance_m, last, flushed_at}
  let watch = null;
  let flushTimer = null;
  let lastQueued = 0;

  app.titles = app.titles || {};
  Object.entries(KINDS).forEach(([kind, name]) => (app.titles[kind] = t(name)));

  const view = document.getElementById("view-patrol");
  if (!view) return;
  const panel = document.getElementById("patrol-panel");

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function metres(a, b) {
    const r = 6371008.8;
    const rad = Math.PI / 180;
    const dLat = (b.lat - a.lat) * rad;
    const dLon = (b.lon - a.lon) * rad;
    const h = Math.sin(dLat / 2) ** 2 + Math.cos(a.lat * rad) * Math.cos(b.lat * rad) * Math.sin(dLon / 2) ** 2;
    return 2 * r * Math.asin(Math.min(1, Math.sqrt(h)));
  }

  function distanceText(m) {
    return m >= 1000 ? t("km", (m / 1000).toFixed(2)) : t("metres", Math.round(m));
  }

  function me() {
    return app.user || (app.bundle && app.bundle.user) || null;
  }

  const save = () => app.store.put("bundle", state, STATE_KEY);

  // Entries of one patrol are sent in the order they were made: no two share a made_at.
  async function queue(kind, body) {
    const wait = lastQueued + 2 - Date.now();
    if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
    const entry = await app.outbox.add(kind, body);
    lastQueued = Date.now();
    return entry;
  }

  async function flush() {
    if (!state || !state.unsent.length) return;
    const [key, points] = [state.key, state.unsent];
    state.unsent = [];
    state.flushed_at = Date.now();
    // Queued before the device forgets them: a crash in between re-sends points, which the
    // server skips (one point per patrol and time), rather than losing them.
    await queue("patrol.track", { patrol: key, points });
    if (state) await save();
    app.outbox.sync();
  }

  async function onFix(position) {
    if (!state) return;
    const { longitude, latitude, accuracy } = position.coords;
    const hint = document.getElementById("patrol-fix-note");
    if (accuracy > WORST_ACCURACY_M) {
      if (hint) hint.textContent = t("weak_fix", Math.round(accuracy));
      return;
    }
    if (hint) hint.textContent = "";
    const fix = { lon: Number(longitude.toFixed(7)), lat: Number(latitude.toFixed(7)), at: new Date(position.timestamp || Date.now()).toISOString(), accuracy: Math.round(accuracy) };
    // A fix from well before the start is the phone's cache, not the walk (the server allows
    // a few minutes of clock skew, so the first fix of a standing start is kept).
    if (Date.parse(fix.at) < Date.parse(state.started_at) - START_GRACE_MS) return;
    const last = state.last;
    if (last && (fix.at <= last.at || (metres(last, fix) < MIN_STEP_M && Date.parse(fix.at) - Date.parse(last.at) < MIN_STEP_S * 1000))) {
      state.last = { ...last, accuracy: fix.accuracy };
      return;
    }
    if (last) state.distance_m += metres(last, fix);
    state.last = fix;
    state.points.push({ lon: fix.lon, lat: fix.lat, at: fix.at });
    state.unsent.push(fix);
    await save();
    if (!state) return; // ended meanwhile
    showStats();
    app.map && app.map.setPosition(fix);
    app.map && app.map.setTrack(state.points);
    if (state.unsent.length >= FLUSH_POINTS) await flush();
  }

  function follow() {
    if (watch !== null || !navigator.geolocation) return;
    watch = navigator.geolocation.watchPosition(onFix, () => {
      const hint = document.getElementById("patrol-fix-note");
      if (hint) hint.textContent = t("location_failed");
    }, { enableHighAccuracy: true, maximumAge: 0, timeout: 60000 });
    clearInterval(flushTimer);
    flushTimer = setInterval(() => {
      if (state && state.unsent.length && Date.now() - (state.flushed_at || 0) >= FLUSH_MS) flush();
    }, 5000);
  }

  function unfollow() {
    if (watch !== null) navigator.geolocation.clearWatch(watch);
    watch = null;
    clearInterval(flushTimer);
  }

  function showStats() {
    if (!state) return;
    const distance = document.getElementById("patrol-distance");
    const count = document.getElementById("patrol-points");
    if (distance) distance.textContent = distanceText(state.distance_m);
    if (count) {
      count.textContent = String(state.points.length);
      count.dataset.count = String(state.points.length);
    }
  }

  function message(text) {
    document.getElementById("patrol-saved").textContent = text;
  }

  // Idle: choose the grid, start.
  function renderIdle() {
    view.dataset.state = "idle";
    panel.replaceChildren();
    const grids = (app.bundle && app.bundle.grids) || [];
    if (!grids.length) {
      panel.appendChild(el("p", { class: "text-secondary" }, t("no_bundle")));
      return;
    }
    const form = el("form", { class: "patrol-start", novalidate: "" });
    const wrap = el("div", { class: "mb-3" });
    const select = el("select", { id: "patrol-grid", name: "grid", class: "form-select" });
    grids.forEach((g) => select.appendChild(el("option", { value: g.code }, `${g.name} (${g.code})`)));
    wrap.append(el("label", { class: "form-label", for: "patrol-grid" }, t("grid")), select);
    form.append(wrap, el("button", { type: "submit", class: "btn btn-primary w-100", id: "patrol-start" }, t("start_patrol")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const grid = grids.find((g) => g.code === select.value) || grids[0];
      const started = new Date().toISOString();
      const entry = await queue("patrol.start", { grid: grid.code, key: cryptoKey(), started_at: started });
      state = { key: entry.body.key, user: me(), grid: grid.code, grid_name: grid.name, started_at: started, points: [], unsent: [], distance_m: 0, last: null, flushed_at: Date.now() };
      await save();
      message("");
      follow();
      renderRunning();
      app.outbox.sync();
    });
    panel.appendChild(form);
  }

  function cryptoKey() {
    if (crypto.randomUUID) return crypto.randomUUID();
    return Array.from(crypto.getRandomValues(new Uint8Array(16)), (x) => x.toString(16).padStart(2, "0")).join("");
  }

  // Running: the figures, and three actions.
  function renderRunning() {
    view.dataset.state = "running";
    panel.replaceChildren();
    const head = el("div", { class: "patrol-head mb-2" });
    head.append(
      el("div", { class: "fw-semibold" }, `${state.grid_name} (${state.grid})`),
      el("div", { class: "small text-secondary" }, t("patrol_since", new Date(state.started_at).toLocaleTimeString())),
    );
    const stats = el("div", { class: "patrol-stats d-flex gap-3 mb-2" });
    const distance = el("span", { class: "fw-semibold", id: "patrol-distance" });
    const count = el("span", { class: "fw-semibold", id: "patrol-points", "data-count": "0" });
    const d = el("div", {}, `${t("distance_walked")} `);
    d.appendChild(distance);
    const c = el("div", {}, `${t("track_points")} `);
    c.appendChild(count);
    stats.append(d, c);
    const note = el("p", { class: "small text-warning mb-2", id: "patrol-fix-note", "aria-live": "polite" });
    const actions = el("div", { class: "d-grid gap-2 patrol-actions" });
    const checkin = el("button", { type: "button", class: "btn btn-outline-primary", id: "patrol-checkin" }, t("check_in_here"));
    const finding = el("button", { type: "button", class: "btn btn-outline-danger", id: "patrol-finding" }, t("report_finding"));
    const end = el("button", { type: "button", class: "btn btn-secondary", id: "patrol-end" }, t("end_patrol"));
    checkin.addEventListener("click", openCheckin);
    finding.addEventListener("click", openFinding);
    end.addEventListener("click", endPatrol);
    actions.append(checkin, finding, end);
    const form = el("div", { id: "patrol-form", class: "mt-3" });
    form.hidden = true;
    panel.append(head, stats, note, actions, form);
    showStats();
    if (app.map) {
      app.map.setTrack(state.points);
      if (state.last) app.map.setPosition(state.last);
    }
  }

  function subform(title) {
    message("");
    const box = document.getElementById("patrol-form");
    box.hidden = false;
    box.replaceChildren();
    const form = el("form", { class: "border rounded p-2", novalidate: "" });
    const cancel = el("button", { type: "button", class: "btn btn-link px-0" }, `‹ ${t("back")}`);
    cancel.addEventListener("click", closeForm);
    form.append(cancel, el("h3", { class: "h6" }, title));
    box.appendChild(form);
    return form;
  }

  function closeForm() {
    const box = document.getElementById("patrol-form");
    if (box) {
      box.hidden = true;
      box.replaceChildren();
    }
  }

  // Check in: the grid's buildings, the nearest to the last fix first, or a free point with a note.
  function openCheckin() {
    const form = subform(t("check_in_here"));
    form.dataset.kind = "patrol.checkin";
    const here = state.last;
    const buildings = ((app.bundle && app.bundle.buildings) || [])
      .filter((b) => b.lon != null && b.lat != null)
      .map((b) => ({ b, m: here ? metres(here, { lon: Number(b.lon), lat: Number(b.lat) }) : null }))
      .sort((x, y) => (x.m ?? 0) - (y.m ?? 0) || x.b.name.localeCompare(y.b.name));
    const place = el("div", { class: "mb-3" });
    const select = el("select", { id: "checkin-building", name: "building", class: "form-select" });
    select.appendChild(el("option", { value: "" }, t("free_point")));
    buildings.forEach(({ b, m }, index) => {
      const option = el("option", { value: String(b.id) }, m === null ? b.name : `${b.name} · ${distanceText(m)}`);
      if (index === 0 && m !== null) option.selected = true;
      select.appendChild(option);
    });
    place.append(el("label", { class: "form-label", for: "checkin-building" }, t("checkin_place")), select);
    const notes = el("div", { class: "mb-3" });
    notes.append(el("label", { class: "form-label", for: "checkin-note-text" }, t("notes")), el("textarea", { id: "checkin-note-text", name: "note", class: "form-control", rows: "2", maxlength: "200" }));
    form.append(place, notes, el("button", { type: "submit", class: "btn btn-primary w-100" }, t("save")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      form.querySelectorAll(".field-errors").forEach((n) => n.remove());
      const note = form.querySelector("[name=note]").value.trim();
      const body = { patrol: state.key, at: new Date().toISOString(), note };
      if (select.value) body.building = Number(select.value);
      else if (!note) return app.fieldError(form, "note", [t("note_needed")]);
      else if (!state.last) return app.fieldError(form, "note", [t("need_fix")]);
      if (state.last) Object.assign(body, { lon: state.last.lon, lat: state.last.lat });
      await flush();
      await queue("patrol.checkin", body);
      closeForm();
      message(t("checked_in"));
      app.outbox.sync();
    });
  }

  // A finding: the case form's own fields (category, description, photos, location), the
  // location prefilled with the last fix; queued as patrol.finding of this patrol.
  function openFinding() {
    const form = subform(t("report_finding"));
    form.dataset.kind = "patrol.finding";
    const caseForm = app.forms.all().find((f) => f.kind === "case.report");
    const fields = el("div");
    form.appendChild(fields);
    const collect = caseForm.render(fields, app.bundle);
    // The case form's ids are the Report tab's: rename them here so that labels stay right.
    fields.querySelectorAll("[id]").forEach((node) => (node.id = "finding-" + node.id));
    fields.querySelectorAll("label[for]").forEach((node) => node.setAttribute("for", "finding-" + node.getAttribute("for")));
    if (state.last) {
      fields.querySelector("[name=lon]").value = state.last.lon.toFixed(6);
      fields.querySelector("[name=lat]").value = state.last.lat.toFixed(6);
    }
    form.appendChild(el("button", { type: "submit", class: "btn btn-primary w-100" }, t("save")));
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      const body = await collect();
      if (!body) return;
      delete body.crs;
      await flush();
      await queue("patrol.finding", { ...body, patrol: state.key });
      closeForm();
      message(t("saved"));
      app.outbox.sync();
    });
  }

  async function endPatrol() {
    if (!state || state.ending) return; // a second tap
    state.ending = true;
    unfollow();
    await flush();
    await queue("patrol.end", { patrol: state.key, ended_at: new Date().toISOString() });
    const summary = t("patrol_ended", distanceText(state.distance_m));
    state = null;
    await app.store.remove("bundle", STATE_KEY);
    app.map && app.map.setTrack([]);
    renderIdle();
    message(summary);
    app.outbox.sync();
  }

  async function resume() {
    const held = await app.store.get("bundle", STATE_KEY);
    // A patrol left on the phone by another worker is not theirs to continue (or to end).
    if (held && (!held.user || !me() || held.user === me())) {
      state = { ...held, ending: false };
      follow();
      renderRunning();
    } else renderIdle();
  }

  app.on("bundle", () => {
    if (!state) renderIdle();
  });
  app.on("tab", (name) => {
    if (name === "patrol" && !state) message("");
  });
  resume();
})(window.FieldApp);
