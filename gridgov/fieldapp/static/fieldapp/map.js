// The offline map of the Patrol tab: the worker's grid outlines, risk zones and buildings from
// the bundle, the current position and the running patrol's track, on Leaflet (cached with the
// shell). No tiles unless the page carries a tile URL (the server's MAP_TILE_URL): offline there
// are none, and the outlines are enough to find one's way in one's own grid.
"use strict";
(function (app) {
  const t = (name) => app.strings[name] || name;
  const box = document.getElementById("field-map");
  if (!box || !window.L) return;
  let map = null;
  let places = null;
  let position = null;
  let track = null;
  let fitted = false;
  let legend = null;
  // The track and the position never take a tap meant for a building under them.

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => node.setAttribute(k, v));
    if (text !== undefined) node.textContent = text;
    return node;
  }

  function url(template, id) {
    return (template || "").replace("/0/", `/${id}/`);
  }

  // A building's popup: its households (a house's label starts with its building's name), each a
  // link to the registry's household screen, and the building's own page (they need the network).
  function popup(building) {
    const node = el("div", { class: "map-popup", "data-building": building.id });
    node.append(el("strong", {}, building.name), el("div", { class: "small text-secondary" }, building.address || ""));
    const households = ((app.bundle && app.bundle.households) || []).filter(
      (h) => h.house && h.house.label && h.house.label.startsWith(building.name + " "),
    );
    node.appendChild(el("div", { class: "small mt-1" }, t("map_households")));
    const list = el("ul", { class: "small mb-1 ps-3" });
    if (!households.length) list.appendChild(el("li", { class: "text-secondary" }, t("no_households")));
    for (const household of households) {
      const item = el("li");
      item.appendChild(el("a", { href: url(app.urls.householdUrl, household.id), class: "map-household" }, `${household.number} · ${household.house.label}`));
      list.appendChild(item);
    }
    node.appendChild(list);
    node.appendChild(el("a", { href: url(app.urls.buildingUrl, building.id), class: "map-building-link small" }, t("building_page")));
    return node;
  }

  function ensure() {
    if (map) return map;
    map = L.map(box, { attributionControl: true, zoomControl: true });
    map.attributionControl.setPrefix(false);
    if (box.dataset.tileUrl) {
      L.tileLayer(box.dataset.tileUrl, { attribution: box.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    map.setView([43.62, 122.26], 11);
    return map;
  }

  function drawBundle(bundle) {
    ensure();
    if (places) places.remove();
    places = L.featureGroup().addTo(map);
    if (!bundle) return;
    for (const grid of bundle.grids || []) {
      if (!grid.outline) continue;
      // Not tappable: a tap inside the grid is meant for a building.
      L.geoJSON(grid.outline, { style: { color: "#0d6e5f", weight: 2, fillOpacity: 0.05 }, interactive: false }).addTo(places);
    }
    drawZones(bundle);
    for (const building of bundle.buildings || []) {
      if (building.lon == null || building.lat == null) continue;
      L.circleMarker([Number(building.lat), Number(building.lon)], { radius: 7, color: "#1f4e8c", weight: 2, fillOpacity: 0.6, className: `map-building map-building-${building.id}` })
        .bindPopup(() => popup(building))
        .addTo(places);
    }
    fitted = false;
    fit();
  }

  // The risk zones in force over the worker's grids (the bundle's campaigns section), in their
  // level's colour under the buildings: a grid's outline filled, a building's ring around it.
  // Not tappable either; the legend says which colour is which level, the Campaigns tab the rules.
  function drawZones(bundle) {
    const section = bundle.campaigns || {};
    const outlines = new Map((bundle.grids || []).map((grid) => [grid.id, grid.outline]));
    const drawn = new Set();
    let count = 0;
    for (const zone of section.zones || []) {
      const style = { color: zone.colour, weight: 3, fillColor: zone.colour, fillOpacity: 0.25, interactive: false, className: `map-zone map-zone-${zone.level}` };
      let layer = null;
      // A ring of a fixed size on screen: a building's zone stays visible at the grid's zoom.
      if (zone.point) layer = L.circleMarker([zone.point[1], zone.point[0]], { ...style, radius: 14, fillOpacity: 0.35 });
      else if (outlines.get(zone.grid)) layer = L.geoJSON(outlines.get(zone.grid), { style, interactive: false });
      if (!layer) continue;
      layer.addTo(places);
      drawn.add(zone.level);
      count += 1;
    }
    box.dataset.zones = String(count); // what tests wait on
    if (legend) legend.remove();
    legend = null;
    if (!count) return;
    legend = L.control({ position: "bottomleft" });
    legend.onAdd = () => {
      const node = el("div", { class: "map-legend" });
      node.appendChild(el("div", { class: "fw-semibold" }, t("risk_zones")));
      for (const level of section.levels || []) {
        if (!drawn.has(level.level)) continue;
        const row = el("div", { class: "map-legend-level", "data-level": level.level });
        const swatch = el("span", { class: "map-legend-swatch" });
        swatch.style.background = level.colour;
        row.append(swatch, document.createTextNode(level.label));
        node.appendChild(row);
      }
      return node;
    };
    legend.addTo(map);
  }

  // Leaflet measures its box when it needs to: a box that was hidden (another tab) measured
  // nothing, so measure again before fitting the grid into it.
  function fit() {
    if (!map || fitted || box.offsetParent === null) return;
    map.invalidateSize({ animate: false });
    const bounds = places && places.getLayers().length ? places.getBounds() : null;
    if (bounds && bounds.isValid()) {
      map.fitBounds(bounds, { padding: [16, 16], maxZoom: 17, animate: false });
      fitted = true;
    }
  }

  function setPosition(fix) {
    ensure();
    if (!fix) return;
    const where = [fix.lat, fix.lon];
    if (!position) {
      position = L.circleMarker(where, { radius: 8, color: "#fff", weight: 3, fillColor: "#d63384", fillOpacity: 1, className: "map-position", interactive: false }).addTo(map);
    } else position.setLatLng(where);
    // A worker who walked off the screen finds themself again.
    if (box.offsetParent !== null && !map.getBounds().contains(where)) map.panTo(where, { animate: false });
  }

  function setTrack(points) {
    ensure();
    const line = (points || []).map((p) => [p.lat, p.lon]);
    if (!track) track = L.polyline(line, { color: "#b5432f", weight: 4, className: "map-track", interactive: false }).addTo(map);
    else track.setLatLngs(line);
    box.dataset.trackPoints = String(line.length);
  }

  app.map = { setPosition, setTrack, get: () => map };
  app.on("bundle", drawBundle);
  app.on("tab", (name) => {
    if (name !== "patrol" || !map) return;
    map.invalidateSize({ animate: false });
    fit();
  });
})(window.FieldApp);
