/**
 * A chart as SVG: stacked panels on one UTC time axis, stage spans shaded, one `<path>` per field holding
 * every downsampled point (nothing is dropped or merged on the way, so the file is exactly the data the
 * downsampler kept). Scales, ticks and number formats come from d3-scale, path data from d3-shape; the
 * markup is assembled here. Each series path carries `data-field` with the field's name, so tools and tests
 * can find it.
 */
import { scaleLinear, scaleUtc } from 'd3-scale';
import { line } from 'd3-shape';
import { utcFormat } from 'd3-time-format';
import { SPAN_STYLE, type Chart, type ChartSeries } from './chart';
import { LEGEND_ROW, MARGIN, layout, type PanelBox } from './layout';

/** Fonts most systems have; resvg (PNG) and browsers take the first they find. */
export const FONT_FAMILY = "'DejaVu Sans', 'Liberation Sans', Arial, Helvetica, sans-serif";

/** Approximate advance of a 12 px character of those fonts, for laying out legends without text metrics. */
const CHAR_WIDTH = 7;

const escapeXml = (text: string): string =>
  text.replace(/[<>&"']/g, (c) => ({ '<': '&lt;', '>': '&gt;', '&': '&amp;', '"': '&quot;', "'": '&apos;' })[c]!);

/** Pixel coordinates to one decimal: finer than any screen, and a third of the bytes of full precision. */
const px = (n: number): string => String(Math.round(n * 10) / 10);

const formatDay = utcFormat('%b %d');
const formatMinute = utcFormat('%H:%M');
const formatSecond = utcFormat('%H:%M:%S');

/** A time tick's label: the date at midnight, else the time of day (24 h, UTC). */
export function timeTickLabel(date: Date): string {
  if (date.getUTCSeconds() !== 0) return formatSecond(date);
  if (date.getUTCHours() !== 0 || date.getUTCMinutes() !== 0) return formatMinute(date);
  return formatDay(date);
}

/** The `d` of a series' path: one subpath (M, then L...) per segment between gaps. */
function pathData(series: ChartSeries, x: (t: number) => number, y: (v: number) => number): string {
  const { t, v, breaks } = series.data;
  if (t.length === 0) return '';
  const draw = line<number>()
    .x((i) => x(t[i]!))
    .y((i) => y(v[i]!))
    .digits(1);
  const parts: string[] = [];
  const bounds = [0, ...breaks, t.length];
  for (let s = 0; s + 1 < bounds.length; s++) {
    const from = bounds[s]!;
    const to = bounds[s + 1]!;
    // A lone point comes out as "Mx,yZ", a zero-length subpath that round caps draw as a dot.
    parts.push(draw(Array.from({ length: to - from }, (_, k) => from + k))!);
  }
  return parts.join('');
}

export interface SvgOptions {
  width: number;
  height: number;
}

/** Renders `chart` as a standalone SVG document. */
export function renderSvg(chart: Chart, options: SvgOptions): string {
  const { width, height } = options;
  const frame = layout(width, height, chart.panels.length);
  const x = scaleUtc()
    .domain([new Date(chart.start * 1000), new Date((chart.end + 1) * 1000)])
    .range([frame.left, frame.right]);
  const xOf = (t: number) => x(new Date(t * 1000));
  const timeTicks = x.ticks(Math.max(2, Math.floor((frame.right - frame.left) / 120)));
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${escapeXml(FONT_FAMILY)}" font-size="12">`,
    `<title>${escapeXml(`${chart.title} · ${chart.subtitle}`)}</title>`,
    `<rect width="${width}" height="${height}" fill="#FFFFFF"/>`,
    `<text class="title" x="${frame.left}" y="28" font-size="18" font-weight="bold" fill="#222222">${escapeXml(chart.title)}</text>`,
    `<text class="subtitle" x="${frame.left}" y="49" font-size="12" fill="#555555">${escapeXml(chart.subtitle)}</text>`,
  );
  out.push(stageLegend(chart, frame.right));

  out.push('<defs>');
  frame.panels.forEach((box, i) => {
    out.push(`<clipPath id="panel-${i}"><rect x="${frame.left}" y="${px(box.top)}" width="${frame.right - frame.left}" height="${px(box.bottom - box.top)}"/></clipPath>`);
  });
  out.push('</defs>');

  chart.panels.forEach((panel, i) => {
    const box = frame.panels[i]!;
    const y = scaleLinear().domain([panel.yMin, panel.yMax]).range([box.bottom, box.top]);
    const yTicks = y.ticks(Math.max(2, Math.min(6, Math.floor((box.bottom - box.top) / 32))));
    const yFormat = y.tickFormat(yTicks.length);
    out.push(`<g class="panel" data-unit="${escapeXml(panel.unit ?? '')}">`);
    out.push(seriesLegend(panel.series, frame.left, box));
    out.push(`<rect class="plot-area" x="${frame.left}" y="${px(box.top)}" width="${frame.right - frame.left}" height="${px(box.bottom - box.top)}" fill="#FFFFFF"/>`);

    out.push(`<g class="stages" clip-path="url(#panel-${i})">`);
    for (const span of chart.spans) {
      const style = SPAN_STYLE[span.kind];
      const x0 = xOf(span.start);
      const x1 = xOf(span.end);
      out.push(
        `<rect class="stage ${span.kind}" data-stage="${span.stage}" x="${px(x0)}" y="${px(box.top)}" width="${px(Math.max(x1 - x0, 0.5))}" height="${px(box.bottom - box.top)}" fill="${style.fill}" fill-opacity="${style.opacity}"/>`,
      );
    }
    out.push('</g>');

    out.push('<g class="grid" stroke="#E3E3E3" stroke-width="1">');
    for (const tick of yTicks) out.push(`<line x1="${frame.left}" x2="${frame.right}" y1="${px(y(tick))}" y2="${px(y(tick))}"/>`);
    for (const tick of timeTicks) out.push(`<line x1="${px(x(tick))}" x2="${px(x(tick))}" y1="${px(box.top)}" y2="${px(box.bottom)}"/>`);
    out.push('</g>');

    out.push(`<g class="y-axis" font-size="11" fill="#444444" text-anchor="end">`);
    for (const tick of yTicks) out.push(`<text x="${frame.left - 6}" y="${px(y(tick) + 4)}">${escapeXml(yFormat(tick))}</text>`);
    if (panel.unit !== null) {
      const cy = (box.top + box.bottom) / 2;
      out.push(`<text class="unit" x="${MARGIN.left - 58}" y="${px(cy)}" text-anchor="middle" transform="rotate(-90 ${MARGIN.left - 58} ${px(cy)})" font-size="12" fill="#222222">${escapeXml(panel.unit)}</text>`);
    }
    out.push('</g>');

    out.push(`<g class="lines" clip-path="url(#panel-${i})" fill="none" stroke-width="1.3" stroke-linejoin="round" stroke-linecap="round">`);
    for (const series of panel.series) {
      out.push(`<path class="series" data-field="${escapeXml(series.field)}" stroke="${series.color}" d="${pathData(series, xOf, y)}"/>`);
    }
    out.push('</g>');
    out.push(`<rect class="frame" x="${frame.left}" y="${px(box.top)}" width="${frame.right - frame.left}" height="${px(box.bottom - box.top)}" fill="none" stroke="#BBBBBB"/>`);
    out.push('</g>');
  });

  // Stage numbers along the top of the first panel, where the span is wide enough to hold them.
  const first = frame.panels[0];
  if (first) {
    out.push('<g class="stage-numbers" font-size="10" fill="#7A4A12" text-anchor="middle">');
    let lastEnd = -Infinity;
    for (const span of chart.spans) {
      if (span.kind !== 'frac') continue;
      const x0 = xOf(span.start);
      const x1 = xOf(span.end);
      const label = String(span.stage);
      const mid = (x0 + x1) / 2;
      const half = (label.length * 6 + 4) / 2;
      if (mid - half < lastEnd || x1 - x0 < 2) continue;
      out.push(`<text x="${px(mid)}" y="${px(first.top + 11)}">${label}</text>`);
      lastEnd = mid + half;
    }
    out.push('</g>');
  }

  const last = frame.panels[frame.panels.length - 1];
  if (last) {
    out.push(`<g class="x-axis" font-size="11" fill="#444444" text-anchor="middle">`);
    for (const tick of timeTicks) out.push(`<text x="${px(x(tick))}" y="${px(last.bottom + 16)}">${escapeXml(timeTickLabel(tick))}</text>`);
    out.push(`<text x="${frame.right}" y="${px(last.bottom + 32)}" text-anchor="end" fill="#666666">UTC</text>`);
    out.push('</g>');
  }
  out.push('</svg>');
  return out.join('\n');
}

/** The series of a panel, in a row above it: a colour stroke, then the label. */
function seriesLegend(series: readonly ChartSeries[], left: number, box: PanelBox): string {
  const y = box.legendTop + LEGEND_ROW / 2 + 4;
  const parts = ['<g class="legend" font-size="12" fill="#222222">'];
  let x = left;
  for (const s of series) {
    const text = s.data.t.length === 0 ? `${s.label} (no data)` : s.label;
    parts.push(`<line x1="${px(x)}" x2="${px(x + 16)}" y1="${px(y - 4)}" y2="${px(y - 4)}" stroke="${s.color}" stroke-width="3"/>`);
    parts.push(`<text x="${px(x + 21)}" y="${px(y)}">${escapeXml(text)}<title>${escapeXml(s.field)}</title></text>`);
    x += 21 + text.length * CHAR_WIDTH + 18;
  }
  parts.push('</g>');
  return parts.join('\n');
}

/** What the shading means, at the right of the title area, for the kinds of stage the chart shows. */
function stageLegend(chart: Chart, right: number): string {
  const kinds = (['frac', 'wireline'] as const).filter((k) => chart.spans.some((s) => s.kind === k));
  if (kinds.length === 0) return '';
  const parts = ['<g class="stage-legend" font-size="12" fill="#444444">'];
  let x = right;
  for (const kind of [...kinds].reverse()) {
    const style = SPAN_STYLE[kind];
    const width = style.legend.length * CHAR_WIDTH;
    x -= width;
    parts.push(`<text x="${px(x)}" y="49">${style.legend}</text>`);
    x -= 18;
    parts.push(`<rect x="${px(x)}" y="39" width="14" height="12" fill="${style.fill}" fill-opacity="${Math.min(1, style.opacity * 2.5)}"/>`);
    x -= 16;
  }
  parts.push('</g>');
  return parts.join('\n');
}
