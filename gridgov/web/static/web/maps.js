/* gridgov's shared Leaflet helpers (window.ggMaps): the base map with the configured tiles
   (none by default) and outlines, and the location picker of the report and place forms.
   Load after Leaflet and before the page script. Coordinates are WGS-84, as GPS and the grid
   boundaries are. */
(function () {
  "use strict";

  var DISTRICT_VIEW = [[43.62, 122.26], 9];
  var OUTLINE_STYLE = { color: "#1b4f8f", weight: 1.5, fillColor: "#dbe7f7", fillOpacity: 0.45 };

  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  // A map on `el` (data-tile-url / data-tile-attribution) with `outlines` (GeoJSON geometries)
  // drawn under everything else. Returns {map, outline} (outline: the layer, or null).
  function baseMap(el, outlines, options) {
    var map = L.map(el, Object.assign({ zoomSnap: 0.25 }, options || {}));
    map.attributionControl.setPrefix(false);
    map.setView(DISTRICT_VIEW[0], DISTRICT_VIEW[1]);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    var shapes = (outlines || []).filter(Boolean);
    var layer = null;
    if (shapes.length) {
      layer = L.geoJSON({ type: "FeatureCollection", features: shapes.map(function (g) {
        return { type: "Feature", geometry: g, properties: {} };
      }) }, { style: OUTLINE_STYLE, interactive: false }).addTo(map);
    }
    return { map: map, outline: layer };
  }

  function fitOutline(view, padding) {
    if (view.outline && view.outline.getBounds().isValid()) {
      view.map.fitBounds(view.outline.getBounds(), { padding: [padding, padding] });
      return true;
    }
    return false;
  }

  // The location picker: a tap or a dragged marker writes the longitude and latitude inputs,
  // typed coordinates move the marker. options: zoom (when panning to a point), crs (a select
  // whose value must be "wgs84" for typed coordinates to be drawn, and which a pick sets),
  // onWrite (called after a pick). Returns {view, place(latlng, pan), write(latlng)}.
  function picker(el, lon, lat, options) {
    var opts = options || {};
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
      if (pan) { view.map.setView(latlng, Math.max(view.map.getZoom(), opts.zoom || 16)); }
    }

    function write(latlng) {
      lon.value = latlng.lng.toFixed(6);
      lat.value = latlng.lat.toFixed(6);
      if (opts.crs) { opts.crs.value = "wgs84"; }
      el.dataset.picked = "1";
      if (opts.onWrite) { opts.onWrite(latlng); }
    }

    function fromInputs(pan) {
      var x = parseFloat(lon.value);
      var y = parseFloat(lat.value);
      var wgs84 = !opts.crs || opts.crs.value === "wgs84";
      if (isFinite(x) && isFinite(y) && Math.abs(x) <= 180 && Math.abs(y) <= 90 && wgs84) { place([y, x], pan); }
    }

    if (lon.value && lat.value) {
      fromInputs(true);
    } else {
      fitOutline(view, 8);
    }
    view.map.on("click", function (event) { place(event.latlng, false); write(event.latlng); });
    [lon, lat, opts.crs].filter(Boolean).forEach(function (input) {
      input.addEventListener("change", function () { fromInputs(true); });
    });
    return { view: view, place: place, write: write };
  }

  // The phone's position into a picker; `status` shows the accuracy or the error.
  function locateButton(button, status, pick) {
    if (!navigator.geolocation) {
      button.disabled = true;
      status.textContent = button.dataset.unsupported || "";
      return;
    }
    button.addEventListener("click", function () {
      status.textContent = "…";
      navigator.geolocation.getCurrentPosition(function (position) {
        var latlng = L.latLng(position.coords.latitude, position.coords.longitude);
        pick.place(latlng, true);
        pick.write(latlng);
        status.textContent = "±" + Math.round(position.coords.accuracy) + " m";
      }, function (error) {
        status.textContent = error.message;
      }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
    });
  }

  window.ggMaps = {
    readJson: readJson, baseMap: baseMap, fitOutline: fitOutline, picker: picker, locateButton: locateButton
  };
}());
