/**
 * Splits a streamed `/data/` body (one JSON array of row objects) into complete rows without parsing
 * them: every byte is checked against JSON's grammar, but no object, string or number is built. Saves
 * that need no transformation (`.json`, `.ndjson`) write these bytes as they came, so they cost a
 * fraction of `JSON.parse` (which spends most of its time building objects and converting 17-digit
 * floats); the few rows the resume logic looks at are parsed on demand.
 *
 * The validator is exact: a row passes if and only if `JSON.parse` accepts its text as an object. A row is
 * validated from its `{` in one go; when it is still incomplete at the end of the data received so far
 * it is validated again, from its start, once more bytes arrive (rows are a few hundred bytes; the retry
 * waits for the pending row to double in size, so a freak multi-megabyte row stays linear).
 */
import { JsonArrayInput, PHASE_AFTER, PHASE_ARRAY, PHASE_BEFORE, isJsonWs as isWs } from './json-array-input';
import type { JsonRow } from './json-array-parser';
import { TruncatedStreamError } from './json-array-parser-errors';

/** Complete rows as the API sent them. */
export interface RawRowBatch {
  /** From the first row's `{` to the last row's `}`, separators included: valid JSON array content. */
  bytes: Buffer;
  /** `[start, end)` of each row within `bytes`, two entries per row. */
  spans: Uint32Array;
  /** Rows in the batch (never 0). */
  count: number;
  /** Byte offset in the stream of the first row's `{`. */
  startOffset: number;
}

/** Row `i` of a raw batch, parsed. */
export function rawRowAt<Row = JsonRow>(batch: RawRowBatch, i: number): Row {
  return JSON.parse(batch.bytes.toString('utf8', batch.spans[2 * i], batch.spans[2 * i + 1])) as Row;
}

/** `{"timestamp": `, how the API starts every row. */
const TIMESTAMP_PREFIX = Buffer.from('{"timestamp": ');

/**
 * The `timestamp` of row `i` of a raw batch. Rows that start the API's way with a whole number of at most
 * 15 digits are read in place (exactly the number `JSON.parse` gives); any other row is parsed.
 * (A row naming `timestamp` twice would be read by its first; the API never sends one.)
 */
export function rawTimestampAt(batch: RawRowBatch, i: number): number {
  const { bytes, spans } = batch;
  const start = spans[2 * i]!;
  const end = spans[2 * i + 1]!;
  const p = TIMESTAMP_PREFIX;
  let k = start + p.length;
  if (k < end && bytes.compare(p, 0, p.length, start, k) === 0) {
    let v = 0;
    let digits = 0;
    for (; k < end; k++, digits++) {
      const c = bytes[k]! - 0x30;
      if (c < 0 || c > 9) break;
      v = v * 10 + c;
    }
    const next = bytes[k];
    if (digits > 0 && digits <= 15 && (next === 0x2c || next === 0x7d || next === 0x20)) return v;
  }
  return Number(rawRowAt<{ timestamp?: unknown }>(batch, i).timestamp);
}

/**
 * The `site_id` of row `i` of a raw batch, as `JSON.parse` would give it (`undefined` when the row has
 * none), read in place for the common case. The API puts `site_id` near the end of a row, so the row is
 * scanned backwards from its `}`: the first `"site_id"` key met is the one `JSON.parse` keeps when a key
 * repeats. Any byte that could make the in-place reading inexact on the way (a backslash: an escaped quote
 * or an escaped key; a `}` or `]`: a nested value), or a value that is not a plain whole number, hands the
 * row to `JSON.parse`.
 */
export function rawSiteIdAt(batch: RawRowBatch, i: number): unknown {
  const b = batch.bytes;
  const start = batch.spans[2 * i]!;
  const end = batch.spans[2 * i + 1]!;
  for (let k = end - 2; k > start; k--) {
    const c = b[k]!;
    if (SITE_ID_SCAN_STOP[c] === 0) continue;
    if (c !== QUOTE) return parsedSiteId(batch, i);
    // A quote (not escaped: no backslash was met after it) opening the string "site_id"?
    if (!isSiteIdKey(b, k, end)) continue;
    if (b[k - 1] === BACKSLASH) return parsedSiteId(batch, i);
    let j = k + SITE_ID_KEY.length;
    while (isWs(b[j]!)) j++;
    if (b[j] !== COLON) continue; // the string value "site_id", not the key
    j++;
    while (isWs(b[j]!)) j++;
    let v = 0;
    let digits = 0;
    for (; j < end; j++, digits++) {
      const d = b[j]! - ZERO;
      if (d < 0 || d > 9) break;
      v = v * 10 + d;
    }
    const next = b[j];
    if (digits > 0 && digits <= 15 && (next === COMMA || next === RBRACE || isWs(next!))) return v;
    return parsedSiteId(batch, i);
  }
  return undefined;
}

