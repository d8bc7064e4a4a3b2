/**
 * The mock's data, as the API exposes it: records built from the demo definitions and the seed, the
 * queries behind every endpoint, and the little state that requests change (created parameters, confirmed
 * data changes). Record types come from the contract, so the compiler checks every shape against it.
 */
import type { components } from '../../generated/schema';
import {
  CUSTOMER,
  DB_NAME,
  DEMO_PAD_ID,
  DEMO_SITE_IDS,
  METRICS,
  OPERATOR,
  PADS,
  PARAMETERS,
  SITES,
  TIMEZONE,
  TRUTH_TABLE,
  timelinePlans,
  type PadDef,
  type SiteDef,
  type StageTimeMetric,
} from './demo-data';
import { buildFields } from './fields';
import { HttpError } from './http-util';
import { createRng, seedOf, type Rng } from './prng';
import { changeInterval, type ChangeInterval } from './revisions';
import { isoMicros, isoZ } from './time';
import { FRAC, STANDBY, WIRELINE, buildTimelines, stateMatches, type SiteTimeline, type StageEntry } from './timeline';

type Schemas = components['schemas'];
export type Pad = Schemas['Pad'];
export type Site = Schemas['Site'];
export type State = Schemas['State'];
export type Stage = Schemas['Stage'];
export type Field = Schemas['Field'];
export type StageAggregation = Schemas['StageAggregation'];
export type AggregationsResponse = Schemas['AggregationsResponse'];
export type StageAggregationDescription = Schemas['StageAggregationDescription'];
export type DataChange = Schemas['DataChange'];
type ComponentConfiguration = Schemas['ComponentConfiguration'];

/** `pads` or `sites`: the two resource kinds that share sub-endpoints. */
export type Kind = 'pads' | 'sites';

export interface HistoryFilter {
  /** Stages ending at or after (unix seconds). */
  start?: number;
  /** Stages starting at or before (unix seconds). */
  end?: number;
  stageNumber?: number;
  /** Stage-name filter value: frac, wl, standby. */
  state?: string;
}

const DAY = 86400;

/** What /aggregations/ answers for a site without configured stage aggregations. */
export const NO_AGGREGATIONS_ERROR = 'Stage aggregations are not configured for this site.';

interface SiteExtras {
  latitude: number;
  longitude: number;
  wellApi: string | null;
  dateCreated: number;
}

export class MockWorld {
  /** UTC midnight of the start-up day: timelines and demo dates are laid out relative to it. */
  readonly anchor: number;
  readonly timelines: ReadonlyMap<number, SiteTimeline>;
  private readonly siteExtras = new Map<number, SiteExtras>();
  private readonly fields: Field[] = buildFields();
  private readonly defaultParameters: StageAggregationDescription[];
  private readonly createdParameters = new Map<string, StageAggregationDescription[]>();
  private nextParameterId = 1000;
  private readonly changes: DataChange[];
  private readonly confirmed = new Set<number>();

  constructor(
    readonly seed: number,
    private readonly clock: () => Date,
  ) {
    this.anchor = Math.floor(this.now() / DAY) * DAY;
    this.timelines = buildTimelines(seed, timelinePlans(this.anchor));
    const rng = createRng(seedOf(seed, 0x517e));
    for (const pad of PADS) {
      const latitude = round7(rng.float(31.7, 32.6));
      const longitude = round7(rng.float(-102.6, -101.1));
      for (const site of SITES.filter((s) => s.padId === pad.id)) {
        this.siteExtras.set(site.id, {
          latitude,
          longitude,
          wellApi: site.wellApi ? `42${rng.int(100, 499)}${rng.int(10000, 99999)}` : null,
          dateCreated: this.anchor - (site.startDaysAgo + rng.int(30, 400)) * DAY + rng.int(0, DAY - 1),
        });
      }
    }
    this.defaultParameters = this.buildDefaultParameters();
    this.changes = this.buildDataChanges();
  }

  /** The mock clock in unix seconds (whole). */
  now(): number {
    return Math.floor(this.clock().getTime() / 1000);
  }

