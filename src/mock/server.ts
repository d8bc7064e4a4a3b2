/**
 * The embedded ReStream server: a real node:http server on the loopback interface that answers like the
 * API (auth, 429 concurrency limit, every REST endpoint, streamed measurement data) and can be scripted
 * to fail. The WebSocket streams (src/mock/ws/) share the port through the `upgrade` event.
 */
import { createServer, type IncomingMessage, type RequestListener, type Server, type ServerResponse } from 'node:http';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { Duplex } from 'node:stream';
import { TOKEN_PATH, TokenStore, tokenResponse } from './auth';
import { Faults, failureResponse, type MockFaults } from './faults';
import { HttpError, parseBody, queryOf, readBody } from './http-util';
import { InFlight } from './inflight';
import { MeasurementModel, type PadRowOrder, type RowShape } from './measurements';
import { RequestLog, redactBody, type RecordedRequest } from './recorder';
import { findRoute } from './routes';
import { MockWorld } from './world';
import { RealtimeServer, type MockRealtime, type MockRealtimeOptions } from './ws/realtime';
import type { MockSessionInfo } from './ws/session';

export interface MockServerOptions {
  /** TCP port; 0 (the default) lets the OS pick a free one. */
  port?: number;
  /** Loopback only: `127.0.0.1` (default) or `::1`. */
  host?: '127.0.0.1' | '::1';
  /** Seed of all demo data (default 1). Same seed, same clock day → same pads, stages and rows. */
  seed?: number;
  /** Client id the token endpoint accepts (default `mock-client-id`). */
  clientId?: string;
  /** Client secret the token endpoint accepts (default `mock-client-secret`). */
  clientSecret?: string;
  /** Token lifetime (default 36000 s, like the real API); measured on the mock's clock. */
  tokenTtlSeconds?: number;
  /**
   * Row layout of /data/ and of live rows: `sparse` (default) as the real API sends them (mostly 2 or 11
   * keys, a 45-key row every 10 s from a site with instruments), `full` (dense: every series on every row,
   * ragged now and then; the benchmarks' worst case) or `wide12` (fixed 12-key rows). All carry `site_id`.
   */
  rowShape?: RowShape;
  /**
   * How /data/ orders a pad's rows: `site` (default) groups them by site, then time, as the real API does;
   * `time` orders them by timestamp, then site id.
   */
  padRowOrder?: PadRowOrder;
  /** Concurrent requests allowed per endpoint path per token (default 3, like the real API). */
  concurrencyLimit?: number;
  /** The mock's clock: "now" for stage progress, default data windows and token expiry. Default: the system clock. */
  now?: () => Date;
  /** The WebSocket side: rows per message, empty frames, live rows on a timer, concurrent-key policy. */
  realtime?: MockRealtimeOptions;
  /**
   * Serve HTTPS and WSS (on the one port) with this key and certificate (PEM), e.g. one signed by a
   * throwaway CA to test the client's `ca` option and `NODE_EXTRA_CA_CERTS`. The URL becomes `https://`.
   */
  tls?: { key: string | Buffer; cert: string | Buffer };
}

/** Ids of the demo data. */
export interface DemoIds {
  pads: number[];
  sites: number[];
  /** The pad with three sites (697). */
  demoPad: number;
  /** Its sites (1111, 1112, 1113). */
  demoSites: number[];
}

/** Handles an HTTP upgrade (WebSocket handshake) on the mock's port. */
export type UpgradeHandler = (req: IncomingMessage, socket: Duplex, head: Buffer) => void;

