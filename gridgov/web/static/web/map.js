/* gridgov map: draws the children of the current org unit from /api/v1/geojson/ and drills down on click.
   Data and labels come from data-* attributes and the json_script block: no inline script (CSP). */
(function () {
  "use strict";

  var el = document.getElementById("gg-map");
  if (!el || !window.L) { return; }
  var labels = JSON.parse(document.getElementById("gg-map-labels").textContent);
  var apiUrl = el.dataset.geojsonUrl;
  var unitBase = el.dataset.unitUrl; // "/units/"
  var crumbsEl = document.getElementById("gg-map-crumbs");
  var listEl = document.getElementById("gg-map-list");
  var statusEl = document.getElementById("gg-map-status");
  var titleEl = document.getElementById("gg-map-title");
  var unitLinkEl = document.getElementById("gg-map-unit-link");
  var legendEl = document.getElementById("gg-map-legend");

  // Border colour and base fill hue of each level: district, street, community, grid.
  var LEVEL_STYLE = {
    1: { color: "#1f4e8c", hue: 214 },
    2: { color: "#1d7f74", hue: 172 },
    3: { color: "#b7791f", hue: 38 },
    4: { color: "#b5432f", hue: 10 }
  };
  var PERMANENT_LABEL_LIMIT = 60;

  var map = L.map(el, { zoomSnap: 0.25, attributionControl: true, preferCanvas: false });
  map.attributionControl.setPrefix(false);
  map.setView([43.62, 122.26], 9);
  if (el.dataset.tileUrl) {
    L.tileLayer(el.dataset.tileUrl, { attribution: el.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
  }
  var layer = null;
  var layersByCode = {};
  var current = el.dataset.focus || "";
  // Set when the user has one jurisdiction root: the map opens it and the "Jurisdiction" crumb is left out.
  var singleRoot = false;

  function unitUrl(code) { return unitBase + encodeURIComponent(code) + "/"; }

  function text(tag, value, className) {
    var node = document.createElement(tag);
    node.textContent = value;
    if (className) { node.className = className; }
    return node;
  }

  function km2(areaM2) {
    if (areaM2 === null || areaM2 === undefined) { return "—"; }
    return (areaM2 / 1e6).toFixed(2) + " " + labels.km2;
  }

  // A distinct fill per unit: walk the hue circle by the golden angle from the level's base hue.
  function fillFor(level, index) {
    var base = (LEVEL_STYLE[level] || LEVEL_STYLE[4]).hue;
    var hue = (base + index * 137.508) % 360;
    return "hsl(" + hue.toFixed(0) + ", 58%, 62%)";
  }

  function styleFor(feature) {
    var level = feature.properties.level;
    var style = LEVEL_STYLE[level] || LEVEL_STYLE[4];
    return {
      color: style.color,
      weight: level >= 4 ? 1.5 : 2,
      opacity: 0.95,
      fillColor: fillFor(level, feature.properties._index),
      fillOpacity: 0.42,
      className: "gg-unit gg-unit-" + feature.properties.code
    };
  }

  function canDrill(props) { return props.level < 4 && props.child_count > 0; }

  function popupFor(props) {
    var box = document.createElement("div");
    box.className = "gg-popup";
    box.appendChild(text("strong", props.name));
    box.appendChild(text("div", (labels.levels[String(props.level)] || "") + " · " + props.code, "small text-secondary"));
    box.appendChild(text("div", labels.area + ": " + km2(props.area_m2), "small"));
    var link = text("a", labels.open);
    link.href = unitUrl(props.code);
    box.appendChild(link);
    return box;
  }

  function setStatus(message) {
    statusEl.textContent = message || "";
    statusEl.classList.toggle("d-none", !message);
  }

  function renderCrumbs(data) {
    crumbsEl.replaceChildren();
    var items = (singleRoot ? [] : [{ code: "", name: labels.jurisdiction }]).concat(data.breadcrumb || []);
    if (data.parent && !items.some(function (c) { return c.code === data.parent.code; })) {
      items.push({ code: data.parent.code, name: data.parent.name });
    }
    items.forEach(function (crumb, i) {
      var li = document.createElement("li");
      li.className = "breadcrumb-item";
      if (i === items.length - 1) {
        li.classList.add("active");
        li.setAttribute("aria-current", "page");
        li.textContent = crumb.name;
      } else {
        var a = text("a", crumb.name);
        a.href = "?unit=" + encodeURIComponent(crumb.code);
        if (!crumb.code) { a.href = "?"; }
        a.dataset.code = crumb.code;
        a.addEventListener("click", function (event) { event.preventDefault(); go(crumb.code); });
        li.appendChild(a);
      }
      crumbsEl.appendChild(li);
    });
  }

  function renderLegend(features) {
    legendEl.replaceChildren();
    var levels = {};
    features.forEach(function (f) { levels[f.properties.level] = true; });
    Object.keys(levels).sort().forEach(function (level) {
      var item = text("span", labels.levels[level] || level, "gg-legend-item");
      var swatch = document.createElement("span");
      swatch.className = "gg-legend-swatch";
      swatch.style.borderColor = LEVEL_STYLE[level].color;
      swatch.style.background = fillFor(Number(level), 0);
      item.prepend(swatch);
      legendEl.appendChild(item);
    });
  }

  function renderList(features) {
    listEl.replaceChildren();
    features.forEach(function (feature) {
      var props = feature.properties;
      var li = document.createElement("li");
      li.className = "list-group-item gg-map-item";
      li.dataset.code = props.code;
      var swatch = document.createElement("span");
      swatch.className = "gg-legend-swatch";
      swatch.style.borderColor = (LEVEL_STYLE[props.level] || LEVEL_STYLE[4]).color;
      swatch.style.background = fillFor(props.level, props._index);
      var button = document.createElement("button");
      button.type = "button";
      button.className = "gg-map-item-btn";
      button.appendChild(swatch);
      var body = document.createElement("span");
      body.className = "gg-map-item-body";
      body.appendChild(text("span", props.name, "gg-map-item-name"));
      var meta = (labels.levels[String(props.level)] || "") + " · " + km2(props.area_m2);
      if (props.level < 4) { meta += " · " + props.child_count + " " + labels.children; }
      body.appendChild(text("span", meta, "gg-map-item-meta"));
      button.appendChild(body);
      button.addEventListener("click", function () { activate(props.code); });
      button.addEventListener("mouseenter", function () { highlight(props.code, true); });
      button.addEventListener("mouseleave", function () { highlight(props.code, false); });
      li.appendChild(button);
      listEl.appendChild(li);
    });
  }

  function highlight(code, on) {
    var target = layersByCode[code];
    if (!target) { return; }
    if (on) {
      target.setStyle({ weight: 4, fillOpacity: 0.65 });
      target.bringToFront();
    } else {
      layer.resetStyle(target);
    }
  }

  function activate(code) {
    var target = layersByCode[code];
    if (!target) { return; }
    var props = target.feature.properties;
    if (canDrill(props)) {
      go(props.code);
    } else {
      target.openPopup();
    }
  }

  function draw(data, highlightCode) {
    if (layer) { map.removeLayer(layer); }
    layersByCode = {};
    var features = (data.features || []).filter(function (f) { return f.geometry; });
    features.forEach(function (f, i) { f.properties._index = i; });
    var permanent = features.length <= PERMANENT_LABEL_LIMIT;
    layer = L.geoJSON({ type: "FeatureCollection", features: features }, {
      style: styleFor,
      onEachFeature: function (feature, featureLayer) {
        var props = feature.properties;
        layersByCode[props.code] = featureLayer;
        featureLayer.bindTooltip(props.name, {
          permanent: permanent, direction: "center", className: "gg-map-label", opacity: 1
        });
        if (!canDrill(props)) { featureLayer.bindPopup(popupFor(props)); }
        featureLayer.on("click", function () { activate(props.code); });
        featureLayer.on("mouseover", function () { highlight(props.code, true); });
        featureLayer.on("mouseout", function () { highlight(props.code, false); });
      }
    }).addTo(map);
    var bounds = layer.getBounds();
    if (bounds.isValid()) { map.fitBounds(bounds, { padding: [16, 16] }); }
    if (highlightCode && layersByCode[highlightCode]) {
      highlight(highlightCode, true);
      layersByCode[highlightCode].openPopup();
    }
    renderList(features);
    renderLegend(features);
  }

  function load(code, highlightCode) {
    setStatus(labels.loading);
    var url = apiUrl + (code ? "?parent=" + encodeURIComponent(code) : "");
    return fetch(url, { credentials: "same-origin", headers: { Accept: "application/json" } })
      .then(function (response) {
        if (!response.ok) { throw new Error(String(response.status)); }
        return response.json();
      })
      .then(function (data) {
        var features = data.features || [];
        var crumbs = data.breadcrumb || [];
        // A unit without children (a grid): show it among its siblings instead of an empty map.
        if (!features.length && data.parent && crumbs.length > 1 && !highlightCode) {
          return load(crumbs[crumbs.length - 2].code, data.parent.code);
        }
        // One jurisdiction root (the usual case): open it straight away rather than show a lone polygon.
        if (!code && !data.parent && features.length === 1 && canDrill(features[0].properties)) {
          var only = features[0].properties.code;
          singleRoot = true;
          window.history.replaceState({ code: only }, "", "?unit=" + encodeURIComponent(only));
          return load(only, highlightCode);
        }
        current = code || "";
        titleEl.textContent = data.parent ? data.parent.name : labels.jurisdiction;
        if (data.parent) {
          unitLinkEl.href = unitUrl(data.parent.code);
          unitLinkEl.classList.remove("d-none");
        } else {
          unitLinkEl.classList.add("d-none");
        }
        renderCrumbs(data);
        draw(data, highlightCode);
        setStatus(features.length ? "" : labels.empty);
        el.dataset.current = current;
        el.dataset.loaded = String(features.length);
      })
      .catch(function () { setStatus(labels.error); });
  }

  function go(code) {
    var query = code ? "?unit=" + encodeURIComponent(code) : window.location.pathname;
    window.history.pushState({ code: code }, "", query);
    load(code);
  }

  window.addEventListener("popstate", function (event) {
    load(event.state && event.state.code ? event.state.code : "");
  });

  window.history.replaceState({ code: current }, "", window.location.href);
  load(current);
}());
