/**
 * `restream sync` as a command: the DuckDB default in the current folder, the summary, usage errors
 * (exit 2, one line naming what is accepted), database failures (exit 1, one line, nothing asked of or
 * confirmed to the API), and Ctrl+C during a backfill (exit 130, what was committed stays).
 */
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { MockServer } from '../../src/mock';
import { runCli, startCli } from '../helpers/cli-process';
import { DAY0, duckdbTarget, iso, startSyncMock } from './support';

let mock: MockServer;
let dir: string;
beforeEach(async () => {
  mock = await startSyncMock();
  dir = mkdtempSync(path.join(tmpdir(), 'restream-sync-cli-'));
});
afterEach(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

const range = ['--start', iso(DAY0), '--end', iso(DAY0 + 599)];

it('syncs into ./restream.duckdb by default and prints what it did; run again, it has nothing to do', async () => {
  const first = await runCli(['sync', '--sites', '1112', ...range, '--chunk', '5m'], { mock, cwd: dir });
  expect(first).toMatchObject({ code: 0, stderr: '' });
  expect(first.stdout).toMatch(/^synced 1 site into .*restream\.duckdb: 600 rows committed \(2 backfill chunks\), \d+ data changes applied; complete through: 1112 2025-10-08T00:09:59\.000Z/);
  expect(existsSync(path.join(dir, 'restream.duckdb'))).toBe(true);
  const again = await runCli(['sync', '--sites', '1112', ...range, '--json'], { mock, cwd: dir });
  expect(again.code).toBe(0);
  expect(JSON.parse(again.stdout)).toMatchObject({ sites: [1112], rows: 0, backfill: { chunks: 0, rows: 0 }, live: null });
  expect((await duckdbTarget(dir, 'restream.duckdb').table()).length).toBe(600);
});

it.each([
  [['--into', 'out.sqlite'], /^restream: --into: must be a path ending in \.duckdb \(DuckDB, e\.g\. \.\/restream\.duckdb\) or a postgres:\/\/ or postgresql:\/\/ URL \(PostgreSQL\), got 'out\.sqlite' \(see 'restream sync --help'\)\n$/],
  [['--live', '--end', iso(DAY0 + 59)], /^restream: --end: cannot be combined with --live/],
  [['--into', 'x.duckdb', '--start', 'yesterday'], /^restream: --start: must be a Date or an ISO-8601 string with an explicit offset/],
])('refuses %j with exit 2 and one line, before any request', async (extra, message) => {
  const args = ['sync', '--sites', '1112', ...range, ...extra];
  const run = await runCli(args, { mock, cwd: dir });
  expect(run.code).toBe(2);
  expect(run.stderr).toMatch(message);
  expect(run.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(mock.requests).toHaveLength(0);
});

it('asks for sites and a start', async () => {
  expect(await runCli(['sync', ...range], { mock, cwd: dir })).toMatchObject({ code: 2, stderr: expect.stringMatching(/give --sites <ids> and\/or --pads <ids>/) });
  expect(await runCli(['sync', '--pads', '697'], { mock, cwd: dir })).toMatchObject({ code: 2, stderr: expect.stringMatching(/--start <time> is required/) });
});

it('fails with exit 1 and one line when the database is unreachable; the password never shows; the API is not asked', async () => {
  const run = await runCli(['sync', '--sites', '1112', ...range, '--into', 'postgresql://me:s3cret-pw@127.0.0.1:1/ops'], { mock, cwd: dir });
  expect(run.code).toBe(1);
  expect(run.stderr).toMatch(/^restream: postgresql:\/\/me:\[REDACTED\]@127\.0\.0\.1:1\/ops: cannot connect to PostgreSQL: .*ECONNREFUSED.*\n$/);
  expect(run.stderr).not.toContain('s3cret-pw');
  expect(mock.requests).toHaveLength(0);
});

it('stops on Ctrl+C during a backfill with exit 130, keeping what was committed', async () => {
  // Both of 1112's chunks are held (with one held, the other could start and commit before the interrupt).
  const held = mock.faults.delay({ path: '/external/thirdparty/v1/sites/1112/data/', ms: Infinity, times: 2 });
  const cli = startCli(['sync', '--sites', '1111,1112', ...range, '--chunk', '5m', '--concurrency', '2'], { mock, env: { RESTREAM_SYNC_CHECKPOINTS: '1' }, cwd: dir });
  await held.whenHeld();
  await cli.untilStderr(/checkpoint commit 2 site=1111/);
  cli.child.kill('SIGINT');
  const { code } = await cli.exited;
  held.release();
  expect(code).toBe(130);
  expect(cli.stderr).toMatch(/restream: interrupted by SIGINT; what was committed stays: run the same command again to continue/);
  expect((await duckdbTarget(dir, 'restream.duckdb').table()).map((r) => r.site_id)).toEqual(new Array(600).fill(1111));
});
