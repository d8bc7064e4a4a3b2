/**
 * Output formats of `Data.save`, picked by file extension. JSON and NDJSON pass each row's source text
 * through untouched (no re-serialising), so a saved `.json` parses back to exactly what the API sent.
 */
import path from 'node:path';
import { ValidationError } from '../http/errors';
import { CsvSpoolWriter } from './csv';
import { ParquetFormatWriter } from './parquet';
import type { FileSink } from './sink';
import type { RowBatch } from './stream';

export type SaveFormat = 'json' | 'ndjson' | 'csv' | 'parquet';

const EXTENSIONS: Record<string, SaveFormat> = { '.json': 'json', '.ndjson': 'ndjson', '.jsonl': 'ndjson', '.csv': 'csv', '.parquet': 'parquet' };

/** The file extension each format is saved with. */
export const FORMAT_EXTENSIONS: Record<SaveFormat, string> = { json: '.json', ndjson: '.ndjson', csv: '.csv', parquet: '.parquet' };

export function formatOf(file: string): SaveFormat {
  const ext = path.extname(file).toLowerCase();
  const format = EXTENSIONS[ext];
  if (!format) {
    throw new ValidationError('path', `unsupported extension '${ext || '(none)'}': use ${Object.keys(EXTENSIONS).join(', ')}`);
  }
  return format;
}

/** Writes batches in one format; `finish` completes the file, `discard` drops side files on failure. */
export interface FormatWriter {
  /** What the writer needs besides parsed rows: each row's source text, or the batch's. */
  readonly needs: { keepRaw?: boolean; keepText?: boolean };
  write(batch: RowBatch): Promise<void>;
  finish(): Promise<void>;
  discard(): Promise<void>;
}

export function createFormatWriter(format: SaveFormat, sink: FileSink, target: string): FormatWriter {
  switch (format) {
    case 'json':
      return new JsonArrayWriter(sink);
    case 'ndjson':
      return new NdjsonWriter(sink);
    case 'csv':
      return new CsvWriter(sink, target);
    case 'parquet':
      return new ParquetFormatWriter(sink, target);
  }
}

class JsonArrayWriter implements FormatWriter {
  readonly needs = { keepText: true };
  private first = true;
  constructor(private readonly sink: FileSink) {}

  async write(batch: RowBatch): Promise<void> {
    const text = batch.text ?? (batch.raw ?? batch.rows.map((r) => JSON.stringify(r))).join(', ');
    await this.sink.write((this.first ? '[' : ', ') + text);
    this.first = false;
  }

  async finish(): Promise<void> {
    await this.sink.write(this.first ? '[]' : ']');
  }

  async discard(): Promise<void> {}
}

class NdjsonWriter implements FormatWriter {
  readonly needs = { keepText: true };
  constructor(private readonly sink: FileSink) {}

  async write(batch: RowBatch): Promise<void> {
    await this.sink.write(ndjsonLines(batch));
  }

  async finish(): Promise<void> {}
  async discard(): Promise<void> {}
}

/**
 * A batch as NDJSON. The API separates rows with `}, {` and never puts a raw newline inside a row, so
 * swapping each separator for `}\n{` turns the batch's source text into lines in one native pass. That is
 * only safe when every `},` in the text is such a separator: when the counts disagree (a `}, {` inside a
 * string, nested objects, another spacing) the rows are serialised one by one instead.
 */
export function ndjsonLines(batch: RowBatch): string {
  const { text, rows } = batch;
  if (text !== undefined && text.indexOf('\n') < 0 && text.indexOf('\r') < 0 && countOf(text, '},') === rows.length - 1) {
    const lines = text.split('}, {');
    if (lines.length === rows.length) return lines.join('}\n{') + '\n';
  }
  let out = '';
  for (const row of rows) out += JSON.stringify(row) + '\n';
  return out;
}

function countOf(text: string, needle: string): number {
  let n = 0;
  for (let i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length)) n++;
  return n;
}

class CsvWriter implements FormatWriter {
  readonly needs = {};
  private readonly spool: CsvSpoolWriter;
  constructor(
    private readonly sink: FileSink,
    target: string,
  ) {
    this.spool = new CsvSpoolWriter(target);
  }

  write(batch: RowBatch): Promise<void> {
    return this.spool.write(batch);
  }

  finish(): Promise<void> {
    return this.spool.finish(this.sink);
  }

  discard(): Promise<void> {
    return this.spool.discard();
  }
}
