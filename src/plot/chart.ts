/**
 * The chart a plot draws, independent of the output format: panels (one per unit, or per field when it has
 * none), each with its series, y range, axis label and colours from the fields metadata, the stage spans to
 * shade, and the title. The SVG and HTML renderers draw exactly this, so every format shows the same chart.
 */
import { scaleLinear } from 'd3-scale';
import type { Field, Stage } from '../models/types';
import type { DownsampledSeries } from './downsample';
import { fieldsByName, unitKey, unitOf } from './fields';

/** A line of the chart. */
export interface ChartSeries {
  field: string;
  /** The field's label from the metadata (trimmed), or its name. */
  label: string;
  /** Unit in the chosen system (`si_unit` or `imperial_unit`); null when the metadata has none. */
  unit: string | null;
  /** CSS colour (#rrggbb). */
  color: string;
  data: DownsampledSeries;
}

/** A panel: one y axis, the series that share it. */
export interface ChartPanel {
  unit: string | null;
  series: ChartSeries[];
  /** The y axis runs from `yMin` (bottom) to `yMax` (top); values outside are clipped. */
  yMin: number;
  yMax: number;
  /** Where the range came from: the fields' plot limits, or the data. */
  yFrom: 'limits' | 'data';
}

/** A stage, shaded over every panel. */
export interface ChartSpan {
  kind: 'frac' | 'wireline';
  stage: number;
  /** Unix seconds, clipped to the chart's window. */
  start: number;
  end: number;
}

export interface Chart {
  title: string;
  subtitle: string;
  /** The time window (unix seconds, inclusive). */
  start: number;
  end: number;
  panels: ChartPanel[];
  spans: ChartSpan[];
}

/** How a stage kind is shaded: fill colour and the legend's words. */
export const SPAN_STYLE: Record<ChartSpan['kind'], { fill: string; opacity: number; legend: string }> = {
  frac: { fill: '#F28E2B', opacity: 0.16, legend: 'frac stage' },
  wireline: { fill: '#4E79A7', opacity: 0.14, legend: 'wireline run' },
};

/** For fields without a usable colour: Tableau 10, which stays distinct on white. */
const FALLBACK_COLORS = ['#4E79A7', '#F28E2B', '#E15759', '#76B7B2', '#59A14F', '#EDC948', '#B07AA1', '#FF9DA7', '#9C755F', '#BAB0AC'];

/** `#rgb` or `#rrggbb` as `#rrggbb` (upper case), or undefined. */
function hexColor(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const m = /^#?([0-9a-f]{3}|[0-9a-f]{6})$/i.exec(value.trim());
  if (!m) return undefined;
  const hex = m[1]!.length === 3 ? [...m[1]!].map((c) => c + c).join('') : m[1]!;
  return `#${hex.toUpperCase()}`;
}

/** WCAG relative luminance of `#rrggbb`. */
function luminance(hex: string): number {
  const channel = (i: number) => {
    const c = parseInt(hex.slice(i, i + 2), 16) / 255;
    return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
  };
  return 0.2126 * channel(1) + 0.7152 * channel(3) + 0.0722 * channel(5);
}

/** Colours too pale to see on white (the metadata has `#FFFFFF` for some fields) are not used. */
const MAX_LUMINANCE = 0.75;

/**
 * Each field's colour: its `primary_color`, else its `secondary_color`, else a palette colour; a colour is
 * skipped when it is too pale for a white page or already taken by another line of the same panel.
 */
function pickColors(fields: ReadonlyArray<{ name: string; meta: Field | undefined; panel: number }>): Map<string, string> {
  const out = new Map<string, string>();
  const usedInPanel = new Map<number, Set<string>>();
  const usedAnywhere = new Set<string>();
  for (const { name, meta, panel } of fields) {
    const taken = usedInPanel.get(panel) ?? new Set<string>();
    usedInPanel.set(panel, taken);
    const candidates = [hexColor(meta?.primary_color), hexColor(meta?.secondary_color)];
    let color = candidates.find((c) => c !== undefined && luminance(c) <= MAX_LUMINANCE && !taken.has(c));
    color ??= FALLBACK_COLORS.find((c) => !usedAnywhere.has(c) && !taken.has(c)) ?? FALLBACK_COLORS.find((c) => !taken.has(c)) ?? '#333333';
    taken.add(color);
    usedAnywhere.add(color);
    out.set(name, color);
  }
  return out;
}

