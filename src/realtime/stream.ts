/**
 * `RealtimeStream<T>`: a WebSocket stream as an async iterable that does not end on its own.
 *
 * - Reading (`for await`, `batches()`, `save()`) connects; `close()`, the `signal`, or breaking out of a
 *   `for await` ends it. Otherwise it ends only when the reconnect policy gives up or a fatal error comes
 *   (401/403 after a token refresh, 404, a malformed message): the read then throws that error, after the
 *   items already received. It never just stops.
 * - Back-pressure: received items wait in a buffer bounded by `highWaterMark`. When it is full the socket
 *   is paused (`ws.pause()`: no more reads, so TCP flow control holds the server back) and it resumes when
 *   the reader has taken it down to half. Memory stays flat however slow the reader.
 * - Acknowledgements (measurement streams): a frame counts as processed when the reader comes back for the
 *   next item after taking the frame's last one (a frame without items counts as soon as it is reached),
 *   and every fifth processed frame of the current connection sends `{"ack": "true"}` on it. Frames of an
 *   earlier connection are not acknowledged: the server sends them again after a reconnect and the codec
 *   drops them as duplicates. So the server only forgets what the reader has had.
 * - Events (`on(event, listener)` or the `on` option): open, disconnect, reconnect, error, backpressure, end.
 */
import { RestreamError, ValidationError, WebSocketError } from '../http/errors';
import type { ClientContext } from '../models/context';
import { createFormatWriter, formatOf } from '../formats/formats';
import { checkTarget, writeAtomically } from '../formats/sink';
import type { Row } from '../data/stream';
import { rejectUnknownOptions } from '../validate';
import { RealtimeConnection, type DisconnectEvent, type OpenEvent, type ReconnectEvent, type StreamErrorEvent } from './connection';
import { FrameBuffer, NONE } from './buffer';
import { resolveReconnectPolicy, type ReconnectOptions } from './reconnect';

export type { DisconnectEvent, OpenEvent, ReconnectEvent, StreamErrorEvent } from './connection';

/** `backpressure`: the buffer filled up (socket paused) or drained (resumed). */
export interface BackpressureEvent {
  paused: boolean;
  /** Items buffered at that moment. */
  buffered: number;
}

/** `end`: the stream is over. */
export interface EndEvent {
  /** `closed` by the caller (or a `save` limit), `aborted` by the signal, `failed` with `error`. */
  reason: 'closed' | 'aborted' | 'failed';
  error?: unknown;
}

export interface RealtimeEvents {
  open: OpenEvent;
  disconnect: DisconnectEvent;
  reconnect: ReconnectEvent;
  error: StreamErrorEvent;
  backpressure: BackpressureEvent;
  end: EndEvent;
}

export type RealtimeListeners = { [E in keyof RealtimeEvents]?: (event: RealtimeEvents[E]) => void };

/** Options every realtime stream takes. */
export interface RealtimeStreamOptions {
  /** Ends the stream; a pending read rejects with the signal's reason. */
  signal?: AbortSignal;
  /** Items buffered before the socket is paused (default 10 000; at least 1). */
  highWaterMark?: number;
  /** Reconnect policy (see ReconnectOptions), or `false` to end at the first close. Default: forever, 0.5–30 s backoff. */
  reconnect?: ReconnectOptions | false;
  /** Ping period in ms; a link silent for about twice that is dropped and reconnected. Default 30 000; 0 turns it off. */
  heartbeatMs?: number;
  /** Handshake timeout in ms (default: the client's `connectTimeoutMs`, 10 000 unless set). */
  connectTimeoutMs?: number;
  /** Listeners attached before the stream connects. */
  on?: RealtimeListeners;
}

export const STREAM_OPTION_NAMES = ['signal', 'highWaterMark', 'reconnect', 'heartbeatMs', 'connectTimeoutMs', 'on'] as const;

/** Counters of a stream, for logs and tests. */
export interface RealtimeStats {
  /** Connections opened. */
  connections: number;
  /** Reconnects scheduled. */
  reconnects: number;
  /** Frames received (empty ones and resent ones included). */
  frames: number;
  /** Frames that carried nothing (empty string, null). */
  emptyFrames: number;
  /** Items handed to the reader. */
  delivered: number;
  /** Items dropped because they had been received already (resent after a reconnect). */
  duplicates: number;
  /** Items waiting in the buffer now. */
  buffered: number;
  /** The most items ever waiting in the buffer. */
  maxBuffered: number;
  /** Times the socket was paused because the buffer was full. */
  pauses: number;
  /** Acks sent. */
  acks: number;
}

