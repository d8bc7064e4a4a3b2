/**
 * Downsampling while the rows stream by: a fixed number of time columns (one per pixel column of the plot)
 * per field, each keeping at most four of its values: the first, the last, and the lowest and highest of
 * those between them. Those four are what a line drawn through every value would show in that pixel column
 * (its entry, its exit and its vertical extent; the M4 aggregation of Jugel et al., VLDB 2014), so the
 * picture is the same as from all the rows, and memory is a few typed arrays per field whatever the range.
 *
 * The number of points is predictable: a column that received n values yields min(n, 4) points. When the
 * two extremes are the same value (a flat column) the first of the lowest and the last of the highest are
 * kept, which are different values whenever there are at least two between the first and the last.
 * Arrival order does not matter: "first" and "last" are by timestamp.
 */

/** One field's downsampled line: points in time order, split into segments where the data has gaps. */
export interface DownsampledSeries {
  field: string;
  /** Unix seconds of each point, ascending. */
  t: Float64Array;
  /** Value of each point. */
  v: Float64Array;
  /** Indexes into `t`/`v` where a new segment starts (after a gap); empty when the line is unbroken. */
  breaks: number[];
  /** Numeric values received in the window (before downsampling). */
  values: number;
  /** Lowest and highest value received; NaN when there were none. */
  min: number;
  max: number;
}

export interface DownsamplerOptions {
  /** First second of the window (unix seconds, inclusive). */
  start: number;
  /** Last second of the window (unix seconds, inclusive). */
  end: number;
  /** Time columns (usually the plot area's width in pixels). */
  columns: number;
  /** Field names to keep. */
  fields: readonly string[];
  /** A line breaks where a field has no value for longer than this many seconds (default: never). */
  maxGapSeconds?: number;
  /** Keep only rows whose `site_id` is this (pad data interleaves sites); rows without `site_id` are kept. */
  siteId?: number;
}

/** The per-column state of one field: struct of arrays, one slot per column. */
class FieldColumns {
  readonly n: Uint32Array;
  readonly firstT: Float64Array;
  readonly firstV: Float64Array;
  readonly lastT: Float64Array;
  readonly lastV: Float64Array;
  readonly minT: Float64Array;
  readonly minV: Float64Array;
  readonly maxT: Float64Array;
  readonly maxV: Float64Array;
  values = 0;

  constructor(columns: number) {
    this.n = new Uint32Array(columns);
    this.firstT = new Float64Array(columns);
    this.firstV = new Float64Array(columns);
    this.lastT = new Float64Array(columns);
    this.lastV = new Float64Array(columns);
    this.minT = new Float64Array(columns);
    this.minV = new Float64Array(columns);
    this.maxT = new Float64Array(columns);
    this.maxV = new Float64Array(columns);
  }

  add(c: number, t: number, v: number): void {
    this.values++;
    const n = this.n[c]!;
    this.n[c] = n + 1;
    if (n === 0) {
      this.firstT[c] = this.lastT[c] = t;
      this.firstV[c] = this.lastV[c] = v;
      return;
    }
    if (n === 1) {
      // First and last are still the same value: the new one becomes one end, nothing is between them.
      if (t >= this.firstT[c]!) {
        this.lastT[c] = t;
        this.lastV[c] = v;
      } else {
        this.firstT[c] = t;
        this.firstV[c] = v;
      }
      return;
    }
    // The value that ends up between first and last: the new one, or an end it displaces.
    let it: number;
    let iv: number;
    if (t >= this.lastT[c]!) {
      it = this.lastT[c]!;
      iv = this.lastV[c]!;
      this.lastT[c] = t;
      this.lastV[c] = v;
    } else if (t < this.firstT[c]!) {
      it = this.firstT[c]!;
      iv = this.firstV[c]!;
      this.firstT[c] = t;
      this.firstV[c] = v;
    } else {
      it = t;
      iv = v;
    }
    if (n === 2) {
      this.minT[c] = this.maxT[c] = it;
      this.minV[c] = this.maxV[c] = iv;
      return;
    }
    // Strictly lower replaces the minimum, higher-or-equal replaces the maximum: on a flat stretch the two
    // are different values (the first and the latest), so a column of n values always yields min(n, 4) points.
    if (iv < this.minV[c]!) {
      this.minT[c] = it;
      this.minV[c] = iv;
    }
    if (iv >= this.maxV[c]!) {
      this.maxT[c] = it;
      this.maxV[c] = iv;
    }
  }

