/**
 * The WebSocket side of the mock server, with a bare `ws` client: handshakes refused as the API refuses
 * them, frames valid against the contract, the session queue (history, live, acks, resends, empty frames),
 * the other two streams, and every fault.
 */
import type { MockServer } from '../../../src/mock';
import { assertValidWebSocketMessage, validateWebSocketMessage } from '../../helpers/contract';
import { RawClient, T0S, connectRaw, openRaw, range, refusalOf, startRealtimeMock, until, waitForEvent } from '../../realtime/helpers';

const SITE = '/ws/data/site/1112/';
const PAD = '/ws/data/pad/697/';
const SITE_UPDATES = '/external/thirdparty/v2/ws/sites/1112/';
const PAD_UPDATES = '/external/thirdparty/v2/ws/pads/697/';
const SITE_CHANGES = '/external/thirdparty/v2/ws/sites/1112/data_changes/';
const PAD_CHANGES = '/external/thirdparty/v2/ws/pads/697/data_changes/';

/** `YYYY-MM-DD HH:MM:SS` of a unix second. */
const spaced = (s: number): string => new Date(s * 1000).toISOString().slice(0, 19).replace('T', ' ');

type Row = Record<string, unknown> & { timestamp: number; site_id?: number };

/** The rows of measurement frames, lists flattened, empty frames skipped. */
function rowsOf(client: RawClient): Row[] {
  const out: Row[] = [];
  for (const m of client.messages()) {
    if (m === null || m === '') continue;
    if (Array.isArray(m)) out.push(...(m as Row[]));
    else out.push(m as Row);
  }
  return out;
}

let mock: MockServer;

beforeEach(async () => {
  mock = await startRealtimeMock({ realtime: { emptyFrameEvery: 0 } });
});
afterEach(async () => {
  await mock.close();
});

describe('handshake', () => {
  it('refuses a missing or bad token with 401 and the API body', async () => {
    const none = await refusalOf(mock, SITE, { token: null });
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ detail: 'Authentication credentials were not provided.' });
    const bad = await refusalOf(mock, SITE, { token: 'not-a-token' });
    expect(bad.status).toBe(401);
    expect(bad.body).toEqual({ detail: 'Invalid token.' });
    const token = mock.issueToken();
    mock.faults.expireTokens();
    expect((await refusalOf(mock, SITE, { token })).status).toBe(401);
  });

  it('refuses unknown paths and unknown ids with 404', async () => {
    expect((await refusalOf(mock, '/ws/data/site/999999/')).status).toBe(404);
    expect((await refusalOf(mock, '/ws/data/well/1112/')).status).toBe(404);
    expect((await refusalOf(mock, '/external/thirdparty/v2/ws/pads/12345/data_changes/')).status).toBe(404);
  });

  it('refuses filters the data endpoint refuses, with 400 naming the parameter', async () => {
    const r = await refusalOf(mock, SITE, { query: { session_key: 'k1', resolution: 'weekly' } });
    expect(r.status).toBe(400);
    expect(JSON.stringify(r.body)).toContain('resolution');
    expect((await refusalOf(mock, SITE, { query: { session_key: '' } })).status).toBe(400);
  });

  it('records each handshake, with the token redacted', async () => {
    const token = mock.issueToken();
    const c = await openRaw(mock, SITE, { token, query: { session_key: 'rec' } });
    await c.close();
    await until(mock.realtime, 'closed', () => mock.realtime.openConnections() === 0);
    const [rec] = mock.realtime.connections;
    expect(rec).toMatchObject({ stream: 'measurements', path: SITE, sessionKey: 'rec', status: 101, concurrent: false });
    expect(rec!.headers.authorization).toBe('Bearer [REDACTED]');
    expect(JSON.stringify(mock.realtime.connections)).not.toContain(token);
    expect(rec!.closedAt).toBeInstanceOf(Date);
  });
});

