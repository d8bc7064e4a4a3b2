/**
 * Validators built from the hand-written contract, openapi/restream.yaml (JSON Schema 2020-12 through Ajv).
 *
 *   validateResponse('GET', '/external/thirdparty/v1/pads/697/', 200, body)   → { valid, errors }
 *   assertValidResponse(...)                                                  → throws a readable Error
 *   validateSchema('Site', value) / assertValidSchema(...)                    → one component schema
 *   validateRequestBody / validateQuery / validateWebSocketMessage            → the other directions
 *   matchOperation('GET', '/external/thirdparty/v1/pads/697/fields/?x=1')     → template, operationId, params
 *
 * Paths may be concrete request paths, with or without a query string, or full URLs. The YAML is parsed once
 * per process and every schema is compiled once, on first use, then cached.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import { parse as parseYaml } from 'yaml';

export const contractFile = path.resolve(__dirname, '..', '..', 'openapi', 'restream.yaml');

export interface ValidationResult {
  valid: boolean;
  /** Human-readable, one problem per line; empty when valid. */
  errors: string;
}

export interface OperationMatch {
  kind: 'http' | 'websocket';
  method: string;
  /** The contract's path template, e.g. `/external/thirdparty/v1/pads/{id}/`. */
  template: string;
  operationId: string | undefined;
  /** Raw (string) path parameters taken from the concrete path. */
  params: Record<string, string>;
  /** The query string of the given path, if any. */
  query: URLSearchParams;
}

type JsonObject = { [key: string]: unknown };

const SCHEMAS_ID = 'urn:restream:contract';
const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const MAX_ERROR_LINES = 12;

interface Route {
  template: string;
  regex: RegExp;
  paramNames: string[];
  item: JsonObject;
  kind: 'http' | 'websocket';
}

interface Contract {
  doc: JsonObject;
  ajv: Ajv2020;
  routes: Route[];
  schemaNames: Set<string>;
  cache: Map<string, ValidateFunction>;
}

let loaded: Contract | undefined;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Deep copy with every local schema $ref pointed at the Ajv resource that holds the component schemas. */
function rewriteRefs(node: unknown): unknown {
  if (Array.isArray(node)) return node.map(rewriteRefs);
  if (!isObject(node)) return node;
  const out: JsonObject = {};
  for (const [k, v] of Object.entries(node)) {
    if (k === '$ref' && typeof v === 'string' && v.startsWith('#/components/schemas/')) {
      out[k] = `${SCHEMAS_ID}#/$defs/${v.slice('#/components/schemas/'.length)}`;
    } else {
      out[k] = rewriteRefs(v);
    }
  }
  return out;
}

function escapeRegex(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function compileRoute(template: string, item: JsonObject, kind: Route['kind']): Route {
  const paramNames: string[] = [];
  const pattern = template
    .split(/(\{[^}]+\})/)
    .map((part) => {
      const m = /^\{([^}]+)\}$/.exec(part);
      if (!m) return escapeRegex(part);
      paramNames.push(m[1] as string);
      return '([^/]+)';
    })
    .join('');
  return { template, regex: new RegExp(`^${pattern}$`), paramNames, item, kind };
}

function load(): Contract {
  if (loaded) return loaded;
  const doc = parseYaml(readFileSync(contractFile, 'utf8')) as unknown;
  if (!isObject(doc)) throw new Error(`${contractFile}: not an OpenAPI document`);
  const components = isObject(doc.components) ? doc.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};

  const ajv = new Ajv2020({ strict: true, allowUnionTypes: true, allErrors: true });
  addFormats(ajv);
  ajv.addSchema({ $id: SCHEMAS_ID, $defs: rewriteRefs(schemas) });

  const routes: Route[] = [];
  for (const [template, item] of Object.entries(isObject(doc.paths) ? doc.paths : {})) {
    if (isObject(item)) routes.push(compileRoute(template, item, 'http'));
  }
  for (const [template, item] of Object.entries(isObject(doc['x-websockets']) ? doc['x-websockets'] : {})) {
    if (isObject(item)) routes.push(compileRoute(template, item, 'websocket'));
  }
  // Most literal first, so that a literal segment wins over a template parameter.
  routes.sort((a, b) => a.paramNames.length - b.paramNames.length || b.template.length - a.template.length);

  loaded = { doc, ajv, routes, schemaNames: new Set(Object.keys(schemas)), cache: new Map() };
  return loaded;
}

