/**
 * The chart model, from metadata alone: which fields share a panel (one physical unit, however the metadata
 * spells it) and which colour each line gets (the field's own, unless its panel shows it already or it is
 * too pale to see on white).
 */
import { buildChart } from '../../src/plot/chart';
import type { DownsampledSeries } from '../../src/plot/downsample';
import type { Field } from '../../src/models/types';

const field = (name: string, extra: Partial<Field>): Field => ({ id: name.length, name, label: name, ...extra }) as Field;

const series = (name: string): DownsampledSeries => ({
  field: name,
  t: Float64Array.of(0, 60),
  v: Float64Array.of(1, 2),
  breaks: [],
  values: 2,
  min: 1,
  max: 2,
});

function chart(fields: Field[], siUnits = false) {
  return buildChart({
    title: 't',
    subtitle: 's',
    start: 0,
    end: 60,
    series: fields.map((f) => series(f.name)),
    fields,
    siUnits,
    yRange: 'data',
    stages: [],
  });
}

test('fields of one physical unit share a panel, whatever the unit is called; the first field names it', () => {
  const fields = [
    field('M1_slurry_rate', { imperial_unit: 'bbl/min', energistics_imperial_unit: 'bbl/min', si_unit: 'L/min', energistics_si_unit: 'L/min' }),
    field('slurry_rate', { imperial_unit: 'bpm', energistics_imperial_unit: 'bbl/min', si_unit: 'm^3/min', energistics_si_unit: 'm3/min' }),
    field('pressure', { imperial_unit: 'psi', si_unit: 'kPa' }),
    field('valve', {}),
    field('other_valve', {}),
  ];
  const imperial = chart(fields);
  expect(imperial.panels.map((p) => p.series.map((s) => s.field))).toEqual([['M1_slurry_rate', 'slurry_rate'], ['pressure'], ['valve'], ['other_valve']]);
  expect(imperial.panels.map((p) => p.series[0]!.unit)).toEqual(['bbl/min', 'psi', null, null]);
  // In SI the two rates are different units (L/min and m³/min): separate panels.
  expect(chart(fields, true).panels.map((p) => p.series.map((s) => s.field))[0]).toEqual(['M1_slurry_rate']);
});

test("each line in its field's colour, unless its panel shows that colour already or it is too pale", () => {
  const fields = [
    field('a', { imperial_unit: 'psi', primary_color: '#D62728' }),
    field('b', { imperial_unit: 'psi', primary_color: '#d62728' }),
    field('c', { imperial_unit: 'ppm', primary_color: '#D62728' }),
    field('d', { imperial_unit: 'ft', primary_color: '#FFFFFF' }),
  ];
  const colors = new Map(chart(fields).panels.flatMap((p) => p.series.map((s) => [s.field, s.color] as const)));
  expect(colors.get('a')).toBe('#D62728');
  expect(colors.get('b')).not.toBe('#D62728'); // the same colour in the same panel
  expect(colors.get('c')).toBe('#D62728'); // another panel may repeat it
  expect(colors.get('d')).not.toBe('#FFFFFF'); // white on white
  expect(new Set(colors.values()).size).toBe(3);
});
