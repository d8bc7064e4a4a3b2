/**
 * The client's three timeouts, so a stalled link fails (and is retried) instead of hanging a job forever.
 * Each is in milliseconds; 0 turns it off.
 */
import { ValidationError } from './errors';

export interface Timeouts {
  /** TCP connect plus TLS handshake, to the API or to the proxy (and through it). Default 10 s. */
  connectMs: number;
  /**
   * A REST call: from sending the request to the last byte of the response. For a `/data/` download, to the
   * response headers (the body is watched by `idleMs`). Default 60 s.
   */
  requestMs: number;
  /** A `/data/` download that receives no byte for this long is treated as broken and resumed. Default 60 s. */
  idleMs: number;
}

export const DEFAULT_TIMEOUTS: Timeouts = { connectMs: 10_000, requestMs: 60_000, idleMs: 60_000 };

/** Largest delay `setTimeout` takes (about 24.8 days). */
const MAX_MS = 2 ** 31 - 1;

/** The timeouts from the client options `connectTimeoutMs`, `requestTimeoutMs`, `idleTimeoutMs`. */
export function resolveTimeouts(options: { connectTimeoutMs?: unknown; requestTimeoutMs?: unknown; idleTimeoutMs?: unknown }): Timeouts {
  return {
    connectMs: check(options.connectTimeoutMs, 'connectTimeoutMs', DEFAULT_TIMEOUTS.connectMs),
    requestMs: check(options.requestTimeoutMs, 'requestTimeoutMs', DEFAULT_TIMEOUTS.requestMs),
    idleMs: check(options.idleTimeoutMs, 'idleTimeoutMs', DEFAULT_TIMEOUTS.idleMs),
  };
}

function check(value: unknown, name: string, fallback: number): number {
  if (value === undefined) return fallback;
  if (typeof value !== 'number' || !Number.isInteger(value) || value < 0 || value > MAX_MS) {
    throw new ValidationError(name, `must be a whole number of milliseconds between 0 (no timeout) and ${MAX_MS}, got ${String(value)}`);
  }
  return value;
}