/** The parsed contract (read-only use, please). */
export function contractDocument(): JsonObject {
  return load().doc;
}

/** Component schema names of the contract. */
export function schemaNames(): string[] {
  return [...load().schemaNames].sort();
}

function resolve(value: unknown): unknown {
  const { doc } = load();
  let cur = value;
  for (let depth = 0; isObject(cur) && typeof cur.$ref === 'string' && depth < 20; depth++) {
    const ref = cur.$ref as string;
    if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, got ${ref}`);
    let target: unknown = doc;
    for (const raw of ref.slice(2).split('/')) {
      const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
      target = isObject(target) ? target[key] : undefined;
    }
    if (target === undefined) throw new Error(`Unresolvable $ref ${ref}`);
    cur = target;
  }
  return cur;
}

function validator(key: string, schema: () => unknown): ValidateFunction {
  const c = load();
  let fn = c.cache.get(key);
  if (!fn) {
    fn = c.ajv.compile(rewriteRefs(schema()) as object);
    c.cache.set(key, fn);
  }
  return fn;
}

function formatErrors(errors: ErrorObject[] | null | undefined, root: string): string {
  if (!errors || errors.length === 0) return '';
  const lines = errors.slice(0, MAX_ERROR_LINES).map((e) => {
    const where = `${root}${e.instancePath}`;
    const extra =
      e.keyword === 'additionalProperties'
        ? ` (${String((e.params as { additionalProperty?: unknown }).additionalProperty)})`
        : e.keyword === 'enum'
          ? ` (${JSON.stringify((e.params as { allowedValues?: unknown }).allowedValues)})`
          : '';
    return `${where} ${e.message ?? e.keyword}${extra} [${e.schemaPath}]`;
  });
  if (errors.length > MAX_ERROR_LINES) lines.push(`... and ${errors.length - MAX_ERROR_LINES} more`);
  return lines.join('\n');
}

function run(fn: ValidateFunction, value: unknown, root: string): ValidationResult {
  const valid = fn(value) as boolean;
  return { valid, errors: valid ? '' : formatErrors(fn.errors, root) };
}

function invalid(message: string): ValidationResult {
  return { valid: false, errors: message };
}

function splitPath(input: string): { pathname: string; query: URLSearchParams } {
  let rest = input;
  const m = /^[a-z][a-z0-9+.-]*:\/\/[^/]*/i.exec(rest);
  if (m) rest = rest.slice(m[0].length) || '/';
  const hash = rest.indexOf('#');
  if (hash >= 0) rest = rest.slice(0, hash);
  const qIndex = rest.indexOf('?');
  const pathname = qIndex >= 0 ? rest.slice(0, qIndex) : rest;
  const query = new URLSearchParams(qIndex >= 0 ? rest.slice(qIndex + 1) : '');
  return { pathname, query };
}

function findRoute(kind: Route['kind'], pathname: string): { route: Route; params: Record<string, string> } | undefined {
  for (const route of load().routes) {
    if (route.kind !== kind) continue;
    const m = route.regex.exec(pathname);
    if (!m) continue;
    const params: Record<string, string> = {};
    route.paramNames.forEach((name, i) => {
      params[name] = decodeURIComponent(m[i + 1] as string);
    });
    return { route, params };
  }
  return undefined;
}

/**
 * The contract operation for a method and a concrete path (or full URL); `method` `WS` (or `websocket`)
 * looks in x-websockets. Undefined when the contract has no such path or method.
 */
export function matchOperation(method: string, requestPath: string): OperationMatch | undefined {
  const { pathname, query } = splitPath(requestPath);
  const ws = /^(ws|wss|websocket)$/i.test(method);
  const found = findRoute(ws ? 'websocket' : 'http', pathname);
  if (!found) return undefined;
  if (ws) {
    const opId = found.route.item.operationId;
    return {
      kind: 'websocket',
      method: 'WS',
      template: found.route.template,
      operationId: typeof opId === 'string' ? opId : undefined,
      params: found.params,
      query,
    };
  }
  const op = found.route.item[method.toLowerCase()];
  if (!isObject(op)) return undefined;
  return {
    kind: 'http',
    method: method.toUpperCase(),
    template: found.route.template,
    operationId: typeof op.operationId === 'string' ? op.operationId : undefined,
    params: found.params,
    query,
  };
}

function describeNoMatch(method: string, requestPath: string): string {
  const { pathname } = splitPath(requestPath);
  const found = findRoute('http', pathname);
  if (!found) {
    const hint = !pathname.endsWith('/') && findRoute('http', `${pathname}/`) ? ' (missing trailing slash?)' : '';
    return `no path of the contract matches ${pathname}${hint}`;
  }
  const methods = HTTP_METHODS.filter((m) => isObject(found.route.item[m])).map((m) => m.toUpperCase());
  return `${found.route.template} has no ${method.toUpperCase()} operation (only ${methods.join(', ')})`;
}

function operationObject(match: OperationMatch): JsonObject {
  const route = load().routes.find((r) => r.template === match.template && r.kind === match.kind) as Route;
  return match.kind === 'websocket' ? route.item : (route.item[match.method.toLowerCase()] as JsonObject);
}

function pickResponseKey(responses: JsonObject, status: number): string | undefined {
  const exact = String(status);
  if (exact in responses) return exact;
  const range = `${exact[0]}XX`;
  const rangeKey = Object.keys(responses).find((k) => k.toUpperCase() === range);
  if (rangeKey) return rangeKey;
  return 'default' in responses ? 'default' : undefined;
}

function mediaTypeOf(contentType: string): string {
  return (contentType.split(';')[0] as string).trim().toLowerCase();
}

function isEmptyBody(body: unknown): boolean {
  return body === undefined || body === null || body === '';
}

export interface ResponseOptions {
  /** The response's Content-Type; when absent, application/json is assumed (and text/* for string bodies). */
  contentType?: string;
}

/**
 * Validates a response body against the contract: the operation is found from the method and the concrete
 * path, the response from the status (exact, then `5XX`-style ranges, then `default`), the media type from
 * `contentType` (application/json by default).
 */
export function validateResponse(
  method: string,
  requestPath: string,
  status: number,
  body: unknown,
  options: ResponseOptions = {},
): ValidationResult {
  const match = matchOperation(method, requestPath);
  if (!match || match.kind !== 'http') return invalid(describeNoMatch(method, requestPath));
  const op = operationObject(match);
  const responses = isObject(op.responses) ? op.responses : {};
  const key = pickResponseKey(responses, status);
  const label = `${match.method} ${match.template} → ${status}`;
  if (key === undefined) {
    return invalid(`${label}: status not documented (documented: ${Object.keys(responses).join(', ')})`);
  }
  const response = resolve(responses[key]);
  const content = isObject(response) && isObject(response.content) ? response.content : undefined;
  if (!content || Object.keys(content).length === 0) {
    return isEmptyBody(body) ? { valid: true, errors: '' } : invalid(`${label}: no body documented, got one`);
  }

  const candidates: string[] = [];
  if (options.contentType !== undefined) {
    const wanted = mediaTypeOf(options.contentType);
    if (!(wanted in content)) {
      return invalid(`${label}: content type ${wanted} not documented (${Object.keys(content).join(', ')})`);
    }
    candidates.push(wanted);
  } else {
    if ('application/json' in content) candidates.push('application/json');
    if (typeof body === 'string') candidates.push(...Object.keys(content).filter((t) => t.startsWith('text/')));
    if (candidates.length === 0) candidates.push(...Object.keys(content).sort());
  }

  let first: ValidationResult | undefined;
  for (const media of candidates) {
    const mediaObj = content[media];
    const schema = isObject(mediaObj) ? mediaObj.schema : undefined;
    if (schema === undefined) return { valid: true, errors: '' };
    const fn = validator(`response ${match.template} ${match.method} ${key} ${media}`, () => schema);
    const result = run(fn, body, 'body');
    if (result.valid) return result;
    first ??= { valid: false, errors: `${label} (${media}):\n${result.errors}` };
  }
  return first as ValidationResult;
}

/** Like validateResponse, but throws an Error listing every problem. */
export function assertValidResponse(
  method: string,
  requestPath: string,
  status: number,
  body: unknown,
  options: ResponseOptions = {},
): void {
  const result = validateResponse(method, requestPath, status, body, options);
  if (!result.valid) {
    throw new Error(`Response does not match openapi/restream.yaml: ${method.toUpperCase()} ${requestPath} → ${status}\n${result.errors}`);
  }
}

/** Validates a value against one component schema (`components/schemas/<name>`). Unknown names throw. */
export function validateSchema(schemaName: string, value: unknown): ValidationResult {
  if (!load().schemaNames.has(schemaName)) {
    throw new Error(`No schema ${schemaName} in openapi/restream.yaml (have: ${schemaNames().join(', ')})`);
  }
  const fn = validator(`schema ${schemaName}`, () => ({ $ref: `#/components/schemas/${schemaName}` }));
  return run(fn, value, schemaName);
}

export function assertValidSchema(schemaName: string, value: unknown): void {
  const result = validateSchema(schemaName, value);
  if (!result.valid) throw new Error(`Value does not match schema ${schemaName}:\n${result.errors}`);
}

/** Validates a request body (JSON, or form fields as an object) against the operation's requestBody. */
export function validateRequestBody(
  method: string,
  requestPath: string,
  body: unknown,
  options: { contentType?: string } = {},
): ValidationResult {
  const match = matchOperation(method, requestPath);
  if (!match || match.kind !== 'http') return invalid(describeNoMatch(method, requestPath));
  const op = operationObject(match);
  const label = `${match.method} ${match.template}`;
  const requestBody = resolve(op.requestBody);
  if (!isObject(requestBody)) {
    return isEmptyBody(body) ? { valid: true, errors: '' } : invalid(`${label}: takes no request body`);
  }
  if (isEmptyBody(body)) {
    return requestBody.required === true ? invalid(`${label}: request body required`) : { valid: true, errors: '' };
  }
  const content = isObject(requestBody.content) ? requestBody.content : {};
  const media = options.contentType !== undefined ? mediaTypeOf(options.contentType) : Object.keys(content).sort()[0];
  if (media === undefined || !(media in content)) {
    return invalid(`${label}: request content type ${String(media)} not documented (${Object.keys(content).join(', ')})`);
  }
  const mediaObj = content[media];
  const schema = isObject(mediaObj) ? mediaObj.schema : undefined;
  if (schema === undefined) return { valid: true, errors: '' };
  const fn = validator(`request ${match.template} ${match.method} ${media}`, () => schema);
  const result = run(fn, body, 'requestBody');
  return result.valid ? result : invalid(`${label} (${media}):\n${result.errors}`);
}

function schemaTypes(schema: unknown, depth = 0): string[] {
  const s = resolve(schema);
  if (!isObject(s) || depth > 10) return [];
  if (typeof s.type === 'string') return [s.type];
  if (Array.isArray(s.type)) return s.type.filter((t): t is string => typeof t === 'string');
  for (const key of ['anyOf', 'oneOf', 'allOf']) {
    const branches = s[key];
    if (Array.isArray(branches)) return branches.flatMap((b) => schemaTypes(b, depth + 1));
  }
  return [];
}

/** Turns one raw query/path string into the JSON value its schema types call for (or leaves it a string). */
function coerce(raw: string, types: string[]): unknown {
  if ((types.includes('integer') || types.includes('number')) && /^-?\d+(\.\d+)?([eE][-+]?\d+)?$/.test(raw)) {
    return Number(raw);
  }
  if (types.includes('boolean') && (raw === 'true' || raw === 'false')) return raw === 'true';
  if (types.includes('null') && raw === 'null') return null;
  return raw;
}

function parametersOf(match: OperationMatch): JsonObject[] {
  const route = load().routes.find((r) => r.template === match.template && r.kind === match.kind) as Route;
  const lists: unknown[] = [route.item.parameters];
  if (match.kind === 'http') lists.push((route.item[match.method.toLowerCase()] as JsonObject).parameters);
  const byKey = new Map<string, JsonObject>();
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const p of list) {
      const param = resolve(p);
      if (isObject(param)) byKey.set(`${String(param.in)}:${String(param.name)}`, param);
    }
  }
  return [...byKey.values()];
}

