/**
 * Rows of one site into a writer: gathered into batches of a few thousand, laid out in the table's columns
 * (the table gains a column, or turns one into text, when the rows need it), and staged in bulk. The
 * caller commits what is staged whenever it can say what the rows complete.
 */
import type { Row } from '../data/stream';
import { checkpoint, type CheckpointName } from './checkpoints';
import { fillColumns, isSchemaNeeds } from './columns';
import type { StoreWriter, SyncStore } from './store';

/**
 * Rows per staged batch: one DuckDB data chunk, a COPY of about a megabyte. Small batches keep few parsed
 * rows alive at once (a quarter of the memory of 8192-row batches, and faster: less for the GC to move).
 */
const STAGE_ROWS = 2048;

export class SiteLoader {
  #pending: Row[] = [];
  #last = -Infinity;
  #ordered = true;
  #rows = 0;

  constructor(
    private readonly store: SyncStore,
    readonly writer: StoreWriter,
    readonly siteId: number,
    /** The checkpoint each staged batch passes (checkpoints.ts). */
    private readonly point: CheckpointName = 'stage',
  ) {}

  /** Timestamp of the last row staged (the latest, while rows come in time order). */
  get last(): number {
    return this.#last;
  }

  /** Whether every row so far came after the one before: only then do staged rows complete a range up to `last`. */
  get ordered(): boolean {
    return this.#ordered;
  }

  /** Rows staged and pending since the loader was made. */
  get rows(): number {
    return this.#rows + this.#pending.length;
  }

  /** Rows given but not staged yet. */
  get pending(): number {
    return this.#pending.length;
  }

  async add(rows: readonly Row[]): Promise<void> {
    for (const row of rows) this.#pending.push(row);
    if (this.#pending.length >= STAGE_ROWS) await this.flush();
  }

  /** Stages every pending row. */
  async flush(): Promise<void> {
    const rows = this.#pending;
    if (rows.length === 0) return;
    this.#pending = [];
    for (let from = 0; from < rows.length; from += STAGE_ROWS) {
      const to = Math.min(rows.length, from + STAGE_ROWS);
      let batch = fillColumns(this.siteId, rows, from, to, this.store.layout());
      while (isSchemaNeeds(batch)) {
        await this.store.evolve(batch.changes);
        batch = fillColumns(this.siteId, rows, from, to, this.store.layout());
      }
      for (let i = 0; i < batch.length; i++) {
        const t = batch.ts[i]!;
        if (t <= this.#last) this.#ordered = false;
        else this.#last = t;
      }
      await this.writer.stage(batch);
      this.#rows += batch.length;
      checkpoint(this.point, `site=${this.siteId}`);
    }
  }
}
