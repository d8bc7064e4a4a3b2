/**
 * `Restream`: configuration, auth and the typed transport; features hang off it (`sites`, `pads`,
 * `states`, model handles). No global state: two clients never share tokens, queues or settings.
 */
import { X509Certificate } from 'node:crypto';
import { createHttp, type ApiClient } from './http/client';
import { ValidationError } from './http/errors';
import { Log, resolveLogging, retryLine, type LogLevel, type Logger } from './http/log';
import { Network, splitPem, type WebSocketFactory } from './http/network';
import { resolveProxySettings } from './http/proxy';
import { resolveRetryPolicy, type OnRetry, type ResolvedRetryPolicy, type RetryOptions } from './http/retry';
import { resolveTimeouts } from './http/timeouts';
import type { FetchLike } from './http/transport';
import type { ClientContext } from './models/context';
import { Pad } from './models/pad';
import { DataChange, confirmChanges, type ChangeParent } from './models/data-change';
import { exportData, type ExportOptions, type ExportSummary } from './export/export';
import { runSync, type SyncOptions, type SyncSummary } from './sync';
import { Site } from './models/site';
import { PadsResource, SitesResource, StatesResource } from './models/resources';
import { rejectUnknownOptions } from './validate';
import { VERSION } from './version';

export const DEFAULT_HOST = 'https://app.restreamsolutions.com';

/** Options of `new Restream()`. Each falls back to its environment variable where one exists. */
export interface RestreamOptions {
  /** API base URL. Default: `RESTREAM_HOST`, else `https://app.restreamsolutions.com`. */
  host?: string;
  /** OAuth2 client id. Default: `RESTREAM_CLIENT_ID`. */
  clientId?: string;
  /** OAuth2 client secret. Default: `RESTREAM_CLIENT_SECRET`. */
  clientSecret?: string;
  /** A ready access token. Used as is and never refreshed; a 401 then surfaces as `AuthError`. */
  authToken?: string;
  /** Retry policy for 429, 5xx and network errors. Default: 5 attempts, 500 ms base, 30 s cap, jitter. */
  retry?: RetryOptions;
  /** Called before each retry wait: attempt, delay, status or error. For logging. */
  onRetry?: OnRetry;
  /**
   * The `fetch` to send REST requests with. Default: undici's, through the proxy and with the `ca` and
   * `connectTimeoutMs` of this client. Your own fetch replaces all three for REST calls (bring your own
   * dispatcher); it must honour `init.signal`, which carries the request timeout.
   */
  fetch?: FetchLike;
  /**
   * Opens the realtime WebSockets: `(url, protocols, options) => new WebSocket(url, protocols, options)` of
   * the `ws` package by default. `options` already hold the proxy `agent` and `ca` of this client.
   */
  createWebSocket?: WebSocketFactory;
  /** Concurrent requests per endpoint path per token (the API's limit is 3). */
  concurrency?: number;
  /**
   * Where to read the environment from (default `process.env`): `RESTREAM_*`, `HTTPS_PROXY`, `HTTP_PROXY`,
   * `NO_PROXY` (either case) and `RESTREAM_LOG`. Pass `{}` to ignore the environment.
   */
  env?: Record<string, string | undefined>;
  /**
   * Proxy for every connection (token, REST, `/data/`, WebSockets), e.g. `http://user:password@proxy:3128`.
   * Replaces `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY`; `false` ignores them and connects directly.
   */
  proxy?: string | false;
  /** Hosts reached without the proxy, `NO_PROXY` syntax (`localhost,.corp.example,10.0.0.0/8:8443`); replaces `NO_PROXY`. */
  noProxy?: string | string[];
  /** Extra CA certificates to trust (PEM text), on top of Node's own and `NODE_EXTRA_CA_CERTS`: a company proxy's CA. */
  ca?: string | string[];
  /** TCP connect plus TLS handshake, in ms (0: none). Default 10 000. Also the default handshake timeout of WebSockets. */
  connectTimeoutMs?: number;
  /** A REST call, request to last byte, in ms (0: none); for `/data/`, to the response headers. Default 60 000. */
  requestTimeoutMs?: number;
  /** A `/data/` download with no byte for this long (ms) is treated as broken and resumed (0: never). Default 60 000. */
  idleTimeoutMs?: number;
  /**
   * What to log: `'off'`, `'error'`, `'warn'` (the default: near silent), `'info'` (proxy used, retries,
   * reconnects), `'debug'` (every request). Default: `RESTREAM_LOG`, else `'warn'`.
   */
  logLevel?: LogLevel;
  /** Where log lines go: any console-like object (console, pino, winston). Default: one line each on stderr. */
  logger?: Logger;
}

const OPTION_NAMES = [
  'host',
  'clientId',
  'clientSecret',
  'authToken',
  'retry',
  'onRetry',
  'fetch',
  'createWebSocket',
  'concurrency',
  'env',
  'proxy',
  'noProxy',
  'ca',
  'connectTimeoutMs',
  'requestTimeoutMs',
  'idleTimeoutMs',
  'logLevel',
  'logger',
] as const;

