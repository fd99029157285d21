/* Monthly score trends (M3/M7) with the M4 bands, drawn with the locally served Apache ECharts.
   Each <div data-trend="ID"> reads its figures from the JSON script element #ID. */
(function () {
  "use strict";
  function draw(box) {
    var source = document.getElementById(box.dataset.trend);
    if (!source || !window.echarts) { return; }
    var t = JSON.parse(source.textContent);
    var chart = window.echarts.init(box, null, { renderer: "canvas" });
    var series = {
      name: t.series, type: "line", data: t.scores, connectNulls: false, smooth: false,
      symbolSize: 7, showSymbol: true, showAllSymbol: true,  // a month between two unscored ones is a lone point
      label: { show: t.months.length <= 12, position: "top" }
    };
    if (t.bands) {
      series.markArea = {
        silent: true,
        label: { position: "insideTopLeft", color: "#555" },
        data: [
          [{ name: t.bands.labels.full, yAxis: t.bands.full, itemStyle: { color: "rgba(25,135,84,0.10)" } }, { yAxis: 100 }],
          [{ name: t.bands.labels.proportional, yAxis: t.bands.proportional, itemStyle: { color: "rgba(255,193,7,0.12)" } }, { yAxis: t.bands.full }],
          [{ name: t.bands.labels.low, yAxis: 0, itemStyle: { color: "rgba(220,53,69,0.08)" } }, { yAxis: t.bands.proportional }]
        ]
      };
      series.markLine = {
        silent: true, symbol: "none", label: { formatter: "{c}" }, lineStyle: { type: "dashed" },
        data: [{ yAxis: t.bands.full }, { yAxis: t.bands.proportional }]
      };
    }
    var low = t.scores.filter(function (s) { return s !== null; }).map(Number);
    var floor = low.length ? Math.max(0, Math.floor(Math.min.apply(null, low) / 5) * 5 - 5) : 60;
    if (t.bands) { floor = Math.min(floor, Number(t.bands.proportional) - 5); }
    chart.setOption({
      tooltip: { trigger: "axis", valueFormatter: function (v) { return v === null || v === undefined ? "—" : v; } },
      legend: { data: [t.series], top: 0 },
      grid: { left: 40, right: 20, top: 36, bottom: 48 },
      xAxis: { type: "category", data: t.months, axisLabel: { rotate: 45 } },
      yAxis: { type: "value", min: floor, max: 100, name: t.unit },
      series: [series]
    });
    window.addEventListener("resize", function () { chart.resize(); });
    box.dataset.drawn = "1";
  }
  document.querySelectorAll("[data-trend]").forEach(draw);
})();
