/* The resident portal's report form: location from the phone or a map pick, and the
   "same problem?" panel refreshed as the category and location change.
   No inline script (CSP script-src 'self'); coordinates drawn on the map are WGS-84. */
(function () {
  "use strict";

  var form = document.getElementById("gg-report-form");
  if (!form) { return; }
  var lon = document.getElementById("id_lon");
  var lat = document.getElementById("id_lat");
  var crs = document.getElementById("id_crs");
  var category = document.getElementById("id_category");
  var decision = document.getElementById("id_decision");
  var offers = document.getElementById("gg-offers");
  var status = document.getElementById("gg-locate-status");
  var locate = document.getElementById("gg-locate");
  var submit = document.getElementById("gg-submit");
  var submitLabel = submit.textContent;

  // --- "The same problem?" ----------------------------------------------------------------
  var pending = null;
  function refreshOffers() {
    if (!category.value || !lon.value || !lat.value) { return; }
    var query = new URLSearchParams({ category: category.value, lon: lon.value, lat: lat.value, crs: crs.value });
    if (pending) { pending.abort(); }
    pending = new AbortController();
    fetch(form.dataset.nearbyUrl + "?" + query.toString(), {
      credentials: "same-origin", signal: pending.signal, headers: { Accept: "text/html" }
    })
      .then(function (response) { return response.ok ? response.text() : ""; })
      .then(function (html) {
        offers.innerHTML = html;
        var shown = offers.querySelector("[data-count]");
        // Seen the offers and sending anyway: it is a new problem (the server does not ask twice).
        decision.value = shown ? "new" : "";
        submit.textContent = shown ? (form.dataset.newLabel || submitLabel) : submitLabel;
      })
      .catch(function () { /* the server checks again on sending */ });
  }
  [category, crs].forEach(function (input) { input.addEventListener("change", refreshOffers); });

  // --- The map ----------------------------------------------------------------------------
  var el = document.getElementById("gg-picker");
  var map = null;
  var marker = null;
  if (window.L && el) {
    map = L.map(el, { zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    map.setView([43.62, 122.26], 11);
    if (el.dataset.tileUrl) {
      L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    var outlines = JSON.parse((document.getElementById("gg-outlines") || { textContent: "[]" }).textContent);
    if (outlines.length) {
      var layer = L.geoJSON({ type: "FeatureCollection", features: outlines.map(function (g) {
        return { type: "Feature", geometry: g, properties: {} };
      }) }, {
        style: { color: "#1b4f8f", weight: 1.5, fillColor: "#dbe7f7", fillOpacity: 0.45 },
        interactive: false
      }).addTo(map);
      if (layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [8, 8] }); }
    }
    map.on("click", function (event) { place(event.latlng, false); write(event.latlng); });
  }

  function place(latlng, pan) {
    if (!map) { return; }
    if (!marker) {
      var icon = L.icon({
        iconUrl: el.dataset.markerIcon, iconRetinaUrl: el.dataset.markerIcon2x, shadowUrl: el.dataset.markerShadow,
        iconSize: [25, 41], iconAnchor: [12, 41], popupAnchor: [1, -34], shadowSize: [41, 41]
      });
      marker = L.marker(latlng, { icon: icon, draggable: true, autoPan: true, keyboard: true }).addTo(map);
      marker.on("dragend", function () { write(marker.getLatLng()); });
    } else {
      marker.setLatLng(latlng);
    }
    if (pan) { map.setView(latlng, Math.max(map.getZoom(), 16)); }
  }

  function write(latlng) {
    lon.value = latlng.lng.toFixed(6);
    lat.value = latlng.lat.toFixed(6);
    crs.value = "wgs84"; // what GPS and this map give
    if (el) { el.dataset.picked = "1"; }
    refreshOffers();
  }

  function fromInputs(pan) {
    var x = parseFloat(lon.value);
    var y = parseFloat(lat.value);
    if (isFinite(x) && isFinite(y) && crs.value === "wgs84") { place([y, x], pan); }
  }
  [lon, lat, crs].forEach(function (input) {
    input.addEventListener("change", function () { fromInputs(true); refreshOffers(); });
  });
  if (lon.value && lat.value) { fromInputs(true); }

  // --- The phone's position -----------------------------------------------------------------
  if (!navigator.geolocation) {
    locate.disabled = true;
    status.textContent = locate.dataset.unsupported || "";
  }
  locate.addEventListener("click", function () {
    status.textContent = "…";
    navigator.geolocation.getCurrentPosition(function (position) {
      var latlng = { lat: position.coords.latitude, lng: position.coords.longitude };
      place([latlng.lat, latlng.lng], true);
      write(latlng);
      status.textContent = "±" + Math.round(position.coords.accuracy) + " m";
    }, function (error) {
      status.textContent = error.message;
    }, { enableHighAccuracy: true, timeout: 15000, maximumAge: 60000 });
  });

  // One tap sends once; the idempotency key covers a resend after a reload.
  form.addEventListener("submit", function () {
    window.setTimeout(function () { submit.disabled = true; }, 0);
  });
  if (el) { el.dataset.ready = "1"; }
}());
