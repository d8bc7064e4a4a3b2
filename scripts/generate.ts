/**
 * `npm run generate`: openapi/restream.yaml → generated/.
 *
 *   generated/schema.ts      TypeScript types of every path, operation and component (openapi-typescript)
 *   generated/models.ts      the same types with every date-time property as `Date` (revived models)
 *   generated/operations.ts  per operationId: method, path template, query/header parameter specs; the
 *                            query parameters of each WebSocket stream
 *   generated/date-fields.ts for every component schema, the property paths whose schema is a date-time
 *                            string; per operation, the success-response schema and its date-time paths;
 *                            per WebSocket path, the server-message schema. Drives date revival.
 *
 * `tsx scripts/generate.ts --check` writes nothing: it exits 1 and names each stale file when generated/
 * differs from what would be written (the test suite runs it).
 *
 * The output is deterministic: keys and paths are sorted and the formatting is fixed, so a byte comparison
 * is a reliable staleness check.
 */
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { parse as parseYaml } from 'yaml';

export const repoRoot = path.resolve(__dirname, '..');
export const specPath = path.join(repoRoot, 'openapi', 'restream.yaml');

/** One step of a property path: a property name, or "*" for every array element / every map value. */
export type PathSegment = string;
export type PropertyPath = PathSegment[];

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

const HEADER_LINES = [
  '/**',
  ' * GENERATED FILE: do not edit by hand.',
  ' * Source: openapi/restream.yaml. Regenerate with `npm run generate`; a test fails when this file is stale.',
  ' */',
];

const HTTP_METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'] as const;

function isObject(v: unknown): v is JsonObject {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function loadSpec(file: string = specPath): JsonObject {
  const doc: unknown = parseYaml(readFileSync(file, 'utf8'));
  if (!isObject(doc)) throw new Error(`${file}: not an OpenAPI document`);
  return doc;
}

/** Resolves a local JSON pointer (`#/components/schemas/Site`) in `doc`. */
export function resolvePointer(doc: JsonObject, ref: string): Json {
  if (!ref.startsWith('#/')) throw new Error(`Only local $refs are supported, got ${ref}`);
  let cur: Json = doc;
  for (const raw of ref.slice(2).split('/')) {
    const key = raw.replace(/~1/g, '/').replace(/~0/g, '~');
    if (!isObject(cur) || !(key in cur)) throw new Error(`Unresolvable $ref ${ref}`);
    cur = cur[key] as Json;
  }
  return cur;
}

function comparePaths(a: PropertyPath, b: PropertyPath): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i] as string;
    const y = b[i] as string;
    if (x !== y) return x < y ? -1 : 1;
  }
  return a.length - b.length;
}

function isDateTime(schema: JsonObject): boolean {
  if (schema.format !== 'date-time') return false;
  const t = schema.type;
  if (t === undefined) return true;
  return Array.isArray(t) ? t.includes('string') : t === 'string';
}

/**
 * All property paths under `schema` (itself at path []) whose schema is a date-time string. Follows $ref
 * (a recursive schema is entered once, and refused when it holds dates), array items, object properties, map values (additionalProperties, "*"), and
 * every branch of oneOf/anyOf/allOf; nullable type arrays (`[string, "null"]`) count as date-time too.
 */
export function collectDateTimePaths(document: object, schema: unknown): PropertyPath[] {
  const doc = document as JsonObject;
  const reentered = new Set<string>();
  const paths = walkDateTimePaths(doc, schema as Json, reentered);
  for (const ref of [...reentered].sort()) {
    if (walkDateTimePaths(doc, { $ref: ref }, new Set()).length > 0) {
      // A finite list of paths cannot describe dates under a recursive schema: refuse rather than miss them.
      throw new Error(`${ref} is recursive and holds date-time properties: not supported by date-fields`);
    }
  }
  return paths;
}

