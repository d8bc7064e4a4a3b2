/**
 * Shared pieces of the realtime tests: a mock server with a fixed clock, a bare `ws` client for the
 * mock-side tests, an SDK client with fast retries, and event waiting (no sleeping on luck).
 */
import type { EventEmitter } from 'node:events';
import WebSocket from 'ws';
import { Restream, type RestreamOptions } from '../../src';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/mock';

/** The tests' "now": history replays end here, live rows start just after. */
export const T0 = new Date('2025-10-09T08:00:00Z');
export const T0S = T0.getTime() / 1000;

export async function startRealtimeMock(options: MockServerOptions = {}): Promise<MockServer> {
  return startMockServer({ seed: 7, now: () => T0, ...options });
}

/** An SDK client on the mock with fast REST retries. */
export function client(mock: MockServer, extra: RestreamOptions = {}): Restream {
  return new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, retry: { baseDelayMs: 1, maxDelayMs: 5 }, env: {}, ...extra });
}

/** Fast reconnects for tests. */
export const FAST = { baseDelayMs: 2, maxDelayMs: 10 } as const;

export function wsUrl(mock: MockServer, path: string, query: Record<string, string> = {}): string {
  const qs = new URLSearchParams(query).toString();
  return `${mock.url.replace(/^http/, 'ws')}${path}${qs ? `?${qs}` : ''}`;
}

/** A refused handshake: status and parsed body. */
export interface Refusal {
  status: number;
  body: unknown;
  headers: Record<string, string | string[] | undefined>;
}

/** A bare ws client that keeps every text frame. */
export class RawClient {
  readonly frames: string[] = [];
  private waiters: Array<{ n: number; resolve: () => void }> = [];
  readonly closed: Promise<{ code: number; reason: string }>;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data: Buffer) => {
      this.frames.push(data.toString());
      this.waiters = this.waiters.filter((w) => {
        if (this.frames.length >= w.n) w.resolve();
        return this.frames.length < w.n;
      });
    });
    this.closed = new Promise((resolve) => ws.on('close', (code, reason) => resolve({ code, reason: reason.toString() })));
  }

  /** Resolves once `n` frames in all have arrived. */
  frameCount(n: number): Promise<void> {
    if (this.frames.length >= n) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ n, resolve }));
  }

  /** The frames parsed, for streams whose every frame has the `{session_key, message}` envelope. */
  parsed(): Array<{ session_key?: string; message: unknown }> {
    return this.frames.map((f) => JSON.parse(f) as { session_key?: string; message: unknown });
  }

  /** The message of each frame: an envelope's `message`, or a bare frame's value (an empty frame: `null`, `""`). */
  messages(): unknown[] {
    return this.frames.map((f) => {
      const v = JSON.parse(f) as unknown;
      return typeof v === 'object' && v !== null && 'message' in v ? (v as { message: unknown }).message : v;
    });
  }

  ack(): void {
    this.ws.send(JSON.stringify({ ack: 'true' }));
  }

  close(): Promise<unknown> {
    this.ws.close();
    return this.closed;
  }
}

/** Opens a bare ws connection; resolves the client, or the refusal when the handshake is answered with an error. */
export function connectRaw(mock: MockServer, path: string, options: { token?: string | null; query?: Record<string, string> } = {}): Promise<RawClient | Refusal> {
  const token = options.token === undefined ? mock.issueToken() : options.token;
  const ws = new WebSocket(wsUrl(mock, path, options.query), { headers: token === null ? {} : { Authorization: `Bearer ${token}` } });
  const client = new RawClient(ws);
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(client));
    ws.once('unexpected-response', (_req, res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => {
        ws.terminate();
        let body: unknown = text;
        try {
          body = JSON.parse(text);
        } catch {
          // keep the text
        }
        resolve({ status: res.statusCode ?? 0, body, headers: res.headers });
      });
    });
    ws.once('error', (e) => reject(e));
  });
}

export async function openRaw(mock: MockServer, path: string, options: { token?: string | null; query?: Record<string, string> } = {}): Promise<RawClient> {
  const r = await connectRaw(mock, path, options);
  if (!(r instanceof RawClient)) throw new Error(`handshake refused: ${r.status} ${JSON.stringify(r.body)}`);
  return r;
}

export async function refusalOf(mock: MockServer, path: string, options: { token?: string | null; query?: Record<string, string> } = {}): Promise<Refusal> {
  const r = await connectRaw(mock, path, options);
  if (r instanceof RawClient) {
    await r.close();
    throw new Error(`expected a refusal, the handshake succeeded on ${path}`);
  }
  return r;
}

/** Resolves with the first event (of an EventEmitter) whose arguments satisfy `test`. */
export function waitForEvent<A extends unknown[]>(emitter: EventEmitter | { on(e: string, f: (...a: A) => void): unknown; off(e: string, f: (...a: A) => void): unknown }, event: string, test: (...args: A) => boolean = () => true): Promise<A> {
  return new Promise((resolve) => {
    const on = (...args: A): void => {
      if (!test(...args)) return;
      (emitter as { off(e: string, f: (...a: A) => void): unknown }).off(event, on);
      resolve(args);
    };
    (emitter as { on(e: string, f: (...a: A) => void): unknown }).on(event, on);
  });
}

/** Resolves once `cond()` holds, checking now and after each `event` of `emitter`. */
export function until(emitter: { on(e: string, f: () => void): unknown; off(e: string, f: () => void): unknown }, event: string, cond: () => boolean): Promise<void> {
  if (cond()) return Promise.resolve();
  return new Promise((resolve) => {
    const on = (): void => {
      if (!cond()) return;
      emitter.off(event, on);
      resolve();
    };
    emitter.on(event, on);
  });
}

/** Resolves once a stream event satisfying `test` fires. */
export function nextStreamEvent<E>(stream: { on(e: never, f: (x: E) => void): unknown; off(e: never, f: (x: E) => void): unknown }, event: string, test: (e: E) => boolean = () => true): Promise<E> {
  return new Promise((resolve) => {
    const on = (e: E): void => {
      if (!test(e)) return;
      stream.off(event as never, on);
      resolve(e);
    };
    stream.on(event as never, on);
  });
}

/** Consecutive integers from `from`, `n` of them. */
export function range(from: number, n: number): number[] {
  return Array.from({ length: n }, (_, i) => from + i);
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
