/**
 * `restream plot` end to end: a real child process against the embedded mock server, checking the files,
 * stdout, stderr and exit codes (0 done, 2 usage, 130 interrupted).
 */
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { PNG } from 'pngjs';
import { startMockServer, type MockServer } from '../../src/mock';
import { runCli, startCli } from '../helpers/cli-process';

const T0 = new Date('2025-10-09T08:00:00Z');
const RANGE = ['--start', '2025-10-08T06:00:00Z', '--end', '2025-10-08T07:59:59Z'];
const FIELDS = ['--fields', 'M1_surface_treating_pressure,M1_slurry_rate,M1_proppant_conc'];

let mock: MockServer;
let work: string;

beforeAll(async () => {
  mock = await startMockServer({ seed: 5, now: () => T0 });
  work = mkdtempSync(path.join(tmpdir(), 'restream-plot-cli-'));
});

afterAll(async () => {
  await mock.close();
  rmSync(work, { recursive: true, force: true });
});

const dataRequests = () => mock.requests.filter((r) => r.path.endsWith('/data/')).length;

describe('restream plot', () => {
  it('writes an SVG with a path per field; --json prints what it wrote', async () => {
    const file = path.join(work, 'two-hours.svg');
    const { code, stdout, stderr } = await runCli(['plot', 'site', '1112', ...RANGE, ...FIELDS, '-o', file, '--json'], { mock });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const result = JSON.parse(stdout) as { path: string; rows: number; format: string; series: Array<{ field: string; points: number }> };
    expect(result).toMatchObject({ path: file, rows: 7200, format: 'svg' });
    const svg = readFileSync(file, 'utf8');
    for (const field of ['M1_surface_treating_pressure', 'M1_slurry_rate', 'M1_proppant_conc']) expect(svg).toContain(`data-field="${field}"`);
    expect(result.series.every((s) => s.points > 0)).toBe(true);
  });

  it('writes a PNG of the requested size for a stage', async () => {
    const file = path.join(work, 'stage.png');
    const { code, stderr } = await runCli(['plot', 'site', '1112', '--stage', '30', '--frac', ...FIELDS, '--width', '800', '--height', '500', '-o', file], { mock });
    expect(stderr).toBe('');
    expect(code).toBe(0);
    const png = PNG.sync.read(readFileSync(file));
    expect([png.width, png.height]).toEqual([800, 500]);
  });

  it('writes a self-contained HTML page', async () => {
    const file = path.join(work, 'page.html');
    const { code } = await runCli(['plot', 'site', '1112', ...RANGE, '--fields', 'tds', '--title', 'TDS', '-o', file], { mock });
    expect(code).toBe(0);
    const html = readFileSync(file, 'utf8');
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<h1>TDS</h1>');
    expect(html).not.toMatch(/<script[^>]*\bsrc=/i);
  });

  it('a misspelt field is a usage error that lists close matches, before any row is fetched', async () => {
    const before = dataRequests();
    const file = path.join(work, 'typo.svg');
    const { code, stderr } = await runCli(['plot', 'site', '1112', ...RANGE, '--fields', 'M1_surface_treating_pressure,M1_slury_rate', '-o', file], { mock });
    expect(code).toBe(2);
    expect(stderr).toMatch(/^restream: --fields: site 1112 has no field 'M1_slury_rate' \(close matches: M1_slurry_rate, [^)]*\)/);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(dataRequests()).toBe(before);
    expect(existsSync(file)).toBe(false);
  });

  it.each([
    [['plot', 'site', '1112', ...RANGE, ...FIELDS], /plot needs -o <file>/],
    [['plot', 'site', '1112', ...RANGE, '-o', 'x.svg'], /plot needs --fields/],
    [['plot', 'site', '1112', ...RANGE, ...FIELDS, '-o', 'x.pdf'], /-o\/--output: plots are written as \.svg, \.png or \.html/],
    [['plot', 'pad', '697', ...RANGE, ...FIELDS, '-o', 'x.svg'], /plot draws one site/],
    [['plot', 'site', '1112', '--start', '2025-10-08T06:00:00Z', ...FIELDS, '-o', 'x.svg'], /--start: a plot needs its time window/],
    [['plot', 'site', '1112', ...RANGE, ...FIELDS, '--width', '0', '-o', 'x.svg'], /--width/],
    [['plot', 'site', '1112', ...RANGE, ...FIELDS, '--height', '100', '-o', 'x.svg'], /--height: must be at least \d+ pixels for 3 panels/],
  ])('usage error (exit 2): %j', async (args, message) => {
    const { code, stderr } = await runCli(args, { mock });
    expect(code).toBe(2);
    expect(stderr).toMatch(message);
  });

  it('keeps an existing file unless --overwrite is given', async () => {
    const file = path.join(work, 'kept.svg');
    writeFileSync(file, 'old');
    const refused = await runCli(['plot', 'site', '1112', ...RANGE, '--fields', 'tds', '-o', file], { mock });
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/-o\/--output: .*kept\.svg already exists; pass --overwrite to replace it/);
    expect(readFileSync(file, 'utf8')).toBe('old');
    const replaced = await runCli(['plot', 'site', '1112', ...RANGE, '--fields', 'tds', '-o', file, '--overwrite'], { mock });
    expect(replaced.code).toBe(0);
    expect(readFileSync(file, 'utf8')).toMatch(/^<svg /);
  });

  it('SIGINT during the download: exit 130, no file, no temp file', async () => {
    const dir = mkdtempSync(path.join(work, 'int-'));
    const file = path.join(dir, 'month.svg');
    // The data request is held by the mock, so the interrupt lands while the download is under way.
    const held = mock.faults.delay({ path: /\/data\/$/, ms: Infinity });
    const run = startCli(['plot', 'site', '1112', '--start', '2025-09-01T00:00:00Z', '--end', '2025-09-30T23:59:59Z', '--fields', 'tds', '-o', file], { mock });
    try {
      await held.whenHeld();
      run.child.kill('SIGINT');
      const { code } = await run.exited;
      expect(code).toBe(130);
      expect(run.stderr).toMatch(/^restream: interrupted by SIGINT; .*month\.svg not written\n$/);
      expect(readdirSync(dir)).toEqual([]);
    } finally {
      held.release();
    }
  });
});
