/**
 * Which proxy, if any, a connection goes through. This is the one place that decides, for `fetch` (token,
 * REST, `/data/`) and for WebSockets alike, so a host in `NO_PROXY` is reached directly by every kind of
 * connection or by none.
 *
 * The rules are the usual ones (curl's, and undici's `EnvHttpProxyAgent`'s, which cannot be asked for its
 * decision and so cannot serve WebSockets): `https:`/`wss:` targets use `HTTPS_PROXY`, falling back to
 * `HTTP_PROXY`; `http:`/`ws:` targets use `HTTP_PROXY`; lower-case names win over upper-case ones.
 * `NO_PROXY` is a comma- or space-separated list of entries, each one of
 * - `*`: no proxy for anything;
 * - a host name (`example.com`, `.example.com` or `*.example.com`): that host and every host under it;
 * - an IP address (`10.1.2.3`, `::1` or `[::1]`), or a CIDR block (`10.0.0.0/8`, `fd00::/8`);
 * - any of the above with `:port`, which limits the entry to that port.
 * Loopback gets no special treatment: put `localhost,127.0.0.1` in `NO_PROXY` to reach them directly.
 */
import { BlockList, isIP } from 'node:net';
import { ValidationError } from './errors';

/** Where the proxy settings came from, for logs and errors. */
export type ProxySource = 'option' | 'environment';

export interface ProxySettings {
  /** Proxy of `http:`/`ws:` targets. */
  readonly http?: URL;
  /** Proxy of `https:`/`wss:` targets. */
  readonly https?: URL;
  readonly noProxy: NoProxy;
  /** Names of the settings used, for messages: `'HTTPS_PROXY'`, `'the proxy option'`, ... */
  readonly names: { readonly http?: string; readonly https?: string };
}

/** The parsed `NO_PROXY` list. */
export interface NoProxy {
  readonly all: boolean;
  readonly entries: readonly NoProxyEntry[];
}

interface NoProxyEntry {
  /** Lower-case host name (no leading dot), or an IP address. */
  host?: string;
  /** A CIDR block, for IP targets. */
  block?: BlockList;
  /** 0: any port. */
  port: number;
}

const NO_PROXY_NONE: NoProxy = { all: false, entries: [] };
const DEFAULT_PORTS: Record<string, number> = { 'http:': 80, 'ws:': 80, 'https:': 443, 'wss:': 443 };

/**
 * The proxy settings of a client: the `proxy` option replaces the environment (`false`: no proxy at all),
 * `noProxy` replaces `NO_PROXY`.
 */
export function resolveProxySettings(
  option: string | false | undefined,
  noProxyOption: string | readonly string[] | undefined,
  env: Record<string, string | undefined>,
): ProxySettings {
  const noProxy =
    noProxyOption !== undefined ? parseNoProxy(listOption(noProxyOption), 'noProxy') : option === undefined ? parseNoProxy(envValue(env, 'no_proxy').value ?? '', 'NO_PROXY') : NO_PROXY_NONE;
  if (option === false) return { noProxy, names: {} };
  if (option !== undefined) {
    if (typeof option !== 'string') throw new ValidationError('proxy', 'must be a proxy URL such as http://proxy.example.com:3128, or false');
    const url = parseProxyUrl(option, 'proxy');
    return { http: url, https: url, noProxy, names: { http: 'the proxy option', https: 'the proxy option' } };
  }
  const http = envValue(env, 'http_proxy');
  const https = envValue(env, 'https_proxy');
  const httpUrl = http.value ? parseProxyUrl(http.value, http.name) : undefined;
  const httpsUrl = https.value ? parseProxyUrl(https.value, https.name) : httpUrl;
  const names: { http?: string; https?: string } = {};
  if (httpUrl) names.http = http.name;
  if (httpsUrl) names.https = https.value ? https.name : http.name;
  return { ...(httpUrl ? { http: httpUrl } : {}), ...(httpsUrl ? { https: httpsUrl } : {}), noProxy, names };
}

/** The proxy a connection to `target` goes through, or undefined to connect directly. */
export function proxyFor(settings: ProxySettings, target: URL): URL | undefined {
  const secure = target.protocol === 'https:' || target.protocol === 'wss:';
  const proxy = secure ? settings.https : settings.http;
  if (!proxy) return undefined;
  return bypasses(settings.noProxy, target) ? undefined : proxy;
}

