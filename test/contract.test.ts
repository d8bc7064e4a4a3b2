/**
 * openapi/restream.yaml against reality: every real response in test/fixtures validates against the
 * schema of its endpoint, the schemas are strict enough to reject wrong shapes, and every endpoint and
 * WebSocket stream of API.md is in the contract.
 */
import { fixtureNames, readFixture } from './helpers/fixtures';
import {
  assertValidResponse,
  contractDocument,
  matchOperation,
  schemaNames,
  validateQuery,
  validateRequestBody,
  validateResponse,
  validateSchema,
  validateWebSocketMessage,
} from './helpers/contract';

const V1 = '/external/thirdparty/v1';

/** Each fixture file → the request that produced it (per test/fixtures/README.md). */
const FIXTURE_REQUESTS: Record<string, { method: string; path: string }> = {
  'pad_one.json': { method: 'GET', path: `${V1}/pads/697/` },
  'pad_many.json': { method: 'GET', path: `${V1}/pads/` },
  'sites_many_by_pad.json': { method: 'GET', path: `${V1}/sites/?pad__id=697` },
  'states_many_by_pad.json': { method: 'GET', path: `${V1}/states/?pad__id=697` },
  'stages_pad.json': { method: 'GET', path: `${V1}/pads/697/history/` },
  'stages_pad_filtered.json': { method: 'GET', path: `${V1}/pads/697/history/?state=frac` },
  'aggregations_pad.json': {
    method: 'GET',
    path: `${V1}/pads/697/aggregations/?histories=9131728&histories=9131762&state=frac`,
  },
  'pad_parameters.json': { method: 'GET', path: `${V1}/pads/697/parameters/` },
  'fields_pad.json': { method: 'GET', path: `${V1}/pads/697/fields/` },
  'data_pad.json': {
    method: 'GET',
    path: `${V1}/pads/697/data/?start_datetime=2025-09-16%2000:00:00&end_datetime=2025-09-16%2000:00:59&resolution=raw&routed=true`,
  },
  'data_changes_pad_one.json': { method: 'GET', path: `${V1}/pads/697/data_changes/` },
  'data_changes_pad_many.json': { method: 'GET', path: `${V1}/pads/697/data_changes/` },
};

function clone<T>(v: T): T {
  return structuredClone(v);
}

describe('fixtures validate against their endpoint', () => {
  const names = fixtureNames();

  it('finds the fixtures', () => {
    expect(names.length).toBeGreaterThan(0);
  });

  it('maps every fixture file to an endpoint, and every mapping to a file', () => {
    expect(names.filter((n) => !(n in FIXTURE_REQUESTS))).toEqual([]);
    expect(Object.keys(FIXTURE_REQUESTS).filter((n) => !names.includes(n))).toEqual([]);
  });

  it.each(names)('%s', (name) => {
    const req = FIXTURE_REQUESTS[name];
    if (!req) throw new Error(`fixture ${name} has no endpoint mapping in test/contract.test.ts`);
    // The request itself is a valid request of the contract...
    const q = validateQuery(req.method, req.path);
    expect(q.errors).toBe('');
    // ...and the real response matches the contract's response schema.
    const result = validateResponse(req.method, req.path, 200, readFixture(name));
    expect(result.errors).toBe('');
    expect(result.valid).toBe(true);
  });

  it('single records of list fixtures validate as the single-record endpoints and WebSocket messages', () => {
    const sites = readFixture<Array<{ id: number }>>('sites_many_by_pad.json');
    for (const site of sites) {
      assertValidResponse('GET', `${V1}/sites/${site.id}/`, 200, site);
      expect(validateWebSocketMessage(`/external/thirdparty/v2/ws/sites/${site.id}/`, site).errors).toBe('');
    }
    const states = readFixture<Array<{ id: number }>>('states_many_by_pad.json');
    for (const state of states) assertValidResponse('GET', `${V1}/states/${state.id}/`, 200, state);
    const pad = readFixture('pad_one.json');
    expect(validateWebSocketMessage('/external/thirdparty/v2/ws/pads/697/', pad).errors).toBe('');
    const { change_log } = readFixture<{ change_log: unknown[] }>('data_changes_pad_many.json');
    const wsChanges = '/external/thirdparty/v2/ws/pads/697/data_changes/';
    expect(validateWebSocketMessage(wsChanges, change_log[0]).errors).toBe('');
    expect(validateWebSocketMessage(wsChanges, change_log).errors).toBe('');
    expect(validateResponse('GET', `${V1}/sites/1111/fields/`, 200, readFixture('fields_pad.json')).errors).toBe('');
    expect(validateResponse('GET', `${V1}/sites/1111/history/`, 200, readFixture('stages_pad.json')).errors).toBe('');
  });

  it('accepts full URLs', () => {
    expect(validateResponse('GET', `http://127.0.0.1:8080${V1}/pads/697/`, 200, readFixture('pad_one.json')).valid).toBe(
      true,
    );
  });
});

