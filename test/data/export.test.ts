/**
 * Fleet export against the embedded mock server: chunk edges, parallelism limits, the manifest and resuming,
 * failures, aborts and progress.
 */
import { spawn } from 'node:child_process';
import { appendFile, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMockServer, type MockServer } from '../../src/mock';
import { ExportError, Restream, ValidationError, type ExportOptions, type ExportProgress, type Manifest } from '../../src';
import { chunkCount, parseChunk, splitRange } from '../../src/export/chunking';
import type { Row } from '../../src/data/stream';

let mock: MockServer;
let dir: string;

const SITES = [1111, 1112, 1113, 1201, 1202, 1301];
const dataPath = (site: number) => `/external/thirdparty/v1/sites/${site}/data/`;
const DATA = /\/data\/$/;

beforeAll(async () => {
  mock = await startMockServer({ seed: 9 });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(async () => {
  mock.faults.reset();
  mock.clearRequests();
  dir = await mkdtemp(path.join(tmpdir(), 'restream-export-'));
});
afterEach(async () => {
  mock.faults.reset();
  await mock.whenIdle();
  await rm(dir, { recursive: true, force: true });
});

function client(retry: { attempts?: number } = {}): Restream {
  return new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, retry: { baseDelayMs: 1, maxDelayMs: 5, ...retry }, env: {} });
}

const dataRequests = () => mock.requests.filter((r) => DATA.test(r.path));
const windowOf = (r: { path: string; query: Record<string, string[] | undefined> }) => `${r.path} ${r.query.start_datetime?.[0]}..${r.query.end_datetime?.[0]}`;

async function readManifestFile(file = path.join(dir, 'manifest.json')): Promise<Manifest> {
  return JSON.parse(await readFile(file, 'utf8')) as Manifest;
}

async function ndjsonRows(file: string): Promise<Row[]> {
  const text = await readFile(file, 'utf8');
  return text
    .split('\n')
    .filter((l) => l !== '')
    .map((l) => JSON.parse(l) as Row);
}

/** Every file under dir, relative, sorted (dot files included: temp files must not linger). */
async function filesUnder(root: string): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(root, { withFileTypes: true })) {
    if (entry.isDirectory()) for (const f of await filesUnder(path.join(root, entry.name))) out.push(`${entry.name}/${f}`);
    else out.push(entry.name);
  }
  return out.sort();
}

describe('chunking', () => {
  it('parses chunk lengths and checks them against the resolution', () => {
    expect(parseChunk(undefined)).toBe(86_400);
    expect(parseChunk('10m')).toBe(600);
    expect(parseChunk('1h')).toBe(3600);
    expect(parseChunk('2d')).toBe(172_800);
    expect(parseChunk('45s')).toBe(45);
    expect(parseChunk(600_000)).toBe(600);
    expect(parseChunk('10m', 60)).toBe(600);
    for (const bad of ['1w', '0s', '', 'm', '1.5h', -1000, 0, 1500, 999, NaN, null, {}]) {
      expect(() => parseChunk(bad)).toThrow(ValidationError);
    }
    expect(() => parseChunk('90s', 60)).toThrow(/whole multiple/);
    expect(() => parseChunk('30m', 3600)).toThrow(/whole multiple/);
  });

  it('splits a range into chunks that neither overlap nor leave a gap', () => {
    for (const [start, end, size] of [
      [0, 0, 1],
      [0, 86_399, 86_400],
      [100, 86_500, 86_400],
      [17, 1000, 7],
      [1_735_689_600, 1_735_689_600 + 3 * 86_400, 3600],
    ] as const) {
      const chunks = splitRange(start, end, size);
      expect(chunks).toHaveLength(chunkCount(start, end, size));
      expect(chunks[0]!.start).toBe(start);
      expect(chunks.at(-1)!.end).toBe(end);
      chunks.forEach((c, i) => {
        expect(c.index).toBe(i);
        expect(c.start).toBe(start + i * size);
        expect(c.end - c.start + 1).toBe(i === chunks.length - 1 ? end - c.start + 1 : size);
        if (i > 0) expect(c.start).toBe(chunks[i - 1]!.end + 1);
      });
    }
  });
});

