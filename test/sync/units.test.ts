/**
 * The pure parts of sync: where it writes (target forms), what is missing of a range, and how rows of
 * differing keys and types become the table's columns.
 */
import path from 'node:path';
import { APICompatibilityError, ValidationError, type Row } from '../../src';
import { ColumnLayout, fillColumns, isSchemaNeeds, type ColumnBatch } from '../../src/sync/columns';
import { intersectRanges, subtractRanges } from '../../src/sync/ranges';
import { alignBatch } from '../../src/sync/sql-store';
import { binaryCopy } from '../../src/sync/postgres-store';
import { parseTarget } from '../../src/sync/target';

describe('parseTarget', () => {
  it('takes .duckdb paths (the default ./restream.duckdb) and postgres URLs, nothing else', () => {
    expect(parseTarget(undefined)).toEqual({ kind: 'duckdb', path: path.resolve('restream.duckdb'), display: path.resolve('restream.duckdb') });
    expect(parseTarget('data/x.DuckDB')).toMatchObject({ kind: 'duckdb', path: path.resolve('data/x.DuckDB') });
    expect(parseTarget('postgres://me:pa%40ss@db:5432/ops')).toEqual({ kind: 'postgres', url: 'postgres://me:pa%40ss@db:5432/ops', display: 'postgres://me:[REDACTED]@db:5432/ops', password: 'pa@ss' });
    expect(parseTarget('postgresql://')).toMatchObject({ kind: 'postgres', display: 'postgresql://' });
    for (const bad of ['x.db', 'x.duckdb.wal', 'md:x.duckdb', 'sqlite://x.duckdb', '', 42]) expect(() => parseTarget(bad)).toThrow(ValidationError);
  });

  it('never repeats a password', () => {
    expect(() => parseTarget('mysql://u:hunter2@h/db')).toThrow(/got 'mysql:\/\/u:\[REDACTED\]@h\/db'/);
    expect(() => parseTarget('mysql://u:hun@ter2@h/db')).toThrow(/got 'mysql:\/\/u:\[REDACTED\]@h\/db'/);
  });
});

describe('ranges', () => {
  it('subtracts complete ranges from a range', () => {
    const covered = [
      { start: 10, end: 19 },
      { start: 30, end: 39 },
    ];
    expect(subtractRanges({ start: 0, end: 50 }, covered)).toEqual([
      { start: 0, end: 9 },
      { start: 20, end: 29 },
      { start: 40, end: 50 },
    ]);
    expect(subtractRanges({ start: 12, end: 35 }, covered)).toEqual([{ start: 20, end: 29 }]);
    expect(subtractRanges({ start: 10, end: 19 }, covered)).toEqual([]);
    expect(subtractRanges({ start: 5, end: 8 }, [])).toEqual([{ start: 5, end: 8 }]);
  });

  it('keeps the part of a range inside complete ranges', () => {
    expect(intersectRanges({ start: 15, end: 35 }, [{ start: 10, end: 19 }, { start: 30, end: 39 }])).toEqual([
      { start: 15, end: 19 },
      { start: 30, end: 35 },
    ]);
  });
});

describe('fillColumns', () => {
  const rows = [
    { timestamp: 1, a: 1.5, v: 'O' },
    { timestamp: 2, a: null, b: 2 },
    { timestamp: 3, v: 'C', site_id: 1112 },
  ] as Row[];

  it('asks for every column the rows need, typed by their values, before laying anything out', () => {
    const result = fillColumns(1112, rows, 0, 3, new ColumnLayout([]));
    expect(isSchemaNeeds(result) && result.changes).toEqual([
      { name: 'a', type: 'double' },
      { name: 'v', type: 'text' },
      { name: 'b', type: 'double' },
    ]);
  });

  it('lays rows out in the columns: NULL for what a row lacks', () => {
    const layout = new ColumnLayout([
      { name: 'a', type: 'double' },
      { name: 'v', type: 'text' },
      { name: 'b', type: 'double' },
    ]);
    const batch = fillColumns(1112, rows, 0, 3, layout) as ColumnBatch;
    expect(Array.from(batch.ts)).toEqual([1, 2, 3]);
    expect(batch.vectors[0]).toEqual({ type: 'double', values: Float64Array.from([1.5, 0, 0]), valid: Uint8Array.from([1, 0, 0]) });
    expect(batch.vectors[1]).toEqual({ type: 'text', values: ['O', null, 'C'] });
    expect([batch.first, batch.last]).toEqual([1, 3]);
  });

  it('turns a number column into text when a string comes, and writes later numbers as text', () => {
    const layout = new ColumnLayout([{ name: 'a', type: 'double' }]);
    const result = fillColumns(1, [{ timestamp: 1, a: 'fault' }] as Row[], 0, 1, layout);
    expect(isSchemaNeeds(result) && result.changes).toEqual([{ name: 'a', type: 'text' }]);
    const text = new ColumnLayout([{ name: 'a', type: 'text' }]);
    expect((fillColumns(1, [{ timestamp: 1, a: 0.1 + 0.2 }] as Row[], 0, 1, text) as ColumnBatch).vectors[0]).toEqual({ type: 'text', values: ['0.30000000000000004'] });
    // A batch filled as numbers before the column turned to text is written as text.
    const earlier = fillColumns(1, [{ timestamp: 1, a: 2.5 }] as Row[], 0, 1, layout) as ColumnBatch;
    expect(alignBatch(earlier, [{ name: 'a', type: 'text' }, { name: 'z', type: 'double' }]).vectors).toEqual([
      { type: 'text', values: ['2.5'] },
      { type: 'double', values: Float64Array.from([0]), valid: Uint8Array.from([0]) },
    ]);
  });

  it('refuses field names the table cannot hold', () => {
    expect(() => fillColumns(1, [{ timestamp: 1, ts: 5 }] as Row[], 0, 1, new ColumnLayout([]))).toThrow(APICompatibilityError);
    expect(() => fillColumns(1, [{ timestamp: 1, TDS: 5 }] as Row[], 0, 1, new ColumnLayout([{ name: 'tds', type: 'double' }]))).toThrow(/differ only in case/);
    expect(() => fillColumns(1, [{ timestamp: 'x' }] as unknown as Row[], 0, 1, new ColumnLayout([]))).toThrow(/numeric timestamp/);
  });
});

describe('binaryCopy', () => {
  it('writes PostgreSQL binary COPY: signature, rows of length-prefixed fields, NULL as -1, trailer', () => {
    const buf = binaryCopy({
      siteId: 7,
      length: 1,
      ts: Float64Array.from([1.5]),
      columns: [
        { name: 'a', type: 'double' },
        { name: 'v', type: 'text' },
      ],
      vectors: [
        { type: 'double', values: Float64Array.from([0]), valid: Uint8Array.from([0]) },
        { type: 'text', values: ['é'] },
      ],
    });
    const expected = Buffer.concat([
      Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1'),
      Buffer.from([0, 0, 0, 0, 0, 0, 0, 0]),
      Buffer.from([0, 4]),
      Buffer.from([0, 0, 0, 4, 0, 0, 0, 7]),
      Buffer.from([0, 0, 0, 8]),
      (() => {
        const b = Buffer.alloc(8);
        b.writeDoubleBE(1.5);
        return b;
      })(),
      Buffer.from([0xff, 0xff, 0xff, 0xff]),
      Buffer.from([0, 0, 0, 2, 0xc3, 0xa9]),
      Buffer.from([0xff, 0xff]),
    ]);
    expect(buf).toEqual(expected);
  });
});
