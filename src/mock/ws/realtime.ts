/**
 * The WebSocket half of the mock server, on the HTTP server's port (through its `upgrade` event): the
 * three stream kinds of the contract's `x-websockets`, Bearer auth on the handshake, session queues that
 * outlive connections, live rows from the same measurement model as `/data/`, and the faults tests need.
 *
 * - Measurements (`/ws/data/{site,pad}/{id}/?session_key=…&<data filters>`): see session.ts for the queue.
 *   Filters that select a time range (`start_datetime`, `end_datetime`, a stage filter) replay that history
 *   first (up to the mock's "now"); every stream then gets live rows: pushed by a test
 *   (`pushMeasurements`) or made on a timer (`setLive`). Shaping filters (fields, units, sources, routed)
 *   apply to both; live rows are always raw (one per second).
 * - Instance updates (`/external/thirdparty/v2/ws/{sites,pads}/{id}/`): the current object on connect,
 *   then again after each `pushInstanceUpdate`.
 * - Data changes (`…/{id}/data_changes/`): each `pushDataChange` creates a change (listed and confirmable
 *   over REST like the others) and sends it to the site's and its pad's streams; when no connection is
 *   open on a path, its events wait for the next one.
 * - Handshakes are refused as the API refuses them: 404 unknown path or id, 401 missing/bad token, 400 bad
 *   filters, 429 a second connection on a session key (or, for the other streams, on the same URL with the
 *   same token) while one is open. Each refusal is an HTTP answer with a JSON body, never a 101.
 */
import { EventEmitter } from 'node:events';
import type { IncomingMessage } from 'node:http';
import { STATUS_CODES } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { buildDataPlan } from '../data-query';
import type { Faults, DropRule } from '../faults';
import { HttpError, q, queryOf, type Query } from '../http-util';
import { rowTexts, type DataPlan, type MeasurementModel, type Range } from '../measurements';
import { redactHeaders } from '../recorder';
import type { TokenStore } from '../auth';
import type { DataChange, Kind, MockWorld } from '../world';
import { pushTextFrame } from './frames';
import { matchWsRoute, wsPath, type StreamKind, type WsRoute } from './paths';
import { MeasurementSession, newSessionKey, type FrameSettings, type MockSessionInfo, type SessionCursor } from './session';

/** Options of the WebSocket side, under `startMockServer({ realtime })`. */
export interface MockRealtimeOptions {
  /** Rows per measurement message (default 1: each message carries one row object; more: a list). */
  rowsPerMessage?: number;
  /** An empty frame (bare `null` or `""`) after every N data frames (default 20; 0: never), as the real feed sends them. */
  emptyFrameEvery?: number;
  /** Live rows held per session while nobody reads them (default 100 000); older ones are dropped. */
  maxLiveRows?: number;
  /** Live rows on a timer (default off; tests usually push rows with `pushMeasurements`). */
  live?: LiveOptions | false;
  /**
   * A second connection on a session key that has one open: `refuse` (default) answers 429, as the API's
   * one-connection-per-URL rule does; `allow` lets it in, and both connections get the queue's frames
   * (the duplicates the API warns about). Either way it is counted in the session's `concurrentAttempts`.
   */
  concurrentKeys?: 'refuse' | 'allow';
  /**
   * Render a session's whole history replay when the session is created, instead of row by row as it is
   * sent (default false). For benchmarks: the feed then costs the server little more than the socket
   * writes, so a fast reader is not held back by the rows being made.
   */
  prerenderHistory?: boolean;
}

export interface LiveOptions {
  /** Timer period in ms. */
  intervalMs: number;
  /** Seconds of rows per tick for every pad with a measurement session (default 1). */
  seconds?: number;
}

/** A measurement row as a test may push it verbatim. */
export type PushedRow = { timestamp: number; site_id?: number } & Record<string, number | string | null | undefined>;

