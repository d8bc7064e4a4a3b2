/**
 * Splitting an export's time range into chunks. The API's ends are inclusive at one-second granularity, so
 * chunk k covers [start + k·chunk, start + (k+1)·chunk − 1 s], the last one clipped to the end: consecutive
 * chunks neither overlap nor leave a gap, and their rows add up to the rows of the whole range.
 */
import { ValidationError } from '../http/errors';
import { describe } from '../validate';

/** One day: the default chunk. */
export const DEFAULT_CHUNK_SECONDS = 86_400;

/** More chunks than this in one export is almost certainly a mistake (a '1s' chunk over a month). */
export const MAX_CHUNKS = 200_000;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };

/**
 * A chunk length in seconds, from milliseconds (a number) or a string `Ns`, `Nm`, `Nh` or `Nd` (`'10m'`,
 * `'1h'`, `'1d'`). It must be a whole number of seconds, at least one, and a whole multiple of the
 * resolution's bucket (`bucketSeconds`), so that no bucket straddles two chunks.
 */
export function parseChunk(value: unknown, bucketSeconds = 1): number {
  let seconds: number;
  if (value === undefined) {
    seconds = DEFAULT_CHUNK_SECONDS;
  } else if (typeof value === 'number') {
    if (!Number.isFinite(value) || value < 1000 || value % 1000 !== 0) {
      throw new ValidationError('chunk', `as a number it is milliseconds: a whole number of seconds, at least 1000, got ${describe(value)}`);
    }
    seconds = value / 1000;
  } else if (typeof value === 'string') {
    const m = /^\s*(\d+)\s*([smhd])\s*$/i.exec(value);
    if (!m) throw new ValidationError('chunk', `must be milliseconds or a string such as '10m', '1h', '1d' (units s, m, h, d), got ${describe(value)}`);
    seconds = Number(m[1]) * UNIT_SECONDS[m[2]!.toLowerCase()]!;
    if (!Number.isSafeInteger(seconds) || seconds < 1) throw new ValidationError('chunk', `must be at least one second, got ${describe(value)}`);
  } else {
    throw new ValidationError('chunk', `must be milliseconds or a string such as '10m', '1h', '1d', got ${describe(value)}`);
  }
  if (seconds % bucketSeconds !== 0) {
    throw new ValidationError('chunk', `must be a whole multiple of the resolution's bucket (${bucketSeconds} s), got ${seconds} s`);
  }
  return seconds;
}

/** One chunk: inclusive first and last second (unix seconds), and its position. */
export interface TimeChunk {
  index: number;
  start: number;
  end: number;
}

/** The chunks of [start, end] (unix seconds, both inclusive), `chunkSeconds` long, the last one clipped. */
export function splitRange(start: number, end: number, chunkSeconds: number): TimeChunk[] {
  if (!Number.isSafeInteger(start) || !Number.isSafeInteger(end) || end < start) throw new RangeError('splitRange: need integer start <= end');
  if (!Number.isSafeInteger(chunkSeconds) || chunkSeconds < 1) throw new RangeError('splitRange: chunkSeconds must be a positive integer');
  const chunks: TimeChunk[] = [];
  for (let index = 0, from = start; from <= end; index++, from += chunkSeconds) {
    chunks.push({ index, start: from, end: Math.min(end, from + chunkSeconds - 1) });
  }
  return chunks;
}

/** How many chunks `splitRange` would make, without making them. */
export function chunkCount(start: number, end: number, chunkSeconds: number): number {
  return end < start ? 0 : Math.floor((end - start) / chunkSeconds) + 1;
}

/** `2025-01-01T00:00:00Z` → `2025-01-01T00-00-00Z`: a chunk's file name stem (no colons, sorts by time). */
export function chunkFileStem(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 19).replace(/:/g, '-') + 'Z';
}

/** `2025-01-01T00:00:00Z`: whole-second UTC ISO text, as the manifest stores times. */
export function isoSeconds(unixSeconds: number): string {
  return new Date(unixSeconds * 1000).toISOString().slice(0, 19) + 'Z';
}
