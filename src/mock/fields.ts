/**
 * The measurement fields: the series the data endpoint generates, and the metadata the fields endpoint
 * lists. The metadata comes from the real API's catalogue (field-catalogue.ts, generated from the
 * recording), and a series' SI conversion is looked up from that catalogue's units, so rows and metadata
 * never disagree on a name or a unit. Value ranges, labels, ids and colours are the mock's own.
 */
import type { components } from '../../generated/schema';
import { RECORDED_FIELDS, type RecordedField } from './field-catalogue';

type Field = components['schemas']['Field'];

/** How a series is rendered: a float (`1.0`), an int (`1`), a valve string, or the frac step counter. */
export type SeriesKind = 'float' | 'int' | 'valve' | 'step';

/** Imperial → SI as `si = imperial * factor + offset`. */
export type Conversion = readonly [factor: number, offset: number];

export interface SeriesSpec {
  name: string;
  kind: SeriesKind;
  /** Imperial value range outside frac stages; `[0, 0]` for a frac-only series. */
  idle: readonly [number, number];
  /** Value range during frac stages; the idle range when absent. */
  frac?: readonly [number, number];
  /** Period of the slow wave the values follow, in seconds. */
  period: number;
  /** Share of noise in a value (0 = pure wave, 1 = pure noise). */
  noise: number;
  /** Only the dense ('full') rows carry it: the recorded rows have no reading of it. */
  denseOnly?: boolean;
}

const s = (
  name: string,
  idle: readonly [number, number],
  period: number,
  noise: number,
  extra: Partial<SeriesSpec> = {},
): SeriesSpec => ({ name, kind: 'float', idle, period, noise, ...extra });

/**
 * The series every 'full' row carries, in wire order: the order of a recorded row (data_pad.json), the
 * valves last, after `site_id`. Indexes into this list seed each series' values, so a series keeps its
 * place here even where rows put it elsewhere.
 */
export const SERIES: readonly SeriesSpec[] = [
  s('M1_surfactant_conc1', [0, 0], 1800, 0.2, { frac: [0.8, 1.6] }),
  s('M1_friction_reducer_conc1', [0, 0], 1500, 0.2, { frac: [0.4, 1.2] }),
  s('slurry_ph_flowing', [8.05, 8.2], 5400, 0.3),
  s('clean_analytics_spool_ph', [5.2, 6.9], 7200, 0.25),
  s('slurry_kin_viscosity_raw', [0.58, 0.62], 3600, 0.4),
  s('clean_analytics_spool_orp', [-46, 35], 9000, 0.2),
  s('clean_conductivity_raw', [2.15, 2.31], 4000, 0.3),
  s('slurry__corrosion_raw', [31.4, 31.6], 20000, 0.1),
  s('slurry_feed_inlet_viscosity', [0.57, 0.61], 3600, 0.4),
  s('slurry_feed_inlet_pressure', [3, 36], 900, 0.3),
  s('_frictionInlet_pressure_', [1, 26], 600, 0.5),
  s('clean_feed_inlet_density_raw', [8.54, 8.71], 2400, 0.3),
  s('slurry_analytics_spool_ph', [8.05, 8.2], 5400, 0.3),
  s('clean__corrosion_raw', [79.5, 80.2], 30000, 0.05),
  s('clean_sample_slipstream_flow', [0, 6.8], 1200, 0.3),
  s('slurry_feed_inlet_denisty_raw', [8.22, 8.25], 2400, 0.5),
  s('ac_power_ok', [1, 1], 1, 0),
  s('slurry_conductivity_raw', [2.11, 2.19], 4000, 0.3),
  s('chloride_concentration', [820, 882], 6000, 0.3),
  s('server_measurement_latency', [1.9, 6.7], 300, 0.9),
  s('clean_conductvity_25c', [2.16, 2.33], 4000, 0.3),
  s('clean_sample_slipstream_temp', [76.1, 76.4], 40000, 0.1),
  s('M1_proppant_conc', [0, 0], 2400, 0.25, { frac: [0.2, 3] }),
  s('slurry_analytics_spool_orp', [21, 59], 9000, 0.2),
  s('_external_power_', [1, 1], 1, 0, { kind: 'int' }),
  s('slurry_sample_rate', [0, 10.6], 1200, 0.4),
  s('M1_surface_treating_pressure', [17, 1040], 1800, 0.3, { frac: [5200, 9100] }),
  s('_frictionOutlet_pressure_', [1.09, 1.37], 600, 0.5),
  s('slurry_sample_temp', [76.5, 76.8], 40000, 0.1),
  s('M1_slurry_rate', [0, 0], 1200, 0.15, { frac: [78, 101] }),
  s('clean_kin_viscosity_raw', [18.2, 19.6], 5000, 0.3),
  s('tds', [943, 1018], 7000, 0.3),
  s('battery_voltage', [26.3, 26.4], 86400, 0.05),
  s('slurry__corrosion_actual', [31.4, 31.6], 20000, 0.1),
  s('clean_feed_inlet_visc_raw', [18.7, 20.3], 5000, 0.3),
  s('sump_level_ok', [1, 1], 1, 0),
  s('slurry_conductivity_25c', [2.08, 2.2], 4000, 0.3),
  s('clean__corrosion_actual', [79.5, 80.2], 30000, 0.05),
  s('M1_frac_stage_step', [0, 0], 1, 0, { kind: 'step' }),
  s('slurry_apparent_viscosity', [0.57, 0.61], 3600, 0.4),
  s('slurry__viscosity_actual', [0.57, 0.61], 3600, 0.4),
  s('M2_surfactant_conc1', [0, 0], 1, 0, { denseOnly: true }),
  s('upper_master_valve', [0, 0], 1, 0, { kind: 'valve' }),
  s('swab_valve', [0, 0], 1, 0, { kind: 'valve' }),
];

