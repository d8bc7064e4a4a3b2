/**
 * Parquet output for `Data.save('x.parquet')` and `rs.export({ format: 'parquet' })`.
 *
 * Types come from the values (the fields metadata carries units, not types):
 * - `timestamp` → INT64 TIMESTAMP(MILLIS, isAdjustedToUTC=true), from the row's unix seconds;
 * - a column whose values are numbers → DOUBLE (`site_id` included, and whole numbers sent as `1` or `1.0`);
 * - a column with any string (valve states `"O"`/`"C"`) → UTF8 string; numbers in such a column are
 *   written as `String(n)` (the CSV spelling); booleans and objects, which the API does not send, as JSON text;
 * - every column is OPTIONAL: a value a row lacks, or `null`, is a Parquet null. A column that only ever held
 *   nulls is DOUBLE.
 * Columns are `timestamp` first, then in first-seen order, as in CSV.
 *
 * Memory stays flat: rows are gathered column by column into typed arrays of one row group (32,768 rows by
 * default) and handed to an encoder running in a worker thread, which writes each row group to a spool file
 * as soon as it is encoded (while the next one is gathered), so a day or a month of rows never sits in memory.
 * The encoder is `hyparquet-writer` (pure JavaScript, SNAPPY compression, statistics); running it in a worker
 * also keeps its CPU work off the thread that parses the download.
 *
 * A Parquet file has one schema, but rows can differ in columns. The schema of a row group is the columns seen
 * so far; when a column first appears after row groups were written (or a number column meets a string), the
 * next row groups go to a new spool segment, and at the end the segments are rewritten into one file with the
 * final schema, one row group at a time (earlier rows get nulls, numbers in a column turned string become
 * strings). Usually the first row group already holds every column, and the spool is the file.
 */
import { createReadStream } from 'node:fs';
import { readdir, rm } from 'node:fs/promises';
import { createRequire } from 'node:module';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import type { FormatWriter } from './format-writer';
import { tempPathBeside, type FileSink } from './sink';
import type { RowBatch } from '../data/stream';

/** Rows per Parquet row group. */
export const PARQUET_ROW_GROUP_SIZE = 32_768;

/** @internal Defaults of `.parquet` saves (tests lower the row-group size to cover several groups cheaply). */
export const parquetDefaults = { rowGroupSize: PARQUET_ROW_GROUP_SIZE };

/** A column's Parquet type: the timestamp, a number column, or a string column. */
export type ParquetColumnKind = 'timestamp' | 'double' | 'string';

/** One column of the written schema. */
export interface ParquetColumnSpec {
  name: string;
  kind: ParquetColumnKind;
}

export interface ParquetWriterOptions {
  /** Rows per row group (default 32,768). */
  rowGroupSize?: number;
}

/** How a column's values are held while its row group fills. */
type BuilderKind = 'null' | 'timestamp' | 'double' | 'string';

interface ColumnBuilder {
  name: string;
  kind: BuilderKind;
  nums?: Float64Array;
  valid?: Uint8Array;
  strs?: Array<string | null>;
}

/** Column data of one row group, as posted to the encoder. */
type GroupColumn = { nums: Float64Array; valid: Uint8Array } | { strs: Array<string | null> };

/** Gathers rows into columns of one row group at a time (typed arrays, grown as the group fills). */
export class RowGroupBuilder {
  readonly columns: ColumnBuilder[] = [];
  private readonly index = new Map<string, ColumnBuilder>();
  /** Rows in the current group. */
  size = 0;
  /** Rows gathered in all groups. */
  rows = 0;
  /** Length of the numeric arrays: grows by doubling up to `capacity`, so small outputs stay small. */
  private allocated: number;

  constructor(readonly capacity: number) {
    this.allocated = Math.min(capacity, 4096);
    const ts: ColumnBuilder = { name: 'timestamp', kind: 'timestamp' };
    this.allocate(ts);
    this.columns.push(ts);
    this.index.set('timestamp', ts);
  }

  get full(): boolean {
    return this.size >= this.capacity;
  }

