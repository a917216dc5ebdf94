/* gridgov registry place pages: the small map of a building, organization or component, and the
   location picker of their forms. Data from data-* attributes and json_script blocks (CSP: no
   inline script). Coordinates are WGS-84, as the grid boundaries and GPS are. */
(function () {
  "use strict";

  // The point of the record inside its grid.
  function pointMap() {
    var el = document.getElementById("gg-place-map");
    var point = ggMaps.readJson("gg-place-point");
    if (!el || !point) { return; }
    var view = ggMaps.baseMap(el, [point.grid], { scrollWheelZoom: false });
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
    ggMaps.picker(el, lon, lat, { zoom: 16 });
    el.dataset.ready = "1";
  }

  document.addEventListener("DOMContentLoaded", function () {
    if (typeof L === "undefined" || !window.ggMaps) { return; }
    pointMap();
    picker();
  });
})();
