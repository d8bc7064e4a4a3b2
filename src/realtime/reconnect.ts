/**
 * When a realtime stream reconnects, and when it gives up.
 *
 * Every end of a connection, clean close or not, and every failed attempt is followed by a wait: exponential
 * backoff with jitter (the REST retry curve, `backoffDelay`), so a server that accepts and closes every
 * handshake sees a few connections a second at most, never a tight loop. A connection that stays up for
 * `healthyAfterMs` resets the curve, so the next drop waits the base delay again. The stream gives up
 * (and ends with a `WebSocketError` that says why) only after `maxAttempts` consecutive failures; by
 * default it never does.
 */
import { ValidationError } from '../http/errors';
import type { ResolvedRetryPolicy } from '../http/retry';

export interface ReconnectOptions {
  /**
   * Reconnect attempts in a row without a healthy connection before the stream gives up. Default
   * `Infinity` (never). `0` means: the first failure or close ends the stream.
   */
  maxAttempts?: number;
  /** Wait before the first reconnect, in ms, before jitter. Default 500. */
  baseDelayMs?: number;
  /** Upper bound of any wait, in ms. Default 30 000. */
  maxDelayMs?: number;
  /** Multiplier between consecutive waits. Default 2. */
  factor?: number;
  /** Randomise each wait in [delay/2, delay] (default true). */
  jitter?: boolean;
  /** A connection open this long (ms) counts as healthy and resets the backoff. Default 10 000. */
  healthyAfterMs?: number;
}

export interface ReconnectPolicy extends ResolvedRetryPolicy {
  /** `attempts` of the retry policy is unused here: `maxAttempts` counts reconnects. */
  maxAttempts: number;
  healthyAfterMs: number;
}

export const DEFAULT_RECONNECT: ReconnectPolicy = {
  maxAttempts: Infinity,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  factor: 2,
  jitter: true,
  healthyAfterMs: 10_000,
  attempts: Infinity,
};

const KEYS = ['maxAttempts', 'baseDelayMs', 'maxDelayMs', 'factor', 'jitter', 'healthyAfterMs'] as const;

/** Checks reconnect options; `false` turns reconnection off (`maxAttempts: 0`). */
export function resolveReconnectPolicy(options: ReconnectOptions | false | undefined): ReconnectPolicy {
  if (options === false) return { ...DEFAULT_RECONNECT, maxAttempts: 0 };
  if (options === undefined) return { ...DEFAULT_RECONNECT };
  if (typeof options !== 'object' || options === null) throw new ValidationError('reconnect', 'must be an options object or false');
  for (const key of Object.keys(options)) {
    if (!(KEYS as readonly string[]).includes(key)) throw new ValidationError(`reconnect.${key}`, `unknown option; known: ${KEYS.join(', ')}`);
  }
  const p: ReconnectPolicy = { ...DEFAULT_RECONNECT };
  const number = (key: (typeof KEYS)[number], min: number, integer = false): void => {
    const v = options[key as keyof ReconnectOptions];
    if (v === undefined) return;
    const ok = typeof v === 'number' && v >= min && (v === Infinity || !integer || Number.isInteger(v)) && !Number.isNaN(v);
    if (!ok) throw new ValidationError(`reconnect.${key}`, `must be a number >= ${min}${integer ? ' (an integer, or Infinity)' : ''}`);
    (p as unknown as Record<string, number>)[key] = v as number;
  };
  number('maxAttempts', 0, true);
  number('baseDelayMs', 0);
  number('maxDelayMs', 0);
  number('factor', 1);
  number('healthyAfterMs', 0);
  if (options.jitter !== undefined) {
    if (typeof options.jitter !== 'boolean') throw new ValidationError('reconnect.jitter', 'must be true or false');
    p.jitter = options.jitter;
  }
  return p;
}
