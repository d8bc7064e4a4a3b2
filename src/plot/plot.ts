/**
 * `data.plot(path)`: a quick-look chart of measurement data, as SVG, PNG or a self-contained HTML page.
 *
 * The order of work keeps the SDK's promises: options and the target file are checked before any request;
 * then the site's name, fields metadata and stages are fetched (an unknown field name fails here, listing
 * close matches, before any row is downloaded); then the rows stream through the downsampler, which keeps a
 * few values per pixel column and never the rows; then the chart is rendered and written atomically.
 */
import path from 'node:path';
import { ValidationError } from '../http/errors';
import type { Site } from '../models/site';
import type { Stage, StageNameFilter } from '../models/types';
import { RESOLUTION_SECONDS, type DataQuery } from '../data/filters';
import type { DataRequest, RowBatch, StreamProgress } from '../data/stream';
import { checkTarget, writeAtomically } from '../formats/sink';
import { describe, positiveInteger, rejectUnknownOptions, toBoolean } from '../validate';
import { buildChart, panelKey, type Chart } from './chart';
import { checkFieldNames } from './fields';
import { Downsampler, type DownsampledSeries } from './downsample';
import { renderHtml } from './html';
import { DEFAULT_WIDTH, MIN_WIDTH, defaultHeight, layout, minHeight, plotColumns } from './layout';
import { svgToPng } from './png';
import { renderSvg } from './svg';

export type PlotFormat = 'svg' | 'png' | 'html';

const EXTENSIONS: Record<string, PlotFormat> = { '.svg': 'svg', '.png': 'png', '.html': 'html', '.htm': 'html' };

/** Options of `data.plot(path, options)`. */
export interface PlotOptions {
  /** Replace an existing file (default false: an existing file is an error, raised before any request). */
  overwrite?: boolean;
  /** Image width in pixels (default 1400). For `.html`, the width the downsampling is made for. */
  width?: number;
  /** Image height in pixels (default: 210 px per panel plus margins). */
  height?: number;
  /** Title (default: the site's name and id). */
  title?: string;
  /**
   * Pad data holds several sites' rows: the site to plot (its rows are picked by `site_id`). Also picks one
   * site out of data that covers several (data changes).
   */
  site?: number;
  /** Shade frac and wireline stages from the stages metadata (default true). */
  stages?: boolean;
  /** Y axes from the fields' plot limits where the metadata has them (`'limits'`, default), or from the data. */
  yRange?: 'limits' | 'data';
  /** A line breaks where its field has no value for longer than this (seconds; default 10 rows' spacing, at least 5 minutes). */
  maxGapSeconds?: number;
  /** Time columns per field for the downsampling (default: the plot area's width in pixels). */
  columns?: number;
  /** PNG only: font files (TrueType/OpenType) to use besides the system's, e.g. on a server without fonts. */
  fontFiles?: string[];
  /** Aborts the download; the call rejects with the signal's reason and no file is written. */
  signal?: AbortSignal;
  /** Called after each batch of rows is taken in. */
  onProgress?: (progress: { rows: number; bytes: number }) => void;
}

/** One plotted field. */
export interface PlottedSeries {
  field: string;
  label: string;
  unit: string | null;
  color: string;
  /** Numeric values of the field in the window. */
  values: number;
  /** Points drawn after downsampling (at most 4 per time column). */
  points: number;
}

/** What `plot` wrote. */
export interface PlotResult {
  /** Absolute path of the file. */
  path: string;
  format: PlotFormat;
  /** Bytes in the file. */
  bytes: number;
  /** Rows received. */
  rows: number;
  width: number;
  height: number;
  /** The window plotted. */
  start: Date;
  end: Date;
  /** Time columns of the downsampling. */
  columns: number;
  /** One entry per field, in the order asked for. */
  series: PlottedSeries[];
  /** The panels, top to bottom: their unit, fields and y range (from the plot limits or the data). */
  panels: Array<{ unit: string | null; fields: string[]; yMin: number; yMax: number; yFrom: 'limits' | 'data' }>;
  /** Frac and wireline stages shaded. */
  stages: number;
}

