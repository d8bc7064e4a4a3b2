/**
 * generated/ must match what scripts/generate.ts would write from openapi/restream.yaml, byte for byte.
 * When this fails: run `npm run generate` and commit generated/ with the contract change.
 */
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import {
  collectDateTimePaths,
  collectOperationResponses,
  loadSpec,
  renderDateFields,
  renderOperations,
  repoRoot,
  staleFiles,
} from '../scripts/generate';
import { dateTimeFields, operationResponses, websocketMessages } from '../generated/date-fields';
import { headerParameters, queryParameters, websocketQueryParameters } from '../generated/operations';
import { contractDocument } from './helpers/contract';

const tsxCli = path.join(path.dirname(require.resolve('tsx/package.json')), 'dist', 'cli.mjs');

function runGenerator(args: string[]): { status: number | null; stdout: string; stderr: string } {
  const r = spawnSync(process.execPath, [tsxCli, 'scripts/generate.ts', ...args], {
    cwd: repoRoot,
    encoding: 'utf8',
    timeout: 60_000,
  });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('generated/ is up to date', () => {
  it('has every generated file', () => {
    for (const f of ['schema.ts', 'models.ts', 'date-fields.ts', 'operations.ts']) {
      expect(existsSync(path.join(repoRoot, 'generated', f))).toBe(true);
    }
  });

  it('operations.ts equals what the generator renders now', () => {
    const expected = renderOperations(loadSpec());
    const actual = readFileSync(path.join(repoRoot, 'generated', 'operations.ts'), 'utf8');
    if (actual !== expected) throw new Error('generated/operations.ts is stale: run `npm run generate`');
  });

  it('date-fields.ts equals what the generator renders now', () => {
    const expected = renderDateFields(loadSpec());
    const actual = readFileSync(path.join(repoRoot, 'generated', 'date-fields.ts'), 'utf8');
    if (actual !== expected) throw new Error('generated/date-fields.ts is stale: run `npm run generate`');
  });

  it('`tsx scripts/generate.ts --check` passes (all generated files, including the openapi-typescript ones)', () => {
    const r = runGenerator(['--check']);
    if (r.status !== 0) throw new Error(`generator --check failed (exit ${r.status}):\n${r.stderr}${r.stdout}`);
    expect(r.stdout).toMatch(/up to date/);
  });

  it('schema.ts carries the do-not-edit header and the literal path keys', () => {
    const schema = readFileSync(path.join(repoRoot, 'generated', 'schema.ts'), 'utf8');
    expect(schema.startsWith('/**\n * GENERATED FILE: do not edit by hand.')).toBe(true);
    expect(schema).toContain('"/external/thirdparty/v1/pads/{id}/fields/": {');
    expect(schema).toContain('"/external/thirdparty/v1/sites/{id}/data/": {');
    expect(schema).toContain('export type Site = components');
    expect(schema).toContain('MeasurementMessage: {');
  });

  it('models.ts is schema.ts with Date for every date-time property', () => {
    const schema = readFileSync(path.join(repoRoot, 'generated', 'schema.ts'), 'utf8');
    const models = readFileSync(path.join(repoRoot, 'generated', 'models.ts'), 'utf8');
    expect(models.startsWith('/**\n * GENERATED FILE: do not edit by hand.')).toBe(true);
    expect(models).toContain('completion_date?: Date | null;');
    expect(models).toContain('created_at: Date;');
    expect(models).not.toMatch(/Format: date-time \*\/\n\s+\w+\??: string/);
    expect(schema).toContain('completion_date?: string | null;');
  });

  it('operations.ts lists the query parameters per operation', () => {
    expect(Object.keys(queryParameters.listPads).sort()).toEqual(['complete', 'fleet_id', 'fleet_name', 'site_pk', 'well_api']);
    expect(queryParameters.getSiteData.resolution.enum).toEqual(['raw', 'ten-second', 'minute', 'ten-minute', 'hour']);
    expect(queryParameters.getPadAggregations.histories).toEqual({ type: 'array', items: { type: 'integer' }, explode: true });
    expect('routed' in queryParameters.getSiteData).toBe(false);
    expect(headerParameters.getPadData.Prefer.enum).toEqual(['streaming']);
    expect(websocketQueryParameters['/ws/data/site/{id}/'].session_key.type).toBe('string');
  });
});

describe('stale detection', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(path.join(os.tmpdir(), 'restream-gen-'));
    mkdirSync(path.join(dir, 'generated'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('names changed and missing files, and nothing when equal', () => {
    const files = [
      { file: 'generated/a.ts', content: 'export const a = 1;\n' },
      { file: 'generated/b.ts', content: 'export const b = 2;\n' },
      { file: 'generated/c.ts', content: 'export const c = 3;\n' },
    ];
    writeFileSync(path.join(dir, 'generated/a.ts'), 'export const a = 1;\n');
    writeFileSync(path.join(dir, 'generated/b.ts'), 'export const b = 20;\n');
    expect(staleFiles(files, dir)).toEqual(['generated/b.ts', 'generated/c.ts']);
    writeFileSync(path.join(dir, 'generated/b.ts'), 'export const b = 2;\n');
    writeFileSync(path.join(dir, 'generated/c.ts'), 'export const c = 3;\n');
    expect(staleFiles(files, dir)).toEqual([]);
  });

  it('renders deterministically', () => {
    const doc = loadSpec();
    expect(renderDateFields(doc)).toBe(renderDateFields(loadSpec()));
    const shuffled = { ...doc, components: { ...(doc.components as object) } } as typeof doc;
    const c = shuffled.components as { schemas: Record<string, unknown> };
    c.schemas = Object.fromEntries(Object.entries(c.schemas).reverse());
    expect(renderDateFields(shuffled)).toBe(renderDateFields(doc));
  });
});

describe('date-time fields', () => {
  const has = (list: readonly (readonly string[])[], p: string[]): boolean =>
    list.some((x) => x.length === p.length && x.every((s, i) => s === p[i]));

  it('lists the date-time properties of the models', () => {
    expect(has(dateTimeFields.Site, ['date_created'])).toBe(true);
    expect(has(dateTimeFields.DataChange, ['created_at'])).toBe(true);
    expect(has(dateTimeFields.DataChange, ['start_date'])).toBe(true);
    expect(has(dateTimeFields.DataChange, ['end_date'])).toBe(true);
    expect(has(dateTimeFields.Stage, ['start'])).toBe(true);
    expect(has(dateTimeFields.Stage, ['end'])).toBe(true);
    expect(has(dateTimeFields.Pad, ['completion_date'])).toBe(true);
    expect(has(dateTimeFields.StageAggregationDescription, ['created_at'])).toBe(true);
    expect(has(dateTimeFields.DataChangeLog, ['change_log', '*', 'created_at'])).toBe(true);
    for (const p of [
      ['date_created'],
      ['last_updated'],
      ['last_state_update'],
      ['last_state_update_system_time'],
      ['last_state_confirmation_time'],
      ['site', 'date_created'],
      ['site_component_configuration', 'date_created'],
      ['site_component_configuration', 'component_configurations', '*', 'last_state_update'],
    ]) {
      expect(has(dateTimeFields.State, p)).toBe(true);
    }
    expect(dateTimeFields.Field).toEqual([]);
    expect(dateTimeFields.MeasurementRow).toEqual([]);
  });

  it('covers every component schema and every date-time format in the contract', () => {
    const schemas = (contractDocument().components as { schemas: Record<string, unknown> }).schemas;
    expect(Object.keys(dateTimeFields).sort()).toEqual(Object.keys(schemas).sort());
    // Every `format: date-time` written inside a component (refs not followed) is in that component's list.
    const missing: string[] = [];
    const walk = (name: string, node: unknown, at: string[]): void => {
      if (typeof node !== 'object' || node === null) return;
      if (Array.isArray(node)) return node.forEach((n) => walk(name, n, at));
      const o = node as Record<string, unknown>;
      if (o.format === 'date-time') {
        const list = (dateTimeFields as Record<string, readonly (readonly string[])[]>)[name] ?? [];
        if (!has(list, at)) missing.push(`${name}: ${JSON.stringify(at)}`);
      }
      for (const key of ['anyOf', 'oneOf', 'allOf']) walk(name, o[key], at);
      if (o.properties && typeof o.properties === 'object') {
        for (const [k, v] of Object.entries(o.properties)) walk(name, v, [...at, k]);
      }
      if (o.items) walk(name, o.items, [...at, '*']);
      if (o.additionalProperties && typeof o.additionalProperties === 'object') walk(name, o.additionalProperties, [...at, '*']);
    };
    for (const [name, schema] of Object.entries(schemas)) walk(name, schema, []);
    expect(missing).toEqual([]);
  });

  it('maps operations and WebSocket paths to response schemas', () => {
    expect(operationResponses.getSite.schema).toBe('Site');
    expect(operationResponses.listPads.schema).toBe('Pad[]');
    expect(operationResponses.getPadDataChanges.schema).toBe('DataChangeLog');
    expect(has(operationResponses.listStates.dateTimeFields, ['*', 'site', 'date_created'])).toBe(true);
    expect(has(operationResponses.getPadHistory.dateTimeFields, ['*', 'start'])).toBe(true);
    expect(websocketMessages['/ws/data/site/{id}/'].server).toBe('MeasurementFrame');
    expect(websocketMessages['/external/thirdparty/v2/ws/pads/{id}/data_changes/'].server).toBe('DataChangeMessage');
    const ids = collectOperationResponses(loadSpec()).map((o) => o.operationId);
    expect(Object.keys(operationResponses)).toEqual(ids);
  });

  it('follows $refs, unions, nullable type arrays, maps and arrays', () => {
    const doc = {
      components: {
        schemas: {
          Leaf: {
            type: 'object',
            properties: {
              at: { type: ['string', 'null'], format: 'date-time' },
              day: { type: 'string', format: 'date' },
              notDate: { type: 'integer', format: 'date-time' },
            },
          },
          Node: {
            type: 'object',
            properties: {
              leaf: { anyOf: [{ $ref: '#/components/schemas/Leaf' }, { type: 'null' }] },
              leaves: { type: 'array', items: { $ref: '#/components/schemas/Leaf' } },
              byKey: { type: 'object', additionalProperties: { oneOf: [{ type: 'string', format: 'date-time' }, { type: 'integer' }] } },
              both: { allOf: [{ $ref: '#/components/schemas/Leaf' }, { properties: { more: { type: 'string', format: 'date-time' } } }] },
            },
          },
          Tree: {
            type: 'object',
            properties: { name: { type: 'string' }, children: { type: 'array', items: { $ref: '#/components/schemas/Tree' } } },
          },
          DatedTree: {
            type: 'object',
            properties: { at: { type: 'string', format: 'date-time' }, children: { type: 'array', items: { $ref: '#/components/schemas/DatedTree' } } },
          },
        },
      },
    };
    expect(collectDateTimePaths(doc, { $ref: '#/components/schemas/Node' })).toEqual([
      ['both', 'at'],
      ['both', 'more'],
      ['byKey', '*'],
      ['leaf', 'at'],
      ['leaves', '*', 'at'],
    ]);
    // A recursive schema without dates is fine; with dates it cannot be listed, so the generator refuses it.
    expect(collectDateTimePaths(doc, { $ref: '#/components/schemas/Tree' })).toEqual([]);
    expect(() => collectDateTimePaths(doc, { $ref: '#/components/schemas/DatedTree' })).toThrow(/recursive/);
  });
});
