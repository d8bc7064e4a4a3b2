/**
 * Input checks shared by every facade. They run before any request, and each failure names the
 * parameter, so a typo costs a clear message instead of a round trip or a wrong download.
 */
import { ValidationError } from './http/errors';

/** A point in time: a `Date`, or an ISO-8601 string that says its offset (`Z` or `±hh:mm`). */
export type TimeInput = Date | string;

const ISO_WITH_OFFSET = /^(\d{4})-(\d{2})-(\d{2})[T ](\d{2}):(\d{2})(?::(\d{2})(?:\.\d+)?)?(Z|[+-]\d{2}(?::?\d{2})?)$/i;

/** Rejects any key of `options` that is not in `allowed`, naming it (and the nearest known name). */
export function rejectUnknownOptions(options: object | undefined, allowed: readonly string[], context: string): void {
  if (options === undefined || options === null) return;
  if (typeof options !== 'object' || Array.isArray(options)) {
    throw new ValidationError(context, `expected an options object, got ${describe(options)}`);
  }
  for (const key of Object.keys(options)) {
    if (!allowed.includes(key)) {
      const hint = nearest(key, allowed);
      throw new ValidationError(key, `unknown option for ${context}${hint ? ` (did you mean '${hint}'?)` : ''}; known: ${allowed.join(', ')}`);
    }
  }
}

/** A resource id: a positive safe integer (numeric strings such as "1112" are accepted and converted). */
export function toId(value: unknown, parameter = 'id'): number {
  const n = typeof value === 'string' && /^\d+$/.test(value.trim()) ? Number(value) : value;
  if (typeof n !== 'number' || !Number.isSafeInteger(n) || n <= 0) {
    throw new ValidationError(parameter, `must be a positive integer, got ${describe(value)}`);
  }
  return n;
}

/** Parses a time input; strings without an explicit offset are refused rather than guessed at. */
export function toDate(value: unknown, parameter: string): Date {
  if (value instanceof Date) {
    if (Number.isNaN(value.getTime())) throw new ValidationError(parameter, 'is an invalid Date');
    return value;
  }
  if (typeof value === 'string') {
    const m = ISO_WITH_OFFSET.exec(value.trim());
    if (!m) {
      throw new ValidationError(
        parameter,
        `must be a Date or an ISO-8601 string with an explicit offset such as '2025-05-16T10:00:00Z' or '2025-05-16T05:00:00-05:00', got ${describe(value)}`,
      );
    }
    const date = new Date(value.trim().replace(' ', 'T'));
    if (Number.isNaN(date.getTime()) || Number(m[2]) > 12 || Number(m[3]) > 31 || Number(m[4]) > 23 || Number(m[5]) > 59) {
      throw new ValidationError(parameter, `is not a valid date-time: ${describe(value)}`);
    }
    return date;
  }
  throw new ValidationError(parameter, `must be a Date or an ISO-8601 string with an offset, got ${describe(value)}`);
}

export function optionalDate(value: unknown, parameter: string): Date | undefined {
  return value === undefined || value === null ? undefined : toDate(value, parameter);
}

/** `2025-05-16T10:00:00Z`: the history endpoints' format (UTC, whole seconds). */
export function formatIsoSeconds(date: Date): string {
  return date.toISOString().slice(0, 19) + 'Z';
}

/** `2025-05-16 10:00:00`: the data endpoint's format (UTC, whole seconds). */
export function formatDataTime(date: Date): string {
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

export function oneOf<T extends string>(value: unknown, allowed: readonly T[], parameter: string): T {
  if (typeof value !== 'string' || !(allowed as readonly string[]).includes(value)) {
    throw new ValidationError(parameter, `must be one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${describe(value)}`);
  }
  return value as T;
}

export function toBoolean(value: unknown, parameter: string): boolean {
  if (typeof value !== 'boolean') throw new ValidationError(parameter, `must be true or false, got ${describe(value)}`);
  return value;
}

export function positiveInteger(value: unknown, parameter: string): number {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value <= 0) {
    throw new ValidationError(parameter, `must be a positive integer, got ${describe(value)}`);
  }
  return value;
}

/** A non-empty list of non-empty strings, from an array or a comma-joined string. */
export function stringList(value: unknown, parameter: string): string[] {
  const items = typeof value === 'string' ? value.split(',') : value;
  if (!Array.isArray(items) || items.length === 0) {
    throw new ValidationError(parameter, `must be a non-empty list of names, got ${describe(value)}`);
  }
  return items.map((item, i) => {
    if (typeof item !== 'string' || item.trim() === '' || item.includes(',')) {
      throw new ValidationError(`${parameter}[${i}]`, `must be a non-empty name without commas, got ${describe(item)}`);
    }
    return item.trim();
  });
}

export function describe(value: unknown): string {
  if (value === undefined) return 'undefined';
  if (value === null) return 'null';
  if (value instanceof Date) return `Date(${Number.isNaN(value.getTime()) ? 'Invalid' : value.toISOString()})`;
  if (typeof value === 'string') return JSON.stringify(value.length > 60 ? `${value.slice(0, 60)}…` : value);
  if (typeof value === 'object') return Array.isArray(value) ? 'an array' : 'an object';
  return `${typeof value} ${String(value)}`;
}

/** How many edits a name may be away from a known one and still count as a typo of it. */
function typoDistance(name: string): number {
  return Math.max(2, Math.floor(name.length / 3));
}

function nearest(key: string, allowed: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const candidate of allowed) {
    const d = editDistance(key.toLowerCase(), candidate.toLowerCase());
    if (d < bestDistance) {
      bestDistance = d;
      best = candidate;
    }
  }
  return bestDistance <= typoDistance(key) ? best : undefined;
}

/**
 * The known names a mistyped `name` probably meant, best first (at most `max`): names a few edits away
 * (case ignored), then names that contain it, give or take a typo (`slury_rate` → `M1_slurry_rate`), or
 * that it contains.
 */
export function closeMatches(name: string, known: readonly string[], max = 5): string[] {
  const lower = name.toLowerCase();
  const limit = typoDistance(name);
  const scored: Array<{ candidate: string; score: number }> = [];
  for (const candidate of new Set(known)) {
    const c = candidate.toLowerCase();
    const d = editDistance(lower, c);
    if (d <= limit) {
      scored.push({ candidate, score: d });
      continue;
    }
    if (lower.length < 3) continue;
    const inside = lower.length >= 4 ? substringDistance(lower, c) : c.includes(lower) ? 0 : Infinity;
    const within = inside <= limit ? inside : c.length >= 3 && lower.includes(c) ? 0 : Infinity;
    if (within !== Infinity) scored.push({ candidate, score: limit + 1 + within + Math.abs(c.length - lower.length) / 1000 });
  }
  return scored
    .sort((a, b) => a.score - b.score || a.candidate.localeCompare(b.candidate))
    .slice(0, max)
    .map((s) => s.candidate);
}

/** The fewest edits that turn `a` into some substring of `b` (0 when `b` contains `a`). */
function substringDistance(a: string, b: string): number {
  // Edit distance with a free start and a free end in `b`: row 0 is all zeros, the answer the last row's minimum.
  let row = new Array<number>(b.length + 1).fill(0);
  for (let i = 1; i <= a.length; i++) {
    const next = [i];
    for (let j = 1; j <= b.length; j++) next[j] = Math.min(row[j]! + 1, next[j - 1]! + 1, row[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
    row = next;
  }
  return Math.min(...row);
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length]!;
}
