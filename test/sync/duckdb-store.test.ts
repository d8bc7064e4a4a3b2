/**
 * The DuckDB store's memory against the table's width, on real DuckDB files: a commit needs a few blocks of
 * every column at once, so a wide table with a fixed memory limit failed to commit ("failed to pin block").
 * The limit follows the columns, new files use 64 KiB blocks, and a writer keeps fewer rows as columns grow.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import type { Row } from '../../src';
import type { Column } from '../../src/sync/columns';
import { DuckDBStore, memoryLimit } from '../../src/sync/duckdb-store';
import { SiteLoader } from '../../src/sync/loader';
import { openStore } from '../../src/sync/open';
import { parseTarget } from '../../src/sync/target';

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'restream-duckdb-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const START = Date.UTC(2025, 0, 1) / 1000;

/** `n` rows of `fields` numeric fields from `from` (a row a second), each value telling its row and field. */
function wideRows(from: number, n: number, fields: number): Row[] {
  return Array.from({ length: n }, (_, r) => {
    const row: Row = { timestamp: from + r, site_id: 1112 };
    for (let f = 0; f < fields; f++) row[`field_${f}`] = r * 1000 + f + 0.5;
    return row;
  });
}

async function setting(store: DuckDBStore, sql: string): Promise<unknown> {
  return store.exclusive(async () => (await (store as unknown as { main: { query(sql: string): Promise<Array<Record<string, unknown>>> } }).main.query(sql))[0]);
}

describe('memoryLimit', () => {
  it('is 64 MiB for a usual table and grows by five blocks a column', () => {
    expect(memoryLimit(40, 64 * 1024)).toBe(64 * 2 ** 20);
    expect(memoryLimit(400, 64 * 1024)).toBe(48 * 2 ** 20 + 5 * 64 * 1024 * 402);
    expect(memoryLimit(400, 256 * 1024)).toBe(48 * 2 ** 20 + 5 * 256 * 1024 * 402);
  });
});

describe('DuckDB store on a wide table', () => {
  it('commits 400 columns, a commit of commitRows rows at a time, in 64 KiB blocks, with the memory limit raised as the columns come', async () => {
    const fields = 400;
    const store = (await openStore(parseTarget(path.join(dir, 'wide.duckdb')), { fields: '*' })) as DuckDBStore;
    try {
      expect(await setting(store, `SELECT block_size FROM pragma_database_size() WHERE database_name = current_database()`)).toEqual({ block_size: 65536n });
      // No columns yet: the most rows a commit holds.
      expect(store.commitRows).toBe(16_384);
      const writer = await store.writer();
      const loader = new SiteLoader(store, writer, 1112);
      // The first batch brings the columns (the table evolves); each commit then holds commitRows rows.
      let from = START;
      const sizes: number[] = [];
      for (let commit = 0; commit < 3; commit++) {
        const n = commit === 0 ? 2048 : store.commitRows;
        sizes.push(n);
        await loader.add(wideRows(from, n, fields));
        await loader.flush();
        await writer.commit({ siteId: 1112, complete: { start: START, end: from + n - 1 } });
        from += n;
      }
      expect(store.layout().columns).toHaveLength(fields);
      // 327,680 cells a commit: 819 rows of 400 fields, 2,048 at the least.
      expect(store.commitRows).toBe(2048);
      const limit = await setting(store, `SELECT current_setting('memory_limit') AS m`);
      const mib = Number(/^([\d.]+) MiB$/.exec(String((limit as { m: string }).m))?.[1]);
      expect(mib * 2 ** 20).toBeGreaterThanOrEqual(Math.floor(memoryLimit(fields, 64 * 1024) / 2 ** 20) * 2 ** 20);
      const check = await setting(
        store,
        `SELECT count(*) AS n, count(DISTINCT ts) AS distinct_ts, sum("field_399") AS s, max(ts) = to_timestamp(${from - 1}) AS last_ok FROM measurements`,
      );
      const rows = from - START;
      // field_399 of the r-th row of each commit is r * 1000 + 399.5.
      const expected = sizes.reduce((sum, n) => sum + (n * (n - 1) * 1000) / 2 + n * 399.5, 0);
      expect(check).toEqual({ n: BigInt(rows), distinct_ts: BigInt(rows), s: expected, last_ok: true });
      await writer.close();
    } finally {
      await store.close();
    }
  });

  it('keeps the block size of a file made with 256 KiB blocks, and sizes the limit by it', async () => {
    const file = path.join(dir, 'old.duckdb');
    const instance = await DuckDBInstance.create(file);
    const connection = await instance.connect();
    await connection.run(`CREATE TABLE measurements (site_id INTEGER NOT NULL, ts TIMESTAMPTZ NOT NULL, ${Array.from({ length: 100 }, (_, i) => `"f${i}" DOUBLE`).join(', ')}, PRIMARY KEY (site_id, ts))`);
    connection.closeSync();
    instance.closeSync();

    const store = (await openStore(parseTarget(file), { fields: '*' })) as DuckDBStore;
    try {
      expect(await setting(store, `SELECT block_size FROM pragma_database_size() WHERE database_name = current_database()`)).toEqual({ block_size: 262144n });
      const limit = await setting(store, `SELECT current_setting('memory_limit') AS m`);
      const mib = Number(/^([\d.]+) MiB$/.exec(String((limit as { m: string }).m))?.[1]);
      expect(Math.round(mib)).toBe(Math.ceil(memoryLimit(100, 256 * 1024) / 2 ** 20));
      const writer = await store.writer();
      const loader = new SiteLoader(store, writer, 1112);
      const columns: Column[] = store.layout().columns.map((c) => ({ ...c }));
      expect(columns).toHaveLength(100);
      await loader.add(
        Array.from({ length: store.commitRows }, (_, r) => Object.fromEntries([['timestamp', START + r], ...columns.map((c, i) => [c.name, r + i])]) as Row),
      );
      await loader.flush();
      await writer.commit({ siteId: 1112, complete: { start: START, end: START + store.commitRows - 1 } });
      expect(await setting(store, `SELECT count(*) AS n FROM measurements`)).toEqual({ n: BigInt(store.commitRows) });
      await writer.close();
    } finally {
      await store.close();
    }
  });
});
