/** The errors of the `/data/` body readers (JsonArrayParser, JsonRowSplitter). */

/**
 * The stream ended (see {@link JsonArrayParser.end}) before the array's closing `]`. Every complete row
 * before the break has been handed out already; `rowsEmitted` and `lastRowEndOffset` say how far that was.
 */
export class TruncatedStreamError extends Error {
  override readonly name = 'TruncatedStreamError';
  /** Rows handed out before the stream broke. */
  readonly rowsEmitted: number;
  /** Byte offset just past the last complete row (0 if there was none). */
  readonly lastRowEndOffset: number;
  /** Bytes received in total. */
  readonly bytesConsumed: number;

  constructor(rowsEmitted: number, lastRowEndOffset: number, bytesConsumed: number) {
    super(
      `JSON array stream truncated after ${bytesConsumed} bytes: the closing ']' never arrived ` +
        `(${rowsEmitted} complete rows, the last ending at byte ${lastRowEndOffset})`,
    );
    this.rowsEmitted = rowsEmitted;
    this.lastRowEndOffset = lastRowEndOffset;
    this.bytesConsumed = bytesConsumed;
  }
}

/**
 * The stream is not a JSON array of objects: bad JSON inside a row, a top-level element that is not an
 * object, or anything but whitespace before `[` or after `]`.
 */
export class MalformedJsonError extends Error {
  override readonly name = 'MalformedJsonError';
  /** Byte offset in the stream where the problem was detected (the start of the row when unknown). */
  readonly offset: number;
  /** A short piece of the source text around `offset` (at most 80 characters). */
  readonly excerpt: string;

  constructor(reason: string, offset: number, excerpt: string) {
    super(`Malformed JSON at byte ${offset}: ${reason} near ${JSON.stringify(excerpt)}`);
    this.offset = offset;
    this.excerpt = excerpt;
  }
}
