// "Record a household visit" (the patrol app's `patrol.visit` kind, body in docs/patrol.md):
// a household of the worker's grids from the offline bundle, who was met, situation, needs.
"use strict";
(function (app) {
  const t = (name) => app.strings[name] || name;
  const SITUATIONS = ["normal", "attention", "urgent"];
  const NEEDS = ["medical", "financial", "daily_care", "housing_repair", "employment", "legal", "other"];

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function check(name, value, label) {
    const id = `visit-${name}-${value}`;
    const box = el("div", { class: "form-check" });
    box.append(el("input", { class: "form-check-input", type: "checkbox", name, value, id }), el("label", { class: "form-check-label", for: id }, label));
    return box;
  }

  function group(label, ...children) {
    const box = el("div", { class: "mb-3" });
    box.append(el("div", { class: "form-label" }, label), ...children);
    return box;
  }

  function render(container, bundle) {
    const households = (bundle && bundle.households) || [];
    const household = el("select", { id: "visit-household", name: "household", class: "form-select" });
    household.appendChild(el("option", { value: "" }, t("choose")));
    households.forEach((h) => household.appendChild(el("option", { value: h.id }, `${h.number} ${h.house ? h.house.label : ""}`)));
    const nobody = check("nobody_home", "1", t("nobody_home"));
    const met = el("div", { id: "visit-met" });
    const situation = el("select", { name: "situation", class: "form-select" });
    SITUATIONS.forEach((s) => situation.appendChild(el("option", { value: s }, t("situation_" + s))));
    const needs = el("div");
    NEEDS.forEach((n) => needs.appendChild(check("needs", n, t("need_" + n))));
    const notes = el("textarea", { name: "notes", class: "form-control", rows: "2" });

    function showMembers() {
      met.replaceChildren();
      const chosen = households.find((h) => String(h.id) === household.value);
      ((chosen && chosen.members) || []).forEach((m) => met.appendChild(check("met", m.id, m.name)));
    }
    household.addEventListener("change", showMembers);
    container.append(
      group(t("household"), household),
      group(t("met"), nobody, met),
      group(t("situation"), situation),
      group(t("needs"), needs),
      group(t("notes"), notes),
    );

    return async function collect() {
      container.querySelectorAll(".field-errors").forEach((n) => n.remove());
      const nobodyHome = container.querySelector("[name=nobody_home]").checked;
      const metIds = [...container.querySelectorAll("[name=met]:checked")].map((c) => Number(c.value));
      if (!household.value) {
        app.fieldError(container, "household", [t("required")]);
        return null;
      }
      if (!nobodyHome && !metIds.length) {
        app.fieldError(container, "nobody_home", [t("required")]);
        return null;
      }
      return {
        household: Number(household.value),
        nobody_home: nobodyHome,
        met: nobodyHome ? [] : metIds,
        situation: situation.value,
        needs: [...container.querySelectorAll("[name=needs]:checked")].map((c) => c.value),
        notes: notes.value.trim(),
      };
    };
  }

  app.forms.register({ kind: "patrol.visit", title: t("record_visit"), render });
})(window.FieldApp);