describe('validation, before any request', () => {
  const base: ExportOptions = { sites: [1112], startDatetime: '2025-01-01T00:00:00Z', endDatetime: '2025-01-01T23:59:59Z', dir: '' };
  const cases: Array<[string, Partial<ExportOptions> & Record<string, unknown>]> = [
    ['sites', { sites: [] }],
    ['sites[0]', { sites: [0] }],
    ['pads[1]', { pads: [697, -1] }],
    ['startDatetime', { startDatetime: undefined as unknown as string }],
    ['startDatetime', { startDatetime: '2025-01-01 00:00:00' }],
    ['endDatetime', { endDatetime: '2024-12-31T23:59:59Z' }],
    ['chunk', { chunk: '1w' }],
    ['chunk', { chunk: 1500 }],
    ['chunk', { chunk: '90s', resolution: 'minute', aggregation: 'max' }],
    ['chunk', { chunk: '1s', endDatetime: '2025-12-31T23:59:59Z' }],
    ['startDatetime', { startDatetime: '2025-01-01T00:30:00Z', resolution: 'hour', aggregation: 'mean', chunk: '1h' }],
    ['aggregation', { aggregation: 'max' }],
    ['isRouted', { isRouted: true }],
    ['fillDataLimit', { fillDataMethod: 'ffill' }],
    ['format', { format: 'xlsx' as 'csv' }],
    ['concurrency', { concurrency: 0 }],
    ['layout', { layout: 'per-site' as 'per-chunk' }],
    ['chunks', { chunks: '1d' }],
    ['dir', { dir: '   ' }],
    ['onProgress', { onProgress: 'yes' as unknown as () => void }],
  ];

  it.each(cases)('names %s', async (parameter, patch) => {
    const rs = client();
    const options = { ...base, dir: path.join(dir, 'out'), ...patch } as ExportOptions;
    const error = await rs.export(options).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).parameter).toBe(parameter);
    expect(mock.requests).toHaveLength(0);
    expect(await readdir(dir)).toEqual([]);
  });

  it('refuses a dir that is a file, and creates a missing one', async () => {
    const rs = client();
    const file = path.join(dir, 'file');
    await writeFile(file, 'x');
    await expect(rs.export({ ...base, dir: file })).rejects.toMatchObject({ parameter: 'dir' });
    expect(mock.requests).toHaveLength(0);

    const nested = path.join(dir, 'a', 'b');
    const summary = await rs.export({ ...base, dir: nested, chunk: '1h', endDatetime: '2025-01-01T00:00:09Z', format: 'ndjson' });
    expect(summary.chunks).toBe(1);
    expect((await stat(path.join(nested, 'manifest.json'))).isFile()).toBe(true);
  });
});

