/**
 * Corrections: the data-change log of each site (and of its pad), and live data-change events, applied to
 * the table exactly once in effect.
 *
 * For a site's changes: their intervals are merged, kept to where the database holds the site's data (a
 * part it does not hold yet will be downloaded corrected anyway), and cut into chunks. Each chunk is
 * downloaded again and replaces the site's rows over it in one transaction (rows the API no longer has are
 * deleted); the last one also records the changes in restream_sync_changes. Only after that commit are the
 * changes confirmed to the API, to every log they were read from. A crash between the commit and the
 * confirmation leaves them in the API's log: the next run applies the same rows again (harmless) and
 * confirms then. A change is never confirmed before its rows are committed, so none is lost.
 */
import { Data } from '../data/data';
import { splitRange } from '../export/chunking';
import { Site } from '../models/site';
import { Pad } from '../models/pad';
import { changeInterval, confirmChanges, DataChange, mergeRanges, type ChangeParent } from '../models/data-change';
import { roundRobin } from '../export/schedule';
import { checkpoint } from './checkpoints';
import { SiteLoader } from './loader';
import { coveredEnd, intersectRanges } from './ranges';
import type { SyncRun } from './run';
import type { AppliedChange, StoreWriter, TimeRange } from './store';

interface KnownChange {
  change: DataChange;
  interval: TimeRange;
  /** The logs (pad, site) it was read from: each gets the confirmation. */
  parents: Map<string, ChangeParent>;
}

export class ChangeBook {
  readonly #bySite = new Map<number, Map<number, KnownChange>>();
  /** Changes confirmed by this run: a repeated event or log entry is not applied again. */
  readonly #done = new Set<number>();

  constructor(private readonly run: SyncRun) {}

  /** Takes a change from a log or an event; changes of sites outside the sync are left alone (never confirmed). */
  add(change: DataChange): void {
    if (!this.run.siteIds.has(change.site) || this.#done.has(change.id)) return;
    const interval = changeInterval(change);
    if (!interval) return;
    const parent = DataChange.parentOf(change);
    let site = this.#bySite.get(change.site);
    if (!site) this.#bySite.set(change.site, (site = new Map()));
    const known = site.get(change.id);
    if (known) known.parents.set(`${parent.kind}:${parent.id}`, parent);
    else site.set(change.id, { change, interval, parents: new Map([[`${parent.kind}:${parent.id}`, parent]]) });
    this.#countPending();
  }

  /** Reads the data-change log of every site and of every site's pad. */
  async readLogs(): Promise<void> {
    const { ctx, sites, signal } = this.run;
    const pads = [...new Set(sites.flatMap((s) => (s.padId === null ? [] : [s.padId])))].sort((a, b) => a - b);
    for (const site of sites) {
      signal.throwIfAborted();
      for (const change of (await new Site(ctx, site.id).getDataChanges()).changes) this.add(change);
    }
    for (const pad of pads) {
      signal.throwIfAborted();
      for (const change of (await new Pad(ctx, pad).getDataChanges()).changes) this.add(change);
    }
  }

  /** Sites with changes waiting. */
  sitesWithPending(): number[] {
    return [...this.#bySite].filter(([, m]) => m.size > 0).map(([site]) => site);
  }

  /** Applies every waiting change (the sync without `live`), sites in parallel. */
  async applyAll(): Promise<void> {
    const groups = this.sitesWithPending().map((site) => [site]);
    await roundRobin(groups, { concurrency: this.run.options.concurrency, perGroup: 1, stop: () => this.run.signal.aborted }, async (site) => {
      const writer = await this.run.writers.take();
      try {
        await this.apply(site, writer, { onlyCovered: false });
      } finally {
        await this.run.writers.give(writer);
      }
    });
    this.run.signal.throwIfAborted();
  }

  /**
   * Applies the site's waiting changes: all of them, or with `onlyCovered` (live) only those whose interval
   * ends where the site is complete, so that no live row older than the correction can arrive after it.
   * Returns how many were applied.
   */
  async apply(siteId: number, writer: StoreWriter, options: { onlyCovered: boolean }): Promise<number> {
    const { run } = this;
    const waiting = this.#bySite.get(siteId);
    if (!waiting || waiting.size === 0) return 0;
    const covered = run.store.complete(siteId);
    const end = coveredEnd(covered);
    const ready = [...waiting.values()].filter((k) => !options.onlyCovered || (end !== undefined && k.interval.end <= end));
    if (ready.length === 0) return 0;

    const replaces = mergeRanges(ready.map((k) => k.interval))
      .flatMap((r) => intersectRanges(r, covered))
      // Each piece is replaced in a transaction of its own: at most a chunk, and about as many seconds as the
      // store commits rows at once (a site has a row a second).
      .flatMap((r) => splitRange(r.start, r.end, Math.min(run.options.chunkSeconds, run.store.commitRows)));
    const applied: AppliedChange[] = ready.map((k) => ({
      id: k.change.id,
      siteId,
      start: k.interval.start,
      end: k.interval.end,
      type: k.change.modification_type ?? null,
      subtype: k.change.modification_subtype ?? null,
    }));
    try {
      if (replaces.length === 0) await writer.commit({ siteId, changes: applied });
      for (let i = 0; i < replaces.length; i++) {
        const range = replaces[i]!;
        const loader = new SiteLoader(run.store, writer, siteId, 'change-stage');
        for await (const batch of new Data(run.ctx, [run.request(siteId, range)]).batches({ signal: run.signal })) await loader.add(batch.rows);
        await loader.flush();
        const rows = writer.staged;
        await writer.commit({ siteId, replace: range, ...(i === replaces.length - 1 ? { changes: applied } : {}) });
        run.counts.rowsCommitted += rows;
        run.emit();
      }
    } catch (error) {
      // Rows of a half-done re-download must not ride along with the writer's next commit.
      await writer.discard().catch(() => undefined);
      throw error;
    }
    checkpoint('change-commit', `site=${siteId} changes=${ready.map((k) => k.change.id).join(',')}`);

    // Committed: now, and only now, the API may forget them.
    const byParent = new Map<string, { parent: ChangeParent; ids: number[] }>();
    for (const k of ready) {
      for (const [key, parent] of k.parents) {
        const group = byParent.get(key) ?? { parent, ids: [] };
        group.ids.push(k.change.id);
        byParent.set(key, group);
      }
    }
    for (const { parent, ids } of byParent.values()) await confirmChanges(run.ctx, parent, ids);
    const ids = ready.map((k) => k.change.id);
    await run.store.markConfirmed(ids);
    for (const id of ids) {
      waiting.delete(id);
      this.#done.add(id);
    }
    run.appliedChanges.push(...ids);
    this.#countPending();
    checkpoint('change-confirm', `site=${siteId} changes=${ids.join(',')}`);
    run.emit(true);
    return ids.length;
  }

  #countPending(): void {
    let n = 0;
    for (const m of this.#bySite.values()) n += m.size;
    this.run.counts.changesPending = n;
  }
}
