/**
 * The demo world the mock serves: which pads, sites and fleets exist and how their timelines run. Ids are
 * fixed (docs and tests name pad 697 and sites 1111–1113); everything numeric is drawn from the seed.
 * The shapes follow the real API's records; names and values are the mock's own.
 */
import type { TimelinePlan } from './timeline';

export interface FleetDef {
  id: number;
  name: string;
}

export interface SiteDef {
  id: number;
  name: string;
  shortName: string;
  padId: number;
  fleet: FleetDef | null;
  /** A few real sites have no API number. */
  wellApi: boolean;
  /** Whether the site has a configured state (a site without one has no /states/ entry). */
  hasState: boolean;
  /** Whether stage aggregations are configured; the aggregations endpoint answers with an error text otherwise. */
  hasAggregations: boolean;
  /**
   * Whether the site's instruments report: its rows carry readings. Those of a site without send only
   * `timestamp` and `site_id`, as two of pad 697's three sites do in the recording (data_pad.json).
   */
  readings: boolean;
  /** Days before the anchor day when the first stage starts. */
  startDaysAgo: number;
  /** Finished sites stop after this stage; ongoing ones keep fracking. */
  lastStage?: number;
}

export interface PadDef {
  id: number;
  name: string;
  leaseName: string;
  wirelineEnabled: boolean;
  /** Completed pads have a completion date and no simops configuration any more. */
  completed: boolean;
  /** Measurement sources: name, label, attached sites, active site. */
  sources: ReadonlyArray<{ name: string; label: string; sites: number[]; active: number | null }>;
  excFields: string[];
}

export const CUSTOMER = { id: 2, name: 'ReStream Demo' } as const;
export const OPERATOR = 'ReStream Demo Operating';
export const DB_NAME = 'Demo_Restream';
export const TIMEZONE = 'US/Central';

const ATREIDES: FleetDef = { id: 36, name: 'Atreides' };
const HARKONNEN: FleetDef = { id: 41, name: 'Harkonnen' };

export const DEMO_PAD_ID = 697;
export const DEMO_SITE_IDS = [1111, 1112, 1113] as const;

export const PADS: readonly PadDef[] = [
  {
    id: DEMO_PAD_ID,
    name: 'Caladan',
    leaseName: 'Duncan',
    wirelineEnabled: true,
    completed: false,
    sources: [
      { name: 'M1', label: 'S1', sites: [1111, 1112, 1113], active: 1112 },
      { name: 'M2', label: 'S2', sites: [1111, 1112, 1113], active: null },
    ],
    excFields: ['clean_analytics_spool_conductivity', 'slurry__density_actual', 'clean__temp_actual', 'chloride_prod_calc'],
  },
  {
    id: 702,
    name: 'Giedi',
    leaseName: 'Rabban',
    wirelineEnabled: false,
    completed: false,
    sources: [
      { name: 'M1', label: '1/2', sites: [1201], active: 1201 },
      { name: 'M2', label: '3/4', sites: [1202], active: null },
    ],
    excFields: [],
  },
  {
    id: 705,
    name: 'Ix',
    leaseName: 'Vernius',
    wirelineEnabled: true,
    completed: true,
    sources: [],
    excFields: [],
  },
];

export const SITES: readonly SiteDef[] = [
  { id: 1111, name: 'Duncan 1WA', shortName: 'D1WA', padId: 697, fleet: ATREIDES, wellApi: true, hasState: true, hasAggregations: false, readings: false, startDaysAgo: 75, lastStage: 40 },
  { id: 1112, name: 'Gurney 1WB', shortName: 'G1WB', padId: 697, fleet: ATREIDES, wellApi: true, hasState: true, hasAggregations: true, readings: true, startDaysAgo: 14 },
  { id: 1113, name: 'Thufir 2WA', shortName: 'T2WA', padId: 697, fleet: ATREIDES, wellApi: true, hasState: false, hasAggregations: true, readings: false, startDaysAgo: 10 },
  { id: 1201, name: 'Rabban 3WA', shortName: 'R3WA', padId: 702, fleet: HARKONNEN, wellApi: true, hasState: true, hasAggregations: true, readings: true, startDaysAgo: 20 },
  { id: 1202, name: 'Feyd 3WB', shortName: 'F3WB', padId: 702, fleet: HARKONNEN, wellApi: true, hasState: true, hasAggregations: true, readings: false, startDaysAgo: 16 },
  { id: 1301, name: 'Rhombur 4WA', shortName: 'R4WA', padId: 705, fleet: null, wellApi: false, hasState: true, hasAggregations: true, readings: true, startDaysAgo: 120, lastStage: 24 },
];