describe('chunks', () => {
  it('cover the range edge to edge: the rows of the chunks are the rows of the whole range', async () => {
    const rs = client();
    const options: ExportOptions = {
      sites: [1112],
      startDatetime: '2025-01-01T00:00:00Z',
      endDatetime: '2025-01-01T00:54:59Z',
      chunk: '10m',
      format: 'ndjson',
      dir,
    };
    const summary = await rs.export(options);
    expect(summary).toMatchObject({ sites: 1, siteIds: [1112], chunks: 6, downloaded: 6, skipped: 0, rows: 3300, rowsDownloaded: 3300, manifestPath: path.join(dir, 'manifest.json') });

    // One request per chunk, with inclusive ends one second before the next chunk's start.
    expect(dataRequests().map(windowOf).sort()).toEqual(
      ['00:00:00..2025-01-01 00:09:59', '00:10:00..2025-01-01 00:19:59', '00:20:00..2025-01-01 00:29:59', '00:30:00..2025-01-01 00:39:59', '00:40:00..2025-01-01 00:49:59', '00:50:00..2025-01-01 00:54:59'].map(
        (w) => `${dataPath(1112)} 2025-01-01 ${w}`,
      ),
    );
    const files = await filesUnder(dir);
    expect(files).toEqual([
      'manifest.json',
      'site-1112/2025-01-01T00-00-00Z.ndjson',
      'site-1112/2025-01-01T00-10-00Z.ndjson',
      'site-1112/2025-01-01T00-20-00Z.ndjson',
      'site-1112/2025-01-01T00-30-00Z.ndjson',
      'site-1112/2025-01-01T00-40-00Z.ndjson',
      'site-1112/2025-01-01T00-50-00Z.ndjson',
    ]);

    const manifest = await readManifestFile();
    expect(manifest.chunks.map((c) => c.rows)).toEqual([600, 600, 600, 600, 600, 300]);
    expect(manifest.chunks[5]).toMatchObject({ site: 1112, start: '2025-01-01T00:50:00Z', end: '2025-01-01T00:54:59Z', file: 'site-1112/2025-01-01T00-50-00Z.ndjson' });
    expect(manifest.chunks.every((c) => /^[0-9a-f]{64}$/.test(c.sha256) && c.bytes > 0 && !Number.isNaN(Date.parse(c.completedAt)))).toBe(true);

    const chunked: Row[] = [];
    for (const f of files.slice(1)) chunked.push(...(await ndjsonRows(path.join(dir, f))));
    const whole = await rs.site(1112).getData({ startDatetime: options.startDatetime, endDatetime: options.endDatetime }).toArray();
    expect(chunked).toEqual(whole);
  });

  it('expands pads to their sites with one request each', async () => {
    const rs = client();
    const summary = await rs.export({ pads: [697], sites: [1113, 1201], startDatetime: '2025-01-01T00:00:00Z', endDatetime: '2025-01-01T00:01:39Z', chunk: '50s', format: 'csv', dir });
    expect(summary.siteIds).toEqual([1111, 1112, 1113, 1201]);
    expect(summary.chunks).toBe(8);
    expect(summary.rows).toBe(400);
    const listCalls = mock.requests.filter((r) => r.path === '/external/thirdparty/v1/sites/');
    expect(listCalls).toHaveLength(1);
    expect(listCalls[0]!.query.pad__id).toEqual(['697']);
  });

  it('exports coarse resolutions with bucket-aligned chunks', async () => {
    const rs = client();
    const summary = await rs.export({ sites: [1111], startDatetime: '2025-01-01T00:00:00Z', endDatetime: '2025-01-01T05:59:59Z', resolution: 'minute', aggregation: 'mean', chunk: '2h', format: 'ndjson', dir });
    expect(summary.rows).toBe(360);
    const manifest = await readManifestFile();
    expect(manifest.chunks.map((c) => c.rows)).toEqual([120, 120, 120]);
  });
});