describe('the schemas are strict', () => {
  const pad = readFixture<Record<string, unknown>>('pad_one.json');
  const sites = readFixture<Array<Record<string, unknown>>>('sites_many_by_pad.json');
  const aggregations = readFixture<Record<string, Array<Record<string, unknown>>>>('aggregations_pad.json');
  const changes = readFixture<{ change_log: Array<Record<string, unknown>> }>('data_changes_pad_one.json');

  it('rejects a wrong type (Pad.id as a string)', () => {
    const bad = { ...clone(pad), id: '697' };
    const r = validateResponse('GET', `${V1}/pads/697/`, 200, bad);
    expect(r.valid).toBe(false);
    expect(r.errors).toMatch(/body\/id must be integer/);
    expect(validateSchema('Pad', bad).valid).toBe(false);
  });

  it('rejects a missing required field (Site without id), alone and in a list', () => {
    const { id: _id, ...noId } = clone(sites[0] as Record<string, unknown>);
    const r = validateSchema('Site', noId);
    expect(r.valid).toBe(false);
    expect(r.errors).toMatch(/must have required property 'id'/);
    const list = validateResponse('GET', `${V1}/sites/`, 200, [sites[1], noId]);
    expect(list.valid).toBe(false);
    expect(list.errors).toMatch(/body\/1 must have required property 'id'/);
  });

  it.each([['yesterday'], ['2024-04-03 11:07'], ['2024-13-03T11:07:00Z'], ['2024-04-03T11:07:00'], ['']])(
    'rejects a bad date-time string (%j)',
    (value) => {
      const bad = clone(changes);
      (bad.change_log[0] as Record<string, unknown>).created_at = value;
      const r = validateResponse('GET', `${V1}/pads/697/data_changes/`, 200, bad);
      expect(r.valid).toBe(false);
      expect(r.errors).toMatch(/change_log\/0\/created_at must match format "date-time"/);
    },
  );

  it('rejects an aggregation entry with a string metric', () => {
    const bad = clone(aggregations);
    const [siteId] = Object.keys(bad);
    (bad[siteId as string]?.[0] as Record<string, unknown>).avg_clean_ph = '8.1';
    const r = validateResponse('GET', `${V1}/pads/697/aggregations/`, 200, bad);
    expect(r.valid).toBe(false);
    expect(r.errors).toMatch(/avg_clean_ph/);
  });

  it('accepts an aggregation error text for a site, and rejects a non-numeric site key', () => {
    expect(validateSchema('AggregationsResponse', { '1111': 'Aggregation failed', '1112': [] }).valid).toBe(true);
    expect(validateSchema('AggregationsResponse', { abc: [] }).valid).toBe(false);
    expect(validateSchema('StageAggregation', { avg: 1 }).valid).toBe(false);
  });

  it('accepts the stage in progress (no id, end null) but not a stage without start', () => {
    expect(validateSchema('Stage', { state: 'frac_frac', start: '2025-10-09T00:43:05Z', end: null, stage_number: 43, site: 1113 }).errors).toBe('');
    expect(validateSchema('Stage', { state: 'frac_frac', stage_number: 43, site: 1113 }).valid).toBe(false);
  });

  it('accepts null text fields and fleets on a site, and a single site with a fleet', () => {
    const site = { ...clone(sites[0] as Record<string, unknown>), well_api: null, lease_name: null, fleet_id: null, fleet_name: null };
    expect(validateSchema('Site', site).errors).toBe('');
    expect(validateSchema('Site', { ...site, fleet_id: 36, fleet_name: 'Atreides' }).errors).toBe('');
    expect(validateSchema('Site', { ...site, fleet_id: '36' }).valid).toBe(false);
  });

  it('measurement rows: numbers, strings and nulls; timestamp required; no booleans or objects', () => {
    expect(validateSchema('MeasurementRow', { timestamp: 1757980800, a: 1.0, valve: 'O', b: null }).errors).toBe('');
    expect(validateSchema('MeasurementRow', { timestamp: 1757980800, site_id: 1111 }).errors).toBe('');
    expect(validateSchema('MeasurementRow', { a: 1 }).valid).toBe(false);
    expect(validateSchema('MeasurementRow', { timestamp: 1757980800, a: true }).valid).toBe(false);
    expect(validateSchema('MeasurementRow', { timestamp: 1757980800, a: { x: 1 } }).valid).toBe(false);
    expect(validateSchema('MeasurementRow', { timestamp: 1757980800, site_id: 1.5 }).valid).toBe(false);
    expect(validateSchema('MeasurementRow', { timestamp: '1757980800' }).valid).toBe(false);
  });

  it('error responses: {detail} for 401/403/404/429, any body for 5xx, OAuth errors for the token', () => {
    for (const status of [401, 403, 404, 429]) {
      expect(validateResponse('GET', `${V1}/pads/697/`, status, { detail: 'nope' }).errors).toBe('');
      expect(validateResponse('GET', `${V1}/pads/697/`, status, { message: 'nope' }).valid).toBe(false);
    }
    expect(validateResponse('GET', `${V1}/pads/697/data/`, 503, { detail: 'down' }).errors).toBe('');
    expect(validateResponse('GET', `${V1}/pads/697/data/`, 502, '<html>Bad gateway</html>').errors).toBe('');
    expect(
      validateResponse('GET', `${V1}/pads/697/data/`, 500, 'oops', { contentType: 'text/plain; charset=utf-8' }).errors,
    ).toBe('');
    expect(validateResponse('POST', '/o/token/', 401, { error: 'invalid_client' }).errors).toBe('');
    expect(validateResponse('POST', '/o/token/', 400, { detail: 'x' }).valid).toBe(false);
    expect(
      validateResponse('POST', '/o/token/', 200, {
        access_token: 'abc',
        expires_in: 36000,
        token_type: 'Bearer',
        scope: 'read write',
      }).errors,
    ).toBe('');
    expect(validateResponse('POST', '/o/token/', 200, { expires_in: 36000 }).valid).toBe(false);
  });

  it('reports unknown paths, methods and statuses as invalid', () => {
    expect(validateResponse('GET', `${V1}/wells/`, 200, []).errors).toMatch(/no path of the contract matches/);
    expect(validateResponse('GET', `${V1}/pads/697`, 200, {}).errors).toMatch(/missing trailing slash/);
    expect(validateResponse('DELETE', `${V1}/pads/697/`, 200, {}).errors).toMatch(/has no DELETE operation/);
    expect(validateResponse('GET', `${V1}/pads/697/`, 418, {}).errors).toMatch(/status not documented/);
    expect(validateResponse('POST', `${V1}/pads/697/data_changes/`, 204, undefined).valid).toBe(true);
    expect(validateResponse('POST', `${V1}/pads/697/data_changes/`, 204, { a: 1 }).valid).toBe(false);
    expect(() => validateSchema('NoSuchSchema', {})).toThrow(/No schema NoSuchSchema/);
  });

  it('assertValidResponse throws a readable message', () => {
    expect(() => assertValidResponse('GET', `${V1}/pads/697/`, 200, { ...clone(pad), id: 'x' })).toThrow(
      /GET \/external\/thirdparty\/v1\/pads\/697\/ → 200[\s\S]*body\/id must be integer/,
    );
  });
});

