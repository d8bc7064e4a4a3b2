/**
 * The server side of a measurement session key: one queue of frames that outlives its connections.
 *
 * How the mock models the real service (API.md: "the server keeps a queue per session key: reconnecting
 * with the same key continues where the queue stood"):
 * - Frames are made lazily, in order: the history replay first (when the stream's filters select a time
 *   range), then live rows. Every `emptyFrameEvery` data frames an empty frame is queued too, as the real
 *   feed sends them: bare JSON `null` or `""`, alternately, without the session envelope (the official
 *   client skips exactly those, and would hand `{"message": null}` to its users). Empty frames are frames
 *   like any other (queued, acknowledged, resent).
 * - Each connection sends the queue from its head: the first frame not yet acknowledged.
 * - Each `{"ack": "true"}` acknowledges five frames: the five oldest are removed from the queue.
 * - So after a reconnect the unacknowledged tail (frames the client received but had not acknowledged yet,
 *   and frames lost in flight) is sent again; the client de-duplicates.
 * - A session is bound to its path and filters: the same key with another path or other filters starts a
 *   new queue (and counts as a reset), as a stream with other filters is another stream.
 */
import { randomBytes } from 'node:crypto';
import type { DataPlan } from '../measurements';

/** How frames are made; read on every frame, so `mock.realtime.configure()` applies at once. */
export interface FrameSettings {
  /** Rows per measurement message: 1 sends a row object, more send a list of up to that many rows. */
  rowsPerMessage: number;
  /** An empty frame after every N data frames (0: never). */
  emptyFrameEvery: number;
  /** Live rows held per session while nobody reads them; the oldest are dropped beyond this. */
  maxLiveRows: number;
}

/** What a test can see of a session. */
export interface MockSessionInfo {
  sessionKey: string;
  /** Pathname of the stream, e.g. `/ws/data/site/1112/`. */
  path: string;
  /** The stream's filters as a canonical query string (sorted, `session_key` left out). */
  filters: string;
  /** A connection is open on the key now. */
  connected: boolean;
  /** Connections accepted on the key so far. */
  connections: number;
  /** Second connections refused (or, with `concurrentKeys: 'allow'`, let in) while one was open. */
  concurrentAttempts: number;
  /** Frames made so far (queued, sent or acknowledged). */
  produced: number;
  /** Frames acknowledged and removed from the queue. */
  acknowledged: number;
  /** Frames in the queue: made and not acknowledged yet. */
  queued: number;
  /** Frames sent, resends after reconnects included. */
  sent: number;
  /** Acks received. */
  acks: number;
  /** Whether the history replay has been fully made into frames (true when there was none). */
  historyDone: boolean;
  /** Live rows waiting to be made into frames. */
  pendingLiveRows: number;
  /** Live rows dropped because nobody read them (beyond `maxLiveRows`). */
  droppedLiveRows: number;
  /** Times the key came back with another path or other filters and got a fresh queue. */
  resets: number;
}

/** The part of a connection the session needs. */
export interface SessionCursor {
  /** Sequence number of the next frame this connection sends. */
  nextSeq: number;
}

const COMPACT_AT = 4096;
/** Marks a live entry that is a whole frame (a test's raw text), not a row. */
const RAW = '\u0000raw:';

/** An array used as a FIFO: items before `start` are gone; compacted now and then. */
class Fifo {
  items: string[] = [];
  start = 0;

  get length(): number {
    return this.items.length - this.start;
  }

  push(item: string): void {
    this.items.push(item);
  }

  shift(): string | undefined {
    if (this.start >= this.items.length) return undefined;
    const item = this.items[this.start]!;
    this.drop(1);
    return item;
  }

  at(i: number): string | undefined {
    return this.items[this.start + i];
  }

  peek(): string | undefined {
    return this.items[this.start];
  }

  drop(n: number): void {
    this.start += n;
    if (this.start >= this.items.length) {
      this.items = [];
      this.start = 0;
    } else if (this.start > COMPACT_AT && this.start * 2 > this.items.length) {
      this.items = this.items.slice(this.start);
      this.start = 0;
    }
  }
}

export function newSessionKey(): string {
  return randomBytes(16).toString('hex');
}

export class MeasurementSession {
  private readonly frames = new Fifo();
  /** Sequence number of the queue's head: the number of frames acknowledged so far. */
  private firstSeq = 0;
  private history: Iterator<string> | undefined;
  private readonly live = new Fifo();
  private dataSinceEmpty = 0;
  private emptyToggle = false;
  private readonly prefix: string;