/** What the plot needs from a `Data`: its requests, a way to read some of them, and site handles. */
export interface PlotSource {
  readonly requests: readonly DataRequest[];
  batches(requests: readonly DataRequest[], options: { signal?: AbortSignal; progress: StreamProgress }): AsyncIterable<RowBatch>;
  site(id: number): Site;
}

/** The plot format an extension names. */
export function plotFormatOf(file: string): PlotFormat {
  const ext = path.extname(file).toLowerCase();
  const format = EXTENSIONS[ext];
  if (!format) throw new ValidationError('path', `plots are written as .svg, .png or .html, got '${ext || '(no extension)'}'`);
  return format;
}

/** `YYYY-MM-DD HH:MM:SS` (the data query's UTC format) as unix seconds. */
function querySeconds(value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  const ms = Date.parse(`${value.replace(' ', 'T')}Z`);
  return Number.isFinite(ms) ? ms / 1000 : undefined;
}

const isoSeconds = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 19).replace('T', ' ');

interface Target {
  siteId: number;
  /** The requests that hold the site's rows. */
  requests: DataRequest[];
  /** Rows must be picked by `site_id` (pad data). */
  filterBySite: boolean;
}

/** The one site to plot, from the data's requests and `options.site`. */
function pickTarget(requests: readonly DataRequest[], site: number | undefined): Target {
  if (requests.length === 0) throw new ValidationError('data', 'holds no request: nothing to plot');
  const siteIds = [...new Set(requests.filter((r) => r.kind === 'site').map((r) => r.id))];
  const pads = requests.some((r) => r.kind === 'pad');
  if (site === undefined) {
    if (pads) throw new ValidationError('site', "pad data interleaves its sites' rows; pass { site: <id> } to plot one of them");
    if (siteIds.length > 1) throw new ValidationError('site', `this data covers sites ${siteIds.join(', ')}; pass { site: <id> } to plot one of them`);
    return { siteId: siteIds[0]!, requests: [...requests], filterBySite: false };
  }
  const chosen = requests.filter((r) => r.kind === 'pad' || r.id === site);
  if (chosen.length === 0) throw new ValidationError('site', `this data holds no rows of site ${site} (it covers sites ${siteIds.join(', ')})`);
  return { siteId: site, requests: chosen, filterBySite: chosen.some((r) => r.kind === 'pad') };
}

/** The fields to draw: the data's `fields` filter. */
function fieldsOf(query: DataQuery): string[] {
  const fields = query.fields?.split(',').filter((f) => f !== '') ?? [];
  if (fields.length === 0) throw new ValidationError('fields', "name the fields to plot, e.g. getData({ fields: ['M1_surface_treating_pressure', 'M1_slurry_rate'] })");
  return [...new Set(fields)];
}

interface CheckedOptions {
  overwrite: boolean;
  width: number;
  height: number | undefined;
  title: string | undefined;
  site: number | undefined;
  stages: boolean;
  yRange: 'limits' | 'data';
  maxGapSeconds: number | undefined;
  columns: number | undefined;
  fontFiles: string[] | undefined;
}

