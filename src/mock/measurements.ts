/**
 * Measurement rows, generated on the fly and serialised as Python's json.dumps would.
 *
 * A value is a pure function of (seed, site, timestamp, series) and of the site's stage timeline (frac
 * channels run during frac stages, valves follow the state), so any sub-range regenerates byte-identical:
 * a client resuming a broken download from a timestamp gets exactly the rows it missed.
 *
 * Speed matters (benchmarks pull millions of rows through here), hence the shape of the code: every value
 * is an index into a precomputed table of numbers and their Python spellings, columns carry their
 * precomputed `, "name": ` prefixes, and rows are built by string concatenation in plain loops.
 */
import { ALL_SERIES, EXTRA_SERIES, SERIES, SERIES_INDEX, SPARSE_FAST, WIDE12, type SeriesSpec } from './fields';
import { hash2, seedOf } from './prng';
import { pyFloat, pyInt } from './py-format';
import { RevisionCursor, type ChangeInterval } from './revisions';
import { FRAC, type SiteTimeline, type StageCursor, type StageEntry } from './timeline';

/** What rows look like: ragged full rows, the sparse real-feed pattern, or fixed 12-key rows. */
export type RowShape = 'full' | 'sparse' | 'wide12';
export type Aggregation = 'min' | 'max' | 'mean';

/** Seconds per bucket of each resolution. */
export const RESOLUTIONS = { raw: 1, 'ten-second': 10, minute: 60, 'ten-minute': 600, hour: 3600 } as const;
export type Resolution = keyof typeof RESOLUTIONS;

/** Inclusive [from, to] in unix seconds. */
export type Range = readonly [from: number, to: number];

/** Everything the generator needs for one /data/ response; built (and validated) by data-query.ts. */
export interface DataPlan {
  /** Sites in row order (ascending id); each with its sorted, disjoint, inclusive ranges. */
  sites: ReadonlyArray<{ siteId: number; ranges: readonly Range[] }>;
  /** Whether rows carry `site_id` (routed pad data; always in the 'wide12' shape). */
  withSiteId: boolean;
  /** Requested field names; null means every field (`exposed_to_customer`). */
  fields: ReadonlySet<string> | null;
  /** Requested measurement sources (`M1`...); null means all. */
  sources: ReadonlySet<string> | null;
  siUnits: boolean;
  /** Bucket width in seconds; 1 is raw. */
  bucket: number;
  agg: Aggregation;
}

/** About 64 KiB per chunk written to the socket. */
const CHUNK_CHARS = 64 * 1024;

const LEVELS = 1024;
const SINE_N = 4096;
/** 0.5 + 0.5·sin, kept just below 1 so that a level index never reaches the table's end. */
const SINE = Float64Array.from({ length: SINE_N }, (_, i) => 0.5 + 0.4999999 * Math.sin((2 * Math.PI * i) / SINE_N));
const U32 = 1 / 4294967296;

const KIND_FLOAT = 0;
const KIND_INT = 1;
const KIND_VALVE = 2;
const KIND_STEP = 3;
const KIND_SITE = 4;

// Ragged rows ('full' shape): about one row in 700 each gains the extra column, loses a column, or has a null.
const QUIRK_EVERY = 700;
const QUIRK_EXTRA = 0;
const QUIRK_MISSING = 1;
const QUIRK_NULL = 2;
const NO_QUIRK = -1;

/** The spellings and values of one series in one unit system: idle levels first, then frac levels. */
interface Table {
  str: readonly string[];
  num: Float64Array;
  idleLevels: number;
  fracBase: number;
  fracLevels: number;
}

/** Valve strings by state code (standby, frac, wireline): [upper master, swab]. */
const VALVES: readonly (readonly [number, number])[] = [
  [1, 1], // standby: C C
  [0, 1], // frac: O C
  [0, 0], // wireline: O O
];

function levels(lo: number, hi: number, kind: number): number[] {
  if (lo === hi) return [lo];
  if (kind === KIND_INT) return Array.from({ length: hi - lo + 1 }, (_, k) => lo + k);
  // Values pass through float32 as the field instruments report them: ~16 significant digits on the wire.
  return Array.from({ length: LEVELS }, (_, k) => Math.fround(lo + ((hi - lo) * k) / (LEVELS - 1)));
}

