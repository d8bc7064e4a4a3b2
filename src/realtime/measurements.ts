/**
 * Live measurement rows over `/ws/data/{site,pad}/{id}/`, with a session key the server keeps a queue for.
 *
 * Exactly once, in order. The server removes a frame from the session's queue only once it is
 * acknowledged (an ack covers five frames), so after a reconnect it sends again every frame this client
 * received but had not acknowledged yet. The SDK drops those by position: rows come in timestamp order
 * (one per second, or per site and second on routed pad data), so a row is new only if it is after the
 * last accepted position, where a position is a timestamp plus the `site_id`s already accepted at it.
 * Rows at or before it are duplicates and are dropped (and counted in `stats.duplicates`).
 *
 * With a session store, the position of the last row *handed to the caller* is saved with the key
 * (throttled while streaming, and on close), so a new process resuming the key drops what the old one
 * had delivered: exactly once across a graceful restart; after a crash at most the frames delivered since
 * the last save come again (never fewer: undelivered frames were never acknowledged).
 */
import { randomBytes } from 'node:crypto';
import { APICompatibilityError, ValidationError, RestreamError } from '../http/errors';
import type { ClientContext } from '../models/context';
import type { AssetKind } from '../models/endpoints';
import { DATA_FILTER_NAMES, resolveDataFilters, type DataFilters } from '../data/filters';
import type { Row } from '../data/stream';
import { rejectUnknownOptions } from '../validate';
import { wsBase } from './connection';
import { claimSessionKey } from './registry';
import type { SessionLock, SessionStore, StreamPosition } from './session-store';
import { RealtimeStream, STREAM_OPTION_NAMES, type RealtimeStats, type RealtimeStreamOptions, type StreamCodec } from './stream';

export interface RealtimeMeasurementsOptions extends DataFilters, RealtimeStreamOptions {
  /**
   * Resume this session key (32 hex characters are generated when absent, or taken from `sessionStore`).
   * Letters, digits, `-` and `_`, at most 128.
   */
  sessionKey?: string;
  /** Where the key and the delivery position are kept, so a restarted process resumes the same queue. */
  sessionStore?: SessionStore;
  /** Least time between two position saves to the store while streaming, in ms (default 1000). */
  positionSaveIntervalMs?: number;
}

export interface RealtimeMeasurements {
  /** The rows: `for await (const row of stream)`. */
  stream: RealtimeStream<Row>;
  /** The session key: pass it back (or use a session store) to resume. */
  sessionKey: string;
}

const OPTION_NAMES = [...DATA_FILTER_NAMES, ...STREAM_OPTION_NAMES, 'sessionKey', 'sessionStore', 'positionSaveIntervalMs'] as const;
const SESSION_KEY = /^[A-Za-z0-9_-]{1,128}$/;

/** 32 random hex characters, as the API expects a client-made key. */
export function newSessionKey(): string {
  return randomBytes(16).toString('hex');
}

/** The filters' query, keys sorted so the same filters always give the same URL (and stream id). */
function queryString(query: Record<string, string | number | boolean | undefined>): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(query).sort()) {
    const v = query[key];
    if (v !== undefined) params.set(key, String(v));
  }
  return params.toString();
}

/** The position after `row` has been accepted on top of `pos` (mutates `pos`); false when `row` is not new. */
function advance(pos: StreamPosition, row: Row): boolean {
  const t = row.timestamp;
  const site = row.site_id ?? null;
  if (t > pos.timestamp) {
    pos.timestamp = t;
    pos.sites.length = 0;
    pos.sites.push(site);
    return true;
  }
  if (t < pos.timestamp || pos.sites.includes(site)) return false;
  pos.sites.push(site);
  return true;
}

function isRow(v: unknown): v is Row {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && typeof (v as { timestamp?: unknown }).timestamp === 'number';
}

/** Whether `data` starts with `prefix` (a plain loop: cheaper than Buffer#compare's argument checks for ~50 bytes). */
function startsWith(data: Buffer, prefix: Buffer): boolean {
  for (let i = 0; i < prefix.length; i++) if (data[i] !== prefix[i]) return false;
  return true;
}

type Utf8Slicer = { utf8Slice?: (start: number, end: number) => string };

/** UTF-8 text of `data[start, end)`. Node's own `utf8Slice` skips `toString`'s encoding lookup, a fifth of the cost for short frames. */
function utf8(data: Buffer, start: number, end: number): string {
  const slicer = data as unknown as Utf8Slicer;
  return typeof slicer.utf8Slice === 'function' ? slicer.utf8Slice(start, end) : data.toString('utf8', start, end);
}

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Decodes measurement frames, flattens lists, skips empty ones, drops rows already accepted. */
export class MeasurementCodec implements StreamCodec<Row> {
  readonly acks = true;
  /** The last accepted row (de-duplication). */
  private readonly accepted: StreamPosition;
  /** The last row handed to the caller (persistence). */
  private deliveredPos: StreamPosition | undefined;
  private saved: string | undefined;
  private saving: Promise<void> | undefined;
  private timer: NodeJS.Timeout | undefined;
  private lastSave = 0;
  private finished = false;
  private report: (error: RestreamError) => void = () => undefined;

