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

  // --- The map and the phone's position ------------------------------------------------------
  var el = document.getElementById("gg-picker");
  if (window.L && window.ggMaps && el) {
    var pick = ggMaps.picker(el, lon, lat, { zoom: 16, crs: crs, onWrite: refreshOffers });
    ggMaps.locateButton(locate, status, pick);
  }
  [lon, lat].forEach(function (input) { input.addEventListener("change", refreshOffers); });

  // One tap sends once; the idempotency key covers a resend after a reload.
  form.addEventListener("submit", function () {
    window.setTimeout(function () { submit.disabled = true; }, 0);
  });
  if (el) { el.dataset.ready = "1"; }
}());
