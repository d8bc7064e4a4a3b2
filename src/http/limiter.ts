/**
 * The API allows at most 3 concurrent calls per endpoint path per token and answers the 4th with 429.
 * Rather than provoke and retry those, the SDK queues its own calls: one FIFO semaphore per key.
 */

/** Releases a slot; calling it more than once is harmless (a body can end and be cancelled). */
export type Release = () => void;

interface Gate {
  active: number;
  waiting: Array<{ grant: (release: Release) => void; reject: (reason: unknown) => void; signal?: AbortSignal; onAbort?: () => void }>;
}

export class KeyedLimiter {
  private readonly gates = new Map<string, Gate>();

  constructor(readonly limit: number) {
    if (!Number.isInteger(limit) || limit < 1) throw new RangeError('limit must be an integer >= 1');
  }

  /** Waits for a free slot under `key`; rejects with the signal's reason if it aborts while queued. */
  acquire(key: string, signal?: AbortSignal | null): Promise<Release> {
    if (signal?.aborted) return Promise.reject(signal.reason);
    const gate = this.gates.get(key) ?? this.newGate(key);
    if (gate.active < this.limit) {
      gate.active++;
      return Promise.resolve(this.releaser(key, gate));
    }
    return new Promise<Release>((grant, reject) => {
      const waiter: Gate['waiting'][number] = { grant, reject };
      if (signal) {
        waiter.signal = signal;
        waiter.onAbort = () => {
          const i = gate.waiting.indexOf(waiter);
          if (i >= 0) gate.waiting.splice(i, 1);
          reject(signal.reason);
        };
        signal.addEventListener('abort', waiter.onAbort, { once: true });
      }
      gate.waiting.push(waiter);
    });
  }

  /** Slots in use under `key` (for tests and diagnostics). */
  active(key: string): number {
    return this.gates.get(key)?.active ?? 0;
  }

  private newGate(key: string): Gate {
    const gate: Gate = { active: 0, waiting: [] };
    this.gates.set(key, gate);
    return gate;
  }

  private releaser(key: string, gate: Gate): Release {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = gate.waiting.shift();
      if (next) {
        // The slot passes straight to the next waiter: `active` stays the same.
        if (next.signal && next.onAbort) next.signal.removeEventListener('abort', next.onAbort);
        next.grant(this.releaser(key, gate));
      } else {
        gate.active--;
        if (gate.active === 0) this.gates.delete(key);
      }
    };
  }
}