/** Whether a raw batch may hold a row with a `site_id` (false: no row has one, and none needs a look). */
export function rawMayHaveSiteIds(batch: RawRowBatch): boolean {
  // An escaped key (`"site\u005fid"`) is possible only where a backslash is.
  return batch.bytes.includes(SITE_ID_NAME) || batch.bytes.includes(BACKSLASH);
}

/** Whether `"site_id"` starts at `b[k]` and ends before `end`. */
function isSiteIdKey(b: Buffer, k: number, end: number): boolean {
  if (k + SITE_ID_KEY.length >= end) return false;
  for (let m = 1; m < SITE_ID_KEY.length; m++) if (b[k + m] !== SITE_ID_KEY[m]) return false;
  return true;
}

function parsedSiteId(batch: RawRowBatch, i: number): unknown {
  return rawRowAt<{ site_id?: unknown }>(batch, i).site_id;
}

/** `"site_id"`, and the key's name alone. */
const SITE_ID_KEY = Buffer.from('"site_id"');
const SITE_ID_NAME = Buffer.from('site_id');
/** Bytes the backward scan of {@link rawSiteIdAt} stops at: quote, backslash, `}` and `]`. */
const SITE_ID_SCAN_STOP = new Uint8Array(256).map((_, c) => (c === 0x22 || c === 0x5c || c === 0x7d || c === 0x5d ? 1 : 0));

/** A raw batch of the rows at `indices` (ascending), separated by `, `. */
export function selectRawRows(batch: RawRowBatch, indices: readonly number[]): RawRowBatch {
  const { bytes, spans } = batch;
  let size = Math.max(0, indices.length - 1) * 2;
  for (const i of indices) size += spans[2 * i + 1]! - spans[2 * i]!;
  const out = Buffer.allocUnsafe(size);
  const outSpans = new Uint32Array(indices.length * 2);
  let at = 0;
  indices.forEach((i, k) => {
    if (k > 0) at += out.write(', ', at, 'latin1');
    outSpans[2 * k] = at;
    at += bytes.copy(out, at, spans[2 * i], spans[2 * i + 1]);
    outSpans[2 * k + 1] = at;
  });
  return { bytes: out, spans: outSpans, count: indices.length, startOffset: batch.startOffset + (spans[2 * indices[0]!] ?? 0) };
}

// Bytes. Declared in each byte-level module on purpose: a constant imported from a shared module is a
// getter call per use when the module is loaded unbundled (tsx, ts-jest), 10× slower in the scan loops.
const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const SLASH = 0x2f;
const COMMA = 0x2c;
const COLON = 0x3a;
const MINUS = 0x2d;
const PLUS = 0x2b;
const DOT = 0x2e;
const ZERO = 0x30;
const NINE = 0x39;
const LBRACE = 0x7b;
const RBRACE = 0x7d;
const LBRACKET = 0x5b;
const RBRACKET = 0x5d;

/** Validator outcomes below zero: the value runs past the data so far, or is invalid (at `-(r + 2)`). */
const INCOMPLETE = -1;
const invalidAt = (i: number): number => -(i + 2);

/** Nesting deeper than this inside one row is refused (rows are flat objects in practice). */
const MAX_DEPTH = 512;
/** A partial row above this size is re-validated only once it has doubled. */
const RETRY_GROWTH_FLOOR = 64 << 10;
const SCRATCH_INITIAL_BYTES = 256 << 10;

const isDigit = (c: number): boolean => c >= ZERO && c <= NINE;

// Container kinds on the validator's stack.
const IN_OBJECT = 1;
const IN_ARRAY = 2;
// Validator states.
const EXPECT_VALUE = 0;
const AFTER_VALUE = 1;
const EXPECT_KEY = 2;

