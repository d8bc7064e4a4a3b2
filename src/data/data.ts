/**
 * `Data`: measurement rows, lazily. Creating one sends nothing; reading it (iterating, `toArray`,
 * `toReadable`, `save`) streams the download, with flat memory and resumption after breaks. Each read
 * is a new download.
 */
import { Readable } from 'node:stream';
import type { ClientContext } from '../models/context';
import { rejectUnknownOptions } from '../validate';
import { ValidationError } from '../http/errors';
import { createFormatWriter, formatOf } from '../formats/formats';
import { checkTarget, writeAtomically } from '../formats/sink';
import type { RawRowBatch } from '../json/json-row-splitter';
import { plotToFile, type PlotOptions, type PlotResult } from '../plot/plot';
import { streamRawBatches, streamRowBatches, type DataRequest, type Row, type RowBatch, type StreamProgress } from './stream';

export interface DataOptions {
  /** Aborts the download; the read rejects with the signal's reason. */
  signal?: AbortSignal;
}

export interface SaveOptions extends DataOptions {
  /** Replace an existing file (default false: an existing file is an error, raised before any request). */
  overwrite?: boolean;
  /** Called after each batch of rows is written. */
  onProgress?: (progress: { rows: number; bytes: number }) => void;
}

/** What `save` wrote. */
export interface SaveResult {
  /** Absolute path of the file. */
  path: string;
  /** Rows written. */
  rows: number;
  /** Bytes in the file. */
  bytes: number;
}

export class Data implements AsyncIterable<Row> {
  readonly #ctx: ClientContext;
  readonly #requests: readonly DataRequest[];
  readonly #signal: AbortSignal | undefined;

  /** @internal Use `site.getData()`, `pad.getData()` or `getDataChanges()`. */
  constructor(ctx: ClientContext, requests: readonly DataRequest[], options: DataOptions = {}) {
    this.#ctx = ctx;
    this.#requests = requests;
    this.#signal = options.signal;
  }

  /** The `/data/` requests this download is made of (one per asset and time range), in order. */
  get requests(): readonly DataRequest[] {
    return this.#requests;
  }

