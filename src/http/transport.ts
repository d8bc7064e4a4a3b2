/**
 * The `fetch` handed to openapi-fetch. openapi-fetch's middleware cannot re-send a request, so everything
 * that needs another attempt lives here: the concurrency queue, retries with backoff, and the one
 * refresh-and-retry after a 401/403. Each attempt sends a fresh clone of the caller's request.
 */
import type { TokenProvider } from './auth';
import { ConnectionError } from './errors';
import type { KeyedLimiter, Release } from './limiter';
import { backoffDelay, isRetryableStatus, sleep, type OnRetry, type ResolvedRetryPolicy } from './retry';

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
}

/** Header the transport adds to the response it returns: how many attempts the call took. */
export const ATTEMPTS_HEADER = 'x-restream-attempts';

export function createTransport(options: TransportOptions): FetchLike {
  const { auth, limiter, retry } = options;

  return async function transport(request: Request, init?: RequestInit): Promise<Response> {
    const url = new URL(request.url);
    const method = request.method;
    const path = url.pathname;
    const signal = request.signal;
    let refreshedAfterRejection = false;
    let token = auth ? await auth.getAccessToken() : undefined;

    for (let attempt = 1; ; attempt++) {
      const attemptRequest = request.clone();
      if (token !== undefined) attemptRequest.headers.set('Authorization', `Bearer ${token}`);

      // The API counts concurrent calls per path per token; the key mirrors that.
      const release = await limiter.acquire(`${token ?? ''} ${path}`, signal);
      let response: Response;
      try {
        response = await options.fetch(attemptRequest, init);
      } catch (error) {
        release();
        if (signal.aborted) throw signal.reason ?? error;
        if (attempt < retry.attempts) {
          await waitBeforeRetry(attempt, { method, path, error: asError(error) }, null);
          continue;
        }
        throw new ConnectionError(`${method} ${path}: no response after ${attempt} attempt(s): ${asError(error).message}`, {
          method,
          path,
          attempts: attempt,
          cause: error,
          secrets: options.secrets(),
        });
      }

      if ((response.status === 401 || response.status === 403) && auth?.ownsToken && !refreshedAfterRejection && token) {
        refreshedAfterRejection = true;
        await discard(response, release);
        token = await auth.refreshAfterRejection(token);
        attempt--; // a refresh is not a failed attempt
        continue;
      }

      if (isRetryableStatus(response.status) && attempt < retry.attempts) {
        const retryAfter = response.headers.get('retry-after');
        await discard(response, release);
        await waitBeforeRetry(attempt, { method, path, status: response.status }, retryAfter);
        continue;
      }

      return holdSlotUntilBodyEnds(response, release, attempt);
    }

    async function waitBeforeRetry(attempt: number, what: { method: string; path: string; status?: number; error?: Error }, retryAfter: string | null) {
      const delayMs = backoffDelay(retry, attempt, retryAfter);
      options.onRetry?.({ attempt, attempts: retry.attempts, delayMs, ...what });
      await sleep(delayMs, signal);
    }
  };
}

async function discard(response: Response, release: Release): Promise<void> {
  release();
  try {
    await response.body?.cancel();
  } catch {
    // The body is being thrown away; a failure to cancel it changes nothing.
  }
}

/**
 * A streamed body is still "in flight" at the server until it ends, so the slot is held until the reader
 * finishes, fails or cancels. Bodies nobody will read (204, empty) release at once.
 */
function holdSlotUntilBodyEnds(response: Response, release: Release, attempts: number): Response {
  const headers = new Headers(response.headers);
  headers.set(ATTEMPTS_HEADER, String(attempts));
  const init = { status: response.status, statusText: response.statusText, headers };
  const body = response.body;
  const empty = response.status === 204 || response.status === 304 || response.headers.get('content-length') === '0';
  if (!body || empty) {
    release();
    if (body) body.cancel().catch(() => undefined);
    return new Response(null, init);
  }
  const reader = body.getReader();
  const tracked = new ReadableStream<Uint8Array>(
    {
      async pull(controller) {
        try {
          const { done, value } = await reader.read();
          if (done) {
            release();
            controller.close();
          } else {
            controller.enqueue(value);
          }
        } catch (error) {
          release();
          controller.error(error);
        }
      },
      cancel(reason) {
        release();
        return reader.cancel(reason);
      },
    },
    { highWaterMark: 0 },
  );
  return new Response(tracked, init);
}

function asError(error: unknown): Error {
  // Duck-typed: undici's errors come from Node's own realm, where `instanceof Error` can fail.
  if (error !== null && typeof error === 'object' && typeof (error as Error).message === 'string') {
    const err = error as Error & { cause?: unknown };
    // undici hides the real reason (ECONNRESET, ECONNREFUSED) in `cause`.
    const cause = err.cause as { message?: unknown } | undefined;
    if (cause && typeof cause.message === 'string' && cause.message && !err.message.includes(cause.message)) {
      return new Error(`${err.message} (${cause.message})`);
    }
    return err;
  }
  return new Error(String(error));
}
