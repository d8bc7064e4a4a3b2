/**
 * Measurement rows, generated on the fly and serialised as Python's json.dumps would.
 *
 * A value is a pure function of (seed, site, timestamp, series) and of the site's stage timeline (frac
 * channels run during frac stages, valves follow the state), so any sub-range regenerates byte-identical:
 * a client resuming a broken download from a timestamp gets each site's rows from there again, byte for byte.
 *
 * Speed matters (benchmarks pull millions of rows through here), hence the shape of the code: every value
 * is an index into a precomputed table of numbers and their Python spellings, columns carry their
 * precomputed `, "name": ` prefixes, and rows are built by string concatenation in plain loops.
 */
import { ALL_SERIES, EXTRA_AFTER, EXTRA_SERIES, SERIES, SERIES_INDEX, SPARSE_FAST, WIDE12, siConversion, type SeriesSpec } from './fields';
import { hash2, seedOf } from './prng';
import { pyFloat, pyInt } from './py-format';
import { RevisionCursor, type ChangeInterval } from './revisions';
import { FRAC, type SiteTimeline, type StageCursor, type StageEntry } from './timeline';

/**
 * What rows look like. `sparse` (the default) follows the recorded responses: a site with instruments
 * sends a full row every 10 s and its fast channels in between, a site without sends `timestamp` and
 * `site_id` only. `full` is the dense worst case for benchmarks: every series on every row, ragged now and
 * then. `wide12`: fixed 12-key rows. Every row of every shape carries `site_id`.
 */
export type RowShape = 'full' | 'sparse' | 'wide12';
/**
 * How a /data/ body orders the rows of several sites (a pad's): `site` groups them by site (ascending id),
 * each site's rows by time, as the real API does (test/fixtures/data_pad.json: 60 s of site 1111, then the
 * same 60 s of 1112, then of 1113); `time` orders them by timestamp, then site id.
 */
export type PadRowOrder = 'site' | 'time';
export type Aggregation = 'min' | 'max' | 'mean';

/** Seconds per bucket of each resolution. */
export const RESOLUTIONS = { raw: 1, 'ten-second': 10, minute: 60, 'ten-minute': 600, hour: 3600 } as const;
export type Resolution = keyof typeof RESOLUTIONS;

/** Inclusive [from, to] in unix seconds. */
export type Range = readonly [from: number, to: number];

/** Everything the generator needs for one /data/ response; built (and validated) by data-query.ts. */
export interface DataPlan {
  /** Sites by ascending id (their order in a body, see PadRowOrder); each with its sorted, disjoint, inclusive ranges. */
  sites: ReadonlyArray<{ siteId: number; ranges: readonly Range[] }>;
  /**
   * Routed pad data: one row per site and second. (Every generated row carries `site_id` anyway; rows a
   * test pushes verbatim on a live stream get it added only on routed streams.)
   */
  routed: boolean;
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
// 'sparse' rows only have the null: a reading now and then is missing its value.
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
  const [factor, offset] = si ? siConversion(spec.name) : [1, 0];
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
    /** Sites without instruments: in the 'sparse' shape their rows carry only `timestamp` and `site_id`. */
    private readonly bareSites: ReadonlySet<number> = new Set(),
    /** The order of a pad's rows in /data/ bodies (the WebSocket feed always sends time order). */
    readonly padRowOrder: PadRowOrder = 'site',
    /** The intervals of a site's data changes (see revisions.ts); none by default. */
    private readonly changeIntervals: (siteId: number) => readonly ChangeInterval[] = () => [],
  ) {}

  /** Whether a site's rows carry no readings (only in the 'sparse' shape: the others are worst cases). */
  isBare(siteId: number): boolean {
    return this.shape === 'sparse' && this.bareSites.has(siteId);
  }

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
  /** Where in `main` a row that has the extra column carries it. */
  extraAt: number;
}

const SOURCE_PREFIX = /^(M\d+)_/;

function chooseColumns(shape: RowShape, plan: DataPlan): ColumnChoice {
  const wanted = (name: string): boolean => {
    if (plan.fields && !plan.fields.has(name)) return false;
    const m = SOURCE_PREFIX.exec(name);
    return !(m && plan.sources && !plan.sources.has(m[1]!));
  };
  const pick = (names: readonly string[]): number[] => names.filter(wanted).map((n) => SERIES_INDEX.get(n)!);
  if (shape === 'wide12') return { main: [...pick(WIDE12), -1], fast: [], extra: -1, extraAt: 0 };
  const main = pick(SERIES.filter((f) => shape === 'full' || !f.denseOnly).map((f) => f.name));
  // site_id goes just before the valve columns, where the recorded rows have it.
  const firstValve = main.findIndex((i) => ALL_SERIES[i]!.kind === 'valve');
  main.splice(firstValve < 0 ? main.length : firstValve, 0, -1);
  const fastSet = new Set(SPARSE_FAST);
  const fast = main.filter((i) => i < 0 || fastSet.has(ALL_SERIES[i]!.name));
  const extra = wanted(EXTRA_SERIES.name) ? SERIES_INDEX.get(EXTRA_SERIES.name)! : -1;
  // After EXTRA_AFTER, or where it would be when the fields filter left it out.
  const after = SERIES_INDEX.get(EXTRA_AFTER)!;
  const extraAt = main.findIndex((i) => i < 0 || i > after);
  return { main, fast, extra, extraAt: extraAt < 0 ? main.length : extraAt };
}

