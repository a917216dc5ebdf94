/* gridgov registry place pages: the small map of a building, organization or component, and the
   location picker of their forms. Data from data-* attributes and json_script blocks (CSP: no
   inline script). Coordinates are WGS-84, as the grid boundaries and GPS are. */
(function () {
  "use strict";

  var DEFAULT_VIEW = [[43.62, 122.26], 9];

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // A Leaflet map with the configured tiles (none by default) and outlines drawn under the point.
  function baseMap(el, outlines, options) {
    var map = L.map(el, Object.assign({ zoomSnap: 0.25 }, options || {}));
    map.attributionControl.setPrefix(false);
    map.setView(DEFAULT_VIEW[0], DEFAULT_VIEW[1]);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    var layer = null;
    var shapes = (outlines || []).filter(Boolean);
    if (shapes.length) {
      layer = L.geoJSON({ type: "FeatureCollection", features: shapes.map(function (g) {
        return { type: "Feature", geometry: g, properties: {} };
      }) }, {
        style: { color: "#1b4f8f", weight: 1.5, fillColor: "#dbe7f7", fillOpacity: 0.45 },
        interactive: false
      }).addTo(map);
    }
    return { map: map, outline: layer };
  }

  // The point of the record inside its grid.
  function pointMap() {
    var el = document.getElementById("gg-place-map");
    var point = readJson("gg-place-point");
    if (!el || !point) { return; }
    var view = baseMap(el, [point.grid], { scrollWheelZoom: false });
    var latlng = [point.lat, point.lon];
    if (view.outline && view.outline.getBounds().isValid()) {
      view.map.fitBounds(view.outline.getBounds(), { padding: [10, 10] });
    } else {
      view.map.setView(latlng, 16);
    }
    L.circleMarker(latlng, { radius: 8, color: "#fff", weight: 2, fillColor: "#c0392b", fillOpacity: 1 }).addTo(view.map);
    el.dataset.ready = "1";
  }

  // The picker: a click or a dragged marker writes the longitude and latitude inputs, and typed
  // coordinates move the marker.
  function picker() {
    var el = document.getElementById("gg-place-picker");
    var lon = document.getElementById("id_lon");
    var lat = document.getElementById("id_lat");
    if (!el || !lon || !lat) { return; }
    var view = baseMap(el, readJson("gg-outlines"));
    var marker = null;

    function place(latlng, pan) {
      if (!marker) {
        // Explicit icon URLs: Leaflet guesses them from its CSS, which fails once the files carry hashes.
        var icon = L.icon({
          iconUrl: el.dataset.markerIcon, iconRetinaUrl: el.dataset.markerIcon2x, shadowUrl: el.dataset.markerShadow,
          iconSize: [25, 41], iconAnchor: [12, 41], popupAnchor: [1, -34], shadowSize: [41, 41]
        });
        marker = L.marker(latlng, { icon: icon, draggable: true, autoPan: true, keyboard: true }).addTo(view.map);
        marker.on("dragend", function () { write(marker.getLatLng()); });
      } else {
        marker.setLatLng(latlng);
      }
      if (pan) { view.map.setView(latlng, Math.max(view.map.getZoom(), 16)); }
    }

    function write(latlng) {
      lon.value = latlng.lng.toFixed(6);
      lat.value = latlng.lat.toFixed(6);
      el.dataset.picked = "1";
    }

    function fromInputs(pan) {
      var x = parseFloat(lon.value);
      var y = parseFloat(lat.value);
      if (isFinite(x) && isFinite(y) && Math.abs(x) <= 180 && Math.abs(y) <= 90) { place([y, x], pan); }
    }

    if (lon.value && lat.value) {
      fromInputs(true);
    } else if (view.outline && view.outline.getBounds().isValid()) {
      view.map.fitBounds(view.outline.getBounds(), { padding: [8, 8] });
    }
    view.map.on("click", function (event) { place(event.latlng, false); write(event.latlng); });
    [lon, lat].forEach(function (input) { input.addEventListener("change", function () { fromInputs(true); }); });
    el.dataset.ready = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined") { return; }
    pointMap();
    picker();
  });
})();
