/**
 * `rs.sync()` against the embedded mock and real databases (DuckDB files, a throwaway PostgreSQL server):
 * the table equals a straight download of the same range, runs continue where the table stands, data
 * changes are applied (corrected values, vanished rows deleted) and confirmed only after the commit, live
 * rows follow the backfill without a gap, and the API failing mid-way loses nothing committed.
 */
import type { MockServer } from '../../src/mock';
import { ValidationError, type SyncProgress } from '../../src';
import { DAY0, T0S, Targets, client, iso, startSyncMock, straightDownload, type TestTarget, untilMeasurementStreams } from './support';

const HOUR = 3600;
const targets = new Targets();
beforeAll(() => targets.start(), 60_000);
afterAll(() => targets.stop());

let mock: MockServer;
beforeEach(async () => {
  mock = await startSyncMock();
});
afterEach(() => mock.close());

const dataRequests = (site: number) => mock.requests.filter((r) => r.method === 'GET' && r.path === `/external/thirdparty/v1/sites/${site}/data/`);
const confirmations = () => mock.requests.filter((r) => r.method === 'POST' && /data_changes/.test(r.path));

describe.each(['duckdb', 'postgres'] as const)('sync into %s', (kind) => {
  let target: TestTarget;
  beforeEach(async () => {
    target = await targets.fresh(kind);
  });

  it('backfills a pad per site: the table is a straight download of the range, sparse rows and text valves included', async () => {
    const rs = client(mock);
    const start = DAY0;
    const end = DAY0 + 2 * HOUR - 1;
    const progress: SyncProgress[] = [];
    const summary = await rs.sync({ pads: [697], startDatetime: iso(start), endDatetime: iso(end), into: target.into, chunk: '30m', onProgress: (p) => progress.push(p) });
    expect(summary.sites).toEqual([1111, 1112, 1113]);
    expect(summary.backfill).toEqual({ chunks: 12, rows: 3 * 2 * HOUR });
    expect(summary.completeThrough).toEqual({ 1111: new Date(end * 1000).toISOString(), 1112: new Date(end * 1000).toISOString(), 1113: new Date(end * 1000).toISOString() });
    expect(await target.table()).toEqual(await straightDownload(rs, [1111, 1112, 1113], start, end));

    const columns = await target.query(`SELECT column_name, data_type FROM information_schema.columns WHERE table_name = 'measurements'`);
    const type = (name: string) => String(columns.find((c) => c.column_name === name)?.data_type).toLowerCase();
    expect(type('site_id')).toBe('integer');
    expect(type('ts')).toBe('timestamp with time zone');
    expect(type('tds')).toMatch(/^double/);
    expect(type('upper_master_valve')).toMatch(/^(text|varchar)$/);
    expect(await target.query(`SELECT site_id, CAST(extract(epoch FROM from_ts) AS DOUBLE PRECISION) AS f, CAST(extract(epoch FROM through_ts) AS DOUBLE PRECISION) AS t FROM restream_sync_complete ORDER BY site_id`)).toEqual(
      [1111, 1112, 1113].map((site_id) => ({ site_id, f: start, t: end })),
    );
    expect(progress.map((p) => p.phase)).toEqual(expect.arrayContaining(['backfill', 'changes', 'done']));
    const last = progress[progress.length - 1]!;
    expect(last).toMatchObject({ phase: 'done', rowsCommitted: 3 * 2 * HOUR, chunksDone: 12, chunksTotal: 12 });
  });

  it('runs again from where the table stands: nothing twice, only the new range downloaded', async () => {
    const rs = client(mock);
    await rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + HOUR - 1), into: target.into, chunk: '20m' });
    mock.clearRequests();
    const again = await rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + HOUR - 1), into: target.into, chunk: '20m' });
    expect(again.backfill).toEqual({ chunks: 0, rows: 0 });
    expect(dataRequests(1112)).toHaveLength(0);

    const later = await rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + 2 * HOUR - 1), into: target.into, chunk: '20m' });
    expect(later.backfill).toEqual({ chunks: 3, rows: HOUR });
    expect(dataRequests(1112).map((r) => r.query.start_datetime?.[0])).toEqual(expect.arrayContaining([iso(DAY0 + HOUR).replace('T', ' ').replace('Z', '')]));
    expect(await target.table()).toEqual(await straightDownload(rs, [1112], DAY0, DAY0 + 2 * HOUR - 1));
  });

  it('applies data changes: the interval is re-pulled and replaced, vanished rows deleted, then confirmed', async () => {
    const rs = client(mock);
    const range = { startDatetime: iso(DAY0), endDatetime: iso(DAY0 + 2 * HOUR - 1), into: target.into, chunk: '30m' } as const;
    const first = await rs.sync({ pads: [697], ...range });
    // The demo log's changes lie before the range: recorded and confirmed, no rows touched.
    expect(first.changes.applied).toBeGreaterThan(0);
    const before = await target.table(`site_id = 1112`);

    // A correction of site 1112 over ten minutes of the range, and a row the API does not have in it.
    const [change] = mock.realtime.pushDataChange(1112, { start_date: iso(DAY0 + 1200), end_date: iso(DAY0 + 1799) });
    await target.query(`INSERT INTO measurements (site_id, ts, tds) VALUES (1112, to_timestamp(${DAY0 + 1500.5}), 1.5)`);
    mock.clearRequests();
    const second = await rs.sync({ pads: [697], ...range });
    expect(second.changes.ids).toEqual([change!.id]);
    expect(second.backfill.chunks).toBe(0);

    const after = await target.table(`site_id = 1112`);
    expect(after).toEqual(await straightDownload(rs, [1112], DAY0, DAY0 + 2 * HOUR - 1));
    // The corrected rows differ from what the first download gave; the rest did not move.
    const inChange = (r: Record<string, unknown>) => (r.ts as number) >= DAY0 + 1200 && (r.ts as number) <= DAY0 + 1799;
    expect(after.filter(inChange)).not.toEqual(before.filter(inChange));
    expect(after.filter((r) => !inChange(r))).toEqual(before.filter((r) => !inChange(r)));
    expect(after.some((r) => r.ts === DAY0 + 1500.5)).toBe(false);

    // Confirmed after the commit, to the logs it was read from; recorded as applied and confirmed.
    expect(confirmations().some((r) => JSON.stringify(r.body).includes(`"id":${change!.id}`))).toBe(true);
    const rows = await target.query(`SELECT change_id, site_id, confirmed_at IS NOT NULL AS confirmed FROM restream_sync_changes WHERE change_id = ${change!.id}`);
    expect(rows.map((r) => ({ ...r, change_id: Number(r.change_id) }))).toEqual([{ change_id: change!.id, site_id: 1112, confirmed: true }]);
    expect((await rs.site(1112).getDataChanges()).changes).toEqual([]);
  });

  it('follows the live streams from the backfill\'s last row, applies change events, and commits what it holds when stopped', async () => {
    const rs = client(mock);
    const controller = new AbortController();
    const start = T0S - HOUR + 1;
    const seen: SyncProgress[] = [];
    const streaming = untilMeasurementStreams(mock, 2);
    const done = rs.sync({
      sites: [1112, 1113],
      startDatetime: iso(start),
      into: target.into,
      live: true,
      chunk: '30m',
      signal: controller.signal,
      onProgress: (p) => {
        seen.push(p);
        if (p.liveRows >= 240 && p.changesApplied >= 1 && p.changesPending === 0) controller.abort();
      },
    });
    await streaming;
    // The next two minutes of both sites, live; then a correction of the last backfilled half hour.
    mock.realtime.pushMeasurements(1112, 120);
    mock.realtime.pushMeasurements(1113, 120);
    mock.realtime.pushDataChange(1112, { start_date: iso(T0S - 1800), end_date: iso(T0S - 1) });
    const summary = await done;
    expect(summary.live).toMatchObject({ rows: 240 });
    expect(summary.completeThrough).toEqual({ 1112: new Date((T0S + 120) * 1000).toISOString(), 1113: new Date((T0S + 120) * 1000).toISOString() });
    expect(await target.table()).toEqual(await straightDownload(rs, [1112, 1113], start, T0S + 120));
    const live = await target.query(`SELECT site_id, session_key, CAST(extract(epoch FROM position_ts) AS DOUBLE PRECISION) AS p FROM restream_sync_live ORDER BY site_id`);
    expect(live).toEqual([1112, 1113].map((site_id) => ({ site_id, session_key: expect.stringMatching(/^[0-9a-f]{32}$/), p: T0S + 120 })));
    expect(seen.some((p) => p.phase === 'live')).toBe(true);
  });

  it('turns a column into text when a field\'s numbers turn into strings, keeping every value', async () => {
    const rs = client(mock);
    const controller = new AbortController();
    const streaming = untilMeasurementStreams(mock, 1);
    const done = rs.sync({
      sites: [1112],
      startDatetime: iso(T0S - 59),
      fields: ['tds', 'slurry_ph_flowing'],
      into: target.into,
      live: true,
      signal: controller.signal,
      onProgress: (p) => {
        if (p.liveRows >= 2) controller.abort();
      },
    });
    await streaming;
    mock.realtime.pushMeasurements(1112, [
      { timestamp: T0S + 1, tds: 'sensor fault', slurry_ph_flowing: 8.1 },
      { timestamp: T0S + 2, tds: 950.25, slurry_ph_flowing: null },
    ]);
    await done;
    const rows = await target.table();
    expect(rows).toHaveLength(62);
    const downloaded = await straightDownload(rs, [1112], T0S - 59, T0S, ['tds', 'slurry_ph_flowing']);
    // Earlier numbers are kept as their text (tds is on the full rows, every 10 s); the string as sent; a
    // later number as its shortest text.
    expect(downloaded.filter((r) => typeof r.tds === 'number')).toHaveLength(6);
    expect(rows.slice(0, 60)).toEqual(downloaded.map((r) => (r.tds === undefined ? r : { ...r, tds: expect.any(String) })));
    expect(rows.slice(0, 60).map((r) => (r.tds === undefined ? undefined : Number(r.tds)))).toEqual(downloaded.map((r) => r.tds));
    expect(rows.slice(60)).toEqual([
      { site_id: 1112, ts: T0S + 1, tds: 'sensor fault', slurry_ph_flowing: 8.1 },
      { site_id: 1112, ts: T0S + 2, tds: '950.25' },
    ]);
  });

  it('writes a second the API sends twice once, as sent last, whether the two rows are neighbours or not', async () => {
    const rs = client(mock);
    const sent = [
      { timestamp: DAY0, site_id: 1112, tds: 1 },
      { timestamp: DAY0 + 1, site_id: 1112, tds: 2 },
      { timestamp: DAY0 + 1, site_id: 1112, tds: 3, slurry_ph_flowing: 7.5 },
      { timestamp: DAY0 + 2, site_id: 1112, tds: 4 },
      { timestamp: DAY0 + 3, site_id: 1112, tds: 5 },
      { timestamp: DAY0 + 2, site_id: 1112, tds: 6 },
      { timestamp: DAY0 + 4, site_id: 1112, tds: 7 },
    ];
    mock.faults.malformNext({ path: '/external/thirdparty/v1/sites/1112/data/', body: JSON.stringify(sent) });
    const summary = await rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + 4), fields: ['tds', 'slurry_ph_flowing'], into: target.into });
    expect(summary.backfill.rows).toBe(sent.length);
    expect(await target.table()).toEqual([
      { site_id: 1112, ts: DAY0, tds: 1 },
      { site_id: 1112, ts: DAY0 + 1, tds: 3, slurry_ph_flowing: 7.5 },
      { site_id: 1112, ts: DAY0 + 2, tds: 6 },
      { site_id: 1112, ts: DAY0 + 3, tds: 5 },
      { site_id: 1112, ts: DAY0 + 4, tds: 7 },
    ]);
  });

  it('retries the API failing mid-sync, and keeps what was committed when it fails for good', async () => {
    const rs = client(mock, { retry: { attempts: 2, baseDelayMs: 1, maxDelayMs: 2 } });
    const options = { sites: [1111, 1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + HOUR - 1), into: target.into, chunk: '15m', concurrency: 2 };
    // Two transient failures and a cut stream: retried and resumed.
    mock.faults.failNext({ path: '/external/thirdparty/v1/sites/1111/data/', times: 1, status: 503 });
    mock.faults.cutStream({ path: '/external/thirdparty/v1/sites/1112/data/', afterBytes: 20_000, times: 1 });
    const ok = await rs.sync({ ...options, endDatetime: iso(DAY0 + 1800 - 1) });
    expect(ok.backfill.rows).toBe(2 * 1800);

    // Site 1112's data fails for good: 1111 completes, 1112 keeps what it had.
    mock.faults.failNext({ path: '/external/thirdparty/v1/sites/1112/data/', times: 100, status: 500 });
    await expect(rs.sync(options)).rejects.toThrow(/site 1112 backfill .* failed|task\(s\) failed/);
    expect((await target.table('site_id = 1112')).length).toBe(1800);
    expect((await target.table('site_id = 1111')).length).toBe(HOUR);

    mock.faults.reset();
    await rs.sync(options);
    expect(await target.table()).toEqual(await straightDownload(rs, [1111, 1112], DAY0, DAY0 + HOUR - 1));
  });

  it('refuses an existing measurements table with other key columns, touching nothing and asking the API nothing', async () => {
    await target.query(`CREATE TABLE measurements (id INTEGER PRIMARY KEY, ts TIMESTAMPTZ, tds DOUBLE PRECISION)`);
    const rs = client(mock);
    mock.clearRequests();
    await expect(rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + 59), into: target.into })).rejects.toThrow(
      /existing table measurements has primary key \(id\).*needs primary key \(site_id integer, ts timestamp with time zone\)/,
    );
    expect(mock.requests).toHaveLength(0);
    const tables = await target.query(`SELECT table_name FROM information_schema.tables WHERE table_name LIKE 'restream_sync%'`);
    expect(tables).toEqual([]);
  });

  it('adopts an existing measurements table with the same key, writing rows by key (a row there is replaced, not duplicated)', async () => {
    // Key columns last, and a row of the range already there with another value.
    await target.query(`CREATE TABLE measurements (tds DOUBLE PRECISION, ts TIMESTAMPTZ NOT NULL, site_id INTEGER NOT NULL, PRIMARY KEY (site_id, ts))`);
    await target.query(`INSERT INTO measurements (site_id, ts, tds) VALUES (1112, to_timestamp(${DAY0 + 30}), -1)`);
    const rs = client(mock);
    await rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + 599), into: target.into, chunk: '5m' });
    expect(await target.table()).toEqual(await straightDownload(rs, [1112], DAY0, DAY0 + 599));
  });

  it('writes by key where rows exist already: a range synced again by other means replaces its rows', async () => {
    const rs = client(mock);
    await rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + 599), into: target.into, chunk: '5m' });
    // Forget that the range is complete: the next run downloads it again onto the same keys.
    await target.query(`DELETE FROM restream_sync_complete`);
    await target.query(`UPDATE measurements SET tds = -1 WHERE ts = to_timestamp(${DAY0 + 30})`);
    const again = await rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + 599), into: target.into, chunk: '5m' });
    expect(again.backfill.rows).toBe(600);
    expect(await target.table()).toEqual(await straightDownload(rs, [1112], DAY0, DAY0 + 599));
  });

  it('refuses other fields than the database was synced with', async () => {
    const rs = client(mock);
    await rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + 59), fields: 'tds,slurry_ph_flowing', into: target.into });
    await expect(rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + 59), fields: ['tds'], into: target.into })).rejects.toThrow(ValidationError);
    // The same fields in another order are the same fields.
    await rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + 119), fields: ['slurry_ph_flowing', 'tds'], into: target.into });
    expect(await target.table()).toEqual(await straightDownload(rs, [1112], DAY0, DAY0 + 119, ['tds', 'slurry_ph_flowing']));
  });
});

