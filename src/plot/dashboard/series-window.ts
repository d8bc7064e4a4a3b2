/**
 * The rows the dashboard holds: the downsampled history, then the live rows, both cut to a sliding window
 * that ends at the newest row. Memory is bounded by the window (an hour of one-second rows is 3,600 rows of
 * the charted fields), however long the dashboard runs.
 *
 * Columns, not row objects: the page charts columns (uPlot takes `[timestamps, values…]`), and a column of
 * numbers is the compact way to send them. Values are numbers or null (a missing or non-numeric value, such
 * as a valve's "O"/"C": a gap in the line), rounded to 7 significant digits, which is more than a chart can
 * show and a third of the bytes of a 17-digit float.
 */
import type { Row } from '../../data/stream';

/** Rows as columns: `t` (unix seconds, ascending) and one value column per field, in field order. */
export interface Columns {
  t: number[];
  v: Array<Array<number | null>>;
}

function valueOf(value: unknown): number | null {
  return typeof value === 'number' && Number.isFinite(value) ? Number(value.toPrecision(7)) : null;
}

/** A growable column set with a moving start, so dropping old rows costs nothing per row. */
class ColumnQueue {
  t: number[] = [];
  v: Array<Array<number | null>>;
  private head = 0;

  constructor(private readonly width: number) {
    this.v = Array.from({ length: width }, () => []);
  }

  get length(): number {
    return this.t.length - this.head;
  }

  first(): number | undefined {
    return this.t[this.head];
  }

  last(): number | undefined {
    return this.t.length > this.head ? this.t[this.t.length - 1] : undefined;
  }

  push(t: number, values: Array<number | null>): void {
    this.t.push(t);
    for (let i = 0; i < this.width; i++) this.v[i]!.push(values[i]!);
  }

  /** Drops rows before `cut`. */
  dropBefore(cut: number): void {
    while (this.head < this.t.length && this.t[this.head]! < cut) this.head++;
    // Compact now and then: the arrays never hold more than about twice the window.
    if (this.head > 1024 && this.head * 2 > this.t.length) {
      this.t = this.t.slice(this.head);
      this.v = this.v.map((col) => col.slice(this.head));
      this.head = 0;
    }
  }

  /** The rows from `cut` on, as fresh arrays. */
  slice(cut = -Infinity): Columns {
    let from = this.head;
    while (from < this.t.length && this.t[from]! < cut) from++;
    return { t: this.t.slice(from), v: this.v.map((col) => col.slice(from)) };
  }
}

export class SeriesWindow {
  private history: ColumnQueue;
  private live: ColumnQueue;

  /**
   * @param fields the charted fields, in column order
   * @param windowSeconds how far back from the newest row the window reaches
   */
  constructor(
    readonly fields: readonly string[],
    readonly windowSeconds: number,
  ) {
    this.history = new ColumnQueue(fields.length);
    this.live = new ColumnQueue(fields.length);
  }

  /** The newest timestamp held, if any. */
  get newest(): number | undefined {
    return this.live.last() ?? this.history.last();
  }

  /** Rows held now (history before the first live row, plus the live rows). */
  get size(): number {
    return this.snapshot().t.length;
  }

  /** Live rows held now. */
  get liveRows(): number {
    return this.live.length;
  }

  /** Replaces the history (rows in ascending time; the API's downsampled buckets). */
  setHistory(rows: readonly Row[]): void {
    const q = new ColumnQueue(this.fields.length);
    for (const row of rows) {
      if (typeof row.timestamp !== 'number') continue;
      const last = q.last();
      if (last !== undefined && row.timestamp <= last) continue;
      q.push(row.timestamp, this.fields.map((f) => valueOf(row[f])));
    }
    this.history = q;
    this.trim();
  }

  /**
   * Adds live rows; returns the ones taken (newer than every live row held), as columns, or undefined when
   * none was new.
   */
  append(rows: readonly Row[]): Columns | undefined {
    const added: Columns = { t: [], v: this.fields.map(() => []) };
    for (const row of rows) {
      const t = row.timestamp;
      const last = this.live.last();
      if (typeof t !== 'number' || (last !== undefined && t <= last)) continue;
      const values = this.fields.map((f) => valueOf(row[f]));
      this.live.push(t, values);
      added.t.push(t);
      for (let i = 0; i < values.length; i++) added.v[i]!.push(values[i]!);
    }
    if (added.t.length === 0) return undefined;
    this.trim();
    return added;
  }

  /** Everything in the window: history buckets older than the first live row, then the live rows. */
  snapshot(): Columns {
    const firstLive = this.live.first();
    const hist = this.history.slice();
    if (firstLive !== undefined) {
      let n = hist.t.length;
      while (n > 0 && hist.t[n - 1]! >= firstLive) n--;
      hist.t.length = n;
      for (const col of hist.v) col.length = n;
    }
    const live = this.live.slice();
    return { t: hist.t.concat(live.t), v: hist.v.map((col, i) => col.concat(live.v[i]!)) };
  }

  private trim(): void {
    const newest = this.newest;
    if (newest === undefined) return;
    const cut = newest - this.windowSeconds;
    this.live.dropBefore(cut);
    this.history.dropBefore(cut);
  }
}