describe('measurement sessions', () => {
  it('replays history for a time filter, then sends live rows, every frame valid against the contract', async () => {
    const c = await openRaw(mock, SITE, { query: { session_key: 's1', start_datetime: spaced(T0S - 9) } });
    await c.frameCount(10);
    mock.realtime.pushMeasurements(1112, 5);
    await c.frameCount(15);
    for (const frame of c.parsed()) {
      assertValidWebSocketMessage(SITE, frame);
      expect(frame.session_key).toBe('s1');
    }
    expect(rowsOf(c).map((r) => r.timestamp)).toEqual(range(T0S - 9, 15));
    expect(mock.realtime.liveCursor(1112)).toBe(T0S + 6);
    await c.close();
  });

  it('sends the same rows as /data/ (one model, same spelling)', async () => {
    const c = await openRaw(mock, SITE, { query: { session_key: 's2', start_datetime: spaced(T0S - 99), fields: 'clean_conductivity_raw,upper_master_valve' } });
    await c.frameCount(100);
    const res = await fetch(`${mock.url}/external/thirdparty/v1/sites/1112/data/?start_datetime=${encodeURIComponent(spaced(T0S - 99))}&end_datetime=${encodeURIComponent(spaced(T0S))}&fields=clean_conductivity_raw,upper_master_valve`, {
      headers: { Authorization: `Bearer ${mock.issueToken()}` },
    });
    const body = await res.text();
    // Row texts, byte for byte: the frame is `{"session_key": "…", "message": <row>}`.
    const fromWs = c.frames.map((f) => f.slice(f.indexOf('"message": ') + 11, -1));
    expect(`[${fromWs.join(',\n')}]`).toBe(body);
    await c.close();
  });

  it('with prerenderHistory, replays exactly the same frames (rendered when the session opens)', async () => {
    const query = { start_datetime: spaced(T0S - 199), end_datetime: spaced(T0S) };
    const lazy = await openRaw(mock, SITE, { query: { session_key: 'lazy', ...query } });
    await lazy.frameCount(200);
    await lazy.close();
    const eager = await startRealtimeMock({ realtime: { emptyFrameEvery: 0, prerenderHistory: true } });
    try {
      const c = await openRaw(eager, SITE, { query: { session_key: 'lazy', ...query } });
      await c.frameCount(200);
      expect(c.frames).toEqual(lazy.frames);
      await c.close();
    } finally {
      await eager.close();
    }
    await expect(startRealtimeMock({ realtime: { prerenderHistory: 'yes' as never } })).rejects.toThrow(/prerenderHistory/);
  });

  it('sends live rows only when no time filter is given; shaping filters apply to live rows', async () => {
    const c = await openRaw(mock, SITE, { query: { session_key: 'live', fields: 'clean_conductivity_raw' } });
    mock.realtime.pushMeasurements(1112, 10);
    await c.frameCount(10);
    // Shaped like /data/ rows: the reading on the full row of each 10 s (T0S + 10), site_id on every row.
    expect(rowsOf(c).map((r) => Object.keys(r))).toEqual(
      range(T0S + 1, 10).map((t) => (t % 10 === 0 ? ['timestamp', 'clean_conductivity_raw', 'site_id'] : ['timestamp', 'site_id'])),
    );
    expect(rowsOf(c)[0]!.timestamp).toBe(T0S + 1);
    await c.close();
  });

  it('groups rows per message and sends empty frames now and then, as configured', async () => {
    mock.realtime.configure({ rowsPerMessage: 4, emptyFrameEvery: 2 });
    const c = await openRaw(mock, SITE, { query: { session_key: 'grp', start_datetime: spaced(T0S - 15) } });
    await c.frameCount(6);
    const messages = c.messages();
    expect(messages.map((m) => (Array.isArray(m) ? m.length : m))).toEqual([4, 4, null, 4, 4, '']);
    // Empty frames are bare, without the session envelope: what the official client skips.
    expect([c.frames[2], c.frames[5]]).toEqual(['null', '""']);
    for (const f of c.frames) assertValidWebSocketMessage(SITE, JSON.parse(f));
    await c.close();
  });

  it('keeps the queue across connections: acknowledged frames are gone, the unacknowledged tail comes again', async () => {
    const q = { session_key: 'resume', start_datetime: spaced(T0S - 29) };
    const a = await openRaw(mock, SITE, { query: q });
    await a.frameCount(12);
    a.ack(); // frames 1-5
    a.ack(); // frames 6-10
    await waitForEvent(mock.realtime as never, 'ack', (e: { acknowledged: number }) => e.acknowledged === 10);
    await a.close();
    const b = await openRaw(mock, SITE, { query: q });
    await b.frameCount(20);
    expect(rowsOf(b).map((r) => r.timestamp)).toEqual(range(T0S - 19, 20));
    expect(mock.realtime.session('resume')).toMatchObject({ connections: 2, acknowledged: 10, acks: 2, historyDone: true, resets: 0 });
    await b.close();
  });

  it('starts a new queue when a key comes back with other filters', async () => {
    const a = await openRaw(mock, SITE, { query: { session_key: 'k', start_datetime: spaced(T0S - 9) } });
    await a.frameCount(10);
    await a.close();
    await until(mock.realtime, 'closed', () => mock.realtime.openConnections() === 0);
    const b = await openRaw(mock, SITE, { query: { session_key: 'k', start_datetime: spaced(T0S - 4) } });
    await b.frameCount(5);
    expect(rowsOf(b).map((r) => r.timestamp)).toEqual(range(T0S - 4, 5));
    expect(mock.realtime.session('k')).toMatchObject({ resets: 1, filters: `start_datetime=${encodeURIComponent(spaced(T0S - 4)).replace(/%20/g, '+')}` });
    await b.close();
  });

  it('makes up a session key when none is given and says it in every message', async () => {
    const c = await openRaw(mock, SITE, { query: { start_datetime: spaced(T0S - 1) } });
    await c.frameCount(2);
    const key = c.parsed()[0]!.session_key!;
    expect(key).toMatch(/^[0-9a-f]{32}$/);
    expect(mock.realtime.session(key)).toBeDefined();
    await c.close();
  });

  it('refuses and flags a second concurrent connection on one key', async () => {
    const q = { session_key: 'twice' };
    const a = await openRaw(mock, SITE, { query: q });
    const second = await refusalOf(mock, SITE, { query: q });
    expect(second.status).toBe(429);
    expect(second.body).toEqual({ detail: 'This session key already has an open connection.' });
    expect(mock.realtime.session('twice')!.concurrentAttempts).toBe(1);
    expect(mock.realtime.connections.filter((c) => c.concurrent)).toHaveLength(1);
    await a.close();
  });

  it("with concurrentKeys: 'allow', lets both in and both get the queue (the duplicates the API warns of)", async () => {
    mock.realtime.configure({ concurrentKeys: 'allow' });
    const q = { session_key: 'both', start_datetime: spaced(T0S - 2) };
    const a = await openRaw(mock, SITE, { query: q });
    const b = await openRaw(mock, SITE, { query: q });
    await Promise.all([a.frameCount(3), b.frameCount(3)]);
    expect(rowsOf(a)).toEqual(rowsOf(b));
    expect(mock.realtime.session('both')!.concurrentAttempts).toBe(1);
    await Promise.all([a.close(), b.close()]);
  });

  it('routed pad streams carry site_id and every site in timestamp order', async () => {
    const c = await openRaw(mock, PAD, { query: { session_key: 'pad', routed: 'true', start_datetime: spaced(T0S - 1) } });
    await c.frameCount(6);
    mock.realtime.pushMeasurements({ pad: 697 }, 1);
    await c.frameCount(9);
    expect(rowsOf(c).map((r) => [r.timestamp, r.site_id])).toEqual([
      [T0S - 1, 1111], [T0S - 1, 1112], [T0S - 1, 1113],
      [T0S, 1111], [T0S, 1112], [T0S, 1113],
      [T0S + 1, 1111], [T0S + 1, 1112], [T0S + 1, 1113],
    ]);
    await c.close();
  });

  it('sends pushed rows verbatim, adding site_id on routed pad streams', async () => {
    const site = await openRaw(mock, SITE, { query: { session_key: 'v1' } });
    const pad = await openRaw(mock, PAD, { query: { session_key: 'v2', routed: 'true' } });
    mock.realtime.pushMeasurements(1112, [{ timestamp: T0S + 1, x: 1.5 }]);
    await Promise.all([site.frameCount(1), pad.frameCount(1)]);
    expect(rowsOf(site)).toEqual([{ timestamp: T0S + 1, x: 1.5 }]);
    expect(rowsOf(pad)).toEqual([{ timestamp: T0S + 1, x: 1.5, site_id: 1112 }]);
    await Promise.all([site.close(), pad.close()]);
  });

  it('frames non-ASCII text right (UTF-8 lengths), and escapes any session key', async () => {
    const key = 'ké"y€';
    const c = await openRaw(mock, SITE, { query: { session_key: key } });
    mock.realtime.pushMeasurements(1112, [{ timestamp: T0S + 1, valve: 'Ö' }, { timestamp: T0S + 2, note: '∆'.repeat(200) }]);
    await c.frameCount(2);
    expect(c.parsed()).toEqual([
      { session_key: key, message: { timestamp: T0S + 1, valve: 'Ö' } },
      { session_key: key, message: { timestamp: T0S + 2, note: '∆'.repeat(200) } },
    ]);
    await c.close();
  });

  it('live rows on a timer', async () => {
    mock.realtime.setLive({ intervalMs: 5, seconds: 2 });
    const c = await openRaw(mock, SITE, { query: { session_key: 'timer' } });
    await c.frameCount(6);
    mock.realtime.setLive(false);
    expect(rowsOf(c).slice(0, 6).map((r) => r.timestamp)).toEqual(range(T0S + 1, 6));
    await c.close();
  });
});

