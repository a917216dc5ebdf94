/* A patrol's track and check-ins on a Leaflet map (static/vendor; no tiles unless configured).
   Data comes from json_script blocks: no inline script (CSP). */
(function () {
  "use strict";
  var el = document.getElementById("gg-patrol-map");
  if (!el || !window.L) { return; }
  var track = JSON.parse(document.getElementById("gg-patrol-track").textContent);
  var marks = JSON.parse(document.getElementById("gg-patrol-marks").textContent);
  var map = L.map(el, { attributionControl: true });
  map.attributionControl.setPrefix(false);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var bounds = [];
  if (track.length) {
    L.polyline(track, { color: "#b5432f", weight: 4 }).addTo(map);
    L.circleMarker(track[0], { radius: 6, color: "#1d7f74", fillOpacity: 1 }).addTo(map);
    L.circleMarker(track[track.length - 1], { radius: 6, color: "#1f4e8c", fillOpacity: 1 }).addTo(map);
    bounds = bounds.concat(track);
  }
  marks.forEach(function (mark) {
    L.marker([mark[0], mark[1]]).bindTooltip(mark[2]).addTo(map);
    bounds.push([mark[0], mark[1]]);
  });
  if (bounds.length) {
    map.fitBounds(bounds, { padding: [24, 24], maxZoom: 17 });
  } else {
    map.setView([43.62, 122.26], 11);
  }
})();
