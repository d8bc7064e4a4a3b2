/**
 * What the two readers of a `/data/` body share (`JsonArrayParser`, which parses rows, and
 * `JsonRowSplitter`, which only validates and cuts them): the buffer of pending bytes, the array's opening
 * bracket and what may follow its closing one, and errors that quote where the input went wrong.
 */
import { MalformedJsonError } from './json-array-parser-errors';

// Where a reader stands in the stream.
export const PHASE_BEFORE = 0; // waiting for '['
export const PHASE_ARRAY = 1; // inside the top-level array
export const PHASE_AFTER = 2; // after ']': only whitespace may follow

/** How many characters of source text an error message quotes, at most. */
const EXCERPT_CHARS = 80;
/** The pending buffer is released when it grew beyond this and is mostly empty again. */
const SHRINK_BYTES = 8 << 20;

const SPACE = 0x20;
const TAB = 0x09;
const LF = 0x0a;
const CR = 0x0d;
const LBRACKET = 0x5b;

export const isJsonWs = (c: number): boolean => c === SPACE || c === LF || c === CR || c === TAB;

export abstract class JsonArrayInput {
  protected phase = PHASE_BEFORE;
  /** The first fault found; every later call throws it again. */
  protected error: Error | undefined;
  /** Pending bytes live in scratch[0, len); scratch[0] is stream byte `base`. */
  protected scratch: Buffer;
  protected len = 0;
  protected base = 0;

  /**
   * @param initialBytes the pending buffer's first size (it grows as needed).
   * @param spare bytes kept free after the pending ones (the splitter's sentinel).
   */
  protected constructor(
    private readonly initialBytes: number,
    private readonly spare: number,
  ) {
    this.scratch = Buffer.allocUnsafeSlow(initialBytes);
  }

  /** Appends bytes to the pending ones. */
  protected append(bytes: Uint8Array): void {
    const need = this.len + bytes.length;
    if (need + this.spare > this.scratch.length) {
      const grown = Buffer.allocUnsafeSlow(Math.max(need + this.spare, this.scratch.length * 2, this.initialBytes));
      this.scratch.copy(grown, 0, 0, this.len);
      this.scratch = grown;
    }
    this.scratch.set(bytes, this.len);
    this.len = need;
  }

  /** Drops the first `n` pending bytes. */
  protected consume(n: number): void {
    if (n <= 0) return;
    const rest = this.len - n;
    if (rest > 0) this.scratch.copyWithin(0, n, this.len);
    this.len = rest;
    this.base += n;
    if (this.scratch.length > SHRINK_BYTES && rest < this.scratch.length >> 3) {
      const smaller = Buffer.allocUnsafeSlow(Math.max(rest * 2 + this.spare, this.initialBytes));
      this.scratch.copy(smaller, 0, 0, rest);
      this.scratch = smaller;
    }
  }

  /**
   * Hands out pending bytes `[from, to)` without copying them and drops the first `keep` (≥ `to`): the
   * pending buffer becomes the caller's, and the bytes from `keep` on move to a fresh one. Saves a copy of
   * every byte a splitter hands out whole (a new buffer per batch is allocated either way).
   */
  protected takeOut(from: number, to: number, keep: number): Buffer {
    const out = this.scratch.subarray(from, to);
    const rest = this.len - keep;
    const size = this.scratch.length > SHRINK_BYTES ? Math.max(rest * 2 + this.spare, this.initialBytes) : this.scratch.length;
    const fresh = Buffer.allocUnsafeSlow(size);
    if (rest > 0) this.scratch.copy(fresh, 0, keep, this.len);
    this.scratch = fresh;
    this.len = rest;
    this.base += keep;
    return out;
  }

  /** Lets go of the pending buffer (the input is over). */
  protected release(): void {
    this.scratch = Buffer.allocUnsafeSlow(0);
    this.len = 0;
  }

  /**
   * Looks for the opening '[' (after whitespace and an optional UTF-8 byte order mark, possibly split across
   * chunks). True once found (the phase is then PHASE_ARRAY); false while more bytes are needed.
   */
  protected findOpeningBracket(): boolean {
    const b = this.scratch;
    let i = 0;
    if (this.base === 0 && this.len > 0 && b[0] === 0xef) {
      if ((this.len >= 2 && b[1] !== 0xbb) || (this.len >= 3 && b[2] !== 0xbf)) this.fail(0, "expected '[' at the start of the JSON array");
      if (this.len < 3) return false;
      i = 3;
    }
    while (i < this.len && isJsonWs(b[i]!)) i++;
    if (i === this.len) {
      this.consume(i);
      return false;
    }
    if (b[i] !== LBRACKET) this.fail(i, "expected '[' at the start of the JSON array");
    this.consume(i + 1);
    this.phase = PHASE_ARRAY;
    return true;
  }

  /** Only whitespace may follow the closing bracket: checks the pending bytes from `from` on. */
  protected checkTrailing(from = 0): void {
    const b = this.scratch;
    for (let i = from; i < this.len; i++) {
      if (!isJsonWs(b[i]!)) this.fail(i, "unexpected data after the closing ']'");
    }
    this.consume(this.len);
  }

  /** Records (and throws) a fault at pending index `i`. */
  protected fail(i: number, reason: string): never {
    this.error = this.malformed(i, reason);
    throw this.error;
  }

  /** A MalformedJsonError at pending index `i`, quoting a little of the text around it. */
  protected malformed(i: number, reason: string): MalformedJsonError {
    let excerpt = this.scratch.toString('utf8', Math.max(0, i - 30), Math.min(this.len, i + 40));
    if (excerpt.length > EXCERPT_CHARS) excerpt = excerpt.slice(0, EXCERPT_CHARS);
    return new MalformedJsonError(reason, this.base + i, excerpt);
  }
}
