/**
 * Model field types, straight from the contract. `Wire*` types are what the API sends (dates as ISO
 * strings, what `asDict: true` returns); the unprefixed ones are the same shapes with every date-time
 * property as a `Date` (generated/models.ts is generated with that one difference).
 */
import type { components as wire, operations } from '../../generated/schema';
import type { components as revived } from '../../generated/models';

type WireSchemas = wire['schemas'];
type Schemas = revived['schemas'];

export type WirePad = WireSchemas['Pad'];
export type WireSite = WireSchemas['Site'];
export type WireState = WireSchemas['State'];
export type WireStage = WireSchemas['Stage'];
export type WireField = WireSchemas['Field'];
export type WireDataChange = WireSchemas['DataChange'];
export type WireDataChangeLog = WireSchemas['DataChangeLog'];
export type WireStageAggregationDescription = WireSchemas['StageAggregationDescription'];

export type PadFields = Schemas['Pad'];
export type SiteFields = Schemas['Site'];
export type StateFields = Schemas['State'];
export type StageFields = Schemas['Stage'];
export type DataChangeFields = Schemas['DataChange'];
export type Field = Schemas['Field'];
export type StageAggregationDescription = Schemas['StageAggregationDescription'];
export type StageAggregationDescriptionCreate = WireSchemas['StageAggregationDescriptionCreate'];
export type MeasurementSource = Schemas['MeasurementSource'];
export type MeasurementSources = Schemas['MeasurementSources'];
export type StageAggregation = Schemas['StageAggregation'];
export type AggregationsResponse = WireSchemas['AggregationsResponse'];

/** The contract's enumerations; each is also a frozen object of named values (see ./enums). */
export type { StageNameFilter, Resolution, Aggregation, FillDataMethod } from './enums';

/** Query filters of the list endpoints, spelled as the API spells them. */
export type PadListFilters = NonNullable<operations['listPads']['parameters']['query']>;
export type SiteListFilters = NonNullable<operations['listSites']['parameters']['query']>;
export type StateListFilters = NonNullable<operations['listStates']['parameters']['query']>;

/** The metric values of one stage, by metric name (`null` where the API has no value). */
export type StageMetrics = Omit<StageAggregation, 'id'>;

/** A history entry, with its aggregations attached when asked for. */
export type Stage = StageFields & {
  /** The stage's metrics; `null` when the API had none for it (e.g. the stage still in progress). */
  aggregations?: StageMetrics | null;
  /** The API's error text for this stage's site, when it answered one instead of aggregations. */
  aggregationsError?: string;
};

/** A wire history entry with aggregations attached (for `asDict: true`). */
export type WireStageWithAggregations = WireStage & { aggregations?: StageMetrics | null; aggregationsError?: string };