function kindOf(spec: SeriesSpec): number {
  return spec.kind === 'int' ? KIND_INT : spec.kind === 'valve' ? KIND_VALVE : spec.kind === 'step' ? KIND_STEP : KIND_FLOAT;
}

function buildTable(spec: SeriesSpec, si: boolean): Table {
  const kind = kindOf(spec);
  if (kind === KIND_VALVE) return { str: ['"O"', '"C"'], num: new Float64Array([NaN, NaN]), idleLevels: 0, fracBase: 0, fracLevels: 0 };
  const idle = levels(spec.idle[0], spec.idle[1], kind);
  const frac = kind === KIND_STEP ? Array.from({ length: 10 }, (_, k) => k) : spec.frac ? levels(spec.frac[0], spec.frac[1], kind) : [];
  const [factor, offset] = si && spec.si ? spec.si : [1, 0];
  const num = Float64Array.from([...idle, ...frac], (v) => v * factor + offset);
  const str = Array.from(num, (v) => (kind === KIND_INT ? pyInt(v) : pyFloat(v)));
  return { str, num, idleLevels: idle.length, fracBase: idle.length, fracLevels: frac.length };
}

/**
 * Value generator for one server: lookup tables per unit system (built on first use) and the sites'
 * stage timelines. Stateless per request, so concurrent streams share it.
 */
export class MeasurementModel {
  private readonly tables: [Table[] | undefined, Table[] | undefined] = [undefined, undefined];

  constructor(
    readonly seed: number,
    readonly shape: RowShape,
    private readonly timelines: ReadonlyMap<number, SiteTimeline>,
    /** The intervals of a site's data changes (see revisions.ts); none by default. */
    private readonly changeIntervals: (siteId: number) => readonly ChangeInterval[] = () => [],
  ) {}

  tablesFor(si: boolean): Table[] {
    const i = si ? 1 : 0;
    return (this.tables[i] ??= ALL_SERIES.map((spec) => buildTable(spec, si)));
  }

  timeline(siteId: number): SiteTimeline {
    const t = this.timelines.get(siteId);
    if (!t) throw new Error(`no timeline for site ${siteId}`);
    return t;
  }

  /** A reader of the site's revisions, as the change log stands now. */
  revisions(siteId: number): RevisionCursor {
    return new RevisionCursor(this.changeIntervals(siteId));
  }
}

/** A column bound to one site: everything the hot loop needs, in one monomorphic object. */
interface Column {
  prefix: string;
  kind: number;
  /** Index in ALL_SERIES (-1 for site_id). */
  series: number;
  str: readonly string[];
  num: Float64Array;
  idleLevels: number;
  fracBase: number;
  fracLevels: number;
  period: number;
  sineScale: number;
  phase: number;
  noise: number;
  hashSeed: number;
  /** 0 = upper master valve, 1 = swab valve. */
  valve: number;
  /** Carried by 'sparse' rows between full rows. */
  fast: boolean;
}

/** Which series a response carries, in wire order; -1 marks the site_id column. */
interface ColumnChoice {
  main: number[];
  /** The subset of `main` that 'sparse' rows carry between full rows. */
  fast: number[];
  /** The occasional extra column, or -1 when not selected. */
  extra: number;
  quirks: boolean;
}

const SOURCE_PREFIX = /^(M\d+)_/;

function chooseColumns(shape: RowShape, plan: DataPlan): ColumnChoice {
  const wanted = (name: string): boolean => {
    if (plan.fields && !plan.fields.has(name)) return false;
    const m = SOURCE_PREFIX.exec(name);
    return !(m && plan.sources && !plan.sources.has(m[1]!));
  };
  const pick = (names: readonly string[]): number[] => names.filter(wanted).map((n) => SERIES_INDEX.get(n)!);
  if (shape === 'wide12') return { main: [...pick(WIDE12), -1], fast: [], extra: -1, quirks: false };
  const main = pick(SERIES.map((f) => f.name));
  if (plan.withSiteId) {
    // Routed rows carry site_id just before the valve columns, where the real feed puts it.
    const firstValve = main.findIndex((i) => ALL_SERIES[i]!.kind === 'valve');
    main.splice(firstValve < 0 ? main.length : firstValve, 0, -1);
  }
  const fastSet = new Set(SPARSE_FAST);
  const fast = main.filter((i) => i < 0 || fastSet.has(ALL_SERIES[i]!.name));
  const extra = wanted(EXTRA_SERIES.name) ? SERIES_INDEX.get(EXTRA_SERIES.name)! : -1;
  return { main, fast, extra, quirks: shape === 'full' };
}

