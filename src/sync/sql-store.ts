/**
 * What the DuckDB and PostgreSQL stores share: the schema, the checks on an existing table, the bookkeeping
 * and the commit. Both speak the same SQL here (DuckDB accepts PostgreSQL's spellings); the drivers differ
 * only in how they connect, lock, and stage rows in bulk (DuckDB's appender, PostgreSQL's binary COPY).
 *
 * Tables (see the README's "Sync" section):
 *   measurements            site_id, ts, one column per field; primary key (site_id, ts)
 *   restream_sync_meta      key/value: schema version, the fields the sync asks for
 *   restream_sync_complete  per site, the time ranges it is complete over (normally one row per site)
 *   restream_sync_live      per site, the live stream's session key and the time of its last committed row
 *   restream_sync_changes   data changes whose corrected rows are committed, and when they were confirmed
 *
 * A writer stages rows on its own connection (how is the driver's business: PostgreSQL copies them into a
 * temporary table as they come, DuckDB keeps them until the commit), then commits, in one transaction:
 * deletes the replaced range (corrections), writes the staged rows by primary key, and writes the
 * bookkeeping. Commits and schema changes are serialised, so a column is never added under a running merge.
 */
import { ValidationError } from '../http/errors';
import { KeyedLimiter } from '../http/limiter';
import { mergeRanges } from '../models/data-change';
import { ColumnLayout, type Column, type ColumnBatch, type ColumnType, type ColumnVector } from './columns';
import { DatabaseError } from './errors';
import type { AppliedChange, CommitUnit, LiveRecord, OpenOptions, StoreWriter, SyncStore, TimeRange } from './store';
import type { SyncTarget } from './target';

export const MEASUREMENTS = 'measurements';
export const STAGE = 'restream_sync_stage';
const SCHEMA_VERSION = '1';

/** A connection, as the shared code uses it. */
export interface SqlSession {
  /** The rows of a query, as plain objects. */
  query(sql: string, params?: readonly unknown[]): Promise<Array<Record<string, unknown>>>;
  exec(sql: string, params?: readonly unknown[]): Promise<void>;
  close(): Promise<void>;
}

/** A writer's connection: it also stages rows in bulk, and writes them into `measurements` at the commit. */
export interface StagingSession extends SqlSession {
  /** Whether a plain append (`merge` without `upsert`) is tried first; it fails with a key conflict when a row exists. */
  readonly appendsFirst: boolean;
  /** Takes a batch for the next commit, in `layout`'s columns (the table's now). */
  stage(batch: ColumnBatch, layout: ColumnLayout): Promise<void>;
  /**
   * Inside the commit's transaction: writes every staged row into `measurements`, whose value columns are
   * `columns`. With `upsert`, a row whose key exists replaces it (every column); without, the rows are
   * appended and a key that exists fails the statement (see `isKeyConflict`). With `dedupe`, of staged rows
   * that share a key only the one staged last is written (see `isRepeatedKey`).
   */
  merge(columns: readonly Column[], options: { upsert: boolean; dedupe?: boolean }): Promise<void>;
  /** Whether `error` is a primary-key conflict of an append. */
  isKeyConflict(error: unknown): boolean;
  /** Whether `error` says that staged rows share a key (an upsert cannot write one row twice): merged again with `dedupe`. */
  isRepeatedKey(error: unknown): boolean;
  /** Forgets what is staged. */
  clear(): Promise<void>;
}

/** Rows in the staging table's columns: `site_id`, `ts_epoch`, then `columns`. */
export interface StagedBatch {
  siteId: number;
  length: number;
  ts: Float64Array;
  columns: readonly Column[];
  vectors: readonly ColumnVector[];
}

/** Quotes an identifier (column names are the API's field names, case and all). */
export function ident(name: string): string {
  return `"${name.replace(/"/g, '""')}"`;
}

const SQL_TYPE: Record<ColumnType, string> = { double: 'DOUBLE PRECISION', text: 'TEXT' };

