/**
 * The catalogue of measurement fields: one table drives both the rows the data endpoint generates and the
 * metadata the fields endpoint lists, so the two can never disagree on a name or a unit.
 * Names follow the real API's vocabulary; ranges, labels and ids are the mock's own.
 */
import type { components } from '../../generated/schema';

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
  si?: Conversion;
}

const PSI_KPA: Conversion = [6.894757293168361, 0];
const BPM_M3MIN: Conversion = [0.158987294928, 0];
const LBGAL_KGL: Conversion = [0.119826427316, 0];
const PPA_KGM3: Conversion = [119.826427316, 0];
const GPM_LMIN: Conversion = [3.785411784, 0];
const F_C: Conversion = [5 / 9, -160 / 9];

const s = (
  name: string,
  idle: readonly [number, number],
  period: number,
  noise: number,
  extra: Partial<SeriesSpec> = {},
): SeriesSpec => ({ name, kind: 'float', idle, period, noise, ...extra });

/**
 * The series every 'full' row carries, in wire order. The order mimics a real row: the valves come last,
 * after `site_id` on routed data.
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
  s('slurry_feed_inlet_pressure', [3, 36], 900, 0.3, { si: PSI_KPA }),
  s('_frictionInlet_pressure_', [1, 26], 600, 0.5, { si: PSI_KPA }),
  s('clean_feed_inlet_density_raw', [8.54, 8.71], 2400, 0.3, { si: LBGAL_KGL }),
  s('slurry_analytics_spool_ph', [8.05, 8.2], 5400, 0.3),
  s('clean__corrosion_raw', [79.5, 80.2], 30000, 0.05),
  s('clean_sample_slipstream_flow', [0, 6.8], 1200, 0.3, { si: GPM_LMIN }),
  s('slurry_feed_inlet_denisty_raw', [8.22, 8.25], 2400, 0.5, { si: LBGAL_KGL }),
  s('ac_power_ok', [1, 1], 1, 0),
  s('slurry_conductivity_raw', [2.11, 2.19], 4000, 0.3),
  s('chloride_concentration', [820, 882], 6000, 0.3),
  s('server_measurement_latency', [1.9, 6.7], 300, 0.9),
  s('clean_conductvity_25c', [2.16, 2.33], 4000, 0.3),
  s('clean_sample_slipstream_temp', [76.1, 76.4], 40000, 0.1, { si: F_C }),
  s('M1_proppant_conc', [0, 0], 2400, 0.25, { frac: [0.2, 3], si: PPA_KGM3 }),
  s('slurry_analytics_spool_orp', [21, 59], 9000, 0.2),
  s('_external_power_', [1, 1], 1, 0, { kind: 'int' }),
  s('slurry_sample_rate', [0, 10.6], 1200, 0.4, { si: GPM_LMIN }),
  s('M1_surface_treating_pressure', [17, 1040], 1800, 0.3, { frac: [5200, 9100], si: PSI_KPA }),
  s('_frictionOutlet_pressure_', [1.09, 1.37], 600, 0.5, { si: PSI_KPA }),
  s('slurry_sample_temp', [76.5, 76.8], 40000, 0.1, { si: F_C }),
  s('M1_slurry_rate', [0, 0], 1200, 0.15, { frac: [78, 101], si: BPM_M3MIN }),
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
  s('M2_surfactant_conc1', [0, 0], 1, 0),
  s('upper_master_valve', [0, 0], 1, 0, { kind: 'valve' }),
  s('swab_valve', [0, 0], 1, 0, { kind: 'valve' }),
];

/** A column that only some rows carry (the "extra key" of a ragged row). */
export const EXTRA_SERIES: SeriesSpec = s('friction_reduction', [10, 40], 3000, 0.3, { frac: [45, 70] });

/** Every series the generator knows, main ones first; indexes into this list identify a series. */
export const ALL_SERIES: readonly SeriesSpec[] = [...SERIES, EXTRA_SERIES];

/** Index in ALL_SERIES by name. */
export const SERIES_INDEX: ReadonlyMap<string, number> = new Map(ALL_SERIES.map((f, i) => [f.name, i]));

/** The fast channels a 'sparse' row carries between full rows (every 10 s), like the real feed. */
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
// Field metadata (GET .../fields/)
// ---------------------------------------------------------------------------------------------------------

type Category = 'frac' | 'fluid' | 'wl' | 'pumpdown' | null;

/** name, label, si unit, imperial unit, field category, whether it belongs to a measurement source. */
type MetaRow = readonly [name: string, label: string, si: string | null, imperial: string | null, category: Category, sourced: boolean];