/** One WebSocket handshake and, when accepted, its connection. */
export interface RecordedConnection {
  /** Which stream the path names; undefined for an unknown path (404). */
  stream: StreamKind | undefined;
  path: string;
  query: Query;
  /** The session key of a measurement stream (the one the server made up when the client sent none). */
  sessionKey: string | undefined;
  /** Lower-case names; `authorization` redacted to its scheme. */
  headers: Record<string, string>;
  /** 101 when accepted, else the refusal status. */
  status: number;
  /** The refusal's `detail`. */
  serverMessage?: string;
  openedAt: Date;
  closedAt?: Date;
  /** Close code seen by the server (1006: no close frame). */
  closeCode?: number;
  /** Set when the server itself ended the connection: a fault or a restart. */
  endedBy?: 'drop-destroy' | 'drop-close' | 'drop-silent' | 'restart' | 'shutdown';
  framesSent: number;
  acks: number;
  /** Client messages, parsed when JSON (raw text otherwise); the first 100. */
  clientMessages: unknown[];
  /** A second connection on a session key while one was open. */
  concurrent: boolean;
}

export interface MockRealtimeEvents {
  /** A handshake was accepted. */
  connection: [RecordedConnection];
  /** A handshake was refused. */
  refused: [RecordedConnection];
  /** An accepted connection ended (or was dropped silently). */
  closed: [RecordedConnection];
  /** An ack arrived on a measurement session. */
  ack: [{ sessionKey: string; acknowledged: number }];
}

/** Control over the WebSocket side of a running mock server (`mock.realtime`). */
export interface MockRealtime {
  /**
   * Live measurement rows. `rows` a number: the next that many seconds of the model's rows (the live
   * clock starts just after the mock's "now" and moves per site; a pad target moves all its sites together,
   * rows in timestamp order). `rows` an array: those rows verbatim, to one site (routed pad streams get
   * `site_id` added). Every measurement session that covers the site gets them, connected or not.
   */
  pushMeasurements(target: number | { site: number } | { pad: number }, rows: number | readonly PushedRow[]): void;
  /**
   * A frame sent verbatim (malformed-message tests): queued on a measurement session after its pending
   * rows (`{ sessionKey }`), or sent now on the open connections of a path (`{ path }`).
   */
  pushFrame(target: { sessionKey: string } | { path: string }, text: string): void;
  /** Sends a site's or pad's object (merged with `patch`, which sticks for later connections) to its update streams. */
  pushInstanceUpdate(target: { site: number } | { pad: number }, patch?: Record<string, unknown>): void;
  /**
   * Creates data change(s) of a site and sends them to the site's and its pad's data-change streams: one
   * object, or a list when `changes` is an array. Returns the created changes.
   */
  pushDataChange(siteId: number, changes?: Partial<Omit<DataChange, 'id' | 'site'>> | Array<Partial<Omit<DataChange, 'id' | 'site'>>>): DataChange[];
  /** Changes frame settings from now on (rowsPerMessage, emptyFrameEvery, maxLiveRows, concurrentKeys). */
  configure(options: Omit<MockRealtimeOptions, 'live'>): void;
  /** Starts (or with `false` stops) live rows on a timer. */
  setLive(options: LiveOptions | false): void;
  /** The measurement sessions by key (a snapshot). */
  readonly sessions: ReadonlyMap<string, MockSessionInfo>;
  /** One session (a snapshot), or undefined. */
  session(sessionKey: string): MockSessionInfo | undefined;
  /** Forgets every session (queues included). */
  clearSessions(): void;
  /** Handshakes so far, oldest first (a snapshot). */
  readonly connections: readonly RecordedConnection[];
  /** Forgets the recorded handshakes. */
  clearConnections(): void;
  /** Connections open now (on a pathname, or all). */
  openConnections(path?: string): number;
  /**
   * Drops the open connections (on a pathname, or all) now: `destroy` (default) cuts TCP without a close
   * frame, `close` sends close frame 1011. Returns how many. Sessions keep their queues.
   */
  dropConnections(options?: { path?: string; mode?: 'destroy' | 'close' }): number;
  /** The next live second of a site. */
  liveCursor(siteId: number): number;
  on<E extends keyof MockRealtimeEvents>(event: E, listener: (...args: MockRealtimeEvents[E]) => void): this;
  off<E extends keyof MockRealtimeEvents>(event: E, listener: (...args: MockRealtimeEvents[E]) => void): this;
  once<E extends keyof MockRealtimeEvents>(event: E, listener: (...args: MockRealtimeEvents[E]) => void): this;
}

