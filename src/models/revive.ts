/**
 * Date revival: wire objects carry ISO strings; models carry `Date`s. Which properties are date-times
 * comes from the contract (generated/date-fields.ts), never from a hand-kept list of names.
 */

/** A path to a property: names, with "*" for every item of an array or every value of a map. */
export type PropertyPath = readonly string[];

/**
 * Returns a copy of `value` in which every property at one of `paths` that holds a date-time string is a
 * `Date`. Nulls, absent properties and strings that do not parse are left as they are: the API has
 * optional and null dates, and an unparseable one is better kept than lost.
 */
export function reviveDates<T>(value: T, paths: readonly PropertyPath[]): T {
  if (paths.length === 0 || value === null || typeof value !== 'object') return value;
  let out: unknown = value;
  for (const path of paths) out = reviveAt(out, path, 0);
  return out as T;
}

function reviveAt(node: unknown, path: PropertyPath, depth: number): unknown {
  if (depth === path.length) {
    if (typeof node !== 'string') return node;
    const date = new Date(node);
    return Number.isNaN(date.getTime()) ? node : date;
  }
  if (node === null || typeof node !== 'object') return node;
  const key = path[depth]!;
  if (key === '*') {
    if (Array.isArray(node)) {
      let copy: unknown[] | undefined;
      node.forEach((item, i) => {
        const revived = reviveAt(item, path, depth + 1);
        if (revived !== item) (copy ??= node.slice())[i] = revived;
      });
      return copy ?? node;
    }
    let copy: Record<string, unknown> | undefined;
    for (const [k, v] of Object.entries(node)) {
      const revived = reviveAt(v, path, depth + 1);
      if (revived !== v) (copy ??= { ...(node as Record<string, unknown>) })[k] = revived;
    }
    return copy ?? node;
  }
  if (Array.isArray(node) || !(key in node)) return node;
  const current = (node as Record<string, unknown>)[key];
  const revived = reviveAt(current, path, depth + 1);
  return revived === current ? node : { ...(node as Record<string, unknown>), [key]: revived };
}