/** A running mock server. */
export interface MockServer {
  /** Base URL, e.g. `http://127.0.0.1:54321` (use as RESTREAM_HOST). */
  readonly url: string;
  readonly port: number;
  readonly clientId: string;
  readonly clientSecret: string;
  readonly ids: DemoIds;
  /** Requests received so far (a snapshot), oldest first. */
  readonly requests: readonly RecordedRequest[];
  /** Forgets the recorded requests and the maxInFlight statistics. */
  clearRequests(): void;
  /** The highest number of concurrent requests seen on a pathname (ids included, query excluded), or on any path. */
  maxInFlight(path?: string): number;
  /** Requests in flight now on a pathname, or on all paths (a data stream counts until its body ends). */
  inFlight(path?: string): number;
  /** Resolves when every response has ended (finished, aborted or cut). */
  whenIdle(): Promise<void>;
  readonly faults: MockFaults;
  /** Issues a valid access token without a request. */
  issueToken(): string;
  /** The underlying server (an `https.Server` with the `tls` option), for attaching more protocols. */
  readonly httpServer: Server | HttpsServer;
  /**
   * Replaces the handler of HTTP upgrades. The default serves the API's WebSocket streams (`realtime`);
   * `undefined` refuses every upgrade with 404.
   */
  onUpgrade(handler: UpgradeHandler | undefined): void;
  /** The WebSocket streams: push rows, updates and data changes; inspect sessions and handshakes. */
  readonly realtime: MockRealtime;
  /** The measurement sessions by key (a snapshot; same as `realtime.sessions`). */
  readonly sessions: ReadonlyMap<string, MockSessionInfo>;
  /**
   * Restarts the server in place: every connection (HTTP and WebSocket) is cut without a close frame,
   * the port stops listening for `downMs` (default 0; clients meanwhile get "connection refused"), then
   * listens again on the same port. Data, tokens, fault rules and the WebSocket session queues are kept,
   * as a real server restart keeps what it stores.
   */
  restart(options?: { downMs?: number }): Promise<void>;
  /** Closes every connection and stops listening. */
  close(): Promise<void>;
}

/** Everything a request handler needs; shared with protocols added on the same port. */
export interface MockContext {
  readonly clientId: string;
  readonly clientSecret: string;
  readonly world: MockWorld;
  readonly model: MeasurementModel;
  readonly tokens: TokenStore;
  readonly inflight: InFlight;
  readonly faults: Faults;
  readonly log: RequestLog;
}

const LOOPBACK = new Set(['127.0.0.1', '::1']);

function checkOptions(o: MockServerOptions): void {
  const int = (name: string, v: unknown, min: number, max = Number.MAX_SAFE_INTEGER): void => {
    if (v !== undefined && !(Number.isInteger(v) && (v as number) >= min && (v as number) <= max)) {
      throw new RangeError(`startMockServer: ${name} must be an integer in [${min}, ${max}], got ${String(v)}`);
    }
  };
  int('port', o.port, 0, 65535);
  int('seed', o.seed, -(2 ** 31), 2 ** 32 - 1);
  int('concurrencyLimit', o.concurrencyLimit, 1);
  if (o.tokenTtlSeconds !== undefined && !(o.tokenTtlSeconds > 0)) throw new RangeError('startMockServer: tokenTtlSeconds must be > 0');
  if (o.host !== undefined && !LOOPBACK.has(o.host)) throw new RangeError(`startMockServer: host must be a loopback address (127.0.0.1 or ::1), got ${o.host}`);
  if (o.tls !== undefined && (o.tls === null || typeof o.tls !== 'object' || !o.tls.key || !o.tls.cert)) {
    throw new RangeError('startMockServer: tls must be { key, cert } (PEM)');
  }
  if (o.rowShape !== undefined && !['full', 'sparse', 'wide12'].includes(o.rowShape)) {
    throw new RangeError(`startMockServer: rowShape must be full, sparse or wide12, got ${String(o.rowShape)}`);
  }
  if (o.padRowOrder !== undefined && !['site', 'time'].includes(o.padRowOrder)) {
    throw new RangeError(`startMockServer: padRowOrder must be site or time, got ${String(o.padRowOrder)}`);
  }
}

/** What the two command lines (`restream-mock`, `restream mock`) print first: URL, credentials, demo ids. */
export function mockServerSummary(mock: MockServer): string[] {
  return [
    `ReStream mock server listening on ${mock.url}`,
    `client id:     ${mock.clientId}`,
    `client secret: ${mock.clientSecret}`,
    `demo pad ${mock.ids.demoPad}, sites ${mock.ids.demoSites.join(', ')}`,
  ];
}

