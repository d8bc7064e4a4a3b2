/**
 * The API's concurrency rule: at most `limit` requests in flight per endpoint path (ids included, query
 * excluded) per token; one more is refused with 429. Also keeps the statistics tests assert on: the
 * highest concurrency ever seen per path.
 */
export class InFlight {
  private readonly perKey = new Map<string, number>();
  private readonly perPath = new Map<string, number>();
  private readonly max = new Map<string, number>();

  constructor(private readonly limit: number) {}

  /** Takes a slot, or returns undefined when the token already has `limit` requests on this path. */
  tryAcquire(token: string, path: string): (() => void) | undefined {
    const key = `${token} ${path}`;
    const held = this.perKey.get(key) ?? 0;
    if (held >= this.limit) return undefined;
    this.perKey.set(key, held + 1);
    const now = (this.perPath.get(path) ?? 0) + 1;
    this.perPath.set(path, now);
    if (now > (this.max.get(path) ?? 0)) this.max.set(path, now);
    let released = false;
    return () => {
      // A response can both finish and close; only the first call counts.
      if (released) return;
      released = true;
      const k = (this.perKey.get(key) ?? 1) - 1;
      if (k === 0) this.perKey.delete(key);
      else this.perKey.set(key, k);
      this.perPath.set(path, (this.perPath.get(path) ?? 1) - 1);
    };
  }

  /** Requests in flight on a path, or on all paths. */
  current(path?: string): number {
    if (path !== undefined) return this.perPath.get(path) ?? 0;
    let sum = 0;
    for (const n of this.perPath.values()) sum += n;
    return sum;
  }

  /** The highest concurrency seen on a path, or the highest on any path. */
  maxSeen(path?: string): number {
    if (path !== undefined) return this.max.get(path) ?? 0;
    return Math.max(0, ...this.max.values());
  }

  resetStats(): void {
    this.max.clear();
    for (const [path, n] of this.perPath) if (n > 0) this.max.set(path, n);
  }
}
