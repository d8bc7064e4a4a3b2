/**
 * Fault injection: scripted failures that tests of retries, resumption and error mapping need. Each
 * rule matches by path (exact pathname or RegExp) and optionally method, fires a set number of times, and
 * rules fire in the order they were added.
 */

/** An exact pathname (`/external/thirdparty/v1/pads/697/`) or a pattern tested against the pathname. */
export type PathMatcher = string | RegExp;

/** Statuses `failNext` can inject. */
export type FaultStatus = 401 | 403 | 404 | 429 | 500 | 502 | 503;

export interface FailNextOptions {
  path: PathMatcher;
  /** Only this method (any when absent). */
  method?: string;
  /** How many matching requests fail. */
  times: number;
  status: FaultStatus;
  /** Response body: an object is sent as JSON, a string verbatim. A status-typical body when absent. */
  body?: unknown;
  /** Content type of a string body (default `text/plain; charset=utf-8`). */
  contentType?: string;
  /** Adds `Retry-After: <seconds>`. */
  retryAfter?: number;
}

export interface CutStreamOptions {
  /** Which data streams (any /data/ stream when absent). */
  path?: PathMatcher;
  /** Body bytes sent before the cut. */
  afterBytes: number;
  /** How many streams are cut (default 1). */
  times?: number;
  /**
   * `destroy` (default): the socket is destroyed mid-body, the client sees a connection error.
   * `end`: the body ends cleanly but truncated (no closing `]`), an API-compatibility error for the client.
   * `stall`: the body stops, and the connection stays open and silent until the client gives up (a link
   * that hangs rather than fails: what an idle timeout is for).
   */
  mode?: 'destroy' | 'end' | 'stall';
}

export interface DelayOptions {
  path?: PathMatcher;
  method?: string;
  /** Delay in milliseconds; `Infinity` holds the requests until `release()` (deterministic tests). */
  ms: number;
  /** How many requests are delayed (default 1). */
  times?: number;
}

export interface MalformNextOptions {
  path: PathMatcher;
  method?: string;
  times?: number;
  /** The 200 body sent instead of the real one. */
  body: string;
  /** Default `application/json`. */
  contentType?: string;
}

/** Statuses `refuseUpgrades` can answer a WebSocket handshake with. */
export type UpgradeRefusalStatus = 400 | 401 | 403 | 404 | 429 | 500 | 502 | 503;

export interface RefuseUpgradesOptions {
  /** Which WebSocket paths (any when absent). */
  path?: PathMatcher;
  /** How many handshakes are refused (default 1). */
  times?: number;
  status: UpgradeRefusalStatus;
  /** Adds `Retry-After: <seconds>`. */
  retryAfter?: number;
}

export interface DropLinkOptions {
  /** Which WebSocket paths (any when absent). */
  path?: PathMatcher;
  /** Frames the connection sends before the drop (they are flushed to the socket first). */
  messages: number;
  /** How many connections are dropped, each after `messages` frames (default 1). */
  times?: number;
  /**
   * `destroy` (default): the TCP connection is cut without a close frame (the client sees 1006).
   * `close`: a close frame 1011 ends the connection cleanly.
   * `silent`: the server stops sending and stops reading (no pong either) but leaves the socket open, and
   * forgets the connection as a server whose keepalive reaped it would: only a client heartbeat notices.
   */
  mode?: 'destroy' | 'close' | 'silent';
}

/** Control over requests held by a `delay` rule. */
export interface DelayHandle {
  /** Lets every request held by this rule go on now, and ends the rule. */
  release(): void;
  /** Resolves once `count` requests (default 1) have been held by this rule. */
  whenHeld(count?: number): Promise<void>;
}

/** The fault controls of a running mock server. */
export interface MockFaults {
  /** The next `times` matching requests answer with `status` (after auth and the concurrency check). */
  failNext(options: FailNextOptions): void;
  /** Every token issued so far becomes invalid: the next call with one gets 401. */
  expireTokens(): void;
  /** The next data stream(s) are cut after `afterBytes` body bytes. */
  cutStream(options: CutStreamOptions): void;
  /** Delays the next matching request(s); the request holds its concurrency slot while it waits. */
  delay(options: DelayOptions): DelayHandle;
  /** The next matching request(s) answer 200 with `body`: an unexpected body for API-compatibility errors. */
  malformNext(options: MalformNextOptions): void;
  /** WebSockets: the next `times` matching handshakes are answered with `status` instead of 101. */
  refuseUpgrades(options: RefuseUpgradesOptions): void;
  /** WebSockets: the next matching connection(s) are dropped after sending `messages` frames. */
  dropLinkAfter(options: DropLinkOptions): void;
  /** Removes every rule and lets held requests go on. */
  reset(): void;
}

