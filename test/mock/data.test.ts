import { readFileSync } from 'node:fs';
import path from 'node:path';
import { assertValidResponse } from '../helpers/contract';
import { dataQuery, rowTexts, spaced, startTestMock, T0, V1, type Row, type TestMock } from './support';

const START = Date.parse('2025-10-08T10:00:00Z') / 1000;
const T0S = T0.getTime() / 1000;

/** Consecutive rows of one site, in order: a site appearing twice (not grouped) shows as two blocks. */
function siteBlocks(rows: readonly Row[]): Array<{ site: unknown; timestamps: number[] }> {
  const blocks: Array<{ site: unknown; timestamps: number[] }> = [];
  for (const row of rows) {
    const last = blocks[blocks.length - 1];
    if (last && last.site === row.site_id) last.timestamps.push(row.timestamp as number);
    else blocks.push({ site: row.site_id, timestamps: [row.timestamp as number] });
  }
  return blocks;
}

describe('mock server: measurement data', () => {
  /** The default rows, shaped like the recorded ones. */
  let t: TestMock;
  /** Dense rows ('full'): every series on every row, for the tests about columns the sparse rows rarely carry. */
  let dense: TestMock;
  beforeAll(async () => {
    t = await startTestMock();
    dense = await startTestMock({ rowShape: 'full' });
  });
  afterAll(() => Promise.all([t.mock.close(), dense.mock.close()]));

  async function text(path: string, from: TestMock = t): Promise<string> {
    const res = await from.get(path, { headers: { Prefer: 'streaming' } });
    const body = await res.text();
    if (res.status !== 200) throw new Error(`${path} → ${res.status} ${body}`);
    return body;
  }
  async function rows(path: string, from: TestMock = t): Promise<Row[]> {
    return JSON.parse(await text(path, from)) as Row[];
  }
  const window = (from: number, to: number, extra: Record<string, string | number | boolean> = {}): string =>
    dataQuery({ start_datetime: spaced(from), end_datetime: spaced(to), ...extra });

  describe('time range', () => {
    it('defaults to the last hour before now: 3600 rows', async () => {
      const r = await rows(`${V1}/sites/1112/data/`);
      expect(r).toHaveLength(3600);
      expect(r[0]!.timestamp).toBe(T0S - 3599);
      expect(r[r.length - 1]!.timestamp).toBe(T0S);
    });

    it('includes both ends: one hour is 3600 rows, one second is 1 row', async () => {
      const hour = await rows(`${V1}/sites/1112/data/${window(START, START + 3599)}`);
      expect(hour).toHaveLength(3600);
      expect(hour.every((row, i) => row.timestamp === START + i)).toBe(true);
      expect(await rows(`${V1}/sites/1112/data/${window(START, START)}`)).toHaveLength(1);
    });

    it('streams rows that validate as the contract MeasurementRow', async () => {
      const path = `${V1}/pads/697/data/${window(START, START + 59, { routed: true })}`;
      assertValidResponse('GET', path, 200, await rows(path));
    });
  });

  describe('serialisation', () => {
    it('is Python json.dumps text: ", " and ": " separators, whole floats as 1.0, ints as 1', async () => {
      const body = await text(`${V1}/sites/1112/data/${window(START, START + 99)}`);
      expect(body.startsWith('[{"timestamp": ')).toBe(true);
      expect(body.endsWith('}]')).toBe(true);
      expect(body).not.toMatch(/,"|":[^ ]|\},\{/);
      expect(body).toContain('"ac_power_ok": 1.0');
      expect(body).toContain('"_external_power_": 1,');
      expect(body).toMatch(/"upper_master_valve": "[OC]"/);
      expect(body).toMatch(/"slurry_ph_flowing": \d\.\d{12,}/);
    });

    it("'full' rows are ragged: an extra key, a missing key or a null now and then", async () => {
      const r = await rows(`${V1}/sites/1112/data/${window(START, START + 3 * 3600 - 1)}`, dense);
      const counts = new Map<number, number>();
      for (const row of r) counts.set(Object.keys(row).length, (counts.get(Object.keys(row).length) ?? 0) + 1);
      const usual = [...counts.entries()].sort((a, b) => b[1] - a[1])[0]![0];
      expect(usual).toBeGreaterThanOrEqual(40);
      expect(r.some((row) => Object.keys(row).length > usual)).toBe(true);
      expect(r.some((row) => Object.keys(row).length < usual)).toBe(true);
      expect(r.some((row) => Object.values(row).includes(null))).toBe(true);
      expect(r.filter((row) => Object.keys(row).length === usual).length / r.length).toBeGreaterThan(0.99);
    });
  });

  describe('pads', () => {
    it('routed: one row per second per site, grouped by site (ascending id), then time, like the real API', async () => {
      const r = await rows(`${V1}/pads/697/data/${window(START, START + 9, { routed: true })}`);
      expect(r).toHaveLength(30);
      expect(r.map((row) => [row.timestamp, row.site_id])).toEqual(
        Array.from({ length: 30 }, (_, i) => [START + (i % 10), [1111, 1112, 1113][Math.floor(i / 10)]]),
      );
      // The real API's pad response has the same layout: each site's block covers the window, in turn.
      const real = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/data_pad.json'), 'utf8')) as Row[];
      expect(siteBlocks(real)).toEqual([1111, 1112, 1113].map((site) => ({ site, timestamps: real.slice(0, 60).map((row) => row.timestamp) })));
    });

    it("routed with padRowOrder 'time': by timestamp, then site id; the same rows", async () => {
      const timeOrdered = await startTestMock({ padRowOrder: 'time' });
      try {
        const q = `${V1}/pads/697/data/${window(START, START + 9, { routed: true })}`;
        const r = (await timeOrdered.json<Row[]>(q)).body;
        expect(r.map((row) => [row.timestamp, row.site_id])).toEqual(
          Array.from({ length: 30 }, (_, i) => [START + Math.floor(i / 3), [1111, 1112, 1113][i % 3]]),
        );
        const bySiteThenTime = (a: Row, b: Row): number => (a.site_id as number) - (b.site_id as number) || (a.timestamp as number) - (b.timestamp as number);
        expect([...r].sort(bySiteThenTime)).toEqual(await rows(q));
      } finally {
        await timeOrdered.mock.close();
      }
    });

    it("unrouted: one row per second, the pad's active site's (with its site_id)", async () => {
      const q = window(START, START + 9);
      const pad = await text(`${V1}/pads/697/data/${q}`);
      expect((JSON.parse(pad) as Row[]).map((row) => [row.timestamp, row.site_id])).toEqual(Array.from({ length: 10 }, (_, i) => [START + i, 1112]));
      expect(pad).toBe(await text(`${V1}/sites/1112/data/${q}`));
    });
  });

  describe('filters', () => {
    it('fields: only those keys plus timestamp and site_id', async () => {
      const q = `${V1}/pads/697/data/${window(START, START + 599, { routed: true, fields: 'M1_slurry_rate,tds,swab_valve' })}`;
      const r = await rows(q);
      expect(r).toHaveLength(1800);
      // The site with instruments: all three every 10 s, the fast swab_valve in between; the others: no readings.
      for (const row of r) {
        const keys = row.site_id !== 1112 ? [] : (row.timestamp as number) % 10 === 0 ? ['M1_slurry_rate', 'tds', 'swab_valve'] : ['swab_valve'];
        expect(Object.keys(row)).toEqual(['timestamp', ...keys, 'site_id'].sort((a, b) => order(a) - order(b)));
      }
      const full = await rows(q, dense);
      expect(full.every((row) => Object.keys(row).length <= 5 && Object.keys(row).every((k) => ['timestamp', 'site_id', 'M1_slurry_rate', 'tds', 'swab_valve'].includes(k)))).toBe(true);
      expect(full.filter((row) => Object.keys(row).length === 5).length).toBeGreaterThan(1780);
    });
    /** Wire order of the keys above: timestamp, readings, site_id, valves. */
    const order = (k: string): number => ['timestamp', 'M1_slurry_rate', 'tds', 'site_id', 'swab_valve'].indexOf(k);

    it('measurement_source keeps only the prefixed fields of those sources', async () => {
      // Dense rows: the recorded rows have no M2 readings at all.
      const r = await rows(`${V1}/sites/1112/data/${window(START, START + 59, { measurement_source: 'M2' })}`, dense);
      const keys = new Set(r.flatMap((row) => Object.keys(row)));
      expect([...keys].some((k) => k.startsWith('M1_'))).toBe(false);
      expect(keys.has('M2_surfactant_conc1')).toBe(true);
      expect(keys.has('tds')).toBe(true);
    });

    it('si_units scales values to SI', async () => {
      const q = (si: boolean): string => window(START, START + 59, { si_units: si, fields: 'M1_surface_treating_pressure,slurry_ph_flowing' });
      const imperial = await rows(`${V1}/sites/1112/data/${q(false)}`);
      const si = await rows(`${V1}/sites/1112/data/${q(true)}`);
      imperial.forEach((row, i) => {
        const p = row.M1_surface_treating_pressure;
        if (typeof p !== 'number') return;
        expect(si[i]!.M1_surface_treating_pressure).toBeCloseTo(p * 6.894757293168361, 6);
        expect(si[i]!.slurry_ph_flowing).toBe(row.slurry_ph_flowing);
      });
    });

    it('stage_number + state_imatch restrict rows to that stage', async () => {
      const history = (await t.json<Array<{ id?: number; state: string; stage_number: number; start: string; end: string | null }>>(
        `${V1}/sites/1112/history/?state=frac`,
      )).body;
      const stage = history.find((s) => s.end !== null && s.stage_number === 20)!;
      const from = Date.parse(stage.start) / 1000;
      const to = Date.parse(stage.end!) / 1000;
      const r = await rows(`${V1}/sites/1112/data/${dataQuery({ stage_number: 20, state_imatch: 'frac', fields: 'M1_slurry_rate' })}`);
      expect(r).toHaveLength(to - from + 1);
      expect(r[0]!.timestamp).toBe(from);
      expect(r[r.length - 1]!.timestamp).toBe(to);
      // Frac channels run during frac stages: on every full (10-second) row, a null now and then aside;
      // the fast rows between carry no rate.
      const fullRows = r.slice(0, -1).filter((row) => (row.timestamp as number) % 10 === 0);
      const rates = fullRows.map((row) => row.M1_slurry_rate).filter((v): v is number => typeof v === 'number');
      expect(rates.length).toBeGreaterThan(fullRows.length * 0.99);
      expect(Math.min(...rates)).toBeGreaterThan(50);
      expect(r.every((row) => (row.timestamp as number) % 10 === 0 || !('M1_slurry_rate' in row))).toBe(true);
      // Dense rows carry it every second.
      const denseRates = (await rows(`${V1}/sites/1112/data/${dataQuery({ stage_number: 20, state_imatch: 'frac', fields: 'M1_slurry_rate' })}`, dense))
        .slice(0, -1)
        .map((row) => row.M1_slurry_rate)
        .filter((v): v is number => typeof v === 'number');
      expect(denseRates.length).toBeGreaterThan(r.length * 0.99);
      expect(Math.min(...denseRates)).toBeGreaterThan(50);

      const routed = await rows(`${V1}/pads/697/data/${dataQuery({ stage_number: 20, state_imatch: 'frac', routed: true, fields: 'tds' })}`);
      const bySite = new Map<number, number>();
      for (const row of routed) bySite.set(row.site_id as number, (bySite.get(row.site_id as number) ?? 0) + 1);
      expect(bySite.get(1112)).toBe(to - from + 1);
      expect([...bySite.keys()].sort()).toEqual([1111, 1112, 1113]);
      // Grouped by site, each site's rows ascending.
      expect(siteBlocks(routed).map((b) => b.site)).toEqual([1111, 1112, 1113]);
      for (const { timestamps } of siteBlocks(routed)) expect(timestamps.every((ts, i) => i === 0 || ts > timestamps[i - 1]!)).toBe(true);

      expect(await text(`${V1}/sites/1112/data/${dataQuery({ stage_number: 999, state_imatch: 'frac' })}`)).toBe('[]');
    });
  });

  describe('resolution and aggregation', () => {
    it.each(['min', 'max', 'mean'] as const)('minute buckets with agg=%s match the raw rows', async (agg) => {
      const raw = await rows(`${V1}/sites/1112/data/${window(START, START + 599)}`);
      const buckets = await rows(`${V1}/sites/1112/data/${window(START, START + 599, { resolution: 'minute', agg })}`);
      expect(buckets.map((b) => b.timestamp)).toEqual(Array.from({ length: 10 }, (_, i) => START + 60 * i));
      for (const field of ['slurry_ph_flowing', 'M1_surface_treating_pressure', '_external_power_']) {
        buckets.forEach((bucket, i) => {
          const values = raw.slice(60 * i, 60 * i + 60).map((row) => row[field]).filter((v): v is number => typeof v === 'number');
          const expected = agg === 'min' ? Math.min(...values) : agg === 'max' ? Math.max(...values) : values.reduce((a, b) => a + b, 0) / values.length;
          if (agg === 'mean') expect(bucket[field]).toBeCloseTo(expected, 9);
          else expect(bucket[field]).toBe(expected);
        });
      }
      expect(buckets.every((b) => !('swab_valve' in b))).toBe(true);
    });

    it('buckets start on the epoch grid, aggregating only the requested seconds', async () => {
      const r = await rows(`${V1}/sites/1112/data/${window(START + 1800, START + 3 * 3600 - 1, { resolution: 'hour', agg: 'max' })}`);
      expect(r.map((row) => row.timestamp)).toEqual([START, START + 3600, START + 7200]);
      const tenSecond = await rows(`${V1}/pads/697/data/${window(START, START + 59, { resolution: 'ten-second', routed: true })}`);
      expect(tenSecond).toHaveLength(18);
    });
  });

  describe('determinism', () => {
    it('overlapping requests return byte-identical rows for the overlap, site by site', async () => {
      const a = rowTexts(await text(`${V1}/pads/697/data/${window(START, START + 1200, { routed: true })}`));
      const b = rowTexts(await text(`${V1}/pads/697/data/${window(START + 600, START + 1800, { routed: true })}`));
      expect(a).toHaveLength(3603);
      expect(b).toHaveLength(3603);
      // Each site's block: 1201 rows; the overlap is the last 601 of a's and the first 601 of b's.
      for (let site = 0; site < 3; site++) {
        const mine = a.slice(1201 * site, 1201 * (site + 1));
        const theirs = b.slice(1201 * site, 1201 * (site + 1));
        expect(new Set(mine.map((r) => (JSON.parse(r) as Row).site_id))).toEqual(new Set([[1111, 1112, 1113][site]]));
        expect(mine.slice(600)).toEqual(theirs.slice(0, 601));
      }
    });

    it('the same seed gives the same data; another seed other data', async () => {
      const q = `${V1}/pads/697/data/${window(START, START + 300, { routed: true })}`;
      const same = await startTestMock({ seed: 7 });
      const other = await startTestMock({ seed: 8 });
      try {
        const mine = await text(q);
        expect(await (await same.get(q)).text()).toBe(mine);
        expect(await (await other.get(q)).text()).not.toBe(mine);
        expect((await same.json(`${V1}/pads/697/history/`)).body).toEqual((await t.json(`${V1}/pads/697/history/`)).body);
      } finally {
        await Promise.all([same.mock.close(), other.mock.close()]);
      }
    });
  });

  describe('validation', () => {
    it.each([
      ['sites/1112', { resolution: 'second' }],
      ['sites/1112', { resolution: 'minute', agg: 'median' }],
      ['sites/1112', { start_datetime: '2025-10-08T10:00:00Z' }],
      ['sites/1112', { start_datetime: '2025-02-30 10:00:00' }],
      ['sites/1112', { start_datetime: '2025-10-08 11:00:00', end_datetime: '2025-10-08 10:00:00' }],
      ['sites/1112', { stage_number: 3 }],
      ['sites/1112', { stage_number: 'three', state_imatch: 'frac' }],
      ['sites/1112', { state_imatch: 'fracking' }],
      ['pads/697', { stage_number: 3, state_imatch: 'frac' }],
      ['sites/1112', { fill_data_method: 'ffill', resolution: 'minute' }],
      ['sites/1112', { fill_data_method: 'ffill', agg: 'mean' }],
      ['sites/1112', { fill_data_method: 'ffill', fill_data_limit: 0 }],
      ['sites/1112', { fill_data_limit: 5 }],
      ['sites/1112', { si_units: 'maybe' }],
      ['pads/697', { routed: 'yes' }],
      ['sites/1112', { fields: 'tds;drop table' }],
    ])('%s %j → 400 {detail}', async (resource, params) => {
      const res = await t.get(`${V1}/${resource}/data/${dataQuery(params as Record<string, string>)}`);
      expect(res.status).toBe(400);
      const body = await res.json();
      expect(body).toEqual({ detail: expect.any(String) });
      assertValidResponse('GET', `${V1}/${resource}/data/`, 400, body);
    });

    it('accepts the gap-filling parameters at raw resolution', async () => {
      const r = await rows(`${V1}/sites/1112/data/${window(START, START + 9, { fill_data_method: 'ffill', fill_data_limit: 5, inside_area_only: true })}`);
      expect(r).toHaveLength(10);
    });
  });

  describe('streaming', () => {
    it('sends a huge body incrementally and stops generating when the client goes away', async () => {
      const path = `${V1}/sites/1112/data/`;
      const ac = new AbortController();
      t.mock.clearRequests();
      const res = await t.get(`${path}${window(START - 1_000_000, START - 1)}`, { signal: ac.signal });
      expect(res.status).toBe(200);
      const reader = res.body!.getReader();
      let chunks = 0;
      let bytes = 0;
      while (chunks < 40) {
        const { value, done } = await reader.read();
        if (done) break;
        chunks++;
        bytes += value.length;
      }
      expect(chunks).toBe(40);
      expect(t.mock.inFlight(path)).toBe(1);
      ac.abort();
      await reader.cancel().catch(() => undefined);
      await t.mock.whenIdle();
      expect(t.mock.inFlight(path)).toBe(0);
      const record = t.mock.requests.find((r) => r.path === path)!;
      expect(record.aborted).toBe(true);
      // A million rows are hundreds of MB; the server stopped within a few socket buffers of the reader.
      expect(record.bytes).toBeGreaterThanOrEqual(bytes);
      expect(record.bytes).toBeLessThan(bytes + 32 * 1024 * 1024);
    });
  });
});

