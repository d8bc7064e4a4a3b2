/**
 * What a `/data/` download has delivered, per site, and what that means when the stream breaks: where to
 * ask again from, and which rows of the answer were delivered already.
 *
 * The API's row order. Site data ascends by timestamp. Pad data is grouped by site, each site's rows
 * ascending (test/fixtures/data_pad.json: 60 s of site 1111, then the same 60 s of 1112, then of 1113);
 * the embedded mock can also serve it in time order. So the one thing relied on everywhere is that **each
 * site's rows ascend in time**; across sites, the order is read from the rows themselves.
 *
 * Where to resume. Each site still needs the rows after the last one delivered for it, and a site not seen
 * yet needs all of its rows, from the original start. The pad's site list is not known (nor would it be
 * reliable: an unrouted pad response, a stage filter or a site's gaps decide which sites appear), so after
 * a break an unseen site may always still come. When may it bring rows earlier than the latest delivered?
 * - In time order, never: every row before the latest timestamp was delivered, so the download resumes
 *   from that timestamp (as cheap as a single site's resume).
 * - Grouped by site, always: a later site starting tells that the earlier sites' blocks are complete, but
 *   nothing tells that the current block is the last; the sites after it start again at the original
 *   start. The only correct single re-request is then from the original start; the blocks of complete sites
 *   and the part of the current block already delivered come again and are dropped (each site's delivered
 *   rows, whatever order the blocks come in), the rest goes through. No request narrower in time can serve
 *   an unseen site without handing out its rows out of order.
 * Time order is taken as proven once a site's rows resumed after another site's (so the rows are not
 * grouped by site) while the timestamps never went back: the API sends one order or the other, not a mix
 * (a stream that interleaved sites in time order and then began a new site's block from earlier times
 * would lose that site's earlier rows if cut before the step back). Until then (a single site seen, or
 * sites in blocks) the download resumes from the original start. Rows without `site_id` (site data, and
 * one site's unrouted pad data in the mock) are one series in time order; a site's own download is one
 * series by the contract, whatever its rows carry.
 *
 * Cost. Per batch, rows are looked at in runs of one site: for a site's download, or rows without
 * `site_id`, the whole batch is one run and only its first and last rows' timestamps are read, in place;
 * pad rows have their `site_id` read in place too (near the row's end, no parse), and timestamps only at
 * run ends. After a break, the rows of the resumed answer are checked run by run until every site seen
 * has passed what it had delivered (in time order, until the answer passes the resume timestamp).
 */

/** What the resume logic needs from a kind of row batch (parsed rows, or raw bytes cut at row boundaries). */
export interface ResumableBatches<B> {
  count(batch: B): number;
  /** `Number(row.timestamp)` of row `i`. */
  timestamp(batch: B, i: number): number;
  /** `row.site_id` of row `i` (`undefined` when it has none). */
  siteId(batch: B, i: number): unknown;
  /** False when no row of the batch has a `site_id` (a look at the whole batch, sparing one per row). */
  mayHaveSiteIds(batch: B): boolean;
  /** A batch of the rows at `indices` (ascending, non-empty). */
  select(batch: B, indices: number[]): B;
}

/** Where a re-request starts: `from` in unix seconds, or the original query's start when absent. */
export interface ResumeFrom {
  from?: number;
}

/** One site's delivered rows: the last timestamp, and how many rows were delivered at it. */
interface SiteProgress {
  last: number;
  count: number;
}

/** One site's rows that a resumed stream repeats: all before `last`, the first `skip` at `last`. */
interface Repeated {
  last: number;
  skip: number;
  /** A row of the site past the repeated ones came: nothing more to drop for it. */
  passed: boolean;
}

interface Replay {
  sites: Map<unknown, Repeated>;
  /** Sites not passed yet; the replay ends at 0. */
  pending: number;
  /** In time order: a row after this timestamp ends the replay (no delivered row can follow it). */
  until: number;
}

/** The key of rows without `site_id`, and of every row of a site's own download. */
const ONE_SERIES = undefined;
const NO_RUN = Symbol('no run');

export class ResumeTracker<B> {
  private readonly sites = new Map<unknown, SiteProgress>();
  /** The site of the last delivered row, and its progress. */
  private currentKey: unknown = NO_RUN;
  private current: SiteProgress | undefined;
  private lastTimestamp = -Infinity;
  private maxTimestamp = -Infinity;
  /** The delivered timestamps never went back. */
  private monotone = true;
  /** A site's rows resumed after another site's: the order is not grouped by site. */
  private interleaved = false;
  private replay: Replay | undefined;
  // Run boundaries of the batch at hand, reused.
  private readonly runKeys: unknown[] = [];
  private readonly runStarts: number[] = [];

  /**
   * @param kind how to read batches
   * @param oneSeries a site's own download: one series in time order, `site_id` or not
   */
  constructor(
    private readonly kind: ResumableBatches<B>,
    private readonly oneSeries: boolean,
  ) {}

