/**
 * What the CLI prints: tables (lists and records, for people), JSON (`--json`, for scripts), and a
 * back-pressured stdout writer for rows (NDJSON) that stops quietly when the reader goes away (EPIPE, as
 * when piped into `head`).
 */
import Table from 'cli-table3';

/** A column of a list table: the header, and how to get the cell's text from a record. */
export interface Column<T> {
  header: string;
  value: (record: T) => unknown;
}

/** A column that shows a record's own property. */
export function field<T extends object>(name: string, header: string = name): Column<T> {
  return { header, value: (r) => (r as Record<string, unknown>)[name] };
}

/** A cell's text: dates as ISO strings, objects as compact JSON, null and undefined as empty. */
export function cellText(value: unknown, maxWidth = 60): string {
  let text: string;
  if (value === null || value === undefined) text = '';
  else if (value instanceof Date) text = value.toISOString().replace('.000Z', 'Z');
  else if (typeof value === 'object') text = JSON.stringify(value);
  else text = String(value);
  text = text.replace(/\s+/g, ' ');
  return text.length > maxWidth ? `${text.slice(0, maxWidth - 1)}…` : text;
}

/** Borderless, colourless: columns separated by two spaces, a header line and a rule, like `ps` or `kubectl`. */
const PLAIN = {
  chars: {
    top: '', 'top-mid': '', 'top-left': '', 'top-right': '',
    bottom: '', 'bottom-mid': '', 'bottom-left': '', 'bottom-right': '',
    left: '', 'left-mid': '', mid: '', 'mid-mid': '',
    right: '', 'right-mid': '', middle: '  ',
  },
  style: { head: [] as string[], border: [] as string[], 'padding-left': 0, 'padding-right': 0, compact: true },
};

/** A list as a table: one line per record. */
export function renderTable<T>(records: readonly T[], columns: ReadonlyArray<Column<T>>): string {
  const table = new Table({ ...PLAIN, head: columns.map((c) => c.header) });
  table.push(columns.map((c) => '-'.repeat(c.header.length)));
  for (const record of records) table.push(columns.map((c) => cellText(c.value(record))));
  return `${trimLines(table.toString())}\n`;
}

/** One record as a two-column table: field, value (nested objects as compact JSON). */
export function renderRecord(record: Record<string, unknown>): string {
  const table = new Table(PLAIN);
  for (const [key, value] of Object.entries(record)) table.push([key, cellText(value, 100)]);
  return `${trimLines(table.toString())}\n`;
}

function trimLines(text: string): string {
  return text
    .split('\n')
    .map((line) => line.replace(/\s+$/, ''))
    .join('\n');
}

/** JSON for scripts: indented, one document. */
export function renderJson(value: unknown): string {
  return `${JSON.stringify(value, null, 2)}\n`;
}

/**
 * Writes to stdout with back-pressure. When the reader goes away (EPIPE), `closed` turns true,
 * `onClosed` listeners run once (to stop a download or a stream) and further writes are dropped.
 */
export class StdoutWriter {
  #closed = false;
  #listeners: Array<() => void> = [];
  readonly #stream: NodeJS.WriteStream;

  constructor(stream: NodeJS.WriteStream = process.stdout) {
    this.#stream = stream;
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') this.#close();
      else this.#close(error);
    });
  }

  /** True once the reader went away. */
  get closed(): boolean {
    return this.#closed;
  }

  /** Whether stdout is a terminal. */
  get isTTY(): boolean {
    return this.#stream.isTTY === true;
  }

  /** Runs `listener` once stdout breaks (now, if it already has). */
  onClosed(listener: () => void): void {
    if (this.#closed) listener();
    else this.#listeners.push(listener);
  }

  #close(_error?: Error): void {
    if (this.#closed) return;
    this.#closed = true;
    const listeners = this.#listeners;
    this.#listeners = [];
    for (const l of listeners) l();
  }

  /** Writes `text`; resolves when the stream can take more (or at once when it is closed). */
  async write(text: string | Uint8Array): Promise<void> {
    if (this.#closed || text.length === 0) return;
    if (this.#stream.write(text)) return;
    await new Promise<void>((resolve) => {
      const done = () => {
        this.#stream.off('drain', done);
        this.#stream.off('close', done);
        this.#stream.off('error', done);
        resolve();
      };
      this.#stream.once('drain', done);
      this.#stream.once('close', done);
      this.#stream.once('error', done);
      this.onClosed(done);
    });
  }

  /** Resolves once everything written so far has been handed to the OS. */
  async flush(): Promise<void> {
    if (this.#closed) return;
    await new Promise<void>((resolve) => {
      const ok = this.#stream.write('', () => resolve());
      void ok;
      this.onClosed(resolve);
    });
  }
}