function checkOptions(options: PlotOptions): CheckedOptions {
  rejectUnknownOptions(
    options,
    ['overwrite', 'width', 'height', 'title', 'site', 'stages', 'yRange', 'maxGapSeconds', 'columns', 'fontFiles', 'signal', 'onProgress'],
    'plot',
  );
  const width = options.width === undefined ? DEFAULT_WIDTH : positiveInteger(options.width, 'width');
  if (width < MIN_WIDTH) throw new ValidationError('width', `must be at least ${MIN_WIDTH} pixels, got ${width}`);
  if (width > 20_000) throw new ValidationError('width', `must be at most 20000 pixels, got ${width}`);
  const height = options.height === undefined ? undefined : positiveInteger(options.height, 'height');
  if (height !== undefined && height > 20_000) throw new ValidationError('height', `must be at most 20000 pixels, got ${height}`);
  if (options.title !== undefined && typeof options.title !== 'string') throw new ValidationError('title', `must be a string, got ${describe(options.title)}`);
  if (options.yRange !== undefined && options.yRange !== 'limits' && options.yRange !== 'data') {
    throw new ValidationError('yRange', `must be 'limits' or 'data', got ${describe(options.yRange)}`);
  }
  const maxGap = options.maxGapSeconds;
  if (maxGap !== undefined && !(typeof maxGap === 'number' && maxGap > 0)) throw new ValidationError('maxGapSeconds', `must be a positive number of seconds, got ${describe(maxGap)}`);
  if (options.fontFiles !== undefined && !(Array.isArray(options.fontFiles) && options.fontFiles.every((f) => typeof f === 'string'))) {
    throw new ValidationError('fontFiles', 'must be an array of file paths');
  }
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new ValidationError('onProgress', 'must be a function');
  return {
    overwrite: options.overwrite === undefined ? false : toBoolean(options.overwrite, 'overwrite'),
    width,
    height,
    title: options.title,
    site: options.site === undefined ? undefined : positiveInteger(options.site, 'site'),
    stages: options.stages === undefined ? true : toBoolean(options.stages, 'stages'),
    yRange: options.yRange ?? 'limits',
    maxGapSeconds: maxGap,
    columns: options.columns === undefined ? undefined : positiveInteger(options.columns, 'columns'),
    fontFiles: options.fontFiles,
  };
}

/** The window to draw: the data's time range, or the span of the stage it is filtered to. */
async function windowOf(target: Target, query: DataQuery, site: Site): Promise<{ start: number; end: number; stage?: { number: number; filter: StageNameFilter } }> {
  const starts = target.requests.map((r) => querySeconds(r.query.start_datetime));
  const ends = target.requests.map((r) => querySeconds(r.query.end_datetime));
  if (starts.every((s) => s !== undefined) && ends.every((e) => e !== undefined)) {
    return { start: Math.min(...(starts as number[])), end: Math.max(...(ends as number[])) };
  }
  if (query.stage_number === undefined || query.state_imatch === undefined) {
    throw new ValidationError('startDatetime', 'a plot needs its time window: startDatetime and endDatetime, or a stageNumber with stageNameFilter');
  }
  const stage = { number: query.stage_number, filter: query.state_imatch };
  const stages = await site.getStagesMetadata({ stageNumber: stage.number, stageNameFilter: stage.filter });
  if (stages.length === 0) throw new ValidationError('stageNumber', `site ${target.siteId} has no ${stage.filter} stage ${stage.number}`);
  const now = Math.floor(Date.now() / 1000);
  const start = Math.floor(Math.min(...stages.map((s) => s.start.getTime() / 1000)));
  const end = Math.ceil(Math.max(...stages.map((s) => (s.end ? s.end.getTime() / 1000 : now))));
  // The explicit ends of the range win over the stage's, when one was given.
  return { start: starts[0] ?? start, end: ends[0] ?? end, stage };
}

function subtitleOf(start: number, end: number, query: DataQuery, stage: { number: number; filter: StageNameFilter } | undefined): string {
  const parts = [`${isoSeconds(start)} – ${isoSeconds(end)} UTC`];
  if (stage) parts.push(`${stage.filter} stage ${stage.number}`);
  else if (query.stage_number !== undefined && query.state_imatch) parts.push(`${query.state_imatch} stage ${query.stage_number}`);
  else if (query.state_imatch) parts.push(`${query.state_imatch} stages only`);
  if (query.resolution && query.resolution !== 'raw') parts.push(`${query.resolution} ${query.agg ?? ''}`.trim());
  parts.push(query.si_units ? 'SI units' : 'imperial units');
  return parts.join(' · ');
}

