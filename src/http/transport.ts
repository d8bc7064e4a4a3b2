/**
 * The `fetch` handed to openapi-fetch. openapi-fetch's middleware cannot re-send a request, so everything
 * that needs another attempt lives here: the concurrency queue, retries with backoff, the one
 * refresh-and-retry after a 401/403, the request and idle timeouts, and the request log. Each attempt sends
 * a fresh clone of the caller's request.
 *
 * Two kinds of body: a request that asks for a streamed body (`Prefer: streaming`, the `/data/` downloads)
 * gets it as it arrives, watched by the idle timeout, and keeps its concurrency slot until the body ends.
 * Every other body is read within the attempt, under the request timeout, so a body cut or stalled
 * mid-way is retried like any other failure.
 */
import type { TokenProvider } from './auth';
import { CertificateError, ConnectionError, ProxyError } from './errors';
import { describeFailure, FATAL_PROXY_STATUSES } from './failure';
import { IdleWatchdog } from './idle';
import type { KeyedLimiter, Release } from './limiter';
import { requestLine, type Log } from './log';
import { backoffDelay, isRetryableStatus, sleep, type OnRetry, type ResolvedRetryPolicy } from './retry';
import type { Timeouts } from './timeouts';

export type FetchLike = (input: Request, init?: RequestInit) => Promise<Response>;

export interface TransportOptions {
  fetch: FetchLike;
  /** Absent for the token endpoint, which authenticates with the form body instead. */
  auth?: TokenProvider;
  limiter: KeyedLimiter;
  retry: ResolvedRetryPolicy;
  onRetry?: OnRetry;
  /** Literal secrets to keep out of error messages. */
  secrets: () => ReadonlyArray<string | undefined>;
  timeouts: Timeouts;
  log: Log;
  /** The proxy a request to `url` goes through, for messages. */
  proxyFor?: (url: URL) => URL | undefined;
}

/** Header the transport adds to the response it returns: how many attempts the call took. */
export const ATTEMPTS_HEADER = 'x-restream-attempts';

/** Statuses whose responses have no body (the Response constructor refuses one). */
const NULL_BODY = new Set([101, 204, 205, 304]);

export function createTransport(options: TransportOptions): FetchLike {
  const { auth, limiter, retry, timeouts, log } = options;

  return async function transport(request: Request, init?: RequestInit): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method;
    const path = url.pathname;
    const signal = request.signal;
    const streamed = /\bstreaming\b/i.test(request.headers.get('prefer') ?? '');
    let refreshedAfterRejection = false;
    let token = auth ? await auth.getAccessToken() : undefined;

    for (let attempt = 1; ; attempt++) {
      const attemptRequest = request.clone();
      if (token !== undefined) attemptRequest.headers.set('Authorization', `Bearer ${token}`);

      // The API counts concurrent calls per path per token; the key mirrors that. Waiting in this queue is
      // the client's own doing, so the request timeout starts after it.
      const release = await limiter.acquire(`${token ?? ''} ${path}`, signal);
      const started = performance.now();
      const deadline = new Deadline(timeouts.requestMs, signal);
      let response: Response;
      let body: ArrayBuffer | null = null;
      try {
        response = await options.fetch(attemptRequest, { ...init, signal: deadline.signal });
        if (!streamed) body = NULL_BODY.has(response.status) ? null : await response.arrayBuffer();
      } catch (error) {
        deadline.clear();
        release();
        if (signal.aborted) throw signal.reason ?? error;
        const failure = describeFailure(error, { requestTimedOut: deadline.fired, connectMs: timeouts.connectMs, requestMs: timeouts.requestMs });
        const context = { method, path, attempts: attempt, cause: error, secrets: options.secrets() };
        logRequest(url, { error: failure.message, started, bytes: 0, attempt });
        if (failure.proxyStatus !== undefined && FATAL_PROXY_STATUSES.has(failure.proxyStatus)) {
          const proxy = options.proxyFor?.(url);
          const where = proxy ? ` ${proxy.protocol}//${proxy.host}` : '';
          throw new ProxyError(`${method} ${path}: the proxy${where} refused to connect to ${url.host}: ${failure.message}`, { ...context, status: failure.proxyStatus });
        }
        if (failure.certificate !== undefined) {
          throw new CertificateError(`${method} ${path}: ${failure.message}`, context);
        }
        const timeout = failure.timeout !== undefined ? { timeout: failure.timeout } : {};
        if (attempt < retry.attempts) {
          const retried = new ConnectionError(failure.message, { method, path, cause: error, secrets: options.secrets(), ...timeout });
          await waitBeforeRetry(attempt, { method, path, error: retried }, null);
          continue;
        }
        throw new ConnectionError(`${method} ${path}: no response after ${attempt} attempt(s): ${failure.message}`, { ...context, ...timeout });
      }
      if (!streamed) {
        deadline.clear();
        release();
        logRequest(url, { status: response.status, started, bytes: body?.byteLength ?? 0, attempt });
      } else {
        // From here the body is watched by the idle timeout instead.
        deadline.clear();
      }

      if ((response.status === 401 || response.status === 403) && auth?.ownsToken && !refreshedAfterRejection && token) {
        refreshedAfterRejection = true;
        if (streamed) await discard(response, release, () => logRequest(url, { status: response.status, started, bytes: 0, attempt }));
        token = await auth.refreshAfterRejection(token);
        attempt--; // a refresh is not a failed attempt
        continue;
      }

      if (isRetryableStatus(response.status) && attempt < retry.attempts) {
        const retryAfter = response.headers.get('retry-after');
        if (streamed) await discard(response, release, () => logRequest(url, { status: response.status, started, bytes: 0, attempt }));
        await waitBeforeRetry(attempt, { method, path, status: response.status }, retryAfter);
        continue;
      }

      if (!streamed) return bufferedResponse(response, body, attempt);
      const idleError = () =>
        new ConnectionError(`idle timeout: no data for ${timeouts.idleMs} ms (idleTimeoutMs); the stream is treated as broken`, {
          method,
          path,
          timeout: 'idle',
          secrets: options.secrets(),
        });
      return streamedResponse(response, {
        release,
        attempts: attempt,
        watchdog: new IdleWatchdog(timeouts.idleMs, idleError),
        done: (bytes, error) => logRequest(url, { status: response.status, started, bytes, attempt, ...(error ? { error } : {}) }),
      });
    }

    async function waitBeforeRetry(attempt: number, what: { method: string; path: string; status?: number; error?: Error }, retryAfter: string | null) {
      const delayMs = backoffDelay(retry, attempt, retryAfter);
      options.onRetry?.({ attempt, attempts: retry.attempts, delayMs, ...what });
      await sleep(delayMs, signal);
    }

    function logRequest(url: URL, r: { status?: number; error?: string; started: number; bytes: number; attempt: number }): void {
      if (!log.enabled('debug')) return;
      log.debug(
        requestLine({
          method,
          url,
          ...(r.status !== undefined ? { status: r.status } : {}),
          ...(r.error !== undefined ? { error: r.error } : {}),
          durationMs: performance.now() - r.started,
          bytes: r.bytes,
          retries: r.attempt - 1,
        }),
      );
    }
  };
}

