/**
 * Exactly once, whatever happens: `restream sync` is killed with SIGKILL at chosen points (mid-chunk,
 * between commits, mid-correction, between a correction's commit and its confirmation, while live), started
 * again, and must end with the table a straight download of the same range gives, every change applied
 * and confirmed. Each kill point is deterministic: the process announces the point on stderr and freezes
 * there (RESTREAM_SYNC_HALT_AT, see src/sync/checkpoints.ts), and the test kills it then.
 */
import type { MockServer } from '../../src/mock';
import { startCli, runCli } from '../helpers/cli-process';
import { DAY0, T0S, Targets, client, iso, startSyncMock, straightDownload, type TestTarget, untilMeasurementStreams } from './support';

jest.setTimeout(120_000);

const HOUR = 3600;
const SITES = [1112, 1113];
const START = DAY0;
const END = DAY0 + 2 * HOUR - 1;
const targets = new Targets();
beforeAll(() => targets.start(), 60_000);
afterAll(() => targets.stop());

let mock: MockServer;
/** The mock's clock, moved on by the live test as it pushes live seconds. */
let now = T0S;
beforeEach(async () => {
  now = T0S;
  mock = await startSyncMock({ now: () => new Date(now * 1000) });
});
afterEach(() => mock.close());

const syncArgs = (target: TestTarget, extra: string[] = []) => ['sync', '--sites', SITES.join(','), '--start', iso(START), '--end', iso(END), '--into', target.into, '--chunk', '20m', '--concurrency', '3', ...extra];

/** Runs the sync to its end; it must succeed. */
async function syncToEnd(target: TestTarget): Promise<void> {
  const run = await runCli(syncArgs(target), { mock });
  expect({ code: run.code, stderr: run.stderr }).toEqual({ code: 0, stderr: '' });
}

/** Runs the sync until it halts at `point` (`name:n`), then kills it. */
async function killAt(target: TestTarget, point: string, args = syncArgs(target)): Promise<void> {
  const cli = startCli(args, { mock, env: { RESTREAM_SYNC_HALT_AT: point } });
  const [name, n] = point.split(':');
  await cli.untilStderr(new RegExp(`checkpoint ${name} ${n} .*\\(halted\\)`), `the halt at ${point}`);
  await cli.kill();
}

/** The end state every run must reach: the straight download, every range complete, every change applied and confirmed. */
async function expectSynced(target: TestTarget, end = END): Promise<void> {
  const rs = client(mock);
  expect(await target.table()).toEqual(await straightDownload(rs, SITES, START, end));
  const complete = await target.query(`SELECT site_id, CAST(extract(epoch FROM from_ts) AS DOUBLE PRECISION) AS f, CAST(extract(epoch FROM through_ts) AS DOUBLE PRECISION) AS t FROM restream_sync_complete ORDER BY site_id`);
  expect(complete).toEqual(SITES.map((site_id) => ({ site_id, f: START, t: end })));
  for (const site of SITES) expect((await rs.site(site).getDataChanges()).changes).toEqual([]);
  expect((await rs.pad(697).getDataChanges()).changes.filter((c) => SITES.includes(c.site))).toEqual([]);
  expect(await target.query(`SELECT change_id FROM restream_sync_changes WHERE confirmed_at IS NULL`)).toEqual([]);
}

const BACKFILL_POINTS: Record<string, string[]> = {
  // Mid-chunk (staged, not committed), right after the first commit, later between commits.
  duckdb: ['stage:2', 'commit:1', 'commit:7'],
  postgres: ['stage:2', 'commit:4'],
};
const CHANGE_POINTS: Record<string, string[]> = {
  // Mid-download of a correction; committed but not confirmed; confirmed.
  duckdb: ['change-stage:1', 'change-commit:1', 'change-confirm:1'],
  postgres: ['change-commit:1'],
};

describe.each(['duckdb', 'postgres'] as const)('%s: killed and run again', (kind) => {
  it.each(BACKFILL_POINTS[kind]!)('during the backfill, at %s: the table of an uninterrupted run', async (point) => {
    const target = await targets.fresh(kind);
    await killAt(target, point);
    await syncToEnd(target);
    await expectSynced(target);
  });

  it.each(CHANGE_POINTS[kind]!)('while applying a data change, at %s: applied once in effect, confirmed after its commit', async (point) => {
    const target = await targets.fresh(kind);
    await syncToEnd(target);
    const before = await target.table(`site_id = 1112`);
    const [change] = mock.realtime.pushDataChange(1112, { start_date: iso(START + 600), end_date: iso(START + 1799) });
    await killAt(target, point);
    // Killed before the confirmation: the change is still in the API's log. After it: it is not.
    const logged = (await client(mock).site(1112).getDataChanges()).changes.map((c) => c.id);
    expect(logged.includes(change!.id)).toBe(point !== 'change-confirm:1');
    await syncToEnd(target);
    await expectSynced(target);
    const after = await target.table(`site_id = 1112`);
    const inChange = (r: Record<string, unknown>) => (r.ts as number) >= START + 600 && (r.ts as number) <= START + 1799;
    expect(after.filter(inChange)).not.toEqual(before.filter(inChange));
    expect(after.filter((r) => !inChange(r))).toEqual(before.filter((r) => !inChange(r)));
  });

  it('while live: started again live, it replays from its last committed row and stops cleanly on SIGTERM', async () => {
    const target = await targets.fresh(kind);
    const start = T0S - 1799;
    const args = ['sync', '--sites', SITES.join(','), '--start', iso(start), '--into', target.into, '--live', '--chunk', '10m'];
    const pushLive = (seconds: number) => {
      for (const site of SITES) mock.realtime.pushMeasurements(site, seconds);
      now += seconds;
    };

    const first = startCli(args, { mock, env: { RESTREAM_SYNC_HALT_AT: 'live-commit:1' } });
    await untilMeasurementStreams(mock, 2);
    pushLive(300);
    await first.untilStderr(/checkpoint live-commit 1 .*\(halted\)/);
    await first.kill();

    // A correction of the last ten minutes before the first live second, and a bit into the live rows.
    mock.realtime.pushDataChange(1112, { start_date: iso(T0S - 600), end_date: iso(T0S + 100) });
    const second = startCli(args, { mock, env: { RESTREAM_SYNC_CHECKPOINTS: '1' } });
    await untilMeasurementStreams(mock, 2);
    pushLive(60);
    const through = T0S + 360;
    await second.untilStderr(new RegExp(`live-commit \\d+ site=1112 through=${through}`));
    await second.untilStderr(new RegExp(`live-commit \\d+ site=1113 through=${through}`));
    await second.untilStderr(/change-confirm \d+ site=1112/);
    second.child.kill('SIGTERM');
    const { code } = await second.exited;
    expect({ code, stdout: second.stdout }).toEqual({ code: 0, stdout: expect.stringMatching(/^synced 2 sites into .*live rows/) });

    const rs = client(mock);
    expect(await target.table()).toEqual(await straightDownload(rs, SITES, start, through));
    for (const site of SITES) expect((await rs.site(site).getDataChanges()).changes).toEqual([]);
  }, 90_000);
});

