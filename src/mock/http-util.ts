/**
 * Small HTTP plumbing shared by the mock's modules: the error type every handler throws, body reading
 * and query-value parsing with the API's 400 messages.
 */
import type { IncomingMessage } from 'node:http';

/** Thrown by handlers to answer with a status and body instead of a 200. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly body: unknown,
    readonly headers: Record<string, string> = {},
  ) {
    super(typeof body === 'object' && body !== null && 'detail' in body ? String((body as { detail: unknown }).detail) : `HTTP ${status}`);
    this.name = 'HttpError';
  }

  static badRequest(detail: string): HttpError {
    return new HttpError(400, { detail });
  }

  static notFound(): HttpError {
    return new HttpError(404, { detail: 'Not found.' });
  }
}

const MAX_BODY_BYTES = 1 << 20;

/** Reads a request body (at most 1 MiB: the API's bodies are small lists). */
export async function readBody(req: IncomingMessage): Promise<string> {
  const parts: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, { detail: 'Request body too large.' });
    parts.push(chunk);
  }
  return Buffer.concat(parts).toString('utf8');
}

/** The parsed body: JSON or form fields by content type, the raw text otherwise, undefined when empty. */
export function parseBody(text: string, contentType: string | undefined): unknown {
  if (text === '') return undefined;
  const type = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (type === 'application/x-www-form-urlencoded') return Object.fromEntries(new URLSearchParams(text));
  if (type === 'application/json' || type.endsWith('+json')) {
    try {
      return JSON.parse(text) as unknown;
    } catch {
      throw HttpError.badRequest('JSON parse error - the request body is not valid JSON.');
    }
  }
  return text;
}

/** Query values by name, repeated keys kept (`histories=1&histories=2`). */
export type Query = Record<string, string[]>;

export function queryOf(params: URLSearchParams): Query {
  const out: Query = {};
  for (const [k, v] of params) (out[k] ??= []).push(v);
  return out;
}

/** The last value of a query parameter (Django's QueryDict.get), or undefined. */
export function q(query: Query, name: string): string | undefined {
  const all = query[name];
  return all && all.length > 0 ? all[all.length - 1] : undefined;
}

export function qInt(query: Query, name: string): number | undefined {
  const v = q(query, name);
  if (v === undefined) return undefined;
  if (!/^-?\d+$/.test(v.trim())) throw HttpError.badRequest(`${name}: Enter a whole number.`);
  return Number(v);
}

export function qBool(query: Query, name: string): boolean | undefined {
  const v = q(query, name);
  if (v === undefined) return undefined;
  const s = v.trim().toLowerCase();
  if (s === 'true' || s === '1') return true;
  if (s === 'false' || s === '0') return false;
  throw HttpError.badRequest(`${name}: '${v}' is not a valid boolean (use true or false).`);
}

export function qEnum<T extends string>(query: Query, name: string, allowed: readonly T[]): T | undefined {
  const v = q(query, name);
  if (v === undefined) return undefined;
  if (!(allowed as readonly string[]).includes(v)) {
    throw HttpError.badRequest(`${name}: Select a valid choice. '${v}' is not one of ${allowed.join(', ')}.`);
  }
  return v as T;
}
