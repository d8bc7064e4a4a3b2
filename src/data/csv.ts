/**
 * CSV output for rows whose columns may differ. The header is the union of every row's keys (`timestamp`
 * first, then first-seen order), so it is only known after the last row. Rows are therefore written to a
 * spool file as they arrive, each with the columns known at that point; the final file is the header
 * followed by the spool. Since columns are only ever appended, a row written before a column appeared
 * just lacks trailing cells: those lines get empty cells appended while copying. Memory holds the column
 * list and the spool offsets where the column count changed, never rows.
 */
import { createReadStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { FileSink, tempPathBeside } from './sink';
import type { RowBatch } from './stream';

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

export class CsvSpoolWriter {
  private readonly columns: string[] = ['timestamp'];
  private readonly index = new Map<string, number>([['timestamp', 0]]);
  /** Spool byte offsets at which the column count grew: [offset, columns before it]. */
  private readonly growth: Array<{ offset: number; columns: number }> = [];
  private readonly spool: FileSink;
  rows = 0;

  constructor(target: string) {
    this.spool = new FileSink(tempPathBeside(target, 'spool'));
  }

  async write(batch: RowBatch): Promise<void> {
    const { columns, index } = this;
    let out = '';
    for (const row of batch.rows) {
      for (const key in row) {
        if (!index.has(key)) {
          // Rows so far (the spool plus `out`) have `columns.length` cells.
          this.growth.push({ offset: this.spool.bytes + Buffer.byteLength(out), columns: columns.length });
          index.set(key, columns.length);
          columns.push(key);
        }
      }
      let line = csvCell(row[columns[0]!]);
      for (let c = 1; c < columns.length; c++) line += ',' + csvCell(row[columns[c]!]);
      out += line + '\n';
    }
    this.rows += batch.rows.length;
    await this.spool.write(out);
  }

  /** Writes the header and the spool to `sink`, padding early rows to the final column count. */
  async finish(sink: FileSink): Promise<void> {
    await this.spool.close();
    try {
      const total = this.columns.length;
      await sink.write(this.columns.map(csvCell).join(',') + '\n');
      // Segments of the spool and the number of cells their rows have.
      const segments: Array<{ start: number; end: number; columns: number }> = [];
      let start = 0;
      for (const g of this.growth) {
        if (g.offset > start) segments.push({ start, end: g.offset, columns: g.columns });
        start = g.offset;
      }
      segments.push({ start, end: Infinity, columns: total });
      for (const segment of segments) {
        if (segment.end !== Infinity && segment.end <= segment.start) continue;
        const stream = createReadStream(this.spool.path, {
          start: segment.start,
          ...(segment.end !== Infinity ? { end: segment.end - 1 } : {}),
          highWaterMark: 1 << 16,
        });
        const padding = ','.repeat(total - segment.columns);
        let inQuotes = false;
        for await (const chunk of stream as AsyncIterable<Buffer>) {
          if (!padding) {
            await sink.write(chunk);
            continue;
          }
          // Pad each line end outside quotes (a quoted cell may hold a newline).
          let from = 0;
          const parts: Buffer[] = [];
          for (let i = 0; i < chunk.length; i++) {
            const b = chunk[i];
            if (b === 0x22) inQuotes = !inQuotes;
            else if (b === 0x0a && !inQuotes) {
              parts.push(chunk.subarray(from, i), Buffer.from(padding + '\n'));
              from = i + 1;
            }
          }
          parts.push(chunk.subarray(from));
          await sink.write(Buffer.concat(parts));
        }
      }
    } finally {
      await rm(this.spool.path, { force: true });
    }
  }

  async discard(): Promise<void> {
    await this.spool.discard();
  }
}
