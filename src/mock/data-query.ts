/**
 * Turns a /data/ query into a DataPlan, rejecting what the real API rejects with a 400 that names the
 * parameter. Everything time-related is resolved here (defaults, stage ranges, the mock clock), so the
 * row generator only ever sees plain inclusive ranges.
 */
import { HttpError, q, qBool, qEnum, qInt, type Query } from './http-util';
import { RESOLUTIONS, type Aggregation, type DataPlan, type Range, type Resolution } from './measurements';
import { parseDataInstant } from './time';
import { stateMatches } from './timeline';
import type { Kind, MockWorld } from './world';

const STAGE_NAMES = ['frac', 'wl', 'standby'] as const;
const AGGREGATIONS = ['min', 'max', 'mean'] as const;
const FILL_METHODS = ['bfill', 'ffill'] as const;
/** The default window: the last hour before now, both ends inclusive (3600 raw rows). */
const DEFAULT_WINDOW = 3600;
const NAME_LIST = /^[A-Za-z0-9_]+$/;

function nameList(query: Query, param: string): Set<string> | null {
  const raw = q(query, param);
  if (raw === undefined) return null;
  const names = raw.split(',').map((s) => s.trim());
  if (names.some((n) => !NAME_LIST.test(n))) throw HttpError.badRequest(`${param}: expected comma-separated names, got '${raw}'.`);
  return new Set(names);
}

/** Intersection of sorted disjoint ranges with [from, to]. */
function clip(ranges: readonly Range[], from: number, to: number): Range[] {
  const out: Range[] = [];
  for (const [a, b] of ranges) {
    const lo = Math.max(a, from);
    const hi = Math.min(b, to);
    if (lo <= hi) out.push([lo, hi]);
  }
  return out;
}

/** Sorts and merges inclusive ranges that overlap or touch. */
function merge(ranges: Range[]): Range[] {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [a, b] of sorted) {
    const last = out[out.length - 1];
    if (last && a <= last[1] + 1) last[1] = Math.max(last[1], b);
    else out.push([a, b]);
  }
  return out;
}

export function buildDataPlan(world: MockWorld, kind: Kind, id: number, query: Query): DataPlan {
  const sites = world.sitesOf(kind, id);
  const now = world.now();

  const resolution: Resolution = qEnum(query, 'resolution', Object.keys(RESOLUTIONS) as Resolution[]) ?? 'raw';
  const aggParam = qEnum(query, 'agg', AGGREGATIONS);
  const agg: Aggregation = aggParam ?? 'mean';
  const siUnits = qBool(query, 'si_units') ?? false;
  const routed = kind === 'pads' ? (qBool(query, 'routed') ?? false) : false;

  const fill = qEnum(query, 'fill_data_method', FILL_METHODS);
  const fillLimit = qInt(query, 'fill_data_limit');
  const insideArea = qBool(query, 'inside_area_only');
  if (fillLimit !== undefined && fillLimit < 1) throw HttpError.badRequest('fill_data_limit: must be a positive number of seconds.');
  if ((fillLimit !== undefined || insideArea !== undefined) && fill === undefined) {
    throw HttpError.badRequest('fill_data_limit and inside_area_only need fill_data_method.');
  }
  if (fill !== undefined && (resolution !== 'raw' || aggParam !== undefined)) {
    throw HttpError.badRequest('fill_data_method: gap filling works only at raw resolution and without agg.');
  }

  let fields = nameList(query, 'fields');
  if (fields?.has('exposed_to_customer')) fields = null;
  const sources = nameList(query, 'measurement_source');

  const startParam = q(query, 'start_datetime');
  const endParam = q(query, 'end_datetime');
  const start = startParam === undefined ? undefined : parseDataInstant('start_datetime', startParam);
  const end = endParam === undefined ? undefined : parseDataInstant('end_datetime', endParam);
  if (start !== undefined && end !== undefined && start > end) {
    throw HttpError.badRequest('start_datetime must not be after end_datetime.');
  }

  const stageNumber = qInt(query, 'stage_number');
  const stateFilter = qEnum(query, 'state_imatch', STAGE_NAMES);
  if (stageNumber !== undefined && stateFilter === undefined) {
    throw HttpError.badRequest('stage_number: a stage number needs a stage-name filter (state_imatch).');
  }
  if (stageNumber !== undefined && kind === 'pads' && !routed) {
    throw HttpError.badRequest('stage_number: a pad stage filter needs routed=true.');
  }
  const staged = stateFilter !== undefined;

  // Without a window or a stage filter the API sends the last hour; a stage filter alone bounds itself.
  let from: number;
  let to: number;
  if (start === undefined && end === undefined) {
    [from, to] = staged ? [-Infinity, Infinity] : [now - DEFAULT_WINDOW + 1, now];
  } else if (end === undefined) {
    [from, to] = [start!, now];
  } else {
    [from, to] = [start ?? end - DEFAULT_WINDOW + 1, end];
  }

  const rowSites = kind === 'sites' || routed ? sites.map((s) => s.id) : [world.activeSite(id)];
  const plans = rowSites.map((siteId) => {
    let ranges: Range[] = [[from, to]];
    if (staged) {
      const stageRanges = world
        .timeline(siteId)
        .started(now)
        .filter((e) => (stageNumber === undefined || e.stageNumber === stageNumber) && stateMatches(e.state, stateFilter))
        .map((e): Range => [e.start, Math.min(e.end, now)]);
      ranges = clip(merge(stageRanges), from, to);
    }
    return { siteId, ranges: ranges.filter(([a, b]) => a <= b && Number.isFinite(a) && Number.isFinite(b)) };
  });

  return {
    sites: plans,
    routed,
    fields,
    sources,
    siUnits,
    bucket: RESOLUTIONS[resolution],
    agg,
  };
}