  /**
   * Called before each re-request: returns where to ask from (undefined when nothing was delivered yet: the
   * same request again), and arms the dropping of the rows the answer will repeat.
   */
  resume(): ResumeFrom | undefined {
    this.replay = undefined;
    if (this.sites.size === 0) return undefined;
    const repeated = new Map<unknown, Repeated>();
    if (this.inTimeOrder()) {
      // Everything before the latest timestamp was delivered; at it, per site, what was.
      const from = this.maxTimestamp;
      for (const [key, p] of this.sites) if (p.last === from) repeated.set(key, { last: p.last, skip: p.count, passed: false });
      this.replay = { sites: repeated, pending: repeated.size, until: from };
      return { from };
    }
    for (const [key, p] of this.sites) repeated.set(key, { last: p.last, skip: p.count, passed: false });
    this.replay = { sites: repeated, pending: repeated.size, until: Infinity };
    return {};
  }

  /** The rows of `batch` not delivered before (undefined: none), recorded as delivered. */
  accept(batch: B): B | undefined {
    const n = this.kind.count(batch);
    if (n === 0) return undefined;
    const runs = this.splitRuns(batch, n);
    const keys = this.runKeys;
    const starts = this.runStarts;
    let kept: number[] | undefined;
    for (let r = 0; r < runs; r++) {
      const from = starts[r]!;
      const to = starts[r + 1]! - 1;
      const first = this.replay ? this.firstUndelivered(batch, keys[r], from, to) : from;
      if (first > from && !kept) {
        kept = [];
        for (let i = 0; i < from; i++) kept.push(i);
      }
      if (first > to) continue;
      if (kept) for (let i = first; i <= to; i++) kept.push(i);
      this.record(batch, keys[r], first, to);
    }
    if (!kept) return batch;
    return kept.length > 0 ? this.kind.select(batch, kept) : undefined;
  }

  private inTimeOrder(): boolean {
    if (this.oneSeries) return true;
    if (this.sites.size === 1 && this.sites.has(ONE_SERIES)) return true;
    return this.interleaved && this.monotone;
  }

  /** Fills runKeys/runStarts with the batch's runs of one site (runStarts ends with `n`); returns how many. */
  private splitRuns(batch: B, n: number): number {
    const keys = this.runKeys;
    const starts = this.runStarts;
    keys.length = 0;
    starts.length = 0;
    if (this.oneSeries || !this.kind.mayHaveSiteIds(batch)) {
      keys.push(ONE_SERIES);
      starts.push(0, n);
      return 1;
    }
    let key: unknown = NO_RUN;
    for (let i = 0; i < n; i++) {
      const k = siteKey(this.kind.siteId(batch, i));
      if (k === key) continue;
      key = k;
      keys.push(k);
      starts.push(i);
    }
    starts.push(n);
    return keys.length;
  }

  /** Records rows `from..to` (one site's, ascending) as delivered. */
  private record(batch: B, key: unknown, from: number, to: number): void {
    const first = this.kind.timestamp(batch, from);
    const last = to === from ? first : this.kind.timestamp(batch, to);
    let p = this.current;
    if (key !== this.currentKey || !p) {
      p = this.sites.get(key);
      if (p) this.interleaved = true;
      else this.sites.set(key, (p = { last: -Infinity, count: 0 }));
      this.currentKey = key;
      this.current = p;
    }
    if (first < this.lastTimestamp) this.monotone = false;
    let atLast = 1;
    let i = to - 1;
    for (; i >= from && this.kind.timestamp(batch, i) === last; i--) atLast++;
    if (i < from && p.last === last) p.count += atLast;
    else {
      p.last = last;
      p.count = atLast;
    }
    this.lastTimestamp = last;
    if (last > this.maxTimestamp) this.maxTimestamp = last;
  }

  /**
   * The first row of `from..to` (one site's, ascending) not delivered before, `to + 1` when none: the rows
   * before the site's last delivered timestamp, and as many at it as were delivered, are dropped.
   */
  private firstUndelivered(batch: B, key: unknown, from: number, to: number): number {
    const replay = this.replay!;
    const r = replay.sites.get(key);
    let first = from;
    if (r && !r.passed) {
      first = this.firstAtOrAfter(batch, r.last, from, to);
      while (first <= to && r.skip > 0 && this.kind.timestamp(batch, first) === r.last) {
        r.skip--;
        first++;
      }
      if (first <= to) {
        r.passed = true;
        replay.pending--;
      }
    }
    if (replay.pending === 0 || (replay.until !== Infinity && this.kind.timestamp(batch, to) > replay.until)) this.replay = undefined;
    return first;
  }

  /** The first index in `from..to` (ascending timestamps) whose timestamp is at least `t` (`to + 1`: none). */
  private firstAtOrAfter(batch: B, t: number, from: number, to: number): number {
    if (this.kind.timestamp(batch, from) >= t) return from;
    let lo = from + 1;
    let hi = to + 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.kind.timestamp(batch, mid) >= t) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }
}

/** A site id as a map key: a nested value (never sent in practice) by its JSON text rather than its identity. */
function siteKey(id: unknown): unknown {
  return typeof id === 'object' && id !== null ? JSON.stringify(id) : id;
}