function walkDateTimePaths(doc: JsonObject, schema: Json, reentered: Set<string>): PropertyPath[] {
  const found = new Map<string, PropertyPath>();
  const walk = (node: Json, at: PropertyPath, refs: ReadonlySet<string>): void => {
    if (!isObject(node)) return;
    if (typeof node.$ref === 'string') {
      if (refs.has(node.$ref)) reentered.add(node.$ref);
      else walk(resolvePointer(doc, node.$ref), at, new Set([...refs, node.$ref]));
    }
    if (isDateTime(node)) found.set(JSON.stringify(at), at);
    for (const key of ['oneOf', 'anyOf', 'allOf'] as const) {
      const branches = node[key];
      if (Array.isArray(branches)) for (const b of branches) walk(b, at, refs);
    }
    for (const key of ['if', 'then', 'else'] as const) {
      if (node[key] !== undefined) walk(node[key] as Json, at, refs);
    }
    if (isObject(node.properties)) {
      for (const [name, sub] of Object.entries(node.properties)) walk(sub, [...at, name], refs);
    }
    if (isObject(node.additionalProperties)) walk(node.additionalProperties, [...at, '*'], refs);
    if (isObject(node.patternProperties)) {
      for (const sub of Object.values(node.patternProperties)) walk(sub, [...at, '*'], refs);
    }
    if (node.items !== undefined) walk(node.items, [...at, '*'], refs);
    if (Array.isArray(node.prefixItems)) for (const sub of node.prefixItems) walk(sub, [...at, '*'], refs);
  };
  walk(schema, [], new Set());
  return [...found.values()].sort(comparePaths);
}

/** A compact name for a schema: `Site`, `Site[]`, or `inline` / `unknown` when it has no component name. */
function schemaLabel(schema: Json | undefined): string {
  if (!isObject(schema)) return 'unknown';
  if (typeof schema.$ref === 'string') {
    const m = /^#\/components\/schemas\/(.+)$/.exec(schema.$ref);
    return m ? (m[1] as string) : 'inline';
  }
  if (schema.type === 'array' && isObject(schema.items)) {
    const inner = schemaLabel(schema.items);
    return inner === 'inline' || inner === 'unknown' ? 'inline' : `${inner}[]`;
  }
  return 'inline';
}

export interface OperationResponseInfo {
  operationId: string;
  method: string;
  path: string;
  status: string;
  /** `Site`, `Site[]`, `inline` or `unknown` (no JSON body). */
  schema: string;
  dateTimePaths: PropertyPath[];
}

/** The success (2xx, lowest status first) JSON response of each operation that has an operationId. */
export function collectOperationResponses(doc: JsonObject): OperationResponseInfo[] {
  const out: OperationResponseInfo[] = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [p, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op) || typeof op.operationId !== 'string') continue;
      const responses = isObject(op.responses) ? op.responses : {};
      const statuses = Object.keys(responses)
        .filter((s) => /^2\d\d$/.test(s))
        .sort();
      let chosen: { status: string; schema: Json | undefined } | undefined;
      for (const status of statuses) {
        let resp = responses[status] as Json;
        if (isObject(resp) && typeof resp.$ref === 'string') resp = resolvePointer(doc, resp.$ref);
        const content = isObject(resp) && isObject(resp.content) ? resp.content : undefined;
        const media = content?.['application/json'];
        if (isObject(media)) {
          chosen = { status, schema: media.schema };
          break;
        }
        if (!chosen) chosen = { status, schema: undefined };
      }
      if (!chosen) continue;
      out.push({
        operationId: op.operationId,
        method: method.toUpperCase(),
        path: p,
        status: chosen.status,
        schema: chosen.schema === undefined ? 'unknown' : schemaLabel(chosen.schema),
        dateTimePaths: chosen.schema === undefined ? [] : collectDateTimePaths(doc, chosen.schema),
      });
    }
  }
  return out.sort((a, b) => (a.operationId < b.operationId ? -1 : a.operationId > b.operationId ? 1 : 0));
}

function sortedKeys(o: JsonObject): string[] {
  return Object.keys(o).sort();
}

function q(s: string): string {
  return JSON.stringify(s);
}

function renderPathList(paths: PropertyPath[], indent: string): string {
  if (paths.length === 0) return '[]';
  const lines = paths.map((p) => `${indent}  [${p.map(q).join(', ')}],`);
  return `[\n${lines.join('\n')}\n${indent}]`;
}

