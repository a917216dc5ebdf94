// "Health check-ins" (the campaigns app's `monitoring.checkin` kind, docs/field-app.md): the
// persons under monitoring in the worker's grids (names masked), whether today's check-in is
// in, and a check-in form (temperature, symptoms, test result) saved to the outbox.
"use strict";
(function (app) {
  const t = (name) => app.strings[name] || name;
  const KIND = "monitoring.checkin";
  const TESTS = ["", "pending", "negative", "positive"];
  let open = null;

  app.titles = app.titles || {};
  app.titles[KIND] = t("health_checkin");

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function today() {
    const d = new Date();
    return `${d.getFullYear()}-${String(d.getMonth() + 1).padStart(2, "0")}-${String(d.getDate()).padStart(2, "0")}`;
  }

  // Check-ins made on the device today, per monitoring: pending (not yet synced) or synced.
  async function localCheckins() {
    const day = today();
    const byMonitoring = new Map();
    for (const entry of await app.outbox.entries()) {
      if (entry.kind !== KIND || !entry.body) continue;
      const made = new Date(entry.made_at);
      const madeDay = `${made.getFullYear()}-${String(made.getMonth() + 1).padStart(2, "0")}-${String(made.getDate()).padStart(2, "0")}`;
      if (madeDay === day) byMonitoring.set(entry.body.monitoring, entry.status);
    }
    return byMonitoring;
  }

  async function renderList() {
    const list = document.getElementById("health-list");
    if (!list) return;
    const monitorings = (app.bundle && app.bundle.monitoring && app.bundle.monitoring.persons) || [];
    const local = await localCheckins();
    list.replaceChildren();
    if (!monitorings.length) {
      list.appendChild(el("p", { class: "text-secondary no-monitorings" }, t("no_monitorings")));
      return;
    }
    const ul = el("ul", { class: "list-group" });
    for (const item of monitorings) {
      const status = local.get(item.id);
      const state = status === "pending" ? "pending" : item.checked_today || status === "done" ? "done" : "due";
      const li = el("li", { class: "list-group-item p-0" });
      const button = el("button", { type: "button", class: "monitoring-item btn w-100 text-start d-flex justify-content-between align-items-center gap-2", "data-monitoring": item.id, "data-state": state });
      const label = el("span");
      label.append(el("span", { class: "fw-semibold" }, item.name), el("span", { class: "small text-secondary" }, ` · ${item.kind_label} · ${t("until")} ${item.until}`));
      const text = { pending: t("waiting_to_sync"), done: t("checked_today"), due: t("checkin_due") }[state];
      const tone = { pending: "text-bg-warning", done: "text-bg-success", due: "text-bg-secondary" }[state];
      button.append(label, el("span", { class: `badge ${tone}` }, text));
      button.addEventListener("click", () => openForm(item));
      li.appendChild(button);
      ul.appendChild(li);
    }
    list.appendChild(ul);
  }

  function openForm(item) {
    open = item;
    document.getElementById("health-saved").textContent = "";
    const panel = document.getElementById("health-form");
    document.getElementById("health-list").hidden = true;
    panel.hidden = false;
    panel.replaceChildren();
    const form = el("form", { class: "checkin-form", "data-monitoring": item.id, novalidate: "" });
    const back = el("button", { type: "button", class: "btn btn-link px-0 mb-2" }, `‹ ${t("back")}`);
    back.addEventListener("click", closeForm);
    form.append(back, el("h2", { class: "h5 mb-0" }, item.name), el("div", { class: "small text-secondary mb-3" }, `${item.kind_label} · ${item.campaign}`));

    const temperature = el("div", { class: "mb-3" });
    temperature.append(
      el("label", { class: "form-label", for: "checkin-temperature" }, t("temperature")),
      el("input", { id: "checkin-temperature", name: "temperature", class: "form-control", type: "number", inputmode: "decimal", step: "0.1", min: "34", max: "43", placeholder: "36.5" }),
    );
    const symptoms = el("div", { class: "mb-3" });
    symptoms.appendChild(el("div", { class: "form-label" }, t("symptoms")));
    // The symptom codes and their names come with the bundle (the server's list).
    const known = (app.bundle && app.bundle.monitoring && app.bundle.monitoring.symptoms) || [];
    known.forEach(({ code, label }) => {
      const wrap = el("div", { class: "form-check" });
      wrap.append(el("input", { class: "form-check-input", type: "checkbox", name: "symptoms", value: code, id: `symptom-${code}` }), el("label", { class: "form-check-label", for: `symptom-${code}` }, label));
      symptoms.appendChild(wrap);
    });
    const test = el("div", { class: "mb-3" });
    const select = el("select", { id: "checkin-test", name: "test_result", class: "form-select" });
    TESTS.forEach((code) => select.appendChild(el("option", { value: code }, t("test_" + (code || "none")))));
    test.append(el("label", { class: "form-label", for: "checkin-test" }, t("test_result")), select);
    const note = el("div", { class: "mb-3" });
    note.append(el("label", { class: "form-label", for: "checkin-note" }, t("notes")), el("textarea", { id: "checkin-note", name: "note", class: "form-control", rows: "2", maxlength: "200" }));
    const save = el("button", { type: "submit", class: "btn btn-primary w-100" }, t("save"));
    form.append(temperature, symptoms, test, note, save);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      form.querySelectorAll(".field-errors").forEach((n) => n.remove());
      const raw = form.querySelector("[name=temperature]").value.trim();
      const chosen = [...form.querySelectorAll("[name=symptoms]:checked")].map((n) => n.value);
      const noteText = form.querySelector("[name=note]").value.trim();
      if (!raw) {
        app.fieldError(form, "temperature", [t("required")]);
        return;
      }
      if (chosen.includes("other") && !noteText) {
        app.fieldError(form, "note", [t("say_which_symptom")]);
        return;
      }
      await app.outbox.add(KIND, {
        monitoring: item.id,
        temperature: Number(raw),
        symptoms: chosen,
        test_result: select.value,
        note: noteText,
      });
      closeForm();
      document.getElementById("health-saved").textContent = t("saved");
      app.outbox.sync();
    });
    panel.appendChild(form);
    window.scrollTo(0, 0);
  }

  function closeForm() {
    open = null;
    document.getElementById("health-form").hidden = true;
    document.getElementById("health-list").hidden = false;
    renderList();
  }

  app.on("bundle", () => {
    if (!open) renderList();
  });
  app.on("outbox", () => {
    if (!open) renderList();
  });
  app.on("tab", (name) => {
    if (name === "health" && !open) {
      document.getElementById("health-saved").textContent = "";
      renderList();
    }
  });
})(window.FieldApp);
