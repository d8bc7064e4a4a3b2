/**
 * The request log: levels, what each line says (checked against what the mock served), any console-like
 * logger, RESTREAM_LOG, the CLI's --verbose, and the same leak checks as errors: no token, client secret or
 * proxy password in any line.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { CredentialsError, Restream, ValidationError, type Logger, type LogLevel, type RestreamOptions } from '../../src';
import type { MockServer } from '../../src/mock';
import { startProxy, type TestProxy } from '../helpers/proxy';
import { FAST, T0S, nextStreamEvent, startRealtimeMock } from '../realtime/helpers';

const ROOT = path.resolve(__dirname, '..', '..');
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

/** A logger that keeps every line with its level. */
function recorder(): Logger & { lines: Array<[string, string]>; text(): string } {
  const lines: Array<[string, string]> = [];
  const keep = (level: string) => (line: string) => void lines.push([level, line]);
  return { lines, error: keep('error'), warn: keep('warn'), info: keep('info'), debug: keep('debug'), text: () => lines.map(([, l]) => l).join('\n') };
}

function client(level: LogLevel, logger: Logger, options: RestreamOptions = {}): Restream {
  return new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {}, retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 5 }, logLevel: level, logger, ...options });
}

const LINE = /^restream: (GET|POST) (\S+) (\d{3}|failed) (\d+)ms (\d+)B retries=(\d+)(: .*)?$/;

function requestLines(log: ReturnType<typeof recorder>): Array<{ method: string; path: string; status: string; bytes: number; retries: number }> {
  return log.lines
    .filter(([level, line]) => level === 'debug' && LINE.test(line))
    .map(([, line]) => {
      const m = LINE.exec(line)!;
      return { method: m[1]!, path: m[2]!.split('?')[0]!, status: m[3]!, bytes: Number(m[5]), retries: Number(m[6]) };
    });
}

describe('debug: one line per request', () => {
  it('method, path, status, duration, bytes and retry count, for every attempt; retries also at info', async () => {
    const log = recorder();
    const rs = client('debug', log);
    mock.faults.failNext({ path: SITE, times: 1, status: 503 });
    await rs.sites.get(1112);
    const served = mock.requests.map((r) => ({ method: r.method, path: r.path, status: String(r.status), bytes: r.bytes }));
    expect(requestLines(log)).toEqual(served.map((s, i) => ({ ...s, retries: i === 2 ? 1 : 0 })));
    expect(requestLines(log).map((l) => `${l.method} ${l.path} ${l.status}`)).toEqual(['POST /o/token/ 200', `GET ${SITE} 503`, `GET ${SITE} 200`]);
    expect(log.lines.filter(([, l]) => l.includes('retry 1')).map(([level, l]) => [level, l])).toEqual([['info', `restream: GET ${SITE} failed (HTTP 503); retry 1/2 in 1 ms`]]);
    expect(log.lines).toContainEqual(['info', `restream: ${mock.url}: direct connection`]);
  });

  it('a /data/ download is one line when its body ends, with the bytes of the whole body and the query', async () => {
    const log = recorder();
    const rows = await client('debug', log).site(1112).getData({ startDatetime: at(T0S - 600), endDatetime: at(T0S - 1), fields: ['tds'] }).toArray();
    expect(rows).toHaveLength(600);
    const data = log.lines.filter(([, l]) => l.includes(DATA));
    expect(data).toHaveLength(1);
    const served = mock.requests.find((r) => r.path === DATA)!;
    expect(data[0]![1]).toMatch(new RegExp(`^restream: GET ${DATA}\\?start_datetime=2025-10-09%2007%3A50%3A00&end_datetime=2025-10-09%2007%3A59%3A59&fields=tds 200 \\d+ms ${served.bytes}B retries=0$`));
  });

  it('WebSockets: handshakes at debug, connections and reconnects at info', async () => {
    const log = recorder();
    const stream = client('debug', log).site(1112).getRealtimeInstanceUpdates({ reconnect: FAST });
    const it = stream[Symbol.asyncIterator]();
    await it.next();
    const reopened = nextStreamEvent(stream, 'open');
    mock.realtime.dropConnections();
    await reopened;
    await it.return!();
    const ws = log.lines.filter(([, l]) => l.includes('WebSocket'));
    const path = '/external/thirdparty/v2/ws/sites/1112/';
    expect(ws).toContainEqual(['debug', `restream: WebSocket ${path} handshake`]);
    expect(ws).toContainEqual(['info', `restream: WebSocket ${path} open (connection 1)`]);
    expect(ws).toContainEqual(['info', `restream: WebSocket ${path} open (connection 2)`]);
    expect(ws.some(([level, l]) => level === 'info' && l.startsWith(`restream: WebSocket ${path} closed (1006`))).toBe(true);
    expect(ws.filter(([, l]) => l.includes('reconnect #')).map(([level, l]) => [level, l])).toEqual([
      ['info', expect.stringMatching(new RegExp(`^restream: WebSocket ${path}: connection lost without a close frame.*; reconnect #1 in \\d+ ms$`))],
    ]);
  });
});

