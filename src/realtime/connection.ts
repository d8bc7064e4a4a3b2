/**
 * One logical WebSocket connection that outlives its sockets: partysocket runs the reconnect loop, and
 * this class decides everything partysocket cannot.
 *
 * partysocket is configured with no delay of its own; before each handshake it asks for the URL, and that
 * URL provider (`nextUrl`) is where the policy lives: it reads how the last socket ended, turns a refused
 * handshake into a typed error (fatal or not), refreshes the token once after a 401/403, waits the backoff
 * (with jitter, reset after a healthy period; see reconnect.ts), reports the reconnect, and then builds the
 * URL: same path, same query (session key and filters) every time.
 *
 * A heartbeat (ping every `heartbeatMs`, terminate when neither a pong nor a message came back by the next
 * tick) catches links that die without a close frame or a TCP reset; it is suspended while the stream is
 * paused for back-pressure, since a paused socket reads nothing, pongs included.
 */
import type { ClientRequest, IncomingMessage } from 'node:http';
import ReconnectingWebSocket from 'partysocket/ws';
import { WebSocket } from 'ws';
import { AuthError, CertificateError, ConnectionError, CredentialsError, ProxyError, RestreamError, WebSocketError, serverMessageOf } from '../http/errors';
import { certificateCode, certificateProblem, proxyRefusal } from '../http/failure';
import { describeProxy } from '../http/proxy';
import { backoffDelay, sleep } from '../http/retry';
import type { ClientContext } from '../models/context';
import { VERSION } from '../version';
import type { ReconnectPolicy } from './reconnect';
import { socketClass } from './socket';

/** `open`: a connection is up. */
export interface OpenEvent {
  /** How many connections have opened so far, this one included (1 for the first). */
  connection: number;
  /** URL path of the stream (no host, no query). */
  path: string;
}

/** `disconnect`: an open connection ended. */
export interface DisconnectEvent {
  connection: number;
  /** Close code: 1000 normal, 1006 lost without a close frame, 1011/1012 server error/restart, ... */
  code: number;
  reason: string;
  /** How long it was open. */
  durationMs: number;
  /** What went wrong, when something did (socket error, missed heartbeat). */
  error?: string;
}

/** `reconnect`: the stream waits `delayMs`, then connects again. */
export interface ReconnectEvent {
  /** Reconnect attempt number since the last healthy connection (1 for the first). */
  attempt: number;
  delayMs: number;
  /** Why, in words: "closed by the server (1011 ...)", "handshake refused with HTTP 429", ... */
  reason: string;
  /** HTTP status of a refused handshake. */
  status?: number;
  /** Close code of the connection that ended. */
  code?: number;
}

/** `error`: something failed. `fatal` errors end the stream (the iterator throws the same error). */
export interface StreamErrorEvent {
  error: RestreamError;
  fatal: boolean;
}

export interface ConnectionHandlers {
  frame(data: Buffer, connection: number): void;
  open(event: OpenEvent): void;
  disconnect(event: DisconnectEvent): void;
  reconnect(event: ReconnectEvent): void;
  /** A non-fatal failure (refused handshake, failed connection); the connection retries. */
  error(error: RestreamError): void;
  /** The connection has stopped for good. */
  fatal(error: RestreamError): void;
}

export interface ConnectionOptions {
  ctx: ClientContext;
  /** URL path, e.g. `/ws/data/site/1112/`. */
  path: string;
  /** The query string (without `?`), the same for every connection. */
  query: string;
  policy: ReconnectPolicy;
  /** Ping period in ms; 0 turns the heartbeat off. */
  heartbeatMs: number;
  /** Handshake timeout in ms (0: none). */
  connectTimeoutMs: number;
  maxPayload: number;
  handlers: ConnectionHandlers;
}

