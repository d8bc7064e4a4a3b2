import { ValidationError } from '../src/http/errors';
import { closeMatches, formatDataTime, formatIsoSeconds, rejectUnknownOptions, stringList, toDate, toId } from '../src/validate';

function validationErrorOf(fn: () => unknown): ValidationError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ValidationError) return error;
    throw error;
  }
  throw new Error('expected a ValidationError');
}

describe('input validation', () => {
  it('accepts positive integer ids and names the parameter otherwise', () => {
    expect(toId(1112)).toBe(1112);
    expect(toId('697')).toBe(697);
    for (const bad of [0, -1, 1.5, '1a', NaN, null, undefined, {}]) {
      expect(validationErrorOf(() => toId(bad, 'siteId')).parameter).toBe('siteId');
    }
  });

  it('takes Dates and ISO strings with an explicit offset only', () => {
    expect(toDate('2025-05-16T10:00:00Z', 'start').toISOString()).toBe('2025-05-16T10:00:00.000Z');
    expect(toDate('2025-05-16T05:00:00-05:00', 'start').toISOString()).toBe('2025-05-16T10:00:00.000Z');
    expect(toDate('2025-05-16 10:00:00+00:00', 'start').toISOString()).toBe('2025-05-16T10:00:00.000Z');
    const d = new Date(0);
    expect(toDate(d, 'start')).toBe(d);
    for (const bad of ['2025-05-16T10:00:00', '2025-05-16', 'yesterday', '2025-13-01T00:00:00Z', 1_700_000_000, new Date('x')]) {
      const error = validationErrorOf(() => toDate(bad, 'startDatetime'));
      expect(error.parameter).toBe('startDatetime');
    }
  });

  it('formats times the way each endpoint wants them', () => {
    const d = new Date('2025-05-16T10:00:00.750Z');
    expect(formatIsoSeconds(d)).toBe('2025-05-16T10:00:00Z');
    expect(formatDataTime(d)).toBe('2025-05-16 10:00:00');
  });

  it('rejects unknown options by name, with a suggestion', () => {
    const error = validationErrorOf(() => rejectUnknownOptions({ stageNumbr: 3 }, ['stageNumber', 'start'], 'getStagesMetadata'));
    expect(error.parameter).toBe('stageNumbr');
    expect(error.message).toContain("did you mean 'stageNumber'");
  });

  it('reads name lists from arrays or comma-joined strings', () => {
    expect(stringList(['a', ' b '], 'fields')).toEqual(['a', 'b']);
    expect(stringList('a,b', 'fields')).toEqual(['a', 'b']);
    expect(validationErrorOf(() => stringList([], 'fields')).parameter).toBe('fields');
    expect(validationErrorOf(() => stringList(['a', ''], 'fields')).parameter).toBe('fields[1]');
  });
});

describe('closeMatches', () => {
  const fields = ['M1_slurry_rate', 'M2_slurry_rate', 'slurry_rate', 'slurry_rate', 'tds', 'M1_surface_treating_pressure', 'surface_treating_pressure'];

  it('lists names a few edits away, closest first, each once', () => {
    expect(closeMatches('M1_slury_rate', fields)).toEqual(['M1_slurry_rate', 'M2_slurry_rate', 'slurry_rate']);
    expect(closeMatches('TDS', fields)).toEqual(['tds']);
  });

  it('lists names that contain the typed one, after the near misses', () => {
    expect(closeMatches('treating_pressure', fields)).toEqual(['surface_treating_pressure', 'M1_surface_treating_pressure']);
  });

  it('lists nothing for a name like none of them, and at most `limit`', () => {
    expect(closeMatches('wl_depth', fields)).toEqual([]);
    expect(closeMatches('slurry_rat', fields, 1)).toEqual(['slurry_rate']);
  });
});