describe('parallelism', () => {
  it('keeps to the global cap and to 3 per site', async () => {
    const rs = client();
    const hold = mock.faults.delay({ path: DATA, ms: Infinity, times: 1000 });
    const exporting = rs.export({ sites: SITES, startDatetime: '2025-01-01T00:00:00Z', endDatetime: '2025-01-01T00:02:59Z', chunk: '1m', concurrency: 4, format: 'ndjson', dir });
    await hold.whenHeld(4);
    await new Promise((r) => setTimeout(r, 300));
    expect(dataRequests()).toHaveLength(4);
    expect(mock.inFlight()).toBe(4);
    // The first chunks of four different sites, not three chunks of one.
    expect(new Set(dataRequests().map((r) => r.path)).size).toBe(4);
    hold.release();
    const summary = await exporting;
    expect(summary.chunks).toBe(18);
    expect(dataRequests()).toHaveLength(18);
    for (const site of SITES) expect(mock.maxInFlight(dataPath(site))).toBeLessThanOrEqual(3);
  });

  it('runs at most 3 chunks of one site at once, however high the global cap', async () => {
    const rs = client();
    const hold = mock.faults.delay({ path: DATA, ms: Infinity, times: 1000 });
    const exporting = rs.export({ sites: [1201], startDatetime: '2025-01-01T00:00:00Z', endDatetime: '2025-01-01T00:07:59Z', chunk: '1m', concurrency: 8, format: 'ndjson', dir });
    await hold.whenHeld(3);
    await new Promise((r) => setTimeout(r, 300));
    expect(dataRequests()).toHaveLength(3);
    hold.release();
    expect((await exporting).downloaded).toBe(8);
    expect(mock.maxInFlight(dataPath(1201))).toBe(3);
  });

  it('runs several sites in parallel up to the default cap of 6', async () => {
    const rs = client();
    const hold = mock.faults.delay({ path: DATA, ms: Infinity, times: 1000 });
    const exporting = rs.export({ sites: SITES, startDatetime: '2025-01-01T00:00:00Z', endDatetime: '2025-01-01T00:01:59Z', chunk: '1m', format: 'ndjson', dir });
    await hold.whenHeld(6);
    await new Promise((r) => setTimeout(r, 300));
    expect(mock.inFlight()).toBe(6);
    hold.release();
    await exporting;
    expect(mock.maxInFlight()).toBeLessThanOrEqual(3);
  });
});

