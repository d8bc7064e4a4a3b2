/**
 * Corrections in the mock's data: once the data-change log holds a change of a site over an interval, the
 * rows of that interval are "corrected": `/data/` and the realtime replay send other values there than
 * before. A second of a site has a revision, the number of changes whose interval covers it; the row
 * generator mixes the revision into each value (see `valueIndex` in measurements.ts), so a client that
 * re-pulls a changed interval gets rows that differ from what it first downloaded, and a test can tell
 * corrected rows from stale ones.
 *
 * Revisions only ever grow (a confirmed change stays applied), and every request sees the changes that
 * exist when it starts: a download is consistent with itself, however long it runs.
 */

/** Inclusive [from, to] in unix seconds. */
export type ChangeInterval = readonly [from: number, to: number];

/** A change's interval in whole seconds, as a client reads it: both ends floored (`end_date` may carry microseconds). */
export function changeInterval(change: { start_date: string; end_date: string }): ChangeInterval | undefined {
  const a = Math.floor(Date.parse(change.start_date) / 1000);
  const b = Math.floor(Date.parse(change.end_date) / 1000);
  if (!Number.isFinite(a) || !Number.isFinite(b)) return undefined;
  return a <= b ? [a, b] : [b, a];
}

/**
 * The revision of each second of one site, read for ascending timestamps in O(1) amortised: the intervals'
 * boundaries are sorted once, and a cursor walks them as the generator's clock moves forward.
 */
export class RevisionCursor {
  /** Boundary seconds, ascending; `counts[i]` is the revision from `starts[i]` up to `starts[i + 1] - 1`. */
  private readonly starts: number[] = [];
  private readonly counts: number[] = [];
  private i = -1;

  constructor(intervals: readonly ChangeInterval[]) {
    const deltas = new Map<number, number>();
    for (const [a, b] of intervals) {
      deltas.set(a, (deltas.get(a) ?? 0) + 1);
      deltas.set(b + 1, (deltas.get(b + 1) ?? 0) - 1);
    }
    let count = 0;
    for (const t of [...deltas.keys()].sort((x, y) => x - y)) {
      count += deltas.get(t)!;
      this.starts.push(t);
      this.counts.push(count);
    }
  }

  /** The revision at second `t`: 0 where no change covers it. */
  at(t: number): number {
    const s = this.starts;
    if (s.length === 0) return 0;
    // The generator's timestamps only grow; after a step back (a new range of a plan) start over.
    if (this.i >= 0 && t < s[this.i]!) this.i = -1;
    while (this.i + 1 < s.length && s[this.i + 1]! <= t) this.i++;
    return this.i < 0 ? 0 : this.counts[this.i]!;
  }
}
