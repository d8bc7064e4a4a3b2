/**
 * The mock as the real client sees it: each answer held to the recorded response of the same request
 * (test/fixtures), where the mock used to differ from it: (a) the shape of measurement rows, (b) the field
 * catalogue, (c) the stage-aggregation keys, (d) the answer to a data-change confirmation, (e) empty
 * realtime frames (on the wire, and through the SDK's reader).
 */
import { readFileSync } from 'node:fs';
import { KEPT_PROPERTIES, cataloguePath, renderFieldCatalogue } from '../../scripts/mock-catalogue';
import { ALL_SERIES, SERIES, siConversion } from '../../src/mock/fields';
import { RECORDED_FIELDS } from '../../src/mock/field-catalogue';
import { assertValidResponse, validateWebSocketMessage } from '../helpers/contract';
import { readFixture, readFixtureText } from '../helpers/fixtures';
import { client, openRaw, startRealtimeMock, T0S as WS_T0S, nextStreamEvent, FAST } from '../realtime/helpers';
import { dataQuery, spaced, startTestMock, T0, V1, type Row, type TestMock } from './support';

/** A minute on the minute (the recording's window is 00:00:00-00:00:59), an hour before the tests' "now". */
const MINUTE = T0.getTime() / 1000 - 3600;
const minute = (extra: Record<string, string | number | boolean> = {}): string =>
  dataQuery({ start_datetime: spaced(MINUTE), end_datetime: spaced(MINUTE + 59), ...extra });

/** How many times each value occurs. */
function tally<T>(values: Iterable<T>): Map<T, number> {
  const out = new Map<T, number>();
  for (const v of values) out.set(v, (out.get(v) ?? 0) + 1);
  return out;
}
const sorted = <K, V>(m: Map<K, V>): Array<[K, V]> => [...m].sort((a, b) => String(a[0]).localeCompare(String(b[0])));

/** The spelling class of each value text of a `/data/` body, per key: int (`1`), float (`1.0`), string, null. */
function spellings(body: string): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  for (const m of body.matchAll(/"([^"]+)": (null|"[^"]*"|-?[\d.eE+-]+)/g)) {
    const [, key, text] = m as unknown as [string, string, string];
    const kind = text === 'null' ? 'null' : text.startsWith('"') ? 'string' : /[.eE]/.test(text) ? 'float' : 'int';
    if (!out.has(key)) out.set(key, new Set());
    out.get(key)!.add(kind);
  }
  return out;
}

/** The number of significant digits of each float in a body that is not a whole number (`8.12021255493164`: 15). */
function floatDigits(body: string): number[] {
  return [...body.matchAll(/: (-?\d+\.\d+)[,}]/g)]
    .map((m) => m[1]!)
    .filter((text) => !text.endsWith('.0'))
    .map((text) => text.replace(/[-.]/g, '').replace(/^0+/, '').length);
}

