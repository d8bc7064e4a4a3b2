/**
 * Retry policy: which failures are worth another attempt, and how long to wait before it.
 * Exponential backoff with full jitter, so many clients hitting one limit spread out instead of
 * retrying in lockstep; `Retry-After` from the server wins when it asks for longer.
 */

export interface RetryOptions {
  /** Total attempts, the first included. Default 5; 1 disables retries. */
  attempts?: number;
  /** Delay before the first retry, in ms, before jitter. Default 500. */
  baseDelayMs?: number;
  /** Upper bound of any single delay, in ms. Default 30 000. */
  maxDelayMs?: number;
  /** Multiplier between consecutive delays. Default 2. */
  factor?: number;
  /** Randomise each delay in [delay/2, delay] (true, default) or use it as is (false). */
  jitter?: boolean;
}

export type ResolvedRetryPolicy = Required<RetryOptions>;

export const DEFAULT_RETRY: ResolvedRetryPolicy = {
  attempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: true,
};

/** What `onRetry` hears before each wait. */
export interface RetryEvent {
  /** The attempt that just failed (1-based). */
  attempt: number;
  /** Attempts allowed in all. */
  attempts: number;
  /** How long the SDK waits before the next attempt. */
  delayMs: number;
  method: string;
  /** URL path (no host, no query). */
  path: string;
  /** HTTP status of the failed attempt, if it got a response. */
  status?: number;
  /** The network error of the failed attempt, if it got none. */
  error?: Error;
}

export type OnRetry = (event: RetryEvent) => void;

export function resolveRetryPolicy(options: RetryOptions | undefined): ResolvedRetryPolicy {
  const policy = { ...DEFAULT_RETRY, ...stripUndefined(options ?? {}) };
  if (!Number.isInteger(policy.attempts) || policy.attempts < 1) throw new RangeError('retry.attempts must be an integer >= 1');
  if (!(policy.baseDelayMs >= 0) || !(policy.maxDelayMs >= 0)) throw new RangeError('retry delays must be >= 0');
  if (!(policy.factor >= 1)) throw new RangeError('retry.factor must be >= 1');
  return policy;
}

/** True for the statuses that say "try again later": the concurrency limit and server faults. */
export function isRetryableStatus(status: number): boolean {
  return status === 429 || status >= 500;
}

/** Delay before the attempt after `failedAttempt` (1-based), honouring a server's `Retry-After`. */
export function backoffDelay(policy: ResolvedRetryPolicy, failedAttempt: number, retryAfter?: string | null, random = Math.random): number {
  const exp = Math.min(policy.maxDelayMs, policy.baseDelayMs * policy.factor ** (failedAttempt - 1));
  const delay = policy.jitter ? exp / 2 + random() * (exp / 2) : exp;
  const asked = parseRetryAfter(retryAfter);
  return Math.round(asked !== undefined ? Math.min(policy.maxDelayMs, Math.max(delay, asked)) : delay);
}

/** `Retry-After` is either seconds or an HTTP date. */
export function parseRetryAfter(value: string | null | undefined): number | undefined {
  if (!value) return undefined;
  const seconds = Number(value);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(value);
  return Number.isFinite(date) ? Math.max(0, date - Date.now()) : undefined;
}

/** Waits `ms`, or rejects at once with the signal's reason when it aborts. */
export function sleep(ms: number, signal?: AbortSignal | null): Promise<void> {
  if (signal?.aborted) return Promise.reject(signal.reason);
  if (ms <= 0) return Promise.resolve();
  return new Promise((resolve, reject) => {
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason);
    };
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

function stripUndefined<T extends object>(o: T): Partial<T> {
  return Object.fromEntries(Object.entries(o).filter(([, v]) => v !== undefined)) as Partial<T>;
}
