/**
 * Measurement streams through the SDK against the mock server: exactly once through broken links, a
 * server restart and an expired token; session keys; back-pressure; reconnection that backs off, resets,
 * reports and gives up only by policy; typed errors; close, abort and save.
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { APICompatibilityError, AuthError, ConnectionError, Restream, ValidationError, WebSocketError } from '../../src';
import type { MockServer } from '../../src/mock';
import type { Row } from '../../src/data/stream';
import type { DisconnectEvent, OpenEvent, ReconnectEvent, StreamErrorEvent } from '../../src/realtime';
import { assertValidWebSocketMessage, validateQuery } from '../helpers/contract';
import { FAST, T0S, client, nextStreamEvent, range, sleep, startRealtimeMock, until } from './helpers';

const SITE_PATH = '/ws/data/site/1112/';

let mock: MockServer;
let rs: Restream;

beforeEach(async () => {
  mock = await startRealtimeMock();
  rs = client(mock);
});
afterEach(async () => {
  await mock.close();
});

interface Recorded {
  open: OpenEvent[];
  disconnect: DisconnectEvent[];
  reconnect: ReconnectEvent[];
  error: StreamErrorEvent[];
}

function record(stream: { on(e: never, f: (x: never) => void): unknown }): Recorded {
  const r: Recorded = { open: [], disconnect: [], reconnect: [], error: [] };
  for (const key of Object.keys(r) as Array<keyof Recorded>) stream.on(key as never, ((e: never) => (r[key] as unknown[]).push(e)) as never);
  return r;
}

const at = (s: number): Date => new Date(s * 1000);
const tokenRequests = (): number => mock.requests.filter((r) => r.path === '/o/token/').length;

describe('exactly once, in order', () => {
  it('through two dropped links, a server restart and a token that expired between connections', async () => {
    mock.realtime.configure({ rowsPerMessage: 3, emptyFrameEvery: 7 });
    const start = T0S - 899; // 900 rows of history, then 300 live
    const { stream, sessionKey } = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: at(start), reconnect: FAST });
    expect(sessionKey).toMatch(/^[0-9a-f]{32}$/);
    const events = record(stream);
    mock.faults.dropLinkAfter({ messages: 40 }); // first link: cut without a close frame
    mock.faults.dropLinkAfter({ messages: 70, mode: 'close' }); // second link: closed by the server

    const rows: Row[] = [];
    for await (const row of stream) {
      rows.push(row);
      if (rows.length === 400) await mock.restart();
      if (rows.length === 600) {
        mock.faults.expireTokens();
        mock.realtime.dropConnections();
      }
      if (rows.length === 900) mock.realtime.pushMeasurements(1112, 300);
      if (rows.length === 1200) break;
    }
    expect(stream.ended).toBe(true);

    expect(rows.map((r) => r.timestamp)).toEqual(range(start, 1200));
    const rest = await rs.site(1112).getData({ startDatetime: at(start), endDatetime: at(start + 1199) }).toArray();
    expect(rows).toEqual(rest);

    // The repeats really came (and were dropped), and every break was reported.
    expect(stream.stats.duplicates).toBeGreaterThan(0);
    expect(stream.stats.emptyFrames).toBeGreaterThan(0);
    // Every connection but the last (which close() ended) was reported lost, then reconnected.
    expect(stream.stats.connections).toBeGreaterThanOrEqual(4);
    expect(events.open.length).toBe(stream.stats.connections);
    expect(events.disconnect.length).toBe(events.open.length - 1);
    expect(events.disconnect.map((d) => d.code)).toEqual(expect.arrayContaining([1006, 1011]));
    expect(events.reconnect.length).toBeGreaterThanOrEqual(events.disconnect.length);
    const refresh = events.reconnect.find((r) => r.status === 401);
    expect(refresh?.reason).toMatch(/HTTP 401.*refreshing the token/);
    expect(tokenRequests()).toBe(2);
    expect(events.error.every((e) => !e.fatal)).toBe(true);

    // Same key, same filters on every connection; never two at once; acks valid.
    const accepted = mock.realtime.connections.filter((c) => c.status === 101);
    expect(accepted.length).toBe(stream.stats.connections);
    const queries = new Set(accepted.map((c) => JSON.stringify(c.query)));
    expect(queries.size).toBe(1);
    for (const c of accepted) {
      expect(c.sessionKey).toBe(sessionKey);
      const q = new URLSearchParams(Object.entries(c.query).map(([k, v]): [string, string] => [k, v[0]!])).toString();
      expect(validateQuery('WS', `${c.path}?${q}`)).toEqual({ valid: true, errors: '' });
      for (const m of c.clientMessages) assertValidWebSocketMessage(SITE_PATH, m, 'client');
    }
    expect(mock.realtime.connections.filter((c) => c.status === 401)).toHaveLength(1);
    const session = mock.realtime.session(sessionKey)!;
    expect(session.concurrentAttempts).toBe(0);
    expect(session.resets).toBe(0);
  });

  it('routed pad rows (several sites per second, split across messages) through dropped links', async () => {
    mock.realtime.configure({ rowsPerMessage: 4, emptyFrameEvery: 5 });
    const start = T0S - 299;
    const { stream } = await rs.pad(697).getRealtimeMeasurementsData({ startDatetime: at(start), isRouted: true, reconnect: FAST });
    mock.faults.dropLinkAfter({ messages: 13 });
    mock.faults.dropLinkAfter({ messages: 29 });
    mock.faults.dropLinkAfter({ messages: 31, mode: 'close' });
    const rows: Row[] = [];
    for await (const row of stream) {
      rows.push(row);
      if (rows.length === 900) break;
    }
    const rest = await rs.pad(697).getData({ startDatetime: at(start), endDatetime: at(T0S), isRouted: true }).toArray();
    expect(rest).toHaveLength(900);
    // REST sends a pad's rows grouped by site, as the API does; the live feed sends them in time order.
    const inTimeOrder = [...rest].sort((a, b) => a.timestamp - b.timestamp || (a.site_id as number) - (b.site_id as number));
    expect(rows).toEqual(inTimeOrder);
    expect(stream.stats.duplicates).toBeGreaterThan(0);
  });

  it('batches() hands out the same rows in arrays', async () => {
    const start = T0S - 499;
    const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: at(start), reconnect: FAST });
    mock.faults.dropLinkAfter({ messages: 100 });
    const seen: number[] = [];
    for await (const batch of stream.batches({ max: 64 })) {
      expect(batch.length).toBeLessThanOrEqual(64);
      seen.push(...batch.map((r) => r.timestamp));
      if (seen.length >= 500) break;
    }
    expect(seen).toEqual(range(start, 500));
  });
});

describe('acknowledgements', () => {
  it('sends {"ack": "true"} after every 5 messages read, and the server forgets exactly those', async () => {
    mock.realtime.configure({ emptyFrameEvery: 4 });
    const { stream, sessionKey } = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: at(T0S - 99), reconnect: FAST });
    let n = 0;
    for await (const _row of stream) if (++n === 100) break;
    // 100 rows + 24 or 25 empty frames (the one right after row 100 counts if it has arrived): 124 or 125
    // frames processed, the last row's included as the stream closes: 24 or 25 acks, 5 frames each.
    const acks = stream.stats.acks;
    expect([24, 25]).toContain(acks);
    await until(mock.realtime, 'ack', () => mock.realtime.session(sessionKey)!.acks === acks);
    const session = mock.realtime.session(sessionKey)!;
    expect(session.acknowledged).toBe(acks * 5);
    const [conn] = mock.realtime.connections;
    expect(conn!.clientMessages).toHaveLength(acks);
    expect(new Set(conn!.clientMessages.map((m) => JSON.stringify(m)))).toEqual(new Set(['{"ack":"true"}']));
  });

  it('a key resumed in a new stream continues where the queue stood (no store: the unacknowledged tail may repeat)', async () => {
    mock.realtime.configure({ emptyFrameEvery: 0 });
    const opts = { startDatetime: at(T0S - 199), reconnect: FAST };
    const first = await rs.site(1112).getRealtimeMeasurementsData(opts);
    const a: number[] = [];
    for await (const row of first.stream) if (a.push(row.timestamp) === 52) break;
    const second = await rs.site(1112).getRealtimeMeasurementsData({ ...opts, sessionKey: first.sessionKey });
    const b: number[] = [];
    for await (const row of second.stream) if (b.push(row.timestamp) === 50) break;
    // 52 read, 50 acknowledged: the new stream starts at the first unacknowledged message.
    expect(b[0]).toBe(T0S - 199 + 50);
    expect(b).toEqual(range(T0S - 149, 50));
  });
});

describe('session keys', () => {
  it('refuses a second live stream on a key in this process, with a clear error; frees it on close', async () => {
    const { stream, sessionKey } = await rs.site(1112).getRealtimeMeasurementsData({ reconnect: FAST });
    const again = rs.site(1112).getRealtimeMeasurementsData({ sessionKey });
    await expect(again).rejects.toThrow(WebSocketError);
    await expect(again).rejects.toThrow(/already in use by a measurement stream on \/ws\/data\/site\/1112\/ in this process.*one connection per session key/);
    // Another client object, another site: still the same key, still refused.
    await expect(client(mock).pad(697).getRealtimeMeasurementsData({ sessionKey })).rejects.toThrow(WebSocketError);
    await stream.close();
    const reopened = await rs.site(1112).getRealtimeMeasurementsData({ sessionKey });
    expect(reopened.sessionKey).toBe(sessionKey);
    await reopened.stream.close();
    expect(mock.realtime.connections.filter((c) => c.concurrent)).toHaveLength(0);
  });

  it('checks options before anything else', async () => {
    const site = rs.site(1112);
    await expect(site.getRealtimeMeasurementsData({ sessionKey: 'has space' })).rejects.toThrow(ValidationError);
    await expect(site.getRealtimeMeasurementsData({ isRouted: true })).rejects.toThrow(/isRouted/);
    await expect(site.getRealtimeMeasurementsData({ startDatetime: '2025-10-09 08:00' })).rejects.toThrow(/startDatetime/);
    await expect(site.getRealtimeMeasurementsData({ sesionKey: 'x' } as never)).rejects.toThrow(/did you mean 'sessionKey'/);
    await expect(site.getRealtimeMeasurementsData({ reconnect: { baseDelay: 1 } } as never)).rejects.toThrow(/reconnect.baseDelay/);
    await expect(site.getRealtimeMeasurementsData({ highWaterMark: 0 })).rejects.toThrow(/highWaterMark/);
    expect(mock.realtime.connections).toHaveLength(0);
  });
});

describe('back-pressure', () => {
  it('a slow reader pauses the socket: the buffer stays bounded and the server is held back', async () => {
    mock.realtime.configure({ emptyFrameEvery: 0 });
    const total = 40_000;
    const hwm = 200;
    const { stream, sessionKey } = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: at(T0S - total + 1), highWaterMark: hwm, reconnect: FAST });
    const paused = nextStreamEvent(stream, 'backpressure', (e: { paused: boolean }) => e.paused);
    const it = stream[Symbol.asyncIterator]();
    const first = await it.next();
    expect(first.value).toMatchObject({ timestamp: T0S - total + 1 });
    await paused;
    // Give the server every chance to flood us; it must not get far.
    await sleep(300);
    const sentWhilePaused = mock.realtime.session(sessionKey)!.sent;
    expect(sentWhilePaused).toBeLessThan(total / 2);
    expect(stream.stats.buffered).toBeLessThan(hwm + 400); // one socket read past the mark at most
    let n = 1;
    let last = first.value!.timestamp;
    for (;;) {
      const r = await it.next();
      expect(r.value!.timestamp).toBe(last + 1);
      last = r.value!.timestamp;
      if (++n === total) break;
      if (n % 1000 === 0) await sleep(1); // a slow reader
    }
    await it.return!();
    expect(stream.stats.maxBuffered).toBeLessThan(hwm + 400);
    expect(stream.stats.pauses).toBeGreaterThan(1);
  });
});

describe('reconnection', () => {
  it('backs off with jitter after every close, reports each reconnect, and gives up only by policy, saying why', async () => {
    // A server that closes every connection right after the handshake.
    mock.faults.dropLinkAfter({ messages: 0, mode: 'close', times: Infinity });
    const policy = { baseDelayMs: 20, maxDelayMs: 80, maxAttempts: 5 };
    const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ reconnect: policy });
    const events = record(stream);
    const began = Date.now();
    const it = stream[Symbol.asyncIterator]();
    const error = await it.next().then(
      () => undefined,
      (e: unknown) => e,
    );
    const elapsed = Date.now() - began;
    expect(error).toBeInstanceOf(WebSocketError);
    expect((error as Error).message).toMatch(/gave up after 5 reconnect attempt\(s\) without a healthy connection; last: closed by the server \(1011 mock: link dropped\)/);
    expect(events.open).toHaveLength(6);
    expect(events.reconnect.map((r) => r.attempt)).toEqual([1, 2, 3, 4, 5]);
    events.reconnect.forEach((r, i) => {
      const d = Math.min(80, 20 * 2 ** i);
      expect(r.delayMs).toBeGreaterThanOrEqual(d / 2);
      expect(r.delayMs).toBeLessThanOrEqual(d);
      expect(r.code).toBe(1011);
    });
    const waited = events.reconnect.reduce((s, r) => s + r.delayMs, 0);
    expect(elapsed).toBeGreaterThanOrEqual(waited - 5);
    expect(events.error.at(-1)).toMatchObject({ fatal: true });
    expect(stream.ended).toBe(true);
  });

  it('against a server that closes every handshake, connects a few times a second, not a thousand', async () => {
    mock.faults.dropLinkAfter({ messages: 0, mode: 'close', times: Infinity });
    const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ reconnect: { baseDelayMs: 50, maxDelayMs: 400 } });
    const events = record(stream);
    const it = stream[Symbol.asyncIterator]();
    void it.next().catch(() => undefined);
    await sleep(1000);
    await stream.close();
    // 50 + 100 + 200 + 400 ms (each jittered down to half at most) fit at most 7 connections in a second.
    expect(events.open.length).toBeGreaterThanOrEqual(3);
    expect(events.open.length).toBeLessThanOrEqual(8);
  });

  it('resets the backoff after a healthy period', async () => {
    mock.faults.dropLinkAfter({ messages: 0, mode: 'close', times: 3 });
    const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ reconnect: { baseDelayMs: 5, maxDelayMs: 50, healthyAfterMs: 40 } });
    const events = record(stream);
    const it = stream[Symbol.asyncIterator]();
    const next = it.next();
    await nextStreamEvent(stream, 'open', (e: OpenEvent) => e.connection === 4);
    expect(events.reconnect.map((r) => r.attempt)).toEqual([1, 2, 3]);
    await sleep(80); // the fourth connection stays up past healthyAfterMs
    mock.realtime.dropConnections();
    await nextStreamEvent(stream, 'open', (e: OpenEvent) => e.connection === 5);
    expect(events.reconnect.map((r) => r.attempt)).toEqual([1, 2, 3, 1]);
    mock.realtime.pushMeasurements(1112, 1);
    expect((await next).value).toMatchObject({ timestamp: T0S + 1 });
    await it.return!();
  });

  it('detects a link that went silent (no close frame, no reset) with its heartbeat, and goes on', async () => {
    mock.faults.dropLinkAfter({ messages: 10, mode: 'silent' });
    const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: at(T0S - 29), reconnect: FAST, heartbeatMs: 50 });
    const events = record(stream);
    const rows: number[] = [];
    for await (const row of stream) if (rows.push(row.timestamp) === 30) break;
    expect(rows).toEqual(range(T0S - 29, 30));
    expect(events.disconnect[0]).toMatchObject({ code: 1006, error: expect.stringMatching(/no pong or message for 50 ms/) });
  });

  it('retries refused handshakes (429, 503) and failed connections, reporting each as a non-fatal error', async () => {
    mock.faults.refuseUpgrades({ times: 1, status: 429, retryAfter: 0 });
    mock.faults.refuseUpgrades({ times: 1, status: 503 });
    const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: at(T0S - 4), reconnect: FAST });
    const events = record(stream);
    const rows: number[] = [];
    for await (const row of stream) {
      if (rows.push(row.timestamp) === 2) await mock.restart({ downMs: 100 });
      if (rows.length === 5) break;
    }
    expect(rows).toEqual(range(T0S - 4, 5));
    expect(events.error.slice(0, 2).map((e) => [e.fatal, e.error.status, e.error.constructor.name])).toEqual([
      [false, 429, 'WebSocketError'],
      [false, 503, 'WebSocketError'],
    ]);
    expect(events.error.some((e) => e.error instanceof ConnectionError && /ECONNREFUSED/.test(e.error.message))).toBe(true);
  });
});

describe('typed errors', () => {
  it('an unknown asset (404) ends the stream with a WebSocketError carrying the status', async () => {
    const { stream } = await rs.site(999_999).getRealtimeMeasurementsData({ reconnect: FAST });
    const error = await stream[Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebSocketError);
    expect(error).toMatchObject({ status: 404, path: '/ws/data/site/999999/', serverMessage: 'Not found.' });
    expect(mock.realtime.connections).toHaveLength(1);
  });

  it('a rejected token that the SDK cannot refresh is an AuthError, and no message holds the token', async () => {
    const token = mock.issueToken();
    mock.faults.expireTokens();
    const withToken = client(mock, { authToken: token, clientId: undefined, clientSecret: undefined });
    const { stream } = await withToken.site(1112).getRealtimeMeasurementsData({ reconnect: FAST });
    const error = (await stream[Symbol.asyncIterator]()
      .next()
      .catch((e: unknown) => e)) as AuthError;
    expect(error).toBeInstanceOf(AuthError);
    expect(error.status).toBe(401);
    expect(error.message).toMatch(/refused with HTTP 401 \(Invalid token\.\).*given by the caller/);
    expect(`${error.message} ${JSON.stringify(error)} ${error.stack}`).not.toContain(token);
  });

  it('401 after a token refresh is an AuthError too (one refresh, not a loop)', async () => {
    mock.faults.refuseUpgrades({ times: 2, status: 401 });
    const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ reconnect: FAST });
    await expect(stream[Symbol.asyncIterator]().next()).rejects.toThrow(/even after a token refresh/);
    expect(mock.realtime.connections).toHaveLength(2);
  });

  it('a malformed message is an API change: the stream ends with APICompatibilityError after the good rows', async () => {
    const { stream, sessionKey } = await rs.site(1112).getRealtimeMeasurementsData({ reconnect: FAST });
    const it = stream[Symbol.asyncIterator]();
    const first = it.next();
    await nextStreamEvent(stream, 'open');
    mock.realtime.pushMeasurements(1112, [{ timestamp: T0S + 1 }]);
    mock.realtime.pushFrame({ sessionKey }, JSON.stringify({ session_key: sessionKey, message: { value: 3 } }));
    expect((await first).value).toEqual({ timestamp: T0S + 1 });
    const error = await it.next().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APICompatibilityError);
    expect((error as Error).message).toMatch(/a message is not a row .*\{"value":3\}/);
    expect(stream.ended).toBe(true);
    // Not JSON at all:
    const other = await rs.site(1112).getRealtimeMeasurementsData({ reconnect: FAST });
    const pending = other.stream[Symbol.asyncIterator]().next();
    await nextStreamEvent(other.stream, 'open');
    mock.realtime.pushFrame({ sessionKey: other.sessionKey }, '<html>oops</html>');
    await expect(pending).rejects.toThrow(/a message is not JSON: <html>oops<\/html>/);
  });
});

describe('close, abort, save', () => {
  it('an AbortSignal ends the stream: a pending read rejects with its reason and the key is freed', async () => {
    const controller = new AbortController();
    const { stream, sessionKey } = await rs.site(1112).getRealtimeMeasurementsData({ signal: controller.signal, reconnect: FAST });
    const pending = stream[Symbol.asyncIterator]().next();
    await nextStreamEvent(stream, 'open');
    controller.abort(new Error('enough'));
    await expect(pending).rejects.toThrow('enough');
    await nextStreamEvent(stream, 'end');
    const again = await rs.site(1112).getRealtimeMeasurementsData({ sessionKey });
    await again.stream.close();
  });

  it('close() ends a pending read as done, and emits end', async () => {
    const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ reconnect: FAST });
    const ended = nextStreamEvent(stream, 'end');
    const pending = stream[Symbol.asyncIterator]().next();
    await nextStreamEvent(stream, 'open');
    await stream.close();
    expect(await pending).toEqual({ done: true, value: undefined });
    expect(await ended).toEqual({ reason: 'closed' });
    await until(mock.realtime, 'closed', () => mock.realtime.openConnections() === 0);
    expect(mock.realtime.connections[0]!.closeCode).toBe(1000);
  });

  it('save(path, { limit }) records rows atomically, like Data.save, and closes the stream', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rt-save-'));
    try {
      const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: at(T0S - 249), reconnect: FAST });
      mock.faults.dropLinkAfter({ messages: 60 });
      const file = path.join(dir, 'live.ndjson');
      const result = await stream.save(file, { limit: 250 });
      expect(result).toMatchObject({ path: file, rows: 250 });
      const lines = (await readFile(file, 'utf8')).trim().split('\n').map((l) => JSON.parse(l) as Row);
      expect(lines.map((r) => r.timestamp)).toEqual(range(T0S - 249, 250));
      expect(stream.ended).toBe(true);
      await expect(stream.save(file)).rejects.toThrow(/already exists/);
      const csv = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: at(T0S - 9), reconnect: FAST });
      const out = await csv.stream.save(path.join(dir, 'live.csv'), { limit: 10 });
      expect(out.rows).toBe(10);
      expect((await readFile(out.path, 'utf8')).split('\n')[0]).toMatch(/^timestamp,/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it('a failed save leaves no file', async () => {
    const dir = await mkdtemp(path.join(tmpdir(), 'rt-save-'));
    try {
      const { stream, sessionKey } = await rs.site(1112).getRealtimeMeasurementsData({ reconnect: FAST });
      const file = path.join(dir, 'x.json');
      const saving = stream.save(file);
      await nextStreamEvent(stream, 'open');
      mock.realtime.pushMeasurements(1112, 3);
      mock.realtime.pushFrame({ sessionKey }, '{"message": {"nope": 1}}');
      await expect(saving).rejects.toThrow(/not a row/);
      await expect(readFile(file)).rejects.toThrow(/ENOENT/);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});