describe('requests', () => {
  it('query parameters: types, enums, patterns, repeated keys, unknown keys', () => {
    const data = `${V1}/sites/1111/data/`;
    expect(validateQuery('GET', `${data}?fields=a,b&si_units=true&resolution=minute&agg=mean`).errors).toBe('');
    expect(validateQuery('GET', `${data}?fill_data_method=ffill&fill_data_limit=5&inside_area_only=false`).errors).toBe('');
    expect(validateQuery('GET', `${data}?stage_number=3&state_imatch=frac&measurement_source=M1,M2`).errors).toBe('');
    expect(validateQuery('GET', `${data}?resolution=second`).valid).toBe(false);
    expect(validateQuery('GET', `${data}?agg=median`).valid).toBe(false);
    expect(validateQuery('GET', `${data}?fill_data_limit=0`).valid).toBe(false);
    expect(validateQuery('GET', `${data}?si_units=yes`).valid).toBe(false);
    expect(validateQuery('GET', `${data}?start_datetime=2025-09-16T00:00:00Z`).valid).toBe(false);
    expect(validateQuery('GET', `${data}?fields=a&fields=b`).errors).toMatch(/repeated/);
    expect(validateQuery('GET', `${data}?routed=true`).errors).toMatch(/routed is not in the contract/);
    expect(validateQuery('GET', `${V1}/pads/697/data/?routed=true`).errors).toBe('');
    expect(validateQuery('GET', `${V1}/sites/abc/`).valid).toBe(false);
    expect(validateQuery('GET', `${V1}/pads/697/history/?start=2025-10-01T00:00:00Z&end=2025-10-02T00:00:00Z&stage_number=2`).errors).toBe('');
    expect(validateQuery('GET', `${V1}/pads/697/history/?start=2025-10-01%2000:00:00`).valid).toBe(false);
    expect(validateQuery('GET', `${V1}/pads/697/history/?state=wireline`).valid).toBe(false);
    expect(validateQuery('GET', `${V1}/pads/697/aggregations/?histories=1&histories=2`).errors).toBe('');
    expect(validateQuery('GET', `${V1}/pads/697/aggregations/?histories=1,2`).valid).toBe(false);
    expect(validateQuery('GET', `${V1}/states/?current_state_search=standby&site__id=1111`).errors).toBe('');
  });

  it('request bodies: parameters, data-change confirmations, token form', () => {
    const params = [
      {
        name: 'avg_pressure',
        description: 'Average pressure',
        config: { field: 'pressure', aggregation: 'average', si_unit: 'kPa', base_unit: 'kPa', imperial_unit: 'psi' },
      },
    ];
    expect(validateRequestBody('POST', `${V1}/pads/697/parameters/`, params).errors).toBe('');
    expect(validateRequestBody('POST', `${V1}/sites/1111/parameters/`, [{ name: 'x', config: { field: 'f' } }]).valid).toBe(false);
    const confirm = { change_log: [{ id: 339, update_received: true }] };
    expect(validateRequestBody('POST', `${V1}/sites/1111/data_changes/`, confirm).errors).toBe('');
    expect(validateRequestBody('POST', `${V1}/sites/1111/data_changes/`, { change_log: [{ id: 339, update_received: 'true' }] }).valid).toBe(false);
    expect(validateRequestBody('POST', `${V1}/sites/1111/data_changes/`, undefined).valid).toBe(false);
    const form = { client_id: 'id', client_secret: 'secret', grant_type: 'client_credentials' };
    expect(validateRequestBody('POST', '/o/token/', form, { contentType: 'application/x-www-form-urlencoded' }).errors).toBe('');
    expect(validateRequestBody('POST', '/o/token/', { ...form, grant_type: 'password' }).valid).toBe(false);
  });
});

