/**
 * What sites and pads have in common: an id, a client, and the same sub-resources (fields, stage
 * history with aggregations, aggregation descriptions). Subclasses add what differs.
 */
import { ValidationError } from '../http/errors';
import { expectArray, expectObject, unwrap } from '../http/call';
import { optionalDate, formatIsoSeconds, oneOf, positiveInteger, rejectUnknownOptions, toBoolean, toId, type TimeInput } from '../validate';
import type { ClientContext } from './context';
import { Data, type DataOptions } from '../data/data';
import { resolveDataFilters, type DataFilters } from '../data/filters';
import { reviveList, reviveSchema } from './dates';
import { DataChange, dataRequestsForChanges, type DataChangeDataFilters } from './data-change';
import { ASSET_ENDPOINTS, type AssetKind } from './endpoints';
import { StageNameFilter } from './enums';
import { getRealtimeDataChangesUpdates, getRealtimeInstanceUpdates, getRealtimeMeasurementsData } from '../realtime/attach';
import type { RealtimeMeasurements, RealtimeMeasurementsOptions } from '../realtime/measurements';
import type { RealtimeStream } from '../realtime/stream';
import type { RealtimeUpdatesOptions, WireDataChangeEvent } from '../realtime/updates';
import type { WirePad, WireSite } from './types';
import type {
  AggregationsResponse,
  Field,
  Stage,
  StageAggregation,
  StageAggregationDescription,
  StageAggregationDescriptionCreate,
  WireField,
  WireStage,
  WireStageAggregationDescription,
  WireStageWithAggregations,
  DataChangeFields,
  WireDataChange,
  WireDataChangeLog,
} from './types';


/** Filters of `getStagesMetadata`. */
export interface StagesMetadataOptions {
  /** Stages ending at or after this instant. */
  start?: TimeInput;
  /** Stages starting at or before this instant. */
  end?: TimeInput;
  /** Only this stage number; needs `stageNameFilter`. */
  stageNumber?: number;
  /** Only stages of this kind: `frac`, `wl` (wireline) or `standby`. */
  stageNameFilter?: StageNameFilter;
  /** Fetch each stage's aggregations and attach them as `aggregations`. */
  addAggregations?: boolean;
  /** Return wire objects (dates as strings) instead of revived ones. */
  asDict?: boolean;
}

/** Stage ids per aggregations request: keeps the repeated `histories=` query well under URL limits. */
const HISTORIES_PER_REQUEST = 150;

export abstract class Asset {
  readonly #ctx: ClientContext;
  /** The asset's id. */
  readonly id: number;
  abstract get kind(): AssetKind;

  protected constructor(ctx: ClientContext, id: number) {
    this.#ctx = ctx;
    this.id = toId(id);
  }

  /** The client this model belongs to. A getter, so it stays out of `JSON.stringify(model)`. */
  protected get ctx(): ClientContext {
    return this.#ctx;
  }

  protected get endpoints() {
    return ASSET_ENDPOINTS[this.kind];
  }

  protected callContext(template: string) {
    return { method: 'GET', template, pathParams: { id: this.id }, secrets: this.ctx.secrets() };
  }

  /** True once the asset's fields have been loaded (by `update()`, `get()` or a list). */
  get isLoaded(): boolean {
    return typeof (this as { name?: unknown }).name === 'string';
  }

  /** (Re)loads the asset's fields from the API and returns the asset itself. */
  async update(): Promise<this> {
    const template = this.endpoints.one;
    const data = await unwrap(this.ctx.api.GET(template, { params: { path: { id: this.id } } }), this.callContext(template));
    const wire = expectObject<{ id: number }>(data, { method: 'GET', path: this.path(template) }, 'id');
    Object.assign(this, reviveSchema(this.kind === 'site' ? 'Site' : 'Pad', wire));
    return this;
  }

  /** The measurement fields (names, labels, units, plot limits) available for this asset. */
  async getFieldsMetadata(options: { asDict?: boolean } = {}): Promise<Field[]> {
    rejectUnknownOptions(options, ['asDict'], 'getFieldsMetadata');
    const template = this.endpoints.fields;
    const data = await unwrap(this.ctx.api.GET(template, { params: { path: { id: this.id } } }), this.callContext(template));
    const fields = expectArray<WireField>(data, { method: 'GET', path: this.path(template) });
    return options.asDict ? (fields as Field[]) : reviveList<Field>('Field', fields);
  }

