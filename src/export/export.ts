/**
 * Fleet export: many sites, long ranges, in parallel, resumable.
 *
 * Each site's range is split into chunks (chunking.ts); chunks download in parallel, at most `concurrency` at
 * once over the whole export and at most 3 per site (the API's limit per endpoint path, and each site's
 * `/data/` path is its own). Each chunk is saved to its own file, atomically (`Data.save` semantics: temp file
 * and rename), then recorded with its row count and SHA-256 in the manifest (manifest.ts). Run again with the
 * same manifest and the chunks whose file is intact are skipped; the rest are downloaded again.
 *
 * Layout: `<dir>/site-<id>/<chunk start, UTC, colons as dashes>Z.<ext>`, e.g.
 * `out/site-1112/2025-01-01T00-00-00Z.parquet`; the manifest is `<dir>/manifest.json` unless told otherwise.
 */
import { mkdir, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { AuthError, CredentialsError, NotFoundError, RestreamError, ValidationError } from '../http/errors';
import type { ClientContext } from '../models/context';
import { Pad } from '../models/pad';
import { Site } from '../models/site';
import { describe, formatDataTime, rejectUnknownOptions, toDate, toId, type TimeInput } from '../validate';
import { chunkCount, chunkFileStem, isoSeconds, MAX_CHUNKS, parseChunk, splitRange } from './chunking';
import { Data } from '../data/data';
import { DATA_FILTER_NAMES, RESOLUTION_SECONDS, resolveDataFilters, type DataFilters } from '../data/filters';
import { FORMAT_EXTENSIONS, type SaveFormat } from '../formats/formats';
import { roundRobin } from './schedule';
import { chunkIsIntact, ManifestStore, parameterDifferences, readManifest, sha256File, type ExportParameters, type ManifestChunk } from './manifest';

/** Default number of chunks downloading at once over the whole export. */
export const DEFAULT_EXPORT_CONCURRENCY = 6;
/** Chunks of one site downloading at once: the API's concurrency limit per endpoint path. */
export const PER_SITE_CONCURRENCY = 3;

const EXPORT_FORMATS: readonly SaveFormat[] = ['parquet', 'csv', 'ndjson', 'json'];

/** Options of `rs.export()`: the `getData` filters (but the time range is required and `isRouted` does not apply), plus where and how. */
export interface ExportOptions extends Omit<DataFilters, 'startDatetime' | 'endDatetime' | 'isRouted'> {
  /** Sites to export (ids or `Site`s). With `pads`, the union. */
  sites?: ReadonlyArray<number | Site>;
  /** Pads whose sites to export (ids or `Pad`s); each costs one `getSites()` request. */
  pads?: ReadonlyArray<number | Pad>;
  /** First second of the range (inclusive). */
  startDatetime: TimeInput;
  /** Last second of the range (inclusive). */
  endDatetime: TimeInput;
  /** Directory of the files and (by default) the manifest; created when missing. */
  dir: string;
  /** `parquet` (default), `csv`, `ndjson` or `json`. */
  format?: SaveFormat;
  /** Chunk length: milliseconds, or `'10m'`, `'1h'`, `'1d'` (units s, m, h, d). Default one day. */
  chunk?: number | string;
  /** Chunks downloading at once over the whole export (default 6); never more than 3 per site. */
  concurrency?: number;
  /** Manifest path (default `<dir>/manifest.json`). */
  manifest?: string;
  /** Files: one per site per chunk (`per-chunk`, the only layout so far). */
  layout?: 'per-chunk';
  /** Called as rows arrive (at most every 100 ms) and after every chunk. */
  onProgress?: (progress: ExportProgress) => void;
  /** Stops the export: running chunks are abandoned (no partial files), the manifest keeps what completed. */
  signal?: AbortSignal;
}

/** Where an export stands. */
export interface ExportProgress {
  /** Rows in completed chunks (skipped ones included) plus rows received so far by running chunks. */
  rowsDone: number;
  /**
   * Rows expected in all: the actual count for completed chunks, an estimate (one row per bucket of the
   * resolution) for the others. An upper bound when the data has gaps or a stage filter applies.
   */
  rowsExpected: number;
  chunksDone: number;
  chunksTotal: number;
  /** Chunks found complete in the manifest, and not downloaded again. */
  chunksSkipped: number;
  chunksFailed: number;
  /** Sites whose chunks are all complete. */
  sitesDone: number;
  sitesTotal: number;
  /** Bytes in the files of completed chunks. */
  bytes: number;
}

/** What an export did. */
export interface ExportSummary {
  dir: string;
  manifestPath: string;
  /** Number of sites exported. */
  sites: number;
  /** Their ids (pads expanded), ascending. */
  siteIds: number[];
  /** Chunks in the export. */
  chunks: number;
  /** Chunks downloaded by this run. */
  downloaded: number;
  /** Chunks found complete and skipped. */
  skipped: number;
  /** Rows in all the export's files. */
  rows: number;
  /** Rows downloaded by this run. */
  rowsDownloaded: number;
  /** Bytes in all the export's files. */
  bytes: number;
  seconds: number;
}

/** A chunk that could not be exported. */
export interface ExportChunkFailure {
  site: number;
  start: string;
  end: string;
  file: string;
  error: unknown;
}

/** Some chunks failed (the others completed and are in the manifest; a re-run retries only the failed ones). */
export class ExportError extends RestreamError {
  readonly failures: ExportChunkFailure[];
  readonly summary: ExportSummary;
  constructor(failures: ExportChunkFailure[], summary: ExportSummary) {
    const shown = failures.slice(0, 10).map((f) => `site ${f.site} ${f.start}..${f.end}: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
    const more = failures.length > shown.length ? `\n  ... and ${failures.length - shown.length} more` : '';
    super(
      `export: ${failures.length} of ${summary.chunks} chunk(s) failed; the other ${summary.chunks - failures.length} are complete and recorded in ${summary.manifestPath}, ` +
        `and running the export again redoes only the failed ones:\n  ${shown.join('\n  ')}${more}`,
      { cause: failures[0]?.error },
    );
    this.failures = failures;
    this.summary = summary;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      failures: this.failures.map((f) => ({ site: f.site, start: f.start, end: f.end, file: f.file, error: f.error instanceof RestreamError ? f.error.toJSON() : String(f.error) })),
    };
  }
}

const OPTION_NAMES = [
  ...DATA_FILTER_NAMES.filter((n) => n !== 'startDatetime' && n !== 'endDatetime' && n !== 'isRouted'),
  'sites',
  'pads',
  'startDatetime',
  'endDatetime',
  'dir',
  'format',
  'chunk',
  'concurrency',
  'manifest',
  'layout',
  'onProgress',
  'signal',
];

interface PlannedChunk {
  site: number;
  start: number;
  end: number;
  /** Relative to dir, `/` separators. */
  file: string;
  estimate: number;
}

/** Checks every option; no request, no file touched. */
function validate(options: ExportOptions) {
  if (options === null || typeof options !== 'object' || Array.isArray(options)) throw new ValidationError('options', `expected an options object, got ${describe(options)}`);
  rejectUnknownOptions(options, OPTION_NAMES, 'export');
  const { sites: siteList, pads: padList, dir, format: formatOption, chunk, concurrency: concurrencyOption, manifest, layout, onProgress, signal, ...filters } = options;

  const sites = uniqueIds(siteList, 'sites', Site);
  const pads = uniqueIds(padList, 'pads', Pad);
  if (sites.length === 0 && pads.length === 0) throw new ValidationError('sites', 'give at least one site (sites) or pad (pads) to export');

  if (options.startDatetime === undefined || options.startDatetime === null) throw new ValidationError('startDatetime', 'is required for an export');
  if (options.endDatetime === undefined || options.endDatetime === null) throw new ValidationError('endDatetime', 'is required for an export');
  const start = Math.floor(toDate(options.startDatetime, 'startDatetime').getTime() / 1000);
  const end = Math.floor(toDate(options.endDatetime, 'endDatetime').getTime() / 1000);
  const resolved = resolveDataFilters('site', filters as DataFilters);
  const bucket = RESOLUTION_SECONDS[resolved.resolution];

  if (typeof dir !== 'string' || dir.trim() === '') throw new ValidationError('dir', `must be a directory path, got ${describe(dir)}`);
  const format = formatOption ?? 'parquet';
  if (!EXPORT_FORMATS.includes(format)) throw new ValidationError('format', `must be one of ${EXPORT_FORMATS.map((f) => `'${f}'`).join(', ')}, got ${describe(formatOption)}`);
  if (layout !== undefined && layout !== 'per-chunk') throw new ValidationError('layout', `must be 'per-chunk' (one file per site per chunk), got ${describe(layout)}`);
  const chunkSeconds = parseChunk(chunk, bucket);
  const concurrency = concurrencyOption ?? DEFAULT_EXPORT_CONCURRENCY;
  if (!Number.isInteger(concurrency) || concurrency < 1 || concurrency > 64) throw new ValidationError('concurrency', `must be an integer from 1 to 64, got ${describe(concurrencyOption)}`);
  if (manifest !== undefined && (typeof manifest !== 'string' || manifest.trim() === '')) throw new ValidationError('manifest', `must be a file path, got ${describe(manifest)}`);
  if (onProgress !== undefined && typeof onProgress !== 'function') throw new ValidationError('onProgress', 'must be a function');
  if (signal !== undefined && !(signal instanceof AbortSignal)) throw new ValidationError('signal', 'must be an AbortSignal');

  const perSite = chunkCount(start, end, chunkSeconds);
  const siteEstimate = sites.length + pads.length;
  if (perSite * siteEstimate > MAX_CHUNKS) {
    throw new ValidationError('chunk', `would split the export into ${perSite * siteEstimate} or more chunks (limit ${MAX_CHUNKS}); use a longer chunk`);
  }
  if (bucket > 1 && perSite > 1 && start % bucket !== 0) {
    throw new ValidationError('startDatetime', `must fall on a ${resolved.resolution} boundary (a multiple of ${bucket} s since the epoch) when the range spans several chunks, so that no bucket is split between two chunks`);
  }

  const { start_datetime: _s, end_datetime: _e, ...query } = resolved.query;
  const parameters: ExportParameters = {
    sites,
    pads,
    startDatetime: isoSeconds(start),
    endDatetime: isoSeconds(end),
    chunkSeconds,
    format,
    layout: 'per-chunk',
    query: query as Record<string, unknown>,
  };
  const root = path.resolve(dir);
  const manifestPath = path.resolve(manifest ?? path.join(root, 'manifest.json'));
  return { sites, pads, start, end, bucket, chunkSeconds, format, concurrency, query, parameters, root, manifestPath, onProgress, signal };
}

/** Ids from a list of ids or models, deduplicated and ascending; `parameter` names the option in errors. */
export function uniqueIds(list: unknown, parameter: string, model: typeof Site | typeof Pad): number[] {
  if (list === undefined) return [];
  if (!Array.isArray(list)) throw new ValidationError(parameter, `must be an array of ids, got ${describe(list)}`);
  const ids = list.map((item, i) => (item instanceof model ? item.id : toId(item, `${parameter}[${i}]`)));
  return [...new Set(ids)].sort((a, b) => a - b);
}

/** Makes `dir` (and the manifest's directory) exist; refuses a path that is a file. */
async function prepareDirectories(root: string, manifestPath: string): Promise<void> {
  for (const [parameter, dir] of [
    ['dir', root],
    ['manifest', path.dirname(manifestPath)],
  ] as const) {
    const existing = await stat(dir).catch(() => undefined);
    if (existing && !existing.isDirectory()) throw new ValidationError(parameter, `${dir} exists and is not a directory`);
    if (!existing) {
      try {
        await mkdir(dir, { recursive: true });
      } catch (error) {
        throw new ValidationError(parameter, `cannot create ${dir}: ${(error as Error).message}`);
      }
    }
  }
  const m = await stat(manifestPath).catch(() => undefined);
  if (m && !m.isFile()) throw new ValidationError('manifest', `${manifestPath} is not a file`);
}

/** Removes temp files left beside chunk files by a process that no longer runs (a crash mid-chunk). */
async function removeStaleTempFiles(dir: string): Promise<void> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch {
    return;
  }
  const pattern = /^\..+\.(\d+)-[0-9a-f]{8}\.(partial|spool|parquet-spool|tmp)(\.\w+)?$/;
  await Promise.all(
    names.map(async (name) => {
      const m = pattern.exec(name);
      if (!m || isAlive(Number(m[1]))) return;
      await rm(path.join(dir, name), { force: true });
    }),
  );
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** `rs.export()`: see the module comment. */
export async function exportData(ctx: ClientContext, options: ExportOptions): Promise<ExportSummary> {
  const began = process.hrtime.bigint();
  const v = validate(options);
  const { root, manifestPath, signal } = v;
  signal?.throwIfAborted();

  await prepareDirectories(root, manifestPath);
  const unlock = await lockManifest(manifestPath);
  try {
    return await runExport(ctx, v, began);
  } finally {
    await unlock();
  }
}

/**
 * One export at a time per manifest: `<manifest>.lock` holds the running process's pid. A lock left by a
 * process that no longer runs is taken over.
 */
async function lockManifest(manifestPath: string): Promise<() => Promise<void>> {
  const lock = `${manifestPath}.lock`;
  for (let attempt = 0; attempt < 2; attempt++) {
    try {
      await writeFile(lock, String(process.pid), { flag: 'wx' });
      return () => rm(lock, { force: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw new ValidationError('manifest', `cannot lock ${lock}: ${(error as Error).message}`);
      const pid = Number((await readFile(lock, 'utf8').catch(() => '')).trim());
      if (Number.isInteger(pid) && pid > 0 && isAlive(pid)) {
        throw new ValidationError('manifest', `${manifestPath} is in use by another export (process ${pid}); if none runs, delete ${lock}`);
      }
      await rm(lock, { force: true });
    }
  }
  throw new ValidationError('manifest', `cannot lock ${lock}`);
}

async function runExport(ctx: ClientContext, v: ReturnType<typeof validate>, began: bigint): Promise<ExportSummary> {
  const { root, manifestPath, signal } = v;
  await removeStaleTempFiles(path.dirname(manifestPath));
  const previous = await readManifest(manifestPath);
  if (previous) {
    const differs = parameterDifferences(previous.parameters, v.parameters);
    if (differs.length) {
      throw new ValidationError(
        'manifest',
        `${manifestPath} belongs to an export with other parameters (differs in: ${differs.join(', ')}); ` +
          'use the same parameters to resume it, or another dir/manifest for a new export',
      );
    }
  }

  // Pads to sites: one request per pad.
  const siteIds = new Set(v.sites);
  for (const padId of v.pads) {
    signal?.throwIfAborted();
    for (const site of await new Pad(ctx, padId).getSites()) siteIds.add(site.id);
  }
  const sites = [...siteIds].sort((a, b) => a - b);

  // The plan: per site, chunks in time order.
  const ext = FORMAT_EXTENSIONS[v.format];
  const ranges = splitRange(v.start, v.end, v.chunkSeconds);
  const plan: PlannedChunk[] = [];
  for (const site of sites) {
    for (const range of ranges) {
      plan.push({
        site,
        start: range.start,
        end: range.end,
        file: `site-${site}/${chunkFileStem(range.start)}${ext}`,
        estimate: Math.floor(range.end / v.bucket) - Math.floor(range.start / v.bucket) + 1,
      });
    }
  }
  for (const site of sites) {
    const dir = path.join(root, `site-${site}`);
    await mkdir(dir, { recursive: true });
    await removeStaleTempFiles(dir);
  }

  // What is complete already: a manifest entry whose file is intact. Anything else is redone.
  const manifest = new ManifestStore(manifestPath, v.parameters, previous);
  const state = {
    rowsDone: 0,
    rowsExpected: 0,
    chunksDone: 0,
    chunksSkipped: 0,
    chunksFailed: 0,
    bytes: 0,
    rowsDownloaded: 0,
    downloaded: 0,
  };
  const remainingPerSite = new Map<number, number>(sites.map((s) => [s, 0]));
  const todo = new Set<PlannedChunk>();
  let forgotten = false;
  await forEachLimit(plan, 4, async (chunk) => {
    const entry = manifest.get(chunk.site, isoSeconds(chunk.start));
    if (entry && entry.file === chunk.file && (await chunkIsIntact(root, entry))) {
      state.chunksDone++;
      state.chunksSkipped++;
      state.rowsDone += entry.rows;
      state.rowsExpected += entry.rows;
      state.bytes += entry.bytes;
    } else {
      if (entry) {
        manifest.forget(chunk.site, entry.start);
        forgotten = true;
      }
      state.rowsExpected += chunk.estimate;
      remainingPerSite.set(chunk.site, remainingPerSite.get(chunk.site)! + 1);
      todo.add(chunk);
    }
  });
  const queues = sites.map((site) => plan.filter((chunk) => chunk.site === site && todo.has(chunk)));
  if (forgotten || !previous) await manifest.save();

  // Progress: live rows of running chunks on top of the completed ones, throttled to one call per 100 ms.
  const live = new Map<PlannedChunk, number>();
  let lastEmit = 0;
  const emit = (force: boolean) => {
    if (!v.onProgress) return;
    const now = Date.now();
    if (!force && now - lastEmit < 100) return;
    lastEmit = now;
    let liveRows = 0;
    for (const n of live.values()) liveRows += n;
    let sitesDone = 0;
    for (const n of remainingPerSite.values()) if (n === 0) sitesDone++;
    v.onProgress({
      rowsDone: state.rowsDone + liveRows,
      rowsExpected: state.rowsExpected,
      chunksDone: state.chunksDone,
      chunksTotal: plan.length,
      chunksSkipped: state.chunksSkipped,
      chunksFailed: state.chunksFailed,
      sitesDone,
      sitesTotal: sites.length,
      bytes: state.bytes,
    });
  };
  emit(true);

  // Chunks run round robin over the sites (every site's first chunks start first: each site's /data/ path
  // has its own allowance), at most `concurrency` at once and PER_SITE_CONCURRENCY per site.
  const failures: ExportChunkFailure[] = [];
  const skipSites = new Map<number, unknown>();
  let stopError: unknown;

  const fail = (chunk: PlannedChunk, error: unknown) => {
    state.chunksFailed++;
    failures.push({ site: chunk.site, start: isoSeconds(chunk.start), end: isoSeconds(chunk.end), file: chunk.file, error });
  };

  const runChunk = async (chunk: PlannedChunk): Promise<void> => {
    const target = path.join(root, ...chunk.file.split('/'));
    const data = new Data(ctx, [{ kind: 'site', id: chunk.site, query: { ...v.query, start_datetime: formatDataTime(new Date(chunk.start * 1000)), end_datetime: formatDataTime(new Date(chunk.end * 1000)) } }]);
    live.set(chunk, 0);
    try {
      const result = await data.save(target, {
        overwrite: true,
        ...(signal ? { signal } : {}),
        onProgress: ({ rows }) => {
          live.set(chunk, rows);
          emit(false);
        },
      });
      const sha256 = await sha256File(target);
      const entry: ManifestChunk = {
        site: chunk.site,
        start: isoSeconds(chunk.start),
        end: isoSeconds(chunk.end),
        file: chunk.file,
        rows: result.rows,
        bytes: result.bytes,
        sha256,
        completedAt: new Date().toISOString(),
      };
      await manifest.record(entry);
      state.chunksDone++;
      state.downloaded++;
      state.rowsDone += result.rows;
      state.rowsDownloaded += result.rows;
      state.rowsExpected += result.rows - chunk.estimate;
      state.bytes += result.bytes;
      remainingPerSite.set(chunk.site, remainingPerSite.get(chunk.site)! - 1);
    } finally {
      live.delete(chunk);
    }
  };

  const neverStarted = await roundRobin(queues, { concurrency: v.concurrency, perGroup: PER_SITE_CONCURRENCY, stop: () => signal?.aborted === true || stopError !== undefined }, async (chunk) => {
    const skip = skipSites.get(chunk.site);
    if (skip !== undefined) {
      fail(chunk, skip);
      emit(true);
      return;
    }
    try {
      await runChunk(chunk);
    } catch (error) {
      if (signal?.aborted) return;
      fail(chunk, error);
      // No point asking again with credentials the API refuses, or for a site it does not know.
      if (error instanceof AuthError || error instanceof CredentialsError) stopError = error;
      else if (error instanceof NotFoundError) skipSites.set(chunk.site, error);
    } finally {
      emit(true);
    }
  });

  if (signal?.aborted) throw signal.reason ?? new Error('export aborted');
  // Chunks never started because the export stopped early count as failed too.
  for (const chunk of neverStarted) fail(chunk, stopError);
  emit(true);

  const snapshot = manifest.snapshot();
  const wanted = new Set(plan.map((c) => `${c.site}@${isoSeconds(c.start)}`));
  let rows = 0;
  let bytes = 0;
  for (const c of snapshot.chunks) {
    if (!wanted.has(`${c.site}@${c.start}`)) continue;
    rows += c.rows;
    bytes += c.bytes;
  }
  const summary: ExportSummary = {
    dir: root,
    manifestPath,
    sites: sites.length,
    siteIds: sites,
    chunks: plan.length,
    downloaded: state.downloaded,
    skipped: state.chunksSkipped,
    rows,
    rowsDownloaded: state.rowsDownloaded,
    bytes,
    seconds: Number(process.hrtime.bigint() - began) / 1e9,
  };
  if (failures.length) {
    failures.sort((a, b) => a.site - b.site || (a.start < b.start ? -1 : 1));
    throw new ExportError(failures, summary);
  }
  return summary;
}

/** Runs `fn` over `items`, at most `limit` at a time. */
async function forEachLimit<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const run = async () => {
    while (next < items.length) {
      const item = items[next++]!;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, run));
}
