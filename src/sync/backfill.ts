/**
 * The backfill: every site's rows from the sync's start to its end that the database does not hold yet.
 *
 * What is missing is the sync's range minus the site's complete ranges (restream_sync_complete), so a run
 * after a crash, or the next run from cron, continues from where the table stands. The missing ranges are
 * cut into chunks (as in `export`) that download in parallel, round robin over the sites, at most 3 per
 * site. A chunk's rows are staged in bulk and committed together with the range they complete: every
 * 100,000 rows (rows of a site arrive in time order, so everything up to the last staged row is complete)
 * and at the chunk's end (its whole range). A crash loses at most the uncommitted part of the chunks in
 * flight; rows written twice are written by primary key, so a repeat never duplicates.
 */
import { AuthError, CredentialsError, NotFoundError } from '../http/errors';
import { Data } from '../data/data';
import { isoSeconds, splitRange } from '../export/chunking';
import { PER_SITE_CONCURRENCY } from '../export/export';
import { roundRobin } from '../export/schedule';
import { checkpoint } from './checkpoints';
import { DatabaseError, SyncError, type SyncFailure } from './errors';
import { SiteLoader } from './loader';
import { subtractRanges } from './ranges';
import type { SyncRun } from './run';
import type { TimeRange } from './store';

interface Chunk extends TimeRange {
  site: number;
}

/** The last second the sync should hold for a site: the given end, else the site's latest data (never later than now). */
export function siteEnd(run: SyncRun, siteId: number, now: number): number {
  if (run.options.end !== undefined) return run.options.end;
  const last = run.sites.find((s) => s.id === siteId)?.lastTimestamp;
  return last === undefined ? now : Math.min(now, last);
}

export async function backfill(run: SyncRun): Promise<void> {
  const now = Math.floor(Date.now() / 1000);
  const groups: Chunk[][] = [];
  for (const site of run.sites) {
    const end = siteEnd(run, site.id, now);
    if (end < run.options.start) continue;
    const missing = subtractRanges({ start: run.options.start, end }, run.store.complete(site.id));
    const chunks = missing.flatMap((range) => splitRange(range.start, range.end, run.options.chunkSeconds).map((c) => ({ site: site.id, start: c.start, end: c.end })));
    if (chunks.length > 0) groups.push(chunks);
    for (const c of chunks) run.counts.rowsExpected += c.end - c.start + 1;
    run.counts.chunksTotal += chunks.length;
  }
  run.emit(true);

  const failures: SyncFailure[] = [];
  const skipSites = new Map<number, unknown>();
  let fatal: { error: unknown } | undefined;
  const neverStarted = await roundRobin(
    groups,
    { concurrency: run.options.concurrency, perGroup: PER_SITE_CONCURRENCY, stop: () => run.signal.aborted || fatal !== undefined },
    async (chunk) => {
      const task = `backfill ${isoSeconds(chunk.start)}..${isoSeconds(chunk.end)}`;
      const skip = skipSites.get(chunk.site);
      if (skip !== undefined) {
        failures.push({ site: chunk.site, task, error: skip });
        return;
      }
      try {
        await loadChunk(run, chunk);
      } catch (error) {
        if (run.signal.aborted) return;
        failures.push({ site: chunk.site, task, error });
        // A database that fails, or credentials the API refuses, fail every chunk alike: stop.
        if (error instanceof DatabaseError || error instanceof AuthError || error instanceof CredentialsError) fatal = { error };
        else if (error instanceof NotFoundError) skipSites.set(chunk.site, error);
      }
    },
  );
  run.emit(true);
  if (run.signal.aborted) throw run.signal.reason;
  if (fatal) throw fatal.error;
  for (const chunk of neverStarted) failures.push({ site: chunk.site, task: `backfill ${isoSeconds(chunk.start)}..${isoSeconds(chunk.end)}`, error: new Error('not started') });
  if (failures.length > 0) throw new SyncError(failures);
}

/** Downloads one chunk into the database: staged in bulk, committed with the range it completes. */
async function loadChunk(run: SyncRun, chunk: Chunk): Promise<void> {
  const writer = await run.writers.take();
  try {
    const loader = new SiteLoader(run.store, writer, chunk.site);
    const data = new Data(run.ctx, [run.request(chunk.site, chunk)]);
    let committed = 0;
    const commit = async (complete: TimeRange | undefined): Promise<void> => {
      const rows = writer.staged;
      await writer.commit({ siteId: chunk.site, ...(complete ? { complete } : {}) });
      committed += rows;
      run.counts.rowsCommitted += rows;
      run.counts.backfillRows += rows;
      checkpoint('commit', `site=${chunk.site}${complete ? ` through=${complete.end}` : ''}`);
      run.emit();
    };
    for await (const batch of data.batches({ signal: run.signal })) {
      await loader.add(batch.rows);
      if (writer.staged >= run.store.commitRows) {
        await loader.flush();
        // Out-of-order rows would make "complete up to the last row" untrue: then only the chunk's end says it.
        const through = Math.min(chunk.end, loader.last);
        await commit(loader.ordered && through >= chunk.start ? { start: chunk.start, end: through } : undefined);
      }
    }
    await loader.flush();
    await commit({ start: chunk.start, end: chunk.end });
    // The estimate was a row a second; the chunk is done, so count what it had.
    run.counts.rowsExpected += committed - (chunk.end - chunk.start + 1);
    run.counts.chunksDone++;
    run.emit();
  } finally {
    await run.writers.give(writer);
  }
}
