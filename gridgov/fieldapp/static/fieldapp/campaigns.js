// "Campaigns" (the campaigns app's `campaign.result` kind, docs/field-app.md): the active
// campaigns of the offline bundle with the worker's households grouped by building (collapsible,
// done/total each), pending first, each with its outcome badge; a household opens its checklist,
// rendered from the campaign's questions (a question with a condition shows only while the
// earlier answer matches) and pre-filled on a revisit with the last answers the phone knows (its
// outbox, else the bundle). A result the server rejected opens again with the server's errors
// next to their fields; saved, it goes to the outbox under a new key and the rejected entry
// leaves. The badge follows the outbox at once.
"use strict";
(function (app) {
  const t = (name) => app.strings[name] || name;
  const KIND = "campaign.result";
  const OUTCOMES = ["done", "not_home", "refused", "moved"];
  const ORDER = { pending: 0, not_home: 1, done: 2, refused: 3, moved: 4 };
  let openTarget = null; // {campaign, target} while a checklist is open
  const searches = {}; // campaign id -> the household search typed, kept across re-renders
  const openGroups = {}; // campaign id -> the building groups the worker opened

  app.titles = app.titles || {};
  app.titles[KIND] = t("campaign_result");

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function section() {
    return (app.bundle && app.bundle.campaigns) || { active: [], zones: [] };
  }

  // What the device knows of each target beyond the bundle: the last result it made for it.
  async function localResults() {
    const bundleTime = app.bundle ? Date.parse(app.bundle.generated_at) : 0;
    const byTarget = new Map();
    for (const entry of await app.outbox.entries()) {
      if (entry.kind !== KIND || !entry.body) continue;
      // A synced result older than the bundle is already in the bundle's outcome.
      if (entry.status === "done" && entry.answered_at && Date.parse(entry.answered_at) < bundleTime) continue;
      byTarget.set(entry.body.target, entry);
    }
    return byTarget;
  }

  function stateOf(target, local) {
    const entry = local.get(target.id);
    if (!entry) return { outcome: target.outcome, sync: "" };
    if (entry.status === "pending") return { outcome: entry.body.outcome, sync: "pending" };
    if (entry.status === "done") return { outcome: entry.body.outcome, sync: "" };
    return { outcome: target.outcome, sync: "attention" };
  }

  function badge(outcome) {
    return el("span", { class: `badge outcome-badge outcome-${outcome}`, "data-outcome": outcome }, t("outcome_" + outcome));
  }

  function zonesBox(zones) {
    const box = el("div", { class: "campaign-zones mb-2" });
    for (const zone of zones) {
      const card = el("div", { class: `alert zone-alert zone-${zone.level} p-2 mb-2`, "data-level": zone.level });
      const head = el("div");
      head.append(el("strong", {}, zone.level_label), document.createTextNode(` · ${zone.place}`));
      card.appendChild(head);
      if (zone.until) card.appendChild(el("div", { class: "small" }, `${t("until")} ${new Date(zone.until).toLocaleString()}`));
      if (zone.rules && zone.rules.length) {
        const rules = el("ul", { class: "small mb-0 zone-rules" });
        zone.rules.forEach((rule) => rules.appendChild(el("li", {}, rule)));
        card.appendChild(rules);
      }
      box.appendChild(card);
    }
    return box;
  }

  async function renderList() {
    const list = document.getElementById("campaign-list");
    if (!list) return;
    const { active, zones } = section();
    const local = await localResults();
    list.replaceChildren();
    if (!app.bundle) {
      list.appendChild(el("p", { class: "text-secondary" }, t("no_bundle")));
      return;
    }
    if (zones && zones.length) list.appendChild(zonesBox(zones));
    if (!active.length) {
      list.appendChild(el("p", { class: "text-secondary no-campaigns" }, t("no_campaigns")));
      return;
    }
    for (const campaign of active) {
      const card = el("div", { class: "card mb-3 campaign-card", "data-campaign": campaign.id });
      const body = el("div", { class: "card-body p-2" });
      const states = campaign.targets.map((target) => ({ target, ...stateOf(target, local) }));
      const visited = states.filter((s) => s.outcome !== "pending").length;
      body.append(
        el("h3", { class: "h6 mb-1" }, campaign.name),
        el("div", { class: "small text-secondary mb-2" }, `${campaign.kind_label} · ${t("until")} ${new Date(campaign.ends_at).toLocaleDateString()} · ${t("visited_of").replace("%(done)s", visited).replace("%(total)s", states.length)}`),
      );
      // A grid holds hundreds of households: one collapsible group per building, and a search
      // by household number or building that opens the groups it finds something in.
      const find = el("input", { type: "search", class: "form-control form-control-sm mb-2 campaign-find", placeholder: t("find_household"), "aria-label": t("find_household") });
      find.value = searches[campaign.id] || "";
      body.appendChild(find);
      const groups = buildingGroups(states);
      const opened = (openGroups[campaign.id] = openGroups[campaign.id] || new Set());
      const boxes = el("div", { class: "campaign-buildings" });
      const gridNames = new Map(((app.bundle && app.bundle.grids) || []).map((g) => [g.id, g.name]));
      const severalGrids = new Set(groups.map((g) => g.grid)).size > 1;
      for (const group of groups) {
        const gridName = severalGrids ? gridNames.get(group.grid) || "" : "";
        boxes.appendChild(groupBox(campaign, group, opened, find, groups.length === 1, gridName));
      }
      body.appendChild(boxes);
      const narrow = () => {
        searches[campaign.id] = find.value;
        const words = find.value.trim().toLowerCase();
        for (const box of boxes.children) {
          let shown = 0;
          for (const item of box.querySelectorAll("li")) {
            item.hidden = Boolean(words) && !item.dataset.text.includes(words);
            if (!item.hidden) shown += 1;
          }
          box.hidden = !shown;
          box.open = words ? shown > 0 : opened.has(box.dataset.building) || groups.length === 1;
        }
      };
      find.addEventListener("input", narrow);
      narrow();
      card.appendChild(body);
      list.appendChild(card);
    }
  }

  // The campaign's households by building, grid by grid (households with no house on record
  // last in their grid), each group pending first, then by household number.
  function buildingGroups(states) {
    const byKey = new Map();
    for (const state of states) {
      const id = state.target.building;
      const key = id === undefined || id === null ? `none-${state.target.grid}` : String(id);
      if (!byKey.has(key)) {
        const name = key.startsWith("none") ? t("no_building") : state.target.building_name;
        byKey.set(key, { key, name, grid: state.target.grid, states: [] });
      }
      byKey.get(key).states.push(state);
    }
    const grids = ((app.bundle && app.bundle.grids) || []).map((g) => g.id);
    const gridOrder = (id) => (grids.includes(id) ? grids.indexOf(id) : grids.length);
    const groups = [...byKey.values()];
    groups.sort(
      (a, b) =>
        gridOrder(a.grid) - gridOrder(b.grid) ||
        a.key.startsWith("none") - b.key.startsWith("none") ||
        a.name.localeCompare(b.name, undefined, { numeric: true }),
    );
    for (const group of groups) {
      group.states.sort((a, b) => ORDER[a.outcome] - ORDER[b.outcome] || a.target.number.localeCompare(b.target.number, undefined, { numeric: true }));
    }
    return groups;
  }

  function groupBox(campaign, group, opened, find, only, gridName) {
    const done = group.states.filter((s) => s.outcome === "done").length;
    const total = group.states.length;
    const box = el("details", { class: "campaign-building mb-2", "data-building": group.key, "data-done": done, "data-total": total });
    const summary = el("summary", { class: "campaign-building-head d-flex justify-content-between align-items-center gap-2" });
    const count = el("span", { class: `badge building-count ${done === total ? "text-bg-success" : "text-bg-light border"}` }, `${done}/${total}`);
    count.setAttribute("aria-label", t("done_of").replace("%(done)s", done).replace("%(total)s", total));
    const name = el("span", { class: "building-name" });
    name.appendChild(el("span", { class: "fw-semibold" }, group.name));
    // Buildings of two grids may share a name ("1号楼"): a worker of several grids sees whose.
    if (gridName) name.appendChild(el("span", { class: "small text-secondary d-block building-grid" }, gridName));
    summary.append(name, count);
    box.appendChild(summary);
    // Remember what the worker opened or closed (not what a search opened), across re-renders.
    box.addEventListener("toggle", () => {
      if (find.value.trim() || only) return;
      if (box.open) opened.add(group.key);
      else opened.delete(group.key);
    });
    const ul = el("ul", { class: "list-group list-group-flush campaign-targets" });
    for (const { target, outcome, sync } of group.states) {
      const li = el("li", { class: "list-group-item p-0" });
      li.dataset.text = `${target.number} ${target.house || ""} ${target.building_name || ""}`.toLowerCase();
      const button = el("button", { type: "button", class: "campaign-target btn w-100 text-start d-flex justify-content-between align-items-center gap-2", "data-target": target.id, "data-outcome": outcome, "data-sync": sync });
      const label = el("span");
      label.append(el("span", { class: "fw-semibold" }, target.number), document.createTextNode(target.house ? ` ${target.house}` : ""));
      if (target.persons && target.persons.length) label.appendChild(el("span", { class: "small text-secondary" }, ` · ${target.persons.join("、")}`));
      const badges = el("span", { class: "d-flex gap-1 flex-wrap justify-content-end" });
      badges.appendChild(badge(outcome));
      if (sync === "pending") badges.appendChild(el("span", { class: "badge sync-badge text-bg-warning" }, t("waiting_to_sync")));
      if (sync === "attention") badges.appendChild(el("span", { class: "badge sync-badge text-bg-danger" }, t("status_rejected")));
      button.append(label, badges);
      button.addEventListener("click", () => openChecklist(campaign, target));
      li.appendChild(button);
      ul.appendChild(li);
    }
    box.appendChild(ul);
    return box;
  }

  // --- The checklist ------------------------------------------------------------------

  // Does `value` pass a test of the checklist? Every operator given must hold ({"equals": v},
  // {"in": [...]}, {"gte": n}, {"lte": n}); on several choices `equals` means "includes" and
  // `in` "includes any of" — the server's rule (gridgov/campaigns/checklist.py).
  function passes(test, value) {
    if (!test || value === undefined || value === null) return false;
    const ops = ["equals", "in", "gte", "lte"].filter((op) => op in test);
    if (!ops.length) return false;
    return ops.every((op) => {
      const expected = test[op];
      if (Array.isArray(value)) {
        const wanted = op === "equals" ? [expected] : op === "in" ? expected : null;
        return Array.isArray(wanted) && wanted.some((w) => value.includes(w));
      }
      if (op === "equals") return value === expected;
      if (op === "in") return Array.isArray(expected) && expected.some((v) => v === value);
      return op === "gte" ? value >= expected : value <= expected;
    });
  }

  function input(question) {
    const name = `q-${question.code}`;
    const box = el("div", { class: "campaign-input" });
    const option = (type, value, label, index) => {
      const id = `${name}-${index}`;
      const wrap = el("div", { class: "form-check form-check-inline" });
      wrap.append(el("input", { class: "form-check-input", type, name, value, id }), el("label", { class: "form-check-label", for: id }, label));
      return wrap;
    };
    switch (question.kind) {
      case "yes_no":
        box.append(option("radio", "true", t("yes"), 1), option("radio", "false", t("no"), 0));
        break;
      case "choice":
        question.choices.forEach((c, i) => box.appendChild(option("radio", c.value, c.label, i)));
        break;
      case "choices":
        question.choices.forEach((c, i) => box.appendChild(option("checkbox", c.value, c.label, i)));
        break;
      case "number":
        box.appendChild(el("input", { class: "form-control", type: "number", inputmode: "decimal", step: "any", name }));
        break;
      case "temperature":
        box.appendChild(el("input", { class: "form-control", type: "number", inputmode: "decimal", step: "0.1", min: "34", max: "43", placeholder: "36.5", name }));
        break;
      case "date":
        box.appendChild(el("input", { class: "form-control", type: "date", name }));
        break;
      default:
        box.appendChild(el("input", { class: "form-control", type: "text", maxlength: "200", name }));
    }
    return box;
  }

  function read(form, question) {
    const name = `q-${question.code}`;
    if (question.kind === "choices") {
      const picked = [...form.querySelectorAll(`[name="${name}"]:checked`)].map((n) => n.value);
      return picked.length ? picked : undefined;
    }
    if (question.kind === "yes_no" || question.kind === "choice") {
      const picked = form.querySelector(`[name="${name}"]:checked`);
      if (!picked) return undefined;
      return question.kind === "yes_no" ? picked.value === "true" : picked.value;
    }
    const field = form.querySelector(`[name="${name}"]`);
    const raw = field ? field.value.trim() : "";
    if (raw === "") return undefined;
    return question.kind === "number" || question.kind === "temperature" ? Number(raw) : raw;
  }

  // Answers of the questions that are asked now, in order; a question is asked when it has no
  // condition or the answer it depends on (itself asked) passes the condition.
  function evaluate(form, questions) {
    const answers = {};
    const asked = new Set();
    for (const question of questions) {
      const condition = question.condition;
      const shown = !condition || (asked.has(condition.question) && passes(condition, answers[condition.question]));
      const box = form.querySelector(`.campaign-question[data-code="${question.code}"]`);
      if (box) box.hidden = !shown;
      if (!shown) continue;
      asked.add(question.code);
      const value = read(form, question);
      if (value !== undefined) answers[question.code] = value;
    }
    return { answers, asked };
  }

  // Put a known answer back into its inputs (a revisit, or a rejected result to correct).
  function fill(form, question, value) {
    const name = `q-${question.code}`;
    const inputs = [...form.querySelectorAll(`[name="${name}"]`)];
    if (question.kind === "yes_no" || question.kind === "choice" || question.kind === "choices") {
      const wanted = (Array.isArray(value) ? value : [value]).map(String);
      inputs.forEach((input) => (input.checked = wanted.includes(input.value)));
    } else if (inputs.length && value !== null && value !== undefined) {
      inputs[0].value = String(value);
    }
  }

  // The outbox entries of one household, oldest first.
  async function entriesOf(target) {
    return (await app.outbox.entries()).filter((e) => e.kind === KIND && e.body && e.body.target === target.id);
  }

  // The last answers the phone knows for a household: the newest "done" result of its outbox or
  // of the bundle (the server's last result), whichever was made later. With no answers known,
  // the newest result's note. Rejected and conflicting entries are not known answers.
  function lastKnown(target, entries) {
    const mine = entries.filter((e) => e.status === "pending" || e.status === "done");
    const local = mine.filter((e) => e.body.outcome === "done").pop();
    const serverAt = target.result_at ? Date.parse(target.result_at) : 0;
    if (local && (!target.answers || Date.parse(local.made_at) >= serverAt)) {
      return { answers: local.body.answers || {}, note: local.body.note || "", at: local.made_at, source: "outbox" };
    }
    if (target.answers) return { answers: target.answers, note: target.note || "", at: target.result_at, source: "bundle" };
    const newest = mine.pop();
    if (newest && newest.body.note) return { answers: {}, note: newest.body.note, at: newest.made_at, source: "outbox" };
    if (target.note) return { answers: {}, note: target.note, at: target.result_at, source: "bundle" };
    return null;
  }

  // The label of a field the server named: a question's text, the note, or the field's name.
  function fieldLabel(campaign, name) {
    if (name.startsWith("answers.")) {
      const question = campaign && campaign.questions.find((q) => q.code === name.slice(8));
      return question ? question.text : name;
    }
    return { note: t("notes"), outcome: t("outcome"), target: t("household") }[name] || name;
  }

  // Show the server's errors: each next to its field when the form has it, the rest on top.
  function showRejection(form, campaign, entry) {
    const box = el("div", { class: "alert alert-danger small p-2 campaign-rejected" });
    box.appendChild(el("div", { class: "fw-semibold" }, t("rejected_fix")));
    const others = el("ul", { class: "mb-0 ps-3" });
    for (const [name, messages] of Object.entries(entry.errors || {})) {
      const code = name.startsWith("answers.") ? name.slice(8) : null;
      const field = code ? form.querySelector(`[name="q-${code}"]`) : name === "note" ? form.querySelector("[name=note]") : null;
      if (field) app.fieldError(form, field.name, messages);
      else others.appendChild(el("li", {}, (name === "__all__" ? "" : `${fieldLabel(campaign, name)}: `) + messages.join(" ")));
    }
    if (others.children.length) box.appendChild(others);
    return box;
  }

  // Open a household's checklist: to correct `fixing` (a rejected entry), or else its own
  // rejected result if that is the newest, or else pre-filled with the last answers known.
  async function openChecklist(campaign, target, fixing) {
    openTarget = { campaign, target };
    const entries = await entriesOf(target);
    if (!fixing) {
      const newest = entries[entries.length - 1];
      if (newest && newest.status === "rejected") fixing = newest;
    }
    const known = fixing ? { answers: fixing.body.answers || {}, note: fixing.body.note || "" } : lastKnown(target, entries);
    if (!openTarget || openTarget.target !== target) return; // the worker went back meanwhile
    document.getElementById("campaign-saved").textContent = "";
    const panel = document.getElementById("campaign-form");
    const list = document.getElementById("campaign-list");
    list.hidden = true;
    panel.hidden = false;
    panel.replaceChildren();
    const form = el("form", { class: "campaign-checklist", "data-target": target.id, novalidate: "" });
    const back = el("button", { type: "button", class: "btn btn-link px-0 mb-2 campaign-back" }, `‹ ${t("back")}`);
    back.addEventListener("click", closeChecklist);
    form.append(back, el("h2", { class: "h5 mb-0" }, `${target.number} ${target.house || ""}`), el("div", { class: "small text-secondary mb-3" }, campaign.name));
    const notice = el("div");
    form.appendChild(notice);
    for (const question of campaign.questions) {
      const box = el("div", { class: "mb-3 campaign-question", "data-code": question.code, "data-kind": question.kind });
      const label = el("div", { class: "form-label" }, question.text);
      if (question.required) label.appendChild(el("span", { class: "text-danger" }, " *"));
      box.append(label, input(question));
      form.appendChild(box);
    }
    const note = el("div", { class: "mb-3" });
    note.append(el("label", { class: "form-label", for: "campaign-note" }, t("notes")), el("textarea", { id: "campaign-note", name: "note", class: "form-control", rows: "2", maxlength: "200" }));
    form.appendChild(note);
    const buttons = el("div", { class: "d-grid gap-2 campaign-outcomes" });
    for (const outcome of OUTCOMES) {
      const button = el("button", { type: "button", class: `btn ${outcome === "done" ? "btn-primary" : "btn-outline-secondary"}`, "data-outcome": outcome }, t("record_" + outcome));
      button.addEventListener("click", () => save(form, campaign, target, outcome, fixing));
      buttons.appendChild(button);
    }
    form.appendChild(buttons);
    form.addEventListener("input", () => evaluate(form, campaign.questions));
    form.addEventListener("change", () => evaluate(form, campaign.questions));
    form.addEventListener("submit", (event) => event.preventDefault());
    panel.appendChild(form);
    if (known) {
      for (const question of campaign.questions) {
        if (question.code in known.answers) fill(form, question, known.answers[question.code]);
      }
      form.querySelector("[name=note]").value = known.note || "";
    }
    evaluate(form, campaign.questions); // shows the conditional questions the answers call for
    if (fixing) {
      notice.appendChild(showRejection(form, campaign, fixing));
      form.dataset.fixing = fixing.key;
    } else if (known) {
      const when = known.at ? new Date(known.at).toLocaleString() : "";
      notice.appendChild(el("div", { class: "alert alert-info small p-2 campaign-prefilled" }, t("prefilled").replace("%(time)s", when)));
      form.dataset.prefilled = known.source;
    }
    form.dataset.state = "ready"; // what tests wait on: the form is drawn and filled
    window.scrollTo(0, 0);
  }

  function closeChecklist() {
    openTarget = null;
    document.getElementById("campaign-form").hidden = true;
    document.getElementById("campaign-list").hidden = false;
    renderList();
  }

  async function save(form, campaign, target, outcome, fixing) {
    form.querySelectorAll(".field-errors").forEach((n) => n.remove());
    const { answers } = evaluate(form, campaign.questions);
    const note = form.querySelector("[name=note]").value.trim();
    if (outcome === "done") {
      const missing = campaign.questions.filter((q) => {
        const box = form.querySelector(`.campaign-question[data-code="${q.code}"]`);
        return q.required && box && !box.hidden && answers[q.code] === undefined;
      });
      if (missing.length) {
        missing.forEach((q) => app.fieldError(form, `q-${q.code}`, [t("required")]));
        form.querySelector(`.campaign-question[data-code="${missing[0].code}"]`).scrollIntoView({ block: "center" });
        return;
      }
    }
    // Answers belong to a household that was visited; the other outcomes say why there are none.
    const body = { target: target.id, outcome, answers: outcome === "done" ? answers : {}, note };
    // A corrected result is a new submission (a new key); the rejected one leaves the outbox.
    await app.outbox.add(KIND, body);
    if (fixing) await app.outbox.discard(fixing.key);
    closeChecklist();
    const saved = document.getElementById("campaign-saved");
    saved.textContent = t("saved");
    app.outbox.sync();
  }

  // The campaign and household of an outbox entry, if the bundle still holds them.
  function placeOf(entry) {
    for (const campaign of section().active) {
      const target = campaign.targets.find((tg) => entry.body && tg.id === entry.body.target);
      if (target) return { campaign, target };
    }
    return null;
  }

  app.fixers = app.fixers || {};
  app.fixers[KIND] = {
    // Another worker's entry (a phone shared without signing out) is theirs to correct.
    can: (entry) => placeOf(entry) !== null && (!entry.user || entry.user === (app.user || (app.bundle && app.bundle.user))),
    label: (entry, name) => fieldLabel((placeOf(entry) || {}).campaign, name),
    open(entry) {
      const place = placeOf(entry);
      if (!place) return;
      openTarget = place; // before the tab shows, so that it does not draw the list over it
      app.showTab("campaigns");
      openChecklist(place.campaign, place.target, entry);
    },
  };

  app.on("bundle", () => {
    if (!openTarget) renderList();
  });
  app.on("outbox", () => {
    if (!openTarget) renderList();
  });
  app.on("tab", (name) => {
    if (name === "campaigns" && !openTarget) {
      document.getElementById("campaign-saved").textContent = "";
      renderList();
    }
  });
  app.campaigns = { passes, renderList };
})(window.FieldApp);