const META: readonly MetaRow[] = [
  ['M1_surface_treating_pressure', 'Treating Pressure - A', 'kPa', 'psi', 'frac', true],
  ['M1_slurry_rate', 'Slurry Rate - A', 'm^3/min', 'bpm', 'frac', true],
  ['M1_proppant_conc', 'Prop Conc - A', 'kg/m^3', 'ppa', 'frac', true],
  ['M1_frac_stage_step', 'Stage Step - A', '#', '#', 'frac', true],
  ['M1_surfactant_conc1', 'Surfactant - A', 'mL/L', 'gpt', 'frac', true],
  ['M1_friction_reducer_conc1', 'FR Dose - A', 'mL/L', 'gpt', 'frac', true],
  ['M2_surfactant_conc1', 'Surfactant - B', 'mL/L', 'gpt', 'frac', true],
  ['M2_surface_treating_pressure', 'Treating Pressure - B', 'kPa', 'psi', 'frac', true],
  ['M2_slurry_rate', 'Slurry Rate - B', 'm^3/min', 'bpm', 'frac', true],
  ['M2_proppant_conc', 'Prop Conc - B', 'kg/m^3', 'ppa', 'frac', true],
  ['surface_treating_pressure', 'Treating Pressure', 'kPa', 'psi', 'frac', false],
  ['slurry_rate', 'Slurry Rate', 'm^3/min', 'bpm', 'frac', false],
  ['proppant_conc', 'Prop Conc', 'kg/m^3', 'ppa', 'frac', false],
  ['friction_reduction', 'Friction Reduction', '%', '%', 'frac', false],
  ['slurry_ph_flowing', 'Slurry pH Flowing', 'pH', 'pH', 'fluid', false],
  ['clean_analytics_spool_ph', 'Clean pH', 'pH', 'pH', 'fluid', false],
  ['slurry_analytics_spool_ph', 'Slurry pH', 'pH', 'pH', 'fluid', false],
  ['clean_analytics_spool_orp', 'Clean ORP', 'mV', 'mV', 'fluid', false],
  ['slurry_analytics_spool_orp', 'Slurry ORP', 'mV', 'mV', 'fluid', false],
  ['clean_conductivity_raw', 'Clean Conductivity Raw', 'mS/cm', 'mS/cm', 'fluid', false],
  ['clean_conductvity_25c', 'Clean Conductivity 25C', 'mS/cm', 'mS/cm', 'fluid', false],
  ['slurry_conductivity_raw', 'Slurry Conductivity Raw', 'mS/cm', 'mS/cm', 'fluid', false],
  ['slurry_conductivity_25c', 'Slurry Conductivity 25C', 'mS/cm', 'mS/cm', 'fluid', false],
  ['slurry_kin_viscosity_raw', 'Slurry Kinematic Visc', 'cSt', 'cSt', 'fluid', false],
  ['clean_kin_viscosity_raw', 'Clean Kinematic Visc', 'cSt', 'cSt', 'fluid', false],
  ['slurry_feed_inlet_viscosity', 'Slurry Visc', 'cP', 'cP', 'fluid', false],
  ['clean_feed_inlet_visc_raw', 'Clean Visc', 'cP', 'cP', 'fluid', false],
  ['slurry_apparent_viscosity', 'Slurry Apparent Visc', 'cP', 'cP', 'fluid', false],
  ['slurry__viscosity_actual', 'Slurry Visc Flowing', 'cP', 'cP', 'fluid', false],
  ['slurry_feed_inlet_pressure', 'Slurry Sample Pressure', 'kPa', 'psi', 'fluid', false],
  ['_frictionInlet_pressure_', 'Friction Inlet Pressure', 'kPa', 'psi', 'fluid', false],
  ['_frictionOutlet_pressure_', 'Friction Outlet Pressure', 'kPa', 'psi', 'fluid', false],
  ['clean_feed_inlet_density_raw', 'Clean Density', 'kg/L', 'lb/gal', 'fluid', false],
  ['slurry_feed_inlet_denisty_raw', 'Slurry Density', 'kg/L', 'lb/gal', 'fluid', false],
  ['clean__corrosion_raw', 'Clean Corrosion', 'mpy', 'mpy', 'fluid', false],
  ['clean__corrosion_actual', 'Clean Corrosion Flowing', 'mpy', 'mpy', 'fluid', false],
  ['slurry__corrosion_raw', 'Slurry Corrosion', 'mpy', 'mpy', 'fluid', false],
  ['slurry__corrosion_actual', 'Slurry Corrosion Flowing', 'mpy', 'mpy', 'fluid', false],
  ['clean_sample_slipstream_flow', 'Clean Sample Flow', 'L/min', 'gpm', 'fluid', false],
  ['slurry_sample_rate', 'Slurry Sample Rate', 'L/min', 'gpm', 'fluid', false],
  ['clean_sample_slipstream_temp', 'Clean Sample Temp', '°C', '°F', 'fluid', false],
  ['slurry_sample_temp', 'Slurry Sample Temp', '°C', '°F', 'fluid', false],
  ['chloride_concentration', 'Chlorides', 'mg/L', 'mg/L', 'fluid', false],
  ['tds', 'TDS', 'ppm', 'ppm', 'fluid', false],
  ['server_measurement_latency', 'Measurement Latency', 's', 's', null, false],
  ['battery_voltage', 'Battery Voltage', 'V', 'V', null, false],
  ['ac_power_ok', 'AC Power OK', 'bool', 'bool', null, false],
  ['sump_level_ok', 'Sump Level OK', 'bool', 'bool', null, false],
  ['_external_power_', 'External Power OK', 'bool', 'bool', null, false],
  ['wl_depth', 'Depth', 'm', 'ft', 'wl', false],
  ['wl_speed', 'Line Speed', 'm/s', 'ft/min', 'wl', false],
  ['wl_tension', 'Line Tension', 'kg', 'lb', 'wl', false],
  ['wl_current', 'Current', 'A', 'A', 'wl', false],
  ['wl_voltage', 'Voltage', 'V', 'V', 'wl', false],
  ['wl_ccl', 'CCL', null, null, 'wl', false],
  ['pumpdown_rate', 'Pumpdown Rate', 'L/min', 'bpm', 'pumpdown', false],
];

