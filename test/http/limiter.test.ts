import { KeyedLimiter } from '../../src/http/limiter';

describe('KeyedLimiter', () => {
  it('admits up to the limit per key and queues the rest in FIFO order', async () => {
    const limiter = new KeyedLimiter(3);
    const releases = await Promise.all([1, 2, 3].map(() => limiter.acquire('a')));
    expect(limiter.active('a')).toBe(3);

    const order: number[] = [];
    const queued = [4, 5].map((n) => limiter.acquire('a').then((release) => (order.push(n), release)));
    // Another key is independent of the first.
    const other = await limiter.acquire('b');
    expect(limiter.active('b')).toBe(1);
    other();

    releases[0]!();
    const fourth = await queued[0]!;
    expect(order).toEqual([4]);
    expect(limiter.active('a')).toBe(3);
    releases[1]!();
    const fifth = await queued[1]!;
    expect(order).toEqual([4, 5]);
    for (const r of [releases[2]!, fourth, fifth]) r();
    expect(limiter.active('a')).toBe(0);
  });

  it('ignores a second release of the same slot', async () => {
    const limiter = new KeyedLimiter(1);
    const release = await limiter.acquire('k');
    release();
    release();
    expect(limiter.active('k')).toBe(0);
    const again = await limiter.acquire('k');
    expect(limiter.active('k')).toBe(1);
    again();
  });

  it('drops an aborted waiter from the queue', async () => {
    const limiter = new KeyedLimiter(1);
    const held = await limiter.acquire('k');
    const controller = new AbortController();
    const waiting = limiter.acquire('k', controller.signal);
    const next = limiter.acquire('k');
    controller.abort(new Error('stop'));
    await expect(waiting).rejects.toThrow('stop');
    held();
    const release = await next;
    expect(limiter.active('k')).toBe(1);
    release();
  });
});
