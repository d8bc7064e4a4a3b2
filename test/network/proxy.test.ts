/**
 * Proxies, against a real HTTP proxy (the `proxy` package, in its own process) and the mock server, all on
 * the loopback interface. The proxy makes its outgoing connections from 127.0.0.2, so the mock can tell them
 * from the SDK's own (127.0.0.1); while `onlyThroughProxy` is set, the mock drops every connection that did
 * not come through the proxy, so a request that bypassed it fails instead of passing unnoticed.
 */
import type { Socket } from 'node:net';
import { ConnectionError, ProxyError, Restream, type RestreamOptions } from '../../src';
import type { MockServer } from '../../src/mock';
import { FAST, T0S, startRealtimeMock } from '../realtime/helpers';
import { startProxy, type TestProxy } from '../helpers/proxy';

const PROXY_SOURCE = '127.0.0.2';
const at = (s: number): Date => new Date(s * 1000);

let mock: MockServer;
let proxy: TestProxy;
/** Addresses the mock's connections came from, in order. */
let sources: string[];
let onlyThroughProxy: boolean;

beforeAll(async () => {
  proxy = await startProxy({ localAddress: PROXY_SOURCE });
});
afterAll(async () => {
  await proxy.close();
});

beforeEach(async () => {
  mock = await startRealtimeMock();
  sources = [];
  onlyThroughProxy = false;
  mock.httpServer.prependListener('connection', (socket: Socket) => {
    const from = socket.remoteAddress ?? '';
    sources.push(from);
    if (onlyThroughProxy && from !== PROXY_SOURCE) socket.destroy();
  });
  proxy.connects.length = 0;
  proxy.requests.length = 0;
});
afterEach(async () => {
  await mock.close();
});

function client(options: RestreamOptions): Restream {
  return new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 5 }, logLevel: 'off', ...options });
}

/** One of each kind of connection the SDK makes: token, REST, a /data/ download, both WebSocket kinds. */
async function everyKindOfRequest(rs: Restream): Promise<void> {
  const site = await rs.sites.get(1112); // the token request, then REST
  expect(site.id).toBe(1112);
  const rows = await rs.site(1112).getData({ startDatetime: at(T0S - 3600), endDatetime: at(T0S - 3541), fields: ['tds'] }).toArray();
  expect(rows).toHaveLength(60);
  const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: at(T0S - 9), fields: ['tds'], reconnect: FAST });
  let live = 0;
  for await (const row of stream) if (typeof row.timestamp === 'number' && ++live === 5) break;
  const updates = rs.site(1112).getRealtimeInstanceUpdates({ reconnect: FAST });
  for await (const update of updates) {
    expect(update.id).toBe(1112);
    break;
  }
}

function servedKinds(): string[] {
  const kinds = new Set<string>();
  for (const r of mock.requests) {
    if (r.path === '/o/token/') kinds.add('token');
    else if (r.path.endsWith('/data/')) kinds.add('data');
    else kinds.add('rest');
  }
  for (const c of mock.realtime.connections) kinds.add(c.stream === 'measurements' ? 'ws-measurements' : 'ws-updates');
  return [...kinds].sort();
}

describe('every connection goes through the proxy', () => {
  it.each([['HTTP_PROXY'], ['http_proxy']])('%s: token, REST, /data/ and both WebSocket streams', async (name) => {
    onlyThroughProxy = true;
    await everyKindOfRequest(client({ env: { [name]: proxy.url } }));
    expect(servedKinds()).toEqual(['data', 'rest', 'token', 'ws-measurements', 'ws-updates']);
    // Every connection the mock saw was opened by the proxy, and the proxy tunnelled to the mock only.
    expect(sources.length).toBeGreaterThanOrEqual(3); // undici's pool, and one per WebSocket
    expect(new Set(sources)).toEqual(new Set([PROXY_SOURCE]));
    expect(new Set(proxy.connects)).toEqual(new Set([`127.0.0.1:${mock.port}`]));
    expect(proxy.connects.length).toBe(sources.length);
  });

  it('the proxy option overrides the environment; proxy: false ignores it', async () => {
    onlyThroughProxy = true;
    const dead = 'http://127.0.0.1:9'; // the discard port: nothing listens there
    await everyKindOfRequest(client({ env: { HTTP_PROXY: dead, NO_PROXY: '127.0.0.1' }, proxy: proxy.url }));
    expect(new Set(sources)).toEqual(new Set([PROXY_SOURCE]));

    onlyThroughProxy = false;
    sources.length = 0;
    proxy.connects.length = 0;
    const direct = client({ env: { HTTP_PROXY: dead, HTTPS_PROXY: dead }, proxy: false });
    expect((await direct.sites.get(1111)).id).toBe(1111);
    expect(new Set(sources)).toEqual(new Set(['127.0.0.1']));
    expect(proxy.connects).toEqual([]);
  });
});