  /** Adds a row to the current group; the caller takes the group when `full`. */
  add(row: Record<string, unknown>): void {
    const r = this.size;
    if (r === this.allocated) this.grow();
    for (const key in row) {
      let col = this.index.get(key);
      const value = row[key];
      if (!col) {
        col = { name: key, kind: 'null' };
        this.columns.push(col);
        this.index.set(key, col);
      }
      if (col.kind === 'timestamp') {
        if (typeof value === 'number' && Number.isFinite(value)) {
          col.nums![r] = Math.round(value * 1000);
          col.valid![r] = 1;
        }
        continue;
      }
      if (value === null || value === undefined) continue;
      if (typeof value === 'number') {
        if (col.kind === 'double') {
          col.nums![r] = value;
          col.valid![r] = 1;
        } else if (col.kind === 'string') {
          setString(col.strs!, r, String(value));
        } else {
          col.kind = 'double';
          this.allocate(col);
          col.nums![r] = value;
          col.valid![r] = 1;
        }
      } else {
        const text = typeof value === 'string' ? value : typeof value === 'object' ? JSON.stringify(value) : String(value);
        if (col.kind !== 'string') this.toStrings(col);
        setString(col.strs!, r, text);
      }
    }
    this.size++;
    this.rows++;
  }

  /** The columns of the current group's schema: what each column is written as. */
  schema(): ParquetColumnSpec[] {
    return this.columns.map((c) => ({ name: c.name, kind: c.kind === 'null' ? 'double' : c.kind }));
  }

  /** Takes the current group's data (trimmed to its rows) and starts a new group. */
  take(): { rows: number; columns: GroupColumn[]; transfer: ArrayBuffer[] } {
    const n = this.size;
    const columns: GroupColumn[] = [];
    const transfer: ArrayBuffer[] = [];
    for (const col of this.columns) {
      if (col.kind === 'string') {
        const strs = col.strs!;
        while (strs.length < n) strs.push(null);
        columns.push({ strs });
      } else if (col.kind === 'null') {
        columns.push({ nums: new Float64Array(n), valid: new Uint8Array(n) });
      } else {
        const whole = n === col.nums!.length;
        const nums = whole ? col.nums! : col.nums!.slice(0, n);
        const valid = whole ? col.valid! : col.valid!.slice(0, n);
        columns.push({ nums, valid });
        transfer.push(nums.buffer as ArrayBuffer, valid.buffer as ArrayBuffer);
      }
      this.allocate(col);
    }
    this.size = 0;
    return { rows: n, columns, transfer };
  }

  private allocate(col: ColumnBuilder): void {
    if (col.kind === 'string') {
      col.strs = [];
      delete col.nums;
      delete col.valid;
    } else if (col.kind !== 'null') {
      col.nums = new Float64Array(this.allocated);
      col.valid = new Uint8Array(this.allocated);
    }
  }

  private grow(): void {
    this.allocated = Math.min(this.capacity, this.allocated * 2);
    for (const col of this.columns) {
      if (!col.nums) continue;
      const nums = new Float64Array(this.allocated);
      const valid = new Uint8Array(this.allocated);
      nums.set(col.nums);
      valid.set(col.valid!);
      col.nums = nums;
      col.valid = valid;
    }
  }

  /** Turns a column into a string column, keeping the current group's values (numbers as `String(n)`). */
  private toStrings(col: ColumnBuilder): void {
    const strs: Array<string | null> = new Array<string | null>(this.size).fill(null);
    if (col.kind === 'double') {
      for (let i = 0; i < this.size; i++) if (col.valid![i]) strs[i] = String(col.nums![i]);
    }
    col.kind = 'string';
    col.strs = strs;
    delete col.nums;
    delete col.valid;
  }
}

/** Sets `strs[r]`, filling the rows before it with nulls so the array stays dense (fast, and null where unset). */
function setString(strs: Array<string | null>, r: number, value: string): void {
  while (strs.length < r) strs.push(null);
  strs[r] = value;
}

function schemaKey(schema: readonly ParquetColumnSpec[]): string {
  return JSON.stringify(schema.map((c) => [c.name, c.kind]));
}

/**
 * `FormatWriter` for `.parquet`: gathers row groups on this thread, has them encoded and written by a pooled
 * encoder thread, and copies the finished file into the sink (the temp file that `save` renames into place).
 */
export class ParquetFormatWriter implements FormatWriter {
  private readonly builder: RowGroupBuilder;
  private readonly spoolBase: string;
  private session: EncoderSession | undefined;
  private inFlight: Promise<unknown> | undefined;

  constructor(
    private readonly sink: FileSink,
    target: string,
    options: ParquetWriterOptions = {},
  ) {
    const size = options.rowGroupSize ?? parquetDefaults.rowGroupSize;
    if (!Number.isInteger(size) || size < 1) throw new RangeError('rowGroupSize must be a positive integer');
    this.builder = new RowGroupBuilder(size);
    this.spoolBase = tempPathBeside(target, 'parquet-spool');
  }

