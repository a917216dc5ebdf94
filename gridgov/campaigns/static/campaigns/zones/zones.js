/* Risk zones on a Leaflet map: grids as polygons and buildings as markers, coloured by level.
   Data comes from the json_script block: no inline script (CSP); no tiles unless configured. */
(function () {
  "use strict";
  var el = document.getElementById("gg-zone-map");
  if (!el || !window.L) { return; }
  var features = JSON.parse(document.getElementById("gg-zone-features").textContent);
  var map = L.map(el, { attributionControl: true });
  map.attributionControl.setPrefix(false);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var group = L.featureGroup().addTo(map);
  features.forEach(function (zone) {
    var layer;
    if (zone.point) {
      layer = L.circleMarker(zone.point, {
        radius: 8, color: "#333", weight: 1.5, fillColor: zone.colour, fillOpacity: 0.95,
        className: "gg-zone-marker gg-zone-" + zone.level
      });
    } else if (zone.geometry) {
      layer = L.geoJSON(zone.geometry, {
        style: { color: zone.colour, weight: 2, fillColor: zone.colour, fillOpacity: 0.35,
                 className: "gg-zone-area gg-zone-" + zone.level }
      });
    }
    if (layer) {
      layer.bindTooltip(zone.label);
      group.addLayer(layer);
    }
  });
  if (group.getLayers().length) {
    map.fitBounds(group.getBounds(), { padding: [24, 24], maxZoom: 16 });
  } else {
    map.setView([43.62, 122.26], 10);
  }
  el.dataset.ready = String(group.getLayers().length);
})();
