/**
 * How fleet downloads share the API: at most `concurrency` tasks at once over the whole job, at most
 * `perGroup` at once per group (a site: each site's `/data/` path has its own allowance of 3 concurrent
 * requests), groups served round robin so that every site's first chunks start first. Used by `export`
 * and `sync`.
 */

export interface RoundRobinOptions {
  /** Tasks running at once over all groups. */
  concurrency: number;
  /** Tasks running at once within one group. */
  perGroup: number;
  /** Checked before each task starts: once true, no more tasks start (running ones finish). */
  stop?: () => boolean;
}

/**
 * Runs `run` over the items of `groups` (each group in its order) under the limits of `options`. `run`
 * should handle its own errors: one that escapes stops the scheduling and rejects once the running tasks
 * have finished. Resolves with the items never started (after a stop), group by group.
 */
export async function roundRobin<T>(groups: ReadonlyArray<readonly T[]>, options: RoundRobinOptions, run: (item: T) => Promise<void>): Promise<T[]> {
  const queues = groups.map((items) => ({ items, next: 0, active: 0 }));
  let pending = queues.reduce((n, q) => n + q.items.length, 0);
  let cursor = 0;
  let failure: { error: unknown } | undefined;
  let wake: Array<() => void> = [];
  const notify = (): void => {
    const waiting = wake;
    wake = [];
    for (const w of waiting) w();
  };
  const stopped = (): boolean => failure !== undefined || (options.stop?.() ?? false);

  const takeNext = (): { queue: (typeof queues)[number]; item: T } | undefined => {
    for (let k = 0; k < queues.length; k++) {
      const queue = queues[(cursor + k) % queues.length]!;
      if (queue.next >= queue.items.length || queue.active >= options.perGroup) continue;
      cursor = (cursor + k + 1) % queues.length;
      pending--;
      return { queue, item: queue.items[queue.next++]! };
    }
    return undefined;
  };

  const worker = async (): Promise<void> => {
    for (;;) {
      if (stopped()) return;
      const next = takeNext();
      if (!next) {
        if (pending === 0) return;
        await new Promise<void>((resolve) => wake.push(resolve));
        continue;
      }
      next.queue.active++;
      try {
        await run(next.item);
      } catch (error) {
        failure ??= { error };
      } finally {
        next.queue.active--;
        notify();
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(options.concurrency, Math.max(1, pending)) }, () => worker()));
  // Wake anyone still waiting (a stop) so no promise is left hanging.
  notify();
  if (failure) throw failure.error;
  return queues.flatMap((q) => q.items.slice(q.next));
}
