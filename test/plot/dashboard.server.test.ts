/**
 * The dashboard's HTTP side against the mock, over real HTTP: what it serves, to whom, and that nothing it
 * sends (page, files, event stream, through a dropped link, a refused handshake and an expired token)
 * carries the client secret, an access token or the session key.
 */
import { request, type IncomingMessage } from 'node:http';
import { Restream } from '../../src/client';
import { startMockServer, type MockServer } from '../../src/mock';
import { startDashboard, type Dashboard } from '../../src/plot/dashboard';

const SITE = 1112;
const FIELDS = ['M1_surface_treating_pressure', 'M1_slurry_rate', 'tds'];
const RECONNECT = { baseDelayMs: 50, maxDelayMs: 200 };

interface Reply {
  status: number;
  headers: IncomingMessage['headers'];
  body: string;
}

/** A GET (or another method) to the dashboard, with the Host header given or Node's default. */
function get(url: string, options: { method?: string; host?: string } = {}): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: options.method ?? 'GET', headers: options.host ? { host: options.host } : {} }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** An open event stream: the events so far, and waits on them. */
class EventStream {
  raw = '';
  events: Array<{ event: string; data: unknown }> = [];
  private waiters: Array<() => void> = [];
  private req: ReturnType<typeof request> | undefined;
  headers: IncomingMessage['headers'] = {};

  open(url: string): Promise<void> {
    return new Promise((resolve, reject) => {
      this.req = request(url, (res) => {
        this.headers = res.headers;
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => {
          this.raw += chunk;
          this.parse();
        });
        resolve();
      });
      this.req.on('error', reject);
      this.req.end();
    });
  }

  private parse(): void {
    const blocks = this.raw.split('\n\n');
    const complete = blocks.slice(0, -1);
    this.events = complete
      .map((block) => {
        const event = /^event: (.*)$/m.exec(block)?.[1];
        const data = /^data: (.*)$/m.exec(block)?.[1];
        return event && data !== undefined ? { event, data: JSON.parse(data) as unknown } : undefined;
      })
      .filter((e): e is { event: string; data: unknown } => e !== undefined);
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  until(test: () => boolean): Promise<void> {
    return new Promise((resolve) => {
      const check = () => (test() ? resolve() : this.waiters.push(check));
      check();
    });
  }

  last(event: string): Record<string, unknown> | undefined {
    for (let i = this.events.length - 1; i >= 0; i--) if (this.events[i]!.event === event) return this.events[i]!.data as Record<string, unknown>;
    return undefined;
  }

  close(): void {
    this.req?.destroy();
  }
}

