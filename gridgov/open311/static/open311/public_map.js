/* gridgov public map: public cases from the page's GeoJSON feed as coloured points, with a list
   below. Labels come from json_script blocks: no inline script (CSP). */
(function () {
  "use strict";

  var el = document.getElementById("gg-pm-map");
  if (!el || !window.L) { return; }
  var labels = JSON.parse(document.getElementById("gg-pm-labels").textContent);
  var outline = JSON.parse(document.getElementById("gg-pm-outline").textContent);
  var form = document.getElementById("gg-pm-filters");
  var listEl = document.getElementById("gg-pm-list");
  var statusEl = document.getElementById("gg-pm-note");
  var COLOURS = { open: "#d9480f", closed: "#2b8a3e" };

  var map = L.map(el, { zoomSnap: 0.25 });
  map.attributionControl.setPrefix(false);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  if (outline) {
    var border = L.geoJSON(outline, { style: { color: "#1f4e8c", weight: 2, fillOpacity: 0.05 } }).addTo(map);
    map.fitBounds(border.getBounds(), { padding: [8, 8], animate: false });
  } else {
    map.setView([43.62, 122.26], 9);
  }
  var points = L.layerGroup().addTo(map);

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) { node.className = className; }
    return node;
  }

  function describe(props) {
    var box = document.createElement("div");
    box.appendChild(text("strong", props.category));
    box.appendChild(text("div", props.number + " · " + props.state_label + " · " + props.reported.slice(0, 10), "gg-pm-meta"));
    if (props.description) { box.appendChild(text("div", props.description)); }
    return box;
  }

  function show(collection) {
    points.clearLayers();
    listEl.replaceChildren();
    collection.features.forEach(function (feature) {
      var props = feature.properties;
      var lonLat = feature.geometry.coordinates;
      L.circleMarker([lonLat[1], lonLat[0]], {
        radius: 7, color: "#fff", weight: 1.5, fillColor: COLOURS[props.status], fillOpacity: 0.9,
        className: "gg-pm-point"
      }).bindPopup(describe(props)).addTo(points);
      var item = document.createElement("li");
      item.className = "list-group-item px-0 d-flex align-items-start gap-2";
      item.appendChild(text("span", "", "gg-pm-dot gg-pm-" + props.status + " mt-1 flex-shrink-0"));
      item.appendChild(describe(props));
      listEl.appendChild(item);
    });
    var count = collection.features.length;
    statusEl.textContent = count === 0 ? labels.none
      : (collection.capped ? labels.capped : labels.count).replace("%(count)s", String(count));
  }

  function load() {
    var query = new URLSearchParams(new FormData(form)).toString();
    statusEl.textContent = "…";
    fetch(el.dataset.feedUrl + "?" + query, { headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(show)
      .catch(function () { statusEl.textContent = labels.failed; });
  }

  form.addEventListener("change", load);
  form.addEventListener("submit", function (event) { event.preventDefault(); load(); });
  load();
})();