/** Starts the mock ReStream server and resolves once it listens. */
export async function startMockServer(options: MockServerOptions = {}): Promise<MockServer> {
  checkOptions(options);
  const clock = options.now ?? (() => new Date());
  const host = options.host ?? '127.0.0.1';
  const tokens = new TokenStore(clock, options.tokenTtlSeconds ?? 36000);
  const world = new MockWorld(options.seed ?? 1, clock);
  const ctx: MockContext = {
    clientId: options.clientId ?? 'mock-client-id',
    clientSecret: options.clientSecret ?? 'mock-client-secret',
    world,
    model: new MeasurementModel(world.seed, options.rowShape ?? 'sparse', world.timelines, world.bareSites(), options.padRowOrder ?? 'site', (siteId) => world.changeIntervals(siteId)),
    tokens,
    inflight: new InFlight(options.concurrencyLimit ?? 3),
    faults: new Faults(() => tokens.expireAll()),
    log: new RequestLog(),
  };

  const realtime = new RealtimeServer(ctx, options.realtime);

  const listener: RequestListener = (req, res) => {
    handle(ctx, req, res).catch((err: unknown) => internalError(res, err));
  };
  const server = options.tls ? createHttpsServer({ keepAlive: true, key: options.tls.key, cert: options.tls.cert }, listener) : createServer({ keepAlive: true }, listener);
  let upgrade: UpgradeHandler | undefined = (req, socket, head) => realtime.handleUpgrade(req, socket, head);
  const upgraded = new Set<Duplex>();
  server.on('upgrade', (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    // Upgraded sockets leave the server's connection tracking; keep them so close() can end them.
    upgraded.add(socket);
    socket.once('close', () => upgraded.delete(socket));
    // A client that resets mid-handshake must not crash the server.
    socket.on('error', () => undefined);
    if (upgrade) upgrade(req, socket, head);
    else socket.end('HTTP/1.1 404 Not Found\r\nContent-Type: application/json\r\nContent-Length: 23\r\nConnection: close\r\n\r\n{"detail":"Not found."}');
  });

  const listen = (port: number): Promise<void> =>
    new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  await listen(options.port ?? 0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('mock server: no TCP address');
  const port = address.port;

  let closing: Promise<void> | undefined;
  let restarting: Promise<void> | undefined;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    clientId: ctx.clientId,
    clientSecret: ctx.clientSecret,
    ids: world.ids(),
    get requests() {
      return ctx.log.all;
    },
    clearRequests() {
      ctx.log.clear();
      ctx.inflight.resetStats();
    },
    maxInFlight: (path) => ctx.inflight.maxSeen(path),
    inFlight: (path) => ctx.inflight.current(path),
    whenIdle: () => ctx.log.whenIdle(),
    faults: ctx.faults,
    issueToken: () => tokens.issue().access_token,
    httpServer: server,
    onUpgrade(handler) {
      upgrade = handler;
    },
    realtime,
    get sessions() {
      return realtime.sessions;
    },
    restart(restartOptions = {}) {
      const downMs = restartOptions.downMs ?? 0;
      if (!(downMs >= 0)) return Promise.reject(new RangeError('restart: downMs must be >= 0'));
      if (closing) return Promise.reject(new Error('restart: the mock server is closed'));
      restarting ??= (async () => {
        realtime.disconnectAll('restart');
        for (const s of upgraded) s.destroy();
        await new Promise<void>((resolve) => {
          server.close(() => resolve());
          server.closeAllConnections();
        });
        if (downMs > 0) await new Promise((resolve) => setTimeout(resolve, downMs));
        await listen(port);
      })().finally(() => {
        restarting = undefined;
      });
      return restarting;
    },
    close() {
      closing ??= new Promise<void>((resolve) => {
        ctx.faults.reset();
        realtime.shutdown();
        for (const s of upgraded) s.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
  };
}

async function handle(ctx: MockContext, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const method = (req.method ?? 'GET').toUpperCase();
  const url = new URL(req.url ?? '/', 'http://mock.invalid');
  const path = url.pathname;
  const record = ctx.log.start(method, path, queryOf(url.searchParams), req.headers, res);
  const send = (status: number, text: string, contentType: string, headers: Record<string, string> = {}): void => {
    if (res.headersSent || res.destroyed) return;
    const length = Buffer.byteLength(text);
    record.status = status;
    record.bytes += length;
    res.writeHead(status, { 'Content-Type': contentType, 'Content-Length': length, ...headers });
    res.end(text);
  };
  try {
    const body = parseBody(await readBody(req), req.headers['content-type']);
    record.body = redactBody(body);

    if (path === TOKEN_PATH) {
      if (await injectFault(ctx, method, path, res, send)) return;
      if (method !== 'POST') throw new HttpError(405, { detail: `Method "${method}" not allowed.` });
      const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
      const issued = tokenResponse(ctx.tokens, ctx, type === 'application/x-www-form-urlencoded' ? body : undefined, req.headers.authorization);
      send(200, JSON.stringify(issued), 'application/json', { 'Cache-Control': 'no-store', Pragma: 'no-cache' });
      return;
    }

    const { route, id } = findRoute(method, path);
    const token = ctx.tokens.verify(req.headers.authorization);
    const release = ctx.inflight.tryAcquire(token, path);
    if (!release) {
      throw new HttpError(429, { detail: 'Request was throttled: too many concurrent requests on this endpoint.' }, { 'Retry-After': '1' });
    }
    // 'close' fires once the response has ended, normally or not; a stream holds its slot until then.
    res.once('close', release);
    if (await injectFault(ctx, method, path, res, send)) return;

    const reply = route.handle({ id, query: record.query, body, world: ctx.world, model: ctx.model });
    if ('stream' in reply) {
      record.status = 200;
      await streamBody(ctx, method, path, res, reply.stream, record);
    } else {
      send(reply.status, JSON.stringify(reply.body), 'application/json');
    }
  } catch (err) {
    if (!(err instanceof HttpError)) throw err;
    send(err.status, JSON.stringify(err.body), 'application/json', err.headers);
  }
}

type Send = (status: number, text: string, contentType: string, headers?: Record<string, string>) => void;

/** Applies delay, failNext and malformNext rules; true when the request has been answered by a fault. */
async function injectFault(ctx: MockContext, method: string, path: string, res: ServerResponse, send: Send): Promise<boolean> {
  const delay = ctx.faults.takeDelay(method, path);
  if (delay) await delay.wait(res);
  if (res.destroyed) return true;
  const fail = ctx.faults.takeFailure(method, path);
  if (fail) {
    const r = failureResponse(fail);
    send(r.status, r.body, r.contentType, r.headers);
    return true;
  }
  const malformed = ctx.faults.takeMalform(method, path);
  if (malformed) {
    send(200, malformed.body, malformed.contentType);
    return true;
  }
  return false;
}

/** Resolves on 'drain' or 'close', whichever comes first. */
function drained(res: ServerResponse): Promise<void> {
  return new Promise((resolve) => {
    const done = (): void => {
      res.off('drain', done);
      res.off('close', done);
      resolve();
    };
    res.on('drain', done);
    res.on('close', done);
  });
}

/**
 * Pulls body chunks from the generator and writes them, waiting for 'drain' whenever the socket buffer
 * is full, and stops pulling as soon as the client has gone. A cutStream rule truncates the body.
 */
async function streamBody(ctx: MockContext, method: string, path: string, res: ServerResponse, chunks: Iterator<string>, record: RecordedRequest): Promise<void> {
  const cut = ctx.faults.takeCut(method, path);
  res.writeHead(200, { 'Content-Type': 'application/json' });
  // Headers go out first, so even a cut at byte 0 reaches the client as a 200 with a broken body.
  res.flushHeaders();
  let sinceYield = 0;
  try {
    for (;;) {
      if (res.destroyed) return;
      // A fast reader on loopback may never make write() return false; yield now and then so timers and
      // other requests (WebSocket live rows, a second download) of this process still get their turn.
      if (++sinceYield >= 16) {
        sinceYield = 0;
        await new Promise<void>((resolve) => setImmediate(resolve));
      }
      const next = chunks.next();
      if (next.done) break;
      let chunk = next.value;
      if (cut && record.bytes + chunk.length >= cut.afterBytes) {
        chunk = chunk.slice(0, cut.afterBytes - record.bytes);
        record.bytes += chunk.length;
        if (cut.mode === 'end') {
          res.end(chunk);
        } else if (cut.mode === 'stall') {
          // The bytes so far go out; then nothing, on a connection left open until the client gives up.
          if (chunk.length > 0) res.write(chunk);
          if (!res.destroyed) await new Promise<void>((resolve) => res.once('close', () => resolve()));
        } else {
          if (chunk.length > 0) res.write(chunk);
          // end() then destroy() rather than destroy() alone: the bytes already written must reach the
          // client before the connection drops, or "cut after N bytes" would not mean N.
          const socket = res.socket;
          if (socket) {
            socket.once('finish', () => socket.destroy());
            socket.end();
          } else {
            res.destroy();
          }
        }
        return;
      }
      record.bytes += chunk.length;
      // The body is ASCII; latin1 is the cheapest encoding of V8's one-byte strings.
      if (!res.write(chunk, 'latin1')) {
        sinceYield = 0;
        await drained(res);
      }
    }
    res.end();
  } finally {
    chunks.return?.();
  }
}

function internalError(res: ServerResponse, err: unknown): void {
  console.error('[restream-mock] internal error:', err);
  if (!res.headersSent && !res.destroyed) {
    const text = JSON.stringify({ detail: 'A server error occurred.' });
    res.writeHead(500, { 'Content-Type': 'application/json', 'Content-Length': Buffer.byteLength(text) });
    res.end(text);
  } else {
    res.destroy();
  }
}
