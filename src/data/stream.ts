/**
 * One `/data/` download as a sequence of row batches that survives a broken stream: when the body breaks
 * (socket reset, truncated body, a failed re-request), the download is asked again (from where resume.ts
 * says: the last timestamp in time order, the original start when pad rows come grouped by site) and the
 * rows already delivered are dropped per site, so the caller sees every row exactly once, each site's rows
 * in order.
 */
import { unwrap } from '../http/call';
import { APICompatibilityError, ConnectionError, RestreamError, ValidationError, type RestreamErrorOptions, type TimeoutKind } from '../http/errors';
import { backoffDelay, sleep } from '../http/retry';
import type { ClientContext } from '../models/context';
import { ASSET_ENDPOINTS, type AssetKind } from '../models/endpoints';
import { formatDataTime } from '../validate';
import type { DataQuery } from './filters';
import { JsonArrayParser, MalformedJsonError, TruncatedStreamError } from '../json/json-array-parser';
import { JsonRowSplitter, rawMayHaveSiteIds, rawSiteIdAt, rawTimestampAt, selectRawRows, type RawRowBatch } from '../json/json-row-splitter';
import { ResumeTracker, type ResumableBatches } from './resume';

/** A measurement row: `timestamp` (unix seconds) and one value per field; `site_id` on routed pad data. */
export type Row = { timestamp: number; site_id?: number } & Record<string, number | string | null | undefined>;

/** Rows as they are parsed, with each row's source text when asked for (for pass-through saves). */
export interface RowBatch {
  rows: Row[];
  raw?: string[];
  /** The source text of all the batch's rows as JSON array content (rows and separators). */
  text?: string;
}

/** One `/data/` request: which asset, which query. */
export interface DataRequest {
  kind: AssetKind;
  id: number;
  query: DataQuery;
}

export interface StreamOptions {
  keepRaw?: boolean;
  keepText?: boolean;
  signal?: AbortSignal;
}

/** Counts kept while streaming, for errors and save results. */
export interface StreamProgress {
  rows: number;
  bytes: number;
}

/**
 * Yields the rows of `request` in batches, resuming after breaks. Breaks are retried up to the client's
 * `retry.attempts`; the count starts again whenever a resumed stream delivers new rows, so a long download
 * over a flaky link keeps going as long as it makes progress.
 */
export async function* streamRowBatches(
  ctx: ClientContext,
  request: DataRequest,
  options: StreamOptions = {},
  progress: StreamProgress = { rows: 0, bytes: 0 },
): AsyncGenerator<RowBatch, void, undefined> {
  yield* streamBatches(ctx, request, parsedBatches(options), options.signal, progress);
}

/**
 * Like {@link streamRowBatches}, but the rows stay the bytes the API sent, validated and cut at row
 * boundaries and never parsed (only the few rows the resume logic looks at are): for saves that write
 * rows as they came.
 */
export async function* streamRawBatches(
  ctx: ClientContext,
  request: DataRequest,
  options: { signal?: AbortSignal } = {},
  progress: StreamProgress = { rows: 0, bytes: 0 },
): AsyncGenerator<RawRowBatch, void, undefined> {
  yield* streamBatches(ctx, request, RAW_BATCHES, options.signal, progress);
}

/** What the resuming stream needs from a kind of batch: a splitter, and a look at single rows. */
interface BatchKind<B> extends ResumableBatches<B> {
  splitter(): { push(chunk: Uint8Array): B | undefined; end(): B | undefined };
}

function parsedBatches(options: StreamOptions): BatchKind<RowBatch> {
  return {
    splitter: () => new JsonArrayParser<Row>({ keepRaw: options.keepRaw ?? false, keepText: options.keepText ?? false }),
    count: (batch) => batch.rows.length,
    timestamp: (batch, i) => Number(batch.rows[i]!.timestamp),
    siteId: (batch, i) => batch.rows[i]!.site_id,
    mayHaveSiteIds: () => true,
    select: (batch, indices) => {
      const fresh: RowBatch = { rows: indices.map((i) => batch.rows[i]!) };
      if (batch.raw) fresh.raw = indices.map((i) => batch.raw![i]!);
      // Only batches of a resumed stream are cut; re-serialising their kept rows parses back the same.
      if (batch.text !== undefined) fresh.text = (fresh.raw ?? fresh.rows.map((r) => JSON.stringify(r))).join(', ');
      return fresh;
    },
  };
}

/** Big enough for few, large writes; small enough that the file sink holds several while the next is cut. */
const RAW_BATCH_BYTES = 128 << 10;

const RAW_BATCHES: BatchKind<RawRowBatch> = {
  // Big batches: the resume logic reads a few rows of each in place, and the file gets fewer, larger writes.
  splitter: () => new JsonRowSplitter({ batchBytes: RAW_BATCH_BYTES }),
  count: (batch) => batch.count,
  timestamp: rawTimestampAt,
  siteId: rawSiteIdAt,
  mayHaveSiteIds: rawMayHaveSiteIds,
  select: selectRawRows,
};

