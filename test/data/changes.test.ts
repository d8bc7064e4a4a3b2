import { startMockServer, type MockServer } from '../../src/mock';
import { DataChange, Restream, ValidationError } from '../../src';
import { mergeRanges } from '../../src/models/data-change';

let mock: MockServer;

beforeEach(async () => {
  mock = await startMockServer({ seed: 5 });
});
afterEach(async () => {
  await mock.close();
});

const client = () => new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {}, retry: { baseDelayMs: 1 } });
const seconds = (d: Date) => Math.floor(d.getTime() / 1000);
const parseDataTime = (s: string) => Date.parse(s.replace(' ', 'T') + 'Z') / 1000;

describe('mergeRanges', () => {
  it('merges overlapping, touching and adjacent ranges, keeps gaps', () => {
    expect(
      mergeRanges([
        { start: 50, end: 60 },
        { start: 0, end: 10 },
        { start: 5, end: 20 },
        { start: 20, end: 30 },
        { start: 31, end: 40 },
        { start: 42, end: 45 },
      ]),
    ).toEqual([
      { start: 0, end: 40 },
      { start: 42, end: 45 },
      { start: 50, end: 60 },
    ]);
  });
});

describe('data changes', () => {
  it('reads the log and plans one request per site and merged range', async () => {
    const { changes, data } = await client().pad(697).getDataChanges();
    expect(changes.length).toBeGreaterThan(2);
    expect(changes[0]).toBeInstanceOf(DataChange);
    expect(changes[0]!.start_date).toBeInstanceOf(Date);
    expect(changes[0]!.parent).toEqual({ kind: 'pad', id: 697 });

    const requests = data.requests;
    expect(requests.length).toBeLessThan(changes.length); // the mock's intervals overlap and touch
    const bySite = new Map<number, Array<[number, number]>>();
    for (const r of requests) {
      expect(r.kind).toBe('site');
      const range: [number, number] = [parseDataTime(r.query.start_datetime!), parseDataTime(r.query.end_datetime!)];
      bySite.set(r.id, [...(bySite.get(r.id) ?? []), range]);
    }
    for (const [site, ranges] of bySite) {
      // Non-overlapping, with a gap between consecutive ranges.
      ranges.forEach((r, i) => i > 0 && expect(r[0]).toBeGreaterThan(ranges[i - 1]![1] + 1));
      // Every change of the site is inside one range; every range edge is some change's edge.
      const mine = changes.filter((c) => c.site === site);
      for (const c of mine) {
        expect(ranges.some(([s, e]) => s <= seconds(c.start_date) && seconds(c.end_date) <= e)).toBe(true);
      }
      for (const [s, e] of ranges) {
        expect(mine.some((c) => seconds(c.start_date) === s)).toBe(true);
        expect(mine.some((c) => seconds(c.end_date) === e)).toBe(true);
      }
    }
    expect(mock.requests.filter((r) => r.path.endsWith('/data/'))).toHaveLength(0); // still lazy

    const rows = await data.toArray();
    const expected = requests.reduce((n, r) => n + parseDataTime(r.query.end_datetime!) - parseDataTime(r.query.start_datetime!) + 1, 0);
    expect(rows).toHaveLength(expected);
    expect(mock.requests.filter((r) => r.path.endsWith('/data/'))).toHaveLength(requests.length);
  });

  it('fetches one change’s data and passes data filters on', async () => {
    // 1112: the demo site whose rows carry readings (tds on its full row every 10 s).
    const { changes } = await client().site(1112).getDataChanges();
    const change = changes[0]!;
    const rows = await change.getData({ fields: ['tds'] }).toArray();
    expect(rows).toHaveLength(seconds(change.end_date) - seconds(change.start_date) + 1);
    for (const row of rows) expect(Object.keys(row).sort()).toEqual(row.timestamp % 10 === 0 ? ['site_id', 'tds', 'timestamp'] : ['site_id', 'timestamp']);
    const sent = mock.requests.filter((r) => r.path === `/external/thirdparty/v1/sites/${change.site}/data/`).at(-1)!;
    expect(sent.query.fields).toEqual(['tds']);
    expect(() => change.getData({ startDatetime: '2025-01-01T00:00:00Z' } as never)).toThrow(ValidationError);
  });

  it('confirms one change, which then leaves the log', async () => {
    const rs = client();
    const { changes } = await rs.site(1112).getDataChanges();
    await changes[0]!.confirmDataReceived();
    const post = mock.requests.filter((r) => r.method === 'POST').at(-1)!;
    expect(post.path).toBe('/external/thirdparty/v1/sites/1112/data_changes/');
    expect(post.body).toEqual({ change_log: [{ id: changes[0]!.id, update_received: true }] });
    const after = await rs.site(1112).getDataChanges();
    expect(after.changes.map((c) => c.id)).toEqual(changes.slice(1).map((c) => c.id));
  });

  it('confirms many changes with one request per parent log', async () => {
    const rs = client();
    const fromPad = (await rs.pad(697).getDataChanges()).changes;
    const fromSite = (await rs.site(1201).getDataChanges()).changes;
    mock.clearRequests();
    await rs.confirmDataReceived([...fromPad, ...fromSite]);
    const posts = mock.requests.filter((r) => r.method === 'POST');
    expect(posts).toHaveLength(fromSite.length ? 2 : 1);
    const padPost = posts.find((p) => p.path === '/external/thirdparty/v1/pads/697/data_changes/')!;
    expect((padPost.body as { change_log: Array<{ id: number }> }).change_log.map((c) => c.id).sort()).toEqual(fromPad.map((c) => c.id).sort());
    expect((await rs.pad(697).getDataChanges()).changes).toHaveLength(0);
    await expect(rs.confirmDataReceived([{ id: 1 } as never])).rejects.toThrow(ValidationError);
  });
});
