// Draws an org's burn-down with uPlot from the page's JSON (never from markup):
// credits used by each day's end, the limit, the forecast to the period's end,
// and a dashed line at each top-up, plan change and alert.
(function () {
  "use strict";
  var source = document.getElementById("chart-data");
  var box = document.getElementById("chart");
  if (!source || !box || typeof uPlot === "undefined") return;
  var data = JSON.parse(source.textContent);
  var n = data.days.length;
  var xs = data.days.concat([data.ends_at]);
  var used = data.used.concat([null]);
  var limit = data.limit.concat([data.limit[n - 1]]);
  // The forecast was made at the org's last event: drawn from that day to the end.
  var from = data.forecast_from;
  var forecast = xs.map(function () { return null; });
  if (data.forecast !== null && from !== null && used[from] !== null) {
    forecast[from] = used[from];
    forecast[n] = data.forecast;
  }
  var colours = { top_up: "#2f855a", plan: "#6b46c1", NearLimit: "#c05621", LimitReached: "#c53030" };

  function drawMarks(u) {
    var ctx = u.ctx;
    ctx.save();
    ctx.setLineDash([4, 4]);
    ctx.lineWidth = 1;
    ctx.font = "11px sans-serif";
    ctx.textAlign = "left";
    ctx.textBaseline = "top";
    data.marks.forEach(function (mark, index) {
      var x = u.valToPos(mark.at, "x", true);
      ctx.strokeStyle = ctx.fillStyle = colours[mark.kind] || "#444";
      ctx.beginPath();
      ctx.moveTo(x, u.bbox.top);
      ctx.lineTo(x, u.bbox.top + u.bbox.height);
      ctx.stroke();
      var label = mark.label.length > 48 ? mark.label.slice(0, 47) + "\u2026" : mark.label;
      ctx.fillText(label, x + 3, u.bbox.top + 3 + 13 * (index % 4));
    });
    ctx.restore();
  }

  var width = Math.max(320, Math.min(box.clientWidth || 900, 1100));
  var chart = new uPlot(
    {
      width: width,
      height: 360,
      scales: { x: { time: true }, y: { range: function (u, min, max) { return [0, Math.max(max, 1) * 1.1]; } } },
      series: [
        {},
        { label: "used", stroke: "#2b6cb0", width: 2, fill: "rgba(43,108,176,0.08)", points: { show: true, size: 5 } },
        { label: "limit", stroke: "#c53030", width: 2, dash: [8, 4], points: { show: false }, paths: uPlot.paths.stepped({ align: 1 }) },
        { label: "forecast", stroke: "#718096", width: 2, dash: [2, 4], spanGaps: true, points: { show: false } },
      ],
      axes: [{}, { label: "credits" }],
      hooks: { draw: [drawMarks] },
    },
    [xs, used, limit, forecast],
    box
  );
  // What the browser tests read: the chart as drawn.
  window.burnDown = {
    chart: chart,
    points: used.filter(function (v) { return v !== null; }).length,
    limit: limit,
    marks: data.marks.length,
  };
})();
