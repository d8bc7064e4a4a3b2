/**
 * Output formats of `Data.save`, picked by file extension. JSON and NDJSON write a download's rows as the
 * bytes the API sent (validated, never parsed or re-serialised), so a saved `.json` parses back to exactly
 * what the API sent; rows of a live stream, which arrive parsed, are serialised.
 */
import path from 'node:path';
import { ValidationError } from '../http/errors';
import { CsvTableWriter } from './csv';
import { ParquetFormatWriter } from './parquet';
import type { FormatWriter } from './format-writer';
import type { FileSink } from './sink';
import type { RawRowBatch } from '../json/json-row-splitter';
import type { RowBatch } from '../data/stream';

export type { FormatWriter } from './format-writer';

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

export function createFormatWriter(format: SaveFormat, sink: FileSink, target: string): FormatWriter {
  switch (format) {
    case 'json':
      return new JsonArrayWriter(sink);
    case 'ndjson':
      return new NdjsonWriter(sink);
    case 'csv':
      return new CsvTableWriter(sink);
    case 'parquet':
      return new ParquetFormatWriter(sink, target);
  }
}

const OPEN_BRACKET = Buffer.from('[');
const COMMA_SPACE = Buffer.from(', ');
const NEWLINE = 0x0a;
const RETURN = 0x0d;
const SPACE = 0x20;

class JsonArrayWriter implements FormatWriter {
  private first = true;
  constructor(private readonly sink: FileSink) {}

  async write(batch: RowBatch): Promise<void> {
    const text = (batch.raw ?? batch.rows.map((r) => JSON.stringify(r))).join(', ');
    await this.sink.write((this.first ? '[' : ', ') + text);
    this.first = false;
  }

  async writeRaw(batch: RawRowBatch): Promise<void> {
    // One write per batch (a separate one for the separator would cost the file a second round trip),
    // without copying the batch behind the separator.
    await this.sink.writeParts([this.first ? OPEN_BRACKET : COMMA_SPACE, batch.bytes]);
    this.first = false;
  }

  async finish(): Promise<void> {
    await this.sink.write(this.first ? '[]' : ']');
  }

  async discard(): Promise<void> {}
}

class NdjsonWriter implements FormatWriter {
  constructor(private readonly sink: FileSink) {}

  async write(batch: RowBatch): Promise<void> {
    await this.sink.write(ndjsonLines(batch));
  }

  async writeRaw(batch: RawRowBatch): Promise<void> {
    await this.sink.write(rawNdjsonLines(batch));
  }

  async finish(): Promise<void> {}
  async discard(): Promise<void> {}
}

/** Parsed rows as NDJSON (rows from a live stream; downloads go through {@link rawNdjsonLines}). */
export function ndjsonLines(batch: RowBatch): string {
  let out = '';
  for (const row of batch.rows) out += JSON.stringify(row) + '\n';
  return out;
}

/**
 * A raw batch as NDJSON: each row's bytes and a newline. A validated row can hold a line break only as
 * whitespace between tokens (inside a string it would be invalid JSON), so any there become spaces. The
 * API separates rows with `,\n`, so the batch has line breaks anyway: each row is checked by finding the
 * next break at or after its start (a native search that stops right after the row in the usual case).
 */
export function rawNdjsonLines(batch: RawRowBatch): Buffer {
  const { bytes, spans, count } = batch;
  let size = count;
  for (let k = 0; k < count; k++) size += spans[2 * k + 1]! - spans[2 * k]!;
  const out = Buffer.allocUnsafe(size);
  let lf = bytes.indexOf(NEWLINE);
  let cr = bytes.indexOf(RETURN);
  let at = 0;
  for (let k = 0; k < count; k++) {
    const s = spans[2 * k]!;
    const e = spans[2 * k + 1]!;
    while (lf >= 0 && lf < s) lf = bytes.indexOf(NEWLINE, lf + 1);
    while (cr >= 0 && cr < s) cr = bytes.indexOf(RETURN, cr + 1);
    const from = at;
    at += bytes.copy(out, at, s, e);
    if ((lf >= 0 && lf < e) || (cr >= 0 && cr < e)) {
      for (let i = from; i < at; i++) if (out[i] === NEWLINE || out[i] === RETURN) out[i] = SPACE;
    }
    out[at++] = NEWLINE;
  }
  return out;
}