describe('WebSocket messages', () => {
  const ws = '/ws/data/site/1111/';
  const row = { timestamp: 1757980800, pressure: 1.5, swab_valve: 'O', rate: null };

  it('measurement messages: a row, a list, null or an empty string', () => {
    expect(validateWebSocketMessage(ws, { session_key: 'a'.repeat(32), message: row }).errors).toBe('');
    expect(validateWebSocketMessage(ws, { session_key: 'k', message: [row, row] }).errors).toBe('');
    expect(validateWebSocketMessage(ws, { session_key: 'k', message: null }).errors).toBe('');
    expect(validateWebSocketMessage(ws, { session_key: 'k', message: '' }).errors).toBe('');
    expect(validateWebSocketMessage(ws, { session_key: 'k', message: 'text' }).valid).toBe(false);
    expect(validateWebSocketMessage(ws, { session_key: 'k' }).valid).toBe(false);
    expect(validateWebSocketMessage(ws, { session_key: 'k', message: [{ pressure: 1 }] }).valid).toBe(false);
  });

  it('the client ack is exactly {"ack": "true"}', () => {
    expect(validateWebSocketMessage(ws, { ack: 'true' }, 'client').errors).toBe('');
    expect(validateWebSocketMessage(ws, { ack: true }, 'client').valid).toBe(false);
    expect(validateWebSocketMessage(ws, { ack: 'true', extra: 1 }, 'client').valid).toBe(false);
    expect(validateWebSocketMessage('/external/thirdparty/v2/ws/sites/1/', { ack: 'true' }, 'client').valid).toBe(false);
  });

  it('measurement stream query: session key and data filters', () => {
    expect(validateQuery('WS', `${ws}?session_key=abc&fields=a,b&resolution=raw`).errors).toBe('');
    expect(validateQuery('WS', '/ws/data/pad/697/?session_key=abc&routed=true').errors).toBe('');
    expect(validateQuery('WS', `${ws}?routed=true`).valid).toBe(false);
    expect(validateQuery('WS', `${ws}?resolution=weekly`).valid).toBe(false);
  });
});