describe('manifest and resuming', () => {
  const options = (extra: Partial<ExportOptions> = {}): ExportOptions => ({
    sites: [1111, 1112, 1113],
    startDatetime: '2025-02-01T00:00:00Z',
    endDatetime: '2025-02-01T00:29:59Z',
    chunk: '10m',
    format: 'parquet',
    dir,
    ...extra,
  });

  it('redoes exactly the missing, damaged and failed chunks', async () => {
    const rs = client({ attempts: 2 });
    const first = await rs.export(options());
    expect(first).toMatchObject({ chunks: 9, downloaded: 9, rows: 5400 });
    const original = await readManifestFile();
    expect(original.parameters).toMatchObject({ sites: [1111, 1112, 1113], pads: [], chunkSeconds: 600, format: 'parquet', layout: 'per-chunk', query: {} });

    // Missing: 1111's second chunk. Damaged (same size, other bytes): 1112's third. Failing: 1113's first.
    await rm(path.join(dir, 'site-1111/2025-02-01T00-10-00Z.parquet'));
    const damaged = path.join(dir, 'site-1112/2025-02-01T00-20-00Z.parquet');
    const bytes = await readFile(damaged);
    bytes[100] = bytes[100]! ^ 0xff;
    await writeFile(damaged, bytes);
    await rm(path.join(dir, 'site-1113/2025-02-01T00-00-00Z.parquet'));
    mock.faults.failNext({ path: dataPath(1113), status: 500, times: 1000 });
    mock.clearRequests();

    const error = (await rs.export(options()).catch((e: unknown) => e)) as ExportError;
    expect(error).toBeInstanceOf(ExportError);
    expect(error.failures.map((f) => [f.site, f.start, f.file])).toEqual([[1113, '2025-02-01T00:00:00Z', 'site-1113/2025-02-01T00-00-00Z.parquet']]);
    expect(error.message).toMatch(/1 of 9 chunk\(s\) failed/);
    expect(error.summary).toMatchObject({ chunks: 9, downloaded: 2, skipped: 6 });
    // Nothing downloaded twice: only the two broken chunks and the failing one were asked for.
    expect([...new Set(dataRequests().map(windowOf))].sort()).toEqual(
      [
        `${dataPath(1111)} 2025-02-01 00:10:00..2025-02-01 00:19:59`,
        `${dataPath(1112)} 2025-02-01 00:20:00..2025-02-01 00:29:59`,
        `${dataPath(1113)} 2025-02-01 00:00:00..2025-02-01 00:09:59`,
      ].sort(),
    );
    const afterFailure = await readManifestFile();
    expect(afterFailure.chunks).toHaveLength(8);
    expect(afterFailure.chunks.find((c) => c.site === 1113 && c.start === '2025-02-01T00:00:00Z')).toBeUndefined();

    // The service is back: only the failed chunk is downloaded.
    mock.faults.reset();
    mock.clearRequests();
    let last: ExportProgress | undefined;
    const third = await rs.export(options({ onProgress: (p) => (last = p) }));
    expect(third).toMatchObject({ chunks: 9, downloaded: 1, skipped: 8, rows: 5400, rowsDownloaded: 600 });
    expect(dataRequests().map(windowOf)).toEqual([`${dataPath(1113)} 2025-02-01 00:00:00..2025-02-01 00:09:59`]);
    expect(last).toMatchObject({ chunksDone: 9, chunksTotal: 9, chunksSkipped: 8, chunksFailed: 0, sitesDone: 3, sitesTotal: 3, rowsDone: 5400, rowsExpected: 5400 });

    // Same files as the first run, byte for byte (the mock's data is deterministic).
    const final = await readManifestFile();
    expect(final.chunks.map((c) => [c.site, c.start, c.rows, c.bytes, c.sha256])).toEqual(original.chunks.map((c) => [c.site, c.start, c.rows, c.bytes, c.sha256]));
    expect(await filesUnder(dir)).toEqual(['manifest.json', ...original.chunks.map((c) => c.file)].sort());

    // And a run with everything in place downloads nothing.
    mock.clearRequests();
    expect(await rs.export(options())).toMatchObject({ downloaded: 0, skipped: 9 });
    expect(dataRequests()).toHaveLength(0);
  });

  it('refuses a manifest written with other parameters, naming them, before any request', async () => {
    const rs = client();
    await rs.export(options({ format: 'ndjson', endDatetime: '2025-02-01T00:09:59Z' }));
    mock.clearRequests();
    const error = (await rs.export(options({ format: 'ndjson', endDatetime: '2025-02-01T00:09:59Z', chunk: '5m', fields: ['tds'] })).catch((e: unknown) => e)) as ValidationError;
    expect(error).toBeInstanceOf(ValidationError);
    expect(error.parameter).toBe('manifest');
    expect(error.message).toMatch(/chunkSeconds/);
    expect(error.message).toMatch(/fields/);
    expect(mock.requests).toHaveLength(0);
    // Site order and duplicates do not matter.
    expect(await rs.export(options({ format: 'ndjson', endDatetime: '2025-02-01T00:09:59Z', sites: [1113, 1111, 1112, 1111] }))).toMatchObject({ skipped: 3, downloaded: 0 });
  });

  it('refuses a second export on a manifest in use', async () => {
    const rs = client();
    const hold = mock.faults.delay({ path: DATA, ms: Infinity, times: 100 });
    const first = rs.export(options({ format: 'ndjson', endDatetime: '2025-02-01T00:09:59Z' }));
    await hold.whenHeld(1);
    await expect(rs.export(options({ format: 'ndjson', endDatetime: '2025-02-01T00:09:59Z' }))).rejects.toMatchObject({ parameter: 'manifest', message: expect.stringMatching(/in use by another export/) });
    hold.release();
    expect((await first).downloaded).toBe(3);
    expect(await readdir(dir)).not.toContain('manifest.json.lock');
  });

  it('refuses a file that is not a manifest', async () => {
    const rs = client();
    await writeFile(path.join(dir, 'manifest.json'), '{"hello": 1}');
    await expect(rs.export(options())).rejects.toMatchObject({ parameter: 'manifest' });
    await writeFile(path.join(dir, 'manifest.json'), 'not json');
    await expect(rs.export(options())).rejects.toMatchObject({ parameter: 'manifest' });
    expect(mock.requests).toHaveLength(0);
  });

  it('keeps the manifest where told', async () => {
    const rs = client();
    const manifest = path.join(dir, 'state', 'nightly.json');
    const summary = await rs.export(options({ manifest, format: 'csv', endDatetime: '2025-02-01T00:09:59Z', dir: path.join(dir, 'files') }));
    expect(summary.manifestPath).toBe(manifest);
    expect((await readManifestFile(manifest)).chunks).toHaveLength(3);
  });
});