/** Everything about one site's rows in one response. */
class SiteRows {
  readonly main: Column[];
  readonly fast: Column[];
  readonly extra: Column | undefined;
  readonly cursor: StageCursor;
  readonly revisions: RevisionCursor;
  private readonly quirkSeed: number;
  private readonly quirks: boolean;
  private readonly sparse: boolean;
  /** Index into `ranges` of the range at or after the last timestamp asked. */
  private r = 0;

  constructor(
    model: MeasurementModel,
    tables: Table[],
    choice: ColumnChoice,
    siteId: number,
    readonly ranges: readonly Range[],
  ) {
    this.quirks = choice.quirks;
    this.sparse = model.shape === 'sparse';
    const siteSeed = seedOf(model.seed, siteId);
    const bind = (series: number): Column => {
      if (series < 0) {
        return { prefix: ', "site_id": ', kind: KIND_SITE, series, str: [String(siteId)], num: new Float64Array(1), idleLevels: 1, fracBase: 0, fracLevels: 0, period: 1, sineScale: 0, phase: 0, noise: 0, hashSeed: 0, valve: 0, fast: true };
      }
      const spec = ALL_SERIES[series]!;
      const t = tables[series]!;
      return {
        prefix: `, "${spec.name}": `,
        kind: kindOf(spec),
        series,
        str: t.str,
        num: t.num,
        idleLevels: t.idleLevels,
        fracBase: t.fracBase,
        fracLevels: t.fracLevels,
        period: spec.period,
        sineScale: SINE_N / spec.period,
        phase: hash2(siteSeed, series) % spec.period,
        noise: spec.noise,
        hashSeed: hash2(siteSeed, series + 0x1000),
        valve: spec.name === 'swab_valve' ? 1 : 0,
        fast: choice.fast.includes(series),
      };
    };
    this.main = choice.main.map(bind);
    this.fast = this.main.filter((c) => c.fast);
    this.extra = choice.extra >= 0 ? bind(choice.extra) : undefined;
    this.cursor = model.timeline(siteId).cursor();
    this.revisions = model.revisions(siteId);
    this.quirkSeed = hash2(siteSeed, 0x9e37);
  }

  /**
   * The oddity of the row at `t`, packed as `kind << 8 | series` (NO_QUIRK for a regular row). 'full' rows
   * now and then gain the extra column, lose one or carry a null; 'sparse' rows gain the extra column once
   * a minute, like the real feed.
   */
  quirk(t: number): number {
    if (this.quirks) {
      const h = hash2(this.quirkSeed, t);
      const kind = h % QUIRK_EVERY;
      return kind <= QUIRK_NULL ? (kind << 8) | ((h >>> 12) % SERIES.length) : NO_QUIRK;
    }
    return this.sparse && t % 60 === 50 ? QUIRK_EXTRA << 8 : NO_QUIRK;
  }

  /** Whether the row at `t` carries only the fast channels ('sparse' shape, between full rows). */
  isFastOnly(t: number): boolean {
    return this.sparse && t % 10 !== 0;
  }

  /** The first timestamp >= t inside one of the site's ranges, or Infinity; `t` must not decrease between calls. */
  nextFrom(t: number): number {
    const rs = this.ranges;
    while (this.r < rs.length && rs[this.r]![1] < t) this.r++;
    return this.r < rs.length ? Math.max(t, rs[this.r]![0]) : Infinity;
  }
}

/** Levels a correction moves a value by, per revision (prime, so it moves the value in tables of any other size). */
const REVISION_STEP = 613;

/**
 * Table index of a column's value at `t`, in stage entry `e` (never the site column). `rev` is the second's
 * revision (revisions.ts): a corrected second gets another level of the same series, so its values differ
 * from the ones sent before the correction but stay in the series' range. Valves and the step counter
 * follow the stage and are not corrected.
 */
