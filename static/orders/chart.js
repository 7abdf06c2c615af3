// A time chart on uPlot (static/vendor/uplot). It takes any number of line series and point
// series over one time axis; a series with `right: true` is drawn against a second scale
// on the right (the inventory chart's quote beside its base).
"use strict";

const MrMarketChart = (() => {
  // series: [{label, color, points: [[unixSeconds, decimalTextOrNull], ...], dots, right}]
  const align = (series) => {
    const times = [...new Set(series.flatMap((s) => s.points.map(([t]) => t)))].sort((a, b) => a - b);
    const index = new Map(times.map((t, i) => [t, i]));
    const columns = series.map((s) => {
      const column = new Array(times.length).fill(null);
      for (const [t, value] of s.points) column[index.get(t)] = value === null ? null : Number(value);
      return column;
    });
    return [times, ...columns];
  };

  // Axis labels in the reader's zone (uPlot's default formats use the browser's zone too).
  const plots = new Map();

  const draw = (element, series, {height = 220} = {}) => {
    plots.get(element)?.destroy();
    plots.delete(element);
    element.replaceChildren();
    if (!series.some((s) => s.points.length)) return null;
    const width = Math.max(200, element.clientWidth || 320);
    const right = series.some((s) => s.right);
    const data = align(series);
    // One moment alone would stretch the axis over years: show at least two minutes.
    const first = data[0][0], last = data[0][data[0].length - 1];
    const span = last - first < 120 ? [first - 60, last + 60] : [first, last];
    // A line of a few points is hard to see: its points are drawn too.
    const few = data[0].length < 20;
    const options = {
      width,
      height,
      legend: {live: false},
      scales: {x: {time: true, range: () => span}},
      axes: [{}, {size: 64}, ...(right ? [{scale: "right", side: 1, size: 64, grid: {show: false}}] : [])],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          scale: s.right ? "right" : "y",
          width: s.dots ? 0 : 1.5,
          spanGaps: !s.dots,
          paths: s.dots ? () => null : undefined,
          points: s.dots || few ? {show: true, size: s.dots ? 7 : 4, fill: s.color, stroke: s.color} : {show: false},
        })),
      ],
    };
    const plot = new uPlot(options, data, element);
    plots.set(element, plot);
    return plot;
  };

  const resize = () => {
    for (const [element, plot] of plots) plot.setSize({width: Math.max(200, element.clientWidth), height: plot.height});
  };
  window.addEventListener("resize", resize);

  return {draw, align};
})();