const PALETTE = ['#E4572E', '#17BEBB', '#FFC914', '#2E282A', '#76B041', '#5B6C8F', '#C84C8B', '#3A86FF', '#8D6A9F', '#F28F3B'];
const SECONDARY = ['#F2A38F', '#8BDEDD', '#FFE48A', '#979395', '#BAD7A0'];

/** Rounds a plot limit outward to a readable number. */
function niceLimit(v: number, up: boolean): number {
  if (v === 0) return 0;
  const mag = 10 ** Math.floor(Math.log10(Math.abs(v)));
  return (up ? Math.ceil(v / mag) : Math.floor(v / mag)) * mag;
}

function plotLimits(name: string, si: boolean): [number | null, number | null] {
  const spec = ALL_SERIES[SERIES_INDEX.get(name) ?? -1];
  if (!spec || spec.kind === 'valve') return [null, null];
  const lo = Math.min(spec.idle[0], spec.frac?.[0] ?? Infinity);
  const hi = Math.max(spec.idle[1], spec.frac?.[1] ?? -Infinity);
  const conv = si ? (spec.si ?? [1, 0]) : ([1, 0] as const);
  return [niceLimit(lo * conv[0] + conv[1], false), niceLimit(hi * conv[0] + conv[1], true) || 1];
}

/** The fields metadata list (about 56 entries), the same for every pad and site. */
export function buildFields(): Field[] {
  return META.map(([name, label, si, imperial, category, sourced], i): Field => {
    const [imperialMin, imperialMax] = plotLimits(name, false);
    // Some fields have no SI plot limits configured, as on the real service.
    const [siMin, siMax] = i % 3 === 2 ? [null, null] : plotLimits(name, true);
    return {
      id: 40 + ((i * 37) % 97) + i * 11,
      name,
      label,
      si_unit: si,
      imperial_unit: imperial,
      energistics_si_unit: i % 13 === 5 ? null : si,
      energistics_imperial_unit: i % 17 === 8 ? null : imperial,
      simops_label: '',
      description: i % 14 === 3 ? null : '',
      connect_nulls: category === 'wl',
      customer_facing_label: i % 6 === 0 ? label : null,
      primary_color: i % 29 === 28 ? null : (PALETTE[i % PALETTE.length] as string),
      secondary_color: i % 4 === 1 ? (SECONDARY[i % SECONDARY.length] as string) : null,
      tertiary_color: i % 15 === 7 ? '#CCCCCC' : null,
      source_category: sourced || category === 'frac' ? 'frac' : category === 'wl' ? 'wl' : null,
      field_category: category,
      si_plot_min: siMin,
      si_plot_max: siMax,
      imperial_plot_min: imperialMin,
      imperial_plot_max: imperialMax,
    };
  });
}
