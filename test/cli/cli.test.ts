/**
 * The `restream` command as users run it: a real child process (`node --import tsx src/cli.ts`) against
 * the embedded mock server started here, checking stdout, stderr and exit codes. Long-running commands
 * (`watch`, `mock`) are waited on by their output and by the mock's events, never by sleeping.
 */
import { mkdtempSync, readFileSync, rmSync, writeFileSync, existsSync, readdirSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMockServer, type MockServer } from '../../src/mock';
import { VERSION } from '../../src/version';
import { CliProcess, startCli } from '../helpers/cli-process';

/** The mock's "now": data windows below end before it. */
const T0 = new Date('2025-10-09T08:00:00Z');
const T0S = T0.getTime() / 1000;
const HOUR = { start: '2025-10-09T06:00:00Z', end: '2025-10-09T06:59:59Z' };

/** Waits for a condition nothing reports as an event (a file appearing), checking every 10 ms, up to `ms`. */
async function poll(test: () => boolean, what: string, ms = 10_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (!test()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

interface RunOptions {
  env?: Record<string, string | undefined>;
  /** Leave out the mock's host and credentials. */
  bare?: boolean;
  cwd?: string;
}

let mock: MockServer;
let work: string;

function start(args: string[], options: RunOptions = {}): CliProcess {
  return startCli(args, { ...(options.bare ? {} : { mock }), ...(options.env ? { env: options.env } : {}), ...(options.cwd ? { cwd: options.cwd } : {}) });
}

async function run(args: string[], options: RunOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = start(args, options);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}

function requestsTo(pattern: RegExp, method = 'GET'): number {
  return mock.requests.filter((r) => r.method === method && pattern.test(r.path)).length;
}

beforeAll(async () => {
  mock = await startMockServer({ seed: 7, now: () => T0 });
  work = mkdtempSync(path.join(tmpdir(), 'restream-cli-'));
});

afterAll(async () => {
  await mock.close();
  rmSync(work, { recursive: true, force: true });
});

describe('help, version and usage errors (exit 2)', () => {
  it('prints help and the version on stdout with exit 0', async () => {
    const help = await run(['--help'], { bare: true });
    expect(help.code).toBe(0);
    for (const command of ['pads', 'sites', 'states', 'stages', 'fields', 'data', 'changes', 'watch', 'export', 'mock']) expect(help.stdout).toContain(command);
    expect(help.stdout).toContain('RESTREAM_CLIENT_SECRET');
    const dataHelp = await run(['data', '--help'], { bare: true });
    expect(dataHelp.code).toBe(0);
    expect(dataHelp.stdout).toMatch(/--resolution <r>/);
    expect(dataHelp.stdout).toMatch(/-o, --output <file>/);
    const version = await run(['--version'], { bare: true });
    expect(version).toEqual({ code: 0, stdout: `${VERSION}\n`, stderr: '' });
  });

  it.each([
    [[], /Usage: restream/],
    [['padz'], /^restream: unknown command 'padz'.*pads/],
    [['pads', 'list', '--bogus'], /^restream: unknown option '--bogus'/],
    [['pads', 'list', 'extra'], /^restream: too many arguments/],
    [['sites', 'get', 'x'], /^restream: site id: must be a positive integer, got 'x'/],
    [['data', '1112'], /^restream: say whether 1112 is a site or a pad/],
    [['data', 'well', '1112'], /^restream: expected 'site' or 'pad', got 'well'/],
    [['data'], /^restream: which asset\? give site <id> or pad <id>/],
    [['data', 'site', '1112', '--pad', '697'], /^restream: give the target once/],
    [['data', 'site', '1112', '--start', '2025-10-09 06:00'], /^restream: --start: must be .*explicit offset/],
    [['data', 'site', '1112', '--resolution', 'daily'], /^restream: option '--resolution <r>' argument 'daily' is invalid/],
    [['data', 'site', '1112', '--agg', 'max'], /^restream: --agg: applies only to a coarser resolution/],
    [['data', 'pad', '697', '--frac', '--stage', '3'], /^restream: --stage: on a pad needs --routed/],
    [['data', 'site', '1112', '--fill-limit', '5'], /^restream: --fill-limit: needs --fill/],
    [['data', 'site', '1112', '-o', 'out.txt'], /^restream: -o\/--output: unsupported extension '\.txt'/],
    [['data', 'site', '1112', '--overwrite'], /^restream: --overwrite needs -o <file>/],
    [['stages', 'site', '1112', '--stage', '3'], /^restream: --stage: needs --frac\/--wl\/--standby/],
    [['stages', 'site', '1112', '--frac', '--wl'], /^restream: --frac, --wl: pick one kind of stage/],
    [['changes', 'pad', '697', '--start', '2025-10-09T06:00:00Z'], /^restream: unknown option '--start'/],
    [['watch', 'site', '1112', '--session-key', 'bad key'], /^restream: --session-key: must be 1-128 letters/],
    [['watch', 'site', '1112', '--limit', '0'], /^restream: option '--limit <rows>' argument '0' is invalid/],
    [['--host', 'ftp://example.com', 'pads', 'list'], /^restream: --host: must use http or https/],
    [['export', '--sites', '1111', '--start', HOUR.start, '--end', HOUR.end], /^restream: --dir <dir> is required/],
    [['export', '--dir', 'out', '--start', HOUR.start, '--end', HOUR.end], /^restream: give --sites <ids> and\/or --pads <ids>/],
    [['export', '--sites', '1111', '--dir', 'out', '--end', HOUR.end], /^restream: --start: is required for an export/],
    [['export', '--sites', '1111,x', '--dir', 'out'], /^restream: option '--sites <ids>' argument '1111,x' is invalid/],
    [['export', '--sites', '1111', '--dir', 'out', '--start', HOUR.start, '--end', HOUR.end, '--format', 'xml'], /^restream: option '--format <format>' argument 'xml' is invalid/],
  ])('restream %j exits 2 with one line', async (args, message) => {
    const before = mock.requests.length;
    const r = await run(args as string[]);
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(message);
    if (args.length > 0) expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(r.stderr).not.toMatch(/\n\s+at /);
    // Usage errors are found before any request.
    expect(mock.requests.length).toBe(before);
  });
});

describe('lists and records', () => {
  it('pads list: a table by default, the API objects with --json', async () => {
    const table = await run(['pads', 'list']);
    expect(table.code).toBe(0);
    expect(table.stderr).toBe('');
    const [header, rule, ...rows] = table.stdout.trimEnd().split('\n');
    expect(header).toMatch(/^id\s+name\s+lease_name\s+customer_name/);
    expect(rule).toMatch(/^--\s+----/);
    expect(rows.some((r) => /^697\s/.test(r))).toBe(true);

    const json = await run(['pads', 'list', '--json']);
    expect(json.code).toBe(0);
    const pads = JSON.parse(json.stdout) as Array<{ id: number; name: string; simops_config: unknown }>;
    expect(pads.map((p) => p.id)).toContain(697);
    expect(pads[0]!.simops_config).toBeDefined();
  });

  it('global options go before or after the command; filters use the API query', async () => {
    const sites = await run(['--json', 'sites', 'list', '--pad', '697']);
    expect(sites.code).toBe(0);
    expect((JSON.parse(sites.stdout) as Array<{ id: number }>).map((s) => s.id).sort()).toEqual([1111, 1112, 1113]);
    expect(mock.requests.some((r) => r.path === '/external/thirdparty/v1/sites/' && r.query.pad__id?.[0] === '697')).toBe(true);

    const site = await run(['sites', 'get', '1112', '--json']);
    expect(JSON.parse(site.stdout)).toMatchObject({ id: 1112, pad_id: 697 });
    const record = await run(['sites', 'get', '1112']);
    expect(record.stdout).toMatch(/^id\s+1112$/m);
    expect(record.stdout).toMatch(/^pad_id\s+697$/m);

    const pad = await run(['pads', 'get', '697', '--json']);
    expect(JSON.parse(pad.stdout)).toMatchObject({ id: 697 });
  });

  it('states list and get', async () => {
    const list = await run(['states', 'list', '--pad', '697', '--json']);
    expect(list.code).toBe(0);
    const states = JSON.parse(list.stdout) as Array<{ id: number; site: { id: number } }>;
    expect(states.length).toBeGreaterThan(0);
    const one = await run(['states', 'get', String(states[0]!.id)]);
    expect(one.code).toBe(0);
    expect(one.stdout).toMatch(new RegExp(`^id\\s+${states[0]!.id}$`, 'm'));
  });

  it('stages with a stage-kind filter and aggregations; metrics as columns', async () => {
    const json = await run(['stages', 'site', '1112', '--frac', '--aggregations', '--json']);
    expect(json.code).toBe(0);
    const stages = JSON.parse(json.stdout) as Array<{ state: string; aggregations: Record<string, number | null> | null }>;
    expect(stages.length).toBeGreaterThan(0);
    expect(stages.every((s) => s.state.startsWith('frac'))).toBe(true);
    const withMetrics = stages.find((s) => s.aggregations);
    expect(withMetrics).toBeDefined();
    const metric = Object.keys(withMetrics!.aggregations!)[0]!;
    expect(mock.requests.some((r) => r.path === '/external/thirdparty/v1/sites/1112/history/' && r.query.state?.[0] === 'frac')).toBe(true);

    const table = await run(['stages', '--site', '1112', '--frac', '--metrics', metric]);
    expect(table.code).toBe(0);
    expect(table.stdout.split('\n')[0]).toMatch(new RegExp(`^id\\s+site\\s+stage\\s+state\\s+start\\s+end\\s+${metric}$`));
  });

  it('fields of a site', async () => {
    const r = await run(['fields', 'site', '1112', '--json']);
    expect(r.code).toBe(0);
    const fields = JSON.parse(r.stdout) as Array<{ name: string }>;
    expect(fields.map((f) => f.name)).toContain('tds');
    const table = await run(['fields', 'pad', '697']);
    expect(table.stdout).toMatch(/^name\s+label\s+imperial_unit\s+si_unit/);
  });
});

describe('API errors (exit 1)', () => {
  it('a 404 is one line, the stack only with --verbose', async () => {
    const r = await run(['sites', 'get', '999999']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toMatch(/^restream: GET \/external\/thirdparty\/v1\/sites\/999999\/ failed with HTTP 404/);
    expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
    const verbose = await run(['sites', 'get', '999999', '--verbose']);
    expect(verbose.code).toBe(1);
    expect(verbose.stderr).toMatch(/NotFoundError/);
    expect(verbose.stderr).toMatch(/\n\s+at /);
  });

  it('refused credentials: exit 1, and the secret is never printed', async () => {
    const secret = 'wrong-secret-3f9a1c';
    const flag = await run(['pads', 'list', '--client-secret', secret]);
    expect(flag.code).toBe(1);
    expect(flag.stderr).toMatch(/^restream: .*refused the client credentials/);
    const env = await run(['pads', 'list', '--verbose'], { env: { RESTREAM_CLIENT_SECRET: secret } });
    expect(env.code).toBe(1);
    for (const out of [flag.stdout, flag.stderr, env.stdout, env.stderr]) expect(out).not.toContain(secret);
  });

  it('--token (or RESTREAM_TOKEN) instead of client credentials', async () => {
    const token = mock.issueToken();
    const flag = await run(['--host', mock.url, '--token', token, 'pads', 'get', '697', '--json'], { bare: true });
    expect(flag.code).toBe(0);
    expect(JSON.parse(flag.stdout)).toMatchObject({ id: 697 });
    const env = await run(['pads', 'get', '697', '--json'], { bare: true, env: { RESTREAM_HOST: mock.url, RESTREAM_TOKEN: token } });
    expect(env.code).toBe(0);
    const bad = await run(['pads', 'list'], { bare: true, env: { RESTREAM_HOST: mock.url, RESTREAM_TOKEN: 'not-a-token' } });
    expect(bad.code).toBe(1);
    expect(bad.stderr).toMatch(/HTTP 401/);
    expect(bad.stderr).not.toContain('not-a-token');
  });
});

describe('data', () => {
  it('-o out.csv writes the file, silently when stderr is not a terminal', async () => {
    const file = path.join(work, 'out.csv');
    const r = await run(['data', 'site', '1112', '--start', HOUR.start, '--end', HOUR.end, '--fields', 'tds,slurry_ph_flowing', '-o', file]);
    expect(r).toEqual({ code: 0, stdout: '', stderr: '' });
    const lines = readFileSync(file, 'utf8').trimEnd().split('\n');
    expect(lines[0]!.split(',')[0]).toBe('timestamp');
    expect(lines[0]!.split(',').sort()).toEqual(['site_id', 'slurry_ph_flowing', 'tds', 'timestamp']);
    expect(lines).toHaveLength(3601);
    expect(lines[1]!.split(',')[0]).toBe(String(Date.parse(HOUR.start) / 1000));

    // An existing file is kept unless --overwrite, and no download starts for it.
    const downloads = requestsTo(/\/sites\/1112\/data\/$/);
    const again = await run(['data', 'site', '1112', '--start', HOUR.start, '--end', HOUR.end, '-o', file]);
    expect(again.code).toBe(2);
    expect(again.stderr).toMatch(/^restream: -o\/--output: .*already exists; pass --overwrite to replace it/);
    expect(requestsTo(/\/sites\/1112\/data\/$/)).toBe(downloads);
    const over = await run(['data', 'site', '1112', '--start', HOUR.start, '--end', HOUR.end, '--resolution', 'minute', '--agg', 'max', '-o', file, '--overwrite']);
    expect(over.code).toBe(0);
    expect(readFileSync(file, 'utf8').trimEnd().split('\n')).toHaveLength(61);
  });

  it('.json and .ndjson by extension', async () => {
    const json = path.join(work, 'out.json');
    const ndjson = path.join(work, 'out.ndjson');
    const common = ['--start', HOUR.start, '--end', HOUR.end, '--resolution', 'ten-minute', '--agg', 'mean', '--fields', 'tds'];
    expect((await run(['data', '--site', '1112', ...common, '-o', json])).code).toBe(0);
    expect((await run(['data', 'site', '1112', ...common, '--output', ndjson])).code).toBe(0);
    const rows = JSON.parse(readFileSync(json, 'utf8')) as Array<{ timestamp: number }>;
    expect(rows).toHaveLength(6);
    const lines = readFileSync(ndjson, 'utf8').trimEnd().split('\n').map((l) => JSON.parse(l) as { timestamp: number });
    expect(lines).toEqual(rows);
  });

  it('without -o: NDJSON on stdout, with the query built from the flags', async () => {
    const r = await run(['data', 'site', '1112', '--start', HOUR.start, '--end', HOUR.end, '--fields', 'tds', '--resolution', 'minute', '--agg', 'mean', '--si-units']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { timestamp: number; tds: number });
    expect(rows).toHaveLength(60);
    expect(rows.every((row) => typeof row.timestamp === 'number' && 'tds' in row)).toBe(true);
    const request = mock.requests.filter((q) => q.path === '/external/thirdparty/v1/sites/1112/data/').at(-1)!;
    expect(request.query).toMatchObject({
      start_datetime: ['2025-10-09 06:00:00'],
      end_datetime: ['2025-10-09 06:59:59'],
      fields: ['tds'],
      resolution: ['minute'],
      agg: ['mean'],
      si_units: ['true'],
    });
  });

  it('gap filling needs --fill-limit: exit 2 naming it, before any request or file (data and export)', async () => {
    const before = mock.requests.length;
    const file = path.join(work, 'filled.csv');
    const dir = path.join(work, 'filled-export');
    const data = await run(['data', 'site', '1112', '--start', HOUR.start, '--end', HOUR.end, '--fill', 'ffill', '-o', file]);
    expect(data.code).toBe(2);
    expect(data.stderr).toMatch(/^restream: --fill-limit: is required with --fill: the longest gap to fill, in seconds/);
    const exported = await run(['export', '--sites', '1112', '--start', HOUR.start, '--end', HOUR.end, '--dir', dir, '--fill', 'bfill']);
    expect(exported.code).toBe(2);
    expect(exported.stderr).toMatch(/^restream: --fill-limit: is required with --fill/);
    expect(mock.requests.length).toBe(before);
    expect(readdirSync(work).filter((f) => f.includes('filled'))).toEqual([]);

    const filled = await run(['data', 'site', '1112', '--start', HOUR.start, '--end', HOUR.end, '--fields', 'tds', '--fill', 'ffill', '--fill-limit', '30', '-o', file]);
    expect(filled).toEqual({ code: 0, stdout: '', stderr: '' });
    const request = mock.requests.filter((q) => q.path === '/external/thirdparty/v1/sites/1112/data/').at(-1)!;
    expect(request.query).toMatchObject({ fill_data_method: ['ffill'], fill_data_limit: ['30'] });
    expect(existsSync(file)).toBe(true);
  });

  it('routed pad data carries site_id', async () => {
    const r = await run(['data', 'pad', '697', '--start', '2025-10-09T06:00:00Z', '--end', '2025-10-09T06:00:09Z', '--routed', '--fields', 'tds']);
    expect(r.code).toBe(0);
    const rows = r.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { site_id: number });
    expect(rows.length).toBeGreaterThan(10);
    expect(new Set(rows.map((row) => row.site_id)).size).toBeGreaterThan(1);
  });

});

describe('big downloads (the server in its own process)', () => {
  // While the embedded mock streams a big body to a fast reader it keeps its process busy, and these
  // tests must react meanwhile: the server runs as `restream mock` in a child process here.
  let server: CliProcess;
  let env: Record<string, string>;
  const from = new Date(Date.now() - 20 * 86400_000).toISOString();
  const to = new Date().toISOString();

  beforeAll(async () => {
    server = start(['mock', '--json'], { bare: true });
    await server.untilLines(1);
    const info = JSON.parse(server.lines[0]!) as { url: string; clientId: string; clientSecret: string };
    env = { RESTREAM_HOST: info.url, RESTREAM_CLIENT_ID: info.clientId, RESTREAM_CLIENT_SECRET: info.clientSecret };
  });

  afterAll(async () => {
    server.child.kill('SIGTERM');
    await server.exited;
  });

  it('stops quietly (exit 0) when the reader of stdout goes away, as with | head', async () => {
    const cli = start(['data', 'site', '1112', '--start', from, '--end', to], { bare: true, env });
    await cli.until(() => cli.stdout.includes('\n'), 'the first row');
    cli.child.stdout!.destroy();
    const { code } = await cli.exited;
    expect(code).toBe(0);
    expect(cli.stderr).toBe('');
  });

  it('SIGINT during a download to a file: exit 130, no file, no temp file left', async () => {
    const dir = mkdtempSync(path.join(work, 'int-'));
    const file = path.join(dir, 'big.ndjson');
    const cli = start(['data', 'site', '1112', '--start', from, '--end', to, '-o', file], { bare: true, env });
    // Rows are arriving once the temp file beside the target has grown.
    await poll(() => readdirSync(dir).some((f) => statSync(path.join(dir, f)).size > 0), 'rows in the temp file');
    cli.child.kill('SIGINT');
    const { code } = await cli.exited;
    expect(code).toBe(130);
    expect(cli.stderr).toMatch(/^restream: interrupted by SIGINT; .*big\.ndjson not written\n$/);
    expect(readdirSync(dir)).toEqual([]);
  });
});

describe('changes', () => {
  it('lists the change log, saves its data, confirms it', async () => {
    const list = await run(['changes', 'pad', '697', '--json']);
    expect(list.code).toBe(0);
    const changes = JSON.parse(list.stdout) as Array<{ id: number; site: number }>;
    expect(changes.length).toBeGreaterThan(0);
    const table = await run(['changes', 'pad', '697']);
    expect(table.stdout).toMatch(/^id\s+site\s+type\s+subtype\s+start\s+end\s+created$/m);

    const file = path.join(work, 'changes.csv');
    const r = await run(['changes', 'pad', '697', '--save', file, '--confirm', '--fields', 'tds']);
    expect(r.code).toBe(0);
    expect(r.stderr).toBe('');
    // Site 1111's rows come first, and carry no readings: its site_id column precedes tds.
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('timestamp,site_id,tds');
    const confirm = mock.requests.filter((q) => q.method === 'POST' && q.path === '/external/thirdparty/v1/pads/697/data_changes/');
    expect(confirm).toHaveLength(1);
    const after = await run(['changes', 'pad', '697', '--json']);
    expect(JSON.parse(after.stdout)).toEqual([]);
  });

  it('--save to an existing file fails before confirming anything', async () => {
    const file = path.join(work, 'exists.csv');
    writeFileSync(file, 'keep me');
    const posts = requestsTo(/\/data_changes\/$/, 'POST');
    const r = await run(['changes', 'site', '1111', '--save', file, '--confirm']);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^restream: --save: .*already exists; pass --overwrite/);
    expect(readFileSync(file, 'utf8')).toBe('keep me');
    expect(requestsTo(/\/data_changes\/$/, 'POST')).toBe(posts);
  });
});

describe('export', () => {
  it('writes one file per site and chunk, and a second run only checks the manifest', async () => {
    const dir = path.join(work, 'export');
    const args = ['export', '--sites', '1111,1112', '--start', '2025-10-09T05:00:00Z', '--end', '2025-10-09T06:59:59Z', '--chunk', '1h', '--format', 'csv', '--fields', 'tds', '--dir', dir];
    const first = await run([...args, '--json']);
    expect(first.code).toBe(0);
    expect(first.stderr).toBe('');
    expect(JSON.parse(first.stdout)).toMatchObject({ sites: 2, siteIds: [1111, 1112], chunks: 4, downloaded: 4, skipped: 0, rows: 4 * 3600 });
    const file = path.join(dir, 'site-1112', '2025-10-09T06-00-00Z.csv');
    expect(readFileSync(file, 'utf8').split('\n')[0]).toBe('timestamp,tds,site_id');
    expect(existsSync(path.join(dir, 'manifest.json'))).toBe(true);

    const downloads = requestsTo(/\/data\/$/);
    const second = await run(args);
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^exported 2 sites \(1111, 1112\), 4 chunks \(0 downloaded, 4 already complete\): 14,400 rows/);
    expect(requestsTo(/\/data\/$/)).toBe(downloads);
  });
});

