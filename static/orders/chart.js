// A time chart of price series on uPlot (static/vendor/uplot). It takes any number of line
// series and point series over one time axis, so other series (the metric snapshots' mid
// price, depth) can be added by the API that serves them without changing the page.
"use strict";

const MrMarketChart = (() => {
  // series: [{label, color, points: [[unixSeconds, decimalTextOrNull], ...], dots: bool}]
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

  const draw = (element, series, {height = 240} = {}) => {
    element.replaceChildren();
    if (!series.some((s) => s.points.length)) return null;
    const width = Math.max(200, element.clientWidth || 320);
    const options = {
      width,
      height,
      legend: {live: false},
      // One moment alone would stretch the axis over years: show at least two minutes.
      scales: {x: {time: true, range: (u, min, max) => (max - min < 120 ? [min - 60, max + 60] : [min, max])}},
      axes: [{}, {size: 70}],
      series: [
        {},
        ...series.map((s) => ({
          label: s.label,
          stroke: s.color,
          width: s.dots ? 0 : 1.5,
          spanGaps: !s.dots,
          paths: s.dots ? () => null : undefined,
          points: s.dots ? {show: true, size: 7, fill: s.color, stroke: s.color} : {show: false},
        })),
      ],
    };
    const plot = new uPlot(options, align(series), element);
    const resize = () => plot.setSize({width: Math.max(200, element.clientWidth), height});
    window.addEventListener("resize", resize);
    return plot;
  };

  return {draw, align};
})();