  // ---------------------------------------------------------------------------------------------------
  // Lookup
  // ---------------------------------------------------------------------------------------------------

  padDef(id: number): PadDef {
    const pad = PADS.find((p) => p.id === id);
    if (!pad) throw HttpError.notFound();
    return pad;
  }

  siteDef(id: number): SiteDef {
    const site = SITES.find((s) => s.id === id);
    if (!site) throw HttpError.notFound();
    return site;
  }

  /** The sites behind a pad or site path (404 for an unknown id), ascending by id. */
  sitesOf(kind: Kind, id: number): SiteDef[] {
    if (kind === 'sites') return [this.siteDef(id)];
    this.padDef(id);
    return SITES.filter((s) => s.padId === id);
  }

  /** The site whose rows a pad's unrouted data carries: the active site of its first source. */
  activeSite(padId: number): number {
    const pad = this.padDef(padId);
    const active = pad.sources.find((s) => s.active !== null)?.active;
    return active ?? SITES.find((s) => s.padId === padId)!.id;
  }

  timeline(siteId: number): SiteTimeline {
    return this.timelines.get(siteId)!;
  }

  /** Sites whose instruments do not report (their rows carry no readings). */
  bareSites(): Set<number> {
    return new Set(SITES.filter((s) => !s.readings).map((s) => s.id));
  }

  // ---------------------------------------------------------------------------------------------------
  // Pads and sites
  // ---------------------------------------------------------------------------------------------------

  padJson(pad: PadDef): Pad {
    const sites = SITES.filter((s) => s.padId === pad.id);
    const finishedAt = Math.max(...sites.map((s) => this.finishedAt(s.id)));
    return {
      id: pad.id,
      name: pad.name,
      lease_name: pad.leaseName,
      customer_name: CUSTOMER.name,
      simops_config: pad.completed
        ? null
        : {
            frac: 'run',
            wireline: null,
            pumpdown: null,
            fluid: null,
            measurement_sources: {
              frac: pad.sources.map((s) => ({ name: s.name, label: s.label, type: 'frac', attached_sites: [...s.sites], active_site: s.active })),
              wl: [],
              fluid: [],
              pumpdown: [],
            },
            exc_fields: [...pad.excFields],
          },
      completion_date: pad.completed && Number.isFinite(finishedAt) ? isoZ(finishedAt) : null,
      wireline_enabled: pad.wirelineEnabled,
    };
  }

  siteJson(site: SiteDef): Site {
    const x = this.siteExtras.get(site.id)!;
    const tl = this.timeline(site.id);
    return {
      id: site.id,
      name: site.name,
      date_created: isoZ(x.dateCreated),
      latitude: x.latitude,
      longitude: x.longitude,
      lease_name: this.padDef(site.padId).leaseName,
      operator_name: OPERATOR,
      metadata: { first_timestamp: tl.firstStart, last_timestamp: this.now() },
      well_api: x.wellApi,
      pad_id: site.padId,
      is_demo_site: true,
      stage_total: tl.stageTotal,
      timezone: TIMEZONE,
      fleet_id: site.fleet?.id ?? null,
      fleet_name: site.fleet?.name ?? null,
    };
  }

  /** When a finished site stood down for good (Infinity while it is still working). */
  private finishedAt(siteId: number): number {
    const tl = this.timeline(siteId);
    return tl.finished ? tl.entries[tl.entries.length - 1]!.start : Infinity;
  }

  private siteComplete(site: SiteDef): boolean {
    return this.finishedAt(site.id) <= this.now();
  }

  listPads(f: { complete?: boolean; wellApi?: string; sitePk?: number; fleetId?: number; fleetName?: string }): Pad[] {
    return PADS.filter((pad) => {
      const sites = SITES.filter((s) => s.padId === pad.id);
      if (f.complete !== undefined && (this.padJson(pad).completion_date !== null) !== f.complete) return false;
      if (f.wellApi !== undefined && !sites.some((s) => this.siteExtras.get(s.id)!.wellApi === f.wellApi)) return false;
      if (f.sitePk !== undefined && !sites.some((s) => s.id === f.sitePk)) return false;
      if (f.fleetId !== undefined && !sites.some((s) => s.fleet?.id === f.fleetId)) return false;
      if (f.fleetName !== undefined && !sites.some((s) => s.fleet?.name === f.fleetName)) return false;
      return true;
    }).map((p) => this.padJson(p));
  }