/** The request timeout of one attempt: aborts the fetch (and a body read within the attempt) when it fires. */
class Deadline {
  readonly signal: AbortSignal;
  fired = false;
  private readonly timer: NodeJS.Timeout | undefined;

  constructor(ms: number, caller: AbortSignal) {
    if (!(ms > 0)) {
      this.signal = caller;
      return;
    }
    const own = new AbortController();
    this.signal = AbortSignal.any([caller, own.signal]);
    this.timer = setTimeout(() => {
      this.fired = true;
      own.abort(new Error(`request timeout (${ms} ms)`));
    }, ms);
  }

  clear(): void {
    if (this.timer) clearTimeout(this.timer);
  }
}

async function discard(response: Response, release: Release, logged: () => void): Promise<void> {
  release();
  logged();
  try {
    await response.body?.cancel();
  } catch {
    // The body is being thrown away; a failure to cancel it changes nothing.
  }
}

/** A response whose body was read within the attempt, with the attempts header added. */
function bufferedResponse(response: Response, body: ArrayBuffer | null, attempts: number): Response {
  const headers = new Headers(response.headers);
  headers.set(ATTEMPTS_HEADER, String(attempts));
  // fetch has already decoded the body: the length and encoding of the wire no longer apply.
  headers.delete('content-encoding');
  if (body) headers.set('content-length', String(body.byteLength));
  return new Response(body, { status: response.status, statusText: response.statusText, headers });
}

interface StreamedBody {
  release: Release;
  attempts: number;
  watchdog: IdleWatchdog;
  /** Called once when the body ends, fails or is cancelled. */
  done: (bytes: number, error?: string) => void;
}

/**
 * A streamed body is still "in flight" at the server until it ends, so the slot is held until the reader
 * finishes, fails or cancels; and each read is watched by the idle timeout (a stall cancels the body and
 * fails the read with a `ConnectionError`, which the resuming download treats as a break). Bodies nobody
 * will read (204, empty) release at once.
 */
function streamedResponse(response: Response, s: StreamedBody): Response {
  const headers = new Headers(response.headers);
  headers.set(ATTEMPTS_HEADER, String(s.attempts));
  const init = { status: response.status, statusText: response.statusText, headers };
  const body = response.body;
  const empty = NULL_BODY.has(response.status) || response.headers.get('content-length') === '0';
  if (!body || empty) {
    s.release();
    s.done(0);
    if (body) body.cancel().catch(() => undefined);
    return new Response(null, init);
  }
  const reader = body.getReader();
  let bytes = 0;
  let ended = false;
  const end = (error?: unknown): void => {
    if (ended) return;
    ended = true;
    s.watchdog.stop();
    s.release();
    s.done(bytes, error === undefined ? undefined : String((error as Error)?.message ?? error));
  };
  const tracked = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await s.watchdog.watch(reader.read());
          if (done) {
            end();
            controller.close();
          } else {
            bytes += value.byteLength;
            controller.enqueue(value);
          }
        } catch (error) {
          end(error);
          // A stalled read is still pending: cancelling the body closes the connection under it.
          reader.cancel(error).catch(() => undefined);
          controller.error(error);
        }
      },
      cancel(reason) {
        end(reason ?? 'cancelled');
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(tracked, init);
}
