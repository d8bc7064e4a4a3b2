/**
 * The SDK's log: levels, any console-like logger (console, pino, winston, bunyan), and redaction of every
 * line on its way out, so a token, the client secret or a proxy password never reaches a log.
 *
 * What each level carries (an error the SDK throws is not logged as well: log it where you catch it). The
 * default, `warn`, is silent on a good day and on a bad one that the retries absorbed, so a cron job that
 * succeeded prints nothing:
 * - `error`: a failure nobody awaits, so nothing else reports it (a realtime session position that could
 *   not be saved).
 * - `warn`: settings that do not do what they seem to (a proxy or CA given with your own `fetch`).
 * - `info`: what the SDK did about the network: how each origin is reached (directly or through which
 *   proxy), every retry, resume and reconnect (what failed, which timeout, the wait before the next try),
 *   WebSocket connections opened and closed.
 * - `debug`: one line per HTTP request (method, path, status, duration, bytes, retry count) and per
 *   WebSocket handshake.
 */
import { ValidationError } from './errors';
import { redact } from './redact';
import type { RetryEvent } from './retry';

export const LOG_LEVELS = ['off', 'error', 'warn', 'info', 'debug'] as const;

/** How much the SDK logs: `off`, or `error` up to `debug` (each level includes the ones before it). */
export type LogLevel = (typeof LOG_LEVELS)[number];

/** Any console-like logger: `console`, a pino or winston logger, ... Each method gets one line of text. */
export interface Logger {
  error(message: string): unknown;
  warn(message: string): unknown;
  info(message: string): unknown;
  debug(message: string): unknown;
}

/** Default level: only what needs a person's attention and is not thrown. */
export const DEFAULT_LOG_LEVEL: LogLevel = 'warn';

const RANK: Record<LogLevel, number> = { off: 0, error: 1, warn: 2, info: 3, debug: 4 };
const PREFIX = 'restream: ';
/** Longest query string shown in a request line (a `fields` list can be long). */
const MAX_QUERY = 300;

/** A client's log: writes lines at or above its level to the logger, redacted. */
export class Log {
  constructor(
    readonly level: LogLevel,
    private readonly logger: Logger,
    private readonly secrets: () => ReadonlyArray<string | undefined>,
  ) {}

  /** Whether lines of `level` are written (check before building an expensive line). */
  enabled(level: Exclude<LogLevel, 'off'>): boolean {
    return RANK[level] <= RANK[this.level];
  }

  error(message: string): void {
    this.write('error', message);
  }

  warn(message: string): void {
    this.write('warn', message);
  }

  info(message: string): void {
    this.write('info', message);
  }

  debug(message: string): void {
    this.write('debug', message);
  }

  private write(level: Exclude<LogLevel, 'off'>, message: string): void {
    if (!this.enabled(level)) return;
    const line = redact(PREFIX + message, this.secrets());
    try {
      this.logger[level](line);
    } catch {
      // A broken logger must not break the request it reports on.
    }
  }
}

/**
 * The default logger: one line per entry on stderr, whatever the level (console.info and console.debug
 * would write to stdout, which a script may be using for its data).
 */
export const STDERR_LOGGER: Logger = {
  error: writeStderr,
  warn: writeStderr,
  info: writeStderr,
  debug: writeStderr,
};

function writeStderr(line: string): void {
  process.stderr.write(`${line}\n`);
}

/**
 * The level and logger of a client: `logLevel`, else `RESTREAM_LOG`, else `warn`; `logger`, else stderr.
 * Bad values are a `ValidationError` naming the option (or the variable).
 */
export function resolveLogging(
  level: unknown,
  logger: unknown,
  env: Record<string, string | undefined>,
): { level: LogLevel; logger: Logger } {
  let resolved: LogLevel = DEFAULT_LOG_LEVEL;
  if (level !== undefined) {
    resolved = checkLevel(level, 'logLevel');
  } else if (env.RESTREAM_LOG !== undefined && env.RESTREAM_LOG.trim() !== '') {
    resolved = checkLevel(env.RESTREAM_LOG.trim().toLowerCase(), 'RESTREAM_LOG');
  }
  if (logger === undefined) return { level: resolved, logger: STDERR_LOGGER };
  const methods = ['error', 'warn', 'info', 'debug'] as const;
  if (logger === null || typeof logger !== 'object' || methods.some((m) => typeof (logger as Record<string, unknown>)[m] !== 'function')) {
    throw new ValidationError('logger', 'must be a console-like object with error, warn, info and debug methods (console, pino and winston loggers are)');
  }
  return { level: resolved, logger: logger as Logger };
}

function checkLevel(value: unknown, name: string): LogLevel {
  if (typeof value === 'string' && (LOG_LEVELS as readonly string[]).includes(value)) return value as LogLevel;
  throw new ValidationError(name, `must be one of ${LOG_LEVELS.map((l) => `'${l}'`).join(', ')}, got ${JSON.stringify(value)}`);
}

/** What one HTTP request did, for its debug line. */
export interface RequestRecord {
  method: string;
  url: URL;
  /** The response status; absent when the request got no response. */
  status?: number;
  /** Why it failed, when it did (network error, timeout, a body cut mid-way). */
  error?: string;
  durationMs: number;
  /** Body bytes received. */
  bytes: number;
  /** Retries before this request (0 for a first attempt). */
  retries: number;
}

/** `GET /external/thirdparty/v1/sites/1112/ 200 35ms 1234B retries=0`, and `: <error>` when it failed. */
export function requestLine(r: RequestRecord): string {
  const query = r.url.search.length > MAX_QUERY + 1 ? `${r.url.search.slice(0, MAX_QUERY)}…` : r.url.search;
  const outcome = r.status !== undefined ? String(r.status) : 'failed';
  return `${r.method} ${r.url.pathname}${query} ${outcome} ${Math.round(r.durationMs)}ms ${r.bytes}B retries=${r.retries}${r.error ? `: ${r.error}` : ''}`;
}

/** `GET /external/... failed (HTTP 503); retry 1/4 in 512 ms`. */
export function retryLine(e: RetryEvent): string {
  const what = e.status !== undefined ? `HTTP ${e.status}` : (e.error?.message ?? 'error');
  return `${e.method} ${e.path} failed (${what}); retry ${e.attempt}/${e.attempts - 1} in ${e.delayMs} ms`;
}