describe('levels', () => {
  it.each([
    ['off', []],
    ['error', []],
    ['warn', []],
    ['info', ['info']],
    ['debug', ['debug', 'info']],
  ] as Array<[LogLevel, string[]]>)('a retried call at %s writes %j', async (level, expected) => {
    const log = recorder();
    mock.faults.failNext({ path: SITE, times: 1, status: 503 });
    await client(level, log).sites.get(1112);
    expect([...new Set(log.lines.map(([l]) => l))].sort()).toEqual(expected);
  });

  it('RESTREAM_LOG sets the level when logLevel is not given; the default (warn) is silent through retries', async () => {
    const debug = recorder();
    await client(undefined as never, debug, { env: { RESTREAM_LOG: ' DEBUG ' } }).sites.get(1112);
    expect(requestLines(debug).length).toBe(2);
    const byDefault = recorder();
    mock.faults.failNext({ path: SITE, times: 1, status: 503 });
    await client(undefined as never, byDefault).sites.get(1112);
    expect(byDefault.lines).toEqual([]);
    const option = recorder();
    await client('off', option, { env: { RESTREAM_LOG: 'debug' } }).sites.get(1112);
    expect(option.lines).toEqual([]);
  });

  it('warn: a proxy or CA given with your own fetch applies to WebSockets only, and says so', async () => {
    const log = recorder();
    const rs = client('warn', log, { fetch: (request, init) => fetch(request, init), env: { HTTPS_PROXY: 'http://proxy.corp.example:3128' } });
    expect(log.lines).toEqual([['warn', expect.stringMatching(/^restream: your fetch option sends the REST requests: the proxy, ca and connectTimeoutMs settings apply to WebSockets only/)]]);
    expect((await rs.sites.get(1112)).id).toBe(1112); // your fetch: straight to the mock
    client('warn', log, { fetch: (request, init) => fetch(request, init) });
    expect(log.lines).toHaveLength(1);
  });

  it('bad values are ValidationErrors naming the option or the variable', () => {
    expect(() => new Restream({ env: {}, logLevel: 'verbose' as never })).toThrow(/^logLevel: must be one of 'off', 'error', 'warn', 'info', 'debug', got "verbose"$/);
    expect(() => new Restream({ env: { RESTREAM_LOG: 'loud' } })).toThrow(ValidationError);
    expect(() => new Restream({ env: { RESTREAM_LOG: 'loud' } })).toThrow(/^RESTREAM_LOG: /);
    expect(() => new Restream({ env: {}, logger: { info() {} } as never })).toThrow(/^logger: must be a console-like object/);
    expect(() => new Restream({ env: {}, logger: 'console' as never })).toThrow(/^logger: /);
  });

  it('takes class-based loggers (pino, winston) with their `this`, and survives one that throws', async () => {
    class Sink {
      readonly lines: string[] = [];
      debug(line: string) {
        this.lines.push(line);
      }
      info(line: string) {
        this.lines.push(line);
      }
      warn() {
        throw new Error('logger broke');
      }
      error(line: string) {
        this.lines.push(line);
      }
    }
    const sink = new Sink();
    mock.faults.failNext({ path: SITE, times: 1, status: 503 });
    expect((await client('debug', sink).sites.get(1112)).id).toBe(1112);
    expect(sink.lines.some((l) => l.startsWith(`restream: GET ${SITE} 200`))).toBe(true);
  });
});