  listSites(f: { complete?: boolean; padId?: number; fleetId?: number; fleetName?: string }): Site[] {
    return SITES.filter(
      (s) =>
        (f.complete === undefined || this.siteComplete(s) === f.complete) &&
        (f.padId === undefined || s.padId === f.padId) &&
        (f.fleetId === undefined || s.fleet?.id === f.fleetId) &&
        (f.fleetName === undefined || s.fleet?.name === f.fleetName),
    ).map((s) => this.siteJson(s));
  }

  // ---------------------------------------------------------------------------------------------------
  // States
  // ---------------------------------------------------------------------------------------------------

  private stateSites(): SiteDef[] {
    return SITES.filter((s) => s.hasState);
  }

  private stateId(site: SiteDef): number {
    return 200 + SITES.indexOf(site) + 1;
  }

  listStates(f: { padId?: number; siteId?: number; currentState?: string }): State[] {
    return this.stateSites()
      .filter((s) => (f.padId === undefined || s.padId === f.padId) && (f.siteId === undefined || s.id === f.siteId))
      .map((s) => this.stateJson(s))
      .filter((st) => f.currentState === undefined || stateMatches(st.current_state as StageEntry['state'], f.currentState))
      .sort((a, b) => b.id - a.id);
  }

  getState(id: number): State {
    const site = this.stateSites().find((s) => this.stateId(s) === id);
    if (!site) throw HttpError.notFound();
    return this.stateJson(site);
  }

