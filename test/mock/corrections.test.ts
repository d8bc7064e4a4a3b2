/**
 * Corrections in the mock: once a data change exists for a site and an interval, `/data/` and the realtime
 * replay send other values there (a revision per second mixed into the generator, src/mock/revisions.ts),
 * and the same values as before everywhere else; a second change over a second moves it again.
 */
import { Restream, type Row } from '../../src';
import { startMockServer, type MockServer } from '../../src/mock';
import { RevisionCursor, changeInterval } from '../../src/mock/revisions';

const T0 = new Date('2025-10-09T08:00:00Z');
const START = Date.parse('2025-10-08T10:00:00Z') / 1000;
const iso = (s: number) => new Date(s * 1000).toISOString().replace('.000Z', 'Z');

let mock: MockServer;
let rs: Restream;
beforeEach(async () => {
  mock = await startMockServer({ seed: 7, now: () => T0 });
  rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {} });
});
afterEach(() => mock.close());

const rows = (site: number, from: number, to: number): Promise<Row[]> => rs.site(site).getData({ startDatetime: new Date(from * 1000), endDatetime: new Date(to * 1000) }).toArray();
const inside = (r: Row, a: number, b: number) => r.timestamp >= a && r.timestamp <= b;
/** A row's numeric readings (not its keys). */
const readings = (r: Row): unknown[] => Object.entries(r).filter(([k, v]) => k !== 'timestamp' && k !== 'site_id' && typeof v === 'number').map(([, v]) => v);

describe('mock corrections', () => {
  it('a data change corrects the values of its site and interval, and nothing else', async () => {
    const [a, b] = [START + 600, START + 899];
    const before = await rows(1112, START, START + 1799);
    const other = await rows(1113, START, START + 1799);
    mock.realtime.pushDataChange(1112, { start_date: iso(a), end_date: iso(b) });
    const after = await rows(1112, START, START + 1799);

    expect(after.map((r) => r.timestamp)).toEqual(before.map((r) => r.timestamp));
    expect(after.filter((r) => !inside(r, a, b))).toEqual(before.filter((r) => !inside(r, a, b)));
    const changed = after.filter((r) => inside(r, a, b));
    const old = before.filter((r) => inside(r, a, b));
    // Every row of the interval differs in its readings (real-shaped rows: the fast channels every second,
    // tds on the full row every 10 s); keys and the valves (which follow the stage) stay.
    changed.forEach((row, i) => {
      expect(Object.keys(row)).toEqual(Object.keys(old[i]!));
      expect(readings(row)).not.toEqual(readings(old[i]!));
      if (typeof old[i]!.tds === 'number') expect(row.tds).not.toBe(old[i]!.tds);
      expect(row.upper_master_valve).toBe(old[i]!.upper_master_valve);
    });
    expect(changed.filter((r) => typeof r.tds === 'number')).toHaveLength(30);
    // Corrected values stay in the series' range.
    for (const row of changed) if (typeof row.tds === 'number') expect(row.tds).toBeGreaterThanOrEqual(943);
    expect(await rows(1113, START, START + 1799)).toEqual(other);

    // A second change over part of it corrects that part again.
    mock.realtime.pushDataChange(1112, { start_date: iso(a), end_date: iso(a + 9) });
    const twice = await rows(1112, a, b);
    twice.slice(0, 10).forEach((row, i) => expect(readings(row)).not.toEqual(readings(changed[i]!)));
    expect(twice.slice(10)).toEqual(changed.slice(10));
  });

  it('a realtime replay started after the change carries the corrected values, as /data/ does', async () => {
    const [a, b] = [T0.getTime() / 1000 - 300, T0.getTime() / 1000 - 1];
    mock.realtime.pushDataChange(1112, { start_date: iso(a), end_date: iso(b) });
    const { stream } = await rs.site(1112).getRealtimeMeasurementsData({ startDatetime: new Date((a - 60) * 1000), fields: ['tds', 'slurry_ph_flowing'] });
    const live: Row[] = [];
    for await (const row of stream) {
      live.push(row);
      if (row.timestamp === b) break;
    }
    const downloaded = await rs.site(1112).getData({ startDatetime: new Date((a - 60) * 1000), endDatetime: new Date(b * 1000), fields: ['tds', 'slurry_ph_flowing'] }).toArray();
    expect(live).toEqual(downloaded);
  });
});

describe('RevisionCursor', () => {
  it('counts the changes covering each second, for timestamps read in order or after a step back', () => {
    const c = new RevisionCursor([
      [10, 20],
      [15, 30],
      [40, 40],
    ]);
    const read = (ts: number[]) => ts.map((t) => c.at(t));
    expect(read([0, 9, 10, 14, 15, 20, 21, 30, 31, 39, 40, 41])).toEqual([0, 0, 1, 1, 2, 2, 1, 1, 0, 0, 1, 0]);
    expect(read([16, 12])).toEqual([2, 1]);
    expect(new RevisionCursor([]).at(5)).toBe(0);
  });

  it('reads a change\'s interval as clients do: whole seconds, microseconds floored', () => {
    expect(changeInterval({ start_date: '2025-10-08T10:00:00Z', end_date: '2025-10-08T10:00:09.999999Z' })).toEqual([START, START + 9]);
  });
});