describe('the mock against the recorded responses', () => {
  let t: TestMock;
  beforeAll(async () => {
    t = await startTestMock();
  });
  afterAll(() => t.mock.close());

  async function body(path: string): Promise<string> {
    const res = await t.get(path, { headers: { Prefer: 'streaming' } });
    const text = await res.text();
    if (res.status !== 200) throw new Error(`${path} → ${res.status} ${text}`);
    return text;
  }

  describe('(a) measurement rows are shaped like data_pad.json by default', () => {
    const recorded = readFixture<Row[]>('data_pad.json');
    const recordedText = readFixtureText('data_pad.json');

    it('the same request (a pad, routed, one minute): the same count of rows per key count, and the same key lists', async () => {
      const path = `${V1}/pads/697/data/${minute({ resolution: 'raw', routed: true })}`;
      const rows = JSON.parse(await body(path)) as Row[];
      assertValidResponse('GET', path, 200, rows);
      expect(rows).toHaveLength(recorded.length);
      // Mostly 2 or 11 keys, a few 45 (46 once a minute, with the occasional column): 120, 54, 5, 1.
      expect(sorted(tally(rows.map((r) => Object.keys(r).length)))).toEqual(sorted(tally(recorded.map((r) => Object.keys(r).length))));
      // Every distinct key list (in wire order), as often as in the recording.
      const keyLists = (list: Row[]): Array<[string, number]> => sorted(tally(list.map((r) => Object.keys(r).join(','))));
      expect(keyLists(rows)).toEqual(keyLists(recorded));
      // Each site sends one row a second, and one site of the three sends readings (as 1111 does in the recording).
      const readers = (list: Row[]): number => new Set(list.filter((r) => Object.keys(r).length > 2).map((r) => r.site_id)).size;
      expect(readers(rows)).toBe(readers(recorded));
      expect(sorted(tally(rows.map((r) => r.site_id)))).toEqual([[1111, 60], [1112, 60], [1113, 60]]);
    });

    it('site_id on every row: routed and unrouted pad data, and site data', async () => {
      expect(recorded.every((r) => typeof r.site_id === 'number')).toBe(true);
      const routed = JSON.parse(await body(`${V1}/pads/697/data/${minute({ routed: true })}`)) as Row[];
      expect(routed.every((r) => [1111, 1112, 1113].includes(r.site_id as number))).toBe(true);
      const unrouted = JSON.parse(await body(`${V1}/pads/697/data/${minute()}`)) as Row[];
      expect(unrouted.every((r) => r.site_id === 1112)).toBe(true);
      for (const site of [1111, 1112, 1113, 1201, 1202, 1301]) {
        const rows = JSON.parse(await body(`${V1}/sites/${site}/data/${minute()}`)) as Row[];
        expect(rows).toHaveLength(60);
        expect(rows.every((r) => r.site_id === site)).toBe(true);
      }
      // Coarser resolutions and a fields filter keep it too.
      const buckets = JSON.parse(await body(`${V1}/sites/1112/data/${minute({ resolution: 'ten-second', agg: 'max', fields: 'tds' })}`)) as Row[];
      expect(buckets.map((r) => Object.keys(r))).toEqual(Array.from({ length: 6 }, () => ['timestamp', 'tds', 'site_id']));
    });

    it('values are spelled as recorded: whole floats as 1.0, ints as 1, valve strings, 15-17 significant digits', async () => {
      const text = await body(`${V1}/pads/697/data/${minute({ routed: true })}`);
      const mine = spellings(text);
      const theirs = spellings(recordedText);
      // Every recorded key, with the same kinds of spelling (the mock adds a null now and then: readings can drop out).
      expect([...mine.keys()].sort()).toEqual([...theirs.keys()].sort());
      for (const [key, kinds] of theirs) expect([key, [...mine.get(key)!].filter((k) => k !== 'null').sort()]).toEqual([key, [...kinds].sort()]);
      expect(text).toContain('"_external_power_": 1,');
      expect(text).toMatch(/"ac_power_ok": 1\.0,/);
      // Float32 readings printed as doubles: nearly all non-round floats carry 15 to 17 significant digits.
      for (const digits of [floatDigits(text), floatDigits(recordedText)]) {
        expect(digits.filter((d) => d >= 15 && d <= 17).length / digits.length).toBeGreaterThan(0.9);
      }
    });

    it('over hours: the same mix (a full row every 10 s from the site with readings), and a null now and then', async () => {
      const seconds = 6 * 3600;
      const rows = JSON.parse(
        await body(`${V1}/pads/697/data/${dataQuery({ start_datetime: spaced(MINUTE - seconds), end_datetime: spaced(MINUTE - 1), routed: true })}`),
      ) as Row[];
      const counts = tally(rows.map((r) => Object.keys(r).length));
      // Per second: two sites without readings; the third a fast row, or a full one every 10 s (with the extra column at :50).
      expect(sorted(counts)).toEqual([[11, (seconds * 9) / 10], [2, seconds * 2], [45, seconds / 10 - seconds / 60], [46, seconds / 60]]);
      const nulls = rows.filter((r) => Object.values(r).includes(null)).length;
      expect(nulls).toBeGreaterThan(0);
      expect(nulls).toBeLessThan(rows.length / 1000);
    });

    it('the dense shape stays available, for benchmarks: every series on every row of every site', async () => {
      const dense = await startTestMock({ rowShape: 'full' });
      try {
        const rows = (await dense.json<Row[]>(`${V1}/pads/697/data/${minute({ routed: true })}`)).body;
        expect(rows).toHaveLength(180);
        // timestamp + every series + site_id; a ragged row (one in ~700) has one key more or fewer.
        const usual = 1 + SERIES.length + 1;
        expect(rows.filter((r) => Object.keys(r).length === usual).length).toBeGreaterThan(175);
        expect(new Set(rows.map((r) => r.site_id))).toEqual(new Set([1111, 1112, 1113]));
      } finally {
        await dense.mock.close();
      }
    });
  });

  describe('(b) the field catalogue is the recorded one (fields_pad.json)', () => {
    const recorded = readFixture<Array<Record<string, unknown>>>('fields_pad.json');
    const project = (f: Record<string, unknown>): Record<string, unknown> => Object.fromEntries(KEPT_PROPERTIES.map((k) => [k, f[k]]));

    it('src/mock/field-catalogue.ts is what scripts/mock-catalogue.ts makes of the recording (`npm run generate:mock`)', () => {
      const expected = renderFieldCatalogue(recorded);
      if (readFileSync(cataloguePath, 'utf8') !== expected) throw new Error('src/mock/field-catalogue.ts is stale: run `npm run generate:mock`');
      expect(RECORDED_FIELDS.map((f) => f.name)).toEqual(recorded.map((f) => f.name));
    });

    it.each(['pads/697', 'sites/1112'])('%s/fields/: every entry equals the recorded one in names, units, categories and limits, in order', async (resource) => {
      const path = `${V1}/${resource}/fields/`;
      const { status, body: fields } = await t.json<Array<Record<string, unknown>>>(path);
      expect(status).toBe(200);
      assertValidResponse('GET', path, 200, fields);
      expect(fields.map(project)).toEqual(recorded.map(project));
      // source_category as recorded: fluid and pd fields included, no more frac ones than recorded.
      expect(sorted(tally(fields.map((f) => f.source_category)))).toEqual(sorted(tally(recorded.map((f) => f.source_category))));
      expect(fields.map((f) => f.source_category)).toEqual(expect.arrayContaining(['fluid', 'pd', 'frac', 'wl', null]));
      // The same keys in the same order; ids are the mock's own, but unique.
      for (const f of fields) expect(Object.keys(f)).toEqual(Object.keys(recorded[0]!));
      expect(new Set(fields.map((f) => f.id)).size).toBe(fields.length);
    });

    it('rows and catalogue agree: every reading is a catalogue field, converted to SI by its catalogue units', async () => {
      const names = new Set(RECORDED_FIELDS.map((f) => f.name));
      expect(ALL_SERIES.filter((s) => s.kind !== 'valve' && !names.has(s.name)).map((s) => s.name)).toEqual([]);
      for (const f of RECORDED_FIELDS) expect(() => siConversion(f.name)).not.toThrow();
      // M1_slurry_rate: bbl/min → L/min, as the catalogue says (not m^3/min).
      const query = (si: boolean): string => `${V1}/sites/1112/data/${dataQuery({ stage_number: 20, state_imatch: 'frac', fields: 'M1_slurry_rate', si_units: si })}`;
      const [imperial, si] = [JSON.parse(await body(query(false))) as Row[], JSON.parse(await body(query(true))) as Row[]];
      const pairs = imperial.map((r, i) => [r.M1_slurry_rate, si[i]!.M1_slurry_rate]).filter(([a]) => typeof a === 'number' && a > 0);
      expect(pairs.length).toBeGreaterThan(100);
      for (const [a, b] of pairs) expect(b).toBeCloseTo((a as number) * 158.987294928, 6);
    });
  });

  describe('(c) stage aggregations carry the recorded keys (aggregations_pad.json)', () => {
    const recorded = readFixture<Record<string, Array<Record<string, number | null>>>>('aggregations_pad.json');
    const entries = Object.values(recorded).flat();

    it('every entry has exactly the recorded keys, in the recorded order, the stage id last', async () => {
      const path = `${V1}/pads/697/aggregations/?state=frac`;
      const { body: agg } = await t.json<Record<string, unknown>>(path);
      assertValidResponse('GET', path, 200, agg);
      const mine = Object.values(agg).filter(Array.isArray).flat() as Array<Record<string, number | null>>;
      expect(mine.length).toBeGreaterThan(20);
      const recordedKeys = Object.keys(entries[0]!);
      expect(new Set(entries.map((e) => Object.keys(e).join(',')))).toEqual(new Set([recordedKeys.join(',')]));
      for (const e of mine) expect(Object.keys(e)).toEqual(recordedKeys);
      for (const key of ['avg_slurry_density_var', 'frac_duration_sec_test', 'test_time', 'total_proppant_historic', 'total_slurry_flow_test', 'wt_corrosion', 'wt_orp', 'wt_ph', 'wt_tds']) {
        expect(recordedKeys).toContain(key);
      }
      // Metrics the recording never fills are null on every mock stage; those it always fills, never null.
      const always = (list: typeof entries, test: (v: number | null) => boolean): string[] => recordedKeys.filter((k) => list.every((e) => test(e[k]!)));
      expect(always(mine, (v) => v === null)).toEqual(always(entries, (v) => v === null));
      for (const key of always(entries, (v) => v !== null)) expect([key, mine.every((e) => e[key] !== null)]).toEqual([key, true]);
      // test_time is the stage's end, as in the recording (start_pumping_time + about total_duration).
      const { body: history } = await t.json<Array<{ id?: number; end: string | null }>>(`${V1}/pads/697/history/?state=frac`);
      const ends = new Map(history.filter((s) => s.id !== undefined).map((s) => [s.id!, Date.parse(s.end!) / 1000]));
      for (const e of mine) expect(e.test_time).toBe(ends.get(e.id!));
    });
  });

  describe('(d) a confirmation is answered with the changes still unconfirmed', () => {
    const recordedKeys = Object.keys(readFixture<{ change_log: Array<Record<string, unknown>> }>('data_changes_pad_many.json').change_log[0]!);

    it.each(['pads/697', 'sites/1112'])('%s: confirmed changes are absent from the answer (how the official client reads it), the others listed', async (resource) => {
      const path = `${V1}/${resource}/data_changes/`;
      const before = (await t.json<{ change_log: Array<{ id: number }> }>(path)).body.change_log;
      expect(before.length).toBeGreaterThanOrEqual(3);
      const confirmed = before.slice(0, 2).map((c) => c.id);
      const res = await t.post(path, { change_log: confirmed.map((id) => ({ id, update_received: true })) });
      expect(res.status).toBe(200);
      const answer = (await res.json()) as { change_log: Array<Record<string, unknown>> };
      assertValidResponse('POST', path, 200, answer);
      assertValidResponse('GET', path, 200, answer);
      // Whole change records, as GET lists them: no receipt echo (`update_received: true` would read as "not confirmed").
      for (const c of answer.change_log) expect(Object.keys(c)).toEqual(recordedKeys);
      expect(answer.change_log.map((c) => c.id)).toEqual(before.slice(2).map((c) => c.id));
      expect(answer).toEqual((await t.json(path)).body);
      // Taking a confirmation back lists the change again.
      const undo = await t.post(path, { change_log: [{ id: confirmed[0], update_received: false }] });
      expect(((await undo.json()) as { change_log: Array<{ id: number }> }).change_log.map((c) => c.id)).toEqual([confirmed[0], ...before.slice(2).map((c) => c.id)]);
    });
  });
});