/** True when `NO_PROXY` says `target` is reached directly. */
export function bypasses(noProxy: NoProxy, target: URL): boolean {
  if (noProxy.all) return true;
  const host = target.hostname.replace(/^\[|\]$/g, '').toLowerCase().replace(/\.$/, '');
  const port = Number(target.port) || DEFAULT_PORTS[target.protocol] || 0;
  const ipVersion = isIP(host);
  for (const entry of noProxy.entries) {
    if (entry.port && entry.port !== port) continue;
    if (entry.block) {
      if (ipVersion && entry.block.check(host, ipVersion === 6 ? 'ipv6' : 'ipv4')) return true;
    } else if (entry.host === host || (!ipVersion && host.endsWith(`.${entry.host}`))) {
      return true;
    }
  }
  return false;
}

/** Parses a `NO_PROXY` value; `name` is the setting it came from, for the error of a bad entry. */
export function parseNoProxy(text: string, name = 'NO_PROXY'): NoProxy {
  const entries: NoProxyEntry[] = [];
  for (const raw of text.split(/[\s,]+/)) {
    const item = raw.trim().toLowerCase();
    if (item === '') continue;
    if (item === '*') return { all: true, entries: [] };
    entries.push(parseEntry(item, name));
  }
  return { all: false, entries };
}

function parseEntry(item: string, name: string): NoProxyEntry {
  let host = item;
  let port = 0;
  // `[v6]:port`, `host:port`; a bare IPv6 address has several colons and no port.
  const bracketed = /^\[([^\]]+)\](?::(\d+))?$/.exec(host);
  if (bracketed) {
    host = bracketed[1]!;
    port = bracketed[2] ? Number(bracketed[2]) : 0;
  } else {
    const withPort = /^([^:]+):(\d+)$/.exec(host);
    if (withPort) {
      host = withPort[1]!;
      port = Number(withPort[2]);
    }
  }
  if (port > 65535) throw new ValidationError(name, `entry '${item}' has an invalid port`);
  const cidr = /^(.+)\/(\d{1,3})$/.exec(host);
  if (cidr) {
    const version = isIP(cidr[1]!);
    const bits = Number(cidr[2]);
    if (!version || bits > (version === 6 ? 128 : 32)) throw new ValidationError(name, `entry '${item}' is not a valid CIDR block`);
    const block = new BlockList();
    block.addSubnet(cidr[1]!, bits, version === 6 ? 'ipv6' : 'ipv4');
    return { block, port };
  }
  host = host.replace(/^\*?\./, '').replace(/\.$/, '');
  if (host === '' || /[/@\s]/.test(host)) throw new ValidationError(name, `entry '${item}' is not a host, IP address or CIDR block`);
  return { host, port };
}

/** A proxy URL from an option or environment variable; a bare `host:port` means `http://host:port`. */
export function parseProxyUrl(value: string, name: string): URL {
  const text = value.trim();
  let url: URL;
  try {
    url = new URL(/^[a-z][a-z0-9+.-]*:\/\//i.test(text) ? text : `http://${text}`);
  } catch {
    throw new ValidationError(name, `is not a valid proxy URL (expected e.g. http://proxy.example.com:3128)`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new ValidationError(name, `uses ${url.protocol.slice(0, -1)}, but only http:// and https:// proxies are supported`);
  }
  if (url.pathname !== '/' || url.search || url.hash) throw new ValidationError(name, 'must be a proxy URL without a path, query or fragment');
  return url;
}

/** The proxy's URL for messages: scheme, host and port, never the credentials. */
export function describeProxy(proxy: URL): string {
  return `${proxy.protocol}//${proxy.host}`;
}

/** The proxy credentials, for redaction: the password, the user and the whole `user:password`. */
export function proxySecrets(settings: ProxySettings): string[] {
  const out: string[] = [];
  for (const url of [settings.http, settings.https]) {
    if (!url || (!url.username && !url.password)) continue;
    const user = decodeURIComponent(url.username);
    const password = decodeURIComponent(url.password);
    out.push(password, url.password, `${user}:${password}`, `${url.username}:${url.password}`);
  }
  return out.filter((s) => s !== '');
}

/** The lower-case variable if set and not empty, else the upper-case one. */
function envValue(env: Record<string, string | undefined>, lower: string): { name: string; value: string | undefined } {
  const upper = lower.toUpperCase();
  if (env[lower]) return { name: lower, value: env[lower] };
  if (env[upper]) return { name: upper, value: env[upper] };
  return { name: upper, value: undefined };
}

function listOption(value: string | readonly string[]): string {
  if (typeof value === 'string') return value;
  if (Array.isArray(value) && value.every((v) => typeof v === 'string')) return value.join(',');
  throw new ValidationError('noProxy', 'must be a string like "localhost,.corp.example" or an array of such entries');
}
