/**
 * `rs.sync()`: keeps a database complete, live and corrected. In order:
 *
 * 1. Open the database (before any request: a database that is unreachable or refuses the login fails the
 *    sync before anything is read from, or confirmed to, the API) and check or create the tables.
 * 2. Backfill every site's missing rows from `startDatetime` to its end (backfill.ts).
 * 3. Without `live`: read the data-change logs and apply every change (changes.ts), then return.
 *    With `live`: open the data-change feeds, read the logs, then follow every site's live stream from its
 *    last complete second, applying changes as the live rows pass them (live.ts), until the signal aborts.
 *
 * Every commit carries its bookkeeping, so a process killed at any moment and started again continues
 * from where the table stands and ends with the table an uninterrupted run gives.
 */
import type { ClientContext } from '../models/context';
import { backfill } from './backfill';
import { ChangeBook } from './changes';
import { ChangeFeeds, followLive } from './live';
import { openStore } from './open';
import { resolveSyncOptions, type SyncOptions, type SyncSummary } from './options';
import { SyncRun } from './run';
import { resolveSites } from './sites';

export async function runSync(ctx: ClientContext, options: SyncOptions): Promise<SyncSummary> {
  const began = process.hrtime.bigint();
  const opts = resolveSyncOptions(options);
  const user = opts.signal;
  user?.throwIfAborted();
  const store = await openStore(opts.target, { fields: opts.fieldsKey });

  // Aborted by the caller's signal, or (live) by a failure, to stop every stream and download at once.
  const controller = new AbortController();
  const onAbort = (): void => controller.abort(user?.reason);
  user?.addEventListener('abort', onAbort, { once: true });
  let fatal: { error: unknown } | undefined;
  const fail = (error: unknown): void => {
    // Errors that only say "aborted" come from the stop itself.
    if (controller.signal.aborted && error === controller.signal.reason) return;
    fatal ??= { error };
    if (!controller.signal.aborted) controller.abort(error);
  };
  /** A live sync stopped by its caller ends normally, with what it committed. */
  const stoppedLive = (): boolean => opts.live && user?.aborted === true && fatal === undefined;

  try {
    const sites = await resolveSites(ctx, opts.sites, opts.pads, controller.signal);
    const run = new SyncRun(ctx, store, opts, sites, controller.signal);
    const summary = (): SyncSummary => ({
      target: opts.target.display,
      sites: sites.map((s) => s.id),
      rows: run.counts.rowsCommitted,
      backfill: { chunks: run.counts.chunksDone, rows: run.counts.backfillRows },
      changes: { applied: run.appliedChanges.length, ids: [...run.appliedChanges].sort((a, b) => a - b) },
      live: opts.live ? { rows: run.counts.liveRows, commits: run.counts.liveCommits } : null,
      completeThrough: run.completeThrough(),
      seconds: Number(process.hrtime.bigint() - began) / 1e9,
    });

    try {
      await backfill(run);
      run.phase = 'changes';
      run.emit(true);
      const book = new ChangeBook(run);
      if (!opts.live) {
        await book.readLogs();
        await book.applyAll();
      } else {
        // Subscribed before the logs are read: a change made in between arrives as an event.
        const feeds = new ChangeFeeds(run, book, fail);
        try {
          await book.readLogs();
        } catch (error) {
          await feeds.close();
          throw error;
        }
        await followLive(run, book, feeds, controller.signal, fail);
        if (fatal) throw fatal.error;
      }
    } catch (error) {
      if (!stoppedLive()) throw error;
    }
    run.phase = 'done';
    run.emit(true);
    return summary();
  } finally {
    user?.removeEventListener('abort', onAbort);
    await store.close();
  }
}
