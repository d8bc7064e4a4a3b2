/**
 * Arithmetic on inclusive ranges of whole seconds: what of a sync's range is still missing, and which part
 * of a correction falls where the database holds data.
 */
import type { TimeRange } from './store';

/** The parts of `range` not covered by `covered` (merged, ascending), ascending. */
export function subtractRanges(range: TimeRange, covered: readonly TimeRange[]): TimeRange[] {
  const out: TimeRange[] = [];
  let from = range.start;
  for (const c of covered) {
    if (c.end < from) continue;
    if (c.start > range.end) break;
    if (c.start > from) out.push({ start: from, end: c.start - 1 });
    from = Math.max(from, c.end + 1);
    if (from > range.end) return out;
  }
  if (from <= range.end) out.push({ start: from, end: range.end });
  return out;
}

/** The parts of `range` inside `covered` (merged, ascending), ascending. */
export function intersectRanges(range: TimeRange, covered: readonly TimeRange[]): TimeRange[] {
  const out: TimeRange[] = [];
  for (const c of covered) {
    const start = Math.max(range.start, c.start);
    const end = Math.min(range.end, c.end);
    if (start <= end) out.push({ start, end });
  }
  return out;
}

/** The last second of the last covered range, or undefined when nothing is covered. */
export function coveredEnd(covered: readonly TimeRange[]): number | undefined {
  return covered.length > 0 ? covered[covered.length - 1]!.end : undefined;
}
