/**
 * The dashboard's HTTP side (node:http, nothing more is needed): the page and its files, and one
 * Server-Sent Events stream per open page.
 *
 * Who may read it: everything lives under `/<token>/`, a random path segment made per run and printed in the
 * URL, so another local program or web page that does not have the URL finds nothing (404). On loopback the
 * `Host` header must name the dashboard itself, which stops a web page that rebinds its own DNS name to
 * 127.0.0.1 (it sends its own name: 403). The responses forbid framing, caching, sniffing and referrers, and
 * the page may load nothing but its own files (Content-Security-Policy).
 *
 * The event stream: a `snapshot` first (everything a page needs to draw), then `rows`, `status` and `stages`
 * as they change, and a `ping` every 15 s so a page can tell a dead link from a quiet one. A page that
 * reconnects gets a new snapshot. A page that stops reading is dropped once 4 MiB wait for it (its
 * EventSource reconnects and starts again from a snapshot), so a stalled tab cannot grow the server's memory.
 */
import { timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Asset } from './assets';

export interface DashboardServerSetup {
  host: string;
  port: number;
  /** The path segment every URL starts with. */
  token: string;
  assets: ReadonlyMap<string, Asset>;
  /** The `Host` headers accepted (undefined: any). Given the port the server got. */
  allowedHosts(port: number): Set<string> | undefined;
  /** What a page gets first: JSON-serialisable. */
  snapshot(): unknown;
  /** Ping period (ms); default 15 000. */
  pingMs?: number;
}

/** Bytes waiting for a page before it is dropped. */
const MAX_BACKLOG = 4 * 1024 * 1024;
/** How long a page waits before it reconnects after a dropped stream (EventSource's `retry`). */
const RETRY_MS = 1000;

const SECURITY_HEADERS: Record<string, string> = {
  'content-security-policy':
    "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-resource-policy': 'same-origin',
  'cache-control': 'no-store',
};

function sameToken(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/** One SSE message. `data` is one line of JSON (JSON.stringify never emits a newline). */
function eventText(event: string, data: unknown): string {
  return `event: ${event}\ndata: ${JSON.stringify(data)}\n\n`;
}

export class DashboardServer {
  private readonly server: Server;
  private readonly pages = new Set<ServerResponse>();
  private pinger: NodeJS.Timeout | undefined;
  private allowed: Set<string> | undefined;
  /** Event streams opened so far (a page's reconnects included). */
  streamsOpened = 0;

  constructor(private readonly setup: DashboardServerSetup) {
    this.server = createServer((req, res) => this.handle(req, res));
  }

  /** Listens; resolves with the port. */
  async listen(): Promise<number> {
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.setup.port, this.setup.host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const port = (this.server.address() as AddressInfo).port;
    this.allowed = this.setup.allowedHosts(port);
    this.pinger = setInterval(() => this.broadcast('ping', { at: Date.now() }), this.setup.pingMs ?? 15_000);
    this.pinger.unref();
    return port;
  }

  /** Pages connected now. */
  get connectedPages(): number {
    return this.pages.size;
  }

  /** Sends an event to every connected page. */
  broadcast(event: string, data: unknown): void {
    if (this.pages.size === 0) return;
    const text = eventText(event, data);
    for (const res of this.pages) this.write(res, text);
  }

  /** Ends every page's stream and stops listening. */
  async close(): Promise<void> {
    clearInterval(this.pinger);
    for (const res of this.pages) res.end();
    this.pages.clear();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }

  private write(res: ServerResponse, text: string): void {
    if (res.writableLength > MAX_BACKLOG) {
      this.pages.delete(res);
      res.destroy();
      return;
    }
    res.write(text);
  }

  private refuse(res: ServerResponse, status: number, text: string, headers: Record<string, string> = {}): void {
    res.writeHead(status, { ...SECURITY_HEADERS, 'content-type': 'text/plain; charset=utf-8', ...headers });
    res.end(`${text}\n`);
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const host = (req.headers.host ?? '').toLowerCase();
    if (this.allowed && !this.allowed.has(host)) return this.refuse(res, 403, 'unexpected Host header');
    if (req.method !== 'GET' && req.method !== 'HEAD') return this.refuse(res, 405, 'method not allowed', { allow: 'GET, HEAD' });

    const pathname = new URL(req.url ?? '/', 'http://dashboard').pathname;
    const [, first = '', ...rest] = pathname.split('/');
    if (!sameToken(first, this.setup.token)) return this.refuse(res, 404, 'not found');
    if (rest.length === 0) return this.refuse(res, 308, 'moved', { location: `/${this.setup.token}/` });

    const sub = rest.join('/');
    if (sub === 'events') return this.openStream(req, res);
    const asset = this.setup.assets.get(sub);
    if (!asset) return this.refuse(res, 404, 'not found');
    res.writeHead(200, { ...SECURITY_HEADERS, 'content-type': asset.contentType, 'content-length': String(asset.body.length) });
    res.end(req.method === 'HEAD' ? undefined : asset.body);
  }

  private openStream(req: IncomingMessage, res: ServerResponse): void {
    res.writeHead(200, {
      ...SECURITY_HEADERS,
      'content-type': 'text/event-stream; charset=utf-8',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
    });
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    req.socket.setNoDelay(true);
    this.streamsOpened++;
    this.pages.add(res);
    const forget = () => this.pages.delete(res);
    res.on('close', forget);
    res.on('error', forget);
    res.write(`retry: ${RETRY_MS}\n\n`);
    this.write(res, eventText('snapshot', this.setup.snapshot()));
  }
}