/** Bytes that stand for themselves inside a JSON string: all but the quote, the backslash and controls. */
const PLAIN = new Uint8Array(256).map((_, c) => (c >= 0x20 && c !== QUOTE && c !== BACKSLASH ? 1 : 0));

/**
 * Index past the closing quote of the string whose body starts at `i`, or INCOMPLETE / invalidAt. Needs the
 * sentinel: b[n] is a 0 byte, which ends every loop here without a bounds check per byte.
 */
function endOfString(b: Buffer, i: number, n: number): number {
  for (;;) {
    let c = b[i]!;
    while (PLAIN[c] === 1) c = b[++i]!;
    if (c === QUOTE) return i + 1;
    if (c === BACKSLASH) {
      if (i + 1 >= n) return INCOMPLETE;
      const e = b[i + 1]!;
      if (e === 0x75 /* u */) {
        for (let k = i + 2; k < i + 6; k++) {
          if (k >= n) return INCOMPLETE;
          const h = b[k]! | 0x20; // lower-cased letter; digits unchanged
          if (!((h >= ZERO && h <= NINE) || (h >= 0x61 && h <= 0x66))) return invalidAt(k);
        }
        i += 6;
        continue;
      }
      // " \ / b f n r t
      if (e !== QUOTE && e !== BACKSLASH && e !== SLASH && e !== 0x62 && e !== 0x66 && e !== 0x6e && e !== 0x72 && e !== 0x74) return invalidAt(i + 1);
      i += 2;
      continue;
    }
    // The sentinel (a 0 byte at b[n]) ends the loop here too.
    if (c < 0x20) return i >= n ? INCOMPLETE : invalidAt(i);
    i++;
  }
}

/** Index past the number starting at `i` (JSON grammar), or INCOMPLETE / invalidAt. */
/** Index past the number starting at `i` (JSON grammar), or INCOMPLETE / invalidAt. Needs the sentinel. */
function endOfNumber(b: Buffer, i: number, n: number): number {
  if (b[i] === MINUS) i++;
  let c = b[i]!;
  if (c === ZERO) {
    c = b[++i]!;
  } else if (c > ZERO && c <= NINE) {
    do c = b[++i]!;
    while (c >= ZERO && c <= NINE);
  } else {
    return i >= n ? INCOMPLETE : invalidAt(i);
  }
  if (c === DOT) {
    c = b[++i]!;
    if (!(c >= ZERO && c <= NINE)) return i >= n ? INCOMPLETE : invalidAt(i);
    do c = b[++i]!;
    while (c >= ZERO && c <= NINE);
  }
  if (c === 0x65 || c === 0x45) {
    c = b[++i]!;
    if (c === PLUS || c === MINUS) c = b[++i]!;
    if (!(c >= ZERO && c <= NINE)) return i >= n ? INCOMPLETE : invalidAt(i);
    do c = b[++i]!;
    while (c >= ZERO && c <= NINE);
  }
  return i >= n ? INCOMPLETE : i;
}

const TRUE = Buffer.from('true');
const FALSE = Buffer.from('false');
const NULL = Buffer.from('null');

function endOfLiteral(b: Buffer, i: number, n: number, word: Buffer): number {
  for (let k = 0; k < word.length; k++) {
    if (i + k >= n) return INCOMPLETE;
    if (b[i + k] !== word[k]) return invalidAt(i + k);
  }
  return i + word.length;
}

/**
 * Validates the JSON object starting at `b[i]` (a `{`) within `b[0, n)`. Returns the index just past its
 * closing `}`, INCOMPLETE when the data ends first, or invalidAt(position) when it is not valid JSON.
 */
export function endOfObject(b: Buffer, i: number, n: number, stack: Uint8Array): number {
  if (b[n] !== 0) {
    const copy = Buffer.alloc(n + 1);
    b.copy(copy, 0, 0, n);
    b = copy;
  }
  return objectEnd(b, i, n, stack);
}

