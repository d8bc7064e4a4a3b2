/**
 * The live phase: each site's realtime measurement stream, asked to replay from the second after the
 * site's last complete one (so nothing falls between the backfill and the live rows), committed about
 * once a second together with the range the rows complete and the stream's position; and data-change
 * events, applied as they come.
 *
 * A change is applied once the site's live rows are committed past the end of its interval: the stream
 * delivers a site's rows in time order, so no row older than the correction can arrive after it. Each site
 * works through one queue (commits, then the changes they make ready), on a writer of its own.
 *
 * Stopping (the signal) closes the streams, commits the rows received, and resolves; a stream or change
 * that fails for good (after the SDK's reconnects and retries) stops the sync the same way, then rejects.
 */
import type { Row } from '../data/stream';
import { newSessionKey } from '../realtime/measurements';
import { getRealtimeDataChangesUpdates, getRealtimeMeasurementsData } from '../realtime/attach';
import type { RealtimeStream } from '../realtime/stream';
import { DataChange } from '../models/data-change';
import type { ChangeBook } from './changes';
import { checkpoint } from './checkpoints';
import { SiteLoader } from './loader';
import { coveredEnd } from './ranges';
import type { SyncRun } from './run';
import type { SyncSite } from './sites';
import type { StoreWriter } from './store';

/** Live rows are committed this long after the first of them arrives... */
const LIVE_COMMIT_MS = 1000;
/** ...or as soon as this many are waiting. */
const LIVE_UNIT_ROWS = 10_000;

/** The data-change event streams: one per pad of the synced sites, one per site without a pad. */
export class ChangeFeeds {
  readonly #streams: Array<RealtimeStream<unknown>> = [];
  readonly #readers: Array<Promise<void>> = [];
  #onChange: (siteId: number) => void = () => undefined;

  /** Opens the feeds; events go to `book` from now on (before the logs are read, so none falls between). */
  constructor(
    run: SyncRun,
    private readonly book: ChangeBook,
    private readonly fail: (error: unknown) => void,
  ) {
    const pads = [...new Set(run.sites.flatMap((s) => (s.padId === null ? [] : [s.padId])))];
    const targets = [...pads.map((id) => ({ kind: 'pad' as const, id })), ...run.sites.filter((s) => s.padId === null).map((s) => ({ kind: 'site' as const, id: s.id }))];
    for (const t of targets) {
      const stream = getRealtimeDataChangesUpdates(run.ctx, t.kind, t.id);
      this.#streams.push(stream as RealtimeStream<unknown>);
      this.#readers.push(this.#read(stream as RealtimeStream<unknown>));
    }
  }

  /** Where to say that a site has a new change. */
  set onChange(listener: (siteId: number) => void) {
    this.#onChange = listener;
  }