  private stateJson(site: SiteDef): State {
    const now = this.now();
    const tl = this.timeline(site.id);
    const idx = Math.max(0, tl.indexAt(now));
    const cur = tl.entries[idx]!;
    const prev = idx > 0 ? tl.entries[idx - 1] : undefined;
    let completed = 0;
    for (let i = idx - 1; i >= 0; i--) {
      if (tl.entries[i]!.code === FRAC) {
        completed = tl.entries[i]!.stageNumber;
        break;
      }
    }
    const rng = createRng(seedOf(this.seed, site.id, cur.id));
    const micros = (): number => rng.int(0, 999_999);
    const pad = this.padDef(site.padId);
    const padJson = this.padJson(pad);
    const x = this.siteExtras.get(site.id)!;
    const stamp = now - 2;
    const valve = (i: number, name: 'upper_master_valve' | 'swab_valve'): ComponentConfiguration => {
      const open = name === 'upper_master_valve' ? cur.code !== STANDBY : cur.code === WIRELINE;
      return {
        id: 990 + SITES.indexOf(site) * 2 + i,
        component: {
          id: 210 + SITES.indexOf(site) * 2 + i,
          component_type: { id: 2, name: 'stem_indicator', description: 'Stem Indicator' },
          serial_number: `vps_${site.id}_${i + 1}-demo`,
          component_type_name: 'stem_indicator',
          valve_safety_buffer_limit: 15,
        },
        measurement_location:
          name === 'upper_master_valve'
            ? { id: 5, name, location: 'Upper Master Valve', description: 'Upper Master Valve' }
            : { id: 4, name, location: 'Swab Valve', description: 'Swab Valve' },
        condition_logic_set: {
          id: 10,
          name: 'Stem Angle',
          description: '',
          schema: {
            default_state: 'N',
            condition_logics: [
              { type: 'SimpleConditionLogicSchema', operator: '<', comparison_value: '0', resulting_condition: 'N' },
              { type: 'SimpleConditionLogicSchema', operator: '>', comparison_value: '180', resulting_condition: 'N' },
              { type: 'SimpleConditionLogicSchema', operator: '<', comparison_value: '90', resulting_condition: 'O' },
              { type: 'SimpleConditionLogicSchema', operator: '<', comparison_value: '180', resulting_condition: 'C' },
            ],
          },
        },
        current_state: open ? 'O' : 'C',
        date_created: isoMicros(x.dateCreated + DAY, micros()),
        last_state_update: isoMicros(cur.start + rng.int(1, 90), micros()),
        last_updated: isoMicros(stamp, micros()),
        pumpdown_sim_valve: null,
        downhole_sim_valve: null,
        field_name: null,
        last_value: String(open ? rng.int(0, 80) + rng.pick([0, 0.25, 0.5, 0.75]) : rng.int(100, 170) + rng.pick([0, 0.25, 0.5, 0.75])),
        inactivity_threshold: 300,
      };
    };
    const pressure = (): { value: number; timestamp: number } => ({ value: rng.float(100, 45000), timestamp: cur.start + rng.int(0, 60) });
    return {
      id: this.stateId(site),
      site: {
        id: site.id,
        slug: site.name.replace(/ /g, '_'),
        well_api: x.wellApi,
        name: site.name,
        short_name: site.shortName,
        fleet: site.fleet ? { id: site.fleet.id, name: site.fleet.name } : null,
        crew: null,
        stage_total: tl.stageTotal,
        date_created: isoZ(x.dateCreated),
        pad: { id: pad.id, name: pad.name, customer: { id: CUSTOMER.id, name: CUSTOMER.name }, simops_config: padJson.simops_config ?? null },
        latitude: x.latitude,
        db: DB_NAME,
        longitude: x.longitude,
        timezone: TIMEZONE,
        memcache_read: false,
        memcache_write: false,
        primary_color: null,
      },
      site_component_configuration: {
        id: 180 + SITES.indexOf(site),
        site: site.id,
        component_configurations: [valve(0, 'upper_master_valve'), valve(1, 'swab_valve')],
        site_name: site.name,
        date_created: isoMicros(x.dateCreated + DAY, micros()),
        valve_tree_layout: 2,
      },
      truth_table: structuredClone(TRUTH_TABLE),
      current_state: cur.state,
      actual_stage_number: null,
      completed_stage_number: completed,
      site_name: site.name,
      date_created: isoMicros(stamp, micros()),
      last_updated: isoMicros(stamp, micros()),
      last_state_update: isoZ(cur.start),
      truth_table_calculating: false,
      calculated_stage_number: Math.min(completed + 1, tl.stageTotal),
      state_change_primary_field_values: tl.finished ? { M1: { down_hole_pressure: pressure() }, M2: {} } : { M1: { down_hole_pressure: pressure() }, M2: { down_hole_pressure: { value: 0, timestamp: cur.start } } },
      last_state_update_system_time: isoMicros(cur.start + 2, micros()),
      last_state_confirmation_time: isoZ(stamp),
      previous_state: prev ? prev.id : null,
    };
  }

  // ---------------------------------------------------------------------------------------------------
  // Stages and aggregations
  // ---------------------------------------------------------------------------------------------------

  /** Entries that have started by now and match the filter, per site (newest first). */
  private stages(sites: readonly SiteDef[], f: HistoryFilter): StageEntry[] {
    const now = this.now();
    const out: StageEntry[] = [];
    for (const site of sites) {
      const started = this.timeline(site.id).started(now);
      for (let i = started.length - 1; i >= 0; i--) {
        const e = started[i]!;
        const inProgress = i === started.length - 1;
        if (f.start !== undefined && !inProgress && e.end < f.start) continue;
        if (f.end !== undefined && e.start > f.end) continue;
        if (f.stageNumber !== undefined && e.stageNumber !== f.stageNumber) continue;
        if (f.state !== undefined && !stateMatches(e.state, f.state)) continue;
        out.push(e);
      }
    }
    return out;
  }

  /** Whether an entry has ended by now (only those have an id on the wire and aggregations). */
  private complete(e: StageEntry): boolean {
    return e.end <= this.now();
  }

  history(sites: readonly SiteDef[], f: HistoryFilter): Stage[] {
    return this.stages(sites, f).map((e): Stage =>
      this.complete(e)
        ? { state: e.state, start: isoZ(e.start), end: isoZ(e.end), stage_number: e.stageNumber, site: e.site, id: e.id }
        : { state: e.state, start: isoZ(e.start), end: null, stage_number: e.stageNumber, site: e.site },
    );
  }