/** The text of generated/date-fields.ts. */
export function renderDateFields(doc: JsonObject): string {
  const components = isObject(doc.components) ? doc.components : {};
  const schemas = isObject(components.schemas) ? components.schemas : {};
  const out: string[] = [...HEADER_LINES, ''];

  out.push(
    '/** A property path: property names, with "*" standing for every array element or every map value. */',
    'export type DateTimeFieldPath = readonly string[];',
    '',
    '/**',
    ' * For every component schema, the paths of its properties that are date-time strings on the wire',
    ' * (ISO-8601, UTC), following $ref, arrays, maps, nested objects and oneOf/anyOf/allOf.',
    ' */',
    'export const dateTimeFields = {',
  );
  for (const name of sortedKeys(schemas)) {
    const paths = collectDateTimePaths(doc, { $ref: `#/components/schemas/${name}` });
    out.push(`  ${q(name)}: ${renderPathList(paths, '  ')},`);
  }
  out.push('} as const satisfies Record<string, readonly DateTimeFieldPath[]>;', '');
  out.push('export type SchemaName = keyof typeof dateTimeFields;', '');

  const ops = collectOperationResponses(doc);
  out.push(
    '/**',
    ' * Per operationId: the success status, its JSON body schema (`Name`, `Name[]`, `inline`, or `unknown`',
    ' * when undocumented) and the date-time paths from the body root ("*" first for arrays).',
    ' */',
    'export const operationResponses = {',
  );
  for (const op of ops) {
    out.push(
      `  ${q(op.operationId)}: {`,
      `    method: ${q(op.method)},`,
      `    path: ${q(op.path)},`,
      `    status: ${q(op.status)},`,
      `    schema: ${q(op.schema)},`,
      `    dateTimeFields: ${renderPathList(op.dateTimePaths, '    ')},`,
      '  },',
    );
  }
  out.push(
    '} as const satisfies Record<',
    '  string,',
    '  { method: string; path: string; status: string; schema: string; dateTimeFields: readonly DateTimeFieldPath[] }',
    '>;',
    '',
    'export type OperationId = keyof typeof operationResponses;',
    '',
  );

  const ws = isObject(doc['x-websockets']) ? doc['x-websockets'] : {};
  out.push('/** Per WebSocket path template (x-websockets): the schema of the messages the server sends. */');
  out.push('export const websocketMessages = {');
  for (const p of sortedKeys(ws)) {
    const entry = ws[p];
    const server = isObject(entry) ? entry.serverMessage : undefined;
    const client = isObject(entry) ? entry.clientMessage : undefined;
    const parts = [`server: ${q(schemaLabel(server))}`];
    if (client !== undefined) parts.push(`client: ${q(schemaLabel(client))}`);
    out.push(`  ${q(p)}: { ${parts.join(', ')} },`);
  }
  out.push('} as const;', '');
  out.push('export type WebSocketPath = keyof typeof websocketMessages;', '');
  return out.join('\n');
}

/** The text of generated/schema.ts (openapi-typescript through its Node API). */
export async function renderSchemaTs(doc: JsonObject): Promise<string> {
  // Loaded lazily: openapi-typescript pulls in ESM-only dependencies that only Node (tsx) loads natively.
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const ast = await openapiTS(structuredClone(doc) as never, {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    silent: true,
  });
  const body = astToString(ast).replace(/\r\n/g, '\n').trimEnd();
  return `${HEADER_LINES.join('\n')}\n\n${body}\n`;
}

/**
 * The text of generated/models.ts: the same types as schema.ts except that every date-time string is a
 * `Date` (what the SDK hands out after date revival; the wire types stay in schema.ts).
 */
export async function renderModelsTs(doc: JsonObject): Promise<string> {
  const { default: openapiTS, astToString } = await import('openapi-typescript');
  const { default: ts } = await import('typescript');
  const dateNode = ts.factory.createTypeReferenceNode(ts.factory.createIdentifier('Date'));
  const nullNode = ts.factory.createLiteralTypeNode(ts.factory.createNull());
  const ast = await openapiTS(structuredClone(doc) as never, {
    rootTypes: true,
    rootTypesNoSchemaPrefix: true,
    silent: true,
    transform(schema) {
      const s = schema as unknown as JsonObject;
      if (!isDateTime(s)) return undefined;
      const nullable = Array.isArray(s.type) && s.type.includes('null');
      return nullable ? ts.factory.createUnionTypeNode([dateNode, nullNode]) : dateNode;
    },
  });
  const body = astToString(ast).replace(/\r\n/g, '\n').trimEnd();
  const header = [
    ...HEADER_LINES.slice(0, -1),
    ' *',
    ' * Same as schema.ts, except that every `format: date-time` property is a `Date` (revived models).',
    ' */',
  ];
  return `${header.join('\n')}\n\n${body}\n`;
}