async function* streamBatches<B>(
  ctx: ClientContext,
  request: DataRequest,
  kind: BatchKind<B>,
  signal: AbortSignal | undefined,
  progress: StreamProgress,
): AsyncGenerator<B, void, undefined> {
  const template = ASSET_ENDPOINTS[request.kind].data;
  // A site's download is one series in time order (the API's contract), whatever its rows carry.
  const delivered = new ResumeTracker(kind, request.kind === 'site');
  let failures = 0;
  let rowsAtLastFailure = -1;

  for (let attempt = 0; ; attempt++) {
    const query: DataQuery = { ...request.query };
    if (attempt > 0) {
      const from = delivered.resume()?.from;
      if (from !== undefined) query.start_datetime = formatDataTime(new Date(from * 1000));
    }
    const splitter = kind.splitter();
    /** The rows of `batch` not delivered before, counted and remembered. */
    const accept = (batch: B): B | undefined => {
      const fresh = delivered.accept(batch);
      if (fresh) progress.rows += kind.count(fresh);
      return fresh;
    };
    try {
      const body = await unwrap(
        ctx.api.GET(template, {
          params: { path: { id: request.id }, query },
          headers: { Prefer: 'streaming' },
          parseAs: 'stream',
          ...(signal ? { signal } : {}),
        }),
        { method: 'GET', template, pathParams: { id: request.id }, secrets: ctx.secrets() },
      );
      if (!body) throw new APICompatibilityError(`GET ${pathOf(template, request.id)} answered without a body`, { status: 200 });
      for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
        // A body already buffered keeps flowing after an abort; stop at the next chunk.
        signal?.throwIfAborted();
        progress.bytes += chunk.byteLength;
        const batch = splitter.push(chunk);
        const fresh = batch && accept(batch);
        if (fresh) yield fresh;
      }
      // end() hands out the last rows first; a fault after them (or the truncation) comes from the next call.
      for (let last = splitter.end(); last; last = splitter.end()) {
        const fresh = accept(last);
        if (fresh) yield fresh;
      }
      return;
    } catch (error) {
      if (signal?.aborted) throw signal.reason ?? error;
      if (error instanceof MalformedJsonError) {
        throw new APICompatibilityError(`GET ${pathOf(template, request.id)}: the data stream is not a JSON array of rows (${error.message})`, {
          status: 200,
          method: 'GET',
          path: pathOf(template, request.id),
          rowsDelivered: progress.rows,
          cause: error,
        });
      }
      if (!isStreamBreak(error)) throw withRowsDelivered(error, progress.rows);
      if (progress.rows > rowsAtLastFailure) failures = 0;
      rowsAtLastFailure = progress.rows;
      failures++;
      if (failures >= ctx.retry.attempts) {
        throw new ConnectionError(
          `GET ${pathOf(template, request.id)}: the data stream broke ${failures} time(s) without progress; ` +
            `${progress.rows} row(s) were delivered before it gave up (${describeBreak(error)})`,
          { method: 'GET', path: pathOf(template, request.id), attempts: failures, rowsDelivered: progress.rows, cause: error, secrets: ctx.secrets(), ...timeoutOf(error) },
        );
      }
      const delayMs = backoffDelay(ctx.retry, failures);
      ctx.onRetry?.({
        attempt: failures,
        attempts: ctx.retry.attempts,
        delayMs,
        method: 'GET',
        path: pathOf(template, request.id),
        error: error instanceof Error ? error : new Error(String(error)),
      });
      await sleep(delayMs, signal);
    }
  }
}

/** A break worth resuming from: the body was cut, the socket reset, or the connection failed. */
function isStreamBreak(error: unknown): boolean {
  if (error instanceof TruncatedStreamError) return true;
  if (error instanceof ConnectionError) return true;
  if (error instanceof RestreamError) return false;
  const name = (error as { name?: unknown } | null)?.name;
  // undici reports a body cut mid-way as "TypeError: terminated" (cause: SocketError / ECONNRESET).
  return name === 'TypeError' || name === 'SocketError' || (error as { code?: unknown } | null)?.code === 'ECONNRESET';
}

/** The timeout behind a break (the transport's idle or request timeout), kept on the final error. */
function timeoutOf(error: unknown): { timeout?: TimeoutKind } {
  return error instanceof ConnectionError && error.timeout !== undefined ? { timeout: error.timeout } : {};
}

function describeBreak(error: unknown): string {
  const e = error as { message?: string; cause?: { message?: string; code?: string } } | null;
  const cause = e?.cause?.code ?? e?.cause?.message;
  return `${e?.message ?? String(error)}${cause ? ` (${cause})` : ''}`;
}

function withRowsDelivered(error: unknown, rows: number): unknown {
  if (!(error instanceof RestreamError) || error instanceof ValidationError || error.rowsDelivered !== undefined) return error;
  const Ctor = error.constructor as new (message: string, options: RestreamErrorOptions) => RestreamError;
  const options: RestreamErrorOptions = { rowsDelivered: rows, cause: error };
  for (const key of ['status', 'method', 'path', 'serverMessage', 'attempts'] as const) {
    if (error[key] !== undefined) (options as Record<string, unknown>)[key] = error[key];
  }
  const wrapped = new Ctor(`${error.message} (after ${rows} row(s) delivered)`, options);
  return wrapped;
}

function pathOf(template: string, id: number): string {
  return template.replace('{id}', String(id));
}
