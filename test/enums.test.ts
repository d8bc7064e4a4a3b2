/**
 * The enumerations exported as values (`StageNameFilter.FRAC`, `Resolution.MINUTE`, ...) hold exactly the
 * contract's values: compared with openapi/restream.yaml's component enums and with the generated query
 * parameters that use them. The compile-time side (a value missing from an object, or one the contract
 * lacks, is a type error) is in src/models/enums.ts; the package test compiles consumers that use them.
 */
import { Aggregation, FillDataMethod, Resolution, StageNameFilter, type DataFilters } from '../src';
import { resolveDataFilters } from '../src/data/filters';
import { queryParameters } from '../generated/operations';
import { contractDocument } from './helpers/contract';

const objects = { StageNameFilter, Resolution, Aggregation, FillDataMethod } as const;

function contractEnum(name: string): unknown[] {
  const schemas = (contractDocument().components as { schemas: Record<string, { enum?: unknown[] }> }).schemas;
  const values = schemas[name]?.enum;
  if (!values) throw new Error(`openapi/restream.yaml has no enum ${name}`);
  return values;
}

const sorted = (values: readonly unknown[]): string[] => values.map(String).sort();

describe('enumerations as values', () => {
  it.each(Object.keys(objects) as Array<keyof typeof objects>)('%s holds exactly the contract enum of the same name', (name) => {
    const values = Object.values(objects[name]);
    expect(sorted(values)).toEqual(sorted(contractEnum(name)));
    expect(new Set(values).size).toBe(values.length);
  });

  it('and the generated query parameters that use them', () => {
    const data = queryParameters.getSiteData;
    expect(sorted(Object.values(Resolution))).toEqual(sorted(data.resolution.enum));
    expect(sorted(Object.values(Aggregation))).toEqual(sorted(data.agg.enum));
    expect(sorted(Object.values(FillDataMethod))).toEqual(sorted(data.fill_data_method.enum));
    expect(sorted(Object.values(StageNameFilter))).toEqual(sorted(data.state_imatch.enum));
  });

  it('names each value', () => {
    expect(StageNameFilter).toEqual({ FRAC: 'frac', WIRELINE: 'wl', STANDBY: 'standby' });
    expect(Resolution).toEqual({ RAW: 'raw', TEN_SECOND: 'ten-second', MINUTE: 'minute', TEN_MINUTE: 'ten-minute', HOUR: 'hour' });
    expect(Aggregation).toEqual({ MIN: 'min', MAX: 'max', MEAN: 'mean' });
    expect(FillDataMethod).toEqual({ FORWARD_FILL: 'ffill', BACKWARD_FILL: 'bfill' });
  });

  it('are frozen', () => {
    for (const object of Object.values(objects)) {
      expect(Object.isFrozen(object)).toBe(true);
      expect(() => {
        (object as Record<string, string>).EXTRA = 'x';
      }).toThrow(TypeError);
    }
  });

  it('are interchangeable with string literals in filters', () => {
    const named: DataFilters = {
      resolution: Resolution.TEN_MINUTE,
      aggregation: Aggregation.MEAN,
      stageNameFilter: StageNameFilter.WIRELINE,
      stageNumber: 4,
    };
    const literal: DataFilters = { resolution: 'ten-minute', aggregation: 'mean', stageNameFilter: 'wl', stageNumber: 4 };
    expect(resolveDataFilters('site', named)).toEqual(resolveDataFilters('site', literal));
    const fill: DataFilters = { fillDataMethod: FillDataMethod.BACKWARD_FILL, fillDataLimit: 60 };
    expect(resolveDataFilters('site', fill).query).toEqual({ fill_data_method: 'bfill', fill_data_limit: 60 });
  });
});
