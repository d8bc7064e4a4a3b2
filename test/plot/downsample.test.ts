/**
 * The streaming downsampler: per time column it keeps the first, last, lowest and highest value (what a
 * line through all of them shows in that pixel column), min(n, 4) points for n values, whatever the
 * arrival order, skipping what is not a number, and breaking lines at gaps.
 */
import { Downsampler, type DownsampledSeries } from '../../src/plot/downsample';
import { prng as rng } from '../helpers/random-json';

type Row = Record<string, unknown> & { timestamp: number };

/** Rows of `field` with every second of [start, end] (or a random subset), random values with flat stretches. */
function randomRows(random: () => number, start: number, end: number, field = 'p'): Row[] {
  const rows: Row[] = [];
  let v = 100;
  for (let t = start; t <= end; t++) {
    if (random() < 0.2) continue; // sparse: this row lacks the field
    if (random() < 0.3) v += Math.round((random() - 0.5) * 20); // often unchanged: flat stretches
    rows.push({ timestamp: t, [field]: v });
  }
  return rows;
}

function shuffle<T>(items: T[], random: () => number): T[] {
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

function points(series: DownsampledSeries): Array<[number, number]> {
  return Array.from(series.t, (t, i) => [t, series.v[i]!]);
}

describe('Downsampler', () => {
  test('keeps min(n, 4) points per column: the first, the last and the extremes, in time order', () => {
    const random = rng(7);
    const start = 1_700_000_000;
    const end = start + 9_999;
    const rows = randomRows(random, start, end);
    const columns = 333; // not a divisor of the window: columns of 30 and 31 seconds
    const ds = new Downsampler({ start, end, columns, fields: ['p'] });
    for (let i = 0; i < rows.length; i += 97) ds.addRows(rows.slice(i, i + 97));
    const [series] = ds.series();

    // The same columns, computed from all the rows at once.
    const byColumn = new Map<number, Row[]>();
    for (const row of rows) {
      const c = Math.floor(((row.timestamp - start) * columns) / (end - start + 1));
      byColumn.set(c, [...(byColumn.get(c) ?? []), row]);
    }
    let expected = 0;
    for (const members of byColumn.values()) expected += Math.min(members.length, 4);
    expect(series!.t.length).toBe(expected);
    expect(series!.values).toBe(rows.length);

    const kept = points(series!);
    for (let i = 1; i < kept.length; i++) expect(kept[i]![0]).toBeGreaterThan(kept[i - 1]![0]);
    for (const [c, members] of byColumn) {
      const inColumn = kept.filter(([t]) => Math.floor(((t - start) * columns) / (end - start + 1)) === c);
      const values = members.map((r) => r.p as number);
      expect(inColumn.length).toBe(Math.min(members.length, 4));
      expect(inColumn[0]).toEqual([members[0]!.timestamp, members[0]!.p]);
      expect(inColumn[inColumn.length - 1]).toEqual([members[members.length - 1]!.timestamp, members[members.length - 1]!.p]);
      expect(Math.min(...inColumn.map(([, v]) => v))).toBe(Math.min(...values));
      expect(Math.max(...inColumn.map(([, v]) => v))).toBe(Math.max(...values));
      // Every kept point is one of the column's rows.
      for (const [t, v] of inColumn) expect(members.some((r) => r.timestamp === t && r.p === v)).toBe(true);
    }
    expect(series!.min).toBe(Math.min(...rows.map((r) => r.p as number)));
    expect(series!.max).toBe(Math.max(...rows.map((r) => r.p as number)));
  });

  test('arrival order does not change the result (pad data is grouped by site, not by time)', () => {
    const random = rng(11);
    const start = 0;
    const end = 4_999;
    const rows = randomRows(random, start, end);
    const ordered = new Downsampler({ start, end, columns: 200, fields: ['p'] });
    ordered.addRows(rows);
    const shuffled = new Downsampler({ start, end, columns: 200, fields: ['p'] });
    // Distinct values, so the kept points do not depend on which of two equal values came first.
    const distinct = rows.map((r, i) => ({ ...r, p: (r.p as number) + i * 1e-6 }));
    const orderedDistinct = new Downsampler({ start, end, columns: 200, fields: ['p'] });
    orderedDistinct.addRows(distinct);
    shuffled.addRows(shuffle(distinct, random));
    expect(points(shuffled.series()[0]!)).toEqual(points(orderedDistinct.series()[0]!));
    expect(shuffled.series()[0]!.t.length).toBe(ordered.series()[0]!.t.length);
  });

  test('a flat column still yields four points, a column of three yields three', () => {
    const ds = new Downsampler({ start: 0, end: 99, columns: 10, fields: ['p'] });
    ds.addRows(Array.from({ length: 10 }, (_, t) => ({ timestamp: t, p: 5 }))); // column 0: ten equal values
    ds.addRows([10, 11, 12].map((t) => ({ timestamp: t, p: t }))); // column 1: three values
    ds.addRows([{ timestamp: 20, p: 1 }]); // column 2: one value
    const s = ds.series()[0]!;
    expect(s.t.length).toBe(4 + 3 + 1);
    expect(points(s).slice(0, 4)).toEqual([
      [0, 5],
      [1, 5],
      [8, 5],
      [9, 5],
    ]);
    expect(points(s).slice(4)).toEqual([
      [10, 10],
      [11, 11],
      [12, 12],
      [20, 1],
    ]);
  });

  test('skips what is not a finite number, rows outside the window, and rows of other sites', () => {
    const ds = new Downsampler({ start: 100, end: 199, columns: 100, fields: ['a', 'b'], siteId: 1112 });
    ds.addRows([
      { timestamp: 100, a: 1, b: 'O', site_id: 1112 },
      { timestamp: 101, a: null, b: 2, site_id: 1112 },
      { timestamp: 102, site_id: 1112 },
      { timestamp: 103, a: 3, b: 3, site_id: 1111 },
      { timestamp: 104, a: JSON.parse('1e400') as number, b: 4 }, // Infinity; no site_id: kept
      { timestamp: 99, a: 9, b: 9, site_id: 1112 },
      { timestamp: 200, a: 9, b: 9, site_id: 1112 },
      { timestamp: '105', a: 9 } as unknown as Row,
    ]);
    const [a, b] = ds.series();
    expect(points(a!)).toEqual([[100, 1]]);
    expect(points(b!)).toEqual([
      [101, 2],
      [104, 4],
    ]);
    expect(ds.rows).toBe(8);
  });

  test('breaks a line where a field has no value for longer than maxGapSeconds', () => {
    const ds = new Downsampler({ start: 0, end: 999, columns: 1000, fields: ['p'], maxGapSeconds: 60 });
    const times = [0, 1, 2, 100, 101, 161, 300];
    ds.addRows(times.map((t) => ({ timestamp: t, p: t })));
    const s = ds.series()[0]!;
    expect(Array.from(s.t)).toEqual(times);
    // 2 → 100 and 161 → 300 are gaps; 101 → 161 (60 s) is not.
    expect(s.breaks).toEqual([3, 6]);
  });

  test('a field with no values gives an empty line', () => {
    const ds = new Downsampler({ start: 0, end: 9, columns: 5, fields: ['none'] });
    ds.addRows([{ timestamp: 1, other: 1 }]);
    const s = ds.series()[0]!;
    expect(s.t.length).toBe(0);
    expect(s.values).toBe(0);
    expect(Number.isNaN(s.min)).toBe(true);
  });

  test('refuses a window or a column count that makes no sense', () => {
    expect(() => new Downsampler({ start: 10, end: 9, columns: 5, fields: [] })).toThrow(RangeError);
    expect(() => new Downsampler({ start: 0, end: 9, columns: 0, fields: [] })).toThrow(RangeError);
  });
});
