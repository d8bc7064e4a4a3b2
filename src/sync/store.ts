/**
 * The one interface `sync` writes through, whatever the database. A store holds the `measurements` table
 * and its bookkeeping (`restream_sync_*`); a writer stages rows in bulk and commits them together with the
 * bookkeeping that covers them, in one transaction: either both are in the database, or neither.
 * Implementations: duckdb-store.ts and postgres-store.ts (their shared SQL in sql-store.ts); `openStore`
 * (open.ts) picks one by the target.
 */
import type { Column, ColumnBatch, ColumnLayout } from './columns';
import type { SyncTarget } from './target';

/** Inclusive range of unix seconds. */
export interface TimeRange {
  start: number;
  end: number;
}

/** A data change as the bookkeeping records it once its rows are committed. */
export interface AppliedChange {
  id: number;
  siteId: number;
  /** The change's interval (whole seconds, inclusive), as the log gave it. */
  start: number;
  end: number;
  type: string | null;
  subtype: string | null;
}

/** What a commit covers besides the staged rows. */
export interface CommitUnit {
  siteId: number;
  /** Delete the site's rows in this range before the staged rows go in: a correction (rows the API no longer has go). */
  replace?: TimeRange;
  /** The site is complete over this range once the commit is in. */
  complete?: TimeRange;
  /** The live stream's key and the timestamp of its last committed row. */
  live?: { sessionKey: string; position: number };
  /** Data changes whose corrected rows this commit holds. */
  changes?: AppliedChange[];
}

/** A site's live stream as last committed. */
export interface LiveRecord {
  sessionKey: string;
  position: number | null;
}

export interface OpenOptions {
  /** The fields this sync asks for, as recorded in the database (`*` for the API's default set). */
  fields: string;
}

/** The database side of a sync. */
export interface SyncStore {
  readonly target: SyncTarget;
  /**
   * Rows a writer stages before it commits, where the caller may choose (a backfill chunk, a correction's
   * range in seconds): bounds what a writer holds, in the process or on the server.
   */
  readonly commitRows: number;
  /** The table's value columns now. */
  layout(): ColumnLayout;
  /** The site's complete ranges, merged and ascending. */
  complete(siteId: number): readonly TimeRange[];
  /** The site's live stream record, if it has one. */
  live(siteId: number): LiveRecord | undefined;
  /** Adds columns or turns them into text (serialised with commits; a no-op for what is done already). */
  evolve(changes: readonly Column[]): Promise<void>;
  /** A writer on a connection of its own (one per concurrent download). */
  writer(): Promise<StoreWriter>;
  /** Records that the API has the confirmation of these changes. */
  markConfirmed(ids: readonly number[]): Promise<void>;
  /** Closes every connection (a DuckDB file is checkpointed); idempotent. */
  close(): Promise<void>;
}

/** Stages rows on its own connection and commits them with their bookkeeping. */
export interface StoreWriter {
  /** Adds a batch to what the next commit writes (bulk: DuckDB's appender, PostgreSQL's COPY). */
  stage(batch: ColumnBatch): Promise<void>;
  /** Rows staged since the last commit. */
  readonly staged: number;
  /** Writes the staged rows (upsert by `(site_id, ts)`) and the unit's bookkeeping in one transaction. */
  commit(unit: CommitUnit): Promise<void>;
  /** Drops what is staged and not committed. */
  discard(): Promise<void>;
  close(): Promise<void>;
}

