/**
 * Incremental parser for the `/data/` response body: one top-level JSON array of row objects, delivered
 * in arbitrary chunks, possibly hundreds of MB long.
 *
 * How it works. Incoming bytes are appended to one reusable buffer that only ever holds the unfinished
 * tail (less than one row, normally) plus the newest chunk. Complete rows are cut out of it and parsed
 * with a single `JSON.parse('[' + rows + ']')` per chunk, so almost all the work is done by V8's native
 * parser. Two ways of finding where the complete rows end:
 *
 * - the fast path (`strategy: 'auto'`, the default) looks for the last `}` of the new data that is followed
 *   by a row separator (`, {`, `]` or the end of the data so far) and lets `JSON.parse` validate the cut:
 *   JSON's grammar is deterministic, so when `[` + text + `]` parses, the text ends exactly at the end of a
 *   top-level element in the full stream too. No byte of the payload is inspected in JavaScript.
 * - the exact scanner (`strategy: 'scan'`, and the fallback whenever the fast path's guess fails: a `}`
 *   inside a string or a nested value, malformed input, the closing bracket) walks the bytes tracking
 *   nesting depth and string/escape state across chunk boundaries.
 *
 * The fast path gives up permanently for a parser instance whose input keeps defeating it (rows with
 * arrays of objects, say), so the worst case is the scanner's speed plus a few wasted parses.
 *
 * Boundaries are only ever searched for in raw bytes and the text is decoded one complete row range at a
 * time, so a multi-byte UTF-8 character split across chunks is always decoded whole. Invalid UTF-8 is
 * decoded with U+FFFD replacement characters, as `Response.json()` would.
 */

/** A measurement row as it arrives: a plain object (values are numbers, strings or null in practice). */
export type JsonRow = Record<string, unknown>;

/** Options for {@link JsonArrayParser} and {@link parseJsonArrayStream}. */
export interface JsonArrayParserOptions {
  /**
   * Also hand back the exact source text of every row (`batch.raw`), for saves that pass rows through
   * without re-serialising them. Default `false`.
   */
  keepRaw?: boolean;
  /**
   * Also hand back the source text of the whole batch (`batch.text`): from the first row's `{` to the last
   * row's `}`, separators included. Cheaper than `keepRaw` when rows are passed through as a group (a JSON
   * array save). Default `false`.
   */
  keepText?: boolean;
  /**
   * How row boundaries are found. `'auto'` (default): cut at a likely row end and let `JSON.parse` verify
   * it, falling back to the exact scanner when the guess fails. `'scan'`: always use the exact scanner.
   * Both give identical results; `'scan'` exists for benchmarking and as a belt-and-braces switch.
   */
  strategy?: 'auto' | 'scan';
}

/** The complete rows found in one {@link JsonArrayParser.push} (or {@link JsonArrayParser.end}) call. */
export interface JsonArrayBatch<Row = JsonRow> {
  /** The parsed rows, in stream order. Never empty. */
  rows: Row[];
  /** With `keepRaw`, the exact source text of each row (same length and order as `rows`). */
  raw?: string[];
  /** With `keepText`, the source text of the batch's rows and the separators between them. */
  text?: string;
  /** Byte offset in the stream of the first row's opening `{`. */
  startOffset: number;
  /** Byte offset in the stream just past the last row's closing `}`. */
  endOffset: number;
}

import { MalformedJsonError, TruncatedStreamError } from './json-array-parser-errors';
import { JsonArrayInput, PHASE_AFTER, PHASE_ARRAY, PHASE_BEFORE } from './json-array-input';

export { MalformedJsonError, TruncatedStreamError };

// Where we stand at depth 0 inside the array.
const TOP_FIRST = 0; // just after '[': a row or ']'
const TOP_ELEM = 1; // just after ',': a row
const TOP_AFTER = 2; // just after a row: ',' or ']'

// Bytes. Declared in each byte-level module on purpose: a constant imported from a shared module is a
// getter call per use when the module is loaded unbundled (tsx, ts-jest), 10× slower in the scan loops.
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** Fast-path outcome: the guess did not work out, use the scanner. */
const MISS = -1;
/** Fast-path outcome: the new data cannot hold the end of a row; nothing to do yet. */
const NONE = 0;
/** Fast-path outcome: rows were cut out. */
const HIT = 1;