/** A column that only some rows carry (the "extra key" of a ragged row). */
export const EXTRA_SERIES: SeriesSpec = s('friction_reduction', [10, 40], 3000, 0.3, { frac: [45, 70] });

/** Where a row that carries the extra column has it: right after this series, as in the recording. */
export const EXTRA_AFTER = 'slurry_analytics_spool_orp';

/** Every series the generator knows, main ones first; indexes into this list identify a series. */
export const ALL_SERIES: readonly SeriesSpec[] = [...SERIES, EXTRA_SERIES];

/** Index in ALL_SERIES by name. */
export const SERIES_INDEX: ReadonlyMap<string, number> = new Map(ALL_SERIES.map((f, i) => [f.name, i]));

/** The fast channels a 'sparse' row carries between full rows (every 10 s), as the recorded rows do. */
export const SPARSE_FAST: readonly string[] = [
  '_frictionInlet_pressure_',
  'clean_feed_inlet_density_raw',
  'slurry_feed_inlet_denisty_raw',
  'server_measurement_latency',
  '_external_power_',
  'slurry_sample_rate',
  '_frictionOutlet_pressure_',
  'upper_master_valve',
  'swab_valve',
];

/** The ten floats of a 'wide12' row (timestamp + these + site_id), a fixed width for benchmarks. */
export const WIDE12: readonly string[] = [
  'slurry_ph_flowing',
  'clean_analytics_spool_ph',
  'clean_conductivity_raw',
  'slurry_feed_inlet_pressure',
  '_frictionInlet_pressure_',
  'clean_feed_inlet_density_raw',
  'chloride_concentration',
  'server_measurement_latency',
  'M1_surface_treating_pressure',
  'clean_kin_viscosity_raw',
];

// ---------------------------------------------------------------------------------------------------------
// Units and field metadata (GET .../fields/)
// ---------------------------------------------------------------------------------------------------------

/** Imperial → SI, keyed `imperial unit→SI unit` as the catalogue spells the units. */
const CONVERSIONS: Readonly<Record<string, Conversion>> = {
  'psi→kPa': [6.894757293168361, 0],
  'bbl/min→L/min': [158.987294928, 0],
  'bpm→L/min': [158.987294928, 0],
  'bpm→m^3/min': [0.158987294928, 0],
  'ppa→mg/L': [119826.427316, 0],
  'ppa→kg/m^3': [119.826427316, 0],
  'lb/gal→kg/L': [0.119826427316, 0],
  'gpm→L/min': [3.785411784, 0],
  // Gallons per thousand gallons is millilitres per litre.
  'gpt→mL/L': [1, 0],
  'gpt→L/m^3': [1, 0],
  '°F→°C': [5 / 9, -160 / 9],
  'ft→m': [0.3048, 0],
  'ft/min→m/s': [0.00508, 0],
  'lb→kg': [0.45359237, 0],
};

const IDENTITY: Conversion = [1, 0];

/** The catalogue entry of a field name (the first, where a name is listed twice). */
export function catalogueEntry(name: string): RecordedField | undefined {
  return RECORDED_FIELDS.find((f) => f.name === name);
}

/**
 * How `si_units=true` converts a series: from the catalogue's imperial unit to its SI unit. Identity for
 * a field without units, with the same unit both ways, or outside the catalogue (the valves).
 */
export function siConversion(name: string): Conversion {
  const f = catalogueEntry(name);
  if (!f || f.imperial_unit === null || f.si_unit === null || f.imperial_unit === f.si_unit) return IDENTITY;
  const c = CONVERSIONS[`${f.imperial_unit}→${f.si_unit}`];
  if (!c) throw new Error(`mock catalogue: no conversion from ${f.imperial_unit} to ${f.si_unit} (field ${name})`);
  return c;
}

