/* gridgov case pages: the case page's small map, the new report's location picker, the case map.
   Data comes from data-* attributes and json_script blocks: no inline script (CSP script-src 'self').
   All coordinates here are WGS-84, as the grid boundaries and the browser's GPS are. */
(function () {
  "use strict";

  var STATUS_COLOURS = { none: "#1d7f74", yellow: "#d49b00", red: "#c0392b", closed: "#7b8794" };
  var readJson, baseMap, fitOutline;

  // --- The case page: the point inside its grid ---------------------------------------------
  function casePage() {
    var el = document.getElementById("gg-case-map");
    var point = readJson("gg-case-point");
    if (!el || !point) { return; }
    var view = baseMap(el, point.grid ? [point.grid] : []);
    fitOutline(view, 12);
    var latlng = [point.lat, point.lon];
    L.circleMarker(latlng, { radius: 8, color: "#fff", weight: 2, fillColor: "#c0392b", fillOpacity: 1 })
      .addTo(view.map);
    if (!view.outline) { view.map.setView(latlng, 15); }
    el.dataset.ready = "1";
  }

  // --- New report: pick the location --------------------------------------------------------
  function picker() {
    var el = document.getElementById("gg-picker");
    if (!el) { return; }
    var lon = document.getElementById("id_lon");
    var lat = document.getElementById("id_lat");
    var crs = document.getElementById("id_crs");
    var status = document.getElementById("gg-locate-status");
    var pick = ggMaps.picker(el, lon, lat, { zoom: 15, crs: crs });
    ggMaps.locateButton(document.getElementById("gg-locate"), status, pick);

    // The result field matters only when the case was handled on the spot.
    var selfHandled = document.getElementById("id_self_handled");
    var result = document.getElementById("gg-result-field");
    if (selfHandled && result) {
      var sync = function () { result.hidden = !selfHandled.checked; };
      selfHandled.addEventListener("change", sync);
      sync();
    }

    // One click sends the form once; the idempotency key covers a resend after a reload.
    var form = document.getElementById("gg-report-form");
    form.addEventListener("submit", function () {
      window.setTimeout(function () { document.getElementById("gg-submit").disabled = true; }, 0);
    });
    el.dataset.ready = "1";
  }

  // --- The case map --------------------------------------------------------------------------
  function caseMap() {
    var el = document.getElementById("gg-case-points");
    if (!el) { return; }
    var labels = readJson("gg-case-map-labels");
    var statusEl = document.getElementById("gg-case-points-status");
    var filters = document.getElementById("gg-case-filters");
    var view = baseMap(el, readJson("gg-outlines"));
    fitOutline(view, 12);
    var points = L.layerGroup().addTo(view.map);
    var firstLoad = true;

    function format(template, values) {
      return template.replace(/%\((\w+)\)s/g, function (_m, key) { return String(values[key]); });
    }

    function popup(point) {
      var box = document.createElement("div");
      box.className = "gg-popup";
      var link = document.createElement("a");
      link.href = point.url;
      link.textContent = point.number;
      link.className = "font-monospace fw-semibold";
      box.appendChild(link);
      [point.category, point.state + " · " + (labels.status[point.status] || "")].forEach(function (line) {
        var div = document.createElement("div");
        div.className = "small";
        div.textContent = line;
        box.appendChild(div);
      });
      return box;
    }

    function load() {
      statusEl.textContent = labels.loading;
      var query = new URLSearchParams(new FormData(filters)).toString();
      fetch(el.dataset.url + "?" + query, { credentials: "same-origin", headers: { Accept: "application/json" } })
        .then(function (response) {
          if (!response.ok) { throw new Error(String(response.status)); }
          return response.json();
        })
        .then(function (data) {
          points.clearLayers();
          var bounds = [];
          data.points.forEach(function (point) {
            var colour = STATUS_COLOURS[point.status] || STATUS_COLOURS.none;
            var marker = L.circleMarker([point.lat, point.lon], {
              radius: 7, color: "#fff", weight: 1.5, fillColor: colour, fillOpacity: 0.95,
              className: "gg-case-point gg-case-point-" + point.status
            });
            marker.bindTooltip(point.number + " · " + point.category);
            marker.bindPopup(popup(point));
            marker.addTo(points);
            bounds.push([point.lat, point.lon]);
          });
          var text = data.points.length
            ? format(labels.shown, { shown: data.points.length, total: data.total })
            : labels.empty;
          if (data.total > data.points.length) { text += " " + format(labels.capped, { cap: data.cap }); }
          statusEl.textContent = text;
          if (firstLoad && bounds.length && !view.outline) { view.map.fitBounds(bounds, { padding: [20, 20] }); }
          firstLoad = false;
          el.dataset.loaded = String(data.points.length);
        })
        .catch(function () { statusEl.textContent = labels.error; });
    }

    filters.addEventListener("change", load);
    filters.addEventListener("submit", function (event) { event.preventDefault(); load(); });
    load();
  }

  if (!window.L || !window.ggMaps) { return; }
  readJson = ggMaps.readJson;
  baseMap = ggMaps.baseMap;
  fitOutline = ggMaps.fitOutline;
  casePage();
  picker();
  caseMap();
}());