  /**
   * Rows in batches, as parsed (one batch per received chunk). The fastest way to consume a download:
   * `for await (const { rows } of data.batches()) ...`.
   */
  async *batches(options: { keepRaw?: boolean; keepText?: boolean; signal?: AbortSignal; progress?: StreamProgress } = {}): AsyncGenerator<RowBatch, void, undefined> {
    const signal = anySignal(this.#signal, options.signal);
    const progress = options.progress ?? { rows: 0, bytes: 0 };
    for (const request of this.#requests) {
      yield* streamRowBatches(this.#ctx, request, { keepRaw: options.keepRaw ?? false, keepText: options.keepText ?? false, ...(signal ? { signal } : {}) }, progress);
    }
  }

  /**
   * Rows as the API sent them, in batches of raw bytes: each batch's `bytes` is valid JSON array content
   * (rows and separators), `spans` gives each row's range, `count` the rows. Every byte is checked against
   * JSON's grammar but nothing is parsed, which makes this much faster than `batches()` for passing rows on
   * unchanged (to a file, a socket, object storage). Resumes after breaks like every read. A batch's
   * `bytes` is a view of the buffer it was received into (no copy is made); `Buffer.from(batch.bytes)` before
   * keeping many batches around.
   */
  async *rawBatches(options: { signal?: AbortSignal; progress?: StreamProgress } = {}): AsyncGenerator<RawRowBatch, void, undefined> {
    const signal = anySignal(this.#signal, options.signal);
    const progress = options.progress ?? { rows: 0, bytes: 0 };
    for (const request of this.#requests) yield* streamRawBatches(this.#ctx, request, signal ? { signal } : {}, progress);
  }

  /** Rows one by one, while the download runs. */
  async *[Symbol.asyncIterator](): AsyncIterator<Row> {
    for await (const batch of this.batches()) yield* batch.rows;
  }

  /** Every row in an array. Holds the whole download in memory: prefer iteration or `save` for big ranges. */
  async toArray(options: DataOptions = {}): Promise<Row[]> {
    rejectUnknownOptions(options, ['signal'], 'toArray');
    const out: Row[] = [];
    for await (const batch of this.batches(options)) for (const row of batch.rows) out.push(row);
    return out;
  }

  /** A Node object-mode `Readable` of rows, with back-pressure. */
  toReadable(options: DataOptions = {}): Readable {
    rejectUnknownOptions(options, ['signal'], 'toReadable');
    const rows = async function* (data: Data) {
      for await (const batch of data.batches(options)) yield* batch.rows;
    };
    return Readable.from(rows(this), { objectMode: true, highWaterMark: 1024 });
  }

  /**
   * Saves the rows to `path`, in the format its extension names: `.json` (a JSON array, the API's own
   * bytes), `.ndjson`/`.jsonl` (a row per line), `.csv` (columns: the union of all rows' keys,
   * `timestamp` first) or `.parquet` (typed columns, row groups written as they fill). Written to a temp file and renamed on success: on failure no file, or the old one,
   * is left under `path`.
   */
  async save(path: string, options: SaveOptions = {}): Promise<SaveResult> {
    rejectUnknownOptions(options, ['overwrite', 'signal', 'onProgress'], 'save');
    if (options.overwrite !== undefined && typeof options.overwrite !== 'boolean') throw new ValidationError('overwrite', 'must be true or false');
    const format = formatOf(path);
    const target = await checkTarget(path, options.overwrite ?? false);

    const { result: rows, bytes } = await writeAtomically(target, async (sink) => {
      const writer = createFormatWriter(format, sink, target);
      const progress: StreamProgress = { rows: 0, bytes: 0 };
      try {
        const signal = options.signal ? { signal: options.signal } : {};
        const pipe = async <B>(batches: AsyncIterable<B>, write: (batch: B) => Promise<void>): Promise<void> => {
          for await (const batch of batches) {
            await write(batch);
            options.onProgress?.({ rows: progress.rows, bytes: progress.bytes });
          }
        };
        // Writers that take the API's bytes get them unparsed (see rawBatches).
        const { writeRaw } = writer;
        if (writeRaw) await pipe(this.rawBatches({ progress, ...signal }), (batch) => writeRaw.call(writer, batch));
        else await pipe(this.batches({ progress, ...signal }), (batch) => writer.write(batch));
        await writer.finish();
      } catch (error) {
        await writer.discard();
        throw error;
      }
      return progress.rows;
    });
    return { path: target, rows, bytes };
  }

  /**
   * Draws the rows as a chart in `path`: `.svg`, `.png` or `.html` (a self-contained interactive page). One
   * panel per unit (fields sharing a unit share one), on a shared UTC time axis, with the units, plot limits,
   * colours and labels of the fields metadata, the site's name and the window in the title, and frac and
   * wireline stages shaded. The data needs its `fields` and a time window (`startDatetime` and
   * `endDatetime`, or a `stageNumber` with `stageNameFilter`). Rows are downsampled while they stream (at
   * most four values per pixel column per field, never the rows), so a month of one-second rows plots with
   * flat memory. Written like `save`: a temp file renamed on success, an existing file only with `overwrite`.
   *
   * ```ts
   * await site.getData({ startDatetime, endDatetime, fields: ['M1_surface_treating_pressure', 'M1_slurry_rate'] })
   *   .plot('stage.svg', { width: 1600 });
   * ```
   */
  async plot(path: string, options: PlotOptions = {}): Promise<PlotResult> {
    const ctx = this.#ctx;
    const own = this.#signal ? { signal: this.#signal } : {};
    return plotToFile(
      {
        requests: this.#requests,
        batches: (requests, read) => new Data(ctx, requests, own).batches(read),
        site: (id) => ctx.site(id),
      },
      path,
      options,
    );
  }
}

function anySignal(a: AbortSignal | undefined, b: AbortSignal | undefined): AbortSignal | undefined {
  if (!a) return b;
  if (!b) return a;
  return AbortSignal.any([a, b]);
}
