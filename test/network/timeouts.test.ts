/**
 * Timeouts: links that stall rather than fail. The mock holds requests (`delay` with no end) and stalls a
 * `/data/` body mid-way (`cutStream` mode `stall`); a TCP server that accepts and never answers stands for
 * a host or proxy that swallows connections. Each test waits on the condition (a request held forever
 * cannot be answered), never on a clock, and asserts no timings. A timeout that a healthy request must
 * not meet is 1 s or more: the mock shares this process's event loop, and CI's cores are shared too.
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { ConnectionError, Restream, ValidationError, WebSocketError, type RestreamOptions, type RetryEvent } from '../../src';
import type { MockServer } from '../../src/mock';
import type { StreamErrorEvent } from '../../src/realtime';
import { FAST, T0S, startRealtimeMock } from '../realtime/helpers';

const SITE = '/external/thirdparty/v1/sites/1112/';
const DATA = '/external/thirdparty/v1/sites/1112/data/';
const at = (s: number): Date => new Date(s * 1000);

let mock: MockServer;
beforeEach(async () => {
  mock = await startRealtimeMock();
});
afterEach(async () => {
  await mock.close();
});

function client(options: RestreamOptions = {}): { rs: Restream; retries: RetryEvent[] } {
  const retries: RetryEvent[] = [];
  const rs = new Restream({
    host: mock.url,
    clientId: mock.clientId,
    clientSecret: mock.clientSecret,
    env: {},
    logLevel: 'off',
    retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 },
    onRetry: (e) => retries.push(e),
    ...options,
  });
  return { rs, retries };
}

/** A TCP server that accepts connections and never says a word. */
async function silentServer(): Promise<{ port: number; accepted: () => number; close(): Promise<void> }> {
  const sockets = new Set<Socket>();
  let accepted = 0;
  const server: Server = createServer((socket) => {
    accepted++;
    sockets.add(socket);
    socket.on('error', () => undefined);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    port: (server.address() as { port: number }).port,
    accepted: () => accepted,
    close: () =>
      new Promise((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
}

describe('request timeout', () => {
  it('a REST call with no answer is retried; the retry says which timeout fired', async () => {
    const held = mock.faults.delay({ path: SITE, ms: Infinity, times: 1 });
    const { rs, retries } = client({ requestTimeoutMs: 1000 });
    const site = await rs.sites.get(1112);
    expect(site.id).toBe(1112);
    await held.whenHeld(1);
    expect(retries).toHaveLength(1);
    expect(retries[0]!.error).toBeInstanceOf(ConnectionError);
    expect((retries[0]!.error as ConnectionError).timeout).toBe('request');
    expect(retries[0]!.error!.message).toBe('request timeout: no complete response within 1000 ms (requestTimeoutMs)');
  });

  it('when every attempt times out: a ConnectionError with timeout "request", after the retry policy ran out', async () => {
    mock.faults.delay({ path: SITE, ms: Infinity, times: Infinity });
    const { rs, retries } = client({ requestTimeoutMs: 100, authToken: mock.issueToken() });
    const error = (await rs.sites.get(1112).catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.timeout).toBe('request');
    expect(error.attempts).toBe(3);
    expect(error.message).toBe(`GET ${SITE}: no response after 3 attempt(s): request timeout: no complete response within 100 ms (requestTimeoutMs)`);
    expect(error.toJSON()).toMatchObject({ name: 'ConnectionError', timeout: 'request', attempts: 3 });
    expect(retries.map((r) => (r.error as ConnectionError).timeout)).toEqual(['request', 'request']);
  });

  it('a /data/ download whose headers do not come is retried the same way, then streams normally', async () => {
    mock.faults.delay({ path: DATA, ms: Infinity, times: 1 });
    const { rs, retries } = client({ requestTimeoutMs: 1000 });
    const rows = await rs.site(1112).getData({ startDatetime: at(T0S - 600), endDatetime: at(T0S - 541), fields: ['tds'] }).toArray();
    expect(rows.map((r) => r.timestamp)).toEqual(Array.from({ length: 60 }, (_, i) => T0S - 600 + i));
    expect(retries.map((r) => (r.error as ConnectionError).timeout)).toEqual(['request']);
  });

  it('a proxy that accepts the connection and never answers CONNECT does not hang the call', async () => {
    const proxy = await silentServer();
    try {
      const { rs } = client({ proxy: `http://127.0.0.1:${proxy.port}`, requestTimeoutMs: 100, authToken: 'a-token-of-some-length', retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
      const error = (await rs.sites.get(1112).catch((e: unknown) => e)) as ConnectionError;
      expect(error).toBeInstanceOf(ConnectionError);
      expect(error.timeout).toBe('request');
      expect(proxy.accepted()).toBeGreaterThanOrEqual(1);
    } finally {
      await proxy.close();
    }
  });
});

describe('idle timeout on /data/', () => {
  const window = { startDatetime: at(T0S - 7200), endDatetime: at(T0S - 1), fields: ['tds', 'slurry_ph_flowing'] };

  it('a body that stalls mid-way is treated as a break and resumed: every row once, in order', async () => {
    const { rs: clean } = client();
    const expected = await clean.site(1112).getData(window).toArray();
    mock.faults.cutStream({ path: DATA, afterBytes: 40_000, mode: 'stall' });
    mock.faults.cutStream({ path: DATA, afterBytes: 90_000, mode: 'stall' });
    const { rs, retries } = client({ idleTimeoutMs: 1000 });
    const rows = await rs.site(1112).getData(window).toArray();
    expect(rows).toEqual(expected);
    expect(retries).toHaveLength(2);
    for (const r of retries) {
      expect(r.error).toBeInstanceOf(ConnectionError);
      expect((r.error as ConnectionError).timeout).toBe('idle');
      expect(r.error!.message).toBe('idle timeout: no data for 1000 ms (idleTimeoutMs); the stream is treated as broken');
    }
    // The stalled responses were closed by the client, not left hanging on the server.
    await mock.whenIdle();
    expect(mock.inFlight()).toBe(0);

    // A save (the raw-bytes path) resumes the same way, and the file holds every row once.
    const dir = mkdtempSync(path.join(tmpdir(), 'restream-idle-'));
    try {
      mock.faults.cutStream({ path: DATA, afterBytes: 60_000, mode: 'stall' });
      const saved = await rs.site(1112).getData(window).save(path.join(dir, 'rows.json'));
      expect(saved.rows).toBe(expected.length);
      expect(JSON.parse(readFileSync(saved.path, 'utf8'))).toEqual(expected);
      expect(retries).toHaveLength(3);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('a stream that stalls every time ends with a ConnectionError that says idle', async () => {
    mock.faults.cutStream({ path: DATA, afterBytes: 0, mode: 'stall', times: Infinity });
    const { rs } = client({ idleTimeoutMs: 100 });
    const error = (await rs.site(1112).getData(window).toArray().catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.timeout).toBe('idle');
    expect(error.rowsDelivered).toBe(0);
    expect(error.message).toMatch(/the data stream broke 3 time\(s\) without progress; 0 row\(s\) were delivered before it gave up \(idle timeout: no data for 100 ms/);
  });

  it('a reader slower than the timeout is not a stalled link: only waiting on the network counts', async () => {
    const { rs, retries } = client({ idleTimeoutMs: 500 });
    let rows = 0;
    let paused = false;
    for await (const batch of rs.site(1112).getData(window).batches()) {
      rows += batch.rows.length;
      if (!paused) {
        paused = true;
        // The consumer takes longer than the idle timeout over one batch (a slow disk, a slow database).
        await new Promise((resolve) => setTimeout(resolve, 1500));
      }
    }
    expect(rows).toBe(7200);
    expect(retries).toEqual([]);
  });

  it('idleTimeoutMs: 0 turns the watchdog off (the caller\'s signal still ends a stalled download)', async () => {
    mock.faults.cutStream({ path: DATA, afterBytes: 10_000, mode: 'stall' });
    const { rs, retries } = client({ idleTimeoutMs: 0 });
    const controller = new AbortController();
    const reading = rs.site(1112).getData({ ...window, signal: controller.signal }).toArray();
    // Once the mock has sent its 10 000 bytes the body is held; nothing but the signal will end it.
    await poll(() => mock.inFlight(DATA) === 1 && mock.requests.some((r) => r.path === DATA && r.bytes >= 10_000));
    controller.abort(new Error('stop'));
    await expect(reading).rejects.toThrow('stop');
    expect(retries).toEqual([]);
  });
});

describe('connect timeout', () => {
  let silent: Awaited<ReturnType<typeof silentServer>>;
  beforeEach(async () => {
    silent = await silentServer();
  });
  afterEach(async () => {
    await silent.close();
  });

  it('REST: a TLS handshake that never completes is a connect timeout, retried', async () => {
    const rs = new Restream({ host: `https://127.0.0.1:${silent.port}`, authToken: 'a-token-of-some-length', env: {}, logLevel: 'off', connectTimeoutMs: 100, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const error = (await rs.sites.get(1112).catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.timeout).toBe('connect');
    expect(error.attempts).toBe(2);
    expect(error.message).toBe(`GET ${SITE}: no response after 2 attempt(s): connect timeout: no connection within 100 ms (connectTimeoutMs)`);
    expect(silent.accepted()).toBe(2);
  });

  it('WebSockets: the client\'s connect timeout is the handshake timeout; each try is reported, then the stream gives up', async () => {
    const rs = new Restream({ host: `https://127.0.0.1:${silent.port}`, authToken: 'a-token-of-some-length', env: {}, logLevel: 'off', connectTimeoutMs: 100 });
    const errors: StreamErrorEvent[] = [];
    const stream = rs.site(1112).getRealtimeInstanceUpdates({ reconnect: { ...FAST, maxAttempts: 1 }, on: { error: (e) => errors.push(e) } });
    const error = await (async () => {
      for await (const _ of stream) return undefined;
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(WebSocketError);
    expect(errors.length).toBeGreaterThanOrEqual(1);
    const first = errors[0]!.error as ConnectionError;
    expect(first).toBeInstanceOf(ConnectionError);
    expect(first.timeout).toBe('connect');
    expect(first.message).toMatch(/could not connect: connect timeout: no handshake answer within 100 ms \(connectTimeoutMs\); reconnecting$/);
  });
});

describe('options', () => {
  it.each([
    ['connectTimeoutMs', -1],
    ['requestTimeoutMs', 1.5],
    ['idleTimeoutMs', '60s'],
    ['requestTimeoutMs', 2 ** 31],
  ])('%s: %p is a ValidationError naming it', (name, value) => {
    expect(() => new Restream({ env: {}, [name]: value })).toThrow(ValidationError);
    expect(() => new Restream({ env: {}, [name]: value })).toThrow(new RegExp(`^${name}: must be a whole number of milliseconds`));
  });
});

/** Resolves once `test` holds: server-side state that no event reports, checked every 5 ms. */
async function poll(test: () => boolean): Promise<void> {
  while (!test()) await new Promise((resolve) => setTimeout(resolve, 5));
}
