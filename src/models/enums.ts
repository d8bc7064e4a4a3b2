/**
 * The contract's enumerations as values as well as types: `StageNameFilter.FRAC === 'frac'`, for code that
 * prefers a name to a string, and a list of the accepted values (`Object.values(Resolution)`) for
 * JavaScript, which has no types to read them from. Each name is both a type (the contract's union, from
 * generated/schema.ts) and a frozen object; a string literal of the union is accepted wherever the
 * constant is.
 *
 * The values are the contract's: `defineEnum` refuses at compile time an object that holds a value the
 * union lacks or misses one it has, so a changed enum in openapi/restream.yaml breaks the build here after
 * `npm run generate` (test/enums.test.ts also compares the objects with the YAML). Only the member names
 * (`WIRELINE` for `wl`) are written by hand.
 */
import type { components } from '../../generated/schema';

type Schemas = components['schemas'];

/** The values of `Union` that `Members` lacks, as a required property, so that a missing one is a type error. */
type EveryValueOf<Union, Members> = [Union] extends [Members[keyof Members]]
  ? unknown
  : { 'missing value(s) of the contract enum': Exclude<Union, Members[keyof Members]> };

/**
 * A frozen object of named values of `Union`: `defineEnum<'a' | 'b'>()({ A: 'a', B: 'b' })`. Curried so that
 * `Union` is given and the members inferred with their literal types.
 */
function defineEnum<Union extends string>() {
  return <const Members extends Readonly<Record<string, Union>>>(members: Members & EveryValueOf<Union, Members>): Readonly<Members> =>
    Object.freeze(members);
}

/** A kind of stage (the API's `state_imatch`, `state`, `current_state_search`): `frac`, `wl` (wireline) or `standby`. */
export type StageNameFilter = Schemas['StageNameFilter'];
/** The kinds of stage, by name: `StageNameFilter.FRAC === 'frac'`. */
export const StageNameFilter = defineEnum<StageNameFilter>()({
  /** Frac (fracturing) stages: `'frac'`. */
  FRAC: 'frac',
  /** Wireline stages: `'wl'`. */
  WIRELINE: 'wl',
  /** Standby periods: `'standby'`. */
  STANDBY: 'standby',
});

/** Row spacing of measurement data: `raw` (one row a second), `ten-second`, `minute`, `ten-minute` or `hour`. */
export type Resolution = Schemas['Resolution'];
/** The row spacings, by name: `Resolution.MINUTE === 'minute'`. */
export const Resolution = defineEnum<Resolution>()({
  /** One row a second, as measured: `'raw'` (the default). */
  RAW: 'raw',
  /** One row per 10 s: `'ten-second'`. */
  TEN_SECOND: 'ten-second',
  /** One row per minute: `'minute'`. */
  MINUTE: 'minute',
  /** One row per 10 minutes: `'ten-minute'`. */
  TEN_MINUTE: 'ten-minute',
  /** One row per hour: `'hour'`. */
  HOUR: 'hour',
});

/** How a coarser resolution than `raw` aggregates the seconds of a row: `min`, `max` or `mean`. */
export type Aggregation = Schemas['Aggregation'];
/** The aggregations, by name: `Aggregation.MEAN === 'mean'`. */
export const Aggregation = defineEnum<Aggregation>()({
  /** The smallest value of the period: `'min'`. */
  MIN: 'min',
  /** The largest value of the period: `'max'`. */
  MAX: 'max',
  /** The mean of the period: `'mean'`. */
  MEAN: 'mean',
});

/** How gaps in raw data are filled: `ffill` (carry the last value forward) or `bfill` (the next value back). */
export type FillDataMethod = Schemas['FillDataMethod'];
/** The gap-filling methods, by name: `FillDataMethod.FORWARD_FILL === 'ffill'`. Each needs `fillDataLimit`. */
export const FillDataMethod = defineEnum<FillDataMethod>()({
  /** Carry the last value forward over a gap: `'ffill'`. */
  FORWARD_FILL: 'ffill',
  /** Fill a gap with the next value: `'bfill'`. */
  BACKWARD_FILL: 'bfill',
});
