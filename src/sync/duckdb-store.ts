/**
 * The DuckDB store: an embedded database file (`*.duckdb`), the default target. Rows are staged with
 * DuckDB's appender, a data chunk (2048 rows, column by column) per call, into a temporary table on the
 * writer's connection; the commit upserts them into `measurements` in one transaction (sql-store.ts).
 *
 * DuckDB lets one process write a file at a time (it locks the file), which also keeps two syncs off one
 * database. A crash loses nothing committed: DuckDB replays its write-ahead log when the file is opened.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type * as DuckDB from '@duckdb/node-api';
import { RestreamError } from '../http/errors';
import { loadDriver } from './drivers';
import { DatabaseError } from './errors';
import { SqlStore, STAGE, type SqlSession, type StagedBatch, type StagingSession } from './sql-store';
import type { OpenOptions } from './store';
import type { SyncTarget } from './target';

type DuckDBModule = typeof DuckDB;

/**
 * Files this process has open. DuckDB's file lock keeps other processes out, but not a second instance in
 * the same process (POSIX locks belong to the process), which would corrupt the file: refused here.
 */
const openFiles = new Set<string>();

/** Rows per data chunk: DuckDB's vector size. */
const CHUNK_ROWS = 2048;

/**
 * The instance's settings. Committed rows stay in memory until a checkpoint writes them into the file;
 * checkpoints also rewrite the primary key's index, so a checkpoint per commit (DuckDB's 16 MB default)
 * costs more the bigger the table. 64 MB between checkpoints bounds both; the memory limit keeps DuckDB's
 * buffers (and so the process) small, spilling to a temp file beyond it.
 */
const DUCKDB_CONFIG: Record<string, string> = {
  checkpoint_threshold: '64MB',
  memory_limit: '256MB',
};

class DuckDBSession implements StagingSession {
  constructor(
    private readonly duckdb: DuckDBModule,
    private readonly connection: DuckDB.DuckDBConnection,
  ) {}

  async query(sql: string, params: readonly unknown[] = []): Promise<Array<Record<string, unknown>>> {
    const reader = await this.connection.runAndReadAll(sql, params.length ? (params as DuckDB.DuckDBValue[]) : undefined);
    return reader.getRowObjectsJS() as Array<Record<string, unknown>>;
  }

  async exec(sql: string, params: readonly unknown[] = []): Promise<void> {
    await this.connection.run(sql, params.length ? (params as DuckDB.DuckDBValue[]) : undefined);
  }

  async appendStaged(batch: StagedBatch): Promise<void> {
    const d = this.duckdb;
    const types = [d.INTEGER, d.DOUBLE, ...batch.columns.map((c) => (c.type === 'double' ? d.DOUBLE : d.VARCHAR))];
    const appender = await this.connection.createAppender(STAGE);
    try {
      for (let from = 0; from < batch.length; from += CHUNK_ROWS) {
        const n = Math.min(CHUNK_ROWS, batch.length - from);
        const chunk = d.DuckDBDataChunk.create(types, n);
        const site = chunk.getColumnVector(0) as DuckDB.DuckDBIntegerVector;
        const ts = chunk.getColumnVector(1) as DuckDB.DuckDBDoubleVector;
        for (let i = 0; i < n; i++) {
          site.setItem(i, batch.siteId);
          ts.setItem(i, batch.ts[from + i]!);
        }
        site.flush();
        ts.flush();
        for (let k = 0; k < batch.vectors.length; k++) {
          const source = batch.vectors[k]!;
          if (source.type === 'double') {
            const v = chunk.getColumnVector(k + 2) as DuckDB.DuckDBDoubleVector;
            const values = source.values;
            const valid = source.valid;
            for (let i = 0; i < n; i++) v.setItem(i, valid[from + i] ? values[from + i]! : null);
            v.flush();
          } else {
            const v = chunk.getColumnVector(k + 2) as DuckDB.DuckDBVarCharVector;
            const values = source.values;
            for (let i = 0; i < n; i++) v.setItem(i, values[from + i] ?? null);
            v.flush();
          }
        }
        appender.appendDataChunk(chunk);
      }
    } finally {
      appender.closeSync();
    }
  }

  async clearStaging(): Promise<{ dropped: boolean }> {
    // Dropped rather than emptied: a temporary table's deleted rows keep their memory until it goes.
    await this.connection.run(`DROP TABLE IF EXISTS ${STAGE}`);
    return { dropped: true };
  }

  async close(): Promise<void> {
    this.connection.closeSync();
  }
}

export class DuckDBStore extends SqlStore {
  private constructor(
    target: SyncTarget,
    main: DuckDBSession,
    private readonly duckdb: DuckDBModule,
    private readonly instance: DuckDB.DuckDBInstance,
  ) {
    super(target, main);
  }

  static async open(target: SyncTarget & { kind: 'duckdb' }, options: OpenOptions): Promise<DuckDBStore> {
    const duckdb = loadDriver<DuckDBModule>('@duckdb/node-api', target.display, 'a DuckDB target');
    if (openFiles.has(target.path)) {
      throw new DatabaseError(target.display, 'the database file is in use by another sync in this process; DuckDB lets one writer at a time open a file');
    }
    openFiles.add(target.path);
    let instance: DuckDB.DuckDBInstance;
    try {
      mkdirSync(path.dirname(target.path), { recursive: true });
      instance = await duckdb.DuckDBInstance.create(target.path, DUCKDB_CONFIG);
    } catch (error) {
      openFiles.delete(target.path);
      throw describeOpenError(target, error);
    }
    let store: DuckDBStore | undefined;
    try {
      const main = new DuckDBSession(duckdb, await instance.connect());
      store = new DuckDBStore(target, main, duckdb, instance);
      await store.init(options);
      return store;
    } catch (error) {
      if (store) await store.close().catch(() => undefined);
      else {
        instance.closeSync();
        openFiles.delete(target.path);
      }
      throw error instanceof RestreamError ? error : store ? store.wrap(error, 'opening the database') : describeOpenError(target, error);
    }
  }

  protected async connectWriter(): Promise<StagingSession> {
    try {
      return new DuckDBSession(this.duckdb, await this.instance.connect());
    } catch (error) {
      throw this.wrap(error, 'opening a connection');
    }
  }

  wrap(error: unknown, doing: string): unknown {
    if (error instanceof RestreamError) return error;
    const message = (error as Error)?.message ?? String(error);
    return new DatabaseError(this.target.display, `${doing}: ${message}`, { cause: error });
  }

  protected async shutdown(): Promise<void> {
    try {
      // Folds the write-ahead log into the file, so the file alone is the database.
      await this.main.exec('CHECKPOINT');
    } catch {
      // Not fatal: the log is replayed the next time the file is opened.
    }
    await (this.main as SqlSession).close();
    this.instance.closeSync();
    if (this.target.kind === 'duckdb') openFiles.delete(this.target.path);
  }
}

function describeOpenError(target: SyncTarget, error: unknown): unknown {
  if (error instanceof RestreamError) return error;
  const message = String((error as Error)?.message ?? error);
  if (/could not set lock on file/i.test(message)) {
    const holder = /Conflicting lock is held in (.+?)(?: \(PID (\d+)\))?(?:\.|$| by)/i.exec(message);
    const who = holder ? ` (${holder[2] ? `process ${holder[2]}, ` : ''}${holder[1]})` : '';
    return new DatabaseError(target.display, `the database file is in use by another process${who}; DuckDB lets one process at a time open a file for writing`, {
      cause: error,
    });
  }
  return new DatabaseError(target.display, `cannot open the DuckDB file: ${message}`, { cause: error });
}