function valueIndex(c: Column, t: number, e: StageEntry, rev: number): number {
  switch (c.kind) {
    case KIND_VALVE:
      return VALVES[e.code]![c.valve]!;
    case KIND_STEP:
      // The frac step counter climbs 0..9 through a frac stage, whole floats on the wire (`3.0`).
      return e.code === FRAC ? c.fracBase + Math.min(9, Math.floor(((t - e.start) * 10) / (e.end - e.start))) : 0;
    default: {
      const frac = e.code === FRAC && c.fracLevels > 0;
      const n = frac ? c.fracLevels : c.idleLevels;
      const base = frac ? c.fracBase : 0;
      if (n === 1) return base;
      const w = SINE[(((t + c.phase) % c.period) * c.sineScale) | 0]!;
      const u = w + (hash2(c.hashSeed, t) * U32 - w) * c.noise;
      const level = (u * n) | 0;
      return base + (rev === 0 ? level : (level + rev * REVISION_STEP) % n);
    }
  }
}

/** The next timestamp >= t at which any of the sites has a row, or Infinity. */
function nextTimestamp(sites: readonly SiteRows[], t: number): number {
  let best = Infinity;
  for (const s of sites) {
    const n = s.nextFrom(t);
    if (n < best) best = n;
  }
  return best;
}

/** Where the generators put row texts: the HTTP body's chunker, or one row at a time for the WebSocket feed. */
interface RowCollector {
  /** Takes a row; returns text to hand out now, if any. */
  add(row: string): string | undefined;
  /** Text still held at the end, if any. */
  end(): string | undefined;
}

/** Between rows of a `/data/` body: a comma and a line break, as in the real API's responses (fixtures/data_pad.json). */
export const ROW_SEPARATOR = ',\n';

/** Joins row texts into the JSON array text and hands it out in pieces of about 64 KiB. */
class Chunker implements RowCollector {
  private out = '[';
  private first = true;

  /** Adds a row; returns a chunk when one is full. */
  add(row: string): string | undefined {
    if (this.first) {
      this.out += row;
      this.first = false;
    } else {
      this.out += ROW_SEPARATOR + row;
    }
    if (this.out.length < CHUNK_CHARS) return undefined;
    const chunk = this.out;
    this.out = '';
    return chunk;
  }

  end(): string {
    return this.out + ']';
  }
}

/**
 * The response body as chunks of about 64 KiB: `[`, rows joined by `,\n`, `]`. Lazy, so the caller decides
 * the pace (back-pressure) and can simply stop pulling when the client goes away.
 */
export function dataChunks(model: MeasurementModel, plan: DataPlan): Generator<string, void, undefined> {
  return generate(model, plan, new Chunker());
}

/** Hands out each row text as it is made (the WebSocket feed sends rows one by one or in small groups). */
class RowByRow implements RowCollector {
  add(row: string): string {
    return row;
  }

  end(): undefined {
    return undefined;
  }
}

/**
 * The rows of a plan one by one, as texts spelled exactly as in a /data/ body: the WebSocket measurement
 * feed replays history and sends live rows through this, so both protocols carry the same values.
 */
export function rowTexts(model: MeasurementModel, plan: DataPlan): Generator<string, void, undefined> {
  return generate(model, plan, new RowByRow());
}

function generate(model: MeasurementModel, plan: DataPlan, out: RowCollector): Generator<string, void, undefined> {
  const tables = model.tablesFor(plan.siUnits);
  const choice = chooseColumns(model.shape, plan);
  const sites = plan.sites.map((s) => new SiteRows(model, tables, choice, s.siteId, s.ranges));
  return plan.bucket <= 1 ? rawRows(sites, out) : bucketRows(sites, plan.bucket, plan.agg, out);
}