describe('watch', () => {
  /** Resolves on the next accepted WebSocket handshake on a path. */
  function nextConnection(pathname: string): Promise<void> {
    return new Promise((resolve) => {
      const listener = (c: { path: string }) => {
        if (c.path !== pathname) return;
        mock.realtime.off('connection', listener);
        resolve();
      };
      mock.realtime.on('connection', listener);
    });
  }

  it('prints live rows as NDJSON, stops cleanly on SIGINT, resumes from the session file on SIGTERM', async () => {
    const sessionFile = path.join(work, 'watch-session.json');
    const connected = nextConnection('/ws/data/site/1112/');
    const first = start(['watch', 'site', '1112', '--fields', 'tds', '--session-file', sessionFile]);
    await connected;
    const t = mock.realtime.liveCursor(1112);
    mock.realtime.pushMeasurements(1112, [
      { timestamp: t, tds: 1 },
      { timestamp: t + 1, tds: 2 },
      { timestamp: t + 2, tds: 3 },
    ]);
    await first.untilLines(3);
    first.child.kill('SIGINT');
    expect((await first.exited).code).toBe(0);
    expect(first.lines.map((l) => JSON.parse(l) as { timestamp: number; tds: number })).toEqual([
      { timestamp: t, tds: 1 },
      { timestamp: t + 1, tds: 2 },
      { timestamp: t + 2, tds: 3 },
    ]);
    const record = JSON.parse(readFileSync(sessionFile, 'utf8')) as { sessionKey: string; position: { timestamp: number } };
    expect(record.position.timestamp).toBe(t + 2);
    expect(mock.realtime.session(record.sessionKey)).toBeDefined();

    // Rows pushed while nobody watches wait in the session's queue; the next run gets them, once.
    mock.realtime.pushMeasurements(1112, [{ timestamp: t + 3, tds: 4 }]);
    const reconnected = nextConnection('/ws/data/site/1112/');
    const second = start(['watch', 'site', '1112', '--fields', 'tds', '--session-file', sessionFile]);
    await reconnected;
    mock.realtime.pushMeasurements(1112, [{ timestamp: t + 4, tds: 5 }]);
    await second.untilLines(2);
    second.child.kill('SIGTERM');
    expect((await second.exited).code).toBe(0);
    expect(second.lines.map((l) => (JSON.parse(l) as { tds: number }).tds)).toEqual([4, 5]);
    expect(second.stderr).toBe('');
    const handshakes = mock.realtime.connections.filter((c) => c.path === '/ws/data/site/1112/' && c.sessionKey === record.sessionKey);
    expect(handshakes.length).toBeGreaterThanOrEqual(2);
  });

  it('without a session file: a new key on stderr; --limit ends it by itself; history first with --start', async () => {
    const connected = nextConnection('/ws/data/site/1113/');
    const cli = start(['watch', 'site', '1113', '--fields', 'tds', '--limit', '2']);
    await connected;
    mock.realtime.pushMeasurements(1113, 5);
    const { code } = await cli.exited;
    expect(code).toBe(0);
    expect(cli.lines).toHaveLength(2);
    expect(cli.stderr).toMatch(/^restream: session key ([0-9a-f]{32}) \(resume with --session-key \1\)\n$/);

    const replay = await run(['watch', 'site', '1111', '--fields', 'tds', '--start', new Date((T0S - 9) * 1000).toISOString(), '--limit', '10']);
    expect(replay.code).toBe(0);
    const rows = replay.stdout.trimEnd().split('\n').map((l) => JSON.parse(l) as { timestamp: number });
    expect(rows.map((r) => r.timestamp)).toEqual(Array.from({ length: 10 }, (_, i) => T0S - 9 + i));
  });

  it('a session file of another stream is refused (exit 2)', async () => {
    const sessionFile = path.join(work, 'watch-session.json');
    expect(existsSync(sessionFile)).toBe(true);
    const r = await run(['watch', 'site', '1112', '--fields', 'slurry_ph_flowing', '--session-file', sessionFile]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/^restream: session file .* belongs to another stream/);
  });
});

