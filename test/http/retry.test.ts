import { backoffDelay, parseRetryAfter, resolveRetryPolicy } from '../../src/http/retry';

describe('retry policy', () => {
  it('grows exponentially, is capped, and jitters within [d/2, d]', () => {
    const policy = resolveRetryPolicy({ baseDelayMs: 100, maxDelayMs: 1000, jitter: false });
    expect([1, 2, 3, 4, 5].map((a) => backoffDelay(policy, a))).toEqual([100, 200, 400, 800, 1000]);
    const jittered = resolveRetryPolicy({ baseDelayMs: 100 });
    expect(backoffDelay(jittered, 3, null, () => 0)).toBe(200);
    expect(backoffDelay(jittered, 3, null, () => 1)).toBe(400);
  });

  it('honours Retry-After when it asks for longer, within the cap', () => {
    const policy = resolveRetryPolicy({ baseDelayMs: 100, maxDelayMs: 5000, jitter: false });
    expect(backoffDelay(policy, 1, '2')).toBe(2000);
    expect(backoffDelay(policy, 1, '60')).toBe(5000);
    expect(parseRetryAfter('abc')).toBeUndefined();
    expect(parseRetryAfter(new Date(Date.now() + 60_000).toUTCString())).toBeGreaterThan(50_000);
  });

  it('rejects nonsense settings', () => {
    expect(() => resolveRetryPolicy({ attempts: 0 })).toThrow(/attempts/);
    expect(() => resolveRetryPolicy({ factor: 0.5 })).toThrow(/factor/);
    expect(resolveRetryPolicy(undefined).attempts).toBe(5);
  });
});