/** Our view of an `information_schema` data type; undefined for one the sync cannot write. */
function typeOfDataType(dataType: string): ColumnType | 'integer' | 'timestamptz' | undefined {
  const t = dataType.trim().toUpperCase();
  if (t === 'DOUBLE' || t === 'DOUBLE PRECISION' || t === 'FLOAT8') return 'double';
  if (t === 'VARCHAR' || t === 'TEXT' || t === 'CHARACTER VARYING') return 'text';
  if (t === 'INTEGER' || t === 'INT4') return 'integer';
  if (t === 'TIMESTAMP WITH TIME ZONE' || t === 'TIMESTAMPTZ') return 'timestamptz';
  return undefined;
}

const BOOKKEEPING_DDL = [
  `CREATE TABLE IF NOT EXISTS restream_sync_meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS restream_sync_complete (site_id INTEGER NOT NULL, from_ts TIMESTAMPTZ NOT NULL, through_ts TIMESTAMPTZ NOT NULL, PRIMARY KEY (site_id, from_ts))`,
  `CREATE TABLE IF NOT EXISTS restream_sync_live (site_id INTEGER PRIMARY KEY, session_key TEXT NOT NULL, position_ts TIMESTAMPTZ, updated_at TIMESTAMPTZ NOT NULL)`,
  `CREATE TABLE IF NOT EXISTS restream_sync_changes (change_id BIGINT PRIMARY KEY, site_id INTEGER NOT NULL, start_ts TIMESTAMPTZ NOT NULL, end_ts TIMESTAMPTZ NOT NULL, ` +
    `modification_type TEXT, modification_subtype TEXT, applied_at TIMESTAMPTZ NOT NULL, confirmed_at TIMESTAMPTZ)`,
];

/** Seconds as the bookkeeping reads them back (both databases give `extract(epoch ...)` as a number). */
const EPOCH = (column: string): string => `CAST(extract(epoch FROM ${column}) AS DOUBLE PRECISION)`;

export abstract class SqlStore implements SyncStore {
  abstract readonly commitRows: number;
  #layout = new ColumnLayout([]);
  readonly #complete = new Map<number, TimeRange[]>();
  readonly #live = new Map<number, LiveRecord>();
  readonly #lock = new KeyedLimiter(1);
  readonly #writers = new Set<SqlWriter>();
  #closed = false;
  /** Whether `measurements` starts with its key columns (`site_id`, `ts`): a plain append then fits its column order. */
  protected keysFirst = true;

  protected constructor(
    readonly target: SyncTarget,
    protected readonly main: SqlSession,
  ) {}

  /** A new connection with its staging table, for a writer. */
  protected abstract connectWriter(): Promise<StagingSession>;
  /** Called once `measurements` has been created (not when it existed): PostgreSQL makes it a hypertable here. */
  protected async afterCreate(_session: SqlSession): Promise<void> {}
  /** Called when the store opens and whenever the columns change (then under the store's lock): DuckDB sizes its memory here. */
  protected async layoutChanged(): Promise<void> {}
  /** Driver errors as `DatabaseError`s (passwords scrubbed). */
  abstract wrap(error: unknown, doing: string): unknown;
  /** Closes the main connection, and whatever else the driver holds. */
  protected abstract shutdown(): Promise<void>;

  layout(): ColumnLayout {
    return this.#layout;
  }

  complete(siteId: number): readonly TimeRange[] {
    return this.#complete.get(siteId) ?? [];
  }

  live(siteId: number): LiveRecord | undefined {
    return this.#live.get(siteId);
  }

  /** Runs `fn` with commits and schema changes held off. */
  async exclusive<T>(fn: () => Promise<T>): Promise<T> {
    const release = await this.#lock.acquire('store');
    try {
      return await fn();
    } finally {
      release();
    }
  }