describe('NO_PROXY', () => {
  it.each([
    ['NO_PROXY', '127.0.0.1'],
    ['no_proxy', 'localhost 127.0.0.1'],
    ['NO_PROXY', '*'],
    ['NO_PROXY', '127.0.0.0/8'],
    ['NO_PROXY', 'example.com,127.0.0.1:<mock port>'],
  ])('%s=%s: every kind of connection goes direct', async (name, value) => {
      const noProxy = value.replace('<mock port>', String(mock.port));
      await everyKindOfRequest(client({ env: { HTTP_PROXY: proxy.url, [name]: noProxy } }));
      expect(servedKinds()).toEqual(['data', 'rest', 'token', 'ws-measurements', 'ws-updates']);
      expect(new Set(sources)).toEqual(new Set(['127.0.0.1']));
      expect(proxy.connects).toEqual([]);
      expect(proxy.requests).toEqual([]);
  });

  it('an entry for another port or host does not bypass the proxy (loopback is not special)', async () => {
    onlyThroughProxy = true;
    await everyKindOfRequest(client({ env: { HTTP_PROXY: proxy.url, NO_PROXY: `127.0.0.1:${mock.port + 1},localhost,.example.com` } }));
    expect(new Set(sources)).toEqual(new Set([PROXY_SOURCE]));
    expect(proxy.connects.length).toBeGreaterThan(0);
  });

  it('the noProxy option replaces NO_PROXY', async () => {
    await everyKindOfRequest(client({ env: { HTTP_PROXY: proxy.url, NO_PROXY: 'example.com' }, noProxy: ['127.0.0.1'] }));
    expect(new Set(sources)).toEqual(new Set(['127.0.0.1']));
    expect(proxy.connects).toEqual([]);
  });
});

describe('proxy credentials', () => {
  let authProxy: TestProxy;
  const user = 'field-van-7';
  const password = 'p@ss:w0rd/secret';

  beforeAll(async () => {
    authProxy = await startProxy({ auth: `${user}:${password}`, localAddress: PROXY_SOURCE });
  });
  afterAll(async () => {
    await authProxy.close();
  });

  it('credentials in the proxy URL are sent (percent-encoded characters included)', async () => {
    onlyThroughProxy = true;
    await everyKindOfRequest(client({ env: { HTTPS_PROXY: 'http://unused.invalid:1', HTTP_PROXY: authProxy.urlWith(user, password) } }));
    expect(authProxy.auth.length).toBeGreaterThan(0);
    expect(new Set(authProxy.auth)).toEqual(new Set(['accepted']));
  });

  it.each([
    ['no credentials', () => authProxy.url],
    ['a wrong password', () => authProxy.urlWith(user, 'wrong-password-123')],
  ])('407 with %s: a ProxyError that says so, not retried, the password nowhere', async (_what, url) => {
    const lines: string[] = [];
    const logger = { error: (l: string) => lines.push(l), warn: (l: string) => lines.push(l), info: (l: string) => lines.push(l), debug: (l: string) => lines.push(l) };
    const proxyUrl = url();
    const rs = client({ proxy: proxyUrl, logLevel: 'debug', logger, retry: { attempts: 5, baseDelayMs: 1, maxDelayMs: 5 } });
    const before = authProxy.auth.length;
    const error = await rs.sites.get(1112).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ProxyError);
    expect(error).not.toBeInstanceOf(ConnectionError);
    const e = error as ProxyError;
    expect(e.status).toBe(407);
    expect(e.message).toMatch(/proxy http:\/\/127\.0\.0\.1:\d+ refused to connect to 127\.0\.0\.1:\d+: the proxy answered 407 Proxy Authentication Required/);
    expect(e.message).toMatch(/put them in the proxy URL as user:password@ before the host/);
    // The token request met the 407 once: no retries against a proxy that said no.
    await authProxy.until(() => authProxy.auth.length > before, 'the refusal');
    expect(authProxy.auth.slice(before)).toEqual(['refused']);
    expect(mock.requests).toHaveLength(0);

    // WebSockets get the same answer from the proxy, and the same kind of error.
    const updates = client({ proxy: proxyUrl, logLevel: 'off', authToken: mock.issueToken() }).site(1112).getRealtimeInstanceUpdates({ reconnect: FAST });
    const wsError = await (async () => {
      for await (const _ of updates) return undefined;
    })().catch((x: unknown) => x);
    expect(wsError).toBeInstanceOf(ProxyError);
    expect((wsError as ProxyError).status).toBe(407);
    expect((wsError as ProxyError).message).toMatch(/^WebSocket \/external\/thirdparty\/v2\/ws\/sites\/1112\/: the proxy http:\/\/127\.0\.0\.1:\d+ refused to connect: the proxy answered 407/);

    const everything = [e.message, e.stack, JSON.stringify(e), (wsError as Error).message, JSON.stringify(wsError), ...lines].join('\n');
    expect(lines.length).toBeGreaterThan(0);
    for (const secret of ['wrong-password-123', password, encodeURIComponent(password), 'p@ss']) expect(everything).not.toContain(secret);
  });
});
