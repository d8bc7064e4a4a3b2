/**
 * A chart as one self-contained HTML page: uPlot (script and stylesheet) and the downsampled data are
 * inlined, so the page works offline, from a file, with no CDN. One uPlot per panel, on a shared UTC time
 * axis: drag to zoom (all panels follow), double-click to see the whole window again, a cursor synced
 * across panels with each field's value in the legend, stage spans shaded as in the SVG.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { SPAN_STYLE, type Chart } from './chart';
import { FONT_FAMILY } from './svg';

/** uPlot's browser build and stylesheet, read once from the installed package. */
let assets: { script: string; css: string } | undefined;
function uplotAssets(): { script: string; css: string } {
  if (!assets) {
    const require = createRequire(__filename);
    assets = {
      script: readFileSync(require.resolve('uplot/dist/uPlot.iife.min.js'), 'utf8'),
      css: readFileSync(require.resolve('uplot/dist/uPlot.min.css'), 'utf8'),
    };
  }
  return assets;
}

const escapeHtml = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&#39;' })[c]!);

/** JSON safe inside a `<script>` element: no `</script>` or `<!--` can appear. */
const scriptJson = (value: unknown): string => JSON.stringify(value).replace(/</g, '\\u003c');

/** What the page's script gets: the chart with each series as columns, gaps as `null`s (uPlot's gap mark). */
function pageData(chart: Chart, panelHeight: number): unknown {
  return {
    start: chart.start,
    end: chart.end,
    panelHeight,
    spans: chart.spans,
    spanStyle: SPAN_STYLE,
    panels: chart.panels.map((panel) => ({
      unit: panel.unit,
      yMin: panel.yMin,
      yMax: panel.yMax,
      series: panel.series.map((s) => {
        const { t, v, breaks } = s.data;
        const ts: number[] = [];
        const vs: Array<number | null> = [];
        let next = 0;
        for (let i = 0; i < t.length; i++) {
          if (breaks[next] === i) {
            // A null between the two segments, so uPlot leaves the gap open.
            ts.push((t[i - 1]! + t[i]!) / 2);
            vs.push(null);
            next++;
          }
          ts.push(t[i]!);
          vs.push(v[i]!);
        }
        return { field: s.field, label: t.length === 0 ? `${s.label} (no data)` : s.label, color: s.color, t: ts, v: vs };
      }),
    })),
  };
}