/** The state machine of the demo sites' valves: conditions of (upper master, swab) → state. */
export const TRUTH_TABLE = {
  id: 31,
  name: 'Upper/Swab',
  description: '',
  schema: {
    rows: [
      { state: 'standby_standby', conditions: ['C'] },
      { state: 'frac_frac', conditions: ['O', 'C'] },
      { state: 'wl_runinhole', conditions: ['O', 'O'] },
    ],
    conditions_order: ['upper_master_valve', 'swab_valve'],
  },
};

/** How long ongoing timelines are generated past the anchor, so a clock that runs on still sees stages. */
const HORIZON_DAYS = 3;
const DAY = 86400;

/** Timeline plans relative to `anchor` (unix seconds of a UTC midnight). */
export function timelinePlans(anchor: number): TimelinePlan[] {
  return SITES.map((s) => {
    const plan: TimelinePlan = {
      siteId: s.id,
      // Stagger the sites within the day so their stages do not line up.
      firstStart: anchor - s.startDaysAgo * DAY + ((s.id * 7919) % 360) * 60,
      horizon: anchor + HORIZON_DAYS * DAY,
    };
    if (s.lastStage !== undefined) plan.lastStage = s.lastStage;
    return plan;
  });
}

/** Stage-aggregation metric: name, value range, and the chance that a stage has no value (null). */
export type MetricDef = readonly [name: string, min: number, max: number, nullChance: number];

/** Metrics that are times of the stage itself: computed from the stage, not drawn. */
export type StageTimeMetric = 'start_pumping_time' | 'test_time' | 'total_duration';

/**
 * Per-stage metrics, in the API's vocabulary and in the order its answers list them
 * (aggregations_pad.json; the stage `id` comes last). Some are never configured and always null.
 */
export const METRICS: ReadonlyArray<MetricDef | StageTimeMetric> = [
  ['ow_press_avg', 900, 2100, 0],
  ['avg_bottomhole_pressure', 0, 0, 1],
  ['avg_clean_conductivity', 1.8, 2.4, 0.3],
  ['avg_clean_corrosion', 20, 35, 0.3],
  ['avg_clean_density', 8.5, 8.8, 0.3],
  ['avg_clean_orp', 20, 150, 0.3],
  ['avg_clean_ph', 6.5, 8.2, 0.3],
  ['avg_clean_rate', 85, 100, 0],
  ['avg_clean_tds', 800, 1100, 0.3],
  ['avg_down_hole_pressure', 4800, 7000, 0],
  ['avg_fr_conc', 0.4, 0.6, 0],
  ['avg_fr_conc_null_test', 0, 0, 1],
  ['avg_fr_secondary_conc', 0.2, 0.3, 0.08],
  ['avg_friction_reduction', 55, 70, 0.15],
  ['avg_gel_conc', 0, 0, 1],
  ['avg_prop_conc', 0.8, 1.1, 0],
  ['avg_slurry_corrosion', 25, 60, 0.12],
  ['avg_slurry_density', 8.9, 9.3, 0.1],
  ['avg_slurry_orp', 20, 200, 0.12],
  ['avg_slurry_ph', 7, 8, 0.12],
  ['avg_slurry_rate', 85, 100, 0],
  ['avg_surface_casing_pressure', 0, 0, 1],
  ['avg_surface_pressure', 4800, 7000, 0],
  ['avg_xlink_conc', 0, 0, 1],
  ['frac_duration_sec_test', 0, 0, 1],
  ['max_frac_stage_step', 0, 9, 0],
  ['max_prop_conc', 2, 3.2, 0],
  ['max_surface_pressure', 6500, 9200, 0],
  ['max_wl_depth', 9000, 17000, 0],
  ['min_frac_stage_step', 0, 0, 0],
  'start_pumping_time',
  'test_time',
  ['wt_conductivity', 0, 0, 1],
  ['wt_corrosion', 0, 0, 1],
  ['wt_orp', 0, 0, 1],
  ['wt_ph', 0, 0, 1],
  ['wt_pressure', 0, 0, 1],
  ['wt_tds', 0, 0, 1],
  ['avg_slurry_density_var', -1e-5, 1e-5, 0],
  ['fr_conc_secondary_total', 3500, 4500, 0.08],
  ['fr_conc_total', 7500, 8600, 0],
  ['fr_cons_universal', 0.4, 0.6, 0],
  ['gel_conc_total', 0, 0, 1],
  ['total_clean_flow', 360000, 400000, 0],
  'total_duration',
  ['total_proppant', 150000, 450000, 0.6],
  ['total_proppant_historic', 0, 0, 1],
  ['total_slurry_flow', 380000, 420000, 0],
  ['total_slurry_flow_test', 8800, 9600, 0],
  ['xlink_conc_total', 0, 0, 1],
];

