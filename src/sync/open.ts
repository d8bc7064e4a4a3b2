/**
 * Opens the store a target names. Each store loads its driver only when opened (drivers.ts), so importing
 * the SDK loads neither DuckDB nor `pg`, and a PostgreSQL sync never loads DuckDB.
 */
import { DuckDBStore } from './duckdb-store';
import { PostgresStore } from './postgres-store';
import type { OpenOptions, SyncStore } from './store';
import type { SyncTarget } from './target';

export function openStore(target: SyncTarget, options: OpenOptions): Promise<SyncStore> {
  return target.kind === 'duckdb' ? DuckDBStore.open(target, options) : PostgresStore.open(target, options);
}
