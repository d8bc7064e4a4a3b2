/**
 * The resume logic on its own, against a model of the API: a server that answers a re-request with the
 * same rows in the same order, from the asked timestamp on. Every cut position of many row orders (each
 * site's rows ascending) is tried, with several cuts in a row, and the rows handed out must be the rows of
 * the uncut answer, each once, in its order.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { ResumeTracker, type ResumableBatches } from '../../src/data/resume';
import { prng } from '../helpers/random-json';

type R = { timestamp: number; site_id?: unknown; n?: number };

const ROWS: ResumableBatches<R[]> = {
  count: (b) => b.length,
  timestamp: (b, i) => b[i]!.timestamp,
  siteId: (b, i) => b[i]!.site_id,
  mayHaveSiteIds: () => true,
  select: (b, indices) => indices.map((i) => b[i]!),
};

/** The API's answer to a request from `from` (the original start when undefined). */
const serve = (all: readonly R[], from: number | undefined): R[] => (from === undefined ? [...all] : all.filter((r) => r.timestamp >= from));

interface Download {
  rows: R[];
  /** Where each re-request started (undefined: the original start). */
  resumedFrom: Array<number | undefined>;
}

/**
 * Downloads `all` through a tracker: attempt k is cut after `cuts[k]` rows of its answer (rows handed over
 * in batches of `batch`); the attempt after the last cut runs to the end.
 */
function download(all: readonly R[], cuts: readonly number[], batch: number, oneSeries = false): Download {
  const tracker = new ResumeTracker(ROWS, oneSeries);
  const out: R[] = [];
  const resumedFrom: Array<number | undefined> = [];
  let from: number | undefined;
  for (let attempt = 0; attempt <= cuts.length; attempt++) {
    if (attempt > 0) {
      const resume = tracker.resume();
      from = resume?.from;
      resumedFrom.push(from);
      if (resume === undefined) expect(out).toHaveLength(0);
    }
    const answer = serve(all, from);
    const end = attempt < cuts.length ? Math.min(cuts[attempt]!, answer.length) : answer.length;
    for (let i = 0; i < end; i += batch) {
      const fresh = tracker.accept(answer.slice(i, Math.min(end, i + batch)));
      if (fresh) out.push(...fresh);
    }
  }
  return { rows: out, resumedFrom };
}

/** Rows of `sites` at `seconds`, grouped by site (in the given order) or in time order. */
function rows(sites: ReadonlyArray<{ id?: unknown; seconds: readonly number[] }>, order: 'site' | 'time'): R[] {
  const bySite = sites.map((s) => s.seconds.map((t, n) => ({ timestamp: t, ...(s.id === undefined ? {} : { site_id: s.id }), n })));
  if (order === 'site') return bySite.flat();
  const out: R[] = [];
  const at = bySite.map(() => 0);
  for (;;) {
    let next = -1;
    for (let s = 0; s < bySite.length; s++) {
      const r = bySite[s]![at[s]!];
      if (r && (next < 0 || r.timestamp < bySite[next]![at[next]!]!.timestamp)) next = s;
    }
    if (next < 0) return out;
    out.push(bySite[next]![at[next]!++]!);
  }
}

const range = (from: number, to: number, step = 1): number[] => Array.from({ length: Math.floor((to - from) / step) + 1 }, (_, i) => from + i * step);
const fixture = JSON.parse(readFileSync(path.join(__dirname, '../fixtures/data_pad.json'), 'utf8')) as R[];

const ORDERS: Record<string, R[]> = {
  'the real API (data_pad.json): grouped by site, then time': fixture,
  'grouped, sites in no particular order': rows([{ id: 1113, seconds: range(0, 19) }, { id: 1111, seconds: range(0, 19) }, { id: 1112, seconds: range(0, 19) }], 'site'),
  'grouped, a site with gaps and a site starting late': rows([{ id: 1, seconds: range(0, 19) }, { id: 2, seconds: range(0, 19, 3) }, { id: 3, seconds: range(12, 19) }], 'site'),
  'grouped, blocks in disjoint time ranges (no step back between them)': rows([{ id: 1, seconds: range(0, 9) }, { id: 2, seconds: range(10, 19) }, { id: 3, seconds: range(0, 19) }], 'site'),
  'grouped, coarse resolution (one row a minute)': rows([{ id: 1, seconds: range(0, 1140, 60) }, { id: 2, seconds: range(0, 1140, 60) }], 'site'),
  'grouped, a site with several rows per timestamp': rows([{ id: 1, seconds: [0, 0, 1, 1, 1, 2, 3, 3] }, { id: 2, seconds: [0, 0, 1, 2, 2] }], 'site'),
  'time order, one row per site and second (routed)': rows([{ id: 1111, seconds: range(0, 14) }, { id: 1112, seconds: range(0, 14) }, { id: 1113, seconds: range(0, 14) }], 'time'),
  'time order, a site appearing for the first time late': rows([{ id: 1, seconds: range(0, 19) }, { id: 2, seconds: range(0, 19, 2) }, { id: 3, seconds: range(11, 19) }], 'time'),
  'time order, coarse resolution': rows([{ id: 1, seconds: range(0, 1140, 60) }, { id: 2, seconds: range(0, 1140, 60) }], 'time'),
  'rows without site_id (site data)': rows([{ seconds: range(0, 39) }], 'site'),
  'rows without site_id, several per timestamp': rows([{ seconds: [0, 0, 0, 1, 2, 2, 5, 5, 5, 5, 9] }], 'site'),
  'one site with site_id': rows([{ id: 1112, seconds: range(0, 29) }], 'site'),
};

