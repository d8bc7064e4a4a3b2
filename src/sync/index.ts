/**
 * `rs.sync()` / `restream sync`: a database kept complete, live and corrected (see sync.ts).
 */
export { runSync } from './sync';
export { DEFAULT_SYNC_CONCURRENCY, type SyncOptions, type SyncProgress, type SyncSummary } from './options';
export { DatabaseError, SyncError, type SyncFailure } from './errors';
export { DEFAULT_TARGET } from './target';
