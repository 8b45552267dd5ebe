/* The sales dashboard: the monthly trend chart (ECharts, Russian locale) and the period selector's fields. */
(function () {
  "use strict";

  var rub = new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 0 });
  var oneDecimal = new Intl.NumberFormat("ru-RU", { maximumFractionDigits: 1 });

  function money(value) {
    return value === null || value === undefined ? "—" : rub.format(value) + "\u00a0₽";
  }

  function short(value) {
    if (value === null || value === undefined) return "";
    var size = Math.abs(value);
    if (size >= 1e9) return oneDecimal.format(value / 1e9) + "\u00a0млрд";
    if (size >= 1e6) return oneDecimal.format(value / 1e6) + "\u00a0млн";
    if (size >= 1e3) return oneDecimal.format(value / 1e3) + "\u00a0тыс.";
    return rub.format(value);
  }

  function trendOption(data) {
    return {
      animation: false,
      aria: { enabled: true, decal: { show: true } },
      grid: { left: 8, right: 12, top: 34, bottom: 4, containLabel: true },
      legend: { top: 0, left: 0, itemWidth: 26, textStyle: { fontSize: 11 } },
      tooltip: { trigger: "axis", valueFormatter: money },
      xAxis: { type: "category", data: data.months, axisTick: { alignWithLabel: true } },
      yAxis: { type: "value", axisLabel: { formatter: short }, splitLine: { lineStyle: { color: "#eceff3" } } },
      series: [
        {
          name: data.names.fact, type: "bar", data: data.fact, barMaxWidth: 42, color: "#3d7fd9",
          label: { show: true, position: "top", fontSize: 10, formatter: function (p) { return short(p.value); } },
        },
        {
          name: data.names.plan, type: "line", data: data.plan, color: "#212529", symbol: "diamond", symbolSize: 10,
          lineStyle: { type: "dashed", width: 2 }, connectNulls: false,
        },
        {
          name: data.names.lastYear, type: "line", data: data.lastYear, color: "#8a94a6", symbol: "triangle",
          symbolSize: 9, lineStyle: { type: "dotted", width: 2.5 },
        },
      ],
    };
  }

  function drawTrend() {
    var element = document.getElementById("trend-chart");
    var source = document.getElementById("trend-data");
    if (!element || !source || !window.echarts) return;
    var existing = window.echarts.getInstanceByDom(element);
    if (existing) existing.dispose();
    element.innerHTML = "";
    var chart = window.echarts.init(element, null, { locale: "RU", renderer: "svg" });
    chart.setOption(trendOption(JSON.parse(source.textContent)));
    window.addEventListener("resize", function () { chart.resize(); });
  }

  var FIELDS_BY_KIND = {
    month: ["year", "month"],
    quarter: ["year", "quarter"],
    year: ["year"],
    custom: ["first", "last"],
  };

  function syncPeriodFields(form) {
    var kind = form.querySelector("[name=period]");
    if (!kind) return;
    var shown = FIELDS_BY_KIND[kind.value] || [];
    form.querySelectorAll("[data-field]").forEach(function (wrapper) {
      var name = wrapper.getAttribute("data-field");
      if (name in { year: 1, quarter: 1, month: 1, first: 1, last: 1 }) wrapper.hidden = shown.indexOf(name) < 0;
    });
  }

  function setUp() {
    document.querySelectorAll("[data-period-form]").forEach(function (form) {
      syncPeriodFields(form);
      form.addEventListener("change", function (event) {
        if (event.target.name === "period") syncPeriodFields(form);
      });
    });
    drawTrend();
  }

  document.addEventListener("DOMContentLoaded", setUp);
  document.addEventListener("htmx:historyRestore", setUp);
})();
