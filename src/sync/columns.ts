/**
 * From the API's rows to the table's columns. Rows are sparse and differ in their keys; the table has one
 * column per field ever seen. Each batch of rows is laid out column by column against the table's current
 * columns; a key the table lacks, or a string where the column holds numbers, sends the batch back with
 * what the table needs first (see `fillColumns`), and the store changes the table before the batch is
 * written.
 *
 * The type rule: a field whose values are numbers is `double precision`; anything else (strings such as
 * valve states, booleans, nested values) is `text`. A number column that meets a non-number becomes text
 * and keeps every value: the database converts the stored numbers to their text, and later numbers in it
 * are written as the shortest text that reads back as the same double (JavaScript's `String(n)`). A column
 * never turns back into numbers, and is never dropped. `null`, or a key a row lacks, is NULL.
 */
import { APICompatibilityError } from '../http/errors';
import type { Row } from '../data/stream';

export type ColumnType = 'double' | 'text';

export interface Column {
  name: string;
  type: ColumnType;
}

/** The key columns, which no field may be named after: the row's `timestamp` is stored as `ts`. */
export const KEY_COLUMNS = ['site_id', 'ts'] as const;

/** The table's value columns in table order, with each name's position. */
export class ColumnLayout {
  readonly columns: readonly Column[];
  readonly index: ReadonlyMap<string, number>;
  /** Lower-cased names: DuckDB matches identifiers without regard to case. */
  private readonly folded: ReadonlyMap<string, string>;

  constructor(columns: readonly Column[]) {
    this.columns = columns;
    this.index = new Map(columns.map((c, i) => [c.name, i]));
    this.folded = new Map(columns.map((c) => [c.name.toLowerCase(), c.name]));
  }

  /** The layout with `changes` applied: new columns appended, existing ones re-typed. */
  with(changes: readonly Column[]): ColumnLayout {
    const columns = this.columns.map((c) => ({ ...c }));
    for (const change of changes) {
      const i = this.index.get(change.name);
      if (i === undefined) columns.push({ ...change });
      else columns[i]!.type = change.type;
    }
    return new ColumnLayout(columns);
  }

  /** An existing column whose name differs from `name` only in case, if any. */
  caseTwin(name: string): string | undefined {
    const twin = this.folded.get(name.toLowerCase());
    return twin !== undefined && twin !== name ? twin : undefined;
  }
}

/** One column of a batch: numbers with a validity flag each, or texts (`null` for NULL). */
export type ColumnVector = { type: 'double'; values: Float64Array; valid: Uint8Array } | { type: 'text'; values: Array<string | null> };

/** Rows of one site laid out in the table's columns. */
export interface ColumnBatch {
  siteId: number;
  length: number;
  /** Unix seconds of each row. */
  ts: Float64Array;
  /** One vector per column of the layout the batch was filled against, in its order. */
  vectors: ColumnVector[];
  layout: ColumnLayout;
  /** Timestamps of the first and last rows (rows of a site arrive in time order). */
  first: number;
  last: number;
}

/** `fillColumns`' answer when the table must change first. */
export interface SchemaNeeds {
  /** Columns to add (new fields) or to turn into text (a non-number in a number column). */
  changes: Column[];
}

function kindOf(value: unknown): ColumnType | undefined {
  if (value === null || value === undefined) return undefined;
  return typeof value === 'number' ? 'double' : 'text';
}

function textOf(value: unknown): string {
  if (typeof value === 'string') return value;
  if (typeof value === 'number' || typeof value === 'boolean') return String(value);
  return JSON.stringify(value);
}

/**
 * Lays `rows[from, to)` of site `siteId` out in `layout`'s columns, or, when a row has a key the layout lacks
 * or a non-number where the layout has numbers, says which columns to add or re-type (every such column of
 * the range, so one schema change covers the batch).
 */
export function fillColumns(siteId: number, rows: readonly Row[], from: number, to: number, layout: ColumnLayout): ColumnBatch | SchemaNeeds {
  const n = to - from;
  const columns = layout.columns;
  const vectors: ColumnVector[] = columns.map((c) =>
    c.type === 'double' ? { type: 'double', values: new Float64Array(n), valid: new Uint8Array(n) } : { type: 'text', values: new Array<string | null>(n).fill(null) },
  );
  const ts = new Float64Array(n);
  let needs: Map<string, ColumnType> | undefined;
  for (let r = 0; r < n; r++) {
    const row = rows[from + r]!;
    const t = row.timestamp;
    if (typeof t !== 'number' || !Number.isFinite(t)) {
      throw new APICompatibilityError(`site ${siteId}: a row without a numeric timestamp: ${JSON.stringify(row).slice(0, 200)}`);
    }
    ts[r] = t;
    for (const key in row) {
      if (key === 'timestamp' || key === 'site_id') continue;
      const value = row[key];
      const k = layout.index.get(key);
      if (k === undefined) {
        const kind = kindOf(value) ?? 'double';
        needs ??= new Map();
        if (needs.get(key) !== 'text') needs.set(key, kind);
        continue;
      }
      if (value === null || value === undefined) continue;
      const v = vectors[k]!;
      if (v.type === 'double') {
        if (typeof value === 'number') {
          v.values[r] = value;
          v.valid[r] = 1;
        } else {
          (needs ??= new Map()).set(key, 'text');
        }
      } else {
        v.values[r] = textOf(value);
      }
    }
  }
  if (needs) {
    for (const name of needs.keys()) checkFieldName(name, layout);
    return { changes: [...needs].map(([name, type]) => ({ name, type })) };
  }
  return { siteId, length: n, ts, vectors, layout, first: n > 0 ? ts[0]! : NaN, last: n > 0 ? ts[n - 1]! : NaN };
}

/** Whether `fillColumns` answered with schema needs. */
export function isSchemaNeeds(result: ColumnBatch | SchemaNeeds): result is SchemaNeeds {
  return 'changes' in result;
}

/** Refuses field names the table cannot hold as they are. */
function checkFieldName(name: string, layout: ColumnLayout): void {
  if ((KEY_COLUMNS as readonly string[]).includes(name)) {
    throw new APICompatibilityError(`a field is named '${name}', like a key column of the measurements table; restream sync cannot store it`);
  }
  if (name === '' || Buffer.byteLength(name) > 63) {
    throw new APICompatibilityError(`field name '${name.slice(0, 80)}' is empty or longer than 63 bytes, the longest column name PostgreSQL keeps`);
  }
  const twin = layout.caseTwin(name);
  if (twin !== undefined) {
    throw new APICompatibilityError(`fields '${twin}' and '${name}' differ only in case; DuckDB cannot hold both as columns of one table`);
  }
}