function* rawRows(sites: readonly SiteRows[], chunker: RowCollector): Generator<string, void, undefined> {
  for (let t = nextTimestamp(sites, -Infinity); t !== Infinity; t = nextTimestamp(sites, t + 1)) {
    for (const site of sites) {
      if (site.nextFrom(t) !== t) continue;
      const e = site.cursor.at(t);
      const rev = site.revisions.at(t);
      const q = site.quirk(t);
      const missing = q >> 8 === QUIRK_MISSING ? q & 0xff : -2;
      const nulled = q >> 8 === QUIRK_NULL ? q & 0xff : -2;
      const extra = q >> 8 === QUIRK_EXTRA ? site.extra : undefined;
      const cols = site.isFastOnly(t) ? site.fast : site.main;
      let s = '{"timestamp": ' + t;
      for (let i = 0; i < cols.length; i++) {
        const c = cols[i]!;
        if (c.kind === KIND_SITE) {
          s += c.prefix + c.str[0];
        } else if (c.series === nulled) {
          s += c.prefix + 'null';
        } else if (c.series !== missing) {
          s += c.prefix + c.str[valueIndex(c, t, e, rev)];
        }
      }
      if (extra) s += extra.prefix + extra.str[valueIndex(extra, t, e, rev)];
      const chunk = chunker.add(s + '}');
      if (chunk !== undefined) yield chunk;
    }
  }
  const last = chunker.end();
  if (last !== undefined) yield last;
}

/** Running min/max/sum of one column over one bucket. */
interface Acc {
  col: Column;
  seen: boolean;
  count: number;
  sum: number;
  min: number;
  max: number;
}

/**
 * Coarser resolutions: one row per bucket (and per site), timestamp = bucket start (aligned to the epoch),
 * aggregating the raw values inside both the bucket and the requested window. Only numbers are
 * aggregated; the valve strings are left out, as a numeric aggregation cannot carry them.
 */
function* bucketRows(sites: readonly SiteRows[], bucket: number, agg: Aggregation, chunker: RowCollector): Generator<string, void, undefined> {
  const accs = sites.map((site) => {
    const cols = [...site.main, ...(site.extra ? [site.extra] : [])].filter((c) => c.kind !== KIND_VALVE);
    return cols.map((col): Acc => ({ col, seen: false, count: 0, sum: 0, min: Infinity, max: -Infinity }));
  });
  for (let t = nextTimestamp(sites, -Infinity); t !== Infinity; ) {
    const b0 = t - (((t % bucket) + bucket) % bucket);
    const b1 = b0 + bucket - 1;
    for (let si = 0; si < sites.length; si++) {
      const site = sites[si]!;
      const acc = accs[si]!;
      for (const a of acc) {
        a.seen = false;
        a.count = 0;
        a.sum = 0;
        a.min = Infinity;
        a.max = -Infinity;
      }
      let any = false;
      for (let u = site.nextFrom(b0); u <= b1; u = site.nextFrom(u + 1)) {
        any = true;
        const e = site.cursor.at(u);
        const rev = site.revisions.at(u);
        const q = site.quirk(u);
        const missing = q >> 8 === QUIRK_MISSING ? q & 0xff : -2;
        const nulled = q >> 8 === QUIRK_NULL ? q & 0xff : -2;
        const extra = q >> 8 === QUIRK_EXTRA;
        const fastOnly = site.isFastOnly(u);
        for (const a of acc) {
          const c = a.col;
          if (c.kind === KIND_SITE) {
            a.seen = true;
            continue;
          }
          if (c === site.extra ? !extra : c.series === missing || (fastOnly && !c.fast)) continue;
          a.seen = true;
          if (c.series === nulled) continue;
          const v = c.num[valueIndex(c, u, e, rev)]!;
          a.count++;
          a.sum += v;
          if (v < a.min) a.min = v;
          if (v > a.max) a.max = v;
        }
      }
      if (!any) continue;
      let s = '{"timestamp": ' + b0;
      for (const a of acc) {
        if (!a.seen) continue;
        const c = a.col;
        if (c.kind === KIND_SITE) {
          s += c.prefix + c.str[0];
          continue;
        }
        s += c.prefix;
        if (a.count === 0) s += 'null';
        else if (agg === 'mean') s += pyFloat(a.sum / a.count);
        else s += (c.kind === KIND_INT ? pyInt : pyFloat)(agg === 'min' ? a.min : a.max);
      }
      const chunk = chunker.add(s + '}');
      if (chunk !== undefined) yield chunk;
    }
    t = nextTimestamp(sites, b1 + 1);
  }
  const last = chunker.end();
  if (last !== undefined) yield last;
}
