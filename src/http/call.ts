/**
 * openapi-fetch answers `{ data, error, response }` and leaves failures to the caller; the facade
 * funnels every call through `unwrap`, so each failure becomes the same typed error wherever it happens.
 */
import { APICompatibilityError, errorFromResponse } from './errors';
import { asCompatibilityError } from './client';
import { ATTEMPTS_HEADER } from './transport';

export interface CallContext {
  method: string;
  /** The contract's path template, e.g. `/external/thirdparty/v1/sites/{id}/`. */
  template: string;
  /** Path parameters, to name the concrete path in errors. */
  pathParams?: Record<string, string | number>;
  secrets: ReadonlyArray<string | undefined>;
  /** A success without a body (e.g. 204) is fine for this call. */
  allowEmpty?: boolean;
}

type FetchResult<T> = { data?: T; error?: unknown; response: Response };

/** The concrete path of a call: the template with its parameters filled in. */
export function concretePath(template: string, params: Record<string, string | number> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? encodeURIComponent(String(params[name])) : whole));
}

/** Resolves to the body of a successful call, or throws the typed error for its failure. */
export async function unwrap<T>(pending: Promise<FetchResult<T>>, ctx: CallContext): Promise<T> {
  const path = concretePath(ctx.template, ctx.pathParams);
  let result: FetchResult<T>;
  try {
    result = await pending;
  } catch (error) {
    throw asCompatibilityError(error, ctx.method, path, ctx.secrets);
  }
  const { data, error, response } = result;
  const attempts = Number(response.headers.get(ATTEMPTS_HEADER)) || undefined;
  if (!response.ok) {
    throw errorFromResponse({ status: response.status, method: ctx.method, path, body: error, attempts, secrets: ctx.secrets });
  }
  if (data === undefined && !ctx.allowEmpty) {
    throw new APICompatibilityError(`${ctx.method} ${path} answered ${response.status} with an empty body`, {
      status: response.status,
      method: ctx.method,
      path,
    });
  }
  return data as T;
}

/** Shape checks for what the facade relies on; anything else is an API change, reported as such. */
export function expectArray<T>(value: unknown, ctx: { method: string; path: string }): T[] {
  if (!Array.isArray(value)) throw incompatible(ctx, `a JSON array, got ${kindOf(value)}`);
  return value as T[];
}

export function expectObject<T>(value: unknown, ctx: { method: string; path: string }, requiredKey?: string): T {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) throw incompatible(ctx, `a JSON object, got ${kindOf(value)}`);
  if (requiredKey !== undefined && !(requiredKey in value)) throw incompatible(ctx, `an object with '${requiredKey}'`);
  return value as T;
}

function incompatible(ctx: { method: string; path: string }, expected: string): APICompatibilityError {
  return new APICompatibilityError(`${ctx.method} ${ctx.path}: expected ${expected}; the API may have changed`, {
    status: 200,
    method: ctx.method,
    path: ctx.path,
  });
}

function kindOf(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'an array';
  return typeof value === 'object' ? 'an object' : typeof value;
}
