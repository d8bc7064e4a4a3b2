/**
 * Shared pieces of the sync tests: the mock with a fixed clock, the two kinds of target (a DuckDB file in a
 * temp folder, a database on a throwaway PostgreSQL server), reading a target's table back, and the rows a
 * straight download of the same range gives, in the same shape, to compare with.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Client } from 'pg';
import { Restream, type RestreamOptions } from '../../src';
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/mock';
import { startPostgres, type TestPostgres } from '../helpers/postgres';

/** The mock's "now": the data below lies before it. */
export const T0 = new Date('2025-10-09T08:00:00Z');
export const T0S = T0.getTime() / 1000;
/** The tests' range starts here: 2025-10-08T00:00:00Z. */
export const DAY0 = Date.parse('2025-10-08T00:00:00Z') / 1000;

export const iso = (seconds: number): string => new Date(seconds * 1000).toISOString().replace('.000Z', 'Z');

export function startSyncMock(options: MockServerOptions = {}): Promise<MockServer> {
  return startMockServer({ seed: 7, now: () => T0, ...options });
}

export function client(mock: MockServer, extra: RestreamOptions = {}): Restream {
  return new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, retry: { baseDelayMs: 1, maxDelayMs: 5 }, env: {}, ...extra });
}

/** A row as the comparison sees it: `site_id`, `ts` (unix seconds), then every non-null field. */
export type TableRow = Record<string, number | string>;

function normalise(row: Record<string, unknown>): TableRow {
  const out: TableRow = {};
  for (const [k, v] of Object.entries(row)) {
    if (v === null || v === undefined) continue;
    out[k] = v instanceof Date ? v.getTime() / 1000 : typeof v === 'bigint' ? Number(v) : (v as number | string);
  }
  return out;
}

/** Sorts rows by site and time, the order a table is read back in. */
function byKey(a: TableRow, b: TableRow): number {
  return (a.site_id as number) - (b.site_id as number) || (a.ts as number) - (b.ts as number);
}

/** What a straight download of `[start, end]` gives for `sites`, as table rows (`timestamp` → `ts`, `site_id` added). */
export async function straightDownload(rs: Restream, sites: readonly number[], start: number, end: number, fields?: string[]): Promise<TableRow[]> {
  const out: TableRow[] = [];
  for (const site of sites) {
    const rows = await rs.site(site).getData({ startDatetime: new Date(start * 1000), endDatetime: new Date(end * 1000), ...(fields ? { fields } : {}) }).toArray();
    for (const row of rows) {
      const { timestamp, ...rest } = row;
      const r = normalise({ site_id: site, ts: timestamp, ...rest });
      out.push(r);
    }
  }
  return out.sort(byKey);
}

/** A database to sync into: its `into`, a way to read the table back, and to run SQL in it. */
export interface TestTarget {
  kind: 'duckdb' | 'postgres';
  into: string;
  /** Rows of `measurements`, ordered by site and time, nulls left out; `ts` as unix seconds. */
  table(where?: string): Promise<TableRow[]>;
  /** Runs SQL (between syncs: a DuckDB file is open only while this runs). */
  query(sql: string): Promise<Array<Record<string, unknown>>>;
}

export function duckdbTarget(dir: string, name = 'sync.duckdb'): TestTarget {
  const file = path.join(dir, name);
  const query = async (sql: string): Promise<Array<Record<string, unknown>>> => {
    const instance = await DuckDBInstance.create(file);
    try {
      const c = await instance.connect();
      try {
        return (await c.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
      } finally {
        c.closeSync();
      }
    } finally {
      instance.closeSync();
    }
  };
  return {
    kind: 'duckdb',
    into: file,
    query,
    table: async (where) => (await query(`SELECT * FROM measurements ${where ? `WHERE ${where}` : ''} ORDER BY site_id, ts`)).map(normalise),
  };
}

export function postgresTarget(url: string): TestTarget {
  const query = async (sql: string): Promise<Array<Record<string, unknown>>> => {
    const c = new Client({ connectionString: url });
    await c.connect();
    try {
      return (await c.query(sql)).rows as Array<Record<string, unknown>>;
    } finally {
      await c.end();
    }
  };
  return {
    kind: 'postgres',
    into: url,
    query,
    table: async (where) => (await query(`SELECT * FROM measurements ${where ? `WHERE ${where}` : ''} ORDER BY site_id, ts`)).map(normalise),
  };
}

/** Makes fresh targets of both kinds: a DuckDB file per call, a PostgreSQL database per call on one server. */
export class Targets {
  private pg: TestPostgres | undefined;
  private readonly dir = mkdtempSync(path.join(tmpdir(), 'restream-sync-'));
  private n = 0;

  async start(): Promise<void> {
    this.pg = await startPostgres();
  }

  get postgres(): TestPostgres {
    if (!this.pg) throw new Error('PostgreSQL not started');
    return this.pg;
  }

  get folder(): string {
    return this.dir;
  }

  async fresh(kind: 'duckdb' | 'postgres'): Promise<TestTarget> {
    this.n++;
    if (kind === 'duckdb') return duckdbTarget(this.dir, `sync-${this.n}.duckdb`);
    return postgresTarget(await this.postgres.createDatabase(`sync_${this.n}`));
  }

  async stop(): Promise<void> {
    await this.pg?.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Resolves once `n` more measurement streams have connected to the mock (live rows pushed before would miss them). */
export function untilMeasurementStreams(mock: MockServer, n: number): Promise<void> {
  return new Promise((resolve) => {
    let open = 0;
    const onConnection = (c: { stream?: string }) => {
      if (c.stream === 'measurements' && ++open >= n) {
        mock.realtime.off('connection', onConnection);
        resolve();
      }
    };
    mock.realtime.on('connection', onConnection);
  });
}