interface Attempt {
  id: number;
  socket: WebSocket;
  opened: boolean;
  openedAt: number;
  refusal?: { status: number; retryAfter?: string; serverMessage?: string };
  error?: Error;
  code?: number;
  reason?: string;
  /** Set when the handshake did not finish in time. */
  timedOut?: boolean;
}

/** What the next URL request should do about the last attempt. */
interface Decision {
  fatal?: RestreamError;
  /** A non-fatal error to report. */
  error?: RestreamError;
  refreshToken?: boolean;
  reason: string;
  status?: number;
  code?: number;
  retryAfter?: string;
}

const CLOSED = new Error('realtime stream closed');
/** "No timeout" for partysocket, which takes a number (the longest setTimeout allows). */
const NO_TIMEOUT = 2 ** 31 - 1;
/** Longest delay of an ack (see send). */
const SEND_FLUSH_MS = 2;

/** The `ws:`/`wss:` base of an `http:`/`https:` host. */
export function wsBase(host: string): string {
  return host.replace(/^http(s?):/i, 'ws$1:').replace(/\/+$/, '');
}

export class RealtimeConnection {
  private rws: ReconnectingWebSocket | undefined;
  private readonly abort = new AbortController();
  private closed = false;
  private attemptSeq = 0;
  private opens = 0;
  private current: Attempt | undefined;
  private openAttempt: Attempt | undefined;
  private lastOutcome: Attempt | undefined;
  private failures = 0;
  private refreshedAfterRejection = false;
  private token: string | undefined;
  private paused = false;
  private corked = false;
  private alive = true;
  private healthyTimer: NodeJS.Timeout | undefined;
  private heartbeatTimer: NodeJS.Timeout | undefined;
  private readonly url: string;

  constructor(private readonly o: ConnectionOptions) {
    this.url = `${wsBase(o.ctx.host)}${o.path}${o.query ? `?${o.query}` : ''}`;
  }

  /** Id of the socket that is open now (0 when none): frames are tagged with it. */
  get openId(): number {
    return this.openAttempt?.id ?? 0;
  }

  /** Connections opened so far. */
  get connections(): number {
    return this.opens;
  }

  start(): void {
    if (this.rws || this.closed) return;
    const Socket = socketClass({
      headers: () => ({ Authorization: `Bearer ${this.token ?? ''}`, 'User-Agent': `restream-datastore/${VERSION} node/${process.versions.node}` }),
      open: (url, protocols, options) => this.o.ctx.openWebSocket(url, protocols, options),
      adopt: (socket) => this.adopt(socket),
      maxPayload: this.o.maxPayload,
    });
    this.rws = new ReconnectingWebSocket(() => this.nextUrl(), undefined, {
      WebSocket: Socket,
      // No delays of partysocket's own: nextUrl() waits, with jitter and the caller's policy.
      minReconnectionDelay: 0,
      maxReconnectionDelay: 0,
      reconnectionDelayGrowFactor: 1,
      minUptime: 0,
      connectionTimeout: this.o.connectTimeoutMs > 0 ? this.o.connectTimeoutMs : NO_TIMEOUT,
      maxRetries: Infinity,
      maxEnqueuedMessages: 0,
    });
    this.rws.addEventListener('error', (event) => {
      // partysocket reports a handshake that outlived connectionTimeout as an error named TIMEOUT.
      if ((event as { message?: string }).message === 'TIMEOUT' && this.current && !this.current.opened) this.current.timedOut = true;
    });
  }

  /**
   * Sends text on the socket `connection` if it is still the open one; false otherwise. Sends go out
   * together, at most `SEND_FLUSH_MS` later: the socket is corked meanwhile. A reader acks every fifth
   * message, and a write (a syscall, and on loopback the peer's receive path too) per ack cost more CPU
   * than reading the five messages; the server loses nothing by hearing of them 2 ms later.
   */
  send(text: string, connection: number): boolean {
    const open = this.openAttempt;
    if (!open || open.id !== connection || open.socket.readyState !== WebSocket.OPEN) return false;
    if (!this.corked) {
      const raw = (open.socket as unknown as { _socket?: { cork(): void; uncork(): void } })._socket;
      if (raw) {
        raw.cork();
        this.corked = true;
        setTimeout(() => {
          this.corked = false;
          raw.uncork();
        }, SEND_FLUSH_MS);
      }
    }
    open.socket.send(text);
    return true;
  }

