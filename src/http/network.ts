/**
 * How a client reaches the API: the `fetch` behind the token request, REST calls and `/data/` downloads,
 * and the options of every WebSocket, built from one set of settings (proxy, extra CAs, connect timeout)
 * so that the two kinds of connection can never disagree about a host.
 *
 * `fetch` is undici's (the npm package, not Node's bundled copy, so the dispatchers it is given always come
 * from the same undici as the fetch itself, on every Node version): an `Agent` for direct connections and a
 * `ProxyAgent` per proxy, chosen per request by `proxyFor`. WebSockets (`ws`) get an `HttpsProxyAgent`
 * (CONNECT tunnel, for `ws:` and `wss:` alike) from the same decision. Node's own `NODE_USE_ENV_PROXY`
 * (Node 24) is not relied on: Node 20 must work too, and it would not cover `ws`.
 */
import { readFileSync } from 'node:fs';
import type { Agent as HttpAgent } from 'node:http';
import * as tls from 'node:tls';
import { HttpsProxyAgent } from 'https-proxy-agent';
import { Agent, ProxyAgent, fetch as undiciFetch, type Dispatcher } from 'undici';
import { WebSocket, type ClientOptions } from 'ws';
import type { Log } from './log';
import { describeProxy, proxyFor, proxySecrets, type ProxySettings } from './proxy';
import type { FetchLike } from './transport';

/** The options the SDK opens a WebSocket with (those of `ws`): headers, proxy agent, CAs, limits. */
export type WebSocketOptions = ClientOptions;

/**
 * Opens a WebSocket. The default is `new WebSocket(url, protocols, options)` of the `ws` package; a factory
 * of your own can change the options (another `agent`, TLS settings) but must return a `ws` WebSocket.
 */
export type WebSocketFactory = (url: string, protocols: string[], options: WebSocketOptions) => WebSocket;

export interface NetworkSettings {
  proxy: ProxySettings;
  /** Extra trusted CA certificates (PEM), on top of Node's own (and `NODE_EXTRA_CA_CERTS`). */
  ca?: readonly string[];
  connectTimeoutMs: number;
  createWebSocket?: WebSocketFactory;
  log: Log;
}

export class Network {
  /** The `fetch` of this client: undici, through the proxy `proxyFor` picks, with the CAs and connect timeout. */
  readonly fetch: FetchLike;
  private readonly trusted: string[] | undefined;
  private direct: Agent | undefined;
  private readonly viaProxy = new Map<string, ProxyAgent>();
  private readonly wsAgents = new Map<string, HttpAgent>();
  private readonly announced = new Set<string>();

  constructor(private readonly settings: NetworkSettings) {
    this.trusted = settings.ca && settings.ca.length > 0 ? [...defaultCertificates(), ...settings.ca] : undefined;
    this.fetch = (request, init) => this.send(request, init);
  }

  /** The proxy a connection to `url` goes through, or undefined (direct). */
  proxyFor(url: URL): URL | undefined {
    return proxyFor(this.settings.proxy, url);
  }

  /** Proxy credentials, for redaction. */
  secrets(): string[] {
    return proxySecrets(this.settings.proxy);
  }

  /** Opens a WebSocket to `url` with the SDK's `options` plus this client's proxy agent and CAs. */
  openWebSocket(url: string, protocols: string[], options: WebSocketOptions): WebSocket {
    const target = new URL(url);
    const proxy = this.route(target);
    const full: WebSocketOptions = { ...options };
    if (this.trusted) full.ca = this.trusted;
    if (proxy) full.agent = this.wsAgent(proxy);
    const create = this.settings.createWebSocket ?? ((u, p, o) => new WebSocket(u, p, o));
    return create(url, protocols, full);
  }

  private async send(request: Request, init?: RequestInit): Promise<Response> {
    const url = new URL(request.url);
    const dispatcher = this.dispatcherFor(this.route(url));
    // undici's fetch takes its own Request class only, so the request goes over as URL and init.
    const body = request.body ? await request.arrayBuffer() : undefined;
    const response = await undiciFetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      ...(body !== undefined ? { body } : {}),
      signal: init?.signal ?? request.signal,
      redirect: request.redirect,
      dispatcher,
    });
    return response as unknown as Response;
  }

  /** The proxy for `url`, announced in the log the first time an origin is reached. */
  private route(url: URL): URL | undefined {
    const proxy = this.proxyFor(url);
    const key = `${url.protocol}//${url.host}`;
    if (!this.announced.has(key) && this.settings.log.enabled('info')) {
      this.announced.add(key);
      const secure = url.protocol === 'https:' || url.protocol === 'wss:';
      const name = secure ? this.settings.proxy.names.https : this.settings.proxy.names.http;
      this.settings.log.info(proxy ? `${key}: through proxy ${describeProxy(proxy)} (${name})` : `${key}: direct connection${name ? ' (no proxy for this host)' : ''}`);
    }
    return proxy;
  }

  private dispatcherFor(proxy: URL | undefined): Dispatcher {
    // The request and idle timeouts are the transport's (they work with any fetch); undici's own 300 s
    // header and body timeouts would only fire later under another name.
    const limits = { headersTimeout: 0, bodyTimeout: 0 };
    const tlsOptions = { timeout: this.settings.connectTimeoutMs, ...(this.trusted ? { ca: this.trusted } : {}) };
    if (!proxy) {
      this.direct ??= new Agent({ ...limits, connect: tlsOptions });
      return this.direct;
    }
    let agent = this.viaProxy.get(proxy.href);
    if (!agent) {
      agent = new ProxyAgent({ uri: proxy.href, ...limits, proxyTls: tlsOptions, requestTls: tlsOptions });
      this.viaProxy.set(proxy.href, agent);
    }
    return agent;
  }

  private wsAgent(proxy: URL): HttpAgent {
    let agent = this.wsAgents.get(proxy.href);
    if (!agent) {
      // These options are for the connection to the proxy itself (an https:// proxy); the target's TLS
      // settings come with each request. The handshake timeout of the stream bounds the whole connect.
      agent = new HttpsProxyAgent(proxy.href, this.trusted ? { ca: this.trusted } : {});
      this.wsAgents.set(proxy.href, agent);
    }
    return agent;
  }
}

/**
 * Node's default trust store: given a `ca` option, TLS trusts only that, so the defaults (and the CAs of
 * `NODE_EXTRA_CA_CERTS`, which Node adds only to its default store) are added back.
 */
function defaultCertificates(): string[] {
  const getCACertificates = (tls as { getCACertificates?: (type?: string) => string[] }).getCACertificates;
  if (typeof getCACertificates === 'function') return getCACertificates('default'); // Node 22.15+: bundled + extra (+ system)
  const extra: string[] = [];
  const file = process.env.NODE_EXTRA_CA_CERTS;
  if (file) {
    try {
      extra.push(...splitPem(readFileSync(file, 'utf8')));
    } catch {
      // Node itself only warns about an unreadable file; so do we, by not adding it.
    }
  }
  return [...tls.rootCertificates, ...extra];
}

const PEM_CERTIFICATE = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/g;

/** The certificates of a PEM text, one string each. */
export function splitPem(text: string): string[] {
  return text.match(PEM_CERTIFICATE) ?? [];
}
