/**
 * The SDK's error hierarchy. Every error a caller can see is a `RestreamError`; subclasses tell what
 * went wrong so callers can branch with `instanceof`. Messages and `toJSON()` never carry a token or
 * secret: text that came from outside passes through `redact` on the way in.
 */
import { redact } from './redact';

export interface RestreamErrorOptions {
  /** HTTP status of the response, when there was one. */
  status?: number;
  /** HTTP method of the request. */
  method?: string;
  /** URL path of the request (no host, no query). */
  path?: string;
  /** The server's own message (`detail`, `error`, ...), redacted. */
  serverMessage?: string;
  /** Attempts made, retries included, when the error ends a retry loop. */
  attempts?: number;
  /** Rows already handed to the caller when a data stream failed for good. */
  rowsDelivered?: number;
  cause?: unknown;
  /** Literal secrets to scrub from the message, beyond the patterns `redact` knows. */
  secrets?: ReadonlyArray<string | undefined>;
}

/** Base class of every error thrown by the SDK. */
export class RestreamError extends Error {
  readonly status?: number;
  readonly method?: string;
  readonly path?: string;
  readonly serverMessage?: string;
  readonly attempts?: number;
  readonly rowsDelivered?: number;

  constructor(message: string, options: RestreamErrorOptions = {}) {
    const secrets = options.secrets ?? [];
    super(redact(message, secrets), options.cause === undefined ? undefined : { cause: options.cause });
    this.name = new.target.name;
    if (options.status !== undefined) this.status = options.status;
    if (options.method !== undefined) this.method = options.method.toUpperCase();
    if (options.path !== undefined) this.path = redact(options.path, secrets);
    if (options.serverMessage !== undefined) this.serverMessage = redact(options.serverMessage, secrets);
    if (options.attempts !== undefined) this.attempts = options.attempts;
    if (options.rowsDelivered !== undefined) this.rowsDelivered = options.rowsDelivered;
  }

  /** A plain, secret-free view for logs. The `cause` is summarised, not serialised, since it may hold a request. */
  toJSON(): Record<string, unknown> {
    const out: Record<string, unknown> = { name: this.name, message: this.message };
    for (const key of ['status', 'method', 'path', 'serverMessage', 'attempts', 'rowsDelivered'] as const) {
      if (this[key] !== undefined) out[key] = this[key];
    }
    return out;
  }
}

/** Bad input, found before any request was sent. `parameter` names the offending option. */
export class ValidationError extends RestreamError {
  readonly parameter: string;
  constructor(parameter: string, message: string) {
    super(`${parameter}: ${message}`);
    this.parameter = parameter;
  }
  override toJSON(): Record<string, unknown> {
    return { ...super.toJSON(), parameter: this.parameter };
  }
}

/** 401/403: the token is missing, expired or lacks access to the resource. */
export class AuthError extends RestreamError {}

/** The token endpoint refused the client id/secret (or no credentials were configured). */
export class CredentialsError extends RestreamError {}

/** 404: the resource does not exist, or the API changed under the SDK. */
export class NotFoundError extends RestreamError {}

/** 429: the per-endpoint concurrency limit was hit and retries ran out. */
export class ConcurrencyLimitError extends RestreamError {}

/** 5xx: a fault on the server's side that outlasted the retries. */
export class ServerError extends RestreamError {}

/** A 200 whose body is not what the contract says: the API changed, or the stream is corrupt. */
export class APICompatibilityError extends RestreamError {}

/** Which of the client's timeouts fired: `connect` (TCP/TLS), `request` (the response), `idle` (a `/data/` body). */
export type TimeoutKind = 'connect' | 'request' | 'idle';

/**
 * The request never got a response: DNS, refused connection, reset socket, a body cut mid-way, or one of
 * the client's timeouts (`timeout` says which).
 */
export class ConnectionError extends RestreamError {
  /** Set when a timeout fired: `connect`, `request` or `idle`. */
  readonly timeout?: TimeoutKind;
  constructor(message: string, options: RestreamErrorOptions & { timeout?: TimeoutKind } = {}) {
    super(message, options);
    if (options.timeout !== undefined) this.timeout = options.timeout;
  }
  override toJSON(): Record<string, unknown> {
    return this.timeout === undefined ? super.toJSON() : { ...super.toJSON(), timeout: this.timeout };
  }
}

/**
 * The proxy refused to connect to the API: `status` is the proxy's answer (407: it wants credentials, or
 * the ones in the proxy URL are wrong). A setup problem rather than a flaky link, so it is not retried and
 * is not a `ConnectionError`.
 */
export class ProxyError extends RestreamError {}

/**
 * The API's TLS certificate is not trusted (usually a company proxy that re-signs TLS with its own CA): set
 * `NODE_EXTRA_CA_CERTS` or the client's `ca` option. A setup problem, so not retried.
 */
export class CertificateError extends RestreamError {}

/** A WebSocket stream failed: refused upgrade, session key in use, or reconnects exhausted. */
export class WebSocketError extends RestreamError {}

/** Any other unexpected status (e.g. 400 on a request the SDK validated). */
export class APIError extends RestreamError {}

/** Pulls the human part out of an error body: DRF's `detail`, OAuth's `error_description`/`error`, or text. */
export function serverMessageOf(body: unknown): string | undefined {
  if (body === undefined || body === null || body === '') return undefined;
  if (typeof body === 'string') return body.length > 500 ? `${body.slice(0, 500)}…` : body;
  if (typeof body === 'object') {
    const b = body as Record<string, unknown>;
    for (const key of ['detail', 'error_description', 'error', 'message']) {
      if (typeof b[key] === 'string') return b[key] as string;
    }
    try {
      return JSON.stringify(body).slice(0, 500);
    } catch {
      return undefined;
    }
  }
  return String(body);
}

export interface ResponseErrorContext {
  status: number;
  method: string;
  path: string;
  body?: unknown;
  attempts?: number;
  secrets?: ReadonlyArray<string | undefined>;
}

/** The one place a failed HTTP response becomes an error: picks the subclass from the status. */
export function errorFromResponse(ctx: ResponseErrorContext): RestreamError {
  const serverMessage = serverMessageOf(ctx.body);
  const base = `${ctx.method.toUpperCase()} ${ctx.path} failed with HTTP ${ctx.status}`;
  const message = serverMessage ? `${base}: ${serverMessage}` : base;
  const options: RestreamErrorOptions = {
    status: ctx.status,
    method: ctx.method,
    path: ctx.path,
    ...(serverMessage !== undefined ? { serverMessage } : {}),
    ...(ctx.attempts !== undefined ? { attempts: ctx.attempts } : {}),
    ...(ctx.secrets !== undefined ? { secrets: ctx.secrets } : {}),
  };
  if (ctx.status === 401 || ctx.status === 403) return new AuthError(message, options);
  if (ctx.status === 404) return new NotFoundError(message, options);
  if (ctx.status === 429) return new ConcurrencyLimitError(message, options);
  if (ctx.status >= 500) return new ServerError(message, options);
  return new APIError(message, options);
}
