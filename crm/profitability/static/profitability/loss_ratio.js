/* Loss ratio by group (bars) against the company-wide figure (dashed line): ECharts with the Russian locale. */
(function () {
  "use strict";

  var ratio = new Intl.NumberFormat("ru-RU", { minimumFractionDigits: 2, maximumFractionDigits: 2 });

  function format(value) {
    return value === null || value === undefined ? "—" : ratio.format(value);
  }

  function option(data) {
    var company = data.company === null ? [] : [{ xAxis: data.company }];
    return {
      animation: false,
      aria: { enabled: true, decal: { show: true } },
      grid: { left: 8, right: 40, top: 8, bottom: 4, containLabel: true },
      tooltip: { trigger: "axis", valueFormatter: format },
      xAxis: { type: "value", axisLabel: { formatter: format }, splitLine: { lineStyle: { color: "#eceff3" } } },
      yAxis: { type: "category", data: data.names, inverse: true, axisLabel: { width: 170, overflow: "truncate" } },
      series: [
        {
          name: data.labels.lossRatio, type: "bar", data: data.lossRatio, barMaxWidth: 18, color: "#3d7fd9",
          label: { show: true, position: "right", fontSize: 10, formatter: function (p) { return format(p.value); } },
          markLine: {
            symbol: "none", data: company,
            lineStyle: { type: "dashed", color: "#212529", width: 2 },
            label: { formatter: function (p) { return data.labels.company + " " + format(p.value); }, position: "insideEndTop" },
          },
        },
      ],
    };
  }

  function draw() {
    var element = document.getElementById("loss-ratio-chart");
    var source = document.getElementById("loss-ratio-data");
    if (!element || !source || !window.echarts) return;
    var existing = window.echarts.getInstanceByDom(element);
    if (existing) existing.dispose();
    var data = JSON.parse(source.textContent);
    element.style.height = Math.max(160, 28 * data.names.length + 40) + "px";
    var chart = window.echarts.init(element, null, { locale: "RU", renderer: "svg" });
    chart.setOption(option(data));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", draw);
  document.addEventListener("htmx:historyRestore", draw);
})();