  /** Stops reading from the socket (back-pressure); the heartbeat pauses too. */
  pause(): void {
    this.paused = true;
    this.openAttempt?.socket.pause();
  }

  resume(): void {
    this.paused = false;
    this.alive = true;
    this.openAttempt?.socket.resume();
  }

  /** Closes for good (close frame 1000 when open). No handler is called afterwards. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.stopTimers();
    this.abort.abort(CLOSED);
    this.rws?.close(1000, 'client closed the stream');
  }

  private fail(error: RestreamError): void {
    if (this.closed) return;
    this.close();
    this.o.handlers.fatal(error);
  }

  // -----------------------------------------------------------------------------------------------
  // Sockets
  // -----------------------------------------------------------------------------------------------

  private adopt(socket: WebSocket): void {
    const attempt: Attempt = { id: ++this.attemptSeq, socket, opened: false, openedAt: 0 };
    this.current = attempt;
    const id = attempt.id;
    const { frame } = this.o.handlers;
    socket.on('unexpected-response', (req: ClientRequest, res: IncomingMessage) => this.onRefused(attempt, req, res));
    socket.on('open', () => this.onOpen(attempt));
    socket.on('message', (data: Buffer) => {
      this.alive = true;
      if (!this.closed) frame(data, id);
    });
    socket.on('pong', () => {
      this.alive = true;
    });
    socket.on('error', (error: Error) => {
      attempt.error ??= error;
    });
    socket.on('close', (code: number, reason: Buffer) => this.onClose(attempt, code, reason.toString()));
  }

  private onRefused(attempt: Attempt, _req: ClientRequest, res: IncomingMessage): void {
    const retryAfter = res.headers['retry-after'];
    attempt.refusal = { status: res.statusCode ?? 0, ...(typeof retryAfter === 'string' ? { retryAfter } : {}) };
    let body = '';
    let done = false;
    const finish = (): void => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      let parsed: unknown = body;
      try {
        parsed = JSON.parse(body);
      } catch {
        // not JSON: keep the text
      }
      const message = serverMessageOf(parsed);
      if (message !== undefined && attempt.refusal) attempt.refusal.serverMessage = message;
      // ws leaves a refused handshake open while someone listens for 'unexpected-response': end it.
      attempt.socket.terminate();
    };
    const timer = setTimeout(finish, 2000);
    res.setEncoding('utf8');
    res.on('data', (chunk: string) => {
      if (body.length < 4096) body += chunk;
    });
    res.once('end', finish);
    res.once('error', finish);
    res.once('close', finish);
  }

  private onOpen(attempt: Attempt): void {
    if (this.closed) return;
    attempt.opened = true;
    attempt.openedAt = Date.now();
    this.openAttempt = attempt;
    this.opens++;
    this.refreshedAfterRejection = false;
    if (this.paused) attempt.socket.pause();
    this.stopTimers();
    this.healthyTimer = setTimeout(() => {
      this.failures = 0;
    }, this.o.policy.healthyAfterMs);
    this.healthyTimer.unref();
    this.startHeartbeat(attempt);
    this.o.ctx.log.info(`WebSocket ${this.o.path} open (connection ${this.opens})`);
    this.o.handlers.open({ connection: this.opens, path: this.o.path });
  }

  private onClose(attempt: Attempt, code: number, reason: string): void {
    if (this.openAttempt === attempt) {
      this.openAttempt = undefined;
      this.stopTimers();
    }
    attempt.code = code;
    attempt.reason = reason;
    if (this.closed) return;
    this.lastOutcome = attempt;
    if (attempt.opened) {
      this.o.ctx.log.info(`WebSocket ${this.o.path} closed (${code}${reason ? ` ${reason}` : ''}${attempt.error ? `: ${attempt.error.message}` : ''}) after ${Date.now() - attempt.openedAt} ms`);
      this.o.handlers.disconnect({
        connection: this.opens,
        code,
        reason,
        durationMs: Date.now() - attempt.openedAt,
        ...(attempt.error ? { error: attempt.error.message } : {}),
      });
    }
  }

  private startHeartbeat(attempt: Attempt): void {
    const every = this.o.heartbeatMs;
    if (!(every > 0)) return;
    this.alive = true;
    this.heartbeatTimer = setInterval(() => {
      if (this.paused) {
        this.alive = true;
        return;
      }
      if (!this.alive) {
        attempt.error ??= new Error(`no pong or message for ${every} ms: the link is dead`);
        attempt.socket.terminate();
        return;
      }
      this.alive = false;
      try {
        attempt.socket.ping();
      } catch {
        // closing already; the close event follows
      }
    }, every);
    this.heartbeatTimer.unref();
  }

  private stopTimers(): void {
    if (this.healthyTimer) clearTimeout(this.healthyTimer);
    if (this.heartbeatTimer) clearInterval(this.heartbeatTimer);
    this.healthyTimer = undefined;
    this.heartbeatTimer = undefined;
  }

  // -----------------------------------------------------------------------------------------------
  // The policy: what to do before each handshake
  // -----------------------------------------------------------------------------------------------

  /** partysocket's URL provider: runs before every handshake, the first included. */
  private async nextUrl(): Promise<string> {
    let tokenFailure: unknown;
    for (;;) {
      if (this.closed) throw CLOSED;
      const outcome = this.lastOutcome;
      this.lastOutcome = undefined;
      let decision: Decision | undefined;
      if (tokenFailure !== undefined) decision = this.decideTokenFailure(tokenFailure);
      else if (outcome) decision = this.decide(outcome);
      tokenFailure = undefined;

      let refresh = false;
      if (decision) {
        if (decision.fatal) {
          this.fail(decision.fatal);
          throw decision.fatal;
        }
        if (decision.error) this.o.handlers.error(decision.error);
        if (decision.refreshToken) {
          refresh = true;
          this.o.handlers.reconnect({ attempt: this.failures, delayMs: 0, reason: `${decision.reason}; refreshing the token`, ...(decision.status ? { status: decision.status } : {}) });
        } else {
          this.failures++;
          if (this.failures > this.o.policy.maxAttempts) {
            const error = new WebSocketError(
              `${this.o.path}: gave up after ${this.failures - 1} reconnect attempt(s) without a healthy connection; last: ${decision.reason}`,
              { path: this.o.path, attempts: this.failures, ...(decision.status ? { status: decision.status } : {}), secrets: this.o.ctx.secrets() },
            );
            this.fail(error);
            throw error;
          }
          const delayMs = backoffDelay(this.o.policy, this.failures, decision.retryAfter);
          this.o.ctx.log.info(`WebSocket ${this.o.path}: ${decision.reason}; reconnect #${this.failures} in ${delayMs} ms`);
          this.o.handlers.reconnect({
            attempt: this.failures,
            delayMs,
            reason: decision.reason,
            ...(decision.status !== undefined ? { status: decision.status } : {}),
            ...(decision.code !== undefined ? { code: decision.code } : {}),
          });
          await sleep(delayMs, this.abort.signal).catch(() => undefined);
          if (this.closed) throw CLOSED;
        }
      }
      try {
        const tokens = this.o.ctx.tokens;
        this.token = refresh && this.token !== undefined ? await tokens.refreshAfterRejection(this.token) : await tokens.getAccessToken();
      } catch (error) {
        tokenFailure = error;
        continue;
      }
      if (this.closed) throw CLOSED;
      if (this.o.ctx.log.enabled('debug')) {
        const proxy = this.o.ctx.proxyFor(new URL(this.url));
        this.o.ctx.log.debug(`WebSocket ${this.o.path} handshake${proxy ? ` through proxy ${describeProxy(proxy)}` : ''}`);
      }
      return this.url;
    }
  }