describe('instance updates and data changes', () => {
  it('sends the object on connect and again after each update', async () => {
    const c = await openRaw(mock, SITE_UPDATES);
    await c.frameCount(1);
    mock.realtime.pushInstanceUpdate({ site: 1112 }, { stage_total: 99 });
    await c.frameCount(2);
    const [first, second] = c.frames.map((f) => JSON.parse(f) as Record<string, unknown>);
    for (const m of [first, second]) assertValidWebSocketMessage(SITE_UPDATES, m);
    expect(first).toMatchObject({ id: 1112, pad_id: 697 });
    expect(second).toMatchObject({ id: 1112, stage_total: 99 });
    const pad = await openRaw(mock, PAD_UPDATES);
    await pad.frameCount(1);
    assertValidWebSocketMessage(PAD_UPDATES, JSON.parse(pad.frames[0]!));
    await Promise.all([c.close(), pad.close()]);
  });

  it('sends data changes to the site and its pad, holds them while nobody listens, and lists them over REST', async () => {
    const site = await openRaw(mock, SITE_CHANGES);
    const [created] = mock.realtime.pushDataChange(1112, { modification_subtype: 'delete' });
    await site.frameCount(1);
    expect(JSON.parse(site.frames[0]!)).toEqual(created);
    assertValidWebSocketMessage(SITE_CHANGES, JSON.parse(site.frames[0]!));
    // Nobody on the pad's stream yet: the change waits for its first connection.
    const pad = await openRaw(mock, PAD_CHANGES);
    await pad.frameCount(1);
    expect(JSON.parse(pad.frames[0]!)).toEqual(created);
    const list = mock.realtime.pushDataChange(1111, [{}, {}]);
    await pad.frameCount(2);
    expect(JSON.parse(pad.frames[1]!)).toEqual(list);
    expect(validateWebSocketMessage(PAD_CHANGES, list).valid).toBe(true);
    const rest = (await (await fetch(`${mock.url}/external/thirdparty/v1/pads/697/data_changes/`, { headers: { Authorization: `Bearer ${mock.issueToken()}` } })).json()) as { change_log: Array<{ id: number }> };
    expect(rest.change_log.map((c) => c.id)).toEqual(expect.arrayContaining([created!.id, ...list.map((c) => c.id)]));
    await Promise.all([site.close(), pad.close()]);
  });

  it('allows one connection per URL and token (429 for a second)', async () => {
    const token = mock.issueToken();
    const a = await openRaw(mock, SITE_UPDATES, { token });
    expect((await refusalOf(mock, SITE_UPDATES, { token })).status).toBe(429);
    const other = await openRaw(mock, SITE_UPDATES); // another token
    await Promise.all([a.close(), other.close()]);
  });
});