describe('ResumeTracker: every row once, in order, wherever the stream breaks', () => {
  it.each(Object.keys(ORDERS))('%s: one cut at every position, batches of 1, 3 and 64', (name) => {
    const all = ORDERS[name]!;
    for (const batch of [1, 3, 64]) {
      for (let cut = 0; cut <= all.length; cut++) {
        const { rows: got } = download(all, [cut], batch);
        if (got.length !== all.length || got.some((r, i) => r !== all[i])) {
          throw new Error(`${name}: cut after ${cut} rows (batches of ${batch}): got ${got.length} rows, expected ${all.length}`);
        }
      }
    }
  });

  it.each(Object.keys(ORDERS))('%s: several cuts in a row, at random places', (name) => {
    const all = ORDERS[name]!;
    const rnd = prng(name.length * 7919);
    for (let trial = 0; trial < 300; trial++) {
      const cuts = Array.from({ length: 1 + Math.floor(rnd() * 4) }, () => Math.floor(rnd() * (all.length + 1)));
      const batch = 1 + Math.floor(rnd() * 10);
      const { rows: got } = download(all, cuts, batch);
      expect({ cuts, batch, rows: got }).toEqual({ cuts, batch, rows: all });
    }
  });

  it('grouped by site: resumes from the original start, as a site not seen yet may start there', () => {
    const all = fixture;
    // Cut inside each site's block: 1111's, 1112's, 1113's.
    for (const cut of [30, 90, 150]) {
      const { rows: got, resumedFrom } = download(all, [cut], 7);
      expect(got).toEqual(all);
      expect(resumedFrom).toEqual([undefined]);
    }
  });

  it('time order: resumes from the last delivered timestamp once sites are seen to interleave', () => {
    const all = ORDERS['time order, one row per site and second (routed)']!;
    // After the 2nd row of second 5 (rows 15, 16 are sites 1111, 1112 at 5).
    expect(download(all, [17], 4).resumedFrom).toEqual([5]);
    // The first three rows do not tell time order from three one-row blocks: the original start.
    expect(download(all, [3], 4).resumedFrom).toEqual([undefined]);
    // A site's second row, after the other sites' rows: time order.
    expect(download(all, [4], 4).resumedFrom).toEqual([1]);
  });

  it('once the timestamps step back, interleaved sites no longer count as time order', () => {
    // Two sites in time order, then a third site's block from the start: each site's rows ascend.
    const all = [...rows([{ id: 1, seconds: range(0, 9) }, { id: 2, seconds: range(0, 9) }], 'time'), ...rows([{ id: 3, seconds: range(0, 9) }], 'site')];
    for (let cut = 21; cut <= all.length; cut++) {
      const { rows: got, resumedFrom } = download(all, [cut], 4);
      expect(got).toEqual(all);
      expect(resumedFrom).toEqual([undefined]);
    }
  });

  it('a site of rows without site_id, and a site download, resume from the last delivered timestamp', () => {
    const all = ORDERS['rows without site_id (site data)']!;
    expect(download(all, [10], 3).resumedFrom).toEqual([9]);
    // A site's own download is one series in time order, whatever its rows carry.
    const oneSite = ORDERS['one site with site_id']!;
    expect(download(oneSite, [10], 3, true)).toEqual({ rows: oneSite, resumedFrom: [9] });
    // Without knowing it is a site's download, one site seen may be the first block of several.
    expect(download(oneSite, [10], 3).resumedFrom).toEqual([undefined]);
  });

  it('re-requests from the start when nothing was delivered, with nothing to drop', () => {
    const all = fixture;
    expect(download(all, [0, 0, 5], 3)).toEqual({ rows: all, resumedFrom: [undefined, undefined, undefined] });
  });

  it('hands out a batch untouched (same object) when nothing in it was delivered before', () => {
    const tracker = new ResumeTracker(ROWS, false);
    const batch = fixture.slice(0, 10);
    expect(tracker.accept(batch)).toBe(batch);
    tracker.resume();
    expect(tracker.accept(fixture.slice(0, 10))).toBeUndefined();
    const next = fixture.slice(10, 20);
    expect(tracker.accept(next)).toBe(next);
  });
});