interface ParameterSpec {
  type: string;
  enum?: Json[];
  pattern?: string;
  format?: string;
  minimum?: number;
  minLength?: number;
  items?: { type: string };
  explode?: boolean;
  required?: boolean;
}

/** The first non-null JSON type of a (resolved) schema, following $ref and anyOf/oneOf. */
function primaryType(doc: JsonObject, schema: Json, depth = 0): JsonObject {
  if (!isObject(schema) || depth > 20) return {};
  if (typeof schema.$ref === 'string') return primaryType(doc, resolvePointer(doc, schema.$ref), depth + 1);
  for (const key of ['anyOf', 'oneOf'] as const) {
    const branches = schema[key];
    if (Array.isArray(branches)) {
      for (const b of branches) {
        const r = primaryType(doc, b, depth + 1);
        if (r.type !== undefined && r.type !== 'null') return r;
      }
    }
  }
  return schema;
}

function parameterSpec(doc: JsonObject, param: JsonObject): ParameterSpec {
  const schema = primaryType(doc, param.schema ?? {});
  const t = schema.type;
  const type = Array.isArray(t) ? (t.find((x) => x !== 'null') as string | undefined) : (t as string | undefined);
  const spec: ParameterSpec = { type: type ?? 'string' };
  if (Array.isArray(schema.enum)) spec.enum = schema.enum;
  if (typeof schema.pattern === 'string') spec.pattern = schema.pattern;
  if (typeof schema.format === 'string') spec.format = schema.format;
  if (typeof schema.minimum === 'number') spec.minimum = schema.minimum;
  if (typeof schema.minLength === 'number') spec.minLength = schema.minLength;
  if (spec.type === 'array') {
    const items = primaryType(doc, schema.items ?? {});
    spec.items = { type: typeof items.type === 'string' ? items.type : 'string' };
    spec.explode = param.explode !== false;
  }
  if (param.required === true) spec.required = true;
  return spec;
}

/** Parameters of a path item and one of its operations (operation-level ones win), by location. */
function collectParameters(doc: JsonObject, lists: Json[]): Record<string, Record<string, ParameterSpec>> {
  const byIn: Record<string, Record<string, ParameterSpec>> = {};
  for (const list of lists) {
    if (!Array.isArray(list)) continue;
    for (const raw of list) {
      const p = isObject(raw) && typeof raw.$ref === 'string' ? resolvePointer(doc, raw.$ref) : raw;
      if (!isObject(p) || typeof p.name !== 'string' || typeof p.in !== 'string') continue;
      (byIn[p.in] ??= {})[p.name] = parameterSpec(doc, p);
    }
  }
  return byIn;
}

function renderSpecMap(map: Record<string, ParameterSpec> | undefined, indent: string): string {
  const names = Object.keys(map ?? {}).sort();
  if (!map || names.length === 0) return '{}';
  const lines = names.map((n) => `${indent}  ${q(n)}: ${JSON.stringify(map[n])},`);
  return `{\n${lines.join('\n')}\n${indent}}`;
}

/**
 * The text of generated/operations.ts: per operationId its method and path template, and the query and
 * header parameters with their types, enums and patterns (request building and validation); the same
 * for the x-websockets streams.
 */