/** {@link endOfObject} on a buffer that holds the sentinel: b[n] is a 0 byte. */
function objectEnd(b: Buffer, i: number, n: number, stack: Uint8Array): number {
  let depth = 0;
  let state = EXPECT_VALUE;
  for (;;) {
    let c = b[i]!;
    while (c === SPACE || c === LF || c === CR || c === TAB) c = b[++i]!;
    if (i >= n) return INCOMPLETE;
    if (state === AFTER_VALUE) {
      const kind = stack[depth - 1];
      if (c === COMMA) {
        i++;
        state = kind === IN_OBJECT ? EXPECT_KEY : EXPECT_VALUE;
      } else if (c === (kind === IN_OBJECT ? RBRACE : RBRACKET)) {
        i++;
        if (--depth === 0) return i;
      } else {
        return invalidAt(i);
      }
    } else if (state === EXPECT_KEY) {
      if (c !== QUOTE) return invalidAt(i);
      i = endOfString(b, i + 1, n);
      if (i < 0) return i;
      c = b[i]!;
      while (c === SPACE || c === LF || c === CR || c === TAB) c = b[++i]!;
      if (i >= n) return INCOMPLETE;
      if (c !== COLON) return invalidAt(i);
      i++;
      state = EXPECT_VALUE;
    } else if (c === QUOTE) {
      i = endOfString(b, i + 1, n);
      if (i < 0) return i;
      state = AFTER_VALUE;
    } else if (c === MINUS || isDigit(c)) {
      i = endOfNumber(b, i, n);
      if (i < 0) return i;
      state = AFTER_VALUE;
    } else if (c === LBRACE || c === LBRACKET) {
      if (depth === 0 && c !== LBRACE) return invalidAt(i);
      if (depth >= MAX_DEPTH) return invalidAt(i);
      i++;
      while (i < n && isWs(b[i]!)) i++;
      if (i >= n) return INCOMPLETE;
      if (b[i] === (c === LBRACE ? RBRACE : RBRACKET)) {
        i++;
        if (depth === 0) return i;
        state = AFTER_VALUE;
      } else {
        stack[depth++] = c === LBRACE ? IN_OBJECT : IN_ARRAY;
        state = c === LBRACE ? EXPECT_KEY : EXPECT_VALUE;
      }
    } else if (c === 0x74 /* t */ || c === 0x66 /* f */ || c === 0x6e /* n */) {
      i = endOfLiteral(b, i, n, c === 0x74 ? TRUE : c === 0x66 ? FALSE : NULL);
      if (i < 0) return i;
      state = AFTER_VALUE;
    } else {
      return invalidAt(i);
    }
  }
}

// Top-level positions (as in JsonArrayParser).
const TOP_FIRST = 0;
const TOP_ELEM = 1;
const TOP_AFTER = 2;

/**
 * Incremental splitter for one top-level JSON array of objects, with the same contract as
 * `JsonArrayParser` (push chunks, `end()` at the end of input, `TruncatedStreamError` without the closing
 * `]`, `MalformedJsonError` on bad input after the good rows before it), handing out raw row bytes.
 */
export class JsonRowSplitter extends JsonArrayInput {
  private readonly batchBytes: number;
  private top = TOP_FIRST;
  private ended = false;
  private readonly stack = new Uint8Array(MAX_DEPTH);

  /** Pending length at the last failed attempt on a partial row (0: none). */
  private triedLen = 0;

  private _bytesConsumed = 0;
  private _rowsEmitted = 0;
  private _lastRowEndOffset = 0;

  /**
   * @param options.batchBytes cut rows only once this many bytes are pending (and at the end), so batches
   *   are about this big whatever the network's chunk size: fewer, larger writes downstream. Default 0:
   *   every push hands out the rows it completed.
   */
  constructor(options: { batchBytes?: number } = {}) {
    super(SCRATCH_INITIAL_BYTES, 1); // one spare byte for the validator's sentinel
    this.batchBytes = options.batchBytes ?? 0;
  }

  get bytesConsumed(): number {
    return this._bytesConsumed;
  }
  get rowsEmitted(): number {
    return this._rowsEmitted;
  }
  get lastRowEndOffset(): number {
    return this._lastRowEndOffset;
  }

  /** Feeds the next chunk; returns the rows it completed. */
  push(chunk: Uint8Array): RawRowBatch | undefined {
    if (this.error) throw this.error;
    if (this.ended) throw new Error('JsonRowSplitter: push() after end()');
    if (chunk.length === 0) return undefined;
    this._bytesConsumed += chunk.length;
    this.append(chunk);
    if (this.phase === PHASE_BEFORE && !this.findOpeningBracket()) return undefined;
    if (this.phase === PHASE_ARRAY) {
      if (this.len < this.batchBytes) return undefined;
      if (this.triedLen > RETRY_GROWTH_FLOOR && this.len < 2 * this.triedLen) return undefined;
      return this.split();
    }
    this.checkTrailing();
    return undefined;
  }