/** The mock's own labels (the recorded ones are not copied); other names get a label made from the name. */
const LABELS: Readonly<Record<string, string>> = {
  M1_surface_treating_pressure: 'Treating Pressure - A',
  M1_slurry_rate: 'Slurry Rate - A',
  M1_proppant_conc: 'Prop Conc - A',
  M1_frac_stage_step: 'Stage Step - A',
  M1_surfactant_conc1: 'Surfactant - A',
  M1_friction_reducer_conc1: 'FR Dose - A',
  M2_surfactant_conc1: 'Surfactant - B',
  surface_treating_pressure: 'Treating Pressure',
  slurry_rate: 'Slurry Rate',
  proppant_conc: 'Prop Conc',
  friction_reduction: 'Friction Reduction',
  friction_reducer_conc1: 'FR Dose',
  slurry_ph_flowing: 'Slurry pH Flowing',
  clean_analytics_spool_ph: 'Clean pH',
  slurry_analytics_spool_ph: 'Slurry pH',
  clean_analytics_spool_orp: 'Clean ORP',
  slurry_analytics_spool_orp: 'Slurry ORP',
  clean_conductivity_raw: 'Clean Conductivity Raw',
  clean_conductvity_25c: 'Clean Conductivity 25C',
  slurry_conductivity_raw: 'Slurry Conductivity Raw',
  slurry_conductivity_25c: 'Slurry Conductivity 25C',
  slurry_kin_viscosity_raw: 'Slurry Kinematic Visc',
  clean_kin_viscosity_raw: 'Clean Kinematic Visc',
  slurry_feed_inlet_viscosity: 'Slurry Visc',
  clean_feed_inlet_visc_raw: 'Clean Visc',
  slurry_apparent_viscosity: 'Slurry Apparent Visc',
  slurry__viscosity_actual: 'Slurry Visc Flowing',
  slurry_feed_inlet_pressure: 'Slurry Sample Pressure',
  _frictionInlet_pressure_: 'Friction Inlet Pressure',
  _frictionOutlet_pressure_: 'Friction Outlet Pressure',
  clean_feed_inlet_density_raw: 'Clean Density',
  slurry_feed_inlet_denisty_raw: 'Slurry Density',
  clean__corrosion_raw: 'Clean Corrosion',
  clean__corrosion_actual: 'Clean Corrosion Flowing',
  slurry__corrosion_raw: 'Slurry Corrosion',
  slurry__corrosion_actual: 'Slurry Corrosion Flowing',
  clean_sample_slipstream_flow: 'Clean Sample Flow',
  slurry_sample_rate: 'Slurry Sample Rate',
  clean_sample_slipstream_temp: 'Clean Sample Temp',
  slurry_sample_temp: 'Slurry Sample Temp',
  chloride_concentration: 'Chlorides',
  tds: 'TDS',
  server_measurement_latency: 'Measurement Latency',
  battery_voltage: 'Battery Voltage',
  ac_power_ok: 'AC Power OK',
  sump_level_ok: 'Sump Level OK',
  _external_power_: 'External Power OK',
  wl_depth: 'Depth',
  wl_speed: 'Line Speed',
  wl_tension: 'Line Tension',
  wl_current: 'Current',
  wl_voltage: 'Voltage',
  wl_ccl: 'CCL',
  pumpdown_rate: 'Pumpdown Rate',
};

/** `_1B_pressure_` → `1B Pressure`. */
function labelFrom(name: string): string {
  return name
    .split('_')
    .filter((w) => w !== '')
    .map((w) => w[0]!.toUpperCase() + w.slice(1))
    .join(' ');
}

const PALETTE = ['#E4572E', '#17BEBB', '#FFC914', '#2E282A', '#76B041', '#5B6C8F', '#C84C8B', '#3A86FF', '#8D6A9F', '#F28F3B'];
const SECONDARY = ['#F2A38F', '#8BDEDD', '#FFE48A', '#979395', '#BAD7A0'];

/**
 * The fields metadata list, the same for every pad and site: the recorded catalogue's entries in their
 * order (56, `slurry_rate` twice), with the mock's own ids, labels and colours.
 */
export function buildFields(): Field[] {
  return RECORDED_FIELDS.map((f, i): Field => {
    const label = LABELS[f.name] ?? labelFrom(f.name);
    return {
      id: 40 + i * 13 + ((i * 37) % 11),
      name: f.name,
      label,
      si_unit: f.si_unit,
      imperial_unit: f.imperial_unit,
      energistics_si_unit: f.energistics_si_unit,
      energistics_imperial_unit: f.energistics_imperial_unit,
      simops_label: '',
      description: i % 14 === 3 ? null : '',
      connect_nulls: f.connect_nulls,
      customer_facing_label: i % 6 === 0 ? label : null,
      primary_color: i % 29 === 28 ? null : (PALETTE[i % PALETTE.length] as string),
      secondary_color: i % 4 === 1 ? (SECONDARY[i % SECONDARY.length] as string) : null,
      tertiary_color: i % 15 === 7 ? '#CCCCCC' : null,
      source_category: f.source_category,
      field_category: f.field_category,
      si_plot_min: f.si_plot_min,
      si_plot_max: f.si_plot_max,
      imperial_plot_min: f.imperial_plot_min,
      imperial_plot_max: f.imperial_plot_max,
    };
  });
}