  async write(batch: RowBatch): Promise<void> {
    const { builder } = this;
    for (const row of batch.rows) {
      builder.add(row);
      if (builder.full) await this.flushGroup();
    }
  }

  async finish(): Promise<void> {
    try {
      if (this.builder.size > 0) await this.flushGroup();
      await this.inFlight;
      const file = (await this.encoder().call('finish', { schema: this.builder.schema() })) as string;
      const stream = createReadStream(file, { highWaterMark: 1 << 20 });
      for await (const chunk of stream as AsyncIterable<Buffer>) await this.sink.write(chunk);
    } finally {
      await this.cleanUp();
    }
  }

  async discard(): Promise<void> {
    await this.inFlight?.catch(() => undefined);
    await this.cleanUp();
  }

  /** Posts the current group to the encoder once the previous one is written (one group in flight at most). */
  private async flushGroup(): Promise<void> {
    await this.inFlight;
    const schema = this.builder.schema();
    const group = this.builder.take();
    this.inFlight = this.encoder().call('group', { schema, key: schemaKey(schema), rows: group.rows, columns: group.columns }, group.transfer);
    // A failure surfaces at the next await of inFlight; meanwhile it must not count as unhandled.
    this.inFlight.catch(() => undefined);
  }

  private encoder(): EncoderSession {
    return (this.session ??= encoderPool.open(this.spoolBase));
  }

  private async cleanUp(): Promise<void> {
    const session = this.session;
    this.session = undefined;
    await session?.close();
    const dir = path.dirname(this.spoolBase);
    const prefix = path.basename(this.spoolBase);
    let names: string[] = [];
    try {
      names = await readdir(dir);
    } catch {
      return;
    }
    await Promise.all(names.filter((n) => n.startsWith(prefix)).map((n) => rm(path.join(dir, n), { force: true })));
  }
}

let modulesUrls: { writer: string; reader: string } | undefined;

/** file: URLs of hyparquet-writer and of the hyparquet it was built against (ES modules, loaded by the encoder). */
function parquetModules(): { writer: string; reader: string } {
  if (!modulesUrls) {
    const writer = createRequire(__filename).resolve('hyparquet-writer');
    const reader = createRequire(writer).resolve('hyparquet');
    modulesUrls = { writer: pathToFileURL(writer).href, reader: pathToFileURL(reader).href };
  }
  return modulesUrls;
}

/** One output file's conversation with its encoder thread. */
interface EncoderSession {
  call(op: 'group' | 'finish', message: Record<string, unknown>, transfer?: ArrayBuffer[]): Promise<unknown>;
  /** Closes the session: the encoder closes and forgets its spool files (the caller deletes them). */
  close(): Promise<void>;
}

/** An encoder thread: many sessions, requests answered in order, a promise per request. */
class EncoderThread {
  readonly worker: Worker;
  sessions = 0;
  private readonly pending = new Map<number, { resolve: (value: unknown) => void; reject: (error: Error) => void }>();
  private nextId = 1;
  failure: Error | undefined;
  private retired = false;
  private idleTimer: NodeJS.Timeout | undefined;

  constructor(private readonly onGone: (thread: EncoderThread) => void) {
    this.worker = new Worker(WORKER_SOURCE, { eval: true, workerData: parquetModules() });
    this.worker.on('message', (message: { id: number; ok: boolean; result?: unknown; error?: string }) => {
      const waiter = this.pending.get(message.id);
      if (!waiter) return;
      this.pending.delete(message.id);
      if (message.ok) waiter.resolve(message.result);
      else waiter.reject(new Error(`parquet encoder: ${message.error ?? 'failed'}`));
      this.idleCheck();
    });
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => this.fail(new Error(`parquet encoder thread exited (code ${code})`)));
  }

  call(message: Record<string, unknown>, transfer: ArrayBuffer[] = []): Promise<unknown> {
    if (this.failure) return Promise.reject(this.failure);
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = undefined;
    this.worker.ref();
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.worker.postMessage({ ...message, id }, transfer);
    });
  }

  /** With no session open and nothing pending, the thread stops holding the process, and ends after a while. */
  idleCheck(): void {
    if (this.sessions > 0 || this.pending.size > 0 || this.failure) return;
    this.worker.unref();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.idleTimer = setTimeout(() => {
      if (this.sessions > 0 || this.pending.size > 0) return;
      // Out of the pool first, so that no new file is given to a thread on its way out.
      this.retired = true;
      this.onGone(this);
      void this.worker.terminate();
    }, ENCODER_IDLE_MS);
    this.idleTimer.unref();
  }

  private fail(error: Error): void {
    if (this.retired && this.pending.size === 0) return;
    this.failure ??= error;
    for (const waiter of this.pending.values()) waiter.reject(this.failure);
    this.pending.clear();
    if (this.idleTimer) clearTimeout(this.idleTimer);
    this.onGone(this);
  }
}

