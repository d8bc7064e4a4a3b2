import { reviveDates } from '../src/models/revive';

describe('reviveDates', () => {
  it('turns date-time strings at the given paths into Dates, leaving the input untouched', () => {
    const wire = {
      date_created: '2024-03-07T10:11:56Z',
      site: { date_created: '2024-03-07T10:11:56.123456Z', name: 'x' },
      change_log: [{ created_at: '2024-04-03T11:07:00.545416Z' }, { created_at: null }],
      end: null,
      other: '2024-03-07T10:11:56Z',
    };
    const out = reviveDates(wire, [['date_created'], ['site', 'date_created'], ['change_log', '*', 'created_at'], ['end'], ['missing', 'x']]);
    expect(out.date_created).toEqual(new Date('2024-03-07T10:11:56Z'));
    expect((out.site.date_created as unknown as Date).getTime()).toBe(Date.parse('2024-03-07T10:11:56.123Z'));
    expect(out.change_log[0]!.created_at).toBeInstanceOf(Date);
    expect(out.change_log[1]!.created_at).toBeNull();
    expect(out.end).toBeNull();
    expect(out.other).toBe('2024-03-07T10:11:56Z');
    expect(wire.date_created).toBe('2024-03-07T10:11:56Z');
    expect(wire.change_log[0]!.created_at).toBe('2024-04-03T11:07:00.545416Z');
  });

  it('keeps strings that are not dates', () => {
    expect(reviveDates({ a: 'not a date' }, [['a']])).toEqual({ a: 'not a date' });
  });
});