describe('(e) empty realtime frames are bare `""` and `null`', () => {
  it('on the wire: never an envelope with a null or empty message, and valid against the contract', async () => {
    const mock = await startRealtimeMock({ realtime: { emptyFrameEvery: 3 } });
    try {
      const c = await openRaw(mock, '/ws/data/site/1112/', { query: { session_key: 'empty', start_datetime: spaced(WS_T0S - 59) } });
      await c.frameCount(80);
      const empty = c.frames.filter((f) => !f.startsWith('{'));
      expect(empty.length).toBeGreaterThanOrEqual(19);
      expect(new Set(empty)).toEqual(new Set(['null', '""']));
      for (const f of c.frames) {
        const parsed = JSON.parse(f) as unknown;
        expect(validateWebSocketMessage('/ws/data/site/1112/', parsed).errors).toBe('');
        if (f.startsWith('{')) expect(['', null, undefined]).not.toContain((parsed as { message: unknown }).message);
      }
      await c.close();
    } finally {
      await mock.close();
    }
    expect(validateWebSocketMessage('/ws/data/site/1112/', 'text').valid).toBe(false);
  });

  it('the SDK skips all three forms: `""`, `null` and `{"message": null}` (or `""`), counting them as empty', async () => {
    const mock = await startRealtimeMock({ realtime: { emptyFrameEvery: 0 } });
    try {
      const rs = client(mock);
      const { stream, sessionKey } = await rs.site(1112).getRealtimeMeasurementsData({ reconnect: FAST });
      const it = stream[Symbol.asyncIterator]();
      const first = it.next();
      await nextStreamEvent(stream, 'open');
      mock.realtime.pushMeasurements(1112, [{ timestamp: WS_T0S + 1, tds: 1 }]);
      for (const frame of ['""', 'null', JSON.stringify({ session_key: sessionKey, message: null }), JSON.stringify({ session_key: sessionKey, message: '' })]) {
        mock.realtime.pushFrame({ sessionKey }, frame);
      }
      mock.realtime.pushMeasurements(1112, [{ timestamp: WS_T0S + 2, tds: 2 }]);
      expect((await first).value).toEqual({ timestamp: WS_T0S + 1, tds: 1 });
      expect((await it.next()).value).toEqual({ timestamp: WS_T0S + 2, tds: 2 });
      expect(stream.stats.emptyFrames).toBe(4);
      expect(stream.stats.frames).toBe(6);
      await it.return!();
    } finally {
      await mock.close();
    }
  });
});