/** How many candidate `}` the fast path inspects per push before handing over to the scanner. */
const MAX_CANDIDATES = 16;
/** A pending partial row larger than this is left to the (incremental) scanner rather than re-tried. */
const FAST_RETRY_LIMIT = 64 << 10;
const SCRATCH_INITIAL_BYTES = 128 << 10;
/** parseJsonArrayStream feeds chunks larger than twice this in pieces of this size. */
const GENERATOR_PIECE = 64 << 10;

function isWs(c: number): boolean {
  return c === SPACE || c === LF || c === CR || c === TAB;
}

function isPlainObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Turns a V8 `JSON.parse` message into a short reason, without the source text V8 may quote. */
function describeSyntaxError(e: unknown): { reason: string; position: number | undefined } {
  const message = e instanceof Error ? e.message : String(e);
  const m = /\bat position (\d+)/.exec(message);
  let reason = message.replace(/,? ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '');
  if (reason.length > 100) reason = reason.slice(0, 100);
  return { reason, position: m ? Number(m[1]) : undefined };
}

/**
 * Incremental splitter/parser for one top-level JSON array of objects.
 *
 * Feed it chunks with {@link push}; each call returns the rows completed by that chunk as one batch (or
 * `undefined`). Call {@link end} when the input is finished: it throws {@link TruncatedStreamError} if the
 * closing `]` never came. Only complete rows are ever returned, in order, each parsed exactly as
 * `JSON.parse` of the whole text would parse it, however the input was chunked.
 *
 * Errors: a {@link MalformedJsonError} is thrown as soon as it is found, except that rows completed in the
 * same chunk before the bad spot are returned first and the error is then thrown by the next call
 * (`push` or `end`). After an error every call throws it again.
 *
 * Memory stays flat: the parser holds the unfinished tail of the input plus the current chunk.
 *
 * @example
 * ```ts
 * const parser = new JsonArrayParser();
 * for await (const chunk of body) {
 *   const batch = parser.push(chunk);
 *   if (batch) for (const row of batch.rows) handle(row);
 * }
 * parser.end();
 * ```
 */
export class JsonArrayParser<Row = JsonRow> extends JsonArrayInput {
  private readonly keepRaw: boolean;
  private readonly keepText: boolean;
  private fast: boolean;
  private fastAttempts = 0;
  private fastMisses = 0;

  private top = TOP_FIRST;
  private ended = false;


  // Exact-scanner state. When depth is 0 nothing of the pending bytes has been scanned yet ("fresh") and
  // they start at a top-level position described by `top`. When depth > 0, the pending bytes start at the
  // opening '{' of the current row and the first `scanned` of them have been scanned.
  private depth = 0;
  private inString = false;
  private escape = false;
  private scanned = 0;
  private rowStart = 0;
  private closeSeen = false;
  private scanError: MalformedJsonError | undefined;

  /** A string chunk's trailing high surrogate, held back until its low half arrives. */
  private surrogate = '';

  private _bytesConsumed = 0;
  private _rowsEmitted = 0;
  private _lastRowEndOffset = 0;

  constructor(options: JsonArrayParserOptions = {}) {
    super(SCRATCH_INITIAL_BYTES, 0);
    this.keepRaw = options.keepRaw === true;
    this.keepText = options.keepText === true;
    this.fast = options.strategy !== 'scan';
  }

  /** Bytes received so far (strings count as their UTF-8 length). */
  get bytesConsumed(): number {
    return this._bytesConsumed;
  }

  /** Rows handed out so far. */
  get rowsEmitted(): number {
    return this._rowsEmitted;
  }

  /**
   * Byte offset just past the closing `}` of the last row handed out (0 before the first row). Everything
   * before it has been parsed completely; a resumed request can start after that row.
   */
  get lastRowEndOffset(): number {
    return this._lastRowEndOffset;
  }

  /** Whether the array's closing `]` has been seen. */
  get closed(): boolean {
    return this.phase === PHASE_AFTER;
  }

  /**
   * Feeds the next chunk of the stream. Returns the rows it completed, or `undefined` when it completed
   * none.
   *
   * @throws MalformedJsonError when the input is not a JSON array of objects (see the class notes on when).
   */
  push(chunk: Uint8Array | string): JsonArrayBatch<Row> | undefined {
    if (this.error) throw this.error;
    if (this.ended) throw new Error('JsonArrayParser: push() after end()');
    const bytes = this.toBytes(chunk);
    if (bytes.length === 0) return undefined;
    this._bytesConsumed += bytes.length;
    return this.accept(bytes);
  }

