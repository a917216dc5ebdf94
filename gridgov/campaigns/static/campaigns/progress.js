/* A campaign's progress page: grids on a Leaflet map coloured by coverage, and the table by
   child unit; both refreshed from progress.json every few seconds without a reload.
   Labels come from a json_script block and URLs from data-* attributes: no inline script (CSP). */
(function () {
  "use strict";
  var table = document.getElementById("gg-progress-table");
  if (!table) { return; }
  var labels = JSON.parse(document.getElementById("gg-campaign-labels").textContent);
  var rowsEl = document.getElementById("gg-progress-rows");
  var totalEl = document.getElementById("gg-progress-total");
  var updatedEl = document.getElementById("gg-progress-updated");
  var statsEl = document.getElementById("gg-campaign-stats");
  var progressUrl = table.dataset.progressUrl;
  var householdsUrl = table.dataset.householdsUrl; // ".../grids/0/" or "" without the right
  var pollMs = Math.max(1, Number(table.dataset.pollSeconds) || 10) * 1000;
  var FIELDS = ["total", "done", "not_home", "refused", "moved", "pending", "exceptions"];
  var GRID = 4;

  // Coverage in five steps from red (little reached) to green (all but a few reached); grey: no target.
  var STEPS = [[90, "#1a9850"], [75, "#91cf60"], [50, "#fee08b"], [25, "#fc8d59"], [0, "#d73027"]];
  function colourFor(props) {
    if (!props || !props.total) { return "#cbd5e1"; }
    for (var i = 0; i < STEPS.length; i += 1) {
      if (props.coverage_percent >= STEPS[i][0]) { return STEPS[i][1]; }
    }
    return STEPS[STEPS.length - 1][1];
  }
  var PERMANENT_LABEL_LIMIT = 60;

  function node(tag, text, className) {
    var el = document.createElement(tag);
    if (text !== undefined && text !== null) { el.textContent = text; }
    if (className) { el.className = className; }
    return el;
  }

  function bar(counts) {
    var cell = node("td");
    cell.dataset.field = "coverage_percent";
    if (!counts.total) { cell.appendChild(node("span", "—", "text-secondary")); return cell; }
    var outer = node("div", null, "gg-c-bar");
    outer.setAttribute("role", "progressbar");
    outer.setAttribute("aria-label", labels.reached);
    outer.setAttribute("aria-valuemin", "0");
    outer.setAttribute("aria-valuemax", "100");
    outer.setAttribute("aria-valuenow", String(counts.coverage_percent));
    var fill = node("div", null, "gg-c-bar-fill");
    fill.style.width = counts.coverage_percent + "%";
    outer.appendChild(fill);
    cell.appendChild(outer);
    cell.appendChild(node("span", counts.coverage_percent + "%", "gg-c-bar-text"));
    return cell;
  }

  function numberCells(tr, counts) {
    FIELDS.forEach(function (name) {
      var td = node("td", String(counts[name]), "text-end");
      td.dataset.field = name;
      tr.appendChild(td);
    });
    tr.appendChild(bar(counts));
  }

  function unitCell(row) {
    var td = node("td");
    var href = null;
    if (row.level < GRID) { href = "?area=" + row.id; }
    else if (householdsUrl) { href = householdsUrl.replace(/\/0\/$/, "/" + row.id + "/"); }
    if (href) {
      var a = node("a", row.name);
      a.href = href;
      td.appendChild(a);
    } else {
      td.textContent = row.name;
    }
    return td;
  }

  function renderTable(data) {
    var fresh = document.createDocumentFragment();
    data.rows.forEach(function (row) {
      var tr = node("tr");
      tr.dataset.unit = String(row.id);
      tr.appendChild(unitCell(row));
      numberCells(tr, row);
      fresh.appendChild(tr);
    });
    if (!data.rows.length) {
      var empty = node("tr", null, "gg-progress-empty");
      var td = node("td", labels.empty, "text-secondary");
      td.colSpan = 9;
      empty.appendChild(td);
      fresh.appendChild(empty);
    }
    rowsEl.replaceChildren(fresh);
    var total = node("tr");
    numberCells(total, data.totals);
    totalEl.replaceChildren(node("td", labels.total));
    Array.prototype.slice.call(total.childNodes).forEach(function (cell) { totalEl.appendChild(cell); });
    statsEl.querySelectorAll("[data-stat]").forEach(function (el) {
      var name = el.dataset.stat;
      var value = data.totals[name];
      if (name === "coverage_percent") { el.textContent = data.totals.total ? value + "%" : "—"; }
      else { el.textContent = String(value); }
    });
  }

  // --- the map ---------------------------------------------------------------------------
  var mapEl = document.getElementById("gg-campaign-map");
  var layersById = {};
  var map = null;
  if (mapEl && window.L) {
    map = L.map(mapEl, { attributionControl: true, zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    map.setView([43.62, 122.26], 10);
    if (mapEl.dataset.tileUrl) {
      L.tileLayer(mapEl.dataset.tileUrl, { attribution: mapEl.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    var legend = L.control({ position: "bottomright" });
    legend.onAdd = function () {
      var box = node("div", null, "gg-c-legend");
      box.appendChild(node("div", labels.coverage, "fw-semibold"));
      STEPS.forEach(function (step, i) {
        var line = node("div");
        var swatch = node("i");
        swatch.style.background = step[1];
        line.appendChild(swatch);
        var upper = i === 0 ? 100 : STEPS[i - 1][0] - 1;
        line.appendChild(document.createTextNode(step[0] + "–" + upper + "%"));
        box.appendChild(line);
      });
      return box;
    };
    legend.addTo(map);
  }

  function percentText(props) { return props.total ? props.coverage_percent + "%" : "—"; }

  function titleFor(props) {
    return props.name + " · " + labels.coverage + " " + percentText(props) + " (" + props.reached + "/" + props.total + ")";
  }

  // Small labels (the percentage) on the grids while they are few; the name and counts on hover.
  function label(lyr, props, permanent) {
    if (permanent) {
      lyr.setTooltipContent(percentText(props));
    } else {
      lyr.setTooltipContent(titleFor(props));
    }
    var el = lyr.getElement && lyr.getElement();
    if (!el) { return; }
    el.dataset.coverage = String(props.coverage_percent);
    var title = el.querySelector("title") || el.appendChild(document.createElementNS("http://www.w3.org/2000/svg", "title"));
    title.textContent = titleFor(props);
  }

  function styleFor(props) {
    return { color: "#334155", weight: 1, opacity: 0.9, fillColor: colourFor(props), fillOpacity: 0.6,
             className: "gg-c-grid gg-c-grid-" + props.id };
  }

  var permanentLabels = false;

  function drawGrids(collection) {
    permanentLabels = collection.features.length <= PERMANENT_LABEL_LIMIT;
    var layer = L.geoJSON(collection, {
      style: function (feature) { return styleFor(feature.properties); },
      onEachFeature: function (feature, lyr) {
        layersById[feature.properties.id] = lyr;
        lyr.bindTooltip("", permanentLabels
          ? { permanent: true, direction: "center", className: "gg-c-label" }
          : { sticky: true });
        if (householdsUrl) {
          lyr.on("click", function () { window.location.href = householdsUrl.replace(/\/0\/$/, "/" + feature.properties.id + "/"); });
        }
      }
    }).addTo(map);
    collection.features.forEach(function (feature) {
      label(layersById[feature.properties.id], feature.properties, permanentLabels);
    });
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [16, 16], maxZoom: 16 }); }
  }

  function recolour(grids) {
    grids.forEach(function (counts) {
      var lyr = layersById[counts.id];
      if (!lyr) { return; }
      var props = Object.assign({}, lyr.feature.properties, counts);
      lyr.feature.properties = props;
      lyr.setStyle(styleFor(props));
      label(lyr, props, permanentLabels);
    });
  }

  function loadMap() {
    if (!map) { return Promise.resolve(); }
    return fetch(mapEl.dataset.mapUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(drawGrids)
      .catch(function () { updatedEl.textContent = labels.failed; });
  }

  // --- polling ---------------------------------------------------------------------------
  function poll() {
    if (document.hidden) { window.setTimeout(poll, pollMs); return; } // a background tab asks nothing
    fetch(progressUrl, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) { if (!response.ok) { throw new Error(response.status); } return response.json(); })
      .then(function (data) {
        renderTable(data);
        recolour(data.grids);
        updatedEl.textContent = labels.updated + " " + new Date().toLocaleTimeString();
        table.dataset.refreshed = String(Number(table.dataset.refreshed || 0) + 1);
      })
      .catch(function () { updatedEl.textContent = labels.failed; })
      .then(function () { window.setTimeout(poll, pollMs); });
  }

  loadMap().then(function () { window.setTimeout(poll, pollMs); });
})();