/** @internal What a kind of stream plugs into the generic one. */
export interface StreamCodec<T> {
  /** Whether frames are acknowledged (measurement streams). */
  readonly acks: boolean;
  /**
   * Decodes one frame (its bytes), pushing its items onto `out`, duplicates already dropped (count them in
   * `stats.duplicates`). Returns how many it pushed, or undefined for a frame that carries nothing. Throws
   * (an APICompatibilityError) for a malformed frame: that ends the stream.
   */
  decode(data: Buffer, stats: RealtimeStats, out: T[]): number | undefined;
  /** A snapshot of the codec's state after the last decoded frame, handed back to `delivered`. */
  mark?(): unknown;
  /** Every item of a frame has been handed over (the frame's `mark`). */
  delivered?(mark: unknown): void;
  /** Only the first items of a frame were handed over (the stream closed midway through it). */
  deliveredPartly?(items: readonly T[]): void;
  /** Runs once when the stream ends (e.g. saves the position); errors are reported as `error` events. */
  finish?(): Promise<void>;
  /** Called once by the stream: `report` emits a non-fatal `error` event. */
  bind?(hooks: { report(error: RestreamError): void }): void;
}

/** @internal */
export interface StreamSetup<T> {
  ctx: ClientContext;
  /** URL path (`/ws/data/site/1112/`). */
  path: string;
  /** Query string without `?`: the same on every connection. */
  query: string;
  codec: StreamCodec<T>;
  options: RealtimeStreamOptions;
  /** Awaited before the first connection (e.g. the one-stream-per-URL slot); may throw. */
  beforeConnect?: (signal: AbortSignal) => Promise<void>;
  /** Runs once when the stream ends: release locks and slots. */
  onEnd?: () => Promise<void> | void;
}

/** What `save` wrote. */
export interface RealtimeSaveResult {
  /** Absolute path of the file. */
  path: string;
  /** Items written. */
  rows: number;
  /** Bytes in the file. */
  bytes: number;
}

export interface RealtimeSaveOptions {
  /** Replace an existing file (default false). */
  overwrite?: boolean;
  /** Stop after this many items: the file is completed and the stream closed. */
  limit?: number;
  /** Aborts the save: the read rejects and no file is left under `path`. */
  signal?: AbortSignal;
  /** Called after each batch is written. */
  onProgress?: (progress: { rows: number; bytes: number }) => void;
}

const ACK = '{"ack": "true"}';
const DEFAULT_HWM = 10_000;
const MAX_PAYLOAD = 64 * 1024 * 1024;

function checkOptions(o: RealtimeStreamOptions): void {
  const int = (name: keyof RealtimeStreamOptions, min: number): void => {
    const v = o[name];
    if (v !== undefined && !(typeof v === 'number' && Number.isInteger(v) && v >= min)) throw new ValidationError(name, `must be an integer >= ${min}`);
  };
  int('highWaterMark', 1);
  int('heartbeatMs', 0);
  int('connectTimeoutMs', 1);
  if (o.signal !== undefined && !(o.signal instanceof AbortSignal)) throw new ValidationError('signal', 'must be an AbortSignal');
  if (o.on !== undefined) {
    if (typeof o.on !== 'object' || o.on === null) throw new ValidationError('on', 'must be an object of listeners');
    for (const [event, fn] of Object.entries(o.on)) {
      if (!EVENTS.includes(event as keyof RealtimeEvents)) throw new ValidationError(`on.${event}`, `unknown event; known: ${EVENTS.join(', ')}`);
      if (typeof fn !== 'function') throw new ValidationError(`on.${event}`, 'must be a function');
    }
  }
}

const EVENTS: ReadonlyArray<keyof RealtimeEvents> = ['open', 'disconnect', 'reconnect', 'error', 'backpressure', 'end'];

export class RealtimeStream<T> implements AsyncIterable<T> {
  /** The measurement session key (undefined for the other streams). */
  readonly sessionKey: string | undefined;
  readonly #setup: StreamSetup<T>;
  readonly #codec: StreamCodec<T>;
  readonly #connection: RealtimeConnection;
  readonly #hwm: number;
  readonly #lowWater: number;
  readonly #listeners = new Map<keyof RealtimeEvents, Set<(event: never) => void>>();
  readonly #stats: RealtimeStats = { connections: 0, reconnects: 0, frames: 0, emptyFrames: 0, delivered: 0, duplicates: 0, buffered: 0, maxBuffered: 0, pauses: 0, acks: 0 };

  readonly #buf = new FrameBuffer<T>();
  readonly #frameDone = (conn: number, mark: unknown): void => this.#done(conn, mark);
  #paused = false;
  #waiter: (() => void) | undefined;