  /**
   * Declares the input finished. Returns any rows not handed out yet (normally none: every `push` hands out
   * all the rows it completed).
   *
   * @throws TruncatedStreamError when the closing `]` never arrived.
   * @throws MalformedJsonError when the input is malformed.
   */
  end(): JsonArrayBatch<Row> | undefined {
    if (this.error) throw this.error;
    let batch: JsonArrayBatch<Row> | undefined;
    if (!this.ended) {
      this.ended = true;
      if (this.surrogate !== '') {
        // A lone high surrogate at the very end: encoded as U+FFFD, as Buffer.from would.
        const rest = Buffer.from(this.surrogate, 'utf8');
        this.surrogate = '';
        this._bytesConsumed += rest.length;
        batch = this.accept(rest);
      }
      if (this.error === undefined && this.phase === PHASE_ARRAY && this.len > this.scanned) {
        // Scan what the fast path left unexamined, so garbage is reported as such rather than as truncation.
        const more = this.scanPath();
        if (more) batch = batch ? mergeBatches(batch, more) : more;
      }
    }
    // Rows first; a pending error or the truncation is then reported by the next call.
    if (batch) return batch;
    if (this.error) throw this.error;
    if (this.phase !== PHASE_AFTER) {
      this.error = new TruncatedStreamError(this._rowsEmitted, this._lastRowEndOffset, this._bytesConsumed);
      throw this.error;
    }
    this.release();
    return undefined;
  }

  // ---------------------------------------------------------------------------------------------------------

  private toBytes(chunk: Uint8Array | string): Buffer {
    if (typeof chunk !== 'string') {
      return Buffer.isBuffer(chunk) ? chunk : Buffer.from(chunk.buffer, chunk.byteOffset, chunk.byteLength);
    }
    let text = this.surrogate === '' ? chunk : this.surrogate + chunk;
    this.surrogate = '';
    const last = text.charCodeAt(text.length - 1);
    if (last >= 0xd800 && last <= 0xdbff) {
      // A high surrogate whose low half may be at the start of the next chunk.
      this.surrogate = text.slice(-1);
      text = text.slice(0, -1);
    }
    return Buffer.from(text, 'utf8');
  }

  private accept(bytes: Buffer): JsonArrayBatch<Row> | undefined {
    const newStart = this.len;
    this.append(bytes);
    if (this.phase === PHASE_BEFORE) {
      if (!this.findOpeningBracket()) return undefined;
      return this.processArray(0);
    }
    if (this.phase === PHASE_ARRAY) return this.processArray(newStart);
    this.checkTrailing(0);
    return undefined;
  }

  private processArray(newStart: number): JsonArrayBatch<Row> | undefined {
    if (this.fast) {
      if (this.depth > 0 && newStart <= FAST_RETRY_LIMIT) {
        // Forget the scanner's progress in the partial row: the pending bytes start at its '{'.
        this.depth = 0;
        this.inString = false;
        this.escape = false;
        this.scanned = 0;
        this.top = TOP_ELEM;
      }
      if (this.depth === 0) {
        const out: Array<JsonArrayBatch<Row>> = [];
        const r = this.fastPath(newStart, out);
        if (r === HIT) {
          const batch = out[0]!;
          // The closing bracket (or garbage) may follow the last row in this very chunk.
          const b = this.scratch;
          let i = 0;
          while (i < this.len && isWs(b[i]!)) i++;
          if (i < this.len && b[i] !== COMMA) {
            let more: JsonArrayBatch<Row> | undefined;
            try {
              more = this.scanPath();
            } catch {
              return batch; // the error is kept and thrown by the next call
            }
            if (more) return mergeBatches(batch, more);
          }
          return batch;
        }
        if (r === NONE) {
          // A ']' in the new data may close the array (or belong to a row; the scanner will tell).
          if (this.scratch.subarray(0, this.len).indexOf(RBRACKET, newStart) < 0) return undefined;
        }
      }
    }
    return this.scanPath();
  }