const finite = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** A range around data bounds, widened to round numbers (and to a span when flat or empty). */
function dataRange(lo: number, hi: number): [number, number] {
  if (!finite(lo) || !finite(hi)) return [0, 1];
  if (lo === hi) {
    const pad = lo === 0 ? 1 : Math.abs(lo) * 0.1;
    lo -= pad;
    hi += pad;
  }
  const [a, b] = scaleLinear().domain([lo, hi]).nice(5).domain();
  return [a!, b!];
}

export interface ChartInput {
  title: string;
  subtitle: string;
  start: number;
  end: number;
  series: readonly DownsampledSeries[];
  /** The fields metadata of the site (the plotted fields are looked up by name). */
  fields: readonly Field[];
  siUnits: boolean;
  /** The y range: from the fields' plot limits where they have them (default), or from the data only. */
  yRange: 'limits' | 'data';
  stages: readonly Stage[];
}

/**
 * Which panel a field goes in: fields of one physical unit share a panel; a field without a unit has its own.
 * Known from the metadata alone, before any row arrives.
 */
export function panelKey(field: string, meta: Field | undefined, siUnits: boolean): string {
  const unit = unitKey(meta, siUnits);
  return unit === null ? `field:${field}` : `unit:${unit}`;
}

/** Builds the chart: panels by unit, colours, y ranges, stage spans. */
export function buildChart(input: ChartInput): Chart {
  const metaByName = fieldsByName(input.fields);

  // Panels in the order their first field was asked for.
  const panelKeys: string[] = [];
  const placed = input.series.map((data) => {
    const meta = metaByName.get(data.field);
    const unit = unitOf(meta, input.siUnits);
    const key = panelKey(data.field, meta, input.siUnits);
    let panel = panelKeys.indexOf(key);
    if (panel < 0) panel = panelKeys.push(key) - 1;
    return { data, meta, unit, panel, name: data.field };
  });
  const colors = pickColors(placed);

  const panels: ChartPanel[] = panelKeys.map((_, index) => {
    const members = placed.filter((p) => p.panel === index);
    const series: ChartSeries[] = members.map((p) => ({
      field: p.name,
      label: typeof p.meta?.label === 'string' && p.meta.label.trim() !== '' ? p.meta.label.trim() : p.name,
      unit: p.unit,
      color: colors.get(p.name)!,
      data: p.data,
    }));
    // Each field's plot limits (in the chosen units) where the metadata has them, else its data's extremes.
    const useLimits = input.yRange === 'limits';
    const bounds = members.map((p) => {
      const [lo, hi] = input.siUnits ? [p.meta?.si_plot_min, p.meta?.si_plot_max] : [p.meta?.imperial_plot_min, p.meta?.imperial_plot_max];
      return {
        lo: useLimits && finite(lo) ? lo : p.data.min,
        hi: useLimits && finite(hi) ? hi : p.data.max,
        limited: useLimits && finite(lo) && finite(hi),
      };
    });
    const lo = Math.min(...bounds.map((b) => (finite(b.lo) ? b.lo : Infinity)));
    const hi = Math.max(...bounds.map((b) => (finite(b.hi) ? b.hi : -Infinity)));
    const fromLimits = bounds.every((b) => b.limited) && hi > lo;
    const [yMin, yMax] = fromLimits ? [lo, hi] : dataRange(lo, hi);
    const yFrom: ChartPanel['yFrom'] = fromLimits ? 'limits' : 'data';
    return { unit: members[0]!.unit, series, yMin, yMax, yFrom };
  });

  const spans: ChartSpan[] = [];
  for (const stage of input.stages) {
    const state = typeof stage.state === 'string' ? stage.state.toLowerCase() : '';
    const kind = state.startsWith('frac') ? 'frac' : state.startsWith('wl') ? 'wireline' : undefined;
    if (!kind) continue;
    const from = Math.max(input.start, stage.start.getTime() / 1000);
    const to = Math.min(input.end + 1, stage.end ? stage.end.getTime() / 1000 : input.end + 1);
    if (to > from) spans.push({ kind, stage: stage.stage_number, start: from, end: to });
  }
  spans.sort((a, b) => a.start - b.start);

  return { title: input.title, subtitle: input.subtitle, start: input.start, end: input.end, panels, spans };
}
