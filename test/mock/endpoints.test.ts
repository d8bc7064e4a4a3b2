import { assertValidResponse, validateQuery } from '../helpers/contract';
import { startTestMock, V1, type TestMock } from './support';

interface Pad {
  id: number;
  simops_config: { measurement_sources: { frac: Array<{ attached_sites: number[] }> } } | null;
}
interface Site {
  id: number;
  pad_id: number;
  well_api: string | null;
  fleet_id: number | null;
  fleet_name: string | null;
}
interface State {
  id: number;
  site: { id: number };
  current_state: string;
}
interface Stage {
  id?: number;
  site: number;
  state: string;
  stage_number: number;
  start: string;
  end: string | null;
}
interface DataChange {
  id: number;
  site: number;
  start_date: string;
  end_date: string;
}

describe('mock server: REST endpoints', () => {
  let t: TestMock;
  beforeAll(async () => {
    t = await startTestMock();
  });
  afterAll(() => t.mock.close());

  /** GET, expect 200 and a body that validates against the contract; returns the body. */
  async function okGet<T>(path: string): Promise<T> {
    expect(validateQuery('GET', path)).toEqual({ valid: true, errors: '' });
    const res = await t.get(path);
    const body = (await res.json()) as T;
    expect(res.status).toBe(200);
    assertValidResponse('GET', path, 200, body, { contentType: res.headers.get('content-type') ?? undefined });
    return body;
  }

  it('exposes the demo ids', () => {
    expect(t.mock.ids).toEqual({ pads: [697, 702, 705], sites: [1111, 1112, 1113, 1201, 1202, 1301], demoPad: 697, demoSites: [1111, 1112, 1113] });
  });

  describe('pads', () => {
    it('lists pads and gets one', async () => {
      const pads = await okGet<Pad[]>(`${V1}/pads/`);
      expect(pads.map((p) => p.id)).toEqual([697, 702, 705]);
      const pad = await okGet<Pad>(`${V1}/pads/697/`);
      expect(pad.simops_config?.measurement_sources.frac[0]?.attached_sites).toEqual([1111, 1112, 1113]);
    });

    it('filters pads', async () => {
      const ids = async (query: string): Promise<number[]> => (await okGet<Pad[]>(`${V1}/pads/?${query}`)).map((p) => p.id);
      expect(await ids('fleet_name=Atreides')).toEqual([697]);
      expect(await ids('fleet_name=Harkonnen')).toEqual([702]);
      expect(await ids('fleet_name=Nobody')).toEqual([]);
      expect(await ids('fleet_id=41')).toEqual([702]);
      expect(await ids('site_pk=1301')).toEqual([705]);
      expect(await ids('complete=true')).toEqual([705]);
      expect(await ids('complete=false')).toEqual([697, 702]);
      const site = await okGet<Site>(`${V1}/sites/1113/`);
      expect(await ids(`well_api=${site.well_api}`)).toEqual([697]);
    });
  });

  describe('sites', () => {
    it('lists sites and gets one with its fleet', async () => {
      const sites = await okGet<Site[]>(`${V1}/sites/`);
      expect(sites.map((s) => s.id)).toEqual([1111, 1112, 1113, 1201, 1202, 1301]);
      expect(sites.find((s) => s.id === 1301)).toMatchObject({ well_api: null, fleet_id: null, fleet_name: null });
      const site = await okGet<Site>(`${V1}/sites/1112/`);
      expect(site).toMatchObject({ id: 1112, pad_id: 697, fleet_id: 36, fleet_name: 'Atreides' });
    });

    it('filters sites', async () => {
      const ids = async (query: string): Promise<number[]> => (await okGet<Site[]>(`${V1}/sites/?${query}`)).map((s) => s.id);
      expect(await ids('pad__id=697')).toEqual([1111, 1112, 1113]);
      expect(await ids('pad_pk=702')).toEqual([1201, 1202]);
      expect(await ids('fleet_name=Harkonnen')).toEqual([1201, 1202]);
      expect(await ids('fleet_id=36&pad__id=697')).toEqual([1111, 1112, 1113]);
      expect(await ids('complete=true')).toEqual([1111, 1301]);
    });
  });

  describe('states', () => {
    it('lists states; a site without a configured state has no entry', async () => {
      const states = await okGet<State[]>(`${V1}/states/?pad__id=697`);
      expect(states.map((s) => s.site.id).sort()).toEqual([1111, 1112]);
      expect(await okGet<State[]>(`${V1}/states/?site__id=1113`)).toEqual([]);
      const one = await okGet<State[]>(`${V1}/states/?site__id=1112`);
      expect(one).toHaveLength(1);
      expect(one[0]?.site.id).toBe(1112);
      const byId = await okGet<State>(`${V1}/states/${one[0]!.id}/`);
      expect(byId).toEqual(one[0]);
    });

    it('filters states by current stage name', async () => {
      const all = await okGet<State[]>(`${V1}/states/`);
      for (const name of ['frac', 'wl', 'standby']) {
        const matching = await okGet<State[]>(`${V1}/states/?current_state_search=${name}`);
        expect(matching.map((s) => s.id)).toEqual(all.filter((s) => s.current_state.includes(name)).map((s) => s.id));
      }
    });

    it('reports the state the timeline is in at the mock clock', async () => {
      const [state] = await okGet<State[]>(`${V1}/states/?site__id=1112`);
      const history = await okGet<Stage[]>(`${V1}/sites/1112/history/`);
      const current = history.find((s) => s.end === null)!;
      expect(state?.current_state).toBe(current.state);
    });
  });

  describe.each(['pads/697', 'sites/1112'])('%s sub-resources', (resource) => {
    const base = (): string => `${V1}/${resource}`;

    it('fields', async () => {
      const fields = await okGet<Array<{ name: string; si_unit: string | null }>>(`${base()}/fields/`);
      expect(fields.length).toBeGreaterThanOrEqual(50);
      expect(fields.map((f) => f.name)).toContain('M1_surface_treating_pressure');
    });

    it('history: back-to-back stages, newest first, the latest in progress', async () => {
      const stages = await okGet<Stage[]>(`${base()}/history/`);
      const site = stages.filter((s) => s.site === 1112);
      expect(site.length).toBeGreaterThan(150);
      expect(site[0]).toMatchObject({ end: null });
      expect(site[0]).not.toHaveProperty('id');
      expect(site.slice(1).every((s) => typeof s.id === 'number' && s.end !== null)).toBe(true);
      for (let i = 1; i < site.length; i++) expect(site[i]!.end).toBe(site[i - 1]!.start);
      expect(new Set(site.map((s) => s.state))).toEqual(new Set(['frac_frac', 'wl_runinhole', 'standby_standby']));
      expect(site[site.length - 1]!.stage_number).toBe(1);
    });

    it('history filters: state, stage_number, start/end overlap', async () => {
      const all = (await okGet<Stage[]>(`${base()}/history/`)).filter((s) => s.site === 1112);
      const frac = await okGet<Stage[]>(`${base()}/history/?state=frac`);
      expect(frac.length).toBeGreaterThan(10);
      expect(frac.every((s) => s.state === 'frac_frac')).toBe(true);
      const five = await okGet<Stage[]>(`${base()}/history/?stage_number=5`);
      expect(five.filter((s) => s.site === 1112).map((s) => s.id)).toEqual(all.filter((s) => s.stage_number === 5).map((s) => s.id));
      const pick = all[40]!;
      const window = await okGet<Stage[]>(`${base()}/history/?start=${pick.start}&end=${pick.start}`);
      // Stages ending at or after `start` and starting at or before `end`: the one starting there and the one ending there.
      expect(window.filter((s) => s.site === 1112).map((s) => s.id)).toEqual([pick.id, all[41]!.id]);
    });

    it('aggregations for requested stage ids', async () => {
      const frac = (await okGet<Stage[]>(`${base()}/history/?state=frac`)).filter((s) => s.site === 1112).slice(0, 3);
      const query = frac.map((s) => `histories=${s.id}`).join('&');
      const agg = await okGet<Record<string, unknown>>(`${base()}/aggregations/?${query}`);
      expect(Object.keys(agg)).toEqual(['1112']);
      const rows = agg['1112'] as Array<Record<string, number | null>>;
      expect(rows.map((r) => r.id)).toEqual(frac.map((s) => s.id));
      expect(Object.keys(rows[0]!).length).toBeGreaterThan(30);
      expect(rows[0]!.avg_bottomhole_pressure).toBeNull();
      expect(typeof rows[0]!.avg_slurry_rate).toBe('number');
    });

    it('parameters GET and POST', async () => {
      const before = await okGet<Array<{ name: string }>>(`${base()}/parameters/`);
      expect(before.length).toBeGreaterThanOrEqual(20);
      const item = {
        name: `avg_custom_${resource.replace('/', '_')}`,
        description: 'made by a test',
        config: { field: 'M1_slurry_rate', aggregation: 'average', si_unit: 'm^3/min', base_unit: 'm^3/min', imperial_unit: 'bpm' },
      };
      const res = await t.post(`${base()}/parameters/`, [item]);
      expect(res.status).toBe(201);
      const created = (await res.json()) as Array<{ id: number; name: string }>;
      assertValidResponse('POST', `${base()}/parameters/`, 201, created);
      expect(created).toEqual([expect.objectContaining({ name: item.name, description: 'made by a test', config: item.config })]);
      const after = await okGet<Array<{ id: number; name: string }>>(`${base()}/parameters/`);
      expect(after).toHaveLength(before.length + 1);
      expect(after[after.length - 1]).toEqual(created[0]);

      const duplicate = await t.post(`${base()}/parameters/`, [item]);
      expect(duplicate.status).toBe(400);
      const invalid = await t.post(`${base()}/parameters/`, [{ name: 'x', config: { field: 'y' } }]);
      expect(invalid.status).toBe(400);
      expect(((await invalid.json()) as { detail: string }).detail).toContain('config.aggregation');
    });

    it('data', async () => {
      const path = `${base()}/data/?start_datetime=2025-10-08%2010:00:00&end_datetime=2025-10-08%2010:00:09`;
      const rows = await okGet<Array<Record<string, unknown>>>(path);
      expect(rows.length).toBe(10);
    });

    it('data_changes GET', async () => {
      const body = await okGet<{ change_log: DataChange[] }>(`${base()}/data_changes/`);
      expect(body.change_log.length).toBeGreaterThanOrEqual(6);
      expect(body.change_log.every((c) => (resource.startsWith('sites') ? c.site === 1112 : [1111, 1112, 1113].includes(c.site)))).toBe(true);
    });
  });

  it('aggregations: a site without configured aggregations answers with an error text', async () => {
    const agg = await okGet<Record<string, unknown>>(`${V1}/pads/697/aggregations/?state=frac&stage_number=3`);
    expect(Object.keys(agg).sort()).toEqual(['1111', '1112', '1113']);
    expect(typeof agg['1111']).toBe('string');
    expect(Array.isArray(agg['1112'])).toBe(true);
    // Without `histories` every completed stage matching the filters comes.
    expect((agg['1113'] as unknown[]).length).toBe(1);
  });

  it('data_changes POST marks changes received: GET no longer returns them', async () => {
    const path = `${V1}/sites/1113/data_changes/`;
    const before = (await okGet<{ change_log: DataChange[] }>(path)).change_log;
    const confirm = before.slice(0, 2).map((c) => ({ id: c.id, update_received: true }));
    const res = await t.post(path, { change_log: confirm });
    expect(res.status).toBe(200);
    assertValidResponse('POST', path, 200, await res.json());
    const after = (await okGet<{ change_log: DataChange[] }>(path)).change_log;
    expect(after.map((c) => c.id)).toEqual(before.slice(2).map((c) => c.id));
    const viaPad = (await okGet<{ change_log: DataChange[] }>(`${V1}/pads/697/data_changes/`)).change_log;
    expect(viaPad.some((c) => confirm.some((r) => r.id === c.id))).toBe(false);

    expect((await t.post(path, { change_log: [{ id: 'x' }] })).status).toBe(400);
    expect((await t.post(path, {})).status).toBe(400);
  });

  it('data changes overlap and touch, for interval-merging clients', async () => {
    const changes = (await okGet<{ change_log: DataChange[] }>(`${V1}/sites/1112/data_changes/`)).change_log;
    const spans = changes.map((c) => [Date.parse(c.start_date), Date.parse(c.end_date)] as const).sort((a, b) => a[0] - b[0]);
    const overlaps = spans.some((s, i) => i > 0 && s[0] < spans[i - 1]![1]);
    const touches = spans.some((s, i) => i > 0 && s[0] === spans[i - 1]![1]);
    expect(overlaps).toBe(true);
    expect(touches).toBe(true);
    expect(changes.some((c) => /\.\d{6}Z$/.test(c.end_date))).toBe(true);
  });

  describe('errors', () => {
    it.each([
      `${V1}/pads/999/`,
      `${V1}/sites/999/`,
      `${V1}/states/999/`,
      `${V1}/pads/999/history/`,
      `${V1}/sites/999/data/`,
      `${V1}/sites/999/data_changes/`,
    ])('unknown id: %s → 404', async (path) => {
      const res = await t.get(path);
      expect(res.status).toBe(404);
      const body = await res.json();
      expect(body).toEqual({ detail: 'Not found.' });
      assertValidResponse('GET', path, 404, body);
    });

    it.each([`${V1}/wells/`, `${V1}/pads/abc/`, `${V1}/pads/697`, '/external/thirdparty/v2/pads/'])('unknown path: %s → 404', async (path) => {
      expect((await t.get(path)).status).toBe(404);
    });

    it('405 for a known path with another method', async () => {
      expect((await t.post(`${V1}/pads/`, {})).status).toBe(405);
    });

    it.each([
      `${V1}/pads/?fleet_id=abc`,
      `${V1}/pads/?complete=maybe`,
      `${V1}/states/?current_state_search=fracking`,
      `${V1}/pads/697/history/?start=2025-10-01`,
      `${V1}/pads/697/history/?state=drilling`,
      `${V1}/pads/697/aggregations/?histories=1,2`,
    ])('bad filter value: %s → 400 {detail}', async (path) => {
      const res = await t.get(path);
      expect(res.status).toBe(400);
      expect(await res.json()).toEqual({ detail: expect.any(String) });
    });
  });
});