  async #read(stream: RealtimeStream<unknown>): Promise<void> {
    try {
      for await (const change of stream) {
        if (!(change instanceof DataChange)) continue;
        this.book.add(change);
        this.#onChange(change.site);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.#streams.map((s) => s.close()));
    await Promise.all(this.#readers);
  }
}

class SiteFollower {
  #pending: Row[] = [];
  #timer: NodeJS.Timeout | undefined;
  #chain: Promise<void> = Promise.resolve();
  #stream: RealtimeStream<Row> | undefined;
  #reader: Promise<void> = Promise.resolve();
  #stopping = false;

  private constructor(
    private readonly run: SyncRun,
    private readonly book: ChangeBook,
    private readonly site: SyncSite,
    private readonly writer: StoreWriter,
    private readonly sessionKey: string,
    /** The first second the stream replays. */
    private readonly start: number,
    private readonly fail: (error: unknown) => void,
  ) {}

  static async open(run: SyncRun, book: ChangeBook, site: SyncSite, fail: (error: unknown) => void): Promise<SiteFollower> {
    const writer = await run.store.writer();
    const sessionKey = run.store.live(site.id)?.sessionKey ?? newSessionKey();
    const end = coveredEnd(run.store.complete(site.id));
    const start = Math.max(run.options.start, end === undefined ? run.options.start : end + 1);
    return new SiteFollower(run, book, site, writer, sessionKey, start, fail);
  }

  /** Opens the stream (replaying from `start`) and reads it until it is closed. */
  async begin(): Promise<void> {
    const { stream } = await getRealtimeMeasurementsData(this.run.ctx, 'site', this.site.id, {
      startDatetime: new Date(this.start * 1000),
      sessionKey: this.sessionKey,
      ...(this.run.options.fields ? { fields: this.run.options.fields } : {}),
    });
    this.#stream = stream;
    // Changes the backfill already covers need no live row.
    this.changed();
    this.#reader = this.#read(stream);
  }

  async #read(stream: RealtimeStream<Row>): Promise<void> {
    try {
      for await (const rows of stream.batches()) {
        for (const row of rows) this.#pending.push(row);
        if (this.#pending.length >= LIVE_UNIT_ROWS) this.#flushSoon(0);
        else this.#flushSoon(LIVE_COMMIT_MS);
      }
    } catch (error) {
      this.fail(error);
    }
  }

  /** The site has a new change: apply it if the live rows have passed it. */
  changed(): void {
    this.#enqueue(async () => {
      if (!this.#stopping) await this.book.apply(this.site.id, this.writer, { onlyCovered: true });
    });
  }

  #flushSoon(delayMs: number): void {
    if (this.#timer && delayMs > 0) return;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      this.#enqueue(() => this.#commit());
    }, delayMs);
  }

  #enqueue(task: () => Promise<void>): void {
    this.#chain = this.#chain.then(task).catch((error: unknown) => this.fail(error));
  }

  /** Commits the rows received with the range they complete and the stream's position, then applies what that made ready. */
  async #commit(): Promise<void> {
    const rows = this.#pending;
    if (rows.length === 0) return;
    this.#pending = [];
    const { run, site } = this;
    const loader = new SiteLoader(run.store, this.writer, site.id, 'live-stage');
    try {
      await loader.add(rows);
      await loader.flush();
      const complete = loader.ordered && loader.last >= this.start ? { complete: { start: this.start, end: loader.last } } : {};
      await this.writer.commit({ siteId: site.id, ...complete, live: { sessionKey: this.sessionKey, position: loader.last } });
    } catch (error) {
      await this.writer.discard().catch(() => undefined);
      throw error;
    }
    run.counts.rowsCommitted += rows.length;
    run.counts.liveRows += rows.length;
    run.counts.liveCommits++;
    checkpoint('live-commit', `site=${site.id} through=${loader.last}`);
    run.emit();
    if (!this.#stopping) await this.book.apply(site.id, this.writer, { onlyCovered: true });
  }

  /** Closes the stream, then commits what was received. */
  async stop(): Promise<void> {
    this.#stopping = true;
    await this.#stream?.close();
    await this.#reader;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#enqueue(() => this.#commit());
    await this.#chain;
  }
}

/**
 * Follows every site live until `stop` aborts (the caller's signal) or something fails for good. `feeds`
 * were opened before the logs were read; changes already known are applied as soon as they are covered.
 */
export async function followLive(run: SyncRun, book: ChangeBook, feeds: ChangeFeeds, stop: AbortSignal, fail: (error: unknown) => void): Promise<void> {
  const followers = new Map<number, SiteFollower>();
  try {
    for (const site of run.sites) followers.set(site.id, await SiteFollower.open(run, book, site, fail));
    feeds.onChange = (siteId) => followers.get(siteId)?.changed();
    for (const f of followers.values()) {
      if (stop.aborted) break;
      await f.begin();
    }
    run.phase = 'live';
    run.emit(true);
    if (!stop.aborted) await new Promise<void>((resolve) => stop.addEventListener('abort', () => resolve(), { once: true }));
  } finally {
    await feeds.close();
    await Promise.all([...followers.values()].map((f) => f.stop()));
  }
}