  /** Aggregations keyed by site id; a site without configured aggregations answers with an error text. */
  aggregations(sites: readonly SiteDef[], f: HistoryFilter, histories: readonly number[] | undefined): AggregationsResponse {
    const wanted = histories && new Set(histories);
    const out: AggregationsResponse = {};
    for (const site of sites) {
      const stages = this.stages([site], f).filter((e) => this.complete(e) && (!wanted || wanted.has(e.id)));
      if (stages.length === 0) continue;
      out[String(site.id)] = site.hasAggregations ? stages.map((e) => this.stageMetrics(e)) : NO_AGGREGATIONS_ERROR;
    }
    return out;
  }

  private stageMetrics(e: StageEntry): StageAggregation {
    const rng = createRng(seedOf(this.seed, e.id, 0xa66));
    const m: Record<string, number | null> = {};
    for (const metric of METRICS) {
      if (typeof metric === 'string') {
        m[metric] = this.stageTime(metric, e, rng);
        continue;
      }
      const [name, min, max, nullChance] = metric;
      if (rng.chance(nullChance)) m[name] = null;
      else if (name.endsWith('frac_stage_step')) m[name] = min === max ? min : rng.int(min, max);
      else m[name] = rng.float(min, max);
    }
    // The real API sends the stage id last.
    m.id = e.id;
    return m as StageAggregation;
  }

  /** A metric that is a time of the stage (unix seconds, or seconds for the duration). */
  private stageTime(metric: StageTimeMetric, e: StageEntry, rng: Rng): number | null {
    switch (metric) {
      case 'start_pumping_time':
        return rng.chance(0.05) ? null : e.start + rng.int(30, 600);
      case 'test_time':
        return e.end;
      case 'total_duration':
        return e.end - e.start;
    }
  }

  // ---------------------------------------------------------------------------------------------------
  // Fields and parameters
  // ---------------------------------------------------------------------------------------------------

  fieldsList(): Field[] {
    return this.fields.map((f) => ({ ...f }));
  }

  private buildDefaultParameters(): StageAggregationDescription[] {
    const rng = createRng(seedOf(this.seed, 0x9a7a));
    const created = this.anchor - 40 * DAY + rng.int(0, DAY);
    const createdAt = isoMicros(created, rng.int(0, 999_999));
    const updatedAt = isoMicros(created, rng.int(0, 999_999));
    let id = 10;
    return PARAMETERS.map(([name, field, aggregation, siUnit, imperialUnit, condition]): StageAggregationDescription => {
      id += rng.int(1, 12);
      const config: StageAggregationDescription['config'] = { field, si_unit: siUnit, base_unit: siUnit, aggregation, imperial_unit: imperialUnit };
      if (condition) {
        const [cField, operator, value, unit] = condition;
        config.conditions = [{ field: cField, value, si_unit: unit, operator, base_unit: unit, imperial_unit: unit === 'L/min' ? 'gpm' : 'ppa' }];
      }
      return {
        id,
        name,
        config,
        type: 'D',
        label: '',
        color: null,
        description: '',
        created_at: createdAt,
        updated_at: updatedAt,
        units: rng.chance(0.4) ? null : unitId(imperialUnit),
        imperial_unit: unitId(imperialUnit),
        si_unit: unitId(siUnit),
        pads: [],
      };
    });
  }

  parameters(kind: Kind, id: number): StageAggregationDescription[] {
    return [...this.defaultParameters, ...(this.createdParameters.get(`${kind}:${id}`) ?? [])].map((p) => structuredClone(p));
  }

