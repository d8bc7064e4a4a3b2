/**
 * Stage timelines: for each site a back-to-back sequence of standby → frac → standby → wireline entries
 * with increasing stage numbers. The timeline is fixed at start-up; the mock's clock only decides which
 * entries are complete and which one is in progress, so history, states and measurement rows agree.
 */
import { createRng, seedOf } from './prng';

export type StageState = 'standby_standby' | 'frac_frac' | 'wl_runinhole';

/** Compact codes for the per-row hot path. */
export const STANDBY = 0;
export const FRAC = 1;
export const WIRELINE = 2;
const CODE: Record<StageState, number> = { standby_standby: STANDBY, frac_frac: FRAC, wl_runinhole: WIRELINE };

export interface StageEntry {
  /** Assigned to every entry, but only sent once the entry is complete. */
  id: number;
  site: number;
  state: StageState;
  code: number;
  stageNumber: number;
  /** Unix seconds. */
  start: number;
  /** Unix seconds; Infinity for the last entry, which never ends. */
  end: number;
}

export interface TimelinePlan {
  siteId: number;
  /** Unix seconds of the first entry. */
  firstStart: number;
  /** The site finishes after this stage (then stands by for good); ongoing when absent. */
  lastStage?: number;
  /** Ongoing timelines are generated up to here; the clock may run past it into the final entry. */
  horizon: number;
}

export class SiteTimeline {
  /** Ascending by start, back-to-back: entries[i].end === entries[i + 1].start. */
  readonly entries: readonly StageEntry[];
  readonly finished: boolean;
  /** The highest stage number the site will reach (the plan for an ongoing site). */
  readonly stageTotal: number;

  constructor(entries: StageEntry[], finished: boolean, stageTotal: number) {
    this.entries = entries;
    this.finished = finished;
    this.stageTotal = stageTotal;
  }

  get firstStart(): number {
    return this.entries[0]!.start;
  }

  /** Index of the entry covering `t`, or -1 before the first entry. */
  indexAt(t: number): number {
    const e = this.entries;
    if (e.length === 0 || t < e[0]!.start) return -1;
    let lo = 0;
    let hi = e.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (e[mid]!.start <= t) lo = mid;
      else hi = mid - 1;
    }
    return lo;
  }

  /** Entries that have started by `now`, ascending; the last of them is in progress. */
  started(now: number): StageEntry[] {
    return this.entries.slice(0, this.indexAt(now) + 1);
  }

  /** A reader for ascending timestamps: O(1) per call while `t` stays within or just past the cached entry. */
  cursor(): StageCursor {
    return new StageCursor(this);
  }
}

/** Caches the entry of the last lookup; measurement rows ask for ascending seconds, so it rarely searches. */
export class StageCursor {
  private entry: StageEntry;
  /** Stands for the time before a site's first stage: standby. */
  private readonly before: StageEntry;

  constructor(private readonly timeline: SiteTimeline) {
    const first = timeline.entries[0]!;
    this.before = { id: 0, site: first.site, state: 'standby_standby', code: STANDBY, stageNumber: 0, start: -Infinity, end: first.start };
    this.entry = this.before;
  }

  /** The entry covering `t` (a standby placeholder before the site's first entry). */
  at(t: number): StageEntry {
    if (t >= this.entry.start && t < this.entry.end) return this.entry;
    const i = this.timeline.indexAt(t);
    this.entry = i < 0 ? this.before : this.timeline.entries[i]!;
    return this.entry;
  }
}

const HOUR = 3600;
const MIN = 60;

/** Builds the timelines of several sites and numbers their entries in start order, as a database would. */
export function buildTimelines(seed: number, plans: readonly TimelinePlan[]): Map<number, SiteTimeline> {
  const perSite = plans.map((plan) => ({ plan, entries: generate(seed, plan) }));
  const all = perSite.flatMap((p) => p.entries).sort((a, b) => a.start - b.start || a.site - b.site);
  const rng = createRng(seedOf(seed, 0x1d5));
  let id = 9_100_000 + rng.int(0, 99_999);
  for (const e of all) {
    id += rng.int(1, 40);
    e.id = id;
  }
  const out = new Map<number, SiteTimeline>();
  for (const { plan, entries } of perSite) {
    const reached = entries.reduce((m, e) => Math.max(m, e.stageNumber), 0);
    const finished = plan.lastStage !== undefined;
    out.set(plan.siteId, new SiteTimeline(entries, finished, finished ? reached : reached + 4 + (plan.siteId % 7)));
  }
  return out;
}

function generate(seed: number, plan: TimelinePlan): StageEntry[] {
  const rng = createRng(seedOf(seed, plan.siteId, 0x57a6e));
  const entries: StageEntry[] = [];
  let t = plan.firstStart;
  const push = (state: StageState, stageNumber: number, seconds: number): void => {
    const start = t;
    t += Math.round(seconds);
    entries.push({ id: 0, site: plan.siteId, state, code: CODE[state], stageNumber, start, end: t });
  };
  // Stage n: (wireline run-in-hole for n, except the first) standby, frac, short standby.
  for (let n = 1; ; n++) {
    if (n > 1) push('wl_runinhole', n, rng.float(45 * MIN, 75 * MIN));
    push('standby_standby', n, rng.chance(0.1) ? rng.float(6 * HOUR, 12 * HOUR) : rng.float(1 * HOUR, 3.5 * HOUR));
    push('frac_frac', n, rng.float(90 * MIN, 125 * MIN));
    push('standby_standby', n, rng.float(5 * MIN, 10 * MIN));
    if (plan.lastStage !== undefined ? n >= plan.lastStage : t >= plan.horizon) break;
  }
  // A finished site stands by for good; an ongoing one keeps its final entry open for a clock that runs on.
  if (plan.lastStage !== undefined) push('standby_standby', plan.lastStage, 0);
  entries[entries.length - 1]!.end = Infinity;
  return entries;
}

/** Whether a stage-name filter value (`frac`, `wl`, `standby`) matches a state, case-insensitively. */
export function stateMatches(state: StageState, filter: string): boolean {
  return state.includes(filter.toLowerCase());
}
