/**
 * The errors of `sync` beyond the SDK's own: the database failed, or some of the work could not be done.
 * Either way what was committed stays, and nothing was confirmed to the API that is not in the database.
 */
import { RestreamError, type RestreamErrorOptions } from '../http/errors';

/**
 * The database failed or refused: unreachable, a login it refused, a driver that is not installed, a
 * `measurements` table it cannot use, a failed statement. `target` names the database (passwords masked).
 */
export class DatabaseError extends RestreamError {
  readonly target: string;
  /** The driver's error code (`ECONNREFUSED`, PostgreSQL's SQLSTATE such as `28P01`), when it gave one. */
  readonly code?: string;

  constructor(target: string, message: string, options: RestreamErrorOptions & { code?: string } = {}) {
    const { code, ...rest } = options;
    super(`${target}: ${message}`, rest);
    this.target = target;
    if (code !== undefined) this.code = code;
  }

  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), target: this.target, ...(this.code !== undefined ? { code: this.code } : {}) };
  }
}

/** A site's part of a sync that failed (after the SDK's retries). */
export interface SyncFailure {
  site: number;
  /** What was being done: `backfill 2025-01-01T00:00:00Z..2025-01-01T23:59:59Z`, `change 412`, `live`. */
  task: string;
  error: unknown;
}

/**
 * Some of a sync's work failed; the rest completed and is committed. Running the same sync again redoes
 * only what is missing. `failures` lists each failed task.
 */
export class SyncError extends RestreamError {
  readonly failures: SyncFailure[];

  constructor(failures: SyncFailure[]) {
    const shown = failures.slice(0, 10).map((f) => `site ${f.site} ${f.task}: ${f.error instanceof Error ? f.error.message : String(f.error)}`);
    const more = failures.length > shown.length ? `\n  ... and ${failures.length - shown.length} more` : '';
    super(
      `sync: ${failures.length} task(s) failed; everything else is committed, and running the sync again redoes only what is missing:\n  ${shown.join('\n  ')}${more}`,
      { cause: failures[0]?.error },
    );
    this.failures = failures;
  }

  override toJSON(): Record<string, unknown> {
    return {
      ...super.toJSON(),
      failures: this.failures.map((f) => ({ site: f.site, task: f.task, error: f.error instanceof RestreamError ? f.error.toJSON() : String(f.error) })),
    };
  }
}
