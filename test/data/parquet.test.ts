/**
 * Parquet output, read back with an independent reader: parquet-wasm (the Rust `parquet`/`arrow-rs`
 * implementation, compiled to WebAssembly) into Apache Arrow JS, and every value of every row compared with
 * the rows the SDK parsed from the same download.
 */
import { readdir, readFile, rm, mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import * as arrow from 'apache-arrow';
import * as pq from 'parquet-wasm';
import { startMockServer, type MockServer } from '../../src/mock';
import { Restream, ValidationError } from '../../src';
import { PARQUET_ROW_GROUP_SIZE, ParquetFormatWriter, RowGroupBuilder, parquetDefaults } from '../../src/formats/parquet';
import { writeAtomically } from '../../src/formats/sink';
import type { Row } from '../../src/data/stream';

let mock: MockServer;
let dir: string;

beforeAll(async () => {
  mock = await startMockServer({ seed: 5 });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(async () => {
  mock.faults.reset();
  mock.clearRequests();
  dir = await mkdtemp(path.join(tmpdir(), 'restream-parquet-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function client(retry: { attempts?: number } = {}): Restream {
  return new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, retry: { baseDelayMs: 1, maxDelayMs: 5, ...retry }, env: {} });
}

interface ReadBack {
  table: arrow.Table;
  rowGroups: number;
  types: Record<string, string>;
  nullable: Record<string, boolean>;
}

async function readBack(file: string): Promise<ReadBack> {
  const bytes = new Uint8Array(await readFile(file));
  const table = arrow.tableFromIPC(pq.readParquet(bytes).intoIPCStream());
  const parquetFile = await pq.ParquetFile.fromFile(new Blob([bytes]));
  const types: Record<string, string> = {};
  const nullable: Record<string, boolean> = {};
  for (const f of table.schema.fields) {
    types[f.name] = String(f.type);
    nullable[f.name] = f.nullable;
  }
  return { table, rowGroups: parquetFile.metadata().numRowGroups(), types, nullable };
}

/** Compares every value of every row; returns the first few differences (empty when equal). */
function differences(table: arrow.Table, rows: readonly Row[]): string[] {
  const out: string[] = [];
  if (table.numRows !== rows.length) out.push(`row count ${table.numRows} != ${rows.length}`);
  const names = table.schema.fields.map((f) => f.name);
  const columns = names.map((n) => table.getChild(n)!);
  // Every key of every row is a column.
  const known = new Set(names);
  for (const row of rows) for (const key of Object.keys(row)) if (!known.has(key)) out.push(`column ${key} missing`);
  for (let i = 0; i < Math.min(table.numRows, rows.length) && out.length < 10; i++) {
    const row = rows[i]!;
    for (let c = 0; c < names.length; c++) {
      const name = names[c]!;
      let actual: unknown = columns[c]!.get(i);
      if (typeof actual === 'bigint') actual = Number(actual);
      const value = row[name];
      const expected = name === 'timestamp' ? row.timestamp * 1000 : value === undefined ? null : value;
      if (!Object.is(actual, expected) && !(actual === expected)) {
        out.push(`row ${i} (${row.timestamp}) ${name}: ${String(actual)} != ${String(expected)}`);
      }
    }
  }
  return out;
}

describe('save(.parquet)', () => {
  it('writes typed, nullable columns that an independent reader reads back value for value', async () => {
    const rs = client();
    // Around the start of a finished frac stage, so both valve states occur ('C' before, 'O' during).
    const frac = (await rs.site(1112).getStagesMetadata({ stageNameFilter: 'frac' })).find((s) => s.end !== null)!;
    const from = Math.floor(frac.start.getTime() / 1000) - 6_000;
    // Three row groups (5,000 + 5,000 + 2,000 rows) of ragged rows: the occasional extra column, missing ones, nulls, valve strings.
    parquetDefaults.rowGroupSize = 5_000;
    const data = rs.site(1112).getData({ startDatetime: new Date(from * 1000), endDatetime: new Date((from + 11_999) * 1000) });
    const file = path.join(dir, 'day.parquet');
    const saved = await data.save(file).finally(() => (parquetDefaults.rowGroupSize = PARQUET_ROW_GROUP_SIZE));
    const rows = await data.toArray();
    expect(saved.rows).toBe(12_000);
    expect(rows).toHaveLength(12_000);

    const back = await readBack(file);
    expect(back.rowGroups).toBe(3);
    expect(back.types.timestamp).toBe('Timestamp<MILLISECOND, UTC>');
    expect(back.types.upper_master_valve).toBe('Utf8');
    expect(back.types.swab_valve).toBe('Utf8');
    expect(back.types.slurry_ph_flowing).toBe('Float64');
    expect(Object.values(back.nullable).every(Boolean)).toBe(true);
    // Columns: timestamp first, then first-seen order.
    const firstSeen: string[] = [];
    for (const row of rows) for (const key of Object.keys(row)) if (!firstSeen.includes(key)) firstSeen.push(key);
    expect(back.table.schema.fields.map((f) => f.name)).toEqual(['timestamp', ...firstSeen.filter((k) => k !== 'timestamp')]);
    // The data has what the test means to cover.
    expect(rows.some((r) => Object.values(r).includes(null))).toBe(true);
    expect(rows.some((r) => Object.keys(r).length !== Object.keys(rows[0]!).length)).toBe(true);
    expect(rows.some((r) => r.upper_master_valve === 'O') && rows.some((r) => r.upper_master_valve === 'C')).toBe(true);

    expect(differences(back.table, rows)).toEqual([]);
    // No spool or temp file left beside the target.
    expect(await readdir(dir)).toEqual(['day.parquet']);
  });

  it('writes routed pad data with site_id as a number column', async () => {
    const rs = client();
    const data = rs.pad(697).getData({ startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T00:29:59Z', isRouted: true });
    const file = path.join(dir, 'pad.parquet');
    await data.save(file);
    const rows = await data.toArray();
    expect(new Set(rows.map((r) => r.site_id))).toEqual(new Set([1111, 1112, 1113]));
    const back = await readBack(file);
    expect(back.types.site_id).toBe('Float64');
    expect(differences(back.table, rows)).toEqual([]);
  });

  it('writes coarse resolutions (aggregates without valve columns)', async () => {
    const rs = client();
    const data = rs.site(1113).getData({ startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T02:59:59Z', resolution: 'minute', aggregation: 'mean' });
    const file = path.join(dir, 'minute.parquet');
    await data.save(file);
    const rows = await data.toArray();
    expect(rows).toHaveLength(180);
    expect(differences((await readBack(file)).table, rows)).toEqual([]);
  });

  it('writes a valid empty file when there are no rows', async () => {
    const rs = client();
    const file = path.join(dir, 'empty.parquet');
    // No stage 9999: no rows.
    const data = rs.site(1112).getData({ startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T00:59:59Z', stageNameFilter: 'frac', stageNumber: 9999 });
    const saved = await data.save(file);
    expect(saved.rows).toBe(0);
    const back = await readBack(file);
    expect(back.table.numRows).toBe(0);
    expect(back.types.timestamp).toBe('Timestamp<MILLISECOND, UTC>');
  });

  it('refuses to overwrite, before any request, and leaves nothing behind when the download fails', async () => {
    const rs = client({ attempts: 2 });
    const file = path.join(dir, 'x.parquet');
    await rs.site(1112).getData({ startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T00:09:59Z' }).save(file);
    mock.clearRequests();
    await expect(rs.site(1112).getData({ startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T00:09:59Z' }).save(file)).rejects.toBeInstanceOf(ValidationError);
    expect(mock.requests).toHaveLength(0);

    mock.faults.failNext({ path: '/external/thirdparty/v1/sites/1112/data/', status: 500, times: 10 });
    const other = path.join(dir, 'y.parquet');
    await expect(rs.site(1112).getData({ startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T00:09:59Z' }).save(other)).rejects.toThrow();
    // A download that breaks for good after a row group was written: the stream is cut at 3.5 MB (row 6,400
    // or so) and every re-request fails. Still nothing but the first file.
    mock.faults.reset();
    mock.faults.cutStream({ path: '/external/thirdparty/v1/sites/1112/data/', afterBytes: 3_500_000 });
    parquetDefaults.rowGroupSize = 5_000;
    let failing = false;
    const big = rs.site(1112).getData({ startDatetime: '2025-03-01T00:00:00Z', endDatetime: '2025-03-01T05:59:59Z' });
    const saving = big.save(other, {
      onProgress: ({ rows }) => {
        if (rows > 5_000 && !failing) {
          failing = true;
          mock.faults.failNext({ path: '/external/thirdparty/v1/sites/1112/data/', status: 500, times: 10 });
        }
      },
    });
    await expect(saving.finally(() => (parquetDefaults.rowGroupSize = PARQUET_ROW_GROUP_SIZE))).rejects.toThrow();
    expect(failing).toBe(true);
    expect(await readdir(dir)).toEqual(['x.parquet']);
  });
});

describe('row groups with differing columns', () => {
  async function writeRows(rows: Row[][], rowGroupSize: number): Promise<string> {
    const file = path.join(dir, `rows-${rowGroupSize}.parquet`);
    await writeAtomically(file, async (sink) => {
      const writer = new ParquetFormatWriter(sink, file, { rowGroupSize });
      for (const batch of rows) await writer.write({ rows: batch });
      await writer.finish();
    });
    return file;
  }

  const t0 = 1_740_787_200;
  const rows: Row[] = [
    { timestamp: t0, a: 1, valve: 'O' },
    { timestamp: t0 + 1, a: 1.5, valve: null },
    { timestamp: t0 + 2, valve: 'C' },
    // Second row group: a new column, a number column meeting a string, a column of nulls only.
    { timestamp: t0 + 3, a: -2, late: 7, flip: 3 },
    { timestamp: t0 + 4, a: 0, late: null, flip: 'x', empty: null },
    { timestamp: t0 + 5, a: 1e300, flip: 4.25 },
    // Third: only some columns; a column appearing in the last row.
    { timestamp: t0 + 6 },
    { timestamp: t0 + 7, a: 5e-324, valve: 'ünïcødé ✓' },
    { timestamp: t0 + 8, a: -0.1, last: 'end' },
  ];

  it.each([3, 2, 100])('rewrites earlier row groups into the final schema (row groups of %i)', async (size) => {
    const file = await writeRows([rows.slice(0, 4), rows.slice(4)], size);
    const back = await readBack(file);
    expect(back.rowGroups).toBe(Math.ceil(rows.length / size));
    expect(back.types).toEqual({
      timestamp: 'Timestamp<MILLISECOND, UTC>',
      a: 'Float64',
      valve: 'Utf8',
      late: 'Float64',
      flip: 'Utf8',
      empty: 'Float64',
      last: 'Utf8',
    });
    // Numbers in a column that turned string are written as String(n), as in CSV.
    const expected = rows.map((r) => (r.flip === undefined ? r : { ...r, flip: String(r.flip) }));
    expect(differences(back.table, expected)).toEqual([]);
    expect((await readdir(dir)).sort()).toEqual([path.basename(file)]);
  });

  it('leaves no spool file when the output fails after row groups were written', async () => {
    const file = path.join(dir, 'failed.parquet');
    await expect(
      writeAtomically(file, async (sink) => {
        const writer = new ParquetFormatWriter(sink, file, { rowGroupSize: 2 });
        try {
          await writer.write({ rows: rows.slice(0, 3) });
          await writer.write({ rows: rows.slice(3) });
          throw new Error('download failed');
        } catch (error) {
          await writer.discard();
          throw error;
        }
      }),
    ).rejects.toThrow('download failed');
    expect(await readdir(dir)).toEqual([]);
  });

  it('gathers columns in typed arrays that grow with the group', () => {
    const builder = new RowGroupBuilder(10_000);
    for (let i = 0; i < 5000; i++) builder.add({ timestamp: t0 + i, a: i, ...(i === 4999 ? { z: 'late' } : {}) });
    expect(builder.schema()).toEqual([
      { name: 'timestamp', kind: 'timestamp' },
      { name: 'a', kind: 'double' },
      { name: 'z', kind: 'string' },
    ]);
    const group = builder.take();
    expect(group.rows).toBe(5000);
    const [ts, a, z] = group.columns as [{ nums: Float64Array }, { nums: Float64Array; valid: Uint8Array }, { strs: Array<string | null> }];
    expect(ts.nums[4999]).toBe((t0 + 4999) * 1000);
    expect(a.nums.length).toBe(5000);
    expect(z.strs.filter((s) => s !== null)).toEqual(['late']);
    expect(z.strs).toHaveLength(5000);
  });
});
