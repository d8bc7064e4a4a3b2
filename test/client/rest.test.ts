import { startMockServer, type MockServer } from '../../src/mock';
import {
  APICompatibilityError,
  AuthError,
  ConcurrencyLimitError,
  CredentialsError,
  NotFoundError,
  Pad,
  Restream,
  ServerError,
  Site,
  State,
  ValidationError,
  type RetryEvent,
} from '../../src';

let mock: MockServer;

beforeAll(async () => {
  mock = await startMockServer({ seed: 7 });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(() => {
  mock.faults.reset();
  mock.clearRequests();
});

/** A client on the mock server; retries fast so fault tests take milliseconds. */
function client(extra: ConstructorParameters<typeof Restream>[0] = {}): Restream {
  return new Restream({
    host: mock.url,
    clientId: mock.clientId,
    clientSecret: mock.clientSecret,
    retry: { baseDelayMs: 1, maxDelayMs: 5 },
    env: {},
    ...extra,
  });
}

const apiRequests = () => mock.requests.filter((r) => r.path !== '/o/token/');
const tokenRequests = () => mock.requests.filter((r) => r.path === '/o/token/');

describe('auth', () => {
  it('fetches one token for many concurrent calls and caches it', async () => {
    const rs = client();
    await Promise.all([rs.pads.list(), rs.sites.list(), rs.sites.get(1111), rs.pads.get(697)]);
    await rs.sites.list();
    expect(tokenRequests()).toHaveLength(1);
    const token = await rs.auth.getAccessToken();
    const forced = await rs.auth.getAccessToken({ force: true });
    expect(forced).not.toBe(token);
    expect(tokenRequests()).toHaveLength(2);
  });

  it('refreshes once and retries when the token expires mid-run', async () => {
    const rs = client();
    await rs.pads.list();
    mock.faults.expireTokens();
    const sites = await rs.sites.list();
    expect(sites.length).toBeGreaterThan(0);
    expect(tokenRequests()).toHaveLength(2);
    const statuses = apiRequests().map((r) => r.status);
    expect(statuses).toEqual([200, 401, 200]);
  });

  it('never replaces a caller-supplied token: a 401 is an AuthError', async () => {
    const token = mock.issueToken();
    const rs = new Restream({ host: mock.url, authToken: token, env: {} });
    expect(Array.isArray(await rs.pads.list())).toBe(true);
    mock.faults.expireTokens();
    const error = await rs.pads.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(AuthError);
    expect((error as AuthError).status).toBe(401);
    expect(tokenRequests()).toHaveLength(0);
    expect(JSON.stringify(error)).not.toContain(token);
    expect(String((error as Error).message)).not.toContain(token);
  });

  it('reports refused credentials as CredentialsError without the secret', async () => {
    const secret = 'wrong-secret-value-123';
    const rs = client({ clientSecret: secret });
    const error = await rs.pads.list().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(CredentialsError);
    expect((error as CredentialsError).status).toBe(401);
    expect(JSON.stringify(error) + (error as Error).message + (error as Error).stack).not.toContain(secret);
  });

  it('says clearly when no credentials are configured', async () => {
    const rs = new Restream({ host: mock.url, env: {} });
    await expect(rs.pads.list()).rejects.toThrow(CredentialsError);
    expect(mock.requests).toHaveLength(0);
  });

  it('reads credentials and host from RESTREAM_* variables', async () => {
    const rs = new Restream({ env: { RESTREAM_HOST: mock.url, RESTREAM_CLIENT_ID: mock.clientId, RESTREAM_CLIENT_SECRET: mock.clientSecret } });
    expect(rs.host).toBe(mock.url);
    await expect(rs.pads.list()).resolves.not.toHaveLength(0);
  });
});

describe('retries', () => {
  it('retries 503 and 429 bursts with backoff and reports each retry', async () => {
    const events: RetryEvent[] = [];
    const rs = client({ onRetry: (e) => events.push(e) });
    mock.faults.failNext({ path: '/external/thirdparty/v1/sites/1111/', times: 2, status: 503 });
    mock.faults.failNext({ path: '/external/thirdparty/v1/pads/697/', times: 3, status: 429 });
    const [site, pad] = await Promise.all([rs.sites.get(1111), rs.pads.get(697)]);
    expect(site.id).toBe(1111);
    expect(pad.id).toBe(697);
    expect(events.filter((e) => e.status === 503)).toHaveLength(2);
    expect(events.filter((e) => e.status === 429)).toHaveLength(3);
    expect(events.every((e) => e.attempts === 5 && e.delayMs >= 0 && e.method === 'GET')).toBe(true);
  });

  it('gives up after the configured attempts with a typed error that counts them', async () => {
    const rs = client({ retry: { attempts: 3, baseDelayMs: 1, maxDelayMs: 2 } });
    mock.faults.failNext({ path: '/external/thirdparty/v1/sites/1111/', times: 10, status: 500 });
    const error = (await rs.sites.get(1111).catch((e: unknown) => e)) as ServerError;
    expect(error).toBeInstanceOf(ServerError);
    expect(error).toMatchObject({ status: 500, method: 'GET', path: '/external/thirdparty/v1/sites/1111/', attempts: 3 });
    expect(apiRequests()).toHaveLength(3);

    mock.faults.failNext({ path: '/external/thirdparty/v1/sites/1112/', times: 10, status: 429 });
    await expect(rs.sites.get(1112)).rejects.toBeInstanceOf(ConcurrencyLimitError);
  });

  it('does not retry a 404', async () => {
    const rs = client();
    const error = (await rs.sites.get(999_999).catch((e: unknown) => e)) as NotFoundError;
    expect(error).toBeInstanceOf(NotFoundError);
    expect(error.path).toBe('/external/thirdparty/v1/sites/999999/');
    expect(error.serverMessage).toBeTruthy();
    expect(apiRequests()).toHaveLength(1);
  });

  it('reports a malformed 200 body as APICompatibilityError', async () => {
    const rs = client();
    mock.faults.malformNext({ path: '/external/thirdparty/v1/pads/', body: '<html>maintenance</html>' });
    await expect(rs.pads.list()).rejects.toBeInstanceOf(APICompatibilityError);
    mock.faults.malformNext({ path: '/external/thirdparty/v1/pads/', body: '{"results": []}' });
    await expect(rs.pads.list()).rejects.toBeInstanceOf(APICompatibilityError);
  });
});

describe('concurrency', () => {
  it('keeps at most 3 requests in flight per endpoint path, queueing the rest', async () => {
    const rs = client();
    await rs.auth.getAccessToken();
    mock.faults.delay({ path: '/external/thirdparty/v1/sites/1112/fields/', ms: 20, times: 20 });
    const site = rs.site(1112);
    const results = await Promise.all(Array.from({ length: 20 }, () => site.getFieldsMetadata()));
    expect(results.every((fields) => fields.length > 0)).toBe(true);
    expect(mock.maxInFlight('/external/thirdparty/v1/sites/1112/fields/')).toBe(3);
    expect(apiRequests().every((r) => r.status === 200)).toBe(true);
  });
});

describe('models', () => {
  it('lists and gets pads and sites with the API field names and Date fields', async () => {
    const rs = client();
    const pads = await rs.pads.list();
    expect(pads.length).toBeGreaterThan(1);
    expect(pads[0]).toBeInstanceOf(Pad);
    const sites = await rs.sites.list({ pad__id: 697 });
    expect(sites.map((s) => s.id).sort()).toEqual([1111, 1112, 1113]);
    const site = await rs.sites.get(1112);
    expect(site).toBeInstanceOf(Site);
    expect(site.date_created).toBeInstanceOf(Date);
    expect(site.pad_id).toBe(697);
    expect(JSON.parse(JSON.stringify(site))).toMatchObject({ id: 1112, pad_id: 697 });
    expect(Object.keys(JSON.parse(JSON.stringify(site)))).not.toContain('ctx');

    const wire = await rs.sites.get(1112, { asDict: true });
    expect(typeof wire.date_created).toBe('string');
    const rawList = await rs.sites.list({ asDict: true });
    expect(rawList.every((s) => !(s instanceof Site))).toBe(true);
  });

  it('passes list filters as the API spells them', async () => {
    const rs = client();
    const all = await rs.pads.list();
    const fleetName = all.map((p) => (p as unknown as { fleet_name?: string }).fleet_name).find(Boolean);
    await rs.pads.list({ fleet_name: 'Atreides', complete: false });
    const last = apiRequests().at(-1)!;
    expect(last.query).toMatchObject({ fleet_name: ['Atreides'], complete: ['false'] });
    void fleetName;
  });

  it('makes handles without a request and loads them with update()', async () => {
    const rs = client();
    const handle = rs.site(1111);
    expect(mock.requests).toHaveLength(0);
    expect(handle.isLoaded).toBe(false);
    await handle.update();
    expect(handle.isLoaded).toBe(true);
    expect(typeof handle.name).toBe('string');
    const pad = rs.pad(697);
    await pad.update();
    expect(pad.name).toBeTruthy();
  });

  it('navigates site → pad → sites and states', async () => {
    const rs = client();
    const site = rs.site(1112);
    const pad = await site.getPad();
    expect(pad.id).toBe(697);
    const sites = await pad.getSites();
    expect(sites.map((s) => s.id).sort()).toEqual([1111, 1112, 1113]);
    const states = await pad.getStates();
    expect(states.length).toBeGreaterThan(0);
    expect(states[0]).toBeInstanceOf(State);
    expect(states[0]!.date_created).toBeInstanceOf(Date);
    await pad.getStates({ stageNameFilter: 'frac' });
    expect(apiRequests().at(-1)!.query).toMatchObject({ pad__id: ['697'], current_state_search: ['frac'] });

    const siteStates = await Promise.all(sites.map((s) => s.getState()));
    expect(siteStates.some((s) => s === null)).toBe(true); // the mock has one site without a state
    const state = siteStates.find((s): s is State => s !== null)!;
    await state.update();
    expect(state.current_state).toBeTruthy();
  });

  it('returns stages with aggregations attached, errors surfaced', async () => {
    const rs = client();
    const pad = rs.pad(697);
    const stages = await pad.getStagesMetadata({ addAggregations: true });
    expect(stages.length).toBeGreaterThan(100);
    expect(stages[0]!.start).toBeInstanceOf(Date);
    const inProgress = stages.filter((s) => s.id === undefined);
    expect(inProgress.every((s) => s.end === null && s.aggregations === null)).toBe(true);
    const withMetrics = stages.filter((s) => s.aggregations);
    expect(withMetrics.length).toBeGreaterThan(0);
    expect(Object.values(withMetrics[0]!.aggregations!).every((v) => v === null || typeof v === 'number')).toBe(true);

    // Every completed stage id was sent as a repeated `histories` key.
    const aggregationRequests = apiRequests().filter((r) => r.path.endsWith('/aggregations/'));
    const sent = aggregationRequests.flatMap((r) => (r.query as Record<string, string[]>).histories ?? []);
    expect(new Set(sent)).toEqual(new Set(stages.filter((s) => s.id !== undefined).map((s) => String(s.id))));
    expect(aggregationRequests.length).toBe(Math.ceil(sent.length / 150));

    const errored = stages.filter((s) => s.aggregationsError !== undefined);
    for (const stage of errored) expect(stage.aggregations).toBeNull();
  });

  it('sends stage filters in the API format', async () => {
    const rs = client();
    const site = rs.site(1111);
    const stages = await site.getStagesMetadata({
      start: '2020-01-01T00:00:00-05:00',
      end: new Date('2100-01-01T00:00:00Z'),
      stageNumber: 3,
      stageNameFilter: 'frac',
    });
    expect(apiRequests().at(-1)!.query).toEqual({
      start: ['2020-01-01T05:00:00Z'],
      end: ['2100-01-01T00:00:00Z'],
      stage_number: ['3'],
      state: ['frac'],
    });
    expect(stages.every((s) => s.stage_number === 3 && s.state.startsWith('frac'))).toBe(true);
  });

  it('filters measurement sources to those attached to the site', async () => {
    const rs = client();
    const padSources = await rs.pad(697).getMeasurementSourcesMetadata();
    const siteSources = await rs.site(1111).getMeasurementSourcesMetadata();
    for (const [category, sources] of Object.entries(siteSources)) {
      expect(sources.every((s) => s.attached_sites?.includes(1111))).toBe(true);
      const expected = (padSources[category] ?? []).filter((s) => s.attached_sites?.includes(1111));
      expect(sources).toEqual(expected);
    }
  });

  it('reads fields and aggregation descriptions and creates parameters', async () => {
    const rs = client();
    const site = rs.site(1111);
    const fields = await site.getFieldsMetadata();
    expect(fields.length).toBeGreaterThan(10);
    expect(fields[0]).toHaveProperty('name');
    const descriptions = await rs.pad(697).getStagesAggregationsDescriptions();
    expect(descriptions.length).toBeGreaterThan(0);
    expect(descriptions.find((d) => d.created_at !== undefined)?.created_at).toBeInstanceOf(Date);
    const created = await rs.pad(697).createPadParameters([
      { name: 'avg_test_rate', description: 'test', config: { field: 'slurry_rate', aggregation: 'average', si_unit: 'm3/min', base_unit: 'bbl/min', imperial_unit: 'bbl/min' } },
    ]);
    expect(created[0]!.name).toBe('avg_test_rate');
    const post = apiRequests().at(-1)!;
    expect(post.method).toBe('POST');
    expect(post.body).toEqual([expect.objectContaining({ name: 'avg_test_rate' })]);
  });
});

describe('validation before any request', () => {
  const cases: Array<[string, (rs: Restream) => unknown, string]> = [
    ['a zero id', (rs) => rs.site(0), 'id'],
    ['a fractional id', (rs) => rs.sites.get(1.5), 'id'],
    ['a time without offset', (rs) => rs.site(1).getStagesMetadata({ start: '2025-05-16T10:00:00' }), 'start'],
    ['an unparseable time', (rs) => rs.site(1).getStagesMetadata({ end: 'tomorrow' }), 'end'],
    ['a stage number without a filter', (rs) => rs.site(1).getStagesMetadata({ stageNumber: 4 }), 'stageNumber'],
    ['an unknown stage filter', (rs) => rs.site(1).getStagesMetadata({ stageNameFilter: 'fracking' as never }), 'stageNameFilter'],
    ['an unknown option', (rs) => rs.site(1).getStagesMetadata({ stage_number: 4 } as never), 'stage_number'],
    ['an unknown list filter', (rs) => rs.pads.list({ fleet: 'x' } as never), 'fleet'],
    ['a bad list filter value', (rs) => rs.sites.list({ pad__id: -3 } as never), 'pad__id'],
    ['an empty parameters list', (rs) => rs.pad(1).createPadParameters([]), 'parameters'],
    ['an unknown state filter', (rs) => rs.pad(1).getStates({ stageNameFilter: 'x' as never }), 'stageNameFilter'],
  ];
  it.each(cases)('rejects %s with a ValidationError naming the parameter', async (_name, call, parameter) => {
    const rs = client();
    let error: unknown;
    try {
      await call(rs);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).parameter).toBe(parameter);
    expect(mock.requests).toHaveLength(0);
  });

  it('rejects unknown client options and bad hosts', () => {
    expect(() => new Restream({ clientid: 'x' } as never)).toThrow(ValidationError);
    expect(() => new Restream({ host: 'not a url' })).toThrow(/host/);
    expect(() => new Restream({ retry: { attempts: 0 } })).toThrow(/retry/);
  });
});