interface Rule {
  path?: PathMatcher;
  method?: string;
  remaining: number;
}

function matches(rule: Rule, method: string, path: string): boolean {
  if (rule.method !== undefined && rule.method.toUpperCase() !== method) return false;
  if (rule.path === undefined) return true;
  if (typeof rule.path === 'string') return rule.path === path;
  rule.path.lastIndex = 0;
  return rule.path.test(path);
}

function checkTimes(name: string, times: number | undefined): number {
  const n = times ?? 1;
  if (!(Number.isInteger(n) && n >= 1) && n !== Infinity) throw new RangeError(`${name}: times must be a positive integer`);
  return n;
}

/** Takes the first rule matching the request and counts it down. */
function take<R extends Rule>(rules: R[], method: string, path: string): R | undefined {
  const i = rules.findIndex((r) => matches(r, method, path));
  if (i < 0) return undefined;
  const rule = rules[i]!;
  if (--rule.remaining <= 0) rules.splice(i, 1);
  return rule;
}

type FailRule = Rule & Omit<FailNextOptions, 'path' | 'method' | 'times'>;
type CutRule = Rule & { afterBytes: number; mode: 'destroy' | 'end' | 'stall' };
type MalformRule = Rule & { body: string; contentType: string };
export type RefusalRule = Rule & { status: UpgradeRefusalStatus; retryAfter?: number };
export type DropRule = Rule & { messages: number; mode: 'destroy' | 'close' | 'silent' };

class DelayRule implements Rule, DelayHandle {
  remaining: number;
  private taken = 0;
  private released = false;
  private readonly held = new Set<() => void>();
  private readonly heldWaiters: Array<{ count: number; resolve: () => void }> = [];

  constructor(
    readonly ms: number,
    times: number,
    private readonly onRelease: (rule: DelayRule) => void,
    readonly path?: PathMatcher,
    readonly method?: string,
  ) {
    this.remaining = times;
  }

  wait(signal: { once(event: 'close', fn: () => void): unknown }): Promise<void> {
    this.taken++;
    for (const w of this.heldWaiters.filter((w) => this.taken >= w.count)) {
      this.heldWaiters.splice(this.heldWaiters.indexOf(w), 1);
      w.resolve();
    }
    if (this.released) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = Number.isFinite(this.ms) && this.ms < 2 ** 31 ? setTimeout(done, Math.max(0, this.ms)) : undefined;
      const held = this.held;
      function done(): void {
        if (timer) clearTimeout(timer);
        held.delete(done);
        resolve();
      }
      this.held.add(done);
      // A client that gives up should not keep the timer (and the server) alive.
      signal.once('close', done);
    });
  }

  release(): void {
    this.released = true;
    for (const done of [...this.held]) done();
    this.onRelease(this);
  }

  whenHeld(count = 1): Promise<void> {
    if (this.taken >= count) return Promise.resolve();
    return new Promise((resolve) => this.heldWaiters.push({ count, resolve }));
  }
}

/** The server-side rule store behind MockFaults. */
export class Faults implements MockFaults {
  private fails: FailRule[] = [];
  private cuts: CutRule[] = [];
  private delays: DelayRule[] = [];
  /** Delay rules still holding requests after their count ran out (reset must release them too). */
  private readonly holding = new Set<DelayRule>();
  private malforms: MalformRule[] = [];
  private refusals: RefusalRule[] = [];
  private drops: DropRule[] = [];

  constructor(private readonly onExpireTokens: () => void) {}

  failNext(o: FailNextOptions): void {
    if (o === null || typeof o !== 'object') throw new TypeError('failNext: options object required');
    const rule: FailRule = { path: o.path, remaining: checkTimes('failNext', o.times), status: o.status };
    if (o.method !== undefined) rule.method = o.method;
    if (o.body !== undefined) rule.body = o.body;
    if (o.contentType !== undefined) rule.contentType = o.contentType;
    if (o.retryAfter !== undefined) rule.retryAfter = o.retryAfter;
    this.fails.push(rule);
  }

  expireTokens(): void {
    this.onExpireTokens();
  }

  cutStream(o: CutStreamOptions): void {
    if (!(Number.isInteger(o.afterBytes) && o.afterBytes >= 0)) throw new RangeError('cutStream: afterBytes must be an integer >= 0');
    if (o.mode !== undefined && !['destroy', 'end', 'stall'].includes(o.mode)) throw new RangeError('cutStream: mode must be destroy, end or stall');
    const rule: CutRule = { remaining: checkTimes('cutStream', o.times), afterBytes: o.afterBytes, mode: o.mode ?? 'destroy' };
    if (o.path !== undefined) rule.path = o.path;
    this.cuts.push(rule);
  }