/**
 * The ReStream Datastore client.
 *
 * ```ts
 * const rs = new Restream();                    // RESTREAM_CLIENT_ID / RESTREAM_CLIENT_SECRET / RESTREAM_HOST
 * const site = await rs.sites.get(1112);
 * const stages = await site.getStagesMetadata({ stageNameFilter: 'frac', addAggregations: true });
 * ```
 */
export class Restream {
  /** Base URL of the API, without a trailing slash. */
  readonly host: string;
  /** Sites: `list(filters)`, `get(id)`. */
  readonly sites: SitesResource;
  /** Pads: `list(filters)`, `get(id)`. */
  readonly pads: PadsResource;
  /** Site states: `list(filters)`, `get(id)`. */
  readonly states: StatesResource;
  /** Access tokens: `getAccessToken({ force })`. */
  readonly auth: { getAccessToken(options?: { force?: boolean }): Promise<string> };

  readonly #ctx: ClientContext;

  constructor(options: RestreamOptions = {}) {
    rejectUnknownOptions(options, OPTION_NAMES, 'Restream');
    const env = options.env ?? process.env;
    const host = normaliseHost(options.host ?? env.RESTREAM_HOST ?? DEFAULT_HOST);
    const retry = resolveRetry(options.retry);
    const concurrency = options.concurrency ?? 3;
    if (!Number.isInteger(concurrency) || concurrency < 1) throw new ValidationError('concurrency', 'must be an integer >= 1');
    if (options.fetch !== undefined && typeof options.fetch !== 'function') throw new ValidationError('fetch', 'must be a function');
    if (options.onRetry !== undefined && typeof options.onRetry !== 'function') throw new ValidationError('onRetry', 'must be a function');
    if (options.createWebSocket !== undefined && typeof options.createWebSocket !== 'function') throw new ValidationError('createWebSocket', 'must be a function');
    const timeouts = resolveTimeouts(options);
    const logging = resolveLogging(options.logLevel, options.logger, env);
    const proxy = resolveProxySettings(options.proxy, options.noProxy, env);
    const ca = resolveCa(options.ca);
    for (const key of ['clientId', 'clientSecret', 'authToken'] as const) {
      if (options[key] !== undefined && (typeof options[key] !== 'string' || options[key] === '')) {
        throw new ValidationError(key, 'must be a non-empty string');
      }
    }

    // The log redacts with the client's secrets, known once the transport exists.
    let secrets: () => ReadonlyArray<string | undefined> = () => [];
    const log = new Log(logging.level, logging.logger, () => secrets());
    const network = new Network({ proxy, ...(ca ? { ca } : {}), connectTimeoutMs: timeouts.connectMs, log, ...(options.createWebSocket ? { createWebSocket: options.createWebSocket } : {}) });
    const userOnRetry = options.onRetry;
    const onRetry: OnRetry = (event) => {
      log.info(retryLine(event));
      userOnRetry?.(event);
    };

    const http = createHttp({
      host,
      clientId: options.clientId ?? env.RESTREAM_CLIENT_ID,
      clientSecret: options.clientSecret ?? env.RESTREAM_CLIENT_SECRET,
      authToken: options.authToken,
      retry,
      onRetry,
      fetch: options.fetch ?? network.fetch,
      concurrency,
      userAgent: `restream-datastore/${VERSION} node/${process.versions.node}`,
      timeouts,
      log,
      proxyFor: (url) => network.proxyFor(url),
      extraSecrets: () => network.secrets(),
    });
    secrets = http.secrets;
    if (options.fetch && (proxy.http || proxy.https || ca || options.connectTimeoutMs !== undefined)) {
      log.warn('your fetch option sends the REST requests: the proxy, ca and connectTimeoutMs settings apply to WebSockets only (give your fetch its own dispatcher)');
    }
    this.host = host;
    this.#ctx = {
      api: http.api,
      tokens: http.tokens,
      host,
      retry,
      onRetry,
      secrets: http.secrets,
      timeouts,
      log,
      openWebSocket: (url, protocols, wsOptions) => network.openWebSocket(url, protocols, wsOptions),
      proxyFor: (url) => network.proxyFor(url),
      pad: (id) => new Pad(this.#ctx, id),
      site: (id) => new Site(this.#ctx, id),
    };
    this.sites = new SitesResource(this.#ctx);
    this.pads = new PadsResource(this.#ctx);
    this.states = new StatesResource(this.#ctx);
    const tokens = http.tokens;
    this.auth = { getAccessToken: (opts = {}) => tokens.getAccessToken(opts) };
  }

  /** A handle on site `id`, without a request; `await handle.update()` loads its fields. */
  site(id: number): Site {
    return new Site(this.#ctx, id);
  }

  /** A handle on pad `id`, without a request; `await handle.update()` loads its fields. */
  pad(id: number): Pad {
    return new Pad(this.#ctx, id);
  }

  /**
   * Confirms receipt of many data changes: one request per log they came from (pad or site), instead of
   * one per change.
   */
  async confirmDataReceived(changes: readonly DataChange[]): Promise<void> {
    if (!Array.isArray(changes)) throw new ValidationError('changes', 'must be an array of DataChange');
    const groups = new Map<string, { parent: ChangeParent; ids: number[] }>();
    changes.forEach((change, i) => {
      if (!(change instanceof DataChange)) throw new ValidationError(`changes[${i}]`, 'must be a DataChange from getDataChanges()');
      const parent = DataChange.parentOf(change);
      const key = `${parent.kind}:${parent.id}`;
      const group = groups.get(key) ?? { parent, ids: [] };
      if (!group.ids.includes(change.id)) group.ids.push(change.id);
      groups.set(key, group);
    });
    await Promise.all([...groups.values()].map((g) => confirmChanges(this.#ctx, g.parent, g.ids)));
  }

  /**
   * Exports many sites' (or pads' sites') measurement data over a long range: the range is split into chunks
   * (`chunk`, default one day), chunks download in parallel (`concurrency`, default 6; at most 3 per site)
   * into one file per site per chunk under `dir` (`site-<id>/<chunk start>Z.<ext>`, format `parquet` by
   * default), and a manifest records every completed chunk with its row count and SHA-256. Run it again with
   * the same options and only what is missing, damaged or failed is downloaded. Rejects with `ExportError`
   * (listing the failed chunks) when some chunks failed; the others stay complete.
   *
   * ```ts
   * await rs.export({ pads: [697], startDatetime: '2025-01-01T00:00:00Z', endDatetime: '2025-01-31T23:59:59Z',
   *                   dir: 'out/', format: 'parquet', chunk: '1d', onProgress: (p) => console.log(p.rowsDone) });
   * ```
   */
  export(options: ExportOptions): Promise<ExportSummary> {
    return exportData(this.#ctx, options);
  }

  /**
   * Keeps a database complete, live and corrected: one wide table `measurements` (`site_id`, `ts`, a column
   * per field) in a DuckDB file (`into: 'x.duckdb'`, the default `./restream.duckdb`) or PostgreSQL
   * (`into: 'postgres://…'`). Backfills every site from `startDatetime` (continuing from where the table
   * stands), applies the pending data changes (re-pulled, replaced in one transaction, confirmed after the
   * commit), and with `live: true` follows the live streams until `signal` aborts. Exactly once across
   * crashes: rows are upserted by `(site_id, ts)` and committed together with the bookkeeping that covers them.
   *
   * ```ts
   * await rs.sync({ pads: [697], startDatetime: '2025-10-01T00:00:00Z', into: 'restream.duckdb' });
   * await rs.sync({ sites: [1112], startDatetime: '2025-10-01T00:00:00Z', into: 'postgres://me@db/ops', live: true, signal });
   * ```
   */
  sync(options: SyncOptions): Promise<SyncSummary> {
    return runSync(this.#ctx, options);
  }

  /** The typed openapi-fetch client underneath, for endpoints the facade does not cover. */
  get api(): ApiClient {
    return this.#ctx.api;
  }

  /** A secret-free summary, so logging a client never leaks credentials. */
  toJSON(): Record<string, unknown> {
    return { host: this.host };
  }
}

/** The `ca` option: PEM text (one or more certificates), or a list of such texts; each must parse. */
function resolveCa(ca: unknown): string[] | undefined {
  if (ca === undefined) return undefined;
  const texts = typeof ca === 'string' ? [ca] : Array.isArray(ca) && ca.every((c) => typeof c === 'string') ? (ca as string[]) : undefined;
  const hint = 'must be PEM text (-----BEGIN CERTIFICATE-----...), e.g. readFileSync("company-ca.pem", "utf8"), or an array of such texts';
  if (!texts) throw new ValidationError('ca', hint);
  const certificates = texts.flatMap(splitPem);
  if (certificates.length === 0) throw new ValidationError('ca', hint);
  certificates.forEach((pem, i) => {
    try {
      new X509Certificate(pem);
    } catch (error) {
      throw new ValidationError('ca', `certificate ${i + 1} does not parse: ${(error as Error).message}`);
    }
  });
  return certificates;
}

function normaliseHost(host: string): string {
  let url: URL;
  try {
    url = new URL(host);
  } catch {
    throw new ValidationError('host', `must be an http(s) URL such as ${DEFAULT_HOST}, got ${JSON.stringify(host)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new ValidationError('host', 'must use http or https');
  if (url.search || url.hash) throw new ValidationError('host', 'must not have a query or fragment');
  return url.toString().replace(/\/+$/, '');
}

function resolveRetry(options: RetryOptions | undefined): ResolvedRetryPolicy {
  rejectUnknownOptions(options, ['attempts', 'baseDelayMs', 'maxDelayMs', 'factor', 'jitter'], 'retry');
  try {
    return resolveRetryPolicy(options);
  } catch (error) {
    throw new ValidationError('retry', (error as Error).message);
  }
}
