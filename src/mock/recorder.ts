/**
 * The request log tests assert on: what came in (secrets redacted), how it was answered, how many body
 * bytes went out and whether the client left before the end. Also tells when the server is idle, so a
 * test can await "every response has ended" instead of sleeping.
 */
import type { IncomingHttpHeaders, ServerResponse } from 'node:http';
import type { Query } from './http-util';

export interface RecordedRequest {
  method: string;
  /** Pathname, ids included, query excluded. */
  path: string;
  query: Query;
  /** Lower-case names; `authorization` redacted to its scheme. */
  headers: Record<string, string>;
  /** Parsed body (JSON or form fields), secrets redacted; undefined without a body. */
  body: unknown;
  /** Status sent; undefined until the headers go out. */
  status: number | undefined;
  startedAt: Date;
  /** Set when the response has finished or the connection closed. */
  endedAt: Date | undefined;
  /** Body bytes written. */
  bytes: number;
  /** True when the connection closed before the response was complete (client abort, cut stream). */
  aborted: boolean;
}

const REDACTED = '[REDACTED]';

export function redactHeaders(headers: IncomingHttpHeaders): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(headers)) {
    if (value === undefined) continue;
    const v = Array.isArray(value) ? value.join(', ') : value;
    out[name] = name === 'authorization' ? `${v.split(/\s+/)[0] ?? ''} ${REDACTED}` : v;
  }
  return out;
}

export function redactBody(body: unknown): unknown {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) return body;
  const out: Record<string, unknown> = { ...(body as Record<string, unknown>) };
  for (const key of ['client_secret', 'access_token', 'password']) if (key in out) out[key] = REDACTED;
  return out;
}

export class RequestLog {
  private records: RecordedRequest[] = [];
  private open = 0;
  private idleWaiters: Array<() => void> = [];

  get all(): readonly RecordedRequest[] {
    return [...this.records];
  }

  clear(): void {
    this.records = [];
  }

  /** Records a request and follows its response to the end. */
  start(method: string, path: string, query: Query, headers: IncomingHttpHeaders, res: ServerResponse): RecordedRequest {
    const record: RecordedRequest = {
      method,
      path,
      query,
      headers: redactHeaders(headers),
      body: undefined,
      status: undefined,
      startedAt: new Date(),
      endedAt: undefined,
      bytes: 0,
      aborted: false,
    };
    this.records.push(record);
    this.open++;
    res.once('close', () => {
      record.endedAt = new Date();
      record.status ??= res.headersSent ? res.statusCode : undefined;
      record.aborted = !res.writableFinished;
      if (--this.open === 0) {
        const waiters = this.idleWaiters;
        this.idleWaiters = [];
        for (const w of waiters) w();
      }
    });
    return record;
  }

  /** Resolves when no response is open (at once if none is). */
  whenIdle(): Promise<void> {
    if (this.open === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }
}
