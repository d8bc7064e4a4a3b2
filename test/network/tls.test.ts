/**
 * Company CAs: the mock serves HTTPS and WSS with a certificate signed by a throwaway CA (made with openssl
 * for this run), as a TLS-intercepting company proxy would present. The client trusts it through the `ca`
 * option (REST, /data/, WebSockets, directly and through a proxy) or NODE_EXTRA_CA_CERTS (read by Node at
 * start-up only, so tested on a child process: the CLI); without either, a CertificateError says what to do.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { rootCertificates } from 'node:tls';
import WebSocket from 'ws';
import { CertificateError, ConnectionError, Restream, ValidationError, type RestreamOptions, type WebSocketOptions } from '../../src';
import { startMockServer, type MockServer } from '../../src/mock';
import { makeCertificates, type TestCertificates } from '../helpers/certs';
import { startProxy, type TestProxy } from '../helpers/proxy';
import { FAST, T0, T0S } from '../realtime/helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const at = (s: number): Date => new Date(s * 1000);

let certs: TestCertificates;
let mock: MockServer;

beforeAll(async () => {
  certs = makeCertificates();
  mock = await startMockServer({ seed: 7, now: () => T0, tls: { key: certs.key, cert: certs.cert } });
});
afterAll(async () => {
  await mock.close();
  certs.remove();
});

function client(options: RestreamOptions = {}): Restream {
  return new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {}, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, logLevel: 'off', ...options });
}

async function restDataAndWebSocket(rs: Restream): Promise<void> {
  expect((await rs.sites.get(1112)).id).toBe(1112);
  const rows = await rs.site(1112).getData({ startDatetime: at(T0S - 600), endDatetime: at(T0S - 571), fields: ['tds'] }).toArray();
  expect(rows).toHaveLength(30);
  const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: at(T0S - 4), fields: ['tds'], reconnect: FAST });
  let n = 0;
  for await (const _ of stream) if (++n === 5) break;
  expect(n).toBe(5);
}

describe('the ca option', () => {
  it('serves as https:// and wss://', () => {
    expect(mock.url).toMatch(/^https:\/\/127\.0\.0\.1:\d+$/);
  });

  it('trusts a company CA for REST, /data/ and WebSockets (PEM text, or a list of them)', async () => {
    await restDataAndWebSocket(client({ ca: certs.caPem }));
    await restDataAndWebSocket(client({ ca: [certs.caPem] }));
  });

  it('adds to the default trust store rather than replacing it (seen through the WebSocket factory)', async () => {
    const seen: WebSocketOptions[] = [];
    const rs = client({
      ca: certs.caPem,
      createWebSocket: (url, protocols, options) => {
        seen.push(options);
        return new WebSocket(url, protocols, options);
      },
    });
    for await (const site of rs.site(1112).getRealtimeInstanceUpdates({ reconnect: FAST })) {
      expect(site.id).toBe(1112);
      break;
    }
    expect(seen).toHaveLength(1);
    expect(seen[0]!.ca).toContain(certs.caPem.trim());
    expect(seen[0]!.ca).toEqual(expect.arrayContaining(rootCertificates.slice(0, 3)));
    expect(seen[0]!.headers).toMatchObject({ Authorization: expect.stringMatching(/^Bearer /) });
  });

  it('without it: a CertificateError that names the fix, not retried; WebSockets fail the same way', async () => {
    const before = mock.requests.length;
    const error = await client().sites.get(1112).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CertificateError);
    expect(error).not.toBeInstanceOf(ConnectionError);
    expect((error as Error).message).toMatch(/^POST \/o\/token\/: TLS certificate not trusted: .*\((UNABLE_TO_VERIFY_LEAF_SIGNATURE|SELF_SIGNED_CERT_IN_CHAIN|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)\); .*NODE_EXTRA_CA_CERTS=\/path\/ca\.pem or the ca option$/);
    expect(mock.requests.length).toBe(before);

    const updates = client({ authToken: mock.issueToken() }).site(1112).getRealtimeInstanceUpdates({ reconnect: FAST });
    const wsError = await (async () => {
      for await (const _ of updates) return undefined;
    })().catch((e: unknown) => e);
    expect(wsError).toBeInstanceOf(CertificateError);
    expect((wsError as Error).message).toMatch(/^WebSocket \/external\/thirdparty\/v2\/ws\/sites\/1112\/: TLS certificate not trusted: /);
    expect(updates.stats.connections).toBe(0);
  });

  it('refuses what is not a PEM certificate, naming the option', () => {
    expect(() => client({ ca: 'not a certificate' })).toThrow(ValidationError);
    expect(() => client({ ca: 'not a certificate' })).toThrow(/^ca: must be PEM text/);
    const broken = certs.caPem.replace(/[A-Za-z]{20}/, 'A'.repeat(20));
    expect(() => client({ ca: broken })).toThrow(/^ca: certificate 1 does not parse/);
    expect(() => client({ ca: 42 as never })).toThrow(/^ca: /);
  });
});

describe('through a proxy', () => {
  let proxy: TestProxy;
  beforeAll(async () => {
    proxy = await startProxy();
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('HTTPS_PROXY and the ca option together: TLS to the API inside the CONNECT tunnel', async () => {
    proxy.connects.length = 0;
    await restDataAndWebSocket(client({ env: { HTTPS_PROXY: proxy.url }, ca: certs.caPem }));
    expect(new Set(proxy.connects)).toEqual(new Set([`127.0.0.1:${mock.port}`]));
    expect(proxy.connects.length).toBeGreaterThanOrEqual(2); // fetch's pool and the WebSocket
  });
});

describe('NODE_EXTRA_CA_CERTS', () => {
  /** Runs the `restream` command with the mock's credentials and `env`. */
  function cli(args: string[], env: Record<string, string>): Promise<{ code: number | null; stdout: string; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', RESTREAM_HOST: mock.url, RESTREAM_CLIENT_ID: mock.clientId, RESTREAM_CLIENT_SECRET: mock.clientSecret, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (c: string) => (stdout += c));
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    return new Promise((resolve) => child.once('close', (code) => resolve({ code, stdout, stderr })));
  }

  it('a child process started with it reaches the TLS mock over REST and WebSockets', async () => {
    const site = await cli(['sites', 'get', '1112', '--json'], { NODE_EXTRA_CA_CERTS: certs.caFile });
    expect(site.stderr).toBe('');
    expect(site.code).toBe(0);
    expect(JSON.parse(site.stdout)).toMatchObject({ id: 1112 });

    const watch = await cli(['watch', 'site', '1111', '--fields', 'tds', '--start', at(T0S - 4).toISOString(), '--limit', '3'], { NODE_EXTRA_CA_CERTS: certs.caFile });
    expect(watch.code).toBe(0);
    expect(watch.stdout.trimEnd().split('\n')).toHaveLength(3);
  }, 60_000);

  it('without it the same command fails with the certificate message (exit 1)', async () => {
    const site = await cli(['sites', 'get', '1112'], {});
    expect(site.code).toBe(1);
    expect(site.stderr).toMatch(/^restream: POST \/o\/token\/: TLS certificate not trusted: .*NODE_EXTRA_CA_CERTS/);
  }, 60_000);
});