  /** Validates and stores new descriptions for a pad or site; returns them as created. */
  createParameters(kind: Kind, id: number, body: unknown): StageAggregationDescription[] {
    if (!Array.isArray(body) || body.length === 0) throw HttpError.badRequest('Expected a non-empty list of stage aggregation descriptions.');
    const key = `${kind}:${id}`;
    const existing = new Set(this.parameters(kind, id).map((p) => p.name));
    const padId = kind === 'pads' ? id : this.siteDef(id).padId;
    const items = body.map((item: unknown, i) => {
      const problem = parameterProblem(item);
      if (problem) throw new HttpError(400, { detail: `[${i}] ${problem}` });
      const p = item as ParameterInput;
      if (existing.has(p.name)) throw new HttpError(400, { detail: `[${i}].name: a stage aggregation named '${p.name}' already exists.` });
      existing.add(p.name);
      return p;
    });
    const stamp = isoMicros(this.now(), (this.nextParameterId * 7919) % 1_000_000);
    const created = items.map((p): StageAggregationDescription => {
      const config: StageAggregationDescription['config'] = {
        field: p.config.field,
        aggregation: p.config.aggregation,
        si_unit: p.config.si_unit,
        base_unit: p.config.base_unit,
        imperial_unit: p.config.imperial_unit,
      };
      if (p.config.conditions) config.conditions = structuredClone(p.config.conditions);
      return {
        id: this.nextParameterId++,
        name: p.name,
        config,
        type: 'D',
        label: '',
        color: null,
        description: p.description ?? '',
        created_at: stamp,
        updated_at: stamp,
        units: null,
        imperial_unit: unitId(p.config.imperial_unit),
        si_unit: unitId(p.config.si_unit),
        pads: [padId],
      };
    });
    this.createdParameters.set(key, [...(this.createdParameters.get(key) ?? []), ...created]);
    return created.map((p) => structuredClone(p));
  }

  // ---------------------------------------------------------------------------------------------------
  // Data changes
  // ---------------------------------------------------------------------------------------------------

  /**
   * A few changes per site whose intervals overlap, touch (one starts where another ends) and sit one
   * second apart, so a client's interval merging has every case to get right.
   */
  private buildDataChanges(): DataChange[] {
    const out: DataChange[] = [];
    let id = 400;
    for (const site of SITES) {
      const rng = createRng(seedOf(this.seed, site.id, 0xc4a));
      const base = this.anchor - 2 * DAY + rng.int(0, 600) * 60;
      const demo = (DEMO_SITE_IDS as readonly number[]).includes(site.id);
      // [start offset, end offset (seconds from base), type, subtype, end with microseconds]
      const plan: Array<[number, number, string, string, boolean]> = demo
        ? [
            [0, 1800, 'translation_layer', 'add', true],
            [1200, 3000, 'translation_layer', 'add', false],
            [3000, 3900, 'translation_layer', 'change', false],
            [10800, 11100, 'translation_layer', 'delete', true],
            [11101, 11520, 'translation_layer', 'add', false],
            [21600, 21720, 'transaction', 'move_delete', true],
          ]
        : [
            [0, 900, 'translation_layer', 'add', false],
            [7200, 7500, 'translation_layer', 'delete', true],
          ];
      for (const [from, to, type, subtype, micro] of plan) {
        const end = base + to;
        out.push({
          id: id++,
          created_at: isoMicros(end + rng.int(1, 120), rng.int(0, 999_999)),
          modification_type: type,
          modification_subtype: subtype,
          start_date: isoZ(base + from),
          end_date: micro ? isoMicros(end, rng.int(1, 999_999)) : isoZ(end),
          site: site.id,
        });
      }
    }
    return out;
  }

  /**
   * The intervals of every change of a site, confirmed or not: the seconds whose data has been corrected
   * (the measurement model sends corrected values there, see revisions.ts).
   */
  changeIntervals(siteId: number): ChangeInterval[] {
    const out: ChangeInterval[] = [];
    for (const c of this.changes) {
      const interval = c.site === siteId ? changeInterval(c) : undefined;
      if (interval) out.push(interval);
    }
    return out;
  }

  /** Unconfirmed changes of the given sites. */
  dataChanges(sites: readonly SiteDef[]): DataChange[] {
    const ids = new Set(sites.map((s) => s.id));
    return this.changes.filter((c) => ids.has(c.site) && !this.confirmed.has(c.id)).map((c) => ({ ...c }));
  }