/** Draws the data of `source` into `file` (format by extension). See {@link PlotOptions}. */
export async function plotToFile(source: PlotSource, file: string, options: PlotOptions = {}): Promise<PlotResult> {
  const checked = checkOptions(options);
  const format = plotFormatOf(file);
  const target = pickTarget(source.requests, checked.site);
  const query = target.requests[0]!.query;
  const fields = fieldsOf(query);
  const resolved = await checkTarget(file, checked.overwrite);
  const signal = options.signal;
  signal?.throwIfAborted();

  const site = source.site(target.siteId);
  const [, metadata, window] = await Promise.all([
    checked.title === undefined ? site.update() : Promise.resolve(site),
    site.getFieldsMetadata(),
    windowOf(target, query, site),
  ]);
  checkFieldNames(fields, metadata, target.siteId);
  const stages: Stage[] = checked.stages ? await site.getStagesMetadata({ start: new Date(window.start * 1000), end: new Date(window.end * 1000) }) : [];
  signal?.throwIfAborted();

  // The panels are known from the units before any row arrives, so the height, and with the width the
  // plot area and the downsampling columns, are too.
  const siUnits = query.si_units === true;
  const panels = new Set(fields.map((name) => panelKey(name, metadata.find((f) => f.name === name), siUnits))).size;
  const height = checked.height ?? defaultHeight(panels);
  if (height < minHeight(panels)) throw new ValidationError('height', `must be at least ${minHeight(panels)} pixels for ${panels} panel${panels === 1 ? '' : 's'}, got ${height}`);
  const columns = checked.columns ?? plotColumns(checked.width);
  const step = RESOLUTION_SECONDS[query.resolution ?? 'raw'];
  const downsampler = new Downsampler({
    start: window.start,
    end: window.end,
    columns,
    fields,
    maxGapSeconds: checked.maxGapSeconds ?? Math.max(300, 10 * step),
    ...(target.filterBySite ? { siteId: target.siteId } : {}),
  });

  const progress: StreamProgress = { rows: 0, bytes: 0 };
  for await (const batch of source.batches(target.requests, { progress, ...(signal ? { signal } : {}) })) {
    downsampler.addRows(batch.rows);
    options.onProgress?.({ rows: progress.rows, bytes: progress.bytes });
  }

  const series = downsampler.series();
  const chart = buildChart({
    title: checked.title ?? (typeof site.name === 'string' && site.name.trim() !== '' ? `${site.name.trim()} · site ${site.id}` : `Site ${site.id}`),
    subtitle: subtitleOf(window.start, window.end, query, window.stage),
    start: window.start,
    end: window.end,
    series,
    fields: metadata,
    siUnits,
    yRange: checked.yRange,
    stages,
  });
  const content = await render(chart, format, checked.width, height, checked.fontFiles, signal);
  const { bytes } = await writeAtomically(resolved, (sink) => sink.write(content));
  return {
    path: resolved,
    format,
    bytes,
    rows: progress.rows,
    width: checked.width,
    height,
    start: new Date(window.start * 1000),
    end: new Date(window.end * 1000),
    columns,
    series: chart.panels.flatMap((p) => p.series).sort((a, b) => fields.indexOf(a.field) - fields.indexOf(b.field)).map((s) => plotted(s.data, s)),
    panels: chart.panels.map((p) => ({ unit: p.unit, fields: p.series.map((s) => s.field), yMin: p.yMin, yMax: p.yMax, yFrom: p.yFrom })),
    stages: chart.spans.length,
  };
}

function plotted(data: DownsampledSeries, s: { field: string; label: string; unit: string | null; color: string }): PlottedSeries {
  return { field: s.field, label: s.label, unit: s.unit, color: s.color, values: data.values, points: data.t.length };
}

async function render(chart: Chart, format: PlotFormat, width: number, height: number, fontFiles: string[] | undefined, signal: AbortSignal | undefined): Promise<string | Buffer> {
  if (format === 'html') {
    const box = layout(width, height, chart.panels.length).panels[0]!;
    return renderHtml(chart, { panelHeight: Math.round(box.bottom - box.top) + 60 });
  }
  const svg = renderSvg(chart, { width, height });
  if (format === 'svg') return svg;
  return svgToPng(svg, { width, ...(fontFiles ? { fontFiles } : {}), ...(signal ? { signal } : {}) });
}
