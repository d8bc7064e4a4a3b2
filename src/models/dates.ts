/**
 * Date revival by schema name: the generated list says which properties of each contract schema are
 * date-times, so a new date field in the API needs a regenerate, not a code change.
 */
import { dateTimeFields } from '../../generated/date-fields';
import { reviveDates } from './revive';

export type SchemaName = keyof typeof dateTimeFields;

/** A copy of a wire object of schema `schema` with its date-time properties as `Date`s. */
export function reviveSchema<T>(schema: SchemaName, value: unknown): T {
  return reviveDates(value, dateTimeFields[schema]) as T;
}

/** The same for each item of a list. */
export function reviveList<T>(schema: SchemaName, values: readonly unknown[]): T[] {
  const paths = dateTimeFields[schema];
  return values.map((v) => reviveDates(v, paths) as T);
}