/** Stage-aggregation descriptions (GET .../parameters/): name, source field, aggregation, units, condition. */
export type ParameterDef = readonly [
  name: string,
  field: string,
  aggregation: string,
  siUnit: string,
  imperialUnit: string,
  condition: readonly [field: string, operator: string, value: number, unit: string] | null,
];

const FLOW_ON = ['clean_sample_slipstream_flow', 'greater_than_or_equal', 2, 'L/min'] as const;
const SAND_ON = ['sand_rate', 'greater_than', 0, 'mg/L'] as const;

export const PARAMETERS: readonly ParameterDef[] = [
  ['avg_bottomhole_pressure', 'bottom_hole_pressure_customer', 'average', 'kPa', 'psi', null],
  ['avg_clean_conductivity', 'clean_conductivity_raw', 'average', 'mS/cm', 'mS/cm', FLOW_ON],
  ['avg_clean_corrosion', 'clean__corrosion_raw', 'average', 'mpy', 'mpy', FLOW_ON],
  ['avg_clean_density', 'clean_feed_inlet_density_raw', 'average', 'kg/L', 'lb/gal', FLOW_ON],
  ['avg_clean_orp', 'clean_analytics_spool_orp', 'average', 'mV', 'mV', FLOW_ON],
  ['avg_clean_ph', 'clean_analytics_spool_ph', 'average', 'pH', 'pH', FLOW_ON],
  ['avg_clean_rate', 'clean_flow', 'average', 'm^3/min', 'bpm', SAND_ON],
  ['avg_down_hole_pressure', 'down_hole_pressure', 'average', 'kPa', 'psi', SAND_ON],
  ['avg_fr_conc', 'M1_friction_reducer_conc1', 'average', 'mL/L', 'gpt', SAND_ON],
  ['avg_friction_reduction', 'friction_reduction', 'average', '%', '%', SAND_ON],
  ['avg_prop_conc', 'M1_proppant_conc', 'average', 'kg/m^3', 'ppa', SAND_ON],
  ['avg_slurry_corrosion', 'slurry__corrosion_raw', 'average', 'mpy', 'mpy', null],
  ['avg_slurry_density', 'slurry_feed_inlet_denisty_raw', 'average', 'kg/L', 'lb/gal', null],
  ['avg_slurry_ph', 'slurry_analytics_spool_ph', 'average', 'pH', 'pH', null],
  ['avg_slurry_rate', 'M1_slurry_rate', 'average', 'm^3/min', 'bpm', SAND_ON],
  ['avg_surface_pressure', 'M1_surface_treating_pressure', 'average', 'kPa', 'psi', SAND_ON],
  ['max_prop_conc', 'M1_proppant_conc', 'max', 'kg/m^3', 'ppa', null],
  ['max_surface_pressure', 'M1_surface_treating_pressure', 'max', 'kPa', 'psi', null],
  ['max_frac_stage_step', 'M1_frac_stage_step', 'max', '#', '#', null],
  ['total_clean_flow', 'clean_flow', 'sum', 'm^3', 'bbl', SAND_ON],
  ['total_slurry_flow', 'M1_slurry_rate', 'sum', 'm^3', 'bbl', SAND_ON],
];
