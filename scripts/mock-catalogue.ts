/**
 * `npm run generate:mock`: test/fixtures/fields_pad.json (the real API's field catalogue of pad 697) →
 * src/mock/field-catalogue.ts, the catalogue the embedded mock serves.
 *
 * The mock ships in the npm package, where test/fixtures does not exist, so the catalogue is generated once
 * and committed. It keeps what a client relies on (names in the recorded order, duplicates included,
 * units, categories, `connect_nulls`, plot limits) and leaves out what is only presentation (ids, labels,
 * colours, descriptions): the mock makes its own of those.
 *
 * `tsx scripts/mock-catalogue.ts --check` writes nothing and exits 1 when the committed file differs from
 * what the recording gives (test/mock/recordings.test.ts checks the same).
 */
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';

const repoRoot = path.resolve(__dirname, '..');
export const recordingPath = path.join(repoRoot, 'test', 'fixtures', 'fields_pad.json');
export const cataloguePath = path.join(repoRoot, 'src', 'mock', 'field-catalogue.ts');

/** The recorded properties the mock keeps, in the API's key order. */
export const KEPT_PROPERTIES = [
  'name',
  'si_unit',
  'imperial_unit',
  'energistics_si_unit',
  'energistics_imperial_unit',
  'connect_nulls',
  'source_category',
  'field_category',
  'si_plot_min',
  'si_plot_max',
  'imperial_plot_min',
  'imperial_plot_max',
] as const;

/** The module text for a recorded fields list. */
export function renderFieldCatalogue(recorded: unknown): string {
  if (!Array.isArray(recorded) || recorded.length === 0) throw new Error('fields recording: expected a non-empty list of fields');
  const lines = recorded.map((entry: unknown, i) => {
    if (typeof entry !== 'object' || entry === null) throw new Error(`fields recording [${i}]: not an object`);
    const kept = Object.fromEntries(
      KEPT_PROPERTIES.map((key) => {
        if (!(key in entry)) throw new Error(`fields recording [${i}]: no ${key}`);
        return [key, (entry as Record<string, unknown>)[key]];
      }),
    );
    return `  ${JSON.stringify(kept)},`;
  });
  return [
    '/**',
    ' * GENERATED FILE: do not edit by hand.',
    ' * Source: test/fixtures/fields_pad.json, the real API\'s field catalogue (GET /pads/697/fields/), recorded by',
    ' * ReStream Solutions for their `restreamsolutions` SDK (MIT; see test/fixtures/README.md). Regenerate with',
    ' * `npm run generate:mock`; test/mock/recordings.test.ts fails when this file is stale.',
    ' *',
    ' * What a client relies on, in the recorded order (a name can appear twice, as `slurry_rate` does):',
    ' * names, units, categories, `connect_nulls`, plot limits. Ids, labels and colours are the mock\'s own.',
    ' */',
    "import type { components } from '../../generated/schema';",
    '',
    "export type RecordedField = Required<Pick<components['schemas']['Field'], (typeof RECORDED_FIELD_KEYS)[number]>>;",
    '',
    '/** The recorded properties, in the API\'s key order. */',
    `export const RECORDED_FIELD_KEYS = ${JSON.stringify(KEPT_PROPERTIES)} as const;`,
    '',
    'export const RECORDED_FIELDS: readonly RecordedField[] = [',
    ...lines,
    '];',
    '',
  ].join('\n');
}

function main(): void {
  const text = renderFieldCatalogue(JSON.parse(readFileSync(recordingPath, 'utf8')));
  const relative = path.relative(repoRoot, cataloguePath);
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(cataloguePath, 'utf8');
    } catch {
      // missing: stale
    }
    if (current !== text) {
      console.error(`${relative} is stale: run \`npm run generate:mock\``);
      process.exit(1);
    }
    console.log(`${relative} is up to date`);
    return;
  }
  writeFileSync(cataloguePath, text);
  console.log(`wrote ${relative}`);
}

if (require.main === module) main();
