/**
 * The PostgreSQL store: a server given by a `postgres://` or `postgresql://` URL (what the URL leaves out,
 * `pg` takes from PGHOST, PGPORT, PGUSER, PGPASSWORD, PGDATABASE and ~/.pgpass). Rows are staged with
 * `COPY ... FROM STDIN (FORMAT binary)` into a temporary table on the writer's connection, never a round trip
 * per row; the commit upserts them into `measurements` in one transaction (sql-store.ts).
 *
 * One sync at a time per database and schema: the main connection holds an advisory lock for the whole run.
 * If the timescaledb extension is installed in the database, a new `measurements` table becomes a hypertable.
 */
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type * as Pg from 'pg';
import type * as PgCopyStreams from 'pg-copy-streams';
import { RestreamError } from '../http/errors';
import { loadDriver } from './drivers';
import { DatabaseError } from './errors';
import type { Column, ColumnBatch, ColumnLayout } from './columns';
import { alignBatch, MEASUREMENTS, SqlStore, STAGE, StagingTable, upsertSql, type SqlSession, type StagedBatch, type StagingSession } from './sql-store';
import type { OpenOptions } from './store';
import type { SyncTarget } from './target';

type PgModule = typeof Pg;
type PostgresTarget = SyncTarget & { kind: 'postgres' };

/** How long to wait for a server that does not answer, unless the URL sets `connect_timeout`. */
const CONNECT_TIMEOUT_MS = 15_000;

interface Drivers {
  pg: PgModule;
  copyFrom: typeof PgCopyStreams.from;
}

class PgSession implements StagingSession {
  constructor(
    private readonly drivers: Drivers,
    private readonly client: Pg.Client,
  ) {}

  async query(sql: string, params: readonly unknown[] = []): Promise<Array<Record<string, unknown>>> {
    const result = await this.client.query(sql, params as unknown[]);
    return result.rows as Array<Record<string, unknown>>;
  }

  async exec(sql: string, params: readonly unknown[] = []): Promise<void> {
    await this.client.query(sql, params as unknown[]);
  }

  /** Rows are copied into the staging table as they come, so they wait on the server, not in this process. */
  readonly appendsFirst = false;
  readonly #table = new StagingTable(this);