  /** The connections open on the key now (one, unless `concurrentKeys: 'allow'` let in more). */
  readonly cursors = new Set<SessionCursor>();
  connections = 0;
  concurrentAttempts = 0;
  sent = 0;
  acks = 0;
  droppedLiveRows = 0;
  resets = 0;

  constructor(
    readonly key: string,
    readonly path: string,
    readonly filters: string,
    /** The stream's plan: which sites, fields, units; live rows are made with it. */
    readonly plan: DataPlan,
    history: Iterator<string> | undefined,
    /** Last second of the history replay (live rows at or before it are not sent again); -Infinity without one. */
    readonly historyEnd: number,
    private readonly settings: () => FrameSettings,
  ) {
    this.history = history;
    this.prefix = `{"session_key": ${JSON.stringify(key)}, "message": `;
  }

  /** A connection open on the key, if any. */
  get conn(): SessionCursor | undefined {
    return this.cursors.values().next().value;
  }

  /** Sequence number of the first frame not acknowledged: where a new connection starts. */
  get head(): number {
    return this.firstSeq;
  }

  get produced(): number {
    return this.firstSeq + this.frames.length;
  }

  /** The frame with sequence number `seq`, making frames as needed; undefined when none is available yet. */
  frame(seq: number): string | undefined {
    while (seq >= this.produced) if (!this.produce()) return undefined;
    return this.frames.at(seq - this.firstSeq);
  }

  /** An ack from the connection: removes the five oldest frames it has been sent. */
  ack(cursor: SessionCursor): number {
    this.acks++;
    const n = Math.max(0, Math.min(5, cursor.nextSeq - this.firstSeq));
    this.frames.drop(n);
    this.firstSeq += n;
    return n;
  }

  /** Queues live row texts (already shaped by this session's plan). */
  pushLive(rows: readonly string[]): void {
    for (const row of rows) this.live.push(row);
    const excess = this.live.length - this.settings().maxLiveRows;
    if (excess > 0) {
      this.live.drop(excess);
      this.droppedLiveRows += excess;
    }
  }

  /** Queues a whole frame, verbatim, after the live rows queued so far (malformed-message tests). */
  pushFrame(text: string): void {
    this.live.push(RAW + text);
  }

  info(): MockSessionInfo {
    return {
      sessionKey: this.key,
      path: this.path,
      filters: this.filters,
      connected: this.conn !== undefined,
      connections: this.connections,
      concurrentAttempts: this.concurrentAttempts,
      produced: this.produced,
      acknowledged: this.firstSeq,
      queued: this.frames.length,
      sent: this.sent,
      acks: this.acks,
      historyDone: this.history === undefined,
      pendingLiveRows: this.live.length,
      droppedLiveRows: this.droppedLiveRows,
      resets: this.resets,
    };
  }

  /** Makes the next frame; false when there is nothing to send yet. */
  private produce(): boolean {
    const s = this.settings();
    if (s.emptyFrameEvery > 0 && this.dataSinceEmpty >= s.emptyFrameEvery) {
      this.dataSinceEmpty = 0;
      this.emptyToggle = !this.emptyToggle;
      this.frames.push(this.emptyToggle ? 'null' : '""');
      return true;
    }
    if (this.history === undefined && this.live.peek()?.startsWith(RAW)) {
      this.frames.push(this.live.shift()!.slice(RAW.length));
      return true;
    }
    const first = this.nextRow();
    if (first === undefined) return false;
    if (s.rowsPerMessage <= 1) {
      this.frames.push([this.prefix, first, '}'].join(''));
    } else {
      // Joined, not concatenated: one flat string instead of a rope the socket write would flatten again.
      const parts = [this.prefix, '[', first];
      for (let i = 1; i < s.rowsPerMessage; i++) {
        if (this.history === undefined && this.live.peek()?.startsWith(RAW)) break;
        const row = this.nextRow();
        if (row === undefined) break;
        parts.push(', ', row);
      }
      parts.push(']}');
      this.frames.push(parts.join(''));
    }
    this.dataSinceEmpty++;
    return true;
  }

  private nextRow(): string | undefined {
    if (this.history) {
      const next = this.history.next();
      if (!next.done) return next.value;
      this.history = undefined;
    }
    return this.live.shift();
  }
}