describe('failures', () => {
  it('a chunk that breaks mid-stream leaves no file under its name; the others complete', async () => {
    const rs = client({ attempts: 2 });
    // 1112's stream is cut after ~600 KB (rows were written: saves take rows in ~256 KB batches), and every
    // resumed stream breaks before a row.
    mock.faults.cutStream({ path: dataPath(1112), afterBytes: 600_000 });
    mock.faults.cutStream({ path: dataPath(1112), afterBytes: 0, times: 1000 });
    const exporting = rs.export({ sites: [1111, 1112], startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T00:59:59Z', chunk: '1h', format: 'csv', dir });
    const error = (await exporting.catch((e: unknown) => e)) as ExportError;
    expect(error).toBeInstanceOf(ExportError);
    expect(error.failures.map((f) => f.site)).toEqual([1112]);
    expect(error.failures[0]!.error).toMatchObject({ name: 'ConnectionError', rowsDelivered: expect.any(Number) });
    expect((error.failures[0]!.error as { rowsDelivered: number }).rowsDelivered).toBeGreaterThan(0);
    expect(error.summary).toMatchObject({ chunks: 2, downloaded: 1 });
    expect(await filesUnder(dir)).toEqual(['manifest.json', 'site-1111/2025-03-01T00-00-00Z.csv']);
    expect((await readManifestFile()).chunks.map((c) => c.site)).toEqual([1111]);
  });

  it('stops on an AbortSignal: running chunks leave nothing, the manifest keeps what completed', async () => {
    const rs = client();
    const controller = new AbortController();
    const hold = mock.faults.delay({ path: dataPath(1112), ms: Infinity, times: 1000 });
    const exporting = rs.export({ sites: [1111, 1112], startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T00:00:59Z', chunk: '1m', format: 'json', dir, signal: controller.signal });
    await hold.whenHeld(1);
    // 1111's chunk completes, 1112's is held.
    for (let i = 0; i < 100 && (await readManifestFile().catch(() => undefined))?.chunks.length !== 1; i++) await new Promise((r) => setTimeout(r, 20));
    controller.abort(new Error('stopped by the test'));
    await expect(exporting).rejects.toThrow('stopped by the test');
    hold.release();
    expect(await filesUnder(dir)).toEqual(['manifest.json', 'site-1111/2025-03-01T00-00-00Z.json']);
    // Resumed: only 1112 is downloaded.
    mock.clearRequests();
    const summary = await rs.export({ sites: [1111, 1112], startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T00:00:59Z', chunk: '1m', format: 'json', dir });
    expect(summary).toMatchObject({ downloaded: 1, skipped: 1, rows: 120 });
    expect(dataRequests().map((r) => r.path)).toEqual([dataPath(1112)]);
  });

  it('stops asking for a site the API does not know, and reports its chunks', async () => {
    const rs = client({ attempts: 1 });
    mock.clearRequests();
    const error = (await rs.export({ sites: [1111, 999_999], startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T00:04:59Z', chunk: '1m', concurrency: 1, format: 'ndjson', dir }).catch((e: unknown) => e)) as ExportError;
    expect(error).toBeInstanceOf(ExportError);
    expect(error.failures).toHaveLength(5);
    expect(error.failures.every((f) => f.site === 999_999)).toBe(true);
    expect(dataRequests().filter((r) => r.path === dataPath(999_999))).toHaveLength(1);
    expect(error.summary.downloaded).toBe(5);
  });

  it('a process killed mid-chunk leaves no file under the chunk name, and the re-run completes it', async () => {
    const out = path.join(dir, 'out');
    const options = { sites: [1112], startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T11:59:59Z', chunk: '1d', format: 'csv' as const, dir: out };
    const script = path.join(dir, 'child.ts');
    await writeFile(
      script,
      `import { Restream } from ${JSON.stringify(path.resolve(__dirname, '../../src'))};
const rs = new Restream({ host: ${JSON.stringify(mock.url)}, clientId: ${JSON.stringify(mock.clientId)}, clientSecret: ${JSON.stringify(mock.clientSecret)}, env: {} });
rs.export({ ...${JSON.stringify(options)}, onProgress: (p) => process.stdout.write(JSON.stringify(p) + '\\n') });
`,
    );
    const child = spawn(process.execPath, ['--import', 'tsx', script], { cwd: path.resolve(__dirname, '../..'), stdio: ['ignore', 'pipe', 'inherit'] });
    await new Promise<void>((resolve, reject) => {
      let text = '';
      child.stdout.on('data', (d: Buffer) => {
        text += d;
        // Killed once a few thousand rows of the 43,200 are written.
        if (text.split('\n').some((l) => l.startsWith('{') && (JSON.parse(l) as ExportProgress).rowsDone > 2000)) {
          child.kill('SIGKILL');
          resolve();
        }
      });
      child.on('exit', () => resolve());
      child.on('error', reject);
    });
    await new Promise((r) => child.once('close', r));
    const leftover = await readdir(path.join(out, 'site-1112'));
    expect(leftover).not.toContain('2025-03-01T00-00-00Z.csv');
    expect(leftover.some((f) => f.endsWith('.partial'))).toBe(true);
    expect((await readManifestFile(path.join(out, 'manifest.json'))).chunks).toEqual([]);

    const summary = await client().export(options);
    expect(summary).toMatchObject({ downloaded: 1, skipped: 0, rows: 43_200 });
    expect(await readdir(path.join(out, 'site-1112'))).toEqual(['2025-03-01T00-00-00Z.csv']);
  }, 60_000);

  it('removes temp files left by a process that died mid-chunk', async () => {
    const rs = client();
    await rs.export({ sites: [1111], startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T00:00:09Z', chunk: '1h', format: 'ndjson', dir });
    // What a killed process leaves: a temp file named after a chunk, with a pid that no longer runs.
    const stale = path.join(dir, 'site-1111', '.2025-03-01T00-00-00Z.ndjson.999999999-0badc0de.partial');
    await writeFile(stale, '{"timestamp": 1');
    await appendFile(path.join(dir, 'site-1111', 'keep.txt'), 'not ours');
    await rs.export({ sites: [1111], startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T00:00:09Z', chunk: '1h', format: 'ndjson', dir });
    expect(await readdir(path.join(dir, 'site-1111'))).toEqual(['2025-03-01T00-00-00Z.ndjson', 'keep.txt'].sort());
  });
});

describe('progress', () => {
  it('reports rows, chunks, sites and bytes as the export goes', async () => {
    const rs = client();
    const seen: ExportProgress[] = [];
    const summary = await rs.export({ sites: [1111, 1112, 1113], startDatetime: '2025-04-01T00:00:00Z', endDatetime: '2025-04-01T01:59:59Z', chunk: '30m', format: 'parquet', dir, onProgress: (p) => seen.push({ ...p }) });
    expect(seen.length).toBeGreaterThan(2);
    expect(seen[0]).toMatchObject({ rowsDone: 0, rowsExpected: 21_600, chunksDone: 0, chunksTotal: 12, sitesDone: 0, sitesTotal: 3, bytes: 0 });
    for (let i = 1; i < seen.length; i++) {
      expect(seen[i]!.rowsDone).toBeGreaterThanOrEqual(seen[i - 1]!.rowsDone);
      expect(seen[i]!.chunksDone).toBeGreaterThanOrEqual(seen[i - 1]!.chunksDone);
    }
    expect(seen.at(-1)).toMatchObject({ rowsDone: 21_600, rowsExpected: 21_600, chunksDone: 12, sitesDone: 3, bytes: summary.bytes });
    expect(summary.bytes).toBe((await readManifestFile()).chunks.reduce((n, c) => n + c.bytes, 0));
  });
});
