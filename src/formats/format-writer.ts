/** The interface every save format implements; its own module so the writers need not import the format table. */
import type { RawRowBatch } from '../json/json-row-splitter';
import type { RowBatch } from '../data/stream';

/** Writes batches in one format; `finish` completes the file, `discard` drops side files on failure. */
export interface FormatWriter {
  write(batch: RowBatch): Promise<void>;
  /**
   * Writes rows straight from the API's bytes, never parsed. Writers that have it are fed raw batches by
   * `Data.save` (rows from elsewhere, such as a live stream, still come through `write`).
   */
  writeRaw?(batch: RawRowBatch): Promise<void>;
  finish(): Promise<void>;
  discard(): Promise<void>;
}