/** What the realtime side needs from the server. */
export interface RealtimeDeps {
  readonly world: MockWorld;
  readonly model: MeasurementModel;
  readonly tokens: TokenStore;
  readonly faults: Faults;
}

/** Bytes the server lets pile up in a socket before it waits for the client to read. */
const SEND_HIGH_WATER = 256 * 1024;
/** Frames are written in batches of about this many bytes. */
const BATCH_CHARS = 64 * 1024;

interface RawSocket {
  write(data: string, encoding: 'latin1', cb?: (err?: Error | null) => void): boolean;
}
const MAX_RECORDED_CLIENT_MESSAGES = 100;
/** Filters that select history to replay before going live. */
const TIME_FILTERS = ['start_datetime', 'end_datetime', 'stage_number', 'state_imatch'];

interface Conn extends SessionCursor {
  ws: WebSocket;
  record: RecordedConnection;
  route: WsRoute;
  path: string;
  session: MeasurementSession | undefined;
  /** `token path` of a feed connection (one per URL per token). */
  feedKey: string | undefined;
  drop: DropRule | undefined;
  sent: number;
  /** Waiting for the socket to drain (or for a drop to happen). */
  waiting: boolean;
  /** No longer served: closed, or dropped silently. */
  gone: boolean;
}

function checkCount(name: string, v: unknown, min: number): void {
  if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min)) throw new RangeError(`realtime.${name} must be an integer >= ${min}, got ${String(v)}`);
}

function checkOptions(o: MockRealtimeOptions): void {
  checkCount('rowsPerMessage', o.rowsPerMessage, 1);
  checkCount('emptyFrameEvery', o.emptyFrameEvery, 0);
  checkCount('maxLiveRows', o.maxLiveRows, 1);
  if (o.prerenderHistory !== undefined && typeof o.prerenderHistory !== 'boolean') throw new RangeError('realtime.prerenderHistory must be true or false');
  if (o.concurrentKeys !== undefined && o.concurrentKeys !== 'refuse' && o.concurrentKeys !== 'allow') {
    throw new RangeError("realtime.concurrentKeys must be 'refuse' or 'allow'");
  }
}

function checkLive(o: LiveOptions): void {
  if (!(typeof o.intervalMs === 'number' && o.intervalMs >= 1)) throw new RangeError('realtime.live.intervalMs must be >= 1');
  checkCount('live.seconds', o.seconds, 1);
}

/** The canonical text of a query without `session_key`: sorted keys, values in order. */
function canonicalFilters(query: Query): string {
  const params = new URLSearchParams();
  for (const key of Object.keys(query).sort()) {
    if (key === 'session_key') continue;
    for (const v of query[key]!) params.append(key, v);
  }
  return params.toString();
}

function clipTo(ranges: readonly Range[], to: number): Range[] {
  return ranges.filter(([a]) => a <= to).map(([a, b]): Range => [a, Math.min(b, to)]);
}

