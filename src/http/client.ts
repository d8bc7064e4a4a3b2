/**
 * The typed REST client: openapi-fetch over the generated `paths`, with the retrying, queueing,
 * token-refreshing transport underneath. Nothing here knows about sites or pads.
 */
import createClient, { type Client, type Middleware } from 'openapi-fetch';
import type { paths } from '../../generated/schema';
import { ClientCredentialsProvider, StaticTokenProvider, type IssuedToken, type TokenProvider } from './auth';
import { APICompatibilityError, CredentialsError, errorFromResponse, RestreamError } from './errors';
import { KeyedLimiter } from './limiter';
import type { Log } from './log';
import type { OnRetry, ResolvedRetryPolicy } from './retry';
import type { Timeouts } from './timeouts';
import { ATTEMPTS_HEADER, createTransport, type FetchLike } from './transport';

export type ApiClient = Client<paths>;

export interface HttpSettings {
  /** Base URL, e.g. `https://app.restreamsolutions.com` (no trailing slash). */
  host: string;
  clientId?: string;
  clientSecret?: string;
  authToken?: string;
  retry: ResolvedRetryPolicy;
  onRetry?: OnRetry;
  fetch: FetchLike;
  /** Concurrent requests allowed per endpoint path per token. */
  concurrency: number;
  userAgent: string;
  timeouts: Timeouts;
  log: Log;
  /** The proxy a request to `url` goes through (for messages), and the proxy credentials (for redaction). */
  proxyFor?: (url: URL) => URL | undefined;
  extraSecrets?: () => string[];
}

export interface Http {
  api: ApiClient;
  tokens: TokenProvider;
  /** Literal secrets to scrub from anything shown to a user. */
  secrets(): Array<string | undefined>;
}

export function createHttp(settings: HttpSettings): Http {
  const limiter = new KeyedLimiter(settings.concurrency);
  let tokens: TokenProvider;
  const secrets = () => [settings.clientSecret, settings.authToken, ...tokens.secrets(), ...(settings.extraSecrets?.() ?? [])];
  const transport = (auth?: TokenProvider) =>
    createTransport({
      fetch: settings.fetch,
      ...(auth ? { auth } : {}),
      limiter,
      retry: settings.retry,
      ...(settings.onRetry ? { onRetry: settings.onRetry } : {}),
      secrets,
      timeouts: settings.timeouts,
      log: settings.log,
      ...(settings.proxyFor ? { proxyFor: settings.proxyFor } : {}),
    });
  const baseMiddleware: Middleware = {
    onRequest({ request }) {
      request.headers.set('User-Agent', settings.userAgent);
      return request;
    },
  };

  const tokenClient = createClient<paths>({
    baseUrl: settings.host,
    fetch: transport(),
  });
  tokenClient.use(baseMiddleware);

  if (settings.authToken) {
    tokens = new StaticTokenProvider(settings.authToken);
  } else {
    tokens = new ClientCredentialsProvider({
      clientSecret: settings.clientSecret ?? '',
      requestToken: () => requestToken(tokenClient, settings, secrets),
    });
  }

  const api = createClient<paths>({
    baseUrl: settings.host,
    fetch: transport(tokens),
  });
  api.use(baseMiddleware);
  return { api, tokens, secrets };
}

async function requestToken(client: ApiClient, settings: HttpSettings, secrets: () => Array<string | undefined>): Promise<IssuedToken> {
  const path = '/o/token/';
  if (!settings.clientId || !settings.clientSecret) {
    throw new CredentialsError(
      'No credentials: pass clientId and clientSecret (or authToken) to new Restream(), or set RESTREAM_CLIENT_ID and RESTREAM_CLIENT_SECRET',
    );
  }
  let result;
  try {
    result = await client.POST(path, {
      body: { client_id: settings.clientId, client_secret: settings.clientSecret, grant_type: 'client_credentials' },
      bodySerializer: (body) => new URLSearchParams(body as Record<string, string>).toString(),
      headers: { 'Content-Type': 'application/x-www-form-urlencoded' },
    });
  } catch (error) {
    throw asCompatibilityError(error, 'POST', path, secrets());
  }
  const { data, error, response } = result;
  if (!response.ok) {
    const attempts = Number(response.headers.get(ATTEMPTS_HEADER)) || undefined;
    const failure = errorFromResponse({ status: response.status, method: 'POST', path, body: error, attempts, secrets: secrets() });
    // A refusal of the credentials themselves is its own kind of error; a 5xx stays a ServerError.
    if (response.status === 400 || response.status === 401 || response.status === 403) {
      throw new CredentialsError(`The token endpoint refused the client credentials: ${failure.serverMessage ?? `HTTP ${response.status}`}`, {
        status: response.status,
        method: 'POST',
        path,
        ...(failure.serverMessage !== undefined ? { serverMessage: failure.serverMessage } : {}),
        secrets: secrets(),
      });
    }
    throw failure;
  }
  if (!data || typeof data.access_token !== 'string' || typeof data.expires_in !== 'number') {
    throw new APICompatibilityError('POST /o/token/ answered 200 without access_token and expires_in', { status: 200, method: 'POST', path });
  }
  return data;
}

/** A 200 whose body is not JSON makes openapi-fetch throw a SyntaxError: that is an API change, not a bug. */
export function asCompatibilityError(error: unknown, method: string, path: string, secrets: ReadonlyArray<string | undefined>): unknown {
  if (error instanceof RestreamError) return error;
  // By name, not instanceof: undici's `response.json()` throws from its own realm (e.g. under jest).
  const name = (error as { name?: unknown } | null)?.name;
  if (name === 'SyntaxError') {
    return new APICompatibilityError(`${method} ${path} answered with a body that is not valid JSON: ${(error as Error).message}`, {
      status: 200,
      method,
      path,
      cause: error,
      secrets,
    });
  }
  return error;
}