  /** The usual start of a frame, `{"session_key": "<key>", "message": ` (see messageOf). */
  private readonly envelope: Buffer | undefined;

  constructor(
    private readonly path: string,
    start: StreamPosition | undefined,
    private readonly persist: ((position: StreamPosition) => Promise<void>) | undefined,
    private readonly saveIntervalMs: number,
    sessionKey?: string,
  ) {
    this.envelope = sessionKey === undefined ? undefined : Buffer.from(`{"session_key": ${JSON.stringify(sessionKey)}, "message": `);
    this.accepted = start ? { timestamp: start.timestamp, sites: [...start.sites] } : { timestamp: -Infinity, sites: [] };
    this.deliveredPos = start ? { timestamp: start.timestamp, sites: [...start.sites] } : undefined;
    this.saved = start ? JSON.stringify(start) : undefined;
  }

  decode(data: Buffer, stats: RealtimeStats, out: Row[]): number | undefined {
    if (data.length === 0) return undefined;
    const message = this.messageOf(data);
    if (message === null || message === '' || message === undefined) return undefined;
    if (isRow(message)) {
      if (advance(this.accepted, message)) {
        out.push(message);
        return 1;
      }
      stats.duplicates++;
      return 0;
    }
    if (!Array.isArray(message)) throw this.malformed(data);
    let n = 0;
    for (const item of message) {
      if (item === null || item === '') continue;
      if (Array.isArray(item)) {
        for (const inner of item) n += this.take(inner, out, stats, data);
      } else {
        n += this.take(item, out, stats, data);
      }
    }
    return n === 0 && message.length === 0 ? undefined : n;
  }

  /**
   * The frame's `message`. The envelope is almost always exactly `{"session_key": "<our key>", "message": `
   * … `}`: then only the message is parsed (the bytes between), which saves a tenth of the parse. Any
   * other frame, or a slice that is not one JSON value, is parsed whole.
   */
  private messageOf(data: Buffer): unknown {
    const p = this.envelope;
    const n = data.length;
    if (p && n > p.length && data[n - 1] === 0x7d && startsWith(data, p)) {
      try {
        return JSON.parse(utf8(data, p.length, n - 1));
      } catch {
        // not the envelope after all: parse the whole frame below
      }
    }
    const text = data.toString();
    let frame: unknown;
    try {
      frame = JSON.parse(text);
    } catch (error) {
      throw new APICompatibilityError(`WebSocket ${this.path}: a message is not JSON: ${excerpt(text)}`, { path: this.path, cause: error });
    }
    if (typeof frame === 'object' && frame !== null && !Array.isArray(frame) && 'message' in frame) return (frame as { message: unknown }).message;
    return frame;
  }

  /** Pushes one row of a list if it is new; returns 1 if it was pushed. */
  private take(item: unknown, out: Row[], stats: RealtimeStats, data: Buffer): number {
    if (item === null || item === '') return 0;
    if (!isRow(item)) throw this.malformed(data);
    if (advance(this.accepted, item)) {
      out.push(item);
      return 1;
    }
    stats.duplicates++;
    return 0;
  }

  private malformed(data: Buffer): APICompatibilityError {
    return new APICompatibilityError(`WebSocket ${this.path}: a message is not a row (an object with a numeric timestamp) or a list of rows: ${excerpt(data.toString())}`, {
      path: this.path,
    });
  }

  bind(hooks: { report(error: RestreamError): void }): void {
    this.report = hooks.report;
  }

  mark(): unknown {
    return this.persist ? { timestamp: this.accepted.timestamp, sites: [...this.accepted.sites] } : undefined;
  }

  delivered(mark: unknown): void {
    this.deliveredPos = mark as StreamPosition;
    this.scheduleSave();
  }

  deliveredPartly(rows: readonly Row[]): void {
    if (!this.persist) return;
    const pos = this.deliveredPos ? { timestamp: this.deliveredPos.timestamp, sites: [...this.deliveredPos.sites] } : { timestamp: -Infinity, sites: [] };
    for (const row of rows) advance(pos, row);
    if (Number.isFinite(pos.timestamp)) this.deliveredPos = pos;
  }

  /** Saves now if the last save is `saveIntervalMs` old and none is in flight, else once it is due. */
  private scheduleSave(): void {
    if (!this.persist || this.timer || this.saving) return;
    const wait = this.lastSave + this.saveIntervalMs - Date.now();
    if (wait <= 0) {
      // At once, not on a timer: a reader going through a full buffer never yields to timers.
      void this.save();
      return;
    }
    this.timer = setTimeout(() => {
      this.timer = undefined;
      void this.save();
    }, wait);
    this.timer.unref();
  }