  /** The kept points in time order, with segment breaks where consecutive points are over `maxGap` apart. */
  series(field: string, maxGap: number): DownsampledSeries {
    const columns = this.n.length;
    let total = 0;
    for (let c = 0; c < columns; c++) total += Math.min(this.n[c]!, 4);
    const t = new Float64Array(total);
    const v = new Float64Array(total);
    const breaks: number[] = [];
    let k = 0;
    let min = Infinity;
    let max = -Infinity;
    const push = (pt: number, pv: number) => {
      if (k > 0 && pt - t[k - 1]! > maxGap) breaks.push(k);
      t[k] = pt;
      v[k] = pv;
      k++;
      if (pv < min) min = pv;
      if (pv > max) max = pv;
    };
    for (let c = 0; c < columns; c++) {
      const n = this.n[c]!;
      if (n === 0) continue;
      push(this.firstT[c]!, this.firstV[c]!);
      if (n >= 3) {
        const lowFirst = this.minT[c]! <= this.maxT[c]!;
        const [aT, aV, bT, bV] = lowFirst
          ? [this.minT[c]!, this.minV[c]!, this.maxT[c]!, this.maxV[c]!]
          : [this.maxT[c]!, this.maxV[c]!, this.minT[c]!, this.minV[c]!];
        push(aT, aV);
        if (n >= 4) push(bT, bV);
      }
      if (n >= 2) push(this.lastT[c]!, this.lastV[c]!);
    }
    return { field, t, v, breaks, values: this.values, min: total ? min : NaN, max: total ? max : NaN };
  }
}

/**
 * Feeds rows in, reads one downsampled line per field out. Rows outside the window, of another site, or
 * whose value for a field is not a finite number (absent, `null`, a string) are skipped for that field.
 */
export class Downsampler {
  readonly start: number;
  readonly end: number;
  readonly columns: number;
  readonly fields: readonly string[];
  /** Rows seen (all of them, including skipped ones). */
  rows = 0;
  readonly #perField: FieldColumns[];
  readonly #maxGap: number;
  readonly #siteId: number | undefined;
  /** Seconds in the window (both ends inclusive). */
  readonly #span: number;

  constructor(options: DownsamplerOptions) {
    const { start, end, columns, fields } = options;
    if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) throw new RangeError(`bad window ${start}..${end}`);
    if (!Number.isInteger(columns) || columns < 1) throw new RangeError(`columns must be a positive integer, got ${columns}`);
    this.start = start;
    this.end = end;
    this.columns = columns;
    this.fields = [...fields];
    this.#perField = fields.map(() => new FieldColumns(columns));
    this.#maxGap = options.maxGapSeconds ?? Infinity;
    this.#siteId = options.siteId;
    // The window's seconds are inclusive: [start, end + 1) spread over the columns.
    this.#span = end - start + 1;
  }

  /**
   * The column a timestamp falls in, or -1 outside the window: floor((t − start) × columns / seconds in the
   * window), one division of exact products, so the column of a whole second is exact.
   */
  columnOf(t: number): number {
    if (!(t >= this.start && t <= this.end)) return -1;
    return Math.min(this.columns - 1, Math.floor(((t - this.start) * this.columns) / this.#span));
  }

  /** Takes a batch of rows (the rows are not kept). */
  addRows(rows: ReadonlyArray<Readonly<Record<string, unknown>>>): void {
    const fields = this.fields;
    const perField = this.#perField;
    const siteId = this.#siteId;
    this.rows += rows.length;
    for (let r = 0; r < rows.length; r++) {
      const row = rows[r]!;
      if (siteId !== undefined && row.site_id !== undefined && row.site_id !== siteId) continue;
      const t = row.timestamp;
      if (typeof t !== 'number') continue;
      const c = this.columnOf(t);
      if (c < 0) continue;
      for (let f = 0; f < fields.length; f++) {
        const v = row[fields[f]!];
        if (typeof v === 'number' && Number.isFinite(v)) perField[f]!.add(c, t, v);
      }
    }
  }

  /** The downsampled lines, one per field, in the order of `fields`. */
  series(): DownsampledSeries[] {
    return this.fields.map((field, i) => this.#perField[i]!.series(field, this.#maxGap));
  }
}
