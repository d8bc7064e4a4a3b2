/**
 * What the plot and the dashboard both read from a site's fields metadata: which requested names exist, and
 * which fields may share an axis.
 */
import { ValidationError } from '../http/errors';
import type { Field } from '../models/types';
import { closeMatches } from '../validate';

/**
 * Throws a ValidationError on `fields` naming every requested field the metadata lacks, each with the names
 * it probably meant, before anything is downloaded.
 */
export function checkFieldNames(fields: readonly string[], metadata: readonly Field[], siteId: number): void {
  const known = metadata.map((f) => f.name);
  const unknown = fields.filter((f) => !known.includes(f));
  if (unknown.length === 0) return;
  const parts = unknown.map((name) => {
    const close = closeMatches(name, known);
    return `'${name}'${close.length ? ` (close matches: ${close.join(', ')})` : ''}`;
  });
  throw new ValidationError('fields', `site ${siteId} has no field ${parts.join(', no field ')}; 'restream fields site ${siteId}' lists them`);
}

/** A field's unit as shown, in the chosen system; null when the metadata has none. */
export function unitOf(meta: Field | undefined, siUnits: boolean): string | null {
  const unit = siUnits ? meta?.si_unit : meta?.imperial_unit;
  return typeof unit === 'string' && unit.trim() !== '' ? unit.trim() : null;
}

/**
 * Which fields may share an axis: those of one physical unit. The metadata spells a unit differently on
 * different fields (`bpm` on `slurry_rate`, `bbl/min` on `M1_slurry_rate`), so the Energistics unit, its
 * standard name, decides where there is one; the shown unit otherwise. Null: no unit, so the field shares
 * an axis with nothing (nothing says its scale agrees with another's).
 */
export function unitKey(meta: Field | undefined, siUnits: boolean): string | null {
  const standard = siUnits ? meta?.energistics_si_unit : meta?.energistics_imperial_unit;
  if (typeof standard === 'string' && standard.trim() !== '') return standard.trim();
  return unitOf(meta, siUnits);
}

/** The metadata by field name. The API can list a name twice (`slurry_rate` in the recordings): the first entry counts. */
export function fieldsByName(metadata: readonly Field[]): Map<string, Field> {
  const byName = new Map<string, Field>();
  for (const f of metadata) if (!byName.has(f.name)) byName.set(f.name, f);
  return byName;
}
