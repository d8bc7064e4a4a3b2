/**
 * One `/data/` download as a sequence of row batches that survives a broken stream: when the body breaks
 * (socket reset, truncated body, a failed re-request), the download is asked again from the timestamp of the
 * last complete row, the rows already delivered at that timestamp are dropped, and the caller sees every
 * row exactly once, in order.
 */
import { unwrap } from '../http/call';
import { APICompatibilityError, ConnectionError, RestreamError, ValidationError, type RestreamErrorOptions } from '../http/errors';
import { backoffDelay, sleep } from '../http/retry';
import type { ClientContext } from '../models/context';
import { ASSET_ENDPOINTS, type AssetKind } from '../models/endpoints';
import { formatDataTime } from '../validate';
import type { DataQuery } from './filters';
import { JsonArrayParser, MalformedJsonError, TruncatedStreamError, type JsonArrayBatch } from './json-array-parser';

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
  const { signal } = options;
  const template = ASSET_ENDPOINTS[request.kind].data;
  let resume: ResumePoint | undefined;
  let failures = 0;
  let rowsAtLastFailure = -1;

  for (;;) {
    const query: DataQuery = { ...request.query };
    if (resume) {
      query.start_datetime = formatDataTime(new Date(resume.timestamp * 1000));
      resume.skipped = 0; // each resumed stream repeats the rows at the resume point from the start
    }
    const parser = new JsonArrayParser<Row>({ keepRaw: options.keepRaw ?? false, keepText: options.keepText ?? false });
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
        const batch = parser.push(chunk);
        if (batch) {
          const fresh = takeFresh(batch, resume);
          if (fresh) {
            resume = resumePointAfter(fresh.rows, resume);
            progress.rows += fresh.rows.length;
            yield fresh;
          }
        }
      }
      const last = parser.end();
      if (last) {
        const fresh = takeFresh(last, resume);
        if (fresh) {
          progress.rows += fresh.rows.length;
          yield fresh;
        }
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
          { method: 'GET', path: pathOf(template, request.id), attempts: failures, rowsDelivered: progress.rows, cause: error, secrets: ctx.secrets() },
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
}

function resumePointAfter(rows: Row[], previous: ResumePoint | undefined): ResumePoint | undefined {
  const last = rows[rows.length - 1];
  if (!last) return previous;
  const timestamp = Number(last.timestamp);
  // Rows already counted at this timestamp in earlier batches still count.
  const point: ResumePoint = { timestamp, count: 0 };
  if (previous && previous.timestamp === timestamp && rows.every((r) => Number(r.timestamp) === timestamp)) {
    point.count = previous.count;
    if (previous.siteIds) point.siteIds = new Set(previous.siteIds);
  }
  for (let i = rows.length - 1; i >= 0; i--) {
    const row = rows[i]!;
    if (Number(row.timestamp) !== timestamp) break;
    point.count++;
    if (typeof row.site_id === 'number') (point.siteIds ??= new Set()).add(row.site_id);
  }
  return point;
}

/**
 * Drops, from the first batches of a resumed stream, the rows before the resume point and the rows at it
 * that were delivered already (by `site_id` when rows have one, else by count). Later batches pass as is.
 */
function takeFresh(batch: JsonArrayBatch<Row>, resume: ResumePoint | undefined): RowBatch | undefined {
  if (!resume || batch.rows.length === 0) return batch.rows.length ? batch : undefined;
  const first = batch.rows[0]!;
  if (Number(first.timestamp) > resume.timestamp) return batch;

  let skipAtResume = resume.count - (resume.skipped ?? 0);
  const keep: number[] = [];
  batch.rows.forEach((row, i) => {
    const ts = Number(row.timestamp);
    if (ts < resume.timestamp) return;
    if (ts === resume.timestamp) {
      const seen = resume.siteIds && typeof row.site_id === 'number' ? resume.siteIds.has(row.site_id) : skipAtResume > 0;
      if (seen) {
        skipAtResume--;
        resume.skipped = (resume.skipped ?? 0) + 1;
        return;
      }
    }
    keep.push(i);
  });
  if (keep.length === batch.rows.length) return batch;
  if (keep.length === 0) return undefined;
  const fresh: RowBatch = { rows: keep.map((i) => batch.rows[i]!) };
  if (batch.raw) fresh.raw = keep.map((i) => batch.raw![i]!);
  // Only the first batch after a resume is cut; re-serialising its kept rows parses back the same.
  if (batch.text !== undefined) fresh.text = (fresh.raw ?? fresh.rows.map((r) => JSON.stringify(r))).join(', ');
  return fresh;
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