describe('bad targets', () => {
  it('names the accepted forms for an unknown target, before anything', async () => {
    const rs = client(mock);
    for (const into of ['out.sqlite', 'mysql://u:secretpw@db/x', 'restream.duckdb.bak', 's3://bucket/x.duckdb']) {
      const error = await rs.sync({ sites: [1112], startDatetime: iso(DAY0), into }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toMatch(/into: must be a path ending in \.duckdb .* or a postgres:\/\/ or postgresql:\/\/ URL/);
      expect((error as Error).message).not.toContain('secretpw');
    }
    expect(mock.requests).toHaveLength(0);
  });

  it('fails with one line when PostgreSQL is unreachable or refuses the login, before any request', async () => {
    const rs = client(mock);
    const closed = `postgres://postgres:hunter22@127.0.0.1:1/x`;
    const unreachable = await rs.sync({ sites: [1112], startDatetime: iso(DAY0), into: closed }).catch((e: unknown) => e);
    expect((unreachable as Error).name).toBe('DatabaseError');
    expect((unreachable as Error).message).toMatch(/^postgres:\/\/postgres:\[REDACTED\]@127\.0\.0\.1:1\/x: cannot connect to PostgreSQL: .*ECONNREFUSED/);
    expect((unreachable as Error).message).not.toContain('hunter22');
    const refused = await rs.sync({ sites: [1112], startDatetime: iso(DAY0), into: targets.postgres.url.replace('postgres@', 'nobody_here@') }).catch((e: unknown) => e);
    expect((refused as Error).name).toBe('DatabaseError');
    expect((refused as Error).message).toMatch(/cannot connect to PostgreSQL: role "nobody_here" does not exist/);
    expect(mock.requests).toHaveLength(0);
  });

  it('refuses a second sync into a DuckDB file that one is writing', async () => {
    const rs = client(mock);
    const target = await targets.fresh('duckdb');
    const gate = mock.faults.delay({ path: '/external/thirdparty/v1/sites/1112/data/', ms: Infinity, times: 1 });
    const first = rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + 59), into: target.into });
    await gate.whenHeld();
    const second = await rs.sync({ sites: [1112], startDatetime: iso(DAY0), endDatetime: iso(DAY0 + 59), into: target.into }).catch((e: unknown) => e);
    expect((second as Error).name).toBe('DatabaseError');
    gate.release();
    await first;
  });
});