describe('mock server: row shapes', () => {
  it("'wide12': timestamp, ten floats, site_id", async () => {
    const t = await startTestMock({ rowShape: 'wide12' });
    try {
      const body = await (await t.get(`${V1}/sites/1112/data/${dataQuery({ start_datetime: spaced(START), end_datetime: spaced(START + 999) })}`)).text();
      const r = JSON.parse(body) as Row[];
      expect(r).toHaveLength(1000);
      expect(r.every((row) => Object.keys(row).length === 12 && row.site_id === 1112)).toBe(true);
      expect(Object.values(r[0]!).slice(1, 11).every((v) => typeof v === 'number')).toBe(true);
      const perRow = body.length / r.length;
      expect(perRow).toBeGreaterThan(420);
      expect(perRow).toBeLessThan(560);
    } finally {
      await t.mock.close();
    }
  });

  it("'sparse' (the default): a full row every 10 s, the fast channels in between; no readings from a site without instruments", async () => {
    const t = await startTestMock({ rowShape: 'sparse' });
    try {
      const r = (await t.json<Row[]>(`${V1}/pads/697/data/${dataQuery({ start_datetime: spaced(START), end_datetime: spaced(START + 59), routed: true })}`)).body;
      expect(r).toHaveLength(180);
      for (const row of r) {
        const full = (row.timestamp as number) % 10 === 0;
        const keys = row.site_id !== 1112 ? 2 : full ? ((row.timestamp as number) % 60 === 50 ? 46 : 45) : 11;
        expect(Object.keys(row).length).toBe(keys);
      }
      const byDefault = await startTestMock();
      try {
        expect(await (await byDefault.get(`${V1}/pads/697/data/${dataQuery({ start_datetime: spaced(START), end_datetime: spaced(START + 59), routed: true })}`)).json()).toEqual(r);
      } finally {
        await byDefault.mock.close();
      }
      const raw = await t.json<Row[]>(`${V1}/sites/1112/data/${dataQuery({ start_datetime: spaced(START), end_datetime: spaced(START + 59), resolution: 'minute', agg: 'max' })}`);
      expect(raw.body).toHaveLength(1);
    } finally {
      await t.mock.close();
    }
  });
});