  #started = false;
  #state: 'open' | 'closed' | 'aborted' | 'failed' = 'open';
  #error: unknown;
  #ending: Promise<void> | undefined;
  #ackConn = 0;
  #doneOnConn = 0;
  readonly #abort = new AbortController();

  /** @internal Use `site.getRealtimeMeasurementsData()`, `getRealtimeInstanceUpdates()`, `getRealtimeDataChangesUpdates()`. */
  constructor(setup: StreamSetup<T>, sessionKey?: string) {
    checkOptions(setup.options);
    this.#setup = setup;
    this.#codec = setup.codec;
    this.sessionKey = sessionKey;
    this.#hwm = setup.options.highWaterMark ?? DEFAULT_HWM;
    this.#lowWater = Math.floor(this.#hwm / 2);
    for (const [event, fn] of Object.entries(setup.options.on ?? {})) this.on(event as keyof RealtimeEvents, fn as never);
    const policy = resolveReconnectPolicy(setup.options.reconnect);
    this.#codec.bind?.({ report: (error) => this.#reportBackground(error) });
    this.#connection = new RealtimeConnection({
      ctx: setup.ctx,
      path: setup.path,
      query: setup.query,
      policy,
      heartbeatMs: setup.options.heartbeatMs ?? 30_000,
      connectTimeoutMs: setup.options.connectTimeoutMs ?? setup.ctx.timeouts.connectMs,
      maxPayload: MAX_PAYLOAD,
      handlers: {
        frame: (data, conn) => this.#onFrame(data, conn),
        open: (e) => {
          this.#stats.connections++;
          this.#emit('open', e);
        },
        disconnect: (e) => this.#emit('disconnect', e),
        reconnect: (e) => {
          this.#stats.reconnects++;
          this.#emit('reconnect', e);
        },
        error: (error) => this.#emit('error', { error, fatal: false }),
        fatal: (error) => this.#fail(error),
      },
    });
    const signal = setup.options.signal;
    if (signal) {
      if (signal.aborted) this.#onAbort(signal.reason);
      else signal.addEventListener('abort', () => this.#onAbort(signal.reason), { once: true });
    }
  }

  /** URL path of the stream. */
  get path(): string {
    return this.#setup.path;
  }

  /** Counters: connections, reconnects, frames, duplicates dropped, buffer use, acks. A snapshot. */
  get stats(): RealtimeStats {
    return { ...this.#stats, buffered: this.#buf.buffered };
  }

  /** True once the stream has ended (closed, aborted or failed). */
  get ended(): boolean {
    return this.#state !== 'open';
  }

  on<E extends keyof RealtimeEvents>(event: E, listener: (event: RealtimeEvents[E]) => void): this {
    if (!EVENTS.includes(event)) throw new ValidationError('event', `unknown event '${String(event)}'; known: ${EVENTS.join(', ')}`);
    let set = this.#listeners.get(event);
    if (!set) this.#listeners.set(event, (set = new Set()));
    set.add(listener as (event: never) => void);
    return this;
  }

  off<E extends keyof RealtimeEvents>(event: E, listener: (event: RealtimeEvents[E]) => void): this {
    this.#listeners.get(event)?.delete(listener as (event: never) => void);
    return this;
  }

  #emit<E extends keyof RealtimeEvents>(event: E, payload: RealtimeEvents[E]): void {
    const set = this.#listeners.get(event);
    if (!set) return;
    for (const fn of [...set]) {
      try {
        (fn as (e: RealtimeEvents[E]) => void)(payload);
      } catch (error) {
        // A listener's bug must not break the stream's bookkeeping; it surfaces like an emitter's would.
        queueMicrotask(() => {
          throw error;
        });
      }
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Lifecycle
  // -----------------------------------------------------------------------------------------------

  #start(): void {
    if (this.#started || this.#state !== 'open') return;
    this.#started = true;
    const before = this.#setup.beforeConnect;
    if (!before) {
      this.#connection.start();
      return;
    }
    before(this.#abort.signal).then(
      () => {
        if (this.#state === 'open') this.#connection.start();
      },
      (error: unknown) => {
        if (this.#state === 'open') this.#fail(error instanceof RestreamError ? error : new WebSocketError(String(error), { cause: error }));
      },
    );
  }

  /**
   * Ends the stream: acknowledges what the reader has had, sends a close frame, saves the session position,
   * releases the session key. Items still buffered are dropped (the server keeps them: they were not
   * acknowledged). Pending reads resolve as done. Idempotent.
   */
  close(): Promise<void> {
    if (this.#state === 'open') {
      this.#buf.finishTaken(this.#frameDone);
      const partly = this.#buf.partlyTaken();
      if (partly) this.#codec.deliveredPartly?.(partly);
      this.#end('closed');
    }
    return this.#ending ?? Promise.resolve();
  }

  #onAbort(reason: unknown): void {
    if (this.#state !== 'open') return;
    this.#error = reason;
    this.#end('aborted');
  }

  #fail(error: unknown): void {
    if (this.#state !== 'open') return;
    this.#error = error;
    this.#emit('error', { error: error as RestreamError, fatal: true });
    this.#end('failed');
  }

  /** A failure nobody awaits (a position that could not be saved): logged, and reported as an `error` event. */
  #reportBackground(error: RestreamError): void {
    this.#setup.ctx.log.error(`WebSocket ${this.#setup.path}: ${error.message}`);
    this.#emit('error', { error, fatal: false });
  }

  #end(state: 'closed' | 'aborted' | 'failed'): void {
    this.#state = state;
    this.#abort.abort();
    this.#connection.close();
    if (state !== 'failed') this.#buf.clear();
    this.#wake();
    this.#ending = (async () => {
      try {
        await this.#codec.finish?.();
      } catch (error) {
        this.#reportBackground(error instanceof RestreamError ? error : new RestreamError(String(error), { cause: error }));
      }
      try {
        await this.#setup.onEnd?.();
      } finally {
        this.#emit('end', { reason: state, ...(state === 'closed' ? {} : { error: this.#error }) });
      }
    })();
  }

  // -----------------------------------------------------------------------------------------------
  // Receiving
  // -----------------------------------------------------------------------------------------------

  #onFrame(data: Buffer, conn: number): void {
    if (this.#state !== 'open') return;
    const stats = this.#stats;
    stats.frames++;
    const buf = this.#buf;
    const out = buf.sink;
    const before = out.length;
    let n: number | undefined;
    try {
      n = this.#codec.decode(data, stats, out);
    } catch (error) {
      buf.truncate(before);
      this.#fail(error);
      return;
    }
    if (n === undefined) stats.emptyFrames++;
    // Without acks a frame without items changes nothing; with acks it still has to be counted.
    if (!n && !this.#codec.acks) return;
    buf.endFrame(conn, this.#codec.mark?.());
    const buffered = buf.buffered;
    if (buffered > stats.maxBuffered) stats.maxBuffered = buffered;
    if (!this.#paused && (buffered >= this.#hwm || buf.frames >= this.#hwm)) {
      this.#paused = true;
      stats.pauses++;
      this.#connection.pause();
      this.#emit('backpressure', { paused: true, buffered });
    }
    this.#wake();
  }

  #wake(): void {
    const w = this.#waiter;
    if (w) {
      this.#waiter = undefined;
      w();
    }
  }

  /** A frame has been processed: count it for the ack, and tell the codec. */
  #done(conn: number, mark: unknown): void {
    if (this.#codec.acks && conn === this.#connection.openId) {
      if (conn !== this.#ackConn) {
        this.#ackConn = conn;
        this.#doneOnConn = 0;
      }
      if (++this.#doneOnConn % 5 === 0 && this.#connection.send(ACK, conn)) this.#stats.acks++;
    }
    if (mark !== undefined) this.#codec.delivered?.(mark);
  }

  #maybeResume(): void {
    const buf = this.#buf;
    if (buf.buffered <= this.#lowWater && buf.frames <= this.#lowWater && this.#state === 'open') {
      this.#paused = false;
      this.#connection.resume();
      this.#emit('backpressure', { paused: false, buffered: buf.buffered });
    }
  }

  /** The next buffered item, or NONE (after finishing the frames the reader is done with). */
  #takeOne(): T | typeof NONE {
    const buf = this.#buf;
    buf.finishTaken(this.#frameDone);
    const item = buf.takeOne();
    if (item !== NONE) {
      this.#stats.delivered++;
      if (this.#paused) this.#maybeResume();
    }
    return item;
  }

  /** Up to `max` buffered items (possibly none). */
  #takeMany(max: number): T[] {
    const buf = this.#buf;
    buf.finishTaken(this.#frameDone);
    const out = buf.takeMany(max);
    this.#stats.delivered += out.length;
    if (this.#paused) this.#maybeResume();
    return out;
  }

  /** Waits until an item arrives or the stream ends; throws the stream's error (after the buffer is drained). */
  async #wait(): Promise<boolean> {
    for (;;) {
      if (this.#buf.buffered > 0 || this.#buf.hasReachableEmptyFrame) return true;
      if (this.#state === 'failed' || this.#state === 'aborted') throw this.#error;
      if (this.#state === 'closed') return false;
      // Itemless entries are only there to be counted; process them now rather than wait on them.
      await new Promise<void>((resolve) => (this.#waiter = resolve));
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Reading
  // -----------------------------------------------------------------------------------------------

  /** Items one by one. Breaking out of the loop closes the stream. One reader at a time. */
  [Symbol.asyncIterator](): AsyncIterator<T> {
    this.#start();
    const done: IteratorReturnResult<undefined> = { done: true, value: undefined };
    return {
      next: (): Promise<IteratorResult<T>> => {
        const item = this.#takeOne();
        if (item !== NONE) return Promise.resolve({ done: false, value: item });
        return this.#nextSlow(done);
      },
      return: async (): Promise<IteratorResult<T>> => {
        await this.close();
        return done;
      },
    };
  }

  async #nextSlow(done: IteratorReturnResult<undefined>): Promise<IteratorResult<T>> {
    for (;;) {
      if (!(await this.#wait())) return done;
      const item = this.#takeOne();
      if (item !== NONE) return { done: false, value: item };
    }
  }

  /**
   * Items in arrays, as many as are buffered (up to `max`, default 10 000) each time: the fastest way to
   * read. Breaking out of the loop closes the stream.
   */
  async *batches(options: { max?: number } = {}): AsyncGenerator<T[], void, undefined> {
    rejectUnknownOptions(options, ['max'], 'batches');
    const max = options.max ?? DEFAULT_HWM;
    if (!(Number.isInteger(max) && max >= 1)) throw new ValidationError('max', 'must be an integer >= 1');
    this.#start();
    let finished = false;
    try {
      for (;;) {
        const batch = this.#takeMany(max);
        if (batch.length > 0) {
          yield batch;
          continue;
        }
        if (!(await this.#wait())) break;
      }
      finished = true;
    } finally {
      if (!finished) await this.close();
    }
  }

  /**
   * Records the stream to `path` until it ends: `.json`, `.ndjson`/`.jsonl`, `.csv` or `.parquet` by extension, like
   * `Data.save`, through a temp file renamed into place. Ends (and resolves) when the stream is closed
   * (`close()` from elsewhere) or after `limit` items (then it closes the stream). If the stream fails or
   * the save's signal aborts, it rejects and leaves no file under `path`.
   */
  async save(path: string, options: RealtimeSaveOptions = {}): Promise<RealtimeSaveResult> {
    rejectUnknownOptions(options, ['overwrite', 'limit', 'signal', 'onProgress'], 'save');
    if (options.overwrite !== undefined && typeof options.overwrite !== 'boolean') throw new ValidationError('overwrite', 'must be true or false');
    const limit = options.limit ?? Infinity;
    if (limit !== Infinity && !(Number.isInteger(limit) && limit >= 1)) throw new ValidationError('limit', 'must be an integer >= 1');
    const signal = options.signal;
    const format = formatOf(path);
    const target = await checkTarget(path, options.overwrite ?? false);
    this.#start();
    let onAbort: (() => void) | undefined;
    const aborted = signal
      ? new Promise<never>((_, reject) => {
          onAbort = () => reject(signal.reason);
          if (signal.aborted) onAbort();
          else signal.addEventListener('abort', onAbort, { once: true });
        })
      : undefined;
    aborted?.catch(() => undefined);
    try {
      const { result: rows, bytes } = await writeAtomically(target, async (sink) => {
        const writer = createFormatWriter(format, sink, target);
        let count = 0;
        try {
          while (count < limit) {
            let batch = this.#takeMany(Math.min(DEFAULT_HWM, limit - count));
            if (batch.length === 0) {
              const more = aborted ? await Promise.race([this.#wait(), aborted]) : await this.#wait();
              if (!more) break;
              batch = this.#takeMany(Math.min(DEFAULT_HWM, limit - count));
              if (batch.length === 0) continue;
            }
            if (signal?.aborted) throw signal.reason;
            await writer.write({ rows: batch as unknown as Row[] });
            count += batch.length;
            options.onProgress?.({ rows: count, bytes: sink.bytes });
          }
          await writer.finish();
        } catch (error) {
          await writer.discard();
          throw error;
        }
        return count;
      });
      if (rows >= limit) await this.close();
      return { path: target, rows, bytes };
    } finally {
      if (onAbort) signal?.removeEventListener('abort', onAbort);
    }
  }

  /** A secret-free summary. */
  toJSON(): Record<string, unknown> {
    return { path: this.path, sessionKey: this.sessionKey, ended: this.ended, stats: this.stats };
  }
}