describe('the dashboard server', () => {
  let mock: MockServer;
  let rs: Restream;
  let dashboard: Dashboard;
  let base: string;
  let token: string;
  const links: Array<{ state: string; reconnects: number; connections: number; retryInMs?: number }> = [];

  beforeAll(async () => {
    mock = await startMockServer({ realtime: { live: { intervalMs: 20 } } });
    rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {} });
    dashboard = await startDashboard(rs, { site: SITE, fields: FIELDS, reconnect: RECONNECT, onApiLink: (l) => links.push(l) });
    base = dashboard.url;
    token = new URL(base).pathname.split('/')[1]!;
  });

  afterAll(async () => {
    await dashboard?.close();
    await mock?.close();
  });

  it('listens on 127.0.0.1 with a random token in its URL', async () => {
    expect(base).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/[A-Za-z0-9_-]{22}\/$/);
    expect(dashboard.host).toBe('127.0.0.1');
    const page = await get(base);
    expect(page.status).toBe(200);
    expect(page.headers['content-type']).toBe('text/html; charset=utf-8');
    expect(page.body).toMatch(/<script src="vendor\/uPlot\.iife\.min\.js" defer><\/script>/);
    // The page loads nothing from elsewhere: no CDN, and a policy that would refuse one.
    expect(page.body).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(page.headers['content-security-policy']).toMatch(/default-src 'none'; script-src 'self'; style-src 'self'/);
    expect(page.headers).toMatchObject({ 'x-content-type-options': 'nosniff', 'referrer-policy': 'no-referrer', 'x-frame-options': 'DENY', 'cache-control': 'no-store' });
  });

  it("serves uPlot and the page's files from the package", async () => {
    const js = await get(`${base}vendor/uPlot.iife.min.js`);
    expect(js.status).toBe(200);
    expect(js.headers['content-type']).toBe('text/javascript; charset=utf-8');
    expect(js.body).toMatch(/^\/\*! https:\/\/github\.com\/leeoniya\/uPlot \(v1\.\d+\.\d+\) \*\//);
    expect((await get(`${base}vendor/uPlot.min.css`)).body).toMatch(/\.uplot/);
    expect((await get(`${base}vendor/uPlot.LICENSE`)).body).toMatch(/MIT License/);
    expect((await get(`${base}dashboard.js`)).body).toMatch(/new EventSource\('events'\)/);
    expect((await get(`${base}dashboard.css`)).status).toBe(200);
  });

  it('answers nothing without the token, a foreign Host, or another method', async () => {
    const origin = new URL(base).origin;
    const port = new URL(base).port;
    for (const url of [`${origin}/`, `${origin}/index.html`, `${origin}/events`, `${origin}/${token.slice(0, -1)}x/`, `${origin}/${token}x/events`]) {
      const r = await get(url);
      expect(r.status).toBe(404);
      expect(r.body).not.toContain(token);
    }
    expect((await get(`${base}../../package.json`)).status).toBe(404);
    expect((await get(`${base}vendor/../../../package.json`)).status).toBe(404);
    expect((await get(`${base}nothing.js`)).status).toBe(404);
    // A page that rebinds its DNS name to 127.0.0.1 still sends its own name.
    expect((await get(base, { host: `attacker.example:${port}` })).status).toBe(403);
    expect((await get(`${base}events`, { host: 'attacker.example' })).status).toBe(403);
    expect((await get(base, { host: `localhost:${port}` })).status).toBe(200);
    const post = await get(base, { method: 'POST' });
    expect(post.status).toBe(405);
    expect(post.headers.allow).toBe('GET, HEAD');
    const bare = await get(`${origin}/${token}`);
    expect(bare.status).toBe(308);
    expect(bare.headers.location).toBe(`/${token}/`);
  });

  it('streams a snapshot, then rows and status; nothing it sends carries a secret, token or session key', async () => {
    const sent: string[] = [];
    for (const file of ['', 'dashboard.js', 'dashboard.css', 'vendor/uPlot.iife.min.js', 'vendor/uPlot.min.css']) sent.push((await get(`${base}${file}`)).body);

    const stream = new EventStream();
    await stream.open(`${base}events`);
    expect(stream.headers['content-type']).toBe('text/event-stream; charset=utf-8');
    await stream.until(() => stream.events.some((e) => e.event === 'rows'));
    const snapshot = stream.events[0]!;
    expect(snapshot.event).toBe('snapshot');
    const s = snapshot.data as {
      site: { id: number; name: string };
      fields: string[];
      data: { t: number[]; v: unknown[][] };
      history: { state: string; resolution: string; aggregation: string; rows: number };
      api: { state: string };
      stages: Array<{ kind: string; start: number }>;
    };
    expect(s.site.id).toBe(SITE);
    expect(s.fields).toEqual(FIELDS);
    expect(s.history).toMatchObject({ state: 'loaded', resolution: 'ten-second', aggregation: 'mean' });
    expect(s.data.t.length).toBeGreaterThan(300);
    expect(s.data.v).toHaveLength(FIELDS.length);
    expect(s.stages.length).toBeGreaterThan(0);
    const t = s.data.t;
    expect(t.every((x, i) => i === 0 || x > t[i - 1]!)).toBe(true);

    // Through a token expiry (the next handshake gets 401, the SDK refreshes), a refused handshake and a drop.
    const firstToken = await rs.auth.getAccessToken();
    mock.faults.expireTokens();
    mock.faults.refuseUpgrades({ path: `/ws/data/site/${SITE}/`, status: 503, times: 1 });
    expect(mock.realtime.dropConnections({ mode: 'destroy' })).toBe(1);
    await stream.until(() => {
      const status = stream.last('status') as { api?: { state: string; connections: number } } | undefined;
      return status?.api?.state === 'live' && status.api.connections >= 2;
    });
    const rowsBefore = stream.events.filter((e) => e.event === 'rows').length;
    await stream.until(() => stream.events.filter((e) => e.event === 'rows').length >= rowsBefore + 5);
    stream.close();
    const secondToken = await rs.auth.getAccessToken();
    expect(secondToken).not.toBe(firstToken);

    // onApiLink heard: live, then each scheduled reconnect with its delay, then live again.
    expect(links[0]).toMatchObject({ state: 'live', connections: 1, reconnects: 0 });
    expect(links.filter((l) => l.state === 'reconnecting').every((l, i) => l.reconnects === i + 1 && typeof l.retryInMs === 'number')).toBe(true);
    expect(links.filter((l) => l.state === 'reconnecting').length).toBeGreaterThanOrEqual(2); // the drop, then the refused handshake
    expect(links.at(-1)).toMatchObject({ state: 'live', connections: dashboard.api.connections });

    const statuses = stream.events.filter((e) => e.event === 'status').map((e) => (e.data as { api: { state: string; error?: string } }).api);
    expect(statuses.map((a) => a.state)).toContain('reconnecting');
    expect(statuses.some((a) => /503/.test(a.error ?? ''))).toBe(true);

    // The live rows continue the history without a repeat, across the reconnect.
    const rows = stream.events.filter((e) => e.event === 'rows').map((e) => (e.data as { t: number[] }).t);
    const all = [...s.data.t, ...rows.flat()];
    expect(all.every((x, i) => i === 0 || x > all[i - 1]!)).toBe(true);

    sent.push(stream.raw);
    const everything = sent.join('\n');
    const sessionKeys = [...new Set(mock.realtime.connections.map((c) => c.sessionKey).filter((k): k is string => !!k))];
    expect(sessionKeys.length).toBeGreaterThan(0);
    for (const secret of [mock.clientSecret, firstToken, secondToken, ...sessionKeys]) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/Bearer|client_secret|access_token|session_key/i);
  });
});