  async stage(batch: ColumnBatch, layout: ColumnLayout): Promise<void> {
    await this.#table.sync(layout.columns);
    const stream = this.client.query(this.drivers.copyFrom(`COPY ${STAGE} FROM STDIN (FORMAT binary)`));
    await pipeline(Readable.from([binaryCopy(alignBatch(batch, this.#table.columns))]), stream);
  }

  async merge(columns: readonly Column[], options: { dedupe?: boolean } = {}): Promise<void> {
    // Columns added here go with the transaction when it rolls back (and the commit may try again).
    const before = this.#table.snapshot();
    try {
      await this.#table.sync(columns);
      // The staging table only ever takes COPYs after a TRUNCATE: its rows lie in the order they were copied.
      await this.exec(upsertSql(columns, options.dedupe ? { latestFirst: 'ctid DESC' } : {}));
    } catch (error) {
      this.#table.restore(before);
      throw error;
    }
  }

  isKeyConflict(): boolean {
    return false;
  }

  /** "ON CONFLICT DO UPDATE command cannot affect row a second time" (cardinality_violation). */
  isRepeatedKey(error: unknown): boolean {
    return (error as { code?: unknown } | undefined)?.code === '21000';
  }

  async clear(): Promise<void> {
    if (this.#table.exists) await this.client.query(`TRUNCATE ${STAGE}`);
  }

  async close(): Promise<void> {
    await this.client.end();
  }
}

export class PostgresStore extends SqlStore {
  /** Staged rows wait on the server, in the staging table. */
  readonly commitRows = 100_000;

  private constructor(
    target: SyncTarget,
    main: PgSession,
    private readonly connect: () => Promise<PgSession>,
  ) {
    super(target, main);
  }

  static async open(target: PostgresTarget, options: OpenOptions): Promise<PostgresStore> {
    const pg = loadDriver<PgModule>('pg', target.display, 'a PostgreSQL target');
    const copy = loadDriver<typeof PgCopyStreams>('pg-copy-streams', target.display, 'a PostgreSQL target');
    const drivers: Drivers = { pg, copyFrom: copy.from };
    const connect = async (): Promise<PgSession> => {
      const timed = /[?&]connect_timeout=/.test(target.url);
      const client = new pg.Client({
        connectionString: target.url,
        application_name: 'restream-sync',
        ...(timed ? {} : { connectionTimeoutMillis: CONNECT_TIMEOUT_MS }),
      });
      // A connection lost while idle must not crash the process; the next query reports it.
      client.on('error', () => undefined);
      try {
        await client.connect();
      } catch (error) {
        await client.end().catch(() => undefined);
        throw describeConnectError(target, error);
      }
      return new PgSession(drivers, client);
    };

    const main = await connect();
    const store = new PostgresStore(target, main, connect);
    try {
      const [lock] = await main.query(`SELECT pg_try_advisory_lock(hashtext('restream_sync'), hashtext(current_schema())) AS locked, current_schema() AS schema`);
      if (lock?.locked !== true) {
        throw new DatabaseError(target.display, `another restream sync is writing to schema ${String(lock?.schema)} of this database; one sync at a time per database`);
      }
      await store.init(options);
      return store;
    } catch (error) {
      await store.close().catch(() => undefined);
      throw error instanceof RestreamError ? error : store.wrap(error, 'opening the database');
    }
  }

  protected async connectWriter(): Promise<StagingSession> {
    return this.connect();
  }

  protected override async afterCreate(session: SqlSession): Promise<void> {
    const timescale = await session.query(`SELECT 1 FROM pg_extension WHERE extname = 'timescaledb'`);
    if (timescale.length > 0) await session.exec(`SELECT create_hypertable('${MEASUREMENTS}', 'ts', if_not_exists => TRUE)`);
  }

  wrap(error: unknown, doing: string): unknown {
    if (error instanceof RestreamError) return error;
    const { message, code } = errorText(error);
    const password = this.target.kind === 'postgres' ? this.target.password : undefined;
    return new DatabaseError(this.target.display, `${doing}: ${message}`, { cause: error, secrets: [password], ...(code ? { code } : {}) });
  }

  protected async shutdown(): Promise<void> {
    await this.main.close().catch(() => undefined);
  }
}

/** The message and code of a driver error (a failed connect to `localhost` is an AggregateError of each address's). */
function errorText(error: unknown): { message: string; code?: string } {
  const e = error as { message?: string; code?: string; errors?: unknown[] } | null;
  const inner = Array.isArray(e?.errors) && e.errors.length > 0 ? (e.errors[0] as { message?: string; code?: string }) : undefined;
  const message = e?.message || inner?.message || String(error);
  const code = e?.code ?? inner?.code;
  return { message, ...(code ? { code } : {}) };
}

function describeConnectError(target: PostgresTarget, error: unknown): DatabaseError {
  const { message, code } = errorText(error);
  return new DatabaseError(target.display, `cannot connect to PostgreSQL: ${message}${code && !message.includes(code) ? ` (${code})` : ''}`, {
    cause: error,
    secrets: [target.password],
    ...(code ? { code } : {}),
  });
}

const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');

/**
 * The batch in PostgreSQL's binary COPY format: a header, then per row the field count and each field as
 * its length and bytes (-1 for NULL; int4 and float8 big-endian, text as UTF-8), then a trailer.
 */
export function binaryCopy(batch: StagedBatch): Buffer {
  const fields = 2 + batch.vectors.length;
  let size = SIGNATURE.length + 8 + 2;
  const texts = batch.vectors.map((v) => (v.type === 'text' ? v.values.map((s) => (s === null ? null : Buffer.from(s, 'utf8'))) : undefined));
  for (let k = 0; k < batch.vectors.length; k++) {
    const v = batch.vectors[k]!;
    if (v.type === 'double') {
      for (let i = 0; i < batch.length; i++) size += v.valid[i] ? 12 : 4;
    } else {
      for (const b of texts[k]!) size += b ? 4 + b.length : 4;
    }
  }
  size += batch.length * (2 + 8 + 12);
  const out = Buffer.allocUnsafe(size);
  let o = SIGNATURE.copy(out, 0);
  o = out.writeInt32BE(0, o);
  o = out.writeInt32BE(0, o);
  for (let i = 0; i < batch.length; i++) {
    o = out.writeInt16BE(fields, o);
    o = out.writeInt32BE(4, o);
    o = out.writeInt32BE(batch.siteId, o);
    o = out.writeInt32BE(8, o);
    o = out.writeDoubleBE(batch.ts[i]!, o);
    for (let k = 0; k < batch.vectors.length; k++) {
      const v = batch.vectors[k]!;
      if (v.type === 'double') {
        if (v.valid[i]) {
          o = out.writeInt32BE(8, o);
          o = out.writeDoubleBE(v.values[i]!, o);
        } else {
          o = out.writeInt32BE(-1, o);
        }
      } else {
        const b = texts[k]![i];
        if (b) {
          o = out.writeInt32BE(b.length, o);
          o += b.copy(out, o);
        } else {
          o = out.writeInt32BE(-1, o);
        }
      }
    }
  }
  o = out.writeInt16BE(-1, o);
  return out.subarray(0, o);
}