  /**
   * Checks an existing `measurements` table (refusing other key columns before anything is written),
   * checks the recorded fields, creates what is missing, and loads the bookkeeping.
   */
  protected async init(options: OpenOptions): Promise<void> {
    const m = this.main;
    const existing = await this.describeMeasurements();
    const tables = new Set((await m.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = current_schema()`)).map((r) => String(r.table_name)));
    if (tables.has('restream_sync_meta')) {
      const meta = new Map((await m.query(`SELECT key, value FROM restream_sync_meta`)).map((r) => [String(r.key), String(r.value)]));
      const recorded = meta.get('fields');
      if (recorded !== undefined && recorded !== options.fields) {
        throw new ValidationError(
          'fields',
          `${this.target.display} holds a sync of ${recorded === '*' ? "the API's default fields" : `the fields ${recorded}`}, and this sync asks for ` +
            `${options.fields === '*' ? "the API's default fields" : options.fields}; use the same fields, or another database`,
        );
      }
    }

    await m.exec('BEGIN');
    try {
      if (!existing) await m.exec(`CREATE TABLE ${MEASUREMENTS} (site_id INTEGER NOT NULL, ts TIMESTAMPTZ NOT NULL, PRIMARY KEY (site_id, ts))`);
      for (const ddl of BOOKKEEPING_DDL) await m.exec(ddl);
      await m.exec(`INSERT INTO restream_sync_meta (key, value) VALUES ('schema_version', $1) ON CONFLICT (key) DO NOTHING`, [SCHEMA_VERSION]);
      await m.exec(`INSERT INTO restream_sync_meta (key, value) VALUES ('fields', $1) ON CONFLICT (key) DO NOTHING`, [options.fields]);
      if (!existing) await this.afterCreate(m);
      await m.exec('COMMIT');
    } catch (error) {
      await m.exec('ROLLBACK').catch(() => undefined);
      throw error;
    }

    this.#layout = new ColumnLayout(existing ?? []);
    await this.layoutChanged();
    for (const r of await m.query(`SELECT site_id, ${EPOCH('from_ts')} AS f, ${EPOCH('through_ts')} AS t FROM restream_sync_complete ORDER BY site_id, from_ts`)) {
      const site = Number(r.site_id);
      const list = this.#complete.get(site) ?? [];
      list.push({ start: Number(r.f), end: Number(r.t) });
      this.#complete.set(site, list);
    }
    for (const r of await m.query(`SELECT site_id, session_key, ${EPOCH('position_ts')} AS p FROM restream_sync_live`)) {
      this.#live.set(Number(r.site_id), { sessionKey: String(r.session_key), position: r.p === null || r.p === undefined ? null : Number(r.p) });
    }
  }

  /**
   * The value columns of an existing `measurements` table, or undefined when there is none. Refuses a table
   * whose key is not `(site_id integer, ts timestamp with time zone)`, or with a column the sync cannot write.
   */
  private async describeMeasurements(): Promise<Column[] | undefined> {
    const rows = await this.main.query(
      `SELECT column_name, data_type FROM information_schema.columns WHERE table_schema = current_schema() AND table_name = $1 ORDER BY ordinal_position`,
      [MEASUREMENTS],
    );
    if (rows.length === 0) return undefined;
    const key = (
      await this.main.query(
        `SELECT k.column_name FROM information_schema.table_constraints c JOIN information_schema.key_column_usage k ` +
          `ON k.constraint_name = c.constraint_name AND k.table_schema = c.table_schema AND k.table_name = c.table_name ` +
          `WHERE c.table_schema = current_schema() AND c.table_name = $1 AND c.constraint_type = 'PRIMARY KEY' ORDER BY k.ordinal_position`,
        [MEASUREMENTS],
      )
    ).map((r) => String(r.column_name));
    const types = new Map(rows.map((r) => [String(r.column_name), typeOfDataType(String(r.data_type))]));
    this.keysFirst = String(rows[0]?.column_name) === 'site_id' && String(rows[1]?.column_name) === 'ts';
    const described = rows.map((r) => `${String(r.column_name)} ${String(r.data_type).toLowerCase()}`);
    const keyOk = key.length === 2 && key[0] === 'site_id' && key[1] === 'ts' && types.get('site_id') === 'integer' && types.get('ts') === 'timestamptz';
    if (!keyOk) {
      throw new DatabaseError(
        this.target.display,
        `the existing table ${MEASUREMENTS} has ${key.length ? `primary key (${key.join(', ')})` : 'no primary key'} and columns (${described.slice(0, 6).join(', ')}${described.length > 6 ? ', ...' : ''}); ` +
          `restream sync needs primary key (site_id integer, ts timestamp with time zone). Nothing was changed: sync into another database, or rename that table`,
      );
    }
    const columns: Column[] = [];
    for (const r of rows) {
      const name = String(r.column_name);
      if (name === 'site_id' || name === 'ts') continue;
      const type = types.get(name);
      if (type !== 'double' && type !== 'text') {
        throw new DatabaseError(
          this.target.display,
          `column ${name} of the existing table ${MEASUREMENTS} is ${String(r.data_type).toLowerCase()}; restream sync writes double precision or text columns. Nothing was changed`,
        );
      }
      columns.push({ name, type });
    }
    return columns;
  }

  async evolve(changes: readonly Column[]): Promise<void> {
    await this.exclusive(async () => {
      const layout = this.#layout;
      const todo = changes.filter((c) => {
        const i = layout.index.get(c.name);
        return i === undefined || (layout.columns[i]!.type === 'double' && c.type === 'text');
      });
      if (todo.length === 0) return;
      const m = this.main;
      await m.exec('BEGIN');
      try {
        for (const c of todo) {
          if (layout.index.has(c.name)) {
            await m.exec(`ALTER TABLE ${MEASUREMENTS} ALTER COLUMN ${ident(c.name)} SET DATA TYPE TEXT USING CAST(${ident(c.name)} AS TEXT)`);
          } else {
            await m.exec(`ALTER TABLE ${MEASUREMENTS} ADD COLUMN ${ident(c.name)} ${SQL_TYPE[c.type]}`);
          }
        }
        await m.exec('COMMIT');
      } catch (error) {
        await m.exec('ROLLBACK').catch(() => undefined);
        throw this.wrap(error, `changing the columns of ${MEASUREMENTS}`);
      }
      this.#layout = layout.with(todo);
      await this.layoutChanged();
    });
  }

  async writer(): Promise<StoreWriter> {
    if (this.#closed) throw new DatabaseError(this.target.display, 'the store is closed');
    const session = await this.connectWriter();
    const writer = new SqlWriter(this, session);
    this.#writers.add(writer);
    return writer;
  }

  /** @internal */
  forget(writer: SqlWriter): void {
    this.#writers.delete(writer);
  }

  async markConfirmed(ids: readonly number[]): Promise<void> {
    if (ids.length === 0) return;
    await this.exclusive(async () => {
      try {
        await this.main.exec(`UPDATE restream_sync_changes SET confirmed_at = now() WHERE change_id IN (${ids.map((_, i) => `$${i + 1}`).join(', ')})`, ids);
      } catch (error) {
        throw this.wrap(error, 'recording confirmed changes');
      }
    });
  }

  /**
   * @internal The commit of a writer: in one transaction, under the store's lock. A driver that appends
   * first (DuckDB) does it again with an upsert when a staged row's key exists already.
   */
  async commitFrom(writer: SqlWriter, session: StagingSession, unit: CommitUnit): Promise<void> {
    await this.exclusive(async () => {
      const columns = this.#layout.columns;
      const staged = writer.staged > 0;
      let merged: TimeRange[] | undefined;
      // The API's rows of a site are one a second; should a second come twice in one commit, the row sent
      // last is written, as when it comes again in a later commit.
      const attempts: Array<{ upsert: boolean; dedupe?: boolean }> = session.appendsFirst ? [{ upsert: false }, { upsert: true }] : [{ upsert: true }];
      for (let attempt = 0; attempt < attempts.length; attempt++) {
        const { upsert, dedupe } = attempts[attempt]!;
        await session.exec('BEGIN');
        try {
          if (unit.replace) {
            await session.exec(`DELETE FROM ${MEASUREMENTS} WHERE site_id = $1 AND ts >= to_timestamp($2) AND ts <= to_timestamp($3)`, [unit.siteId, unit.replace.start, unit.replace.end]);
          }
          if (staged) await session.merge(columns, { upsert, ...(dedupe ? { dedupe } : {}) });
          if (unit.complete) {
            const ranges = mergeRanges([...this.complete(unit.siteId), unit.complete]);
            merged = ranges;
            await session.exec(`DELETE FROM restream_sync_complete WHERE site_id = $1`, [unit.siteId]);
            for (const r of ranges) {
              await session.exec(`INSERT INTO restream_sync_complete (site_id, from_ts, through_ts) VALUES ($1, to_timestamp($2), to_timestamp($3))`, [unit.siteId, r.start, r.end]);
            }
          }
          if (unit.live) {
            await session.exec(
              `INSERT INTO restream_sync_live (site_id, session_key, position_ts, updated_at) VALUES ($1, $2, to_timestamp($3), now()) ` +
                `ON CONFLICT (site_id) DO UPDATE SET session_key = excluded.session_key, position_ts = excluded.position_ts, updated_at = excluded.updated_at`,
              [unit.siteId, unit.live.sessionKey, unit.live.position],
            );
          }
          for (const c of unit.changes ?? []) await recordChange(session, c);
          await session.exec('COMMIT');
          break;
        } catch (error) {
          await session.exec('ROLLBACK').catch(() => undefined);
          if (!upsert && session.isKeyConflict(error)) continue;
          if (upsert && !dedupe && session.isRepeatedKey(error)) {
            attempts.push({ upsert: true, dedupe: true });
            continue;
          }
          throw this.wrap(error, `committing rows of site ${unit.siteId}`);
        }
      }
      if (merged) this.#complete.set(unit.siteId, merged);
      if (unit.live) this.#live.set(unit.siteId, { sessionKey: unit.live.sessionKey, position: unit.live.position });
    });
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    await Promise.all([...this.#writers].map((w) => w.close().catch(() => undefined)));
    await this.shutdown();
  }
}

async function recordChange(session: SqlSession, c: AppliedChange): Promise<void> {
  await session.exec(
    `INSERT INTO restream_sync_changes (change_id, site_id, start_ts, end_ts, modification_type, modification_subtype, applied_at, confirmed_at) ` +
      `VALUES ($1, $2, to_timestamp($3), to_timestamp($4), $5, $6, now(), NULL) ` +
      `ON CONFLICT (change_id) DO UPDATE SET applied_at = excluded.applied_at, confirmed_at = NULL`,
    [c.id, c.siteId, c.start, c.end, c.type, c.subtype],
  );
}

/**
 * The statement that moves the staging table's rows into `measurements`: inserted, or replacing the row with
 * the same key (every column: the row becomes what the API sent last). With `latestFirst` (an ordering of
 * the staging table's rows, the last staged first), rows that share a key are written once, as staged last.
 */
export function upsertSql(columns: readonly Column[], options: { latestFirst?: string } = {}): string {
  const names = columns.map((c) => ident(c.name));
  const list = ['site_id', 'ts', ...names].join(', ');
  const select = ['site_id', 'to_timestamp(ts_epoch)', ...names].join(', ');
  const source = options.latestFirst
    ? `SELECT DISTINCT ON (site_id, ts_epoch) ${select} FROM ${STAGE} ORDER BY site_id, ts_epoch, ${options.latestFirst}`
    : `SELECT ${select} FROM ${STAGE}`;
  const onConflict = names.length > 0 ? `DO UPDATE SET ${names.map((n) => `${n} = excluded.${n}`).join(', ')}` : 'DO NOTHING';
  return `INSERT INTO ${MEASUREMENTS} (${list}) ${source} ON CONFLICT (site_id, ts) ${onConflict}`;
}

/** The batch's vectors in `columns`' order and types: columns it lacks are NULL, numbers go into text columns as text. */
export function alignBatch(batch: ColumnBatch, columns: readonly Column[]): StagedBatch {
  const n = batch.length;
  const vectors = columns.map((c): ColumnVector => {
    const j = batch.layout.index.get(c.name);
    const v = j === undefined ? undefined : batch.vectors[j];
    if (!v) return c.type === 'double' ? { type: 'double', values: new Float64Array(n), valid: new Uint8Array(n) } : { type: 'text', values: new Array<string | null>(n).fill(null) };
    if (v.type === c.type) return v;
    // Filled as numbers, the column has become text since.
    const values = new Array<string | null>(n);
    if (v.type === 'double') for (let i = 0; i < n; i++) values[i] = v.valid[i] ? String(v.values[i]) : null;
    return { type: 'text', values };
  });
  return { siteId: batch.siteId, length: n, ts: batch.ts, columns, vectors };
}

/**
 * A temporary staging table on one connection (`restream_sync_stage`: `site_id`, `ts_epoch`, then value
 * columns), created when first needed and brought to the table's columns as they change.
 */
export class StagingTable {
  /** The table's value columns; undefined until it is created. */
  #columns: Column[] | undefined;

  constructor(private readonly session: SqlSession) {}

  /** The staging table's value columns now (after `sync`). */
  get columns(): readonly Column[] {
    return this.#columns ?? [];
  }

  /** Whether the table exists on the connection. */
  get exists(): boolean {
    return this.#columns !== undefined;
  }

  /** Creates the table, or adds and re-types its columns to match `columns`. */
  async sync(columns: readonly Column[]): Promise<void> {
    const s = this.session;
    if (!this.#columns) {
      const defs = columns.map((c) => `, ${ident(c.name)} ${SQL_TYPE[c.type]}`).join('');
      await s.exec(`CREATE TEMP TABLE ${STAGE} (site_id INTEGER NOT NULL, ts_epoch DOUBLE PRECISION NOT NULL${defs})`);
      this.#columns = columns.map((c) => ({ ...c }));
      return;
    }
    const mine = new Map(this.#columns.map((c) => [c.name, c]));
    for (const c of columns) {
      const have = mine.get(c.name);
      if (!have) {
        await s.exec(`ALTER TABLE ${STAGE} ADD COLUMN ${ident(c.name)} ${SQL_TYPE[c.type]}`);
        this.#columns.push({ ...c });
      } else if (have.type !== c.type) {
        await s.exec(`ALTER TABLE ${STAGE} ALTER COLUMN ${ident(c.name)} SET DATA TYPE TEXT USING CAST(${ident(c.name)} AS TEXT)`);
        have.type = c.type;
      }
    }
  }

  /** The table's columns as known now, for `restore`. */
  snapshot(): Column[] | undefined {
    return this.#columns?.map((c) => ({ ...c }));
  }

  /** Takes back what a rolled-back transaction changed (`snapshot` from before it). */
  restore(columns: Column[] | undefined): void {
    this.#columns = columns;
  }

  /** Drops the table; `sync` creates it again. */
  async drop(): Promise<void> {
    this.#columns = undefined;
    await this.session.exec(`DROP TABLE IF EXISTS ${STAGE}`);
  }
}

/** Stages a site's rows on its own connection and commits them through the store. */
class SqlWriter implements StoreWriter {
  #staged = 0;
  #closed = false;

  constructor(
    private readonly store: SqlStore,
    private readonly session: StagingSession,
  ) {}

  get staged(): number {
    return this.#staged;
  }

  async stage(batch: ColumnBatch): Promise<void> {
    if (batch.length === 0) return;
    try {
      await this.session.stage(batch, this.store.layout());
    } catch (error) {
      throw this.store.wrap(error, `staging rows of site ${batch.siteId}`);
    }
    this.#staged += batch.length;
  }

  async commit(unit: CommitUnit): Promise<void> {
    await this.store.commitFrom(this, this.session, unit);
    await this.discard();
  }

  async discard(): Promise<void> {
    if (this.#staged === 0) return;
    this.#staged = 0;
    try {
      await this.session.clear();
    } catch (error) {
      throw this.store.wrap(error, 'clearing staged rows');
    }
  }

  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.store.forget(this);
    await this.session.close();
  }
}