  private async save(): Promise<void> {
    const pos = this.deliveredPos;
    if (!this.persist || !pos) return;
    const text = JSON.stringify(pos);
    if (text === this.saved) return;
    this.lastSave = Date.now();
    this.saving = this.persist(pos)
      .then(() => {
        this.saved = text;
      })
      .catch((error: unknown) => {
        // A failed save does not stop the stream: the next one (or the one on close) may succeed.
        this.report(
          error instanceof RestreamError ? error : new RestreamError(`could not save the session position: ${String((error as Error)?.message ?? error)}`, { cause: error }),
        );
      })
      .finally(() => {
        this.saving = undefined;
        if (!this.finished && this.deliveredPos && JSON.stringify(this.deliveredPos) !== this.saved) this.scheduleSave();
      });
    await this.saving;
  }

  /** Saves the final position (after any save in flight). */
  async finish(): Promise<void> {
    this.finished = true;
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.saving) await this.saving;
    await this.save();
  }
}

/** Opens a measurement stream on an asset: resolves the session key (store), claims it, builds the stream. */
export async function openMeasurementStream(ctx: ClientContext, kind: AssetKind, id: number, options: RealtimeMeasurementsOptions = {}): Promise<RealtimeMeasurements> {
  rejectUnknownOptions(options, OPTION_NAMES, 'getRealtimeMeasurementsData');
  const { sessionKey: givenKey, sessionStore: store, positionSaveIntervalMs, signal, highWaterMark, reconnect, heartbeatMs, connectTimeoutMs, on, ...filters } = options;
  const { query } = resolveDataFilters(kind, filters as DataFilters);
  if (givenKey !== undefined && (typeof givenKey !== 'string' || !SESSION_KEY.test(givenKey))) {
    throw new ValidationError('sessionKey', 'must be 1-128 letters, digits, - or _ (the API generates none: 32 hex characters are made when absent)');
  }
  if (store !== undefined && (typeof store !== 'object' || store === null || typeof store.get !== 'function' || typeof store.create !== 'function')) {
    throw new ValidationError('sessionStore', 'must implement SessionStore (get, set, create, delete)');
  }
  const saveInterval = positionSaveIntervalMs ?? 1000;
  if (!(Number.isInteger(saveInterval) && saveInterval >= 0)) throw new ValidationError('positionSaveIntervalMs', 'must be an integer >= 0');
  const streamOptions: RealtimeStreamOptions = { signal, highWaterMark, reconnect, heartbeatMs, connectTimeoutMs, on };
  for (const k of Object.keys(streamOptions) as Array<keyof RealtimeStreamOptions>) if (streamOptions[k] === undefined) delete streamOptions[k];

  const path = kind === 'site' ? `/ws/data/site/${id}/` : `/ws/data/pad/${id}/`;
  const filterQuery = queryString(query as Record<string, string | number | boolean | undefined>);
  const base = wsBase(ctx.host);
  const streamId = `${base}${path}${filterQuery ? `?${filterQuery}` : ''}`;

  let sessionKey: string;
  let start: StreamPosition | undefined;
  if (store) {
    if (givenKey !== undefined) {
      sessionKey = givenKey;
      const existing = await store.get(streamId);
      if (existing?.sessionKey === givenKey) start = existing.position;
      else await store.set(streamId, { sessionKey });
    } else {
      const record = await store.create(streamId, { sessionKey: newSessionKey() });
      sessionKey = record.sessionKey;
      start = record.position;
    }
  } else {
    sessionKey = givenKey ?? newSessionKey();
  }

  const lockName = `${base} ${sessionKey}`;
  const releaseKey = claimSessionKey(lockName, sessionKey, `a measurement stream on ${path}`);
  let lock: SessionLock | undefined;
  try {
    if (store?.lock) lock = await store.lock(lockName, sessionKey);
  } catch (error) {
    releaseKey();
    throw error;
  }

  let stream: RealtimeStream<Row>;
  const persist = store ? (position: StreamPosition) => store.set(streamId, { sessionKey, position }) : undefined;
  const codec = new MeasurementCodec(path, start, persist, saveInterval, sessionKey);
  const q = new URLSearchParams({ session_key: sessionKey });
  if (filterQuery) for (const [k, v] of new URLSearchParams(filterQuery)) q.append(k, v);
  try {
    stream = new RealtimeStream<Row>(
      {
        ctx,
        path,
        query: q.toString(),
        codec,
        options: streamOptions,
        onEnd: async () => {
          try {
            await lock?.release();
          } finally {
            releaseKey();
          }
        },
      },
      sessionKey,
    );
  } catch (error) {
    await lock?.release();
    releaseKey();
    throw error;
  }
  return { stream, sessionKey };
}