/** The page's own script (plain ES2017, runs in any current browser). */
const PAGE_SCRIPT = String.raw`
(function () {
  'use strict';
  var chart = JSON.parse(document.getElementById('chart-data').textContent);
  var MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
  function pad(n) { return n < 10 ? '0' + n : String(n); }
  function hhmm(d) { return pad(d.getUTCHours()) + ':' + pad(d.getUTCMinutes()); }
  function tickLabel(seconds) {
    var d = new Date(seconds * 1000);
    if (d.getUTCSeconds() !== 0) return hhmm(d) + ':' + pad(d.getUTCSeconds());
    if (d.getUTCHours() !== 0 || d.getUTCMinutes() !== 0) return hhmm(d);
    return MONTHS[d.getUTCMonth()] + ' ' + pad(d.getUTCDate());
  }
  function fullTime(seconds) {
    var d = new Date(seconds * 1000);
    return d.getUTCFullYear() + '-' + pad(d.getUTCMonth() + 1) + '-' + pad(d.getUTCDate()) + ' ' + hhmm(d) + ':' + pad(d.getUTCSeconds()) + ' UTC';
  }
  function number(v) {
    if (v == null) return '–';
    var a = Math.abs(v);
    return a >= 1000 ? v.toLocaleString('en-US', { maximumFractionDigits: 0 }) : v.toPrecision(a >= 1 ? 4 : 3).replace(/\.?0+$/, '');
  }
  function rgba(hex, alpha) {
    var n = parseInt(hex.slice(1), 16);
    return 'rgba(' + (n >> 16) + ',' + ((n >> 8) & 255) + ',' + (n & 255) + ',' + alpha + ')';
  }
  // Stage spans behind the lines; frac stage numbers along the top of the first panel.
  function stagesPlugin(withNumbers) {
    return {
      hooks: {
        drawClear: function (u) {
          var ctx = u.ctx, top = u.bbox.top, height = u.bbox.height, left = u.bbox.left, right = left + u.bbox.width;
          ctx.save();
          chart.spans.forEach(function (s) {
            var x0 = Math.max(left, u.valToPos(s.start, 'x', true));
            var x1 = Math.min(right, u.valToPos(s.end, 'x', true));
            if (x1 <= x0) return;
            var style = chart.spanStyle[s.kind];
            ctx.fillStyle = rgba(style.fill, style.opacity);
            ctx.fillRect(x0, top, Math.max(x1 - x0, 1), height);
          });
          ctx.restore();
        },
        draw: function (u) {
          if (!withNumbers) return;
          var ctx = u.ctx, lastEnd = -Infinity, ratio = window.devicePixelRatio || 1;
          ctx.save();
          ctx.font = (10 * ratio) + 'px ' + getComputedStyle(document.body).fontFamily;
          ctx.fillStyle = '#7A4A12';
          ctx.textAlign = 'center';
          chart.spans.forEach(function (s) {
            if (s.kind !== 'frac') return;
            var x0 = u.valToPos(s.start, 'x', true), x1 = u.valToPos(s.end, 'x', true), mid = (x0 + x1) / 2;
            var half = ctx.measureText(String(s.stage)).width / 2 + 2 * ratio;
            if (mid - half < Math.max(lastEnd, u.bbox.left) || mid + half > u.bbox.left + u.bbox.width) return;
            ctx.fillText(String(s.stage), mid, u.bbox.top + 11 * ratio);
            lastEnd = mid + half;
          });
          ctx.restore();
        },
      },
    };
  }
  var container = document.getElementById('panels');
  var plots = [];
  var syncing = false;
  function showWindow() {
    plots.forEach(function (p) { p.setScale('x', { min: chart.start, max: chart.end + 1 }); });
  }
  chart.panels.forEach(function (panel, i) {
    var tables = panel.series.map(function (s) { return [s.t, s.v]; });
    var data = tables.length === 1 ? tables[0] : uPlot.join(tables);
    var el = document.createElement('section');
    el.className = 'panel';
    container.appendChild(el);
    var opts = {
      width: container.clientWidth,
      height: chart.panelHeight,
      tzDate: function (ts) { return uPlot.tzDate(new Date(ts * 1000), 'Etc/UTC'); },
      cursor: {
        sync: { key: 'restream-plot' },
        drag: { x: true, y: false },
        bind: { dblclick: function () { return function () { showWindow(); return null; }; } },
      },
      scales: { x: { time: true }, y: { auto: false, range: [panel.yMin, panel.yMax] } },
      axes: [
        { values: function (u, splits) { return splits.map(tickLabel); } },
        { label: panel.unit || '', size: 64, values: function (u, splits) { return splits.map(number); } },
      ],
      series: [{ label: 'UTC', value: function (u, v) { return v == null ? '–' : fullTime(v); } }].concat(
        panel.series.map(function (s) {
          return { label: s.label, stroke: s.color, width: 1.3, points: { show: false }, value: function (u, v) { return number(v); } };
        })
      ),
      plugins: [stagesPlugin(i === 0)],
      hooks: {
        setScale: [function (u, key) {
          if (key !== 'x' || syncing) return;
          syncing = true;
          plots.forEach(function (p) { if (p !== u) p.setScale('x', { min: u.scales.x.min, max: u.scales.x.max }); });
          syncing = false;
        }],
      },
    };
    plots.push(new uPlot(opts, data, el));
  });
  showWindow();
  window.addEventListener('resize', function () {
    plots.forEach(function (p) { p.setSize({ width: container.clientWidth, height: chart.panelHeight }); });
  });
  document.body.setAttribute('data-ready', 'true');
})();
`;

export interface HtmlOptions {
  /** Height of each panel's plot area, in CSS pixels. */
  panelHeight: number;
}

/** Renders `chart` as a self-contained, interactive HTML page. */
export function renderHtml(chart: Chart, options: HtmlOptions): string {
  const { script, css } = uplotAssets();
  const kinds = (['frac', 'wireline'] as const).filter((k) => chart.spans.some((s) => s.kind === k));
  const legend = kinds
    .map((k) => `<span class="swatch" style="background:${SPAN_STYLE[k].fill};opacity:${Math.min(1, SPAN_STYLE[k].opacity * 2.5)}"></span>${SPAN_STYLE[k].legend}`)
    .join(' ');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="generator" content="restream-datastore">
<title>${escapeHtml(`${chart.title} · ${chart.subtitle}`)}</title>
<style>${css}</style>
<style>
body { font-family: ${FONT_FAMILY}; margin: 16px 24px; color: #222; background: #fff; }
h1 { font-size: 20px; margin: 0 0 4px; }
.subtitle, .stage-legend, .hint { color: #555; font-size: 13px; margin: 0 0 4px; }
.hint { color: #888; }
.swatch { display: inline-block; width: 14px; height: 12px; margin: 0 4px 0 8px; vertical-align: -1px; }
.panel { margin-top: 8px; }
.uplot .u-legend { font-size: 12px; text-align: left; }
</style>
</head>
<body>
<header>
<h1>${escapeHtml(chart.title)}</h1>
<p class="subtitle">${escapeHtml(chart.subtitle)}</p>
${legend ? `<p class="stage-legend">${legend}</p>` : ''}
<p class="hint">Drag across a panel to zoom, double-click to see the whole window.</p>
</header>
<main id="panels"></main>
<script>${script.replace(/<\/script/gi, '<\\/script')}</script>
<script type="application/json" id="chart-data">${scriptJson(pageData(chart, options.panelHeight))}</script>
<script>${PAGE_SCRIPT}</script>
</body>
</html>
`;
}
