import { assertValidResponse } from '../helpers/contract';
import { dataQuery, requestToken, spaced, startTestMock, V1, type TestMock } from './support';

const START = Date.parse('2025-10-08T10:00:00Z') / 1000;
const PAD = `${V1}/pads/697/`;

describe('mock server: fault injection', () => {
  let t: TestMock;
  beforeAll(async () => {
    t = await startTestMock();
  });
  afterAll(() => t.mock.close());
  afterEach(() => t.mock.faults.reset());

  describe('failNext', () => {
    it.each([401, 403, 404, 429, 500, 502, 503] as const)('answers %i, then serves normally again', async (status) => {
      t.mock.faults.failNext({ path: PAD, status, times: 1 });
      const failed = await t.get(PAD);
      expect(failed.status).toBe(status);
      const type = failed.headers.get('content-type') ?? '';
      const body = type.startsWith('application/json') ? await failed.json() : await failed.text();
      assertValidResponse('GET', PAD, status, body, { contentType: type });
      if (status === 502) expect(body).toContain('502 Bad Gateway');
      else expect(body).toEqual({ detail: expect.any(String) });
      expect((await t.get(PAD)).status).toBe(200);
    });

    it('fails `times` matching requests, honours method, RegExp paths, bodies and Retry-After', async () => {
      t.mock.faults.failNext({ path: /\/sites\/\d+\/history\/$/, method: 'GET', times: 2, status: 503, body: { detail: 'down for maintenance' }, retryAfter: 7 });
      const a = await t.get(`${V1}/sites/1111/history/`);
      expect(a.status).toBe(503);
      expect(a.headers.get('retry-after')).toBe('7');
      expect(await a.json()).toEqual({ detail: 'down for maintenance' });
      expect((await t.get(`${V1}/sites/1111/`)).status).toBe(200);
      expect((await t.get(`${V1}/sites/1112/history/`)).status).toBe(503);
      expect((await t.get(`${V1}/sites/1112/history/`)).status).toBe(200);

      t.mock.faults.failNext({ path: `${V1}/sites/1112/parameters/`, method: 'POST', times: 1, status: 500, body: 'boom' });
      expect((await t.get(`${V1}/sites/1112/parameters/`)).status).toBe(200);
      const post = await t.post(`${V1}/sites/1112/parameters/`, []);
      expect(post.status).toBe(500);
      expect(await post.text()).toBe('boom');
    });

    it('applies to the token endpoint too', async () => {
      t.mock.faults.failNext({ path: '/o/token/', status: 502, times: 1 });
      expect((await requestToken(t.mock)).status).toBe(502);
      expect((await requestToken(t.mock)).status).toBe(200);
    });

    it('does not fire on a request that fails authentication anyway', async () => {
      t.mock.faults.failNext({ path: PAD, status: 500, times: 1 });
      expect((await fetch(t.mock.url + PAD)).status).toBe(401);
      expect((await t.get(PAD)).status).toBe(500);
    });
  });

  it('malformNext answers 200 with an unexpected body', async () => {
    t.mock.faults.malformNext({ path: PAD, body: '{"unexpected": true' });
    const res = await t.get(PAD);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe('{"unexpected": true');
    expect(((await (await t.get(PAD)).json()) as { id: number }).id).toBe(697);
  });

  describe('delay', () => {
    it('delays a response by at least `ms`', async () => {
      t.mock.faults.delay({ path: PAD, ms: 120 });
      const began = Date.now();
      expect((await t.get(PAD)).status).toBe(200);
      expect(Date.now() - began).toBeGreaterThanOrEqual(110);
    });

    it('holds requests until released', async () => {
      const hold = t.mock.faults.delay({ path: PAD, ms: Infinity, times: 2 });
      let settled = 0;
      const pending = [t.get(PAD), t.get(PAD)].map((p) => p.then((r) => (settled++, r.status)));
      await hold.whenHeld(2);
      expect(settled).toBe(0);
      expect(t.mock.inFlight(PAD)).toBe(2);
      hold.release();
      expect(await Promise.all(pending)).toEqual([200, 200]);
    });
  });

  describe('concurrency limit', () => {
    it('4 concurrent requests on one path: three are served, one gets 429', async () => {
      t.mock.clearRequests();
      // Three requests get a slot and are held; the fourth is refused before it reaches the delay.
      const hold = t.mock.faults.delay({ path: PAD, ms: Infinity, times: 3 });
      const requests = Array.from({ length: 4 }, () => t.get(PAD));
      const rejected = await Promise.race(requests.map((p) => p.then((r) => (r.status === 429 ? r : new Promise<never>(() => undefined)))));
      const body = await rejected.json();
      expect(body).toEqual({ detail: expect.any(String) });
      assertValidResponse('GET', PAD, 429, body);
      expect(rejected.headers.get('retry-after')).toBe('1');
      await hold.whenHeld(3);
      expect(t.mock.inFlight(PAD)).toBe(3);
      expect(t.mock.maxInFlight(PAD)).toBe(3);

      // The limit is per token and per path: another token, or another path, is not affected.
      const other = await fetch(t.mock.url + PAD, { headers: { authorization: `Bearer ${t.mock.issueToken()}` } });
      const otherPath = await t.get(`${V1}/pads/702/`);
      hold.release();
      expect(other.status).toBe(200);
      expect(otherPath.status).toBe(200);

      const statuses = (await Promise.all(requests)).map((r) => r.status).sort();
      expect(statuses).toEqual([200, 200, 200, 429]);
      // maxInFlight counts every token: the other token's request made it four on this path.
      expect(t.mock.maxInFlight(PAD)).toBe(4);
      expect(t.mock.maxInFlight(`${V1}/pads/702/`)).toBe(1);
      expect(t.mock.maxInFlight()).toBe(4);
      expect(t.mock.requests.filter((r) => r.path === PAD).map((r) => r.status).sort()).toEqual([200, 200, 200, 200, 429]);
    });

    it('a data stream holds its slot until its body ends', async () => {
      const path = `${V1}/sites/1113/data/`;
      const ac = new AbortController();
      const big = await t.get(`${path}${dataQuery({ start_datetime: spaced(START - 500_000), end_datetime: spaced(START) })}`, { signal: ac.signal });
      expect(big.status).toBe(200);
      expect(t.mock.inFlight(path)).toBe(1);
      ac.abort();
      await big.body?.cancel().catch(() => undefined);
      await t.mock.whenIdle();
      expect(t.mock.inFlight(path)).toBe(0);
    });
  });

  describe('cutStream', () => {
    const path = `${V1}/sites/1112/data/`;
    const query = dataQuery({ start_datetime: spaced(START), end_datetime: spaced(START + 3599) });

    /** Reads a body to its end or its error: the bytes received and the error, if any. */
    async function drain(res: Response): Promise<{ text: string; error: unknown }> {
      const reader = res.body!.getReader();
      const parts: Uint8Array[] = [];
      try {
        for (;;) {
          const { value, done } = await reader.read();
          if (done) return { text: Buffer.concat(parts).toString('utf8'), error: undefined };
          parts.push(value);
        }
      } catch (error) {
        return { text: Buffer.concat(parts).toString('utf8'), error };
      }
    }

    it("mode 'destroy': the connection drops after exactly afterBytes body bytes", async () => {
      t.mock.faults.cutStream({ afterBytes: 100_000 });
      const res = await t.get(path + query);
      expect(res.status).toBe(200);
      const { text, error } = await drain(res);
      // undici reports the dropped connection as `TypeError: terminated` (from another realm than jest's Error).
      expect(String(error)).toMatch(/terminated|closed|reset/i);
      expect(text).toHaveLength(100_000);
      expect(text.startsWith('[{"timestamp": ')).toBe(true);
      await t.mock.whenIdle();
      expect(t.mock.inFlight(path)).toBe(0);
      // The next stream is whole again, and starts with the same bytes: resuming is possible.
      const whole = await drain(await t.get(path + query));
      expect(whole.error).toBeUndefined();
      expect(whole.text.endsWith('}]')).toBe(true);
      expect(whole.text.slice(0, 100_000)).toBe(text);
    });

    it("mode 'end': a clean end, but the body misses its closing bracket", async () => {
      t.mock.faults.cutStream({ path, afterBytes: 70_000, mode: 'end', times: 2 });
      for (let i = 0; i < 2; i++) {
        const { text, error } = await drain(await t.get(path + query));
        expect(error).toBeUndefined();
        expect(text).toHaveLength(70_000);
        expect(() => JSON.parse(text)).toThrow();
      }
      expect((await drain(await t.get(path + query))).text.endsWith(']')).toBe(true);
    });

    it('only matches data streams of the given path', async () => {
      t.mock.faults.cutStream({ path: `${V1}/sites/1113/data/`, afterBytes: 10 });
      const { error } = await drain(await t.get(path + query));
      expect(error).toBeUndefined();
      const cut = await drain(await t.get(`${V1}/sites/1113/data/${query}`));
      expect(cut.text).toHaveLength(10);
    });
  });

  it('reset() removes every rule', async () => {
    t.mock.faults.failNext({ path: PAD, status: 500, times: 5 });
    t.mock.faults.malformNext({ path: PAD, body: 'x' });
    t.mock.faults.cutStream({ afterBytes: 1 });
    t.mock.faults.reset();
    expect((await t.get(PAD)).status).toBe(200);
  });
});