describe('coverage of API.md', () => {
  const doc = contractDocument() as {
    paths: Record<string, Record<string, { operationId?: string; summary?: string; responses?: Record<string, unknown>; parameters?: unknown[] }>>;
    'x-websockets': Record<string, unknown>;
    security?: unknown;
  };

  /** The REST table of API.md (prefix /external/thirdparty/v1) with the query parameters it lists. */
  const REST: Array<[string, string, string[]]> = [
    ['GET', '/pads/', ['complete', 'well_api', 'site_pk', 'fleet_id', 'fleet_name']],
    ['GET', '/pads/{id}/', []],
    ['GET', '/sites/', ['complete', 'pad_pk', 'pad__id', 'fleet_id', 'fleet_name']],
    ['GET', '/sites/{id}/', []],
    ['GET', '/states/', ['pad__id', 'site__id', 'current_state_search']],
    ['GET', '/states/{id}/', []],
    ...(['pads', 'sites'] as const).flatMap((kind): Array<[string, string, string[]]> => [
      ['GET', `/${kind}/{id}/fields/`, []],
      ['GET', `/${kind}/{id}/history/`, ['start', 'end', 'stage_number', 'state']],
      ['GET', `/${kind}/{id}/aggregations/`, ['histories', 'start', 'end', 'stage_number', 'state']],
      ['GET', `/${kind}/{id}/parameters/`, []],
      ['POST', `/${kind}/{id}/parameters/`, []],
      [
        'GET',
        `/${kind}/{id}/data/`,
        [
          'start_datetime',
          'end_datetime',
          'fields',
          'si_units',
          'resolution',
          'agg',
          'stage_number',
          'state_imatch',
          'measurement_source',
          ...(kind === 'pads' ? ['routed'] : []),
          'fill_data_method',
          'fill_data_limit',
          'inside_area_only',
        ],
      ],
      ['GET', `/${kind}/{id}/data_changes/`, []],
      ['POST', `/${kind}/{id}/data_changes/`, []],
    ]),
  ];

  const WEBSOCKETS = [
    '/ws/data/site/{id}/',
    '/ws/data/pad/{id}/',
    '/external/thirdparty/v2/ws/sites/{id}/',
    '/external/thirdparty/v2/ws/pads/{id}/',
    '/external/thirdparty/v2/ws/sites/{id}/data_changes/',
    '/external/thirdparty/v2/ws/pads/{id}/data_changes/',
  ];

  function queryNames(template: string, method: string): string[] {
    const concrete = template.replace('{id}', '1');
    const match = matchOperation(method, concrete);
    if (!match) return [];
    const item = doc.paths[template] ?? {};
    const op = item[method.toLowerCase()] ?? {};
    const params = [...((item.parameters as unknown[]) ?? []), ...((op.parameters as unknown[]) ?? [])];
    const contract = contractDocument() as { components: { parameters: Record<string, { name: string; in: string }> } };
    return params
      .map((p) => {
        const ref = (p as { $ref?: string }).$ref;
        return ref ? contract.components.parameters[ref.split('/').pop() as string] : (p as { name: string; in: string });
      })
      .filter((p): p is { name: string; in: string } => !!p && p.in === 'query')
      .map((p) => p.name)
      .sort();
  }

  it.each(REST)('%s %s is in the contract with its query parameters', (method, suffix, query) => {
    const template = `/external/thirdparty/v1${suffix}`;
    const op = doc.paths[template]?.[method.toLowerCase()];
    expect(op).toBeDefined();
    expect(op?.operationId).toEqual(expect.any(String));
    expect(op?.summary).toEqual(expect.any(String));
    const statuses = Object.keys(op?.responses ?? {});
    for (const s of ['401', '403', '404', '429', '5XX']) expect(statuses).toContain(s);
    expect(queryNames(template, method)).toEqual([...query].sort());
  });

  it('the token endpoint is there, without security', () => {
    const op = doc.paths['/o/token/']?.post as { security?: unknown[]; operationId?: string } | undefined;
    expect(op?.operationId).toBe('obtainToken');
    expect(op?.security).toEqual([]);
    expect(doc.security).toEqual([{ bearer: [] }]);
  });

  it('operationIds are unique and every operation documents its errors', () => {
    const ids: string[] = [];
    for (const item of Object.values(doc.paths)) {
      for (const [method, op] of Object.entries(item)) {
        if (method === 'parameters') continue;
        ids.push(op.operationId as string);
        expect(Object.keys(op.responses ?? {}).some((s) => s === '5XX' || s === 'default')).toBe(true);
      }
    }
    expect(new Set(ids).size).toBe(ids.length);
  });

  it.each(WEBSOCKETS)('WebSocket %s is in x-websockets with its messages', (template) => {
    const entry = doc['x-websockets'][template] as { serverMessage?: { $ref?: string }; upgradeResponses?: Record<string, string> };
    expect(entry).toBeDefined();
    expect(entry.serverMessage?.$ref).toMatch(/^#\/components\/schemas\//);
    expect(Object.keys(entry.upgradeResponses ?? {})).toEqual(expect.arrayContaining(['101', '401', '403', '404', '429']));
    expect(matchOperation('WS', template.replace('{id}', '5'))?.template).toBe(template);
  });

  it('measurement streams take a session key and acknowledge with AckMessage', () => {
    for (const template of WEBSOCKETS.slice(0, 2)) {
      expect(validateQuery('WS', `${template.replace('{id}', '1')}?session_key=k`).errors).toBe('');
      const entry = doc['x-websockets'][template] as { clientMessage?: { $ref?: string } };
      expect(entry.clientMessage?.$ref).toBe('#/components/schemas/AckMessage');
    }
  });

  it('has the named reusable enums and models as component schemas', () => {
    const names = schemaNames();
    for (const n of [
      'StageNameFilter',
      'Resolution',
      'Aggregation',
      'FillDataMethod',
      'Pad',
      'PadSimopsConfig',
      'MeasurementSource',
      'MeasurementSources',
      'Site',
      'SiteMetadata',
      'State',
      'Stage',
      'AggregationsResponse',
      'Field',
      'StageAggregationDescription',
      'StageAggregationDescriptionCreate',
      'DataChange',
      'DataChangeLog',
      'DataChangeConfirmation',
      'TokenResponse',
      'ErrorDetail',
      'ErrorBody',
      'OAuthError',
      'MeasurementRow',
      'MeasurementMessage',
      'MeasurementFrame',
      'AckMessage',
      'DataChangeMessage',
    ]) {
      expect(names).toContain(n);
    }
    expect(validateSchema('StageNameFilter', 'wl').valid).toBe(true);
    expect(validateSchema('StageNameFilter', 'wireline').valid).toBe(false);
    expect(validateSchema('Resolution', 'ten-second').valid).toBe(true);
  });

  it('compiles every component schema in strict mode', () => {
    for (const name of schemaNames()) expect(() => validateSchema(name, null)).not.toThrow();
  });
});
