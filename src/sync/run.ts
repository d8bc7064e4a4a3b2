/**
 * What every phase of a sync shares: the client, the store and its writers, the sites, the checked
 * options, and the counters behind progress reports and the summary.
 */
import type { ClientContext } from '../models/context';
import type { DataRequest } from '../data/stream';
import { formatDataTime } from '../validate';
import type { ResolvedSync, SyncProgress } from './options';
import { coveredEnd } from './ranges';
import type { SyncSite } from './sites';
import type { StoreWriter, SyncStore, TimeRange } from './store';

/** Writers on connections of their own, reused across chunks; at most as many as tasks run at once. */
export class WriterPool {
  readonly #idle: StoreWriter[] = [];

  constructor(private readonly store: SyncStore) {}

  async take(): Promise<StoreWriter> {
    return this.#idle.pop() ?? this.store.writer();
  }

  /** Returns a writer after its task, dropping anything it staged and did not commit. */
  async give(writer: StoreWriter): Promise<void> {
    try {
      await writer.discard();
      this.#idle.push(writer);
    } catch {
      await writer.close().catch(() => undefined);
    }
  }
}

export class SyncRun {
  readonly writers: WriterPool;
  readonly siteIds: ReadonlySet<number>;
  readonly counts = {
    rowsCommitted: 0,
    rowsExpected: 0,
    chunksDone: 0,
    chunksTotal: 0,
    backfillRows: 0,
    changesPending: 0,
    liveRows: 0,
    liveCommits: 0,
  };
  readonly appliedChanges: number[] = [];
  phase: SyncProgress['phase'] = 'backfill';
  #lastEmit = 0;
  #trailing: NodeJS.Timeout | undefined;

  constructor(
    readonly ctx: ClientContext,
    readonly store: SyncStore,
    readonly options: ResolvedSync,
    readonly sites: readonly SyncSite[],
    /** Aborts the sync's downloads and streams (the caller's signal, or a failure elsewhere). */
    readonly signal: AbortSignal,
  ) {
    this.writers = new WriterPool(store);
    this.siteIds = new Set(sites.map((s) => s.id));
  }

  /** The `/data/` request for a site's rows over `range`. */
  request(siteId: number, range: TimeRange): DataRequest {
    return {
      kind: 'site',
      id: siteId,
      query: { ...this.options.query, start_datetime: formatDataTime(new Date(range.start * 1000)), end_datetime: formatDataTime(new Date(range.end * 1000)) },
    };
  }

  /** Per site, the last second it is complete through (ISO), or null. */
  completeThrough(): Record<number, string | null> {
    const out: Record<number, string | null> = {};
    for (const site of this.sites) {
      const end = coveredEnd(this.store.complete(site.id));
      out[site.id] = end === undefined ? null : new Date(end * 1000).toISOString();
    }
    return out;
  }

  /** Reports progress: at most every 100 ms unless `force`; a report held back is sent when the 100 ms are up. */
  emit(force = false): void {
    if (!this.options.onProgress) return;
    const wait = this.#lastEmit + 100 - Date.now();
    if (!force && wait > 0) {
      if (!this.#trailing) {
        this.#trailing = setTimeout(() => {
          this.#trailing = undefined;
          this.#report();
        }, wait);
        this.#trailing.unref();
      }
      return;
    }
    this.#report();
  }

  #report(): void {
    if (this.#trailing) clearTimeout(this.#trailing);
    this.#trailing = undefined;
    this.#lastEmit = Date.now();
    const c = this.counts;
    this.options.onProgress?.({
      phase: this.phase,
      rowsCommitted: c.rowsCommitted,
      rowsExpected: c.rowsExpected,
      chunksDone: c.chunksDone,
      chunksTotal: c.chunksTotal,
      changesApplied: this.appliedChanges.length,
      changesPending: c.changesPending,
      liveRows: c.liveRows,
      completeThrough: this.completeThrough(),
    });
  }
}
