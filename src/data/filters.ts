/**
 * Measurement-data filters: the SDK's camelCase options, checked as a whole (combinations included),
 * and turned into the `/data/` query the API expects. Every rule here runs before any request and before
 * any file is created.
 */
import { ValidationError } from '../http/errors';
import type { AssetKind } from '../models/endpoints';
import { Aggregation, FillDataMethod, Resolution, StageNameFilter } from '../models/enums';
import { formatDataTime, oneOf, optionalDate, positiveInteger, rejectUnknownOptions, stringList, toBoolean, type TimeInput } from '../validate';

/** Seconds per row at each resolution. */
export const RESOLUTION_SECONDS: Record<Resolution, number> = { raw: 1, 'ten-second': 10, minute: 60, 'ten-minute': 600, hour: 3600 };

/** Filters of `getData`. Times are `Date`s or ISO strings with an explicit offset; both ends are inclusive. */
export interface DataFilters {
  /** First second of the window (inclusive). */
  startDatetime?: TimeInput;
  /** Last second of the window (inclusive). */
  endDatetime?: TimeInput;
  /** Field names (an array, or one comma-joined string). Default: the fields exposed to customers. */
  fields?: string[] | string;
  /** `raw` (1 s, default), `ten-second`, `minute`, `ten-minute` or `hour`. */
  resolution?: Resolution;
  /** How coarser resolutions aggregate: `min`, `max` or `mean`. Not with `raw`. */
  aggregation?: Aggregation;
  /** SI units (true) or imperial (false, the API's default). */
  siUnits?: boolean;
  /** Only rows of this stage number; needs `stageNameFilter` (and `isRouted: true` on a pad). */
  stageNumber?: number;
  /** Only rows of stages of this kind: `frac`, `wl` or `standby`. */
  stageNameFilter?: StageNameFilter;
  /** Only these measurement sources (names such as `M1`). */
  measurementSources?: string[] | string;
  /** Pads only: one row per site and second, each with `site_id`. */
  isRouted?: boolean;
  /**
   * Fill gaps: `ffill` or `bfill` (`FillDataMethod.FORWARD_FILL`, `.BACKWARD_FILL`). Raw resolution only,
   * without `aggregation`, and only with `fillDataLimit`.
   */
  fillDataMethod?: FillDataMethod;
  /** Longest gap to fill, in seconds: required with `fillDataMethod`, and only with it. */
  fillDataLimit?: number;
  /** Fill only inside the data's area; needs `fillDataMethod`. */
  insideAreaOnly?: boolean;
}

export const DATA_FILTER_NAMES = [
  'startDatetime',
  'endDatetime',
  'fields',
  'resolution',
  'aggregation',
  'siUnits',
  'stageNumber',
  'stageNameFilter',
  'measurementSources',
  'isRouted',
  'fillDataMethod',
  'fillDataLimit',
  'insideAreaOnly',
] as const;

/** The `/data/` query, spelled as the API spells it. */
export interface DataQuery {
  start_datetime?: string;
  end_datetime?: string;
  fields?: string;
  si_units?: boolean;
  resolution?: Resolution;
  agg?: Aggregation;
  stage_number?: number;
  state_imatch?: StageNameFilter;
  measurement_source?: string;
  routed?: boolean;
  fill_data_method?: FillDataMethod;
  fill_data_limit?: number;
  inside_area_only?: boolean;
}

/** Checked filters: the query, plus what resuming a broken stream needs to know. */
export interface ResolvedDataFilters {
  query: DataQuery;
  start?: Date;
  end?: Date;
  resolution: Resolution;
}

/**
 * Checks `filters` for an asset of `kind` and returns the query. Throws `ValidationError` naming the
 * parameter for anything the API would refuse or misread.
 */
export function resolveDataFilters(kind: AssetKind, filters: DataFilters = {}, extraOptions: readonly string[] = []): ResolvedDataFilters {
  rejectUnknownOptions(filters, [...DATA_FILTER_NAMES, ...extraOptions], 'getData');
  const f = filters;
  const query: DataQuery = {};

  const start = optionalDate(f.startDatetime, 'startDatetime');
  const end = optionalDate(f.endDatetime, 'endDatetime');
  if (start && end && Math.floor(start.getTime() / 1000) > Math.floor(end.getTime() / 1000)) {
    throw new ValidationError('endDatetime', 'must not be before startDatetime');
  }
  if (start) query.start_datetime = formatDataTime(start);
  if (end) query.end_datetime = formatDataTime(end);

  if (f.fields !== undefined) query.fields = stringList(f.fields, 'fields').join(',');
  if (f.siUnits !== undefined) query.si_units = toBoolean(f.siUnits, 'siUnits');

  const resolution = f.resolution === undefined ? 'raw' : oneOf(f.resolution, Object.values(Resolution), 'resolution');
  if (f.resolution !== undefined) query.resolution = resolution;
  if (f.aggregation !== undefined) {
    query.agg = oneOf(f.aggregation, Object.values(Aggregation), 'aggregation');
    if (resolution === 'raw') throw new ValidationError('aggregation', "applies only to a coarser resolution than 'raw' (e.g. resolution: 'minute')");
  }

  if (f.stageNameFilter !== undefined) query.state_imatch = oneOf(f.stageNameFilter, Object.values(StageNameFilter), 'stageNameFilter');
  if (f.stageNumber !== undefined) {
    query.stage_number = positiveInteger(f.stageNumber, 'stageNumber');
    if (query.state_imatch === undefined) throw new ValidationError('stageNumber', "needs stageNameFilter ('frac', 'wl' or 'standby')");
  }
  if (f.measurementSources !== undefined) query.measurement_source = stringList(f.measurementSources, 'measurementSources').join(',');

  if (f.isRouted !== undefined) {
    if (kind !== 'pad') throw new ValidationError('isRouted', 'applies to pad data only');
    query.routed = toBoolean(f.isRouted, 'isRouted');
  }
  if (kind === 'pad' && query.stage_number !== undefined && query.routed !== true) {
    throw new ValidationError('stageNumber', 'on a pad needs isRouted: true (stage numbers differ between the sites of a pad)');
  }

  if (f.fillDataMethod !== undefined) {
    query.fill_data_method = oneOf(f.fillDataMethod, Object.values(FillDataMethod), 'fillDataMethod');
    if (resolution !== 'raw') throw new ValidationError('fillDataMethod', "applies only at resolution 'raw'");
    if (query.agg !== undefined) throw new ValidationError('fillDataMethod', 'cannot be combined with aggregation');
    // The official client refuses a method without a limit, so no user of it relies on what the API does
    // with one alone (undocumented); a bound also keeps a fill from inventing rows across a long outage.
    if (f.fillDataLimit === undefined) {
      throw new ValidationError('fillDataLimit', 'is required with fillDataMethod: the longest gap to fill, in seconds');
    }
  }
  if (f.fillDataLimit !== undefined) {
    query.fill_data_limit = positiveInteger(f.fillDataLimit, 'fillDataLimit');
    if (query.fill_data_method === undefined) throw new ValidationError('fillDataLimit', 'needs fillDataMethod');
  }
  if (f.insideAreaOnly !== undefined) {
    query.inside_area_only = toBoolean(f.insideAreaOnly, 'insideAreaOnly');
    if (query.fill_data_method === undefined) throw new ValidationError('insideAreaOnly', 'needs fillDataMethod');
  }
  return { query, ...(start ? { start } : {}), ...(end ? { end } : {}), resolution };
}
