/* The cockpit: one ECharts chart per figure block (data from #gg-ck-charts), a "table" toggle
   per block, the H3 / grid heatmap on Leaflet, and on the wall view a clock and a reload every
   data-refresh seconds. Clicking a bar or a point opens the cases behind it. */
(function () {
  "use strict";

  var wall = document.body.classList.contains("gg-wall");
  var dark = wall ? "dark" : null;
  var palette = ["#2f7dd1", "#e8833a", "#d64545", "#3aa675", "#8a63d2"];
  var charts = {};
  var dataNode = document.getElementById("gg-ck-charts");
  var blocks = dataNode ? JSON.parse(dataNode.textContent) : [];

  function option(block) {
    var horizontal = block.chart === "hbar";
    var line = block.chart === "line";
    var series = block.series.filter(function (s) {
      return s.data.some(function (v) { return typeof v === "number"; }) || block.series.length === 1;
    });
    if (block.key === "satisfaction" || block.key === "campaigns") {
      series = series.slice(0, 2);
    }
    var category = { type: "category", data: horizontal ? block.labels.slice().reverse() : block.labels,
      axisLabel: { hideOverlap: true, width: 120, overflow: "truncate" } };
    var value = { type: "value", minInterval: 1, axisLabel: { hideOverlap: true } };
    return {
      backgroundColor: "transparent",
      color: palette,
      animation: !wall,
      tooltip: { trigger: "axis" },
      legend: { top: 0, data: series.map(function (s) { return s.name; }) },
      grid: { left: 8, right: 28, top: 30, bottom: 8, containLabel: true },
      xAxis: horizontal ? value : category,
      yAxis: horizontal ? category : value,
      series: series.map(function (s) {
        var data = horizontal ? s.data.slice().reverse() : s.data;
        var urls = horizontal ? s.urls.slice().reverse() : s.urls;
        return {
          name: s.name, type: line ? "line" : "bar", showSymbol: line,
          data: data.map(function (v, i) { return { value: v === null ? 0 : v, url: urls[i] || "" }; }),
          label: horizontal ? { show: true, position: "right" } : undefined
        };
      })
    };
  }

  blocks.forEach(function (block) {
    var el = document.querySelector('[data-chart="' + block.key + '"]');
    if (!el || !window.echarts) { return; }
    if (!block.labels.length) {  // nothing to draw: say so instead of an empty frame
      el.classList.add("gg-ck-empty");
      el.textContent = el.dataset.empty || "";
      return;
    }
    var chart = echarts.init(el, dark, { renderer: "canvas" });
    chart.setOption(option(block));
    chart.on("click", function (params) {
      if (params.data && params.data.url) { window.location.href = params.data.url; }
    });
    charts[block.key] = chart;
  });

  document.querySelectorAll("[data-toggle]").forEach(function (button) {
    button.addEventListener("click", function () {
      var key = button.dataset.toggle;
      var table = document.querySelector('[data-table="' + key + '"]');
      var chart = document.querySelector('[data-chart="' + key + '"]');
      var showTable = table.hidden;
      table.hidden = !showTable;
      chart.hidden = showTable;
      button.setAttribute("aria-pressed", showTable ? "true" : "false");
      if (!showTable && charts[key]) { charts[key].resize(); }
    });
  });
  window.addEventListener("resize", function () {
    Object.keys(charts).forEach(function (k) { charts[k].resize(); });
  });
  window.ggCockpit = { charts: charts };

  // --- The map.
  var mapEl = document.getElementById("gg-ck-map");
  if (mapEl && window.L) {
    var map = L.map(mapEl, { zoomSnap: 0.25 });
    map.attributionControl.setPrefix(false);
    map.setView([43.62, 122.26], 10);
    if (mapEl.dataset.tileUrl) {
      L.tileLayer(mapEl.dataset.tileUrl, { attribution: mapEl.dataset.tileAttribution || "", maxZoom: 19 }).addTo(map);
    }
    var layer = null;
    var form = document.getElementById("gg-ck-mapform");
    var legend = document.getElementById("gg-ck-legend");
    var ramp = ["#fff5eb", "#fdd0a2", "#fd8d3c", "#e6550d", "#a63603"];

    function colour(n, max) {
      if (!max) { return ramp[0]; }
      var i = Math.min(ramp.length - 1, Math.floor((n / max) * (ramp.length - 1) + 0.5));
      return ramp[Math.max(1, i)];
    }

    function load() {
      var data = new FormData(form);
      var params = new URLSearchParams();
      ["from", "to", "cat", "area"].forEach(function (k) { if (data.get(k)) { params.set(k, data.get(k)); } });
      var kind = data.get("layer") || "7";
      var url = kind === "grid" ? mapEl.dataset.grids : mapEl.dataset.hexagons;
      if (kind !== "grid") { params.set("res", kind); }
      fetch(url + "?" + params.toString(), { credentials: "same-origin" })
        .then(function (r) { return r.json(); })
        .then(function (fc) {
          if (layer) { map.removeLayer(layer); }
          var max = 0, total = 0;
          fc.features.forEach(function (f) { max = Math.max(max, f.properties.count); total += f.properties.count; });
          layer = L.geoJSON(fc, {
            style: function (f) {
              return { color: "#7f2704", weight: 0.6, fillColor: colour(f.properties.count, max), fillOpacity: 0.75,
                className: kind === "grid" ? "gg-ck-gridarea" : "gg-ck-hex" };
            },
            onEachFeature: function (f, l) {
              l.bindTooltip((f.properties.name ? f.properties.name + ": " : "") + f.properties.count);
              l.on("click", function () { window.location.href = f.properties.url; });
            }
          }).addTo(map);
          mapEl.dataset.features = String(fc.features.length);
          mapEl.dataset.total = String(total);
          if (legend) { legend.textContent = "Σ " + total + " · max " + max; }
          if (fc.features.length && layer.getBounds().isValid()) { map.fitBounds(layer.getBounds(), { padding: [12, 12], maxZoom: 14 }); }
        });
    }
    form.addEventListener("change", load);
    load();
    map.createPane("gg-hotspots").style.zIndex = 450;  // above the heatmap, which loads later
    document.querySelectorAll(".gg-ck-hotspots li[data-lat]").forEach(function (li) {
      var link = li.querySelector("a");
      L.circleMarker([parseFloat(li.dataset.lat), parseFloat(li.dataset.lon)], {
        pane: "gg-hotspots", radius: 10, color: "#c0392b", weight: 3, fillOpacity: 0.15, className: "gg-ck-hotspot"
      }).bindTooltip(link ? link.textContent : "").on("click", function () {
        if (link) { window.location.href = link.href; }
      }).addTo(map);
    });
  }

  // --- The wall: a clock and a periodic reload.
  if (wall) {
    var clock = document.getElementById("gg-wall-clock");
    var tick = function () { if (clock) { clock.textContent = new Date().toLocaleString(); } };
    tick();
    setInterval(tick, 1000);
    var seconds = parseInt(document.body.dataset.refresh || "60", 10);
    setTimeout(function () { window.location.reload(); }, seconds * 1000);
  }
})();
