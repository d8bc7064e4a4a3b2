/**
 * One `/data/` download as a sequence of row batches that survives a broken stream: when the body breaks
 * (socket reset, truncated body, a failed re-request), the download is asked again from the timestamp of the
 * last complete row, the rows already delivered at that timestamp are dropped, and the caller sees every
 * row exactly once, in order.
 */
import { unwrap } from '../http/call';
import { APICompatibilityError, ConnectionError, RestreamError, ValidationError, type RestreamErrorOptions, type TimeoutKind } from '../http/errors';
import { backoffDelay, sleep } from '../http/retry';
import type { ClientContext } from '../models/context';
import { ASSET_ENDPOINTS, type AssetKind } from '../models/endpoints';
import { formatDataTime } from '../validate';
import type { DataQuery } from './filters';
import { JsonArrayParser, MalformedJsonError, TruncatedStreamError } from '../json/json-array-parser';
import { JsonRowSplitter, rawRowAt, rawTimestampAt, selectRawRows, type RawRowBatch } from '../json/json-row-splitter';

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
interface BatchKind<B> {
  splitter(): { push(chunk: Uint8Array): B | undefined; end(): B | undefined };
  count(batch: B): number;
  row(batch: B, i: number): Row;
  /** `Number(row(batch, i).timestamp)`, cheaper where it can be. */
  timestamp(batch: B, i: number): number;
  /** A batch of the rows at `indices` (ascending, non-empty). */
  select(batch: B, indices: number[]): B;
}

function parsedBatches(options: StreamOptions): BatchKind<RowBatch> {
  return {
    splitter: () => new JsonArrayParser<Row>({ keepRaw: options.keepRaw ?? false, keepText: options.keepText ?? false }),
    count: (batch) => batch.rows.length,
    row: (batch, i) => batch.rows[i]!,
    timestamp: (batch, i) => Number(batch.rows[i]!.timestamp),
    select: (batch, indices) => {
      const fresh: RowBatch = { rows: indices.map((i) => batch.rows[i]!) };
      if (batch.raw) fresh.raw = indices.map((i) => batch.raw![i]!);
      // Only the first batch after a resume is cut; re-serialising its kept rows parses back the same.
      if (batch.text !== undefined) fresh.text = (fresh.raw ?? fresh.rows.map((r) => JSON.stringify(r))).join(', ');
      return fresh;
    },
  };
}

/** Big enough for few, large writes; small enough that the file sink holds several while the next is cut. */
const RAW_BATCH_BYTES = 128 << 10;

const RAW_BATCHES: BatchKind<RawRowBatch> = {
  // Big batches: the resume logic parses a row or two of each, and the file gets fewer, larger writes.
  splitter: () => new JsonRowSplitter({ batchBytes: RAW_BATCH_BYTES }),
  count: (batch) => batch.count,
  row: (batch, i) => rawRowAt<Row>(batch, i),
  timestamp: rawTimestampAt,
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
  let resume: ResumePoint | undefined;
  /** Set while a resumed stream repeats rows already delivered; cleared once it is past them. */
  let replay: ResumePoint | undefined;
  let failures = 0;
  let rowsAtLastFailure = -1;

  for (;;) {
    const query: DataQuery = { ...request.query };
    if (resume) {
      query.start_datetime = formatDataTime(new Date(resume.timestamp * 1000));
      replay = { ...resume, skipped: 0 }; // each resumed stream repeats the rows at the resume point from the start
    }
    const splitter = kind.splitter();
    /** The rows of `batch` not delivered before, counted and remembered as the new resume point. */
    const accept = (batch: B): B | undefined => {
      const fresh = replay ? takeFresh(kind, batch, replay) : batch;
      if (replay?.passed) replay = undefined;
      if (fresh) {
        resume = resumePointAfter(kind, fresh, resume);
        progress.rows += kind.count(fresh);
      }
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

/** Where to resume: the last complete timestamp, and which of its rows were delivered already. */
interface ResumePoint {
  timestamp: number;
  /** Rows delivered at `timestamp`: a count, and the `site_id`s when rows carry them (routed pad data). */
  count: number;
  siteIds?: Set<number>;
  /** Rows at `timestamp` dropped so far from the resumed stream. */
  skipped?: number;
  /** The resumed stream has reached a later timestamp: nothing more to drop. */
  passed?: boolean;
}

/** The resume point after `batch`: only the rows at its last timestamp are looked at. */
function resumePointAfter<B>(kind: BatchKind<B>, batch: B, previous: ResumePoint | undefined): ResumePoint | undefined {
  const n = kind.count(batch);
  if (n === 0) return previous;
  // Raw rows are parsed only at the last timestamp (for their site_id); the row before it is only peeked at.
  const last = kind.row(batch, n - 1);
  const timestamp = Number(last.timestamp);
  const point: ResumePoint = { timestamp, count: 0 };
  let i = n - 1;
  for (; i >= 0; i--) {
    if (i < n - 1 && kind.timestamp(batch, i) !== timestamp) break;
    const row = i === n - 1 ? last : kind.row(batch, i);
    point.count++;
    if (typeof row.site_id === 'number') (point.siteIds ??= new Set()).add(row.site_id);
  }
  // The whole batch at one timestamp: rows counted at it in earlier batches still count.
  if (i < 0 && previous && previous.timestamp === timestamp) {
    point.count += previous.count;
    if (previous.siteIds) for (const id of previous.siteIds) (point.siteIds ??= new Set()).add(id);
  }
  return point;
}

/**
 * Drops, from the first batches of a resumed stream, the rows before the resume point and the rows at it
 * that were delivered already (by `site_id` when rows have one, else by count). Rows are in timestamp
 * order, so only the rows up to the first later timestamp are looked at; then `resume.passed` is set.
 */
function takeFresh<B>(kind: BatchKind<B>, batch: B, resume: ResumePoint): B | undefined {
  const n = kind.count(batch);
  if (n === 0) return undefined;
  let skipAtResume = resume.count - (resume.skipped ?? 0);
  const keep: number[] = [];
  let i = 0;
  for (; i < n; i++) {
    const row = kind.row(batch, i);
    const ts = Number(row.timestamp);
    if (ts > resume.timestamp) {
      resume.passed = true;
      break;
    }
    if (ts < resume.timestamp) continue;
    const seen = resume.siteIds && typeof row.site_id === 'number' ? resume.siteIds.has(row.site_id) : skipAtResume > 0;
    if (seen) {
      skipAtResume--;
      resume.skipped = (resume.skipped ?? 0) + 1;
      continue;
    }
    keep.push(i);
  }
  if (keep.length === i) return batch;
  for (; i < n; i++) keep.push(i);
  if (keep.length === 0) return undefined;
  return kind.select(batch, keep);
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