  /**
   * The fast path: cut at the last plausible row end in the new data and let JSON.parse verify the cut.
   * Requires fresh scanner state (pending bytes start at a top-level position).
   */
  private fastPath(newStart: number, out: Array<JsonArrayBatch<Row>>): number {
    const b = this.scratch;
    const len = this.len;
    let i = 0;
    while (i < len && isWs(b[i]!)) i++;
    let comma = false;
    if (this.top === TOP_AFTER && i < len) {
      if (b[i] !== COMMA) return MISS;
      comma = true;
      i++;
      while (i < len && isWs(b[i]!)) i++;
    }
    if (i === len) {
      // Only whitespace (and the separator) so far: drop it.
      if (comma) this.top = TOP_ELEM;
      this.consume(len);
      return NONE;
    }
    if (b[i] !== LBRACE) return MISS;
    const start = i;

    // The last '}' in the new data that is followed by ws* then ',' ws* '{' | ']' | end of data. Only the
    // new data is searched (older pending bytes hold no row end), so a long partial row costs nothing.
    const fresh = b.subarray(newStart, len);
    let cand = fresh.lastIndexOf(RBRACE) + newStart;
    if (cand < newStart || cand <= start) return NONE;
    this.fastAttempts++;
    let tries = 0;
    for (;;) {
      let j = cand + 1;
      while (j < len && isWs(b[j]!)) j++;
      if (j === len || b[j] === RBRACKET) break;
      if (b[j] === COMMA) {
        j++;
        while (j < len && isWs(b[j]!)) j++;
        if (j === len || b[j] === LBRACE) break;
        if (b[j] !== QUOTE) return this.fastMiss();
      } else if (b[j] !== RBRACE) {
        return this.fastMiss();
      }
      if (++tries >= MAX_CANDIDATES) return this.fastMiss();
      if (cand === newStart) return NONE;
      cand = fresh.lastIndexOf(RBRACE, cand - newStart - 1) + newStart;
      if (cand < newStart || cand <= start) return NONE;
    }

    const end = cand + 1;
    const text = b.toString('utf8', start, end);
    let rows: unknown[];
    try {
      rows = JSON.parse('[' + text + ']') as unknown[];
    } catch {
      return this.fastMiss();
    }
    for (let k = 0; k < rows.length; k++) {
      if (!isPlainObject(rows[k])) return this.fastMiss();
    }
    let raw: string[] | undefined;
    if (this.keepRaw) {
      raw = splitRowsText(text, rows.length);
      if (!raw) return this.fastMiss();
    }
    const batch: JsonArrayBatch<Row> = { rows: rows as Row[], startOffset: this.base + start, endOffset: this.base + end };
    if (raw) batch.raw = raw;
    if (this.keepText) batch.text = text;
    this._rowsEmitted += rows.length;
    this._lastRowEndOffset = this.base + end;
    this.top = TOP_AFTER;
    this.consume(end);
    out.push(batch);
    return HIT;
  }

  /** The exact scanner path: scan the unscanned pending bytes, cut out and parse the complete rows. */
  private scanPath(): JsonArrayBatch<Row> | undefined {
    const spans: number[] = []; // absolute [start, end) pairs of rows completed by this scan
    const stop = this.scan(this.scanned, spans);
    this.scanned = this.len; // provisional; fixed below
    let batch: JsonArrayBatch<Row> | undefined;
    if (spans.length > 0) batch = this.parseSpans(spans);

    const scanError = this.scanError;
    if (this.error === undefined && scanError) this.error = scanError;
    if (this.error === undefined && this.closeSeen) {
      this.phase = PHASE_AFTER;
      try {
        this.checkTrailing(stop);
      } catch (e) {
        if (!batch) throw e;
      }
    } else if (this.error === undefined) {
      // Keep only the partial row (if any).
      if (this.depth > 0) {
        const keepFrom = this.rowStart - this.base;
        this.consume(keepFrom);
        this.scanned = this.len;
      } else {
        this.consume(this.len);
        this.scanned = 0;
      }
    }
    if (batch) return batch;
    if (this.error) throw this.error;
    return undefined;
  }

  private fastMiss(): number {
    // Misses on malformed input end the parse anyway; the others mean the input defeats the guess (nested
    // arrays of objects, say). Stop guessing if that is common.
    this.fastMisses++;
    if (this.fastMisses > 4 && this.fastMisses * 8 > this.fastAttempts) this.fast = false;
    return MISS;
  }

