/**
 * Browser code of the HTML report, as text to inline. Kept to ES5-style JavaScript that any
 * browser runs without a build step. ERROR_SCRIPT goes first in <head>: it records errors as the
 * page's `data-errors` attribute, so a headless check can read them from the DOM.
 */
export const ERROR_SCRIPT = `(function () {
  var root = document.documentElement, errors = [];
  function note(message) { errors.push(String(message)); root.setAttribute('data-errors', errors.join(' | ')); }
  window.addEventListener('error', function (event) { note(event.message || 'error'); });
  window.addEventListener('unhandledrejection', function (event) { note(event.reason); });
  var original = console.error;
  console.error = function () { note(Array.prototype.join.call(arguments, ' ')); original.apply(console, arguments); };
})();`;

/**
 * Draws every chart spec of #perfcell-charts into #chart-N with uPlot. When done, sets
 * `data-charts-drawn` (charts created) and `data-charts-inked` (canvases with coloured pixels:
 * the data, not only the black axes) on <html>.
 */
export const CHART_SCRIPT = `(function () {
  var root = document.documentElement;
  var specs = JSON.parse(document.getElementById('perfcell-charts').textContent);
  var palette = ['#1f77b4', '#d62728', '#2ca02c', '#9467bd', '#ff7f0e', '#17becf', '#8c564b', '#e377c2'];
  function alpha(hex, a) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + a + ')';
  }
  function widthOf(host) { return Math.max(320, Math.min(560, host.clientWidth || 560)); }
  // uPlot prints numbers to at most 3 decimals (Intl's default), so ticks 0.0005 apart (a miss
  // ratio, a sleeping program's CPUs) read 0, 0.001, 0.001 and a value of 0.0004 reads 0: a tick
  // gets the decimals of the step between ticks, a hovered value three significant digits.
  function decimalsOf(step) {
    var parts = Number(step.toPrecision(6)).toExponential().split('e');
    return Math.max(0, Math.min(20, (parts[0].split('.')[1] || '').length - Number(parts[1])));
  }
  function ticks(u, splits, axisIndex, space, step) {
    var format = new Intl.NumberFormat('en-US', { maximumFractionDigits: step > 0 ? decimalsOf(step) : 3 });
    return splits.map(function (v) { return v == null ? '' : format.format(v); });
  }
  function hovered(u, v) {
    if (v == null) return '';
    var size = Math.abs(v);
    var decimals = size >= 1 || size === 0 ? 3 : Math.min(20, 2 - Math.floor(Math.log(size) / Math.LN10));
    return new Intl.NumberFormat('en-US', { maximumFractionDigits: decimals }).format(v);
  }
  function lineChart(host, spec) {
    var series = [{ label: spec.xLabel, value: hovered }];
    var data = [spec.x];
    spec.series.forEach(function (s, j) {
      var color = palette[j % palette.length];
      series.push({ label: s.label, value: hovered, stroke: color, width: 2, fill: alpha(color, 0.08), points: { show: spec.x.length < 40, size: 6, fill: color } });
      data.push(s.values);
    });
    var single = spec.x.length === 1;
    return new uPlot({
      title: spec.title, width: widthOf(host), height: 240,
      scales: { x: { time: false, range: single ? function (u, min, max) { return [min - 1, max + 1]; } : undefined } },
      axes: [{ label: spec.xLabel, values: ticks }, { label: spec.yLabel, size: 70, values: ticks }],
      series: series,
    }, data, host);
  }
  function spreadChart(host, spec) {
    var count = spec.names.length, xs = [], means = [];
    for (var i = 0; i < count; i++) { xs.push(i); means.push(spec.spread[i].mean); }
    var most = 0;
    spec.runs.forEach(function (runs) { most = Math.max(most, runs.length); });
    var series = [{ label: 'alternative' }], data = [xs];
    for (var r = 0; r < most; r++) {
      series.push({ label: 'run ' + (r + 1), stroke: '#777', paths: function () { return null; }, points: { show: true, size: 6, width: 1, stroke: '#555', fill: 'rgba(90,90,90,0.35)' } });
      data.push(spec.runs.map(function (runs) { return r < runs.length ? runs[r] : null; }));
    }
    var hi = 0, lo = 0;
    spec.spread.forEach(function (s) { if (s.max !== null) hi = Math.max(hi, s.max); if (s.min !== null) lo = Math.min(lo, s.min); });
    return new uPlot({
      title: spec.title, width: widthOf(host), height: 260, legend: { show: false },
      scales: {
        x: { time: false, range: function () { return [-0.5, count - 0.5]; } },
        y: { range: function () { return [lo, hi === lo ? lo + 1 : hi + (hi - lo) * 0.1]; } },
      },
      axes: [
        { splits: function () { return xs; }, values: function (u, splits) { return splits.map(function (x) { return spec.names[x] === undefined ? '' : spec.names[x]; }); } },
        { label: spec.yLabel, size: 70, values: ticks },
      ],
      series: series,
      hooks: { draw: [function (u) {
        var ctx = u.ctx, dpr = window.devicePixelRatio || 1;
        ctx.save();
        spec.spread.forEach(function (s, k) {
          if (s.mean === null) return;
          var x = u.valToPos(k, 'x', true), color = palette[k % palette.length];
          if (s.stdDev !== null) {
            var top = u.valToPos(s.mean + s.stdDev, 'y', true), bottom = u.valToPos(s.mean - s.stdDev, 'y', true);
            ctx.fillStyle = alpha(color, 0.25);
            ctx.fillRect(x - 16 * dpr, top, 32 * dpr, Math.max(1, bottom - top));
          }
          ctx.strokeStyle = color;
          if (s.min !== null && s.max !== null) {
            var y0 = u.valToPos(s.min, 'y', true), y1 = u.valToPos(s.max, 'y', true);
            ctx.lineWidth = 1.5 * dpr;
            ctx.beginPath();
            ctx.moveTo(x, y0); ctx.lineTo(x, y1);
            ctx.moveTo(x - 8 * dpr, y0); ctx.lineTo(x + 8 * dpr, y0);
            ctx.moveTo(x - 8 * dpr, y1); ctx.lineTo(x + 8 * dpr, y1);
            ctx.stroke();
          }
          var ym = u.valToPos(s.mean, 'y', true);
          ctx.lineWidth = 3 * dpr;
          ctx.beginPath(); ctx.moveTo(x - 20 * dpr, ym); ctx.lineTo(x + 20 * dpr, ym); ctx.stroke();
        });
        ctx.restore();
      }] },
    }, data, host);
  }
  var drawn = 0;
  specs.forEach(function (spec, index) {
    var host = document.getElementById('chart-' + index);
    if (!host) return;
    if (spec.type === 'spread') spreadChart(host, spec); else lineChart(host, spec);
    drawn += 1;
  });
  function inked(canvas) {
    var pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data, count = 0;
    for (var p = 0; p < pixels.length; p += 4) {
      var r = pixels[p], g = pixels[p + 1], b = pixels[p + 2];
      if (pixels[p + 3] > 0 && Math.max(r, g, b) - Math.min(r, g, b) > 60) count += 1;
    }
    return count >= 20;
  }
  setTimeout(function () {
    var canvases = document.querySelectorAll('.chart canvas'), count = 0;
    for (var c = 0; c < canvases.length; c++) if (inked(canvases[c])) count += 1;
    root.setAttribute('data-charts-drawn', String(drawn));
    root.setAttribute('data-charts-inked', String(count));
  }, 50);
})();`;
