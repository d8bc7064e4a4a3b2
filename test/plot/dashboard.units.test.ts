/**
 * The dashboard's parts that need no server: field choice and close matches, grouping by unit, the sliding
 * window of rows, the history's resolution, and the listen-address policy; and startDashboard's option
 * checks, which must fail before any request.
 */
import { Restream } from '../../src/client';
import { ValidationError } from '../../src/http/errors';
import { startMockServer, type MockServer } from '../../src/mock';
import type { Field } from '../../src/models/types';
import { startDashboard } from '../../src/plot/dashboard';
import { allowedHostHeaders, checkListenHost, isLoopback, listenWarning, urlHost } from '../../src/plot/dashboard/address';
import { historyResolution } from '../../src/plot/dashboard/feed';
import { DEFAULT_FIELD_COUNT, chooseFields, groupByUnit } from '../../src/plot/dashboard/fields';
import { SeriesWindow } from '../../src/plot/dashboard/series-window';
import { closeMatches } from '../../src/validate';

function field(name: string, extra: Partial<Field> = {}): Field {
  return { id: name.length, name, ...extra } as Field;
}

const METADATA: Field[] = [
  field('M1_surface_treating_pressure', { imperial_unit: 'psi', si_unit: 'kPa', customer_facing_label: 'Treating Pressure - A', primary_color: '#E4572E' }),
  field('M1_slurry_rate', { imperial_unit: 'bpm', si_unit: 'm^3/min', label: 'Slurry Rate - A', connect_nulls: true }),
  field('M2_slurry_rate', { imperial_unit: 'bpm', si_unit: 'm^3/min', label: 'Slurry Rate - B' }),
  field('M2_surface_treating_pressure', { imperial_unit: 'psi', si_unit: 'kPa', customer_facing_label: 'Treating Pressure - B' }),
  field('tds', { imperial_unit: 'ppm', si_unit: 'ppm' }),
  field('valve_1'),
  field('valve_2'),
];

describe('closeMatches', () => {
  it('finds typos first, then names that contain the given one', () => {
    expect(closeMatches('M1_slury_rate', METADATA.map((f) => f.name))).toEqual(['M1_slurry_rate', 'M2_slurry_rate']);
    expect(closeMatches('slurry_rate', METADATA.map((f) => f.name))).toEqual(['M1_slurry_rate', 'M2_slurry_rate']);
    expect(closeMatches('TDS', METADATA.map((f) => f.name))).toEqual(['tds']);
    expect(closeMatches('surface_treating_pressure', METADATA.map((f) => f.name))).toEqual(['M1_surface_treating_pressure', 'M2_surface_treating_pressure']);
    expect(closeMatches('wellhead_temperature', METADATA.map((f) => f.name))).toEqual([]);
    expect(closeMatches('valve', METADATA.map((f) => f.name), 1)).toEqual(['valve_1']);
  });
});

describe('chooseFields', () => {
  it('takes the asked-for fields in order, once each', () => {
    expect(chooseFields(METADATA, ['tds', 'M1_slurry_rate', 'tds'], 1112).map((f) => f.name)).toEqual(['tds', 'M1_slurry_rate']);
  });

  it('refuses an unknown name, listing its close matches from the metadata', () => {
    let error: unknown;
    try {
      chooseFields(METADATA, ['tds', 'slury_rate'], 1112);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).parameter).toBe('fields');
    expect((error as ValidationError).message).toBe(
      "fields: site 1112 has no field 'slury_rate' (close matches: M1_slurry_rate, M2_slurry_rate); 'restream fields site 1112' lists them",
    );
    expect(() => chooseFields(METADATA, ['nothing_like_it'], 1112)).toThrow(/^fields: site 1112 has no field 'nothing_like_it'; 'restream fields/);
  });

  it('defaults to the customer-facing fields, else the first ones', () => {
    expect(chooseFields(METADATA, undefined, 1).map((f) => f.name)).toEqual(['M1_surface_treating_pressure', 'M2_surface_treating_pressure']);
    const plain = Array.from({ length: 10 }, (_, i) => field(`f${i}`));
    expect(chooseFields(plain, undefined, 1)).toHaveLength(DEFAULT_FIELD_COUNT);
  });
});

describe('groupByUnit', () => {
  it('puts fields of one unit on one chart, each unitless field on its own, in first-seen order', () => {
    const groups = groupByUnit(chooseFields(METADATA, ['M1_slurry_rate', 'M1_surface_treating_pressure', 'valve_1', 'M2_slurry_rate', 'valve_2'], 1), false);
    expect(groups.map((g) => [g.unit, g.fields.map((f) => f.name)])).toEqual([
      ['bpm', ['M1_slurry_rate', 'M2_slurry_rate']],
      ['psi', ['M1_surface_treating_pressure']],
      [null, ['valve_1']],
      [null, ['valve_2']],
    ]);
    expect(groups[0]!.fields[0]).toEqual({ name: 'M1_slurry_rate', label: 'Slurry Rate - A', unit: 'bpm', color: null, connectNulls: true });
    expect(groups[1]!.fields[0]).toMatchObject({ label: 'Treating Pressure - A', color: '#E4572E', connectNulls: false });
  });

  it('uses the SI units when asked', () => {
    expect(groupByUnit(chooseFields(METADATA, ['M1_surface_treating_pressure'], 1), true)[0]!.unit).toBe('kPa');
  });
});