/** How long an idle encoder thread lives on, to serve the next file warm. */
const ENCODER_IDLE_MS = 2000;

/**
 * Encoder threads shared by every Parquet output of the process (a warm thread encodes much faster than a
 * new one): up to one per spare core, at most 4; each file stays with the thread that took it, and a new
 * file goes to the thread with the fewest files.
 */
class EncoderPool {
  private readonly threads: EncoderThread[] = [];
  private nextSession = 1;

  get size(): number {
    return Math.max(1, Math.min(4, availableParallelism() - 1));
  }

  open(spoolBase: string): EncoderSession {
    let thread = this.threads.reduce<EncoderThread | undefined>((best, t) => (!best || t.sessions < best.sessions ? t : best), undefined);
    if (!thread || (thread.sessions > 0 && this.threads.length < this.size)) {
      thread = new EncoderThread((gone) => {
        const i = this.threads.indexOf(gone);
        if (i >= 0) this.threads.splice(i, 1);
      });
      this.threads.push(thread);
    }
    const t = thread;
    t.sessions++;
    const session = this.nextSession++;
    let closed = false;
    return {
      call: (op, message, transfer) => t.call({ ...message, op, session, spoolBase }, transfer),
      close: async () => {
        if (closed) return;
        closed = true;
        try {
          await t.call({ op: 'close', session });
        } catch {
          // A failed thread has closed its files already (it is gone).
        } finally {
          t.sessions--;
          t.idleCheck();
        }
      },
    };
  }
}

const encoderPool = new EncoderPool();

/**
 * The encoder thread's code: plain JavaScript run with `eval: true`, so it needs no file of its own and loads
 * the ES-module encoder natively whatever the host's module system (CommonJS, ESM, a test runner's sandbox).
 * Requests are handled one at a time, per session (one output file):
 * - `group`: writes one row group to the session's current spool segment, opening a new segment when the
 *   schema key changed;
 * - `finish`: closes the last segment and answers the finished file's path: the segment itself when it is the
 *   only one and has the final schema, else a merge of all segments rewritten with the final schema;
 * - `close`: closes any file still open and forgets the session.
 */