  /**
   * Records a new change of a site's data (what the realtime data-change feed announces). It is listed by
   * /data_changes/ and confirmable like the generated ones. Defaults: an `add` over the hour before the
   * half hour before now.
   */
  addDataChange(siteId: number, fields: Partial<Omit<DataChange, 'id' | 'site'>> = {}): DataChange {
    const site = this.siteDef(siteId);
    const now = this.now();
    const change: DataChange = {
      id: Math.max(0, ...this.changes.map((c) => c.id)) + 1,
      created_at: isoMicros(now, (now * 7919) % 1_000_000),
      modification_type: 'translation_layer',
      modification_subtype: 'add',
      start_date: isoZ(now - 5400),
      end_date: isoZ(now - 1800),
      ...fields,
      site: site.id,
    };
    this.changes.push(change);
    return { ...change };
  }

  /**
   * Applies receipts (`update_received: true` confirms, false un-confirms) for changes of the given sites;
   * returns the receipts applied.
   */
  confirmDataChanges(sites: readonly SiteDef[], body: unknown): Array<{ id: number; update_received: boolean }> {
    const log = typeof body === 'object' && body !== null ? (body as { change_log?: unknown }).change_log : undefined;
    if (!Array.isArray(log) || log.length === 0) throw HttpError.badRequest('change_log: Expected a non-empty list of {id, update_received}.');
    const receipts = log.map((r: unknown, i) => {
      const { id, update_received } = (typeof r === 'object' && r !== null ? r : {}) as { id?: unknown; update_received?: unknown };
      if (!Number.isInteger(id) || typeof update_received !== 'boolean') {
        throw HttpError.badRequest(`change_log[${i}]: expected {"id": <integer>, "update_received": <boolean>}.`);
      }
      return { id: id as number, update_received };
    });
    const siteIds = new Set(sites.map((s) => s.id));
    const applied: Array<{ id: number; update_received: boolean }> = [];
    for (const r of receipts) {
      const change = this.changes.find((c) => c.id === r.id);
      // Ids of other sites (or unknown ones) are ignored, as confirming twice is harmless.
      if (!change || !siteIds.has(change.site)) continue;
      if (r.update_received) this.confirmed.add(r.id);
      else this.confirmed.delete(r.id);
      applied.push(r);
    }
    return applied;
  }

  /** Ids of the demo data, for tests and examples. */
  ids(): { pads: number[]; sites: number[]; demoPad: number; demoSites: number[] } {
    return { pads: PADS.map((p) => p.id), sites: SITES.map((s) => s.id), demoPad: DEMO_PAD_ID, demoSites: [...DEMO_SITE_IDS] };
  }
}

interface ParameterInput {
  name: string;
  description?: string;
  config: { field: string; aggregation: string; si_unit: string; base_unit: string; imperial_unit: string; conditions?: Schemas['StageAggregationCondition'][] };
}

/** Why a POST .../parameters/ item is invalid (in DRF's words), or undefined when it is fine. */
function parameterProblem(item: unknown): string | undefined {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) return 'Expected an object.';
  const p = item as Record<string, unknown>;
  if (typeof p.name !== 'string' || p.name.trim() === '') return '.name: This field is required.';
  if (p.description !== undefined && typeof p.description !== 'string') return '.description: Not a valid string.';
  const c = p.config;
  if (typeof c !== 'object' || c === null || Array.isArray(c)) return '.config: This field is required.';
  for (const key of ['field', 'aggregation', 'si_unit', 'base_unit', 'imperial_unit']) {
    if (typeof (c as Record<string, unknown>)[key] !== 'string') return `.config.${key}: This field is required.`;
  }
  const conditions = (c as Record<string, unknown>).conditions;
  if (conditions !== undefined && !Array.isArray(conditions)) return '.config.conditions: Expected a list.';
  return undefined;
}

/** Unit ids as the API numbers them (the text is in `config`); stable per unit text. */
function unitId(unit: string): number {
  let h = 0;
  for (const ch of unit) h = (h * 31 + ch.charCodeAt(0)) % 997;
  return 1 + (h % 60);
}

function round7(v: number): number {
  return Math.round(v * 1e7) / 1e7;
}