  /**
   * Scans pending bytes from index `from`, appending completed rows' absolute spans to `spans`. Sets
   * `closeSeen` (and returns the index just past the ']') or `scanError`, else returns `len`.
   */
  private scan(from: number, spans: number[]): number {
    const b = this.scratch;
    const n = this.len;
    const base = this.base;
    let depth = this.depth;
    let inString = this.inString;
    let escape = this.escape;
    let top = this.top;
    let rowStart = this.rowStart;
    let i = from;
    let err: string | undefined;
    let errAt = 0;

    outer: while (i < n) {
      if (depth === 0) {
        const c = b[i]!;
        if (c === SPACE || c === LF || c === CR || c === TAB) {
          i++;
          continue;
        }
        if (c === LBRACE) {
          if (top === TOP_AFTER) {
            err = "expected ',' or ']' after a row";
            errAt = i;
            break;
          }
          rowStart = base + i;
          depth = 1;
          i++;
        } else if (c === COMMA) {
          if (top !== TOP_AFTER) {
            err = top === TOP_FIRST ? "unexpected ',' before the first row" : "unexpected ',' (empty element)";
            errAt = i;
            break;
          }
          top = TOP_ELEM;
          i++;
          continue;
        } else if (c === RBRACKET) {
          if (top === TOP_ELEM) {
            err = "unexpected ']' after ',' (trailing comma)";
            errAt = i;
            break;
          }
          this.closeSeen = true;
          i++;
          break;
        } else {
          err = top === TOP_AFTER ? "expected ',' or ']' after a row" : 'top-level array element is not an object';
          errAt = i;
          break;
        }
      }
      // Inside a row.
      if (inString) {
        if (escape) {
          escape = false;
          i++;
        }
        while (i < n) {
          const c = b[i++]!;
          if (c === QUOTE) {
            inString = false;
            break;
          }
          if (c === BACKSLASH) {
            if (i < n) i++;
            else escape = true;
          }
        }
        if (inString) break;
      }
      while (i < n) {
        const c = b[i++]!;
        if (c === QUOTE) {
          inString = true;
          while (i < n) {
            const d = b[i++]!;
            if (d === QUOTE) {
              inString = false;
              break;
            }
            if (d === BACKSLASH) {
              if (i < n) i++;
              else escape = true;
            }
          }
          if (inString) break outer;
        } else if (c === LBRACE || c === LBRACKET) {
          depth++;
        } else if (c === RBRACE || c === RBRACKET) {
          if (--depth === 0) {
            spans.push(rowStart, base + i);
            top = TOP_AFTER;
            continue outer;
          }
        }
      }
    }

    this.depth = depth;
    this.inString = inString;
    this.escape = escape;
    this.top = top;
    this.rowStart = rowStart;
    if (err !== undefined) this.scanError = this.malformed(errAt, err);
    return i;
  }

  /** Parses the rows at the given absolute spans (all within the pending bytes) with one JSON.parse. */
  private parseSpans(spans: number[]): JsonArrayBatch<Row> | undefined {
    const b = this.scratch;
    const base = this.base;
    const first = spans[0]! - base;
    const last = spans[spans.length - 1]! - base;
    const text = b.toString('utf8', first, last);
    const count = spans.length >> 1;
    let rows: unknown[] | undefined;
    try {
      rows = JSON.parse('[' + text + ']') as unknown[];
    } catch {
      rows = undefined;
    }
    let raw: string[] | undefined;
    if (rows && this.keepRaw) raw = this.rawTexts(spans, text);
    if (!rows) {
      // Find the first bad row; hand out the good ones before it.
      rows = [];
      if (this.keepRaw) raw = [];
      for (let k = 0; k < count; k++) {
        const s = spans[2 * k]! - base;
        const e = spans[2 * k + 1]! - base;
        const rowText = b.toString('utf8', s, e);
        try {
          rows.push(JSON.parse(rowText));
          raw?.push(rowText);
        } catch (err) {
          const { reason, position } = describeSyntaxError(err);
          const at = position === undefined ? s : s + Buffer.byteLength(rowText.slice(0, position), 'utf8');
          this.error = this.malformed(Math.min(at, e - 1), reason);
          break;
        }
      }
      if (rows.length === 0) return undefined;
    }
    const n = rows.length;
    const endAbs = spans[2 * n - 1]!;
    const batch: JsonArrayBatch<Row> = { rows: rows as Row[], startOffset: spans[0]!, endOffset: endAbs };
    if (raw) batch.raw = raw;
    if (this.keepText) batch.text = n === count ? text : b.toString('utf8', first, endAbs - base);
    this._rowsEmitted += n;
    this._lastRowEndOffset = endAbs;
    return batch;
  }