  private decide(a: Attempt): Decision {
    const path = this.o.path;
    const secrets = this.o.ctx.secrets();
    if (a.refusal) {
      const { status, retryAfter, serverMessage } = a.refusal;
      const reason = `handshake refused with HTTP ${status}${serverMessage ? ` (${serverMessage})` : ''}`;
      const options = { status, method: 'GET', path, ...(serverMessage !== undefined ? { serverMessage } : {}), secrets };
      if (status === 407) {
        // Only a proxy answers 407 (https-proxy-agent hands its answer to CONNECT on as the handshake's).
        const proxy = this.o.ctx.proxyFor(new URL(this.url));
        const where = proxy ? ` ${describeProxy(proxy)}` : '';
        return { fatal: new ProxyError(`WebSocket ${path}: the proxy${where} refused to connect: ${proxyRefusal(status)}`, options), reason, status };
      }
      if (status === 401 || status === 403) {
        if (this.o.ctx.tokens.ownsToken && !this.refreshedAfterRejection) {
          this.refreshedAfterRejection = true;
          return { refreshToken: true, reason, status };
        }
        const why = this.o.ctx.tokens.ownsToken ? 'even after a token refresh' : 'and the token was given by the caller, so it is not refreshed';
        return { fatal: new AuthError(`WebSocket ${path}: ${reason} ${why}`, options), reason, status };
      }
      if (status === 429 || status >= 500) {
        return { error: new WebSocketError(`WebSocket ${path}: ${reason}; reconnecting`, options), reason, status, ...(retryAfter ? { retryAfter } : {}) };
      }
      const hint = status === 404 ? ': unknown asset, or the API changed' : '';
      return { fatal: new WebSocketError(`WebSocket ${path}: ${reason}${hint}`, options), reason, status };
    }
    if (!a.opened) {
      const certificate = a.timedOut ? undefined : certificateCode(a.error);
      if (certificate) {
        // An untrusted certificate will not fix itself by reconnecting.
        return { fatal: new CertificateError(`WebSocket ${path}: ${certificateProblem(certificate, a.error?.message)}`, { method: 'GET', path, cause: a.error, secrets }), reason: certificate };
      }
      const cause = a.timedOut ? new Error(`connect timeout: no handshake answer within ${this.o.connectTimeoutMs} ms (connectTimeoutMs)`) : a.error;
      const reason = `could not connect: ${cause?.message ?? 'connection failed'}`;
      const timeout = a.timedOut ? { timeout: 'connect' as const } : {};
      return { error: new ConnectionError(`WebSocket ${path}: ${reason}; reconnecting`, { method: 'GET', path, cause, secrets, ...timeout }), reason };
    }
    const code = a.code ?? 1006;
    const reason =
      code === 1006
        ? `connection lost without a close frame${a.error ? ` (${a.error.message})` : ''}`
        : `closed by the server (${code}${a.reason ? ` ${a.reason}` : ''})`;
    return { reason, code };
  }

  private decideTokenFailure(error: unknown): Decision {
    const e = error instanceof RestreamError ? error : new ConnectionError(`token request failed: ${String((error as Error)?.message ?? error)}`, { cause: error });
    // Refused credentials will not fix themselves; anything else (network, 5xx) is worth another try.
    if (e instanceof CredentialsError || e instanceof AuthError) return { fatal: e, reason: e.message };
    return { error: e, reason: `could not get a token: ${e.message}` };
  }
}