  delay(o: DelayOptions): DelayHandle {
    if (!(o.ms >= 0)) throw new RangeError('delay: ms must be >= 0');
    const rule = new DelayRule(o.ms, checkTimes('delay', o.times), (r) => this.forget(r), o.path, o.method);
    this.delays.push(rule);
    this.holding.add(rule);
    return rule;
  }

  malformNext(o: MalformNextOptions): void {
    const rule: MalformRule = { path: o.path, remaining: checkTimes('malformNext', o.times), body: o.body, contentType: o.contentType ?? 'application/json' };
    if (o.method !== undefined) rule.method = o.method;
    this.malforms.push(rule);
  }

  refuseUpgrades(o: RefuseUpgradesOptions): void {
    if (o === null || typeof o !== 'object') throw new TypeError('refuseUpgrades: options object required');
    if (!Number.isInteger(o.status) || o.status < 400 || o.status > 599) throw new RangeError('refuseUpgrades: status must be an HTTP error status');
    const rule: RefusalRule = { remaining: checkTimes('refuseUpgrades', o.times), status: o.status };
    if (o.path !== undefined) rule.path = o.path;
    if (o.retryAfter !== undefined) rule.retryAfter = o.retryAfter;
    this.refusals.push(rule);
  }

  dropLinkAfter(o: DropLinkOptions): void {
    if (o === null || typeof o !== 'object') throw new TypeError('dropLinkAfter: options object required');
    if (!(Number.isInteger(o.messages) && o.messages >= 0)) throw new RangeError('dropLinkAfter: messages must be an integer >= 0');
    const mode = o.mode ?? 'destroy';
    if (!['destroy', 'close', 'silent'].includes(mode)) throw new RangeError('dropLinkAfter: mode must be destroy, close or silent');
    const rule: DropRule = { remaining: checkTimes('dropLinkAfter', o.times), messages: o.messages, mode };
    if (o.path !== undefined) rule.path = o.path;
    this.drops.push(rule);
  }

  reset(): void {
    this.refusals = [];
    this.drops = [];
    this.fails = [];
    this.cuts = [];
    this.malforms = [];
    for (const rule of [...this.holding]) rule.release();
    this.delays = [];
  }

  private forget(rule: DelayRule): void {
    this.holding.delete(rule);
    this.delays = this.delays.filter((r) => r !== rule);
  }

  takeDelay(method: string, path: string): DelayRule | undefined {
    return take(this.delays, method, path);
  }

  takeFailure(method: string, path: string): FailRule | undefined {
    return take(this.fails, method, path);
  }

  takeMalform(method: string, path: string): MalformRule | undefined {
    return take(this.malforms, method, path);
  }

  takeCut(method: string, path: string): CutRule | undefined {
    return take(this.cuts, method, path);
  }

  takeRefusal(path: string): RefusalRule | undefined {
    return take(this.refusals, 'GET', path);
  }

  takeDrop(path: string): DropRule | undefined {
    return take(this.drops, 'GET', path);
  }
}

const DEFAULT_BODIES: Record<FaultStatus, { body: string; contentType: string }> = {
  401: { body: JSON.stringify({ detail: 'Invalid token.' }), contentType: 'application/json' },
  403: { body: JSON.stringify({ detail: 'You do not have permission to perform this action.' }), contentType: 'application/json' },
  404: { body: JSON.stringify({ detail: 'Not found.' }), contentType: 'application/json' },
  429: { body: JSON.stringify({ detail: 'Request was throttled.' }), contentType: 'application/json' },
  500: { body: JSON.stringify({ detail: 'A server error occurred.' }), contentType: 'application/json' },
  // A gateway in front of the API answers in HTML; clients must not assume JSON error bodies.
  502: { body: '<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n</body>\r\n</html>\r\n', contentType: 'text/html' },
  503: { body: JSON.stringify({ detail: 'Service temporarily unavailable, try again later.' }), contentType: 'application/json' },
};

/** The body, content type and headers of an injected failure. */
export function failureResponse(rule: FailRule): { status: number; body: string; contentType: string; headers: Record<string, string> } {
  const headers: Record<string, string> = {};
  if (rule.retryAfter !== undefined) headers['Retry-After'] = String(rule.retryAfter);
  if (rule.status === 401) headers['WWW-Authenticate'] = 'Bearer realm="api", error="invalid_token"';
  const fallback = DEFAULT_BODIES[rule.status] ?? { body: JSON.stringify({ detail: `HTTP ${rule.status}` }), contentType: 'application/json' };
  if (rule.body === undefined) return { status: rule.status, ...fallback, headers };
  if (typeof rule.body === 'string') return { status: rule.status, body: rule.body, contentType: rule.contentType ?? 'text/plain; charset=utf-8', headers };
  return { status: rule.status, body: JSON.stringify(rule.body), contentType: 'application/json', headers };
}
