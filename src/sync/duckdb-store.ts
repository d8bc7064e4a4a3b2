/**
 * The DuckDB store: an embedded database file (`*.duckdb`), the default target. A writer keeps its staged
 * batches; the commit appends them straight into `measurements` with DuckDB's appender, a data chunk (2048
 * rows, column by column) per call, in one transaction with their bookkeeping (sql-store.ts). Only when a
 * key exists already does the commit go again through a temporary staging table and an upsert.
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
import type { Column, ColumnBatch } from './columns';
import { alignBatch, MEASUREMENTS, SqlStore, STAGE, StagingTable, upsertSql, type SqlSession, type StagedBatch, type StagingSession } from './sql-store';
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
 * The instance's settings, measured with the sync bench (bench/sync.bench.ts) and the wide-table test.
 *
 * Blocks of 64 KiB in new files (DuckDB's default is 256 KiB, and a file keeps the size it was made with):
 * committed rows wait in memory, a block per column and a few at once, until a checkpoint writes them into
 * the file, so the memory a commit needs grows with a block per column. Smaller blocks quartered it: 40
 * columns synced faster in 64 MB than with the default blocks in 128 MB, and 200 columns, which the default
 * blocks could not commit in 192 MB ("failed to pin block"), commit in 100 MB. DuckDB 1.2 and later (whose
 * ATTACH documents a BLOCK_SIZE option) open such files. The memory limit (`memory_limit`, see `memoryLimit`)
 * follows the number of columns. DuckDB's allocator settings are not set: they are jemalloc's, and this
 * build of DuckDB allocates with the system's malloc.
 *
 * A checkpoint every 32 MB of log (DuckDB's default is 16) halves their number at little memory. One worker
 * thread: the commits are serial, the parsing is the process's own thread, and a second DuckDB thread bought
 * no speed on the bench but 50 MB of peak memory and more CPU.
 */
const DUCKDB_CONFIG: Record<string, string> = {
  default_block_size: String(64 * 1024),
  checkpoint_threshold: '32MB',
  memory_limit: '64MiB',
  threads: '1',
};

/**
 * Value cells a writer keeps before it commits (8,192 rows of 40 fields). Against 16,384 rows, half cut the
 * bench's peak by 30-50 MB for 8% of the speed (each commit costs DuckDB about 4.5 ms; 4,096 rows cost 12%
 * and saved no more). Measured, not explained: keeping the staged rows in arrays reused from commit to
 * commit saved nothing, and DuckDB alone, fed from a script, shows no such difference. README › Sync ›
 * Performance has the figures.
 */
const COMMIT_CELLS = 8192 * 40;

/**
 * DuckDB's memory limit for a table of `columns` value columns in blocks of `blockSize` bytes: a commit
 * holds about four blocks of each column at once (its rows' and the table's last ones, values and validity),
 * and finds no room below that. 64 MiB at the least; a fifth block a column and 48 MiB beside, for room.
 */
export function memoryLimit(columns: number, blockSize: number): number {
  return Math.max(64 * 2 ** 20, 48 * 2 ** 20 + 5 * blockSize * (columns + 2));
}

/** Which key columns a data chunk starts with: the staging table's (`site_id`, `ts_epoch`) or `measurements`' (`site_id`, `ts`). */
type KeyForm = 'epoch' | 'timestamptz';

class DuckDBSession implements StagingSession {
  /** Staged batches, kept until the commit appends them (bounded by the writer's commit size). */
  #kept: ColumnBatch[] = [];
  readonly #table = new StagingTable(this);
  /** The data chunk appends reuse (for one column layout): its memory is native, outside the JS heap's accounting. */
  #chunk: { signature: string; chunk: DuckDB.DuckDBDataChunk } | undefined;

  constructor(
    private readonly duckdb: DuckDBModule,
    private readonly connection: DuckDB.DuckDBConnection,
    /** Plain appends straight into `measurements` (false when its columns do not start with the key). */
    readonly appendsFirst: boolean,
    /** Whether closing the session closes the connection (writers share the store's). */
    private readonly owned: boolean,
  ) {}

  async query(sql: string, params: readonly unknown[] = []): Promise<Array<Record<string, unknown>>> {
    const reader = await this.connection.runAndReadAll(sql, params.length ? (params as DuckDB.DuckDBValue[]) : undefined);
    return reader.getRowObjectsJS() as Array<Record<string, unknown>>;
  }

  async exec(sql: string, params: readonly unknown[] = []): Promise<void> {
    await this.connection.run(sql, params.length ? (params as DuckDB.DuckDBValue[]) : undefined);
  }

  async stage(batch: ColumnBatch): Promise<void> {
    this.#kept.push(batch);
  }

  /**
   * Appends the kept rows straight into `measurements` with the appender (the usual case: the rows' range is
   * new to the table), or, for an upsert, into a staging table first and from there by primary key.
   */
  async merge(columns: readonly Column[], options: { upsert: boolean }): Promise<void> {
    if (!options.upsert) {
      await this.appendAll(MEASUREMENTS, columns, 'timestamptz');
      return;
    }
    await this.#table.drop();
    await this.#table.sync(columns);
    await this.appendAll(STAGE, columns, 'epoch');
    // DuckDB writes a key staged twice without a word (the first row wins): the upsert, taken only when a
    // key conflicts, always keeps the row staged last instead (the staging table's rowid is append order).
    await this.exec(upsertSql(columns, { latestFirst: 'rowid DESC' }));
    await this.#table.drop();
  }

