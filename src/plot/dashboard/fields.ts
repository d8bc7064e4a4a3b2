/**
 * Which fields the dashboard charts, and how they are grouped into charts: the site's fields metadata is the
 * list of valid names (a typo is refused with the names it probably meant), and fields that share a unit
 * share a chart, so a pressure and a rate are never drawn against one axis.
 */
import { ValidationError } from '../../http/errors';
import type { Field } from '../../models/types';
import { checkFieldNames, fieldsByName, unitKey, unitOf } from '../fields';

/** How many fields are charted when none are asked for. */
export const DEFAULT_FIELD_COUNT = 6;

/** One charted series, as the page gets it. */
export interface ChartField {
  name: string;
  /** What the legend says: the customer-facing label, else the label, else the name. */
  label: string;
  /** The unit in the chosen unit system, when the metadata has one. */
  unit: string | null;
  /** CSS colour from the metadata (`primary_color`), when it has one. */
  color: string | null;
  /** Draw a line across missing values (the metadata's `connect_nulls`) instead of leaving a gap. */
  connectNulls: boolean;
}

/** One chart: the fields of one physical unit (shown as its first field's unit). */
export interface ChartGroup {
  unit: string | null;
  fields: ChartField[];
}

/**
 * The fields to chart. `requested` names are checked against the metadata (an unknown one is a
 * ValidationError on `fields` that lists its close matches); without `requested`, the first
 * {@link DEFAULT_FIELD_COUNT} customer-facing fields (or the first fields, when none is customer-facing).
 */
export function chooseFields(metadata: readonly Field[], requested: readonly string[] | undefined, siteId: number): Field[] {
  if (requested === undefined) {
    const facing = metadata.filter((f) => f.customer_facing_label);
    return (facing.length > 0 ? facing : metadata).slice(0, DEFAULT_FIELD_COUNT);
  }
  if (requested.length === 0) throw new ValidationError('fields', 'must name at least one field');
  checkFieldNames(requested, metadata, siteId);
  const byName = fieldsByName(metadata);
  return [...new Set(requested)].map((name) => byName.get(name)!);
}

/** The fields as the page charts them, grouped by unit in the order of their first field. */
export function groupByUnit(fields: readonly Field[], siUnits: boolean): ChartGroup[] {
  const groups: ChartGroup[] = [];
  const keys: Array<string | null> = [];
  for (const f of fields) {
    const unit = unitOf(f, siUnits);
    const key = unitKey(f, siUnits);
    const chartField: ChartField = {
      name: f.name,
      label: f.customer_facing_label || f.label || f.name,
      unit,
      color: f.primary_color || null,
      connectNulls: f.connect_nulls === true,
    };
    // Fields without a unit get a chart each: nothing says their scales agree.
    const group = key === null ? undefined : keys.indexOf(key);
    if (group !== undefined && group >= 0) groups[group]!.fields.push(chartField);
    else {
      keys.push(key);
      groups.push({ unit, fields: [chartField] });
    }
  }
  return groups;
}