/** Everything about one site's rows in one response. */
class SiteRows {
  /** A regular row's columns. */
  readonly main: Column[];
  /** `main` with the extra column in its place: the columns of a row that has it, every column there is. */
  readonly withExtra: Column[];
  /** A 'sparse' row's columns between full rows. */
  readonly fast: Column[];
  readonly extra: Column | undefined;
  readonly cursor: StageCursor;
  readonly revisions: RevisionCursor;
  private readonly quirkSeed: number;
  private readonly ragged: boolean;
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
    const bare = model.isBare(siteId);
    this.ragged = model.shape === 'full';
    this.sparse = model.shape === 'sparse' && !bare;
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
    // A site without instruments sends the site column alone, every second.
    this.main = (bare ? [-1] : choice.main).map(bind);
    this.fast = this.main.filter((c) => c.fast);
    this.extra = choice.extra >= 0 && !bare ? bind(choice.extra) : undefined;
    this.withExtra = this.extra ? [...this.main.slice(0, choice.extraAt), this.extra, ...this.main.slice(choice.extraAt)] : this.main;
    this.cursor = model.timeline(siteId).cursor();
    this.revisions = model.revisions(siteId);
    this.quirkSeed = hash2(siteSeed, 0x9e37);
  }

  /**
   * The oddity of the row at `t`, packed as `kind << 8 | series` (NO_QUIRK for a regular row). 'full' rows
   * now and then gain the extra column, lose one or carry a null; 'sparse' rows gain the extra column once
   * a minute, like the recorded ones, and now and then carry a null.
   */
  quirk(t: number): number {
    if (this.ragged) {
      const h = hash2(this.quirkSeed, t);
      const kind = h % QUIRK_EVERY;
      return kind <= QUIRK_NULL ? (kind << 8) | ((h >>> 12) % SERIES.length) : NO_QUIRK;
    }
    if (!this.sparse) return NO_QUIRK;
    if (t % 60 === 50) return QUIRK_EXTRA << 8;
    const h = hash2(this.quirkSeed, t);
    return h % QUIRK_EVERY === QUIRK_NULL ? (QUIRK_NULL << 8) | ((h >>> 12) % SERIES.length) : NO_QUIRK;
  }

  /** The text of the site's raw row at `t`, as the API spells it. */
  rawRow(t: number): string {
    const e = this.cursor.at(t);
    const rev = this.revisions.at(t);
    const q = this.quirk(t);
    const missing = q >> 8 === QUIRK_MISSING ? q & 0xff : -2;
    const nulled = q >> 8 === QUIRK_NULL ? q & 0xff : -2;
    const cols = this.isFastOnly(t) ? this.fast : q >> 8 === QUIRK_EXTRA ? this.withExtra : this.main;
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
    return s + '}';
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
  return generate(model, plan, new Chunker(), model.padRowOrder);
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
  return generate(model, plan, new RowByRow(), 'time');
}

function* generate(model: MeasurementModel, plan: DataPlan, out: RowCollector, order: PadRowOrder): Generator<string, void, undefined> {
  const tables = model.tablesFor(plan.siUnits);
  const choice = chooseColumns(model.shape, plan);
  const sites = plan.sites.map((s) => new SiteRows(model, tables, choice, s.siteId, s.ranges));
  // Grouped by site: each site's rows in turn, as a response of its own would carry them.
  const groups = order === 'site' ? sites.map((site) => [site]) : [sites];
  for (const group of groups) yield* plan.bucket <= 1 ? rawRows(group, out) : bucketRows(group, plan.bucket, plan.agg, out);
  const last = out.end();
  if (last !== undefined) yield last;
}

/** Raw rows of `sites` by timestamp, then site (given one site: its rows). The caller ends the collector. */
function* rawRows(sites: readonly SiteRows[], chunker: RowCollector): Generator<string, void, undefined> {
  for (let t = nextTimestamp(sites, -Infinity); t !== Infinity; t = nextTimestamp(sites, t + 1)) {
    for (const site of sites) {
      if (site.nextFrom(t) !== t) continue;
      const chunk = chunker.add(site.rawRow(t));
      if (chunk !== undefined) yield chunk;
    }
  }
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
 * aggregated; the valve strings are left out, as a numeric aggregation cannot carry them. The caller ends
 * the collector.
 */
function* bucketRows(sites: readonly SiteRows[], bucket: number, agg: Aggregation, chunker: RowCollector): Generator<string, void, undefined> {
  const accs = sites.map((site) => {
    const cols = site.withExtra.filter((c) => c.kind !== KIND_VALVE);
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
}