describe('SeriesWindow', () => {
  it('keeps the history before the first live row, then the live rows, as columns', () => {
    const w = new SeriesWindow(['a', 'b'], 100);
    w.setHistory([
      { timestamp: 1000, a: 1, b: 2 },
      { timestamp: 1010, a: 3 },
      { timestamp: 1020, a: 5, b: 'O' },
    ]);
    expect(w.snapshot()).toEqual({ t: [1000, 1010, 1020], v: [[1, 3, 5], [2, null, null]] });
    // Live rows from 1020 on replace the history's bucket at 1020.
    expect(w.append([{ timestamp: 1020, a: 10 }, { timestamp: 1021, a: 11, b: 0.1234567891234 }])).toEqual({ t: [1020, 1021], v: [[10, 11], [null, 0.1234568]] });
    expect(w.snapshot()).toEqual({ t: [1000, 1010, 1020, 1021], v: [[1, 3, 10, 11], [2, null, null, 0.1234568]] });
    // Rows not newer than the newest live row are not taken again.
    expect(w.append([{ timestamp: 1021, a: 99 }, { timestamp: 1005, a: 99 }])).toBeUndefined();
    expect(w.liveRows).toBe(2);
  });

  it('slides: nothing older than the window before the newest row stays', () => {
    const w = new SeriesWindow(['a'], 60);
    w.setHistory(Array.from({ length: 7 }, (_, i) => ({ timestamp: 1000 + i * 10, a: i })));
    const live = Array.from({ length: 5000 }, (_, i) => ({ timestamp: 1061 + i, a: i }));
    for (let i = 0; i < live.length; i += 100) w.append(live.slice(i, i + 100));
    const s = w.snapshot();
    expect(s.t[0]).toBe(1061 + 4999 - 60);
    expect(s.t).toHaveLength(61);
    expect(s.v[0]![60]).toBe(4999);
    expect(w.newest).toBe(1061 + 4999);
  });
});

describe('historyResolution', () => {
  it('is the finest with at most 720 buckets in the window', () => {
    expect(historyResolution(600)).toBe('raw');
    expect(historyResolution(3600)).toBe('ten-second');
    expect(historyResolution(6 * 3600)).toBe('minute');
    expect(historyResolution(86_400)).toBe('ten-minute');
    expect(historyResolution(90 * 86_400)).toBe('hour');
  });
});

describe('the listen address', () => {
  it('is an address, never a URL', () => {
    expect(checkListenHost('127.0.0.1')).toBe('127.0.0.1');
    expect(checkListenHost('[::1]')).toBe('::1');
    expect(checkListenHost('dash.local')).toBe('dash.local');
    expect(() => checkListenHost('http://0.0.0.0')).toThrow(/^host: must be an address to listen on .*not a URL/);
    expect(() => checkListenHost('a b')).toThrow(ValidationError);
    expect(() => checkListenHost('')).toThrow(ValidationError);
  });

  it('warns for anything other machines can reach, not for loopback', () => {
    for (const h of ['127.0.0.1', '127.0.0.2', '::1', 'localhost']) {
      expect(isLoopback(h)).toBe(true);
      expect(listenWarning(h)).toBeUndefined();
    }
    expect(listenWarning('0.0.0.0')).toMatch(/listens on every network interface: other machines can reach it/);
    expect(listenWarning('192.168.1.5')).toMatch(/listens on 192\.168\.1\.5: other machines/);
  });

  it('shows a wildcard address as loopback in the URL, and checks Host only on loopback', () => {
    expect(urlHost('0.0.0.0')).toBe('127.0.0.1');
    expect(urlHost('::')).toBe('[::1]');
    expect(urlHost('fe80::1')).toBe('[fe80::1]');
    expect(allowedHostHeaders('127.0.0.1', 8080)).toEqual(new Set(['127.0.0.1:8080', 'localhost:8080', '[::1]:8080']));
    expect(allowedHostHeaders('0.0.0.0', 8080)).toBeUndefined();
  });
});

describe('startDashboard options', () => {
  let mock: MockServer;
  let rs: Restream;

  beforeAll(async () => {
    mock = await startMockServer();
    rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {} });
  });
  afterAll(() => mock.close());

  it('are checked before any request', async () => {
    const cases: Array<[Record<string, unknown>, RegExp]> = [
      [{ site: 0 }, /^site: must be a positive integer/],
      [{ site: 1112, feilds: ['tds'] }, /^feilds: unknown option for startDashboard \(did you mean 'fields'\?\)/],
      [{ site: 1112, fields: [] }, /^fields: must be a non-empty list/],
      [{ site: 1112, port: 70000 }, /^port: must be an integer in \[0, 65535\]/],
      [{ site: 1112, host: 'https://example.com' }, /^host: .*not a URL/],
      [{ site: 1112, token: 'short' }, /^token: must be 16-128/],
      [{ site: 1112, aggregation: 'median' }, /^aggregation: must be one of 'min', 'max', 'mean'/],
      [{ site: 1112, windowSeconds: 0 }, /^windowSeconds: must be a positive integer/],
    ];
    for (const [options, message] of cases) {
      await expect(startDashboard(rs, options as never)).rejects.toThrow(message);
    }
    expect(mock.requests).toHaveLength(0);
  });

  it('an unknown field is refused after reading the metadata, before anything listens', async () => {
    await expect(startDashboard(rs, { site: 1112, fields: ['tds', 'M1_slurry_rat'] })).rejects.toThrow(
      /^fields: site 1112 has no field 'M1_slurry_rat' \(close matches: M1_slurry_rate, slurry_rate\)/,
    );
    expect(mock.realtime.connections).toHaveLength(0);
  });
});