  /**
   * The stage history: one entry per state period (frac, wireline, standby), newest first as the API
   * sends them. With `addAggregations`, each stage carries its metrics as `aggregations` (null when the
   * API has none, as for the stage in progress), and an error the API reports for a site is kept on that
   * site's stages as `aggregationsError` rather than dropped.
   */
  async getStagesMetadata(options: StagesMetadataOptions & { asDict: true }): Promise<WireStageWithAggregations[]>;
  async getStagesMetadata(options?: StagesMetadataOptions): Promise<Stage[]>;
  async getStagesMetadata(options: StagesMetadataOptions = {}): Promise<Stage[] | WireStageWithAggregations[]> {
    rejectUnknownOptions(options, ['start', 'end', 'stageNumber', 'stageNameFilter', 'addAggregations', 'asDict'], 'getStagesMetadata');
    const query = historyQuery(options);
    const addAggregations = options.addAggregations === undefined ? false : toBoolean(options.addAggregations, 'addAggregations');
    const template = this.endpoints.history;
    const data = await unwrap(this.ctx.api.GET(template, { params: { path: { id: this.id }, query } }), this.callContext(template));
    const stages: WireStageWithAggregations[] = expectArray<WireStage>(data, { method: 'GET', path: this.path(template) }).map((s) => ({ ...s }));

    if (addAggregations) await this.attachAggregations(stages, query);
    return options.asDict ? stages : reviveList<Stage>('Stage', stages);
  }

  /** The descriptions of the stage aggregations (metric name, source field, aggregation, units). */
  async getStagesAggregationsDescriptions(options: { asDict?: boolean } = {}): Promise<StageAggregationDescription[]> {
    rejectUnknownOptions(options, ['asDict'], 'getStagesAggregationsDescriptions');
    const template = this.endpoints.parameters;
    const data = await unwrap(this.ctx.api.GET(template, { params: { path: { id: this.id } } }), this.callContext(template));
    const list = expectArray<WireStageAggregationDescription>(data, { method: 'GET', path: this.path(template) });
    return options.asDict ? (list as StageAggregationDescription[]) : reviveList<StageAggregationDescription>('StageAggregationDescription', list);
  }

  /** Creates stage-aggregation parameters (custom metrics) and returns the created descriptions. */
  async createPadParameters(parameters: StageAggregationDescriptionCreate[], options: { asDict?: boolean } = {}): Promise<StageAggregationDescription[]> {
    rejectUnknownOptions(options, ['asDict'], 'createPadParameters');
    validateParameters(parameters);
    const template = this.endpoints.parameters;
    const data = await unwrap(
      this.ctx.api.POST(template, { params: { path: { id: this.id } }, body: parameters }),
      { ...this.callContext(template), method: 'POST' },
    );
    const created = Array.isArray(data) ? data : [expectObject<WireStageAggregationDescription>(data, { method: 'POST', path: this.path(template) })];
    return options.asDict ? (created as StageAggregationDescription[]) : reviveList<StageAggregationDescription>('StageAggregationDescription', created);
  }

  /**
   * Measurement rows for this asset, lazily: nothing is requested until the result is read (iterated,
   * `toArray()`, `toReadable()` or `save(path)`). Filters are checked now, before any request.
   */
  getData(filters: DataFilters & DataOptions = {}): Data {
    const { signal, ...rest } = filters;
    const { query } = resolveDataFilters(this.kind, rest, []);
    return new Data(this.ctx, [{ kind: this.kind, id: this.id, query }], signal ? { signal } : {});
  }

  /**
   * The data-change log (corrections to data already delivered) and, lazily, the data to re-pull: per
   * site, the union of the changes' intervals merged into non-overlapping ranges, one request per range.
   * `filters` shape that data (fields, resolution, units...); the ranges come from the changes.
   */
  async getDataChanges(filters: DataChangeDataFilters & DataOptions = {}): Promise<{ changes: DataChange[]; data: Data }> {
    const { signal, ...rest } = filters;
    const requestsFor = (changes: DataChange[]) => dataRequestsForChanges(changes, rest);
    requestsFor([]); // validates the filters before any request
    const template = this.endpoints.dataChanges;
    const body = await unwrap(this.ctx.api.GET(template, { params: { path: { id: this.id } } }), this.callContext(template));
    const log = expectObject<WireDataChangeLog>(body, { method: 'GET', path: this.path(template) }, 'change_log');
    const parent = { kind: this.kind, id: this.id };
    const changes = expectArray<WireDataChange>(log.change_log, { method: 'GET', path: this.path(template) }).map(
      (wire) => new DataChange(this.ctx, parent, reviveSchema<DataChangeFields>('DataChange', wire)),
    );
    return { changes, data: new Data(this.ctx, requestsFor(changes), signal ? { signal } : {}) };
  }

  protected path(template: string): string {
    return template.replace('{id}', String(this.id));
  }

