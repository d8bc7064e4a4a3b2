/**
 * CSV output for rows whose columns may differ. Columns are the union of every row's keys, `timestamp`
 * first, then first-seen order, so the full header is only known after the last row.
 *
 * The file is written in one pass with the header of the columns seen in the first batch, the common
 * case being that no later row brings a new key. If one does, rows from then on simply have more cells,
 * and `finish` rewrites the file once: the full header, then the rows, with empty cells appended to the
 * lines written before each column appeared. Memory holds the column list and the file offsets where the
 * column count grew, never rows.
 *
 * Rows of a download are transcoded from the API's bytes (already validated by the splitter): a number
 * cell is the number's text exactly as sent, so no value is ever altered by a float round trip, and no
 * number is converted at all. Parsed rows (a live stream) get `String(n)`, the shortest text that
 * parses back to the same double.
 */
import { createReadStream } from 'node:fs';
import type { FormatWriter } from './format-writer';
import type { RawRowBatch } from '../json/json-row-splitter';
import type { FileSink } from './sink';
import type { RowBatch } from '../data/stream';

const NEEDS_QUOTES = /[",\r\n]|^\s|\s$/;

/** One CSV cell: numbers as `String(n)` (shortest round-trip form), empty for null or missing. */
export function csvCell(value: unknown): string {
  switch (typeof value) {
    case 'number':
      return String(value);
    case 'string':
      return NEEDS_QUOTES.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
    case 'undefined':
      return '';
    case 'boolean':
      return value ? 'true' : 'false';
    default:
      if (value === null) return '';
      return csvCell(JSON.stringify(value));
  }
}

// Bytes. Declared in each byte-level module on purpose: a constant imported from a shared module is a
// getter call per use when the module is loaded unbundled (tsx, ts-jest), 10× slower in the scan loops.
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const COLON = 0x3a;
const LF = 0x0a;
const CR = 0x0d;
const SPACE = 0x20;
const TAB = 0x09;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;
const LOWER_N = 0x6e;

const isWs = (c: number): boolean => c === SPACE || c === LF || c === CR || c === TAB;

// How a raw cell is written.
const CELL_COPY = 1; // the source bytes as they are (numbers, true/false, plain strings without their quotes)
const CELL_DECODE = 2; // a string that needs decoding and maybe quoting, or a nested value: via csvCell

/** Writes CSV rows to a sink, tracking the columns; see the module notes. */
export class CsvTableWriter implements FormatWriter {
  private readonly columns: string[] = ['timestamp'];
  private readonly index = new Map<string, number>([['timestamp', 0]]);
  /** The source text of each column's key (e.g. `"timestamp"`), for matching keys without decoding them. */
  private readonly keyBytes: Buffer[] = [Buffer.from('"timestamp"')];
  /** successor[c + 1]: the column whose key followed column c's in the last row that had it ([0]: first key). */
  private readonly successor: number[] = [];
  /** Columns in the header written at the top of the file. */
  private headerColumns = 0;
  /** File offsets at which the column count grew: [offset, columns before it]. */
  private readonly growth: Array<{ offset: number; columns: number }> = [];

  // Per-row scratch for raw rows: where each column's cell is in the batch bytes.
  private cellStart = new Int32Array(64);
  private cellEnd = new Int32Array(64);
  private cellKind = new Uint8Array(64);
  private out: Buffer = Buffer.alloc(0);

  constructor(private readonly sink: FileSink) {}

  /** Parsed rows (live streams). */
  async write(batch: RowBatch): Promise<void> {
    const render = (): string => {
      const { columns, index } = this;
      let out = '';
      for (const row of batch.rows) {
        for (const key in row) if (!index.has(key)) this.addColumn(key, Buffer.from(JSON.stringify(key)), Buffer.byteLength(out));
        let line = csvCell(row[columns[0]!]);
        for (let c = 1; c < columns.length; c++) line += ',' + csvCell(row[columns[c]!]);
        out += line + '\n';
      }
      return out;
    };
    let out = render();
    // Before the header is written, rows must all have every column found in their batch.
    if (this.headerColumns === 0 && this.growthInBatch()) out = render();
    await this.writeOut(Buffer.from(out));
  }

  /** Rows as the API sent them, transcoded without parsing. */
  async writeRaw(batch: RawRowBatch): Promise<void> {
    const render = (): number => {
      const { bytes, spans, count } = batch;
      // A fresh buffer per batch: the sink holds on to the one it was given until it is flushed.
      this.out = Buffer.allocUnsafe(bytes.length + 1024);
      let pos = 0;
      for (let r = 0; r < count; r++) pos = this.rawRow(bytes, spans[2 * r]!, spans[2 * r + 1]!, pos);
      return pos;
    };
    let end = render();
    // Before the header is written, rows must all have every column found in their batch.
    if (this.headerColumns === 0 && this.growthInBatch()) end = render();
    await this.writeOut(this.out.subarray(0, end));
  }

  /** Completes the file: if columns appeared after the header was written, rewrites it with all of them. */
  async finish(): Promise<void> {
    if (this.headerColumns === 0) {
      await this.sink.write(this.headerLine(this.columns.length));
      return;
    }
    const growth = this.growth;
    if (growth.length === 0) return;
    const total = this.columns.length;
    const headerBytes = Buffer.byteLength(this.headerLine(this.headerColumns));
    await this.sink.rewrite(async (source, into) => {
      await into.write(this.headerLine(total));
      // Lines from growth point k on have growth[k + 1].columns cells (all of them after the last point).
      let start = headerBytes;
      let cells = this.headerColumns;
      for (let k = 0; k <= growth.length; k++) {
        const end = k < growth.length ? growth[k]!.offset : Infinity;
        if (end > start) await copyPadded(source, start, end, total - cells, into);
        if (k < growth.length) start = end;
        cells = k + 1 < growth.length ? growth[k + 1]!.columns : total;
      }
    });
  }

  /** Nothing of its own to clean up: the file is the sink's. */
  async discard(): Promise<void> {}

  // ---------------------------------------------------------------------------------------------------------

  private headerLine(columns: number): string {
    return this.columns.slice(0, columns).map(csvCell).join(',') + '\n';
  }

  /** Whether the batch just rendered added columns (its growth offsets are still batch-relative). */
  private growthInBatch(): boolean {
    const last = this.growth[this.growth.length - 1];
    return last !== undefined && last.offset < 0;
  }

  /** Writes `bytes` of rows, the header first if none is written yet. */
  private async writeOut(bytes: Buffer): Promise<void> {
    if (this.headerColumns === 0) {
      // The first rows: their columns make the header, so nothing has grown as far as the file goes.
      this.headerColumns = this.columns.length;
      this.growth.length = 0;
      await this.sink.write(this.headerLine(this.headerColumns));
    } else {
      // Growth offsets of this batch were recorded relative to its output.
      for (let k = this.growth.length - 1; k >= 0 && this.growth[k]!.offset < 0; k--) this.growth[k]!.offset = this.sink.bytes - this.growth[k]!.offset - 1;
    }
    if (bytes.length > 0) await this.sink.write(bytes);
  }

  /** Registers a new column; `at` is the byte offset in the current batch's output where it first applies. */
  private addColumn(key: string, source: Buffer, at: number): number {
    const column = this.columns.length;
    this.growth.push({ offset: -(at + 1), columns: column });
    this.index.set(key, column);
    this.columns.push(key);
    this.keyBytes.push(source);
    if (column >= this.cellStart.length) {
      const size = this.cellStart.length * 2;
      const grow = <T extends Int32Array | Uint8Array>(a: T, b: T): T => (b.set(a), b);
      this.cellStart = grow(this.cellStart, new Int32Array(size));
      this.cellEnd = grow(this.cellEnd, new Int32Array(size));
      this.cellKind = grow(this.cellKind, new Uint8Array(size));
    }
    return column;
  }

  /** The column of the key whose source text is b[s, e), guessing `guess` first. */
  private columnOf(b: Buffer, s: number, e: number, guess: number, pos: number): number {
    const known = this.keyBytes[guess];
    if (known !== undefined && known.length === e - s) {
      let k = 0;
      while (k < known.length && known[k] === b[s + k]) k++;
      if (k === known.length) return guess;
    }
    const key = JSON.parse(b.toString('utf8', s, e)) as string;
    return this.index.get(key) ?? this.addColumn(key, Buffer.from(b.subarray(s, e)), pos);
  }

  /**
   * Transcodes the (valid) JSON object at b[start, end) into one CSV line at out[pos]; returns the new pos.
   * The fast path, for keys in column order (some may be missing): cells are copied straight to the
   * output as the row is scanned, each key matched against the expected column's key bytes as it is read.
   * A key out of order hands the row to {@link rawRowAnyOrder}.
   */
  private rawRow(b: Buffer, start: number, end: number, pos: number): number {
    const rowPos = pos;
    let out = (this.out = ensure(this.out, pos, end - start + this.columns.length + 2));
    const { keyBytes, successor } = this;
    let next = 0; // the next column to write
    let previous = -1; // the column of the previous key
    let i = start + 1;
    for (;;) {
      let c = b[i]!;
      while (c === SPACE || c === LF || c === CR || c === TAB) c = b[++i]!;
      if (c === RBRACE) break;
      // The key: compared with the expected column's key while it is read (a JSON string token is
      // prefix-free, so matching all of the known token's bytes means it is that very key).
      let column = -1;
      // Rows of one shape repeat their key order, which need not be the header's (sparse rows between full
      // ones, say): guess the column that followed the previous key last time, else the next one.
      const guess = successor[previous + 1] ?? next;
      const known = keyBytes[guess];
      if (known !== undefined) {
        const kl = known.length;
        let k = 1;
        while (k < kl && known[k] === b[i + k]) k++;
        if (k === kl) {
          column = guess;
          i += kl;
        }
      }
      if (column < 0) {
        const keyStart = i;
        i++;
        for (let d = b[i]!; d !== QUOTE; d = b[i]!) i += d === BACKSLASH ? 2 : 1;
        i++;
        column = this.columnOf(b, keyStart, i, next, pos);
      }
      successor[previous + 1] = column;
      previous = column;
      if (column < next) return this.rawRowAnyOrder(b, start, end, rowPos);
      while (b[i] !== COLON) i++;
      c = b[++i]!;
      while (c === SPACE || c === LF || c === CR || c === TAB) c = b[++i]!;
      // Empty cells for the columns this row lacks, then the cell.
      for (; next < column; next++) if (next > 0) out[pos++] = COMMA;
      if (column > 0) out[pos++] = COMMA;
      next = column + 1;
      if (c === QUOTE) {
        // A string: copied without its quotes unless it needs decoding or CSV quoting.
        const open = i;
        const cellStart = pos;
        let d = b[++i]!;
        let plain = d !== SPACE && d !== TAB && d < 0x80;
        while (d !== QUOTE) {
          if (d === BACKSLASH) {
            plain = false;
            i += 2;
          } else {
            if (d === COMMA) plain = false;
            out[pos++] = d;
            i++;
          }
          d = b[i]!;
        }
        i++;
        if (pos > cellStart) {
          const last = out[pos - 1]!;
          if (last === SPACE || last === TAB || last >= 0x80) plain = false;
        }
        if (!plain) {
          pos = this.decodedCell(b, open, i, cellStart, end - start);
          out = this.out;
        }
      } else if (c === LBRACE || c === LBRACKET) {
        const s = i;
        i = endOfNested(b, i);
        pos = this.decodedCell(b, s, i, pos, end - start);
        out = this.out;
      } else if (c === LOWER_N) {
        i += 4; // null: an empty cell
      } else {
        // A number, true or false: its text as sent.
        while (c > SPACE && c !== COMMA && c !== RBRACE) {
          out[pos++] = c;
          c = b[++i]!;
        }
      }
      c = b[i]!;
      while (c === SPACE || c === LF || c === CR || c === TAB) c = b[++i]!;
      if (c === COMMA) i++;
    }
    const n = this.columns.length;
    for (; next < n; next++) if (next > 0) out[pos++] = COMMA;
    out[pos++] = LF;
    return pos;
  }

  /** Writes the cell of the JSON value b[s, e) (a string needing care, or a nested value) at out[pos]. */
  private decodedCell(b: Buffer, s: number, e: number, pos: number, rowBytes: number): number {
    const text = csvCell(JSON.parse(b.toString('utf8', s, e)));
    this.out = ensure(this.out, pos, Buffer.byteLength(text) + rowBytes + this.columns.length + 2);
    return pos + this.out.write(text, pos);
  }

  /** The general case: keys in any order, cells gathered per column first. */
  private rawRowAnyOrder(b: Buffer, start: number, end: number, pos: number): number {
    let { cellStart, cellEnd, cellKind } = this;
    cellKind.fill(0, 0, this.columns.length);
    let i = start + 1;
    let guess = 0;
    for (;;) {
      while (isWs(b[i]!)) i++;
      if (b[i] === RBRACE) break;
      // The key.
      const keyStart = i;
      i++;
      for (let c = b[i]!; c !== QUOTE; c = b[i]!) i += c === BACKSLASH ? 2 : 1;
      i++;
      const column = this.columnOf(b, keyStart, i, guess, pos);
      if (this.cellKind !== cellKind) ({ cellStart, cellEnd, cellKind } = this); // addColumn grew them
      guess = column + 1;
      while (b[i] !== COLON) i++;
      i++;
      while (isWs(b[i]!)) i++;
      // The value.
      const c = b[i]!;
      let kind = CELL_COPY;
      let s = i;
      if (c === QUOTE) {
        s = i + 1;
        i++;
        let d = b[i]!;
        // Leading/trailing whitespace, a comma or an escape need decoding and quoting.
        if (d === SPACE || d === TAB) kind = CELL_DECODE;
        while (d !== QUOTE) {
          if (d === BACKSLASH) {
            kind = CELL_DECODE;
            i += 2;
          } else {
            if (d === COMMA) kind = CELL_DECODE;
            i++;
          }
          d = b[i]!;
        }
        // Whitespace at either end is quoted by csvCell; a multi-byte character there may be such whitespace.
        const last = b[i - 1]!;
        if (i > s && (last === SPACE || last === TAB || last >= 0x80 || b[s]! >= 0x80)) kind = CELL_DECODE;
        if (kind === CELL_DECODE) s--; // keep the quotes: the cell is decoded from the JSON string
        i++;
        cellStart[column] = s;
        cellEnd[column] = kind === CELL_DECODE ? i : i - 1;
      } else if (c === LBRACE || c === LBRACKET) {
        kind = CELL_DECODE;
        i = endOfNested(b, i);
        cellStart[column] = s;
        cellEnd[column] = i;
      } else {
        // A number or a literal: up to the next separator.
        let d = b[i]!;
        while (d !== COMMA && d !== RBRACE && !isWs(d)) d = b[++i]!;
        if (c === LOWER_N) kind = 0; // null: an empty cell
        cellStart[column] = s;
        cellEnd[column] = i;
      }
      cellKind[column] = kind;
      while (isWs(b[i]!)) i++;
      if (b[i] === COMMA) i++;
    }
    // The line, in column order. Copied cells fit in the row's own size; decoded ones make room as needed.
    const n = this.columns.length;
    let out = (this.out = ensure(this.out, pos, end - start + n + 2));
    for (let col = 0; col < n; col++) {
      if (col > 0) out[pos++] = COMMA;
      const kind = cellKind[col];
      if (kind === CELL_COPY) {
        const s = cellStart[col]!;
        const e = cellEnd[col]!;
        if (e - s < 48) for (let k = s; k < e; k++) out[pos++] = b[k]!;
        else pos += b.copy(out, pos, s, e);
      } else if (kind === CELL_DECODE) {
        const text = csvCell(JSON.parse(b.toString('utf8', cellStart[col], cellEnd[col])));
        out = this.out = ensure(out, pos, Buffer.byteLength(text) + end - start + n + 2);
        pos += out.write(text, pos);
      }
    }
    out[pos++] = LF;
    return pos;
  }
}

/** `buf` if it has `need` bytes free after `pos`, else a bigger copy of its first `pos` bytes. */
function ensure(buf: Buffer, pos: number, need: number): Buffer {
  if (pos + need <= buf.length) return buf;
  const grown = Buffer.allocUnsafe(Math.max(buf.length * 2, pos + need));
  buf.copy(grown, 0, 0, pos);
  return grown;
}

/** Index past the (valid) object or array starting at b[i]. */
function endOfNested(b: Buffer, i: number): number {
  let depth = 0;
  for (;;) {
    const c = b[i++]!;
    if (c === QUOTE) {
      for (let d = b[i]!; d !== QUOTE; d = b[i]!) i += d === BACKSLASH ? 2 : 1;
      i++;
    } else if (c === LBRACE || c === LBRACKET) {
      depth++;
    } else if ((c === RBRACE || c === RBRACKET) && --depth === 0) {
      return i;
    }
  }
}

/** Copies file bytes [start, end) to `into`, appending `padding` empty cells to each line (outside quotes). */
async function copyPadded(file: string, start: number, end: number, padding: number, into: FileSink): Promise<void> {
  const stream = createReadStream(file, { start, ...(end !== Infinity ? { end: end - 1 } : {}), highWaterMark: 1 << 16 });
  const pad = Buffer.from(','.repeat(padding) + '\n');
  let inQuotes = false;
  for await (const chunk of stream as AsyncIterable<Buffer>) {
    if (padding === 0) {
      await into.write(chunk);
      continue;
    }
    let from = 0;
    const parts: Buffer[] = [];
    for (let i = 0; i < chunk.length; i++) {
      const b = chunk[i];
      if (b === QUOTE) inQuotes = !inQuotes;
      else if (b === LF && !inQuotes) {
        parts.push(chunk.subarray(from, i), pad);
        from = i + 1;
      }
    }
    parts.push(chunk.subarray(from));
    await into.write(Buffer.concat(parts));
  }
}
