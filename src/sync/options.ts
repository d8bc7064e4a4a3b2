/**
 * `rs.sync()` options: checked as a whole before any request and before the database is opened.
 */
import { ValidationError } from '../http/errors';
import { parseChunk } from '../export/chunking';
import { uniqueIds } from '../export/export';
import { resolveDataFilters, type DataQuery } from '../data/filters';
import { Pad } from '../models/pad';
import { Site } from '../models/site';
import { describe, optionalDate, rejectUnknownOptions, stringList, toBoolean, toDate, type TimeInput } from '../validate';
import { parseTarget, type SyncTarget } from './target';

/** Chunks downloading at once by default (as in `export`; at most 3 per site whatever the setting). */
export const DEFAULT_SYNC_CONCURRENCY = 6;

export interface SyncOptions {
  /** Sites to sync (ids or `Site`s). With `pads`, the union. */
  sites?: ReadonlyArray<number | Site>;
  /** Pads whose sites to sync (ids or `Pad`s): pad data is stored per site. */
  pads?: ReadonlyArray<number | Pad>;
  /** First second to hold (inclusive). */
  startDatetime: TimeInput;
  /**
   * Last second to hold (inclusive). Default: the site's latest data as the API reports it
   * (`metadata.last_timestamp`), or now when it reports none. Not with `live`.
   */
  endDatetime?: TimeInput;
  /** Field names (an array or one comma-joined string); default the API's default set. Recorded in the database: every sync into it must ask for the same. */
  fields?: string[] | string;
  /** A path ending in `.duckdb` (default `./restream.duckdb`) or a `postgres://` / `postgresql://` URL. */
  into?: string;
  /** After the backfill, follow the live streams and apply data changes as they come, until `signal` aborts. */
  live?: boolean;
  /** Backfill chunk: milliseconds, or `'10m'`, `'1h'`, `'1d'` (default one day). */
  chunk?: number | string;
  /** Chunks downloading at once over the whole sync (default 6; at most 3 per site). */
  concurrency?: number;
  /**
   * Stops the sync. Without `live`: running downloads are abandoned (what was committed stays). With `live`:
   * the streams close, rows received are committed, and `sync` resolves.
   */
  signal?: AbortSignal;
  /** Called as the sync moves (at most every 100 ms, and at each phase). */
  onProgress?: (progress: SyncProgress) => void;
}

/** Where a sync stands. */
export interface SyncProgress {
  phase: 'backfill' | 'changes' | 'live' | 'done';
  /** Rows committed by this run so far: backfill, corrections and live. */
  rowsCommitted: number;
  /** Backfill rows expected (one a second over the ranges to download: an upper bound where data has gaps). */
  rowsExpected: number;
  chunksDone: number;
  chunksTotal: number;
  /** Data changes committed and confirmed by this run. */
  changesApplied: number;
  /** Data changes known and waiting (live: until the live rows pass their interval). */
  changesPending: number;
  /** Live rows committed by this run. */
  liveRows: number;
  /** Per site, the last second it is complete through (ISO), or null before its first commit. */
  completeThrough: Record<number, string | null>;
}

/** What a sync did. */
export interface SyncSummary {
  /** The database (a PostgreSQL URL with its password masked). */
  target: string;
  /** The sites synced (pads expanded), ascending. */
  sites: number[];
  /** Rows committed by this run: backfill, corrections and live. */
  rows: number;
  backfill: { chunks: number; rows: number };
  changes: { applied: number; ids: number[] };
  live: { rows: number; commits: number } | null;
  /** Per site, the last second it is complete through (ISO), or null when it holds nothing yet. */
  completeThrough: Record<number, string | null>;
  seconds: number;
}

const OPTION_NAMES = ['sites', 'pads', 'startDatetime', 'endDatetime', 'fields', 'into', 'live', 'chunk', 'concurrency', 'signal', 'onProgress'];

/** Checked options. */
export interface ResolvedSync {
  sites: number[];
  pads: number[];
  start: number;
  end: number | undefined;
  /** The `/data/` query (fields), without the time range. */
  query: DataQuery;
  /** The fields as recorded in the database: sorted names, or `*` for the default set. */
  fieldsKey: string;
  fields: string[] | undefined;
  target: SyncTarget;
  live: boolean;
  chunkSeconds: number;
  concurrency: number;
  signal: AbortSignal | undefined;
  onProgress: ((progress: SyncProgress) => void) | undefined;
}

export function resolveSyncOptions(options: SyncOptions): ResolvedSync {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ValidationError('options', `expected an options object, got ${describe(options)}`);
  rejectUnknownOptions(options, OPTION_NAMES, 'sync');
  const sites = uniqueIds(options.sites, 'sites', Site);
  const pads = uniqueIds(options.pads, 'pads', Pad);
  if (sites.length === 0 && pads.length === 0) throw new ValidationError('sites', 'give at least one site (sites) or pad (pads) to sync');
  if (options.startDatetime === undefined || options.startDatetime === null) throw new ValidationError('startDatetime', 'is required: the first second the database should hold');
  const start = Math.floor(toDate(options.startDatetime, 'startDatetime').getTime() / 1000);
  const live = options.live === undefined ? false : toBoolean(options.live, 'live');
  const endDate = optionalDate(options.endDatetime, 'endDatetime');
  if (endDate && live) throw new ValidationError('endDatetime', 'cannot be combined with live: a live sync backfills up to the latest data, then follows the live stream');
  const end = endDate ? Math.floor(endDate.getTime() / 1000) : undefined;
  if (end !== undefined && end < start) throw new ValidationError('endDatetime', 'must not be before startDatetime');

  const fields = options.fields === undefined ? undefined : [...new Set(stringList(options.fields, 'fields'))].sort();
  const { query } = resolveDataFilters('site', fields ? { fields } : {});
  const target = parseTarget(options.into);
  const chunkSeconds = parseChunk(options.chunk);
  const concurrency = options.concurrency ?? DEFAULT_SYNC_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new ValidationError('concurrency', `must be an integer from 1 to 64, got ${describe(options.concurrency)}`);
  if (options.onProgress !== undefined && typeof options.onProgress !== 'function') throw new ValidationError('onProgress', 'must be a function');
  if (options.signal !== undefined && !(options.signal instanceof AbortSignal)) throw new ValidationError('signal', 'must be an AbortSignal');
  return {
    sites,
    pads,
    start,
    end,
    query,
    fieldsKey: fields ? fields.join(',') : '*',
    fields,
    target,
    live,
    chunkSeconds,
    concurrency,
    signal: options.signal,
    onProgress: options.onProgress,
  };
}