export function renderOperations(doc: JsonObject): string {
  const ops: Array<{ id: string; method: string; path: string; params: Record<string, Record<string, ParameterSpec>> }> = [];
  const paths = isObject(doc.paths) ? doc.paths : {};
  for (const [p, item] of Object.entries(paths)) {
    if (!isObject(item)) continue;
    for (const method of HTTP_METHODS) {
      const op = item[method];
      if (!isObject(op) || typeof op.operationId !== 'string') continue;
      ops.push({
        id: op.operationId,
        method: method.toUpperCase(),
        path: p,
        params: collectParameters(doc, [item.parameters ?? null, op.parameters ?? null]),
      });
    }
  }
  ops.sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

  const out: string[] = [...HEADER_LINES, ''];
  out.push(
    'export interface ParameterSpec {',
    '  readonly type: string;',
    '  readonly enum?: readonly unknown[];',
    '  readonly pattern?: string;',
    '  readonly format?: string;',
    '  readonly minimum?: number;',
    '  readonly minLength?: number;',
    '  /** Array parameters: the item type; `explode` true means the key is repeated once per value. */',
    '  readonly items?: { readonly type: string };',
    '  readonly explode?: boolean;',
    '  readonly required?: boolean;',
    '}',
    '',
    '/** Per operationId: HTTP method and path template. */',
    'export const operations = {',
  );
  for (const op of ops) out.push(`  ${q(op.id)}: { method: ${q(op.method)}, path: ${q(op.path)} },`);
  out.push('} as const;', '', 'export type OperationId = keyof typeof operations;', '');

  for (const [where, name, doc1] of [
    ['query', 'queryParameters', 'Per operationId: its query parameters, by name as the API spells them.'],
    ['header', 'headerParameters', 'Per operationId: its header parameters.'],
  ] as const) {
    out.push(`/** ${doc1} */`, `export const ${name} = {`);
    for (const op of ops) out.push(`  ${q(op.id)}: ${renderSpecMap(op.params[where], '  ')},`);
    out.push('} as const satisfies Record<OperationId, Record<string, ParameterSpec>>;', '');
  }

  const ws = isObject(doc['x-websockets']) ? doc['x-websockets'] : {};
  out.push('/** Per WebSocket path template (x-websockets): its query parameters. */', 'export const websocketQueryParameters = {');
  for (const p of sortedKeys(ws)) {
    const entry = ws[p];
    const params = isObject(entry) ? collectParameters(doc, [entry.parameters ?? null]) : {};
    out.push(`  ${q(p)}: ${renderSpecMap(params.query, '  ')},`);
  }
  out.push('} as const satisfies Record<string, Record<string, ParameterSpec>>;', '');
  return out.join('\n');
}

export interface GeneratedFile {
  /** Path relative to the repository root, with forward slashes. */
  file: string;
  content: string;
}

/** What generated/ should contain, in memory. */
export async function renderGenerated(spec: string = specPath): Promise<GeneratedFile[]> {
  const doc = loadSpec(spec);
  return [
    { file: 'generated/schema.ts', content: await renderSchemaTs(doc) },
    { file: 'generated/models.ts', content: await renderModelsTs(doc) },
    { file: 'generated/date-fields.ts', content: renderDateFields(doc) },
    { file: 'generated/operations.ts', content: renderOperations(doc) },
  ];
}

/** The generated files whose content on disk differs from what would be written (missing counts). */
export function staleFiles(files: GeneratedFile[], root: string = repoRoot): string[] {
  return files
    .filter((f) => {
      const abs = path.join(root, f.file);
      return !existsSync(abs) || readFileSync(abs, 'utf8') !== f.content;
    })
    .map((f) => f.file);
}

async function main(argv: string[]): Promise<number> {
  const check = argv.includes('--check');
  const files = await renderGenerated();
  if (check) {
    const stale = staleFiles(files);
    if (stale.length > 0) {
      for (const f of stale) process.stderr.write(`stale: ${f} (run \`npm run generate\`)\n`);
      return 1;
    }
    process.stdout.write('generated/ is up to date\n');
    return 0;
  }
  for (const f of files) {
    const abs = path.join(repoRoot, f.file);
    mkdirSync(path.dirname(abs), { recursive: true });
    if (existsSync(abs) && readFileSync(abs, 'utf8') === f.content) {
      process.stdout.write(`unchanged ${f.file}\n`);
      continue;
    }
    writeFileSync(abs, f.content);
    process.stdout.write(`wrote ${f.file}\n`);
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      process.stderr.write(`${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
      process.exit(2);
    },
  );
}