const WORKER_SOURCE = String.raw`
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');
let W, R;
const sessions = new Map();
const CREATED_BY = 'restream-datastore (hyparquet-writer)';

function elements(schema) {
  const out = [{ name: 'root', num_children: schema.length }];
  for (const c of schema) {
    if (c.kind === 'timestamp') out.push({ name: c.name, type: 'INT64', repetition_type: 'OPTIONAL', logical_type: { type: 'TIMESTAMP', isAdjustedToUTC: true, unit: 'MILLIS' } });
    else if (c.kind === 'string') out.push({ name: c.name, type: 'BYTE_ARRAY', converted_type: 'UTF8', repetition_type: 'OPTIONAL' });
    else out.push({ name: c.name, type: 'DOUBLE', repetition_type: 'OPTIONAL' });
  }
  return out;
}

function open(file, schema) {
  const fd = fs.openSync(file, 'wx');
  const bytes = new W.ByteWriter(1 << 20);
  bytes.flush = () => {
    if (bytes.index > 0) fs.writeSync(fd, new Uint8Array(bytes.buffer, 0, bytes.index));
    bytes.index = 0;
  };
  bytes.finish = () => bytes.flush();
  const writer = new W.ParquetWriter({ writer: bytes, schema: elements(schema), codec: 'SNAPPY', createdBy: CREATED_BY });
  return { file, fd, writer, schema, open: true };
}

function close(segment) {
  if (!segment.open) return;
  segment.open = false;
  try {
    segment.writer.finish();
  } finally {
    fs.closeSync(segment.fd);
  }
}

function drop(segment) {
  if (!segment || !segment.open) return;
  segment.open = false;
  try { fs.closeSync(segment.fd); } catch {}
}

function session(m) {
  let s = sessions.get(m.session);
  if (!s) {
    s = { base: m.spoolBase, segments: [], current: undefined, out: undefined };
    sessions.set(m.session, s);
  }
  return s;
}

function columnData(schema, rows, columns) {
  return schema.map((c, j) => {
    const col = columns[j];
    let data;
    if (col.strs) data = col.strs;
    else {
      const nums = col.nums, valid = col.valid;
      let nulls = 0;
      for (let i = 0; i < rows; i++) if (valid[i] === 0) { nulls++; break; }
      if (nulls === 0) {
        // No null in this group: typed arrays, no boxing (the doubles as they came).
        const values = nums.length === rows ? nums : nums.subarray(0, rows);
        data = c.kind === 'timestamp' ? BigInt64Array.from(values, (v) => BigInt(v)) : values;
      } else {
        data = new Array(rows);
        if (c.kind === 'timestamp') for (let i = 0; i < rows; i++) data[i] = valid[i] ? BigInt(nums[i]) : null;
        else for (let i = 0; i < rows; i++) data[i] = valid[i] ? nums[i] : null;
      }
    }
    return { name: c.name, data };
  });
}

async function group(m) {
  W ??= await import(workerData.writer);
  const s = session(m);
  if (!s.current || s.current.key !== m.key) {
    if (s.current) close(s.current);
    s.current = open(s.base + '.' + s.segments.length, m.schema);
    s.current.key = m.key;
    s.segments.push(s.current);
  }
  await s.current.writer.write({ columnData: columnData(m.schema, m.rows, m.columns), rowGroupSize: m.rows });
}

function cell(kind, v) {
  if (v === null || v === undefined) return null;
  if (kind === 'timestamp') return v instanceof Date ? BigInt(v.getTime()) : BigInt(v);
  if (kind === 'string') return typeof v === 'string' ? v : String(v);
  return typeof v === 'bigint' ? Number(v) : v;
}

async function finish(m) {
  W ??= await import(workerData.writer);
  const s = session(m);
  if (s.current) close(s.current);
  const key = JSON.stringify(m.schema.map((c) => [c.name, c.kind]));
  if (s.segments.length === 1 && s.segments[0].key === key) return s.segments[0].file;
  s.out = open(s.base + '.final', m.schema);
  if (s.segments.length > 0) R ??= await import(workerData.reader);
  for (const segment of s.segments) {
    const file = await R.asyncBufferFromFile(segment.file);
    const metadata = await R.parquetMetadataAsync(file);
    let start = 0;
    for (const rg of metadata.row_groups) {
      const n = Number(rg.num_rows);
      const rows = await R.parquetReadObjects({ file, metadata, rowStart: start, rowEnd: start + n });
      start += n;
      const data = m.schema.map((c) => {
        const values = new Array(rows.length);
        for (let i = 0; i < rows.length; i++) values[i] = cell(c.kind, rows[i][c.name]);
        return { name: c.name, data: values };
      });
      await s.out.writer.write({ columnData: data, rowGroupSize: rows.length });
    }
  }
  close(s.out);
  if (s.segments.length === 0) patchEmptyRowGroups(s.out.file);
  return s.out.file;
}

// A file without rows has an empty row-group list, which hyparquet-writer encodes with element type 0; strict
// Thrift readers (arrow-rs: "Expected list element type of Struct") refuse that. In that one case, mark the
// empty list as a list of structs, right where the footer's num_rows = 0 and row_groups fields stand before
// created_by (an exact byte sequence, patched only if found).
function patchEmptyRowGroups(file) {
  const bytes = fs.readFileSync(file);
  const createdBy = Buffer.from(CREATED_BY);
  const pattern = Buffer.concat([Buffer.from([0x16, 0x00, 0x19, 0x00, 0x28, createdBy.length]), createdBy]);
  const at = bytes.lastIndexOf(pattern);
  if (at < 0) return;
  bytes[at + 3] = 0x0c; // list header: size 0, element type STRUCT (12)
  fs.writeFileSync(file, bytes);
}

function end(m) {
  const s = sessions.get(m.session);
  sessions.delete(m.session);
  if (!s) return;
  for (const segment of s.segments) drop(segment);
  drop(s.out);
}

let queue = Promise.resolve();
parentPort.on('message', (m) => {
  queue = queue.then(async () => {
    try {
      const result = m.op === 'group' ? await group(m) : m.op === 'finish' ? await finish(m) : end(m);
      parentPort.postMessage({ id: m.id, ok: true, result });
    } catch (error) {
      if (m.op !== 'close') {
        // A failed session is of no further use: close its files now.
        try { end(m); } catch {}
      }
      parentPort.postMessage({ id: m.id, ok: false, error: error && error.stack ? String(error.stack) : String(error) });
    }
  });
});
`;