  private rawTexts(spans: number[], text: string): string[] {
    const b = this.scratch;
    const base = this.base;
    const origin = spans[0]!;
    const count = spans.length >> 1;
    const raw = new Array<string>(count);
    const ascii = text.length === spans[spans.length - 1]! - origin;
    for (let k = 0; k < count; k++) {
      const s = spans[2 * k]!;
      const e = spans[2 * k + 1]!;
      raw[k] = ascii ? text.slice(s - origin, e - origin) : b.toString('utf8', s - base, e - base);
    }
    return raw;
  }
}

/**
 * Splits the text of `count` comma-separated objects into the objects' texts, using the `}` ws* `,` ws* `{`
 * pattern that every real boundary matches. Returns undefined unless exactly `count - 1` places match (a
 * pattern inside a string or a nested array of objects would add matches; then the scanner decides).
 */
function splitRowsText(text: string, count: number): string[] | undefined {
  const raw = new Array<string>(count);
  let r = 0;
  let rowStart = 0;
  let p = text.indexOf('}');
  while (p >= 0) {
    let j = p + 1;
    let c = text.charCodeAt(j);
    while (c === SPACE || c === LF || c === CR || c === TAB) c = text.charCodeAt(++j);
    if (c === COMMA) {
      c = text.charCodeAt(++j);
      while (c === SPACE || c === LF || c === CR || c === TAB) c = text.charCodeAt(++j);
      if (c === LBRACE) {
        if (r === count - 1) return undefined;
        raw[r++] = text.slice(rowStart, p + 1);
        rowStart = j;
        p = text.indexOf('}', j);
        continue;
      }
    }
    p = text.indexOf('}', p + 1);
  }
  if (r !== count - 1) return undefined;
  raw[r] = text.slice(rowStart);
  return raw;
}

function mergeBatches<Row>(a: JsonArrayBatch<Row>, b: JsonArrayBatch<Row>): JsonArrayBatch<Row> {
  const merged: JsonArrayBatch<Row> = { rows: a.rows.concat(b.rows), startOffset: a.startOffset, endOffset: b.endOffset };
  if (a.raw && b.raw) merged.raw = a.raw.concat(b.raw);
  if (a.text !== undefined && b.text !== undefined) merged.text = a.text + ', ' + b.text;
  return merged;
}

/**
 * Parses a streamed JSON array of objects, yielding one batch per input chunk that completed rows (batches,
 * not single rows, to keep per-row overhead out of the hot loop; flatten with `for (const row of
 * batch.rows)`). Chunks over 128 KiB are fed in 64 KiB pieces, so a batch holds at most ~64 KiB of rows.
 * Ends normally only if the closing `]` arrived.
 *
 * @param source the response body, e.g. a Node `Readable`, a web `ReadableStream` or any async iterable of
 *   byte (or string) chunks.
 * @throws TruncatedStreamError when the source ends before the closing `]` (after yielding every complete
 *   row). Errors thrown by the source itself propagate unchanged.
 * @throws MalformedJsonError when the input is malformed (after yielding the complete rows before the fault).
 */
export async function* parseJsonArrayStream<Row = JsonRow>(
  source: AsyncIterable<Uint8Array | string> | Iterable<Uint8Array | string>,
  options: JsonArrayParserOptions = {},
): AsyncGenerator<JsonArrayBatch<Row>, void, undefined> {
  const parser = new JsonArrayParser<Row>(options);
  for await (const chunk of source) {
    if (chunk.length <= 2 * GENERATOR_PIECE) {
      const batch = parser.push(chunk);
      if (batch) yield batch;
      continue;
    }
    // Big chunks are fed in pieces: batches of ~64 KiB let the rows die young, which is markedly faster
    // than parsing (and keeping alive) a megabyte of rows at once.
    for (let i = 0; i < chunk.length; i += GENERATOR_PIECE) {
      const piece = typeof chunk === 'string' ? chunk.slice(i, i + GENERATOR_PIECE) : chunk.subarray(i, i + GENERATOR_PIECE);
      const batch = parser.push(piece);
      if (batch) yield batch;
    }
  }
  const rest = parser.end();
  if (rest) {
    yield rest;
    parser.end();
  }
}