/**
 * Validates the path parameters and the query string of a request (`/…/pads/697/data/?resolution=raw&…`)
 * against the operation's parameters: unknown keys, missing required ones, repeated non-array keys and
 * values of the wrong type, enum or pattern are reported. Works for x-websockets paths with method `WS`.
 */
export function validateQuery(method: string, requestPath: string): ValidationResult {
  const match = matchOperation(method, requestPath);
  if (!match) {
    return invalid(/^(ws|wss|websocket)$/i.test(method) ? `no WebSocket path matches ${requestPath}` : describeNoMatch(method, requestPath));
  }
  const problems: string[] = [];
  const params = parametersOf(match);
  const known = new Set<string>();
  for (const param of params) {
    const name = String(param.name);
    const where = param.in;
    if (where !== 'query' && where !== 'path') continue;
    if (where === 'query') known.add(name);
    const types = schemaTypes(param.schema);
    let raws: string[];
    if (where === 'path') {
      const v = match.params[name];
      raws = v === undefined ? [] : [v];
    } else {
      raws = match.query.getAll(name);
    }
    if (raws.length === 0) {
      if (param.required === true) problems.push(`${where} parameter ${name} is required`);
      continue;
    }
    let value: unknown;
    if (types.includes('array')) {
      const itemSchema = isObject(resolve(param.schema)) ? (resolve(param.schema) as JsonObject).items : undefined;
      const itemTypes = schemaTypes(itemSchema);
      const exploded = param.explode !== false;
      const parts = exploded ? raws : raws.flatMap((r) => r.split(','));
      value = parts.map((r) => coerce(r, itemTypes));
    } else {
      if (raws.length > 1) {
        problems.push(`${where} parameter ${name} is repeated (${raws.length} times) but takes one value`);
        continue;
      }
      value = coerce(raws[0] as string, types);
    }
    const fn = validator(`param ${match.kind} ${match.template} ${match.method} ${where} ${name}`, () => param.schema ?? {});
    const result = run(fn, value, `${where}.${name}`);
    if (!result.valid) problems.push(result.errors);
  }
  for (const key of new Set(match.query.keys())) {
    if (!known.has(key)) problems.push(`query parameter ${key} is not in the contract for ${match.method} ${match.template}`);
  }
  return problems.length === 0 ? { valid: true, errors: '' } : invalid(problems.join('\n'));
}

/**
 * Validates one WebSocket message (already JSON-parsed) against x-websockets: `server` messages (the
 * default) against `serverMessage`, `client` messages against `clientMessage`.
 */
export function validateWebSocketMessage(
  requestPath: string,
  message: unknown,
  direction: 'server' | 'client' = 'server',
): ValidationResult {
  const match = matchOperation('WS', requestPath);
  if (!match) return invalid(`no WebSocket path of the contract matches ${splitPath(requestPath).pathname}`);
  const entry = operationObject(match);
  const schema = entry[direction === 'server' ? 'serverMessage' : 'clientMessage'];
  if (schema === undefined) return invalid(`${match.template}: no ${direction} messages documented`);
  const fn = validator(`ws ${match.template} ${direction}`, () => schema);
  const result = run(fn, message, 'message');
  return result.valid ? result : invalid(`WS ${match.template} (${direction} message):\n${result.errors}`);
}

export function assertValidWebSocketMessage(
  requestPath: string,
  message: unknown,
  direction: 'server' | 'client' = 'server',
): void {
  const result = validateWebSocketMessage(requestPath, message, direction);
  if (!result.valid) throw new Error(`WebSocket message does not match openapi/restream.yaml:\n${result.errors}`);
}