  isKeyConflict(error: unknown): boolean {
    return /duplicate key|violates primary key|PRIMARY KEY or UNIQUE constraint/i.test(String((error as Error)?.message ?? error));
  }

  isRepeatedKey(): boolean {
    return false;
  }

  async clear(): Promise<void> {
    this.#kept = [];
  }

  private chunkFor(columns: readonly Column[], keys: KeyForm, n: number): DuckDB.DuckDBDataChunk {
    const d = this.duckdb;
    const signature = `${keys}:${columns.map((c) => c.type[0]).join('')}`;
    if (this.#chunk?.signature !== signature) {
      const types = [d.INTEGER, keys === 'epoch' ? d.DOUBLE : d.TIMESTAMPTZ, ...columns.map((c) => (c.type === 'double' ? d.DOUBLE : d.VARCHAR))];
      this.#chunk = { signature, chunk: d.DuckDBDataChunk.create(types) };
    }
    const chunk = this.#chunk.chunk;
    chunk.reset();
    chunk.rowCount = n;
    return chunk;
  }

  /** Appends every kept batch to `table`, a data chunk (2048 rows, column by column) per appender call. */
  private async appendAll(table: string, columns: readonly Column[], keys: KeyForm): Promise<void> {
    const appender = await this.connection.createAppender(table);
    try {
      for (const kept of this.#kept) {
        const batch = alignBatch(kept, columns);
        for (let from = 0; from < batch.length; from += CHUNK_ROWS) {
          const n = Math.min(CHUNK_ROWS, batch.length - from);
          const chunk = this.chunkFor(columns, keys, n);
          fillChunk(chunk, batch, from, n, keys);
          appender.appendDataChunk(chunk);
        }
      }
      appender.closeSync(); // flushes what is buffered
    } catch (error) {
      // A key conflict surfaces at whichever append or close flushes it. A failed close leaves the appender
      // open with its rows, to flush into a later transaction when it is collected ("transaction is
      // aborted", at random): its rows are dropped and it is closed for good before the error goes on.
      try {
        appender.clear();
        appender.closeSync();
      } catch {
        // the first error is the one that says what happened
      }
      throw error;
    }
  }

  async close(): Promise<void> {
    this.#kept = [];
    if (this.owned) this.connection.closeSync();
  }
}

/** Rows `[from, from + n)` of `batch` into `chunk`, column by column. */
function fillChunk(chunk: DuckDB.DuckDBDataChunk, batch: StagedBatch, from: number, n: number, keys: KeyForm): void {
  const site = chunk.getColumnVector(0) as DuckDB.DuckDBIntegerVector;
  for (let i = 0; i < n; i++) site.setItem(i, batch.siteId);
  site.flush();
  if (keys === 'epoch') {
    const ts = chunk.getColumnVector(1) as DuckDB.DuckDBDoubleVector;
    for (let i = 0; i < n; i++) ts.setItem(i, batch.ts[from + i]!);
    ts.flush();
  } else {
    const ts = chunk.getColumnVector(1) as DuckDB.DuckDBTimestampTZVector;
    for (let i = 0; i < n; i++) ts.setItem(i, { micros: BigInt(Math.round(batch.ts[from + i]! * 1e6)) } as DuckDB.DuckDBTimestampTZValue);
    ts.flush();
  }
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
}

export class DuckDBStore extends SqlStore {
  /** The file's block size, read when opened (files made before 64 KiB blocks keep 256 KiB). */
  #blockSize = 256 * 1024;
  /** The memory limit set last, in bytes. */
  #memoryLimit = 0;

  /**
   * Staged rows wait in this process until the commit: about 3 MB of columns, 8,192 rows of 40 fields
   * (more rows of fewer fields, up to 16,384; fewer as the table widens, 2,048 at the least).
   */
  get commitRows(): number {
    return Math.max(2048, Math.min(16_384, Math.floor(COMMIT_CELLS / Math.max(1, this.layout().columns.length))));
  }

  private constructor(
    target: SyncTarget,
    main: DuckDBSession,
    private readonly duckdb: DuckDBModule,
    private readonly instance: DuckDB.DuckDBInstance,
    /** The one connection: DuckDB writes one transaction at a time anyway, and commits are serialised. */
    private readonly connection: DuckDB.DuckDBConnection,
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
      const connection = await instance.connect();
      const main = new DuckDBSession(duckdb, connection, false, true);
      store = new DuckDBStore(target, main, duckdb, instance, connection);
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

  /**
   * A writer keeps its staged rows in this process and writes them at the commit, under the store's lock,
   * on the store's connection: per-writer connections would only add DuckDB's per-connection buffers.
   */
  protected async connectWriter(): Promise<StagingSession> {
    return new DuckDBSession(this.duckdb, this.connection, this.keysFirst, false);
  }

  /** Sizes DuckDB's memory limit to the table's columns (see `memoryLimit`); raised as columns come, never lowered. */
  protected override async layoutChanged(): Promise<void> {
    if (this.#memoryLimit === 0) {
      const size = await this.main.query(`SELECT block_size FROM pragma_database_size() WHERE database_name = current_database()`);
      const blockSize = Number(size[0]?.block_size);
      if (Number.isFinite(blockSize) && blockSize > 0) this.#blockSize = blockSize;
    }
    const limit = memoryLimit(this.layout().columns.length, this.#blockSize);
    if (limit <= this.#memoryLimit) return;
    await this.main.exec(`SET memory_limit = '${Math.ceil(limit / 2 ** 20)}MiB'`);
    this.#memoryLimit = limit;
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
