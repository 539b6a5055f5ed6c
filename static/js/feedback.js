/* Secretaries' feedback: the per-criterion bar chart (own average vs group average), from data attributes. */
(function () {
  "use strict";

  function numbers(list) {
    return list.map(function (text) {
      var value = parseFloat(text);
      return isNaN(value) ? null : value;
    });
  }

  // Labels print the server's figures (two decimals), not the float the bar is drawn from.
  function label(texts) {
    return { show: true, position: "right", formatter: function (item) { return texts[item.dataIndex]; } };
  }

  function draw(element) {
    if (!window.echarts) {
      return;
    }
    var labels = JSON.parse(element.getAttribute("data-labels") || "[]");
    var ownText = JSON.parse(element.getAttribute("data-own") || "[]");
    var groupText = JSON.parse(element.getAttribute("data-group") || "[]");
    var own = numbers(ownText);
    var group = numbers(groupText);
    var max = parseFloat(element.getAttribute("data-max") || "") || undefined;
    element.style.height = Math.max(220, 60 + labels.length * 48) + "px";
    var chart = window.echarts.init(element, null, { renderer: "svg" });
    chart.setOption({
      animation: false,
      color: ["#b71c1c", "#9e9e9e"],
      grid: { left: 8, right: 40, top: 32, bottom: 8, containLabel: true },
      legend: { top: 0, data: ["本人平均", "本组平均"] },
      tooltip: { trigger: "axis", axisPointer: { type: "shadow" } },
      xAxis: { type: "value", min: 0, max: max },
      yAxis: { type: "category", data: labels, inverse: true },
      series: [
        { name: "本人平均", type: "bar", data: own, label: label(ownText) },
        { name: "本组平均", type: "bar", data: group, label: label(groupText) }
      ]
    });
    window.addEventListener("resize", function () { chart.resize(); });
  }

  document.addEventListener("DOMContentLoaded", function () {
    document.querySelectorAll(".feedback-chart").forEach(draw);
  });
})();