  private async attachAggregations(stages: WireStageWithAggregations[], filters: HistoryQuery): Promise<void> {
    // The stage in progress has no id and no aggregations yet.
    const ids = stages.flatMap((s) => (typeof s.id === 'number' ? [s.id] : []));
    const metricsById = new Map<number, StageAggregation>();
    const errorsBySite = new Map<string, string>();
    const template = this.endpoints.aggregations;
    const batches: number[][] = [];
    for (let i = 0; i < ids.length; i += HISTORIES_PER_REQUEST) batches.push(ids.slice(i, i + HISTORIES_PER_REQUEST));

    const responses = await Promise.all(
      batches.map((histories) =>
        unwrap(this.ctx.api.GET(template, { params: { path: { id: this.id }, query: { ...filters, histories } } }), this.callContext(template)),
      ),
    );
    for (const response of responses) {
      const bySite = expectObject<AggregationsResponse>(response, { method: 'GET', path: this.path(template) });
      for (const [site, entries] of Object.entries(bySite)) {
        if (typeof entries === 'string') {
          errorsBySite.set(site, entries);
          continue;
        }
        for (const entry of expectArray<StageAggregation>(entries, { method: 'GET', path: this.path(template) })) {
          if (entry && typeof entry.id === 'number') metricsById.set(entry.id, entry);
        }
      }
    }
    for (const stage of stages) {
      const error = errorsBySite.get(String(stage.site));
      const entry = typeof stage.id === 'number' ? metricsById.get(stage.id) : undefined;
      if (entry) {
        const { id: _id, ...metrics } = entry;
        stage.aggregations = metrics;
      } else {
        stage.aggregations = null;
      }
      if (error !== undefined) stage.aggregationsError = error;
    }
  }

  /**
   * Live measurement rows over a WebSocket, resumable through a session key (see src/realtime). Resolves
   * with `{ stream, sessionKey }` once the key is known and claimed; the stream connects on its first read.
   */
  getRealtimeMeasurementsData(options: RealtimeMeasurementsOptions = {}): Promise<RealtimeMeasurements> {
    return getRealtimeMeasurementsData(this.ctx, this.kind, this.id, options);
  }

  /** This asset's object over a WebSocket: on connect, then whenever it changes (models; wire objects with `asDict`). */
  getRealtimeInstanceUpdates(options: RealtimeUpdatesOptions & { asDict: true }): RealtimeStream<this extends { kind: 'site' } ? WireSite : WirePad>;
  getRealtimeInstanceUpdates(options?: RealtimeUpdatesOptions): RealtimeStream<this>;
  getRealtimeInstanceUpdates(options: RealtimeUpdatesOptions = {}): RealtimeStream<this> | RealtimeStream<WireSite | WirePad> {
    // Site.fromWire or Pad.fromWire: the model of this asset's own class, without importing the subclasses here.
    const model = this.constructor as unknown as { fromWire(ctx: ClientContext, wire: WireSite | WirePad): Asset };
    return getRealtimeInstanceUpdates(this.ctx, this.kind, this.id, options, (wire) => model.fromWire(this.ctx, wire) as this) as RealtimeStream<this>;
  }

  /** Data-change events over a WebSocket: `DataChange` models (wire objects with `asDict`), each with `confirmDataReceived()`. */
  getRealtimeDataChangesUpdates(options: RealtimeUpdatesOptions & { asDict: true }): RealtimeStream<WireDataChangeEvent>;
  getRealtimeDataChangesUpdates(options?: RealtimeUpdatesOptions): RealtimeStream<DataChange>;
  getRealtimeDataChangesUpdates(options: RealtimeUpdatesOptions = {}): RealtimeStream<DataChange | WireDataChangeEvent> {
    return getRealtimeDataChangesUpdates(this.ctx, this.kind, this.id, options);
  }
}

type HistoryQuery = { start?: string; end?: string; stage_number?: number; state?: StageNameFilter };

function historyQuery(options: StagesMetadataOptions): HistoryQuery {
  const start = optionalDate(options.start, 'start');
  const end = optionalDate(options.end, 'end');
  if (start && end && start > end) throw new ValidationError('end', 'must not be before start');
  const query: HistoryQuery = {};
  if (start) query.start = formatIsoSeconds(start);
  if (end) query.end = formatIsoSeconds(end);
  if (options.stageNameFilter !== undefined) query.state = oneOf(options.stageNameFilter, Object.values(StageNameFilter), 'stageNameFilter');
  if (options.stageNumber !== undefined) {
    query.stage_number = positiveInteger(options.stageNumber, 'stageNumber');
    if (query.state === undefined) throw new ValidationError('stageNumber', "needs stageNameFilter ('frac', 'wl' or 'standby'): a stage number alone is ambiguous");
  }
  return query;
}

function validateParameters(parameters: unknown): asserts parameters is StageAggregationDescriptionCreate[] {
  if (!Array.isArray(parameters) || parameters.length === 0) {
    throw new ValidationError('parameters', 'must be a non-empty array of { name, description, config }');
  }
  parameters.forEach((p: unknown, i) => {
    const where = `parameters[${i}]`;
    if (p === null || typeof p !== 'object') throw new ValidationError(where, 'must be an object');
    const { name, config } = p as { name?: unknown; config?: unknown };
    if (typeof name !== 'string' || name.trim() === '') throw new ValidationError(`${where}.name`, 'must be a non-empty string');
    if (config === null || typeof config !== 'object') throw new ValidationError(`${where}.config`, 'must be an object');
    for (const key of ['field', 'aggregation', 'si_unit', 'base_unit', 'imperial_unit']) {
      if (typeof (config as Record<string, unknown>)[key] !== 'string') {
        throw new ValidationError(`${where}.config.${key}`, 'must be a string');
      }
    }
  });
}