  /** Declares the input finished; throws TruncatedStreamError if the closing `]` never came. */
  end(): RawRowBatch | undefined {
    if (this.error) throw this.error;
    let batch: RawRowBatch | undefined;
    if (!this.ended) {
      this.ended = true;
      if (this.phase === PHASE_ARRAY && this.len > 0) batch = this.split();
    }
    if (batch) return batch;
    if (this.error) throw this.error;
    if (this.phase !== PHASE_AFTER) {
      this.error = new TruncatedStreamError(this._rowsEmitted, this._lastRowEndOffset, this._bytesConsumed);
      throw this.error;
    }
    this.release();
    return undefined;
  }

  /**
   * Cuts out every complete row of the pending bytes. Rows before a fault are handed out first; the fault
   * is then thrown by the next call.
   */
  private split(): RawRowBatch | undefined {
    const b = this.scratch;
    const n = this.len;
    b[n] = 0; // the validator's sentinel (append keeps a byte free for it)
    const stack = this.stack;
    let spans: number[] | undefined;
    let top = this.top;
    let i = 0;
    let keep = 0; // pending bytes before this index are done with
    let fault: { at: number; reason: string } | undefined;
    for (;;) {
      while (i < n && isWs(b[i]!)) i++;
      if (i >= n) {
        keep = n;
        break;
      }
      const c = b[i]!;
      if (top === TOP_AFTER) {
        if (c === COMMA) {
          top = TOP_ELEM;
          i++;
          continue;
        }
        if (c === RBRACKET) {
          this.phase = PHASE_AFTER;
          keep = i + 1;
          break;
        }
        fault = { at: i, reason: "expected ',' or ']' after a row" };
        break;
      }
      if (c === RBRACKET) {
        if (top === TOP_ELEM) {
          fault = { at: i, reason: "unexpected ']' after ',' (trailing comma)" };
          break;
        }
        this.phase = PHASE_AFTER;
        keep = i + 1;
        break;
      }
      if (c !== LBRACE) {
        fault = { at: i, reason: c === COMMA ? "unexpected ',' (empty element)" : 'top-level array element is not an object' };
        break;
      }
      const end = objectEnd(b, i, n, stack);
      if (end === INCOMPLETE) {
        keep = i;
        break;
      }
      if (end < 0) {
        fault = { at: -end - 2, reason: this.syntaxReason(i, -end - 2) };
        break;
      }
      (spans ??= []).push(i, end);
      top = TOP_AFTER;
      i = end;
    }
    this.top = top;

    // The fault's message quotes the pending bytes: made before they are handed out below.
    if (fault) this.error = this.malformed(fault.at, fault.reason);
    let batch: RawRowBatch | undefined;
    if (spans) {
      const first = spans[0]!;
      const last = spans[spans.length - 1]!;
      const rel = new Uint32Array(spans.length);
      for (let k = 0; k < spans.length; k++) rel[k] = spans[k]! - first;
      const startOffset = this.base + first;
      this._lastRowEndOffset = this.base + last;
      // After a fault nothing is read any more: hand the rows out and leave the pending bytes be.
      batch = { bytes: this.takeOut(first, last, fault ? last : keep), spans: rel, count: spans.length >> 1, startOffset };
      this._rowsEmitted += batch.count;
    }
    if (fault) {
      if (batch) return batch;
      throw this.error!;
    }
    const partial = this.phase === PHASE_ARRAY && keep < n;
    if (!batch) this.consume(keep);
    this.triedLen = partial ? this.len : 0;
    if (this.phase === PHASE_AFTER) this.checkTrailing();
    return batch;
  }

  /** V8's own words for what is wrong with the row starting at `start` (the validator only knows where). */
  private syntaxReason(start: number, at: number): string {
    try {
      JSON.parse(this.scratch.toString('utf8', start, Math.min(this.len, at + 1)));
    } catch (e) {
      const message = e instanceof Error ? e.message : String(e);
      return message.replace(/,? ".*" is not valid JSON$/s, '').replace(/ in JSON at position \d+.*$/s, '').slice(0, 100);
    }
    return 'invalid JSON in a row';
  }
}