/** Answers a handshake with an HTTP error instead of 101. */
function refuseHandshake(socket: Duplex, status: number, body: unknown, headers: Record<string, string>): void {
  const text = JSON.stringify(body);
  const head = [
    `HTTP/1.1 ${status} ${STATUS_CODES[status] ?? 'Error'}`,
    'Content-Type: application/json',
    `Content-Length: ${Buffer.byteLength(text)}`,
    'Connection: close',
    ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`),
  ];
  if (socket.destroyed) return;
  socket.once('finish', () => socket.destroy());
  socket.end(`${head.join('\r\n')}\r\n\r\n${text}`);
}

const REFUSAL_BODIES: Record<number, string> = {
  400: 'Bad request.',
  401: 'Invalid token.',
  403: 'You do not have permission to perform this action.',
  404: 'Not found.',
  429: 'Request was throttled.',
  500: 'A server error occurred.',
  502: 'Bad gateway.',
  503: 'Service temporarily unavailable, try again later.',
};

export class RealtimeServer extends EventEmitter implements MockRealtime {
  private readonly wss = new WebSocketServer({ noServer: true, perMessageDeflate: false, clientTracking: false });
  private readonly settings: FrameSettings;
  private readonly prerenderHistory: boolean;
  private concurrentKeys: 'refuse' | 'allow';
  private readonly byKey = new Map<string, MeasurementSession>();
  private readonly conns = new Set<Conn>();
  /** Open feed connections (instance updates, data changes) by pathname. */
  private readonly feeds = new Map<string, Set<Conn>>();
  private readonly feedKeys = new Set<string>();
  /** Data-change messages waiting for a connection, by pathname. */
  private readonly pendingChanges = new Map<string, string[]>();
  private readonly patches = new Map<string, Record<string, unknown>>();
  private readonly live = new Map<number, number>();
  private log: RecordedConnection[] = [];
  private liveTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly deps: RealtimeDeps,
    options: MockRealtimeOptions = {},
  ) {
    super();
    checkOptions(options);
    this.settings = {
      rowsPerMessage: options.rowsPerMessage ?? 1,
      emptyFrameEvery: options.emptyFrameEvery ?? 20,
      maxLiveRows: options.maxLiveRows ?? 100_000,
    };
    this.concurrentKeys = options.concurrentKeys ?? 'refuse';
    this.prerenderHistory = options.prerenderHistory === true;
    if (options.live) this.setLive(options.live);
  }

  // -----------------------------------------------------------------------------------------------
  // Handshakes
  // -----------------------------------------------------------------------------------------------

  /** The server's `upgrade` handler. */
  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const url = new URL(req.url ?? '/', 'http://mock.invalid');
    const path = url.pathname;
    const query = queryOf(url.searchParams);
    const record: RecordedConnection = {
      stream: undefined,
      path,
      query,
      sessionKey: undefined,
      headers: redactHeaders(req.headers),
      status: 0,
      openedAt: new Date(),
      framesSent: 0,
      acks: 0,
      clientMessages: [],
      concurrent: false,
    };
    this.log.push(record);

    let accept: (ws: WebSocket) => void;
    try {
      const route = matchWsRoute(path);
      if (!route) throw HttpError.notFound();
      record.stream = route.stream;
      const refusal = this.deps.faults.takeRefusal(path);
      if (refusal) {
        const headers: Record<string, string> = {};
        if (refusal.retryAfter !== undefined) headers['Retry-After'] = String(refusal.retryAfter);
        if (refusal.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="api", error="invalid_token"';
        throw new HttpError(refusal.status, { detail: REFUSAL_BODIES[refusal.status] ?? `HTTP ${refusal.status}` }, headers);
      }
      const token = this.deps.tokens.verify(req.headers.authorization);
      this.deps.world.sitesOf(route.kind, route.id);
      accept = route.stream === 'measurements' ? this.prepareMeasurements(route, path, query, record) : this.prepareFeed(route, path, token, record);
    } catch (err) {
      const e = err instanceof HttpError ? err : new HttpError(500, { detail: 'A server error occurred.' });
      if (!(err instanceof HttpError)) console.error('[restream-mock] websocket handshake error:', err);
      record.status = e.status;
      record.serverMessage = e.message;
      record.closedAt = new Date();
      refuseHandshake(socket, e.status, e.body, e.headers);
      this.emit('refused', record);
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => {
      record.status = 101;
      accept(ws);
      this.emit('connection', record);
    });
  }

  private prepareMeasurements(route: WsRoute, path: string, query: Query, record: RecordedConnection): (ws: WebSocket) => void {
    const given = q(query, 'session_key');
    if (given !== undefined && given.trim() === '') throw HttpError.badRequest('session_key: must not be empty.');
    const key = given ?? newSessionKey();
    record.sessionKey = key;
    const filters = canonicalFilters(query);
    const existing = this.byKey.get(key);
    if (existing?.conn) {
      existing.concurrentAttempts++;
      record.concurrent = true;
      if (this.concurrentKeys === 'refuse') {
        throw new HttpError(429, { detail: 'This session key already has an open connection.' }, { 'Retry-After': '1' });
      }
    }
    let session = existing;
    if (!session || session.path !== path || session.filters !== filters) {
      session = this.newSession(route, key, path, query, filters);
      if (existing) {
        session.resets = existing.resets + 1;
        session.connections = existing.connections;
      }
    }
    const chosen = session;
    return (ws) => {
      if (this.byKey.get(key) !== chosen) this.byKey.set(key, chosen);
      this.openConn(ws, route, path, record, chosen, undefined);
    };
  }

  private newSession(route: WsRoute, key: string, path: string, query: Query, filters: string): MeasurementSession {
    const filterQuery: Query = { ...query };
    delete filterQuery.session_key;
    const plan = buildDataPlan(this.deps.world, route.kind, route.id, filterQuery);
    const now = this.deps.world.now();
    let history: Iterator<string> | undefined;
    let historyEnd = -Infinity;
    if (TIME_FILTERS.some((k) => k in filterQuery)) {
      const sites = plan.sites.map((s) => ({ siteId: s.siteId, ranges: clipTo(s.ranges, now) }));
      for (const s of sites) for (const [, b] of s.ranges) historyEnd = Math.max(historyEnd, b);
      history = rowTexts(this.deps.model, { ...plan, sites });
      if (this.prerenderHistory) {
        // One flat string sliced into rows: the rows as made are ropes, which every frame would flatten again.
        // (Row texts are JSON, so they never hold a raw newline.)
        history = Array.from({ [Symbol.iterator]: () => history! })
          .join('\n')
          .split('\n')
          .values();
      }
    }
    return new MeasurementSession(key, path, filters, plan, history, historyEnd, () => this.settings);
  }

  private prepareFeed(route: WsRoute, path: string, token: string, record: RecordedConnection): (ws: WebSocket) => void {
    const feedKey = `${token} ${path}`;
    if (this.feedKeys.has(feedKey)) {
      throw new HttpError(429, { detail: 'Another connection to this URL is already open.' }, { 'Retry-After': '1' });
    }
    return (ws) => {
      this.feedKeys.add(feedKey);
      const conn = this.openConn(ws, route, path, record, undefined, feedKey);
      let set = this.feeds.get(path);
      if (!set) this.feeds.set(path, (set = new Set()));
      set.add(conn);
      if (route.stream === 'instance-updates') {
        this.sendFeed(conn, JSON.stringify(this.objectOf(route.kind, route.id)));
      } else {
        const pending = this.pendingChanges.get(path);
        this.pendingChanges.delete(path);
        for (const text of pending ?? []) this.sendFeed(conn, text);
      }
    };
  }

  private openConn(ws: WebSocket, route: WsRoute, path: string, record: RecordedConnection, session: MeasurementSession | undefined, feedKey: string | undefined): Conn {
    const conn: Conn = {
      ws,
      record,
      route,
      path,
      session,
      feedKey,
      drop: this.deps.faults.takeDrop(path),
      sent: 0,
      waiting: false,
      gone: false,
      nextSeq: session ? session.head : 0,
    };
    this.conns.add(conn);
    ws.on('error', () => undefined);
    ws.on('close', (code) => {
      record.closeCode = code;
      this.detach(conn);
    });
    if (session) {
      session.connections++;
      session.cursors.add(conn);
      ws.on('message', (data, isBinary) => this.onClientMessage(conn, data, isBinary));
      if (conn.drop?.messages === 0) this.dropLink(conn);
      else this.pump(conn);
    } else {
      ws.on('message', (data, isBinary) => this.recordClientMessage(conn, data, isBinary));
      if (conn.drop?.messages === 0) this.dropLink(conn);
    }
    return conn;
  }

  /** Stops serving a connection: on close, or when it is dropped silently. */
  private detach(conn: Conn): void {
    if (conn.gone) return;
    conn.gone = true;
    conn.record.closedAt = new Date();
    this.conns.delete(conn);
    const s = conn.session;
    s?.cursors.delete(conn);
    if (conn.feedKey !== undefined) {
      this.feedKeys.delete(conn.feedKey);
      this.feeds.get(conn.path)?.delete(conn);
    }
    this.emit('closed', conn.record);
  }

  private recordClientMessage(conn: Conn, data: RawData, isBinary: boolean): unknown {
    const text = isBinary ? undefined : data.toString();
    let parsed: unknown = text;
    if (text !== undefined) {
      try {
        parsed = JSON.parse(text);
      } catch {
        parsed = text;
      }
    }
    if (conn.record.clientMessages.length < MAX_RECORDED_CLIENT_MESSAGES) conn.record.clientMessages.push(isBinary ? '<binary>' : parsed);
    return parsed;
  }

  private onClientMessage(conn: Conn, data: RawData, isBinary: boolean): void {
    const msg = this.recordClientMessage(conn, data, isBinary);
    const session = conn.session!;
    if (typeof msg === 'object' && msg !== null && (msg as { ack?: unknown }).ack !== undefined) {
      const ack = (msg as { ack?: unknown }).ack;
      if (ack === 'true' || ack === true) {
        conn.record.acks++;
        session.ack(conn);
        this.emit('ack', { sessionKey: session.key, acknowledged: session.head });
      }
    }
  }

  // -----------------------------------------------------------------------------------------------
  // Sending
  // -----------------------------------------------------------------------------------------------

  /**
   * Sends queued frames until none is left or the socket is full; resumes when it drains or rows arrive.
   * Frames go out in batches, written straight to the socket (see frames.ts), so a burst of messages
   * costs one write, not a few per message.
   */
  private pump(conn: Conn): void {
    const ws = conn.ws;
    const socket = (ws as unknown as { _socket?: RawSocket })._socket;
    if (!socket || ws.readyState !== ws.OPEN) return;
    const session = conn.session!;
    // Frames as latin1 pieces, joined into one flat string per write (no rope to flatten twice).
    let parts: string[] = [];
    let bytes = 0;
    const write = (cb?: (err?: Error | null) => void): void => {
      socket.write(parts.join(''), 'latin1', cb);
      parts = [];
      bytes = 0;
    };
    while (!conn.gone && !conn.waiting) {
      if (conn.nextSeq < session.head) conn.nextSeq = session.head; // another connection acknowledged ahead of us
      const frame = session.frame(conn.nextSeq);
      if (frame === undefined) break;
      conn.nextSeq++;
      conn.sent++;
      conn.record.framesSent++;
      session.sent++;
      pushTextFrame(parts, frame);
      bytes += frame.length + 10;
      if (conn.drop && conn.sent >= conn.drop.messages) {
        conn.waiting = true;
        write(() => this.dropLink(conn));
        return;
      }
      if (ws.bufferedAmount + bytes > SEND_HIGH_WATER) {
        conn.waiting = true;
        write((err) => {
          conn.waiting = false;
          if (!err) this.pump(conn);
        });
        return;
      }
      if (bytes >= BATCH_CHARS) write();
    }
    if (parts.length > 0) write();
  }

  private sendFeed(conn: Conn, text: string): void {
    if (conn.gone || conn.waiting) return;
    conn.sent++;
    conn.record.framesSent++;
    if (conn.drop && conn.sent >= conn.drop.messages) {
      conn.waiting = true;
      conn.ws.send(text, () => this.dropLink(conn));
      return;
    }
    conn.ws.send(text);
  }

  private dropLink(conn: Conn): void {
    const mode = conn.drop?.mode ?? 'destroy';
    conn.record.endedBy = mode === 'destroy' ? 'drop-destroy' : mode === 'close' ? 'drop-close' : 'drop-silent';
    if (mode === 'destroy') {
      conn.ws.terminate();
    } else if (mode === 'close') {
      conn.ws.close(1011, 'mock: link dropped');
    } else {
      // Stop reading (so no pong either) and stop sending, but keep the TCP connection open.
      conn.ws.pause();
      this.detach(conn);
    }
  }

  /** Ends every connection at once (restart, shutdown); sessions and their queues stay. */
  disconnectAll(reason: 'restart' | 'shutdown'): void {
    for (const conn of [...this.conns]) {
      conn.record.endedBy ??= reason;
      conn.ws.terminate();
      this.detach(conn);
    }
  }

  /** Stops the live timer and ends every connection. */
  shutdown(): void {
    this.setLive(false);
    this.disconnectAll('shutdown');
  }

  // -----------------------------------------------------------------------------------------------
  // Pushing
  // -----------------------------------------------------------------------------------------------

  pushMeasurements(target: number | { site: number } | { pad: number }, rows: number | readonly PushedRow[]): void {
    const t = typeof target === 'number' ? { site: target } : target;
    const world = this.deps.world;
    let siteIds: number[];
    try {
      siteIds = 'pad' in t ? world.sitesOf('pads', t.pad).map((s) => s.id) : [world.siteDef(t.site).id];
    } catch {
      throw new RangeError(`pushMeasurements: no such ${'pad' in t ? `pad ${t.pad}` : `site ${(t as { site: number }).site}`}`);
    }
    if (typeof rows === 'number') {
      if (!(Number.isInteger(rows) && rows >= 1)) throw new RangeError('pushMeasurements: rows must be a positive integer or an array of rows');
      const from = Math.max(...siteIds.map((id) => this.liveCursor(id)));
      const to = from + rows - 1;
      for (const id of siteIds) this.live.set(id, to + 1);
      this.pushGenerated(new Set(siteIds), from, to);
      return;
    }
    if (!Array.isArray(rows)) throw new TypeError('pushMeasurements: rows must be a number or an array');
    if ('pad' in t) throw new TypeError('pushMeasurements: explicit rows go to one site ({ site } or a site id)');
    const siteId = siteIds[0]!;
    for (const row of rows) {
      if (typeof row !== 'object' || row === null || typeof row.timestamp !== 'number') throw new TypeError('pushMeasurements: each row needs a numeric timestamp');
    }
    for (const session of this.byKey.values()) {
      if (!session.plan.sites.some((s) => s.siteId === siteId)) continue;
      const texts = rows.map((row) => JSON.stringify(session.plan.routed && row.site_id === undefined ? { ...row, site_id: siteId } : row));
      this.deliverLive(session, texts);
    }
  }

  private pushGenerated(siteIds: ReadonlySet<number>, from: number, to: number): void {
    for (const session of this.byKey.values()) {
      const sites = session.plan.sites.filter((s) => siteIds.has(s.siteId));
      const start = Math.max(from, session.historyEnd + 1);
      if (sites.length === 0 || start > to) continue;
      const plan: DataPlan = { ...session.plan, bucket: 1, sites: sites.map((s) => ({ siteId: s.siteId, ranges: [[start, to]] })) };
      this.deliverLive(session, [...rowTexts(this.deps.model, plan)]);
    }
  }

  private deliverLive(session: MeasurementSession, texts: string[]): void {
    if (texts.length === 0) return;
    session.pushLive(texts);
    for (const cursor of session.cursors) this.pump(cursor as Conn);
  }

  pushFrame(target: { sessionKey: string } | { path: string }, text: string): void {
    if (typeof text !== 'string') throw new TypeError('pushFrame: text must be a string');
    if ('sessionKey' in target) {
      const session = this.byKey.get(target.sessionKey);
      if (!session) throw new RangeError(`pushFrame: no session ${target.sessionKey}`);
      session.pushFrame(text);
      for (const cursor of session.cursors) this.pump(cursor as Conn);
      return;
    }
    for (const conn of [...this.conns]) {
      if (conn.path !== target.path) continue;
      if (conn.session) {
        conn.session.pushFrame(text);
        this.pump(conn);
      } else {
        this.sendFeed(conn, text);
      }
    }
  }

  pushInstanceUpdate(target: { site: number } | { pad: number }, patch: Record<string, unknown> = {}): void {
    const kind: Kind = 'pad' in target ? 'pads' : 'sites';
    const id = 'pad' in target ? target.pad : target.site;
    try {
      this.deps.world.sitesOf(kind, id);
    } catch {
      throw new RangeError(`pushInstanceUpdate: no such ${kind === 'pads' ? 'pad' : 'site'} ${id}`);
    }
    const key = `${kind}:${id}`;
    this.patches.set(key, { ...this.patches.get(key), ...patch });
    const text = JSON.stringify(this.objectOf(kind, id));
    for (const conn of this.feeds.get(wsPath('instance-updates', kind, id)) ?? []) this.sendFeed(conn, text);
  }

  private objectOf(kind: Kind, id: number): unknown {
    const world = this.deps.world;
    const base = kind === 'sites' ? world.siteJson(world.siteDef(id)) : world.padJson(world.padDef(id));
    return { ...base, ...this.patches.get(`${kind}:${id}`), id };
  }

  pushDataChange(siteId: number, changes: Partial<Omit<DataChange, 'id' | 'site'>> | Array<Partial<Omit<DataChange, 'id' | 'site'>>> = {}): DataChange[] {
    const world = this.deps.world;
    let padId: number;
    try {
      padId = world.siteDef(siteId).padId;
    } catch {
      throw new RangeError(`pushDataChange: no such site ${siteId}`);
    }
    const list = Array.isArray(changes) ? changes : [changes];
    const created = list.map((c) => world.addDataChange(siteId, c));
    const text = JSON.stringify(Array.isArray(changes) ? created : created[0]);
    for (const path of [wsPath('data-changes', 'sites', siteId), wsPath('data-changes', 'pads', padId)]) {
      const open = this.feeds.get(path);
      if (open && open.size > 0) {
        for (const conn of open) this.sendFeed(conn, text);
      } else {
        const pending = this.pendingChanges.get(path) ?? [];
        pending.push(text);
        this.pendingChanges.set(path, pending);
      }
    }
    return created;
  }

  configure(options: Omit<MockRealtimeOptions, 'live'>): void {
    checkOptions(options);
    if (options.rowsPerMessage !== undefined) this.settings.rowsPerMessage = options.rowsPerMessage;
    if (options.emptyFrameEvery !== undefined) this.settings.emptyFrameEvery = options.emptyFrameEvery;
    if (options.maxLiveRows !== undefined) this.settings.maxLiveRows = options.maxLiveRows;
    if (options.concurrentKeys !== undefined) this.concurrentKeys = options.concurrentKeys;
  }

  setLive(options: LiveOptions | false): void {
    if (this.liveTimer) clearInterval(this.liveTimer);
    this.liveTimer = undefined;
    if (!options) return;
    checkLive(options);
    const seconds = options.seconds ?? 1;
    this.liveTimer = setInterval(() => {
      const pads = new Set<number>();
      for (const session of this.byKey.values()) {
        for (const s of session.plan.sites) pads.add(this.deps.world.siteDef(s.siteId).padId);
      }
      for (const pad of pads) this.pushMeasurements({ pad }, seconds);
    }, options.intervalMs);
    this.liveTimer.unref();
  }

  // -----------------------------------------------------------------------------------------------
  // Inspection
  // -----------------------------------------------------------------------------------------------

  get sessions(): ReadonlyMap<string, MockSessionInfo> {
    return new Map([...this.byKey].map(([k, s]) => [k, s.info()]));
  }

  session(sessionKey: string): MockSessionInfo | undefined {
    return this.byKey.get(sessionKey)?.info();
  }

  clearSessions(): void {
    this.byKey.clear();
  }

  get connections(): readonly RecordedConnection[] {
    return [...this.log];
  }

  clearConnections(): void {
    this.log = [];
  }

  openConnections(path?: string): number {
    let n = 0;
    for (const c of this.conns) if (path === undefined || c.path === path) n++;
    return n;
  }

  liveCursor(siteId: number): number {
    return this.live.get(siteId) ?? this.deps.world.now() + 1;
  }

  dropConnections(options: { path?: string; mode?: 'destroy' | 'close' } = {}): number {
    const mode = options.mode ?? 'destroy';
    if (mode !== 'destroy' && mode !== 'close') throw new RangeError("dropConnections: mode must be 'destroy' or 'close'");
    let n = 0;
    for (const conn of [...this.conns]) {
      if (options.path !== undefined && conn.path !== options.path) continue;
      conn.drop = { remaining: 0, messages: 0, mode };
      this.dropLink(conn);
      n++;
    }
    return n;
  }
}