describe('no secrets in the log', () => {
  let proxy: TestProxy;
  const password = 'proxy-pa55word';
  beforeAll(async () => {
    proxy = await startProxy({ auth: `user:${password}` });
  });
  afterAll(async () => {
    await proxy.close();
  });

  it('token, client secret and proxy password appear in no line, through refreshes, retries, WebSockets and failures', async () => {
    const log = recorder();
    const rs = client('debug', log, { proxy: proxy.urlWith('user', password) });
    mock.faults.failNext({ path: SITE, times: 1, status: 503 });
    await rs.sites.get(1112);
    const first = await rs.auth.getAccessToken();
    mock.faults.expireTokens(); // the next call gets a 401, refreshes and retries
    await rs.sites.get(1111);
    const second = await rs.auth.getAccessToken();
    expect(second).not.toBe(first);
    const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: at(T0S - 2), fields: ['tds'], reconnect: FAST });
    for await (const _ of stream) break;
    const wrong = client('debug', log, { clientSecret: 'wrong-client-secret-value', proxy: proxy.urlWith('user', password) });
    await expect(wrong.sites.get(1112)).rejects.toBeInstanceOf(CredentialsError);

    expect(log.lines.length).toBeGreaterThan(8);
    const text = log.text();
    expect(text).toContain('GET /external/thirdparty/v1/sites/1111/ 401');
    expect(text).toContain('through proxy http://127.0.0.1:');
    for (const secret of [first, second, mock.clientSecret, 'wrong-client-secret-value', password, Buffer.from(`user:${password}`).toString('base64')]) {
      expect(text).not.toContain(secret);
    }
  });
});

describe('the CLI', () => {
  function cli(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stderr: string }> {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(ROOT, 'src', 'cli.ts'), ...args], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '', RESTREAM_HOST: mock.url, RESTREAM_CLIENT_ID: mock.clientId, RESTREAM_CLIENT_SECRET: mock.clientSecret, ...env },
      stdio: ['ignore', 'ignore', 'pipe'],
    });
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (c: string) => (stderr += c));
    return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
  }

  it('--verbose writes the debug log to stderr (without secrets); without it, nothing unless RESTREAM_LOG asks', async () => {
    mock.faults.failNext({ path: SITE, times: 1, status: 503 });
    const verbose = await cli(['sites', 'get', '1112', '--verbose']);
    expect(verbose.code).toBe(0);
    const lines = verbose.stderr.trimEnd().split('\n');
    expect(lines).toEqual([
      expect.stringMatching(/^restream: http:\/\/127\.0\.0\.1:\d+: direct connection$/),
      expect.stringMatching(/^restream: POST \/o\/token\/ 200 \d+ms \d+B retries=0$/),
      expect.stringMatching(new RegExp(`^restream: GET ${SITE} 503 \\d+ms \\d+B retries=0$`)),
      expect.stringMatching(new RegExp(`^restream: GET ${SITE} failed \\(HTTP 503\\); retry 1/4 in \\d+ ms$`)),
      expect.stringMatching(new RegExp(`^restream: GET ${SITE} 200 \\d+ms \\d+B retries=1$`)),
    ]);
    expect(verbose.stderr).not.toContain(mock.clientSecret);

    mock.faults.failNext({ path: SITE, times: 1, status: 503 });
    const quiet = await cli(['sites', 'get', '1112']);
    expect(quiet).toEqual({ code: 0, stderr: '' });
    const asked = await cli(['sites', 'get', '1112'], { RESTREAM_LOG: 'debug' });
    expect(asked.stderr).toMatch(new RegExp(`restream: GET ${SITE} 200 `));
  }, 60_000);
});