describe('mock', () => {
  it('prints a URL and credentials a token can be had with, and stops on SIGTERM', async () => {
    const cli = start(['mock', '--json', '--seed', '3'], { bare: true });
    await cli.untilLines(1);
    const info = JSON.parse(cli.lines[0]!) as { url: string; clientId: string; clientSecret: string; demoPad: number };
    expect(info.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
    const res = await fetch(`${info.url}/o/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ client_id: info.clientId, client_secret: info.clientSecret, grant_type: 'client_credentials' }),
    });
    expect(res.status).toBe(200);
    expect(((await res.json()) as { access_token: string }).access_token).toEqual(expect.any(String));

    // The CLI itself works against it.
    const pads = await run(['pads', 'get', String(info.demoPad), '--json'], {
      bare: true,
      env: { RESTREAM_HOST: info.url, RESTREAM_CLIENT_ID: info.clientId, RESTREAM_CLIENT_SECRET: info.clientSecret },
    });
    expect(JSON.parse(pads.stdout)).toMatchObject({ id: info.demoPad });

    cli.child.kill('SIGTERM');
    expect((await cli.exited).code).toBe(0);
    await expect(fetch(`${info.url}/o/token/`, { method: 'POST' })).rejects.toThrow();
  });

  it('prints shell exports in its text form', async () => {
    const cli = start(['mock', '--port', '0'], { bare: true });
    await cli.until(() => /export RESTREAM_CLIENT_SECRET=\S+\n/.test(cli.stdout), 'the exports');
    expect(cli.stdout).toMatch(/^ReStream mock server listening on http:\/\/127\.0\.0\.1:\d+$/m);
    expect(cli.stdout).toMatch(/^export RESTREAM_HOST=http:\/\/127\.0\.0\.1:\d+$/m);
    expect(cli.stdout).toMatch(/^export RESTREAM_CLIENT_ID=\S+$/m);
    cli.child.kill('SIGINT');
    expect((await cli.exited).code).toBe(0);
  });
});