describe('faults', () => {
  it('refuseUpgrades answers the next handshakes with a status (and Retry-After)', async () => {
    mock.faults.refuseUpgrades({ times: 2, status: 503, retryAfter: 3 });
    const r = await refusalOf(mock, SITE, { query: { session_key: 'f' } });
    expect(r.status).toBe(503);
    expect(r.headers['retry-after']).toBe('3');
    expect((await refusalOf(mock, SITE_UPDATES)).status).toBe(503);
    const ok = await openRaw(mock, SITE, { query: { session_key: 'f' } });
    await ok.close();
  });

  it('dropLinkAfter cuts the TCP connection after N frames, flushed first (1006 for the client)', async () => {
    mock.faults.dropLinkAfter({ messages: 7 });
    const c = await openRaw(mock, SITE, { query: { session_key: 'd', start_datetime: spaced(T0S - 29) } });
    const { code } = await c.closed;
    expect(code).toBe(1006);
    expect(c.frames).toHaveLength(7);
    expect(mock.realtime.connections[0]!.endedBy).toBe('drop-destroy');
  });

  it("dropLinkAfter mode 'close' sends a close frame 1011", async () => {
    mock.faults.dropLinkAfter({ messages: 3, mode: 'close' });
    const c = await openRaw(mock, SITE, { query: { session_key: 'd2', start_datetime: spaced(T0S - 29) } });
    expect(await c.closed).toEqual({ code: 1011, reason: 'mock: link dropped' });
    expect(c.frames).toHaveLength(3);
  });

  it("dropLinkAfter mode 'silent' stops sending and answering pings, and frees the key", async () => {
    mock.faults.dropLinkAfter({ messages: 2, mode: 'silent' });
    const q = { session_key: 'quiet', start_datetime: spaced(T0S - 29) };
    const c = await openRaw(mock, SITE, { query: q });
    await c.frameCount(2);
    await until(mock.realtime, 'closed', () => mock.realtime.openConnections() === 0);
    const pong = new Promise((resolve) => c.ws.once('pong', resolve));
    c.ws.ping();
    const answered = await Promise.race([pong.then(() => true), new Promise((r) => setTimeout(() => r(false), 200))]);
    expect(answered).toBe(false);
    expect(c.frames).toHaveLength(2);
    // The server forgot the connection, as its own keepalive would have: the key can reconnect.
    const again = await openRaw(mock, SITE, { query: q });
    await again.frameCount(30);
    expect(rowsOf(again)[0]!.timestamp).toBe(T0S - 29);
    c.ws.terminate();
    await again.close();
  });

  it('restart cuts every connection, refuses connections while down, and keeps the queues', async () => {
    const q = { session_key: 'rs', start_datetime: spaced(T0S - 19) };
    const a = await openRaw(mock, SITE, { query: q });
    await a.frameCount(20);
    a.ack();
    await waitForEvent(mock.realtime as never, 'ack');
    const port = mock.port;
    await mock.restart();
    expect((await a.closed).code).toBe(1006);
    expect(mock.port).toBe(port);
    const b = await openRaw(mock, SITE, { query: q });
    await b.frameCount(15);
    expect(rowsOf(b).map((r) => r.timestamp)).toEqual(range(T0S - 14, 15));
    expect(mock.realtime.connections[0]!.endedBy).toBe('restart');
    // REST answers again too.
    expect((await fetch(`${mock.url}/external/thirdparty/v1/pads/`, { headers: { Authorization: `Bearer ${mock.issueToken()}` } })).status).toBe(200);
    await b.close();
  });

  it('restart with downMs refuses connections meanwhile', async () => {
    const restarted = mock.restart({ downMs: 300 });
    await new Promise((r) => setImmediate(r));
    await expect(connectRaw(mock, SITE, { query: { session_key: 'x' } })).rejects.toThrow(/ECONNREFUSED/);
    await restarted;
    const c = await openRaw(mock, SITE, { query: { session_key: 'x' } });
    await c.close();
  });

  it('acks are client messages of the contract', async () => {
    const c = await openRaw(mock, SITE, { query: { session_key: 'ackc', start_datetime: spaced(T0S - 9) } });
    await c.frameCount(10);
    c.ack();
    await waitForEvent(mock.realtime as never, 'ack');
    const [rec] = mock.realtime.connections;
    expect(rec!.clientMessages).toEqual([{ ack: 'true' }]);
    assertValidWebSocketMessage(SITE, rec!.clientMessages[0], 'client');
    await c.close();
  });
});
