/**
 * Resuming broken downloads against the embedded mock server, in the API's row order (pad rows grouped by
 * site, then time) and in time order: a cut inside each site's block, routed and not, at raw and coarse
 * resolution, read every way (`for await`, `batches()`, `rawBatches()`) and saved in every format, and
 * through `rs.export` and data changes. Every result is compared with the same download uncut: the same
 * rows, each once, in the same order (saved files byte for byte, a JSON array by what it parses to).
 */
import { mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMockServer, type MockServer } from '../../src/mock';
import { Restream, type Data } from '../../src';
import type { Row } from '../../src/data/stream';
import type { DataFilters } from '../../src/data/filters';

const V1 = '/external/thirdparty/v1';
const PAD_DATA = `${V1}/pads/697/data/`;
const siteData = (site: number) => `${V1}/sites/${site}/data/`;
const SEPARATOR = '},\n{';

let grouped: MockServer; // pads' rows grouped by site, then time: the API's order (the mock's default)
let timeOrdered: MockServer;
let dir: string;

beforeAll(async () => {
  [grouped, timeOrdered] = await Promise.all([startMockServer({ seed: 3 }), startMockServer({ seed: 3, padRowOrder: 'time' })]);
});
afterAll(async () => {
  await Promise.all([grouped.close(), timeOrdered.close()]);
});
beforeEach(async () => {
  for (const m of [grouped, timeOrdered]) {
    m.faults.reset();
    m.clearRequests();
  }
  dir = await mkdtemp(path.join(tmpdir(), 'restream-resume-'));
});
afterEach(async () => {
  await Promise.all([grouped.whenIdle(), timeOrdered.whenIdle()]);
  await rm(dir, { recursive: true, force: true });
});

function client(server: MockServer): Restream {
  return new Restream({ host: server.url, clientId: server.clientId, clientSecret: server.clientSecret, retry: { baseDelayMs: 1, maxDelayMs: 5 }, env: {} });
}

const dataRequests = (server: MockServer) => server.requests.filter((r) => r.path.endsWith('/data/'));

/** The body the API sends for a query, fetched directly (no SDK). */
async function directBody(server: MockServer, pathname: string, query: Record<string, string>): Promise<string> {
  const url = new URL(pathname, server.url);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, { headers: { Authorization: `Bearer ${server.issueToken()}` } });
  expect(res.status).toBe(200);
  return res.text();
}

const spaced = (iso: string): string => iso.replace('T', ' ').replace('Z', '');

interface Case {
  server: () => MockServer;
  filters: DataFilters & { startDatetime: string; endDatetime: string };
  /** The same query as the API spells it, to fetch the uncut body directly. */
  query: Record<string, string>;
}

const RAW = { startDatetime: '2025-10-01T00:00:00Z', endDatetime: '2025-10-01T00:04:59Z' };
const COARSE = { startDatetime: '2025-10-01T00:00:00Z', endDatetime: '2025-10-01T00:29:59Z' };
// Long enough that a raw read has handed out a batch (128 KiB of the API's small real-shaped rows) before
// the cut in the middle, so the resume point shows.
const RAW_LONG = { startDatetime: '2025-10-01T00:00:00Z', endDatetime: '2025-10-01T00:29:59Z' };
const queryOf = (w: { startDatetime: string; endDatetime: string }, extra: Record<string, string> = {}) => ({
  start_datetime: spaced(w.startDatetime),
  end_datetime: spaced(w.endDatetime),
  ...extra,
});

const CASES: Record<string, Case> = {
  'routed pad data, grouped by site': { server: () => grouped, filters: { ...RAW, isRouted: true }, query: queryOf(RAW, { routed: 'true' }) },
  'unrouted pad data': { server: () => grouped, filters: RAW, query: queryOf(RAW) },
  'routed pad data at ten-second resolution, grouped by site': {
    server: () => grouped,
    filters: { ...COARSE, isRouted: true, resolution: 'ten-second', aggregation: 'max' },
    query: queryOf(COARSE, { routed: 'true', resolution: 'ten-second', agg: 'max' }),
  },
  'routed pad data in time order': { server: () => timeOrdered, filters: { ...RAW_LONG, isRouted: true }, query: queryOf(RAW_LONG, { routed: 'true' }) },
};

interface Body {
  text: string;
  rowTexts: string[];
  rows: Row[];
  /** Byte offset of each row's `{` in the body. */
  starts: number[];
  /** Runs of consecutive rows of one site: its blocks in the API's order, single rows in time order. */
  blocks: Array<{ site: unknown; first: number; last: number }>;
}

function parseBody(text: string): Body {
  const rowTexts = text.slice(2, -2).split(SEPARATOR).map((r) => `{${r}}`);
  const rows = rowTexts.map((r) => JSON.parse(r) as Row);
  const starts: number[] = [];
  let at = 1;
  for (const r of rowTexts) {
    starts.push(at);
    at += Buffer.byteLength(r) + 2; // the row, then `,\n`
  }
  const blocks: Body['blocks'] = [];
  rows.forEach((row, i) => {
    const last = blocks[blocks.length - 1];
    if (last && last.site === row.site_id) last.last = i;
    else blocks.push({ site: row.site_id, first: i, last: i });
  });
  return { text, rowTexts, rows, starts, blocks };
}

/**
 * Where to cut the body inside each site's block: in the middle of the block's middle row. In time order,
 * where every "block" is one row, inside each site's row of the middle timestamp.
 */
function cutsInsideEachSite(body: Body): Array<{ site: unknown; offset: number; row: number }> {
  let blocks = body.blocks;
  if (blocks.length > new Set(blocks.map((b) => b.site)).size) {
    const middle = body.rows[body.rows.length >> 1]!.timestamp;
    blocks = blocks.filter((b) => body.rows[b.first]!.timestamp === middle);
  }
  return blocks.map(({ site, first, last }) => {
    const row = (first + last) >> 1;
    return { site, row, offset: body.starts[row]! + (Buffer.byteLength(body.rowTexts[row]!) >> 1) };
  });
}

const READS: Record<string, (data: Data) => Promise<{ rows: Row[]; texts?: string[] }>> = {
  'for await': async (data) => {
    const rows: Row[] = [];
    for await (const row of data) rows.push(row);
    return { rows };
  },
  'batches()': async (data) => {
    const rows: Row[] = [];
    for await (const batch of data.batches()) rows.push(...batch.rows);
    return { rows };
  },
  'rawBatches()': async (data) => {
    const texts: string[] = [];
    for await (const batch of data.rawBatches()) {
      // The batch's bytes are array content: its rows and their separators, nothing else.
      const content = JSON.parse(`[${batch.bytes.toString()}]`) as Row[];
      expect(content).toHaveLength(batch.count);
      for (let i = 0; i < batch.count; i++) texts.push(batch.bytes.toString('utf8', batch.spans[2 * i], batch.spans[2 * i + 1]));
    }
    return { rows: texts.map((t) => JSON.parse(t) as Row), texts };
  },
};

const FORMATS = ['json', 'ndjson', 'csv', 'parquet'] as const;

/** What the uncut download gives, per case: the body, and each format's file. */
const uncut = new Map<string, { body: Body; files: Map<string, Buffer> }>();

async function uncutOf(name: string): Promise<{ body: Body; files: Map<string, Buffer> }> {
  let known = uncut.get(name);
  if (!known) {
    const c = CASES[name]!;
    const body = parseBody(await directBody(c.server(), PAD_DATA, c.query));
    const files = new Map<string, Buffer>();
    for (const format of FORMATS) {
      const file = path.join(dir, `uncut.${format}`);
      await client(c.server()).pad(697).getData(c.filters).save(file);
      files.set(format, await readFile(file));
      await rm(file);
    }
    known = { body, files };
    uncut.set(name, known);
    c.server().clearRequests();
  }
  return known;
}

/** Checks the requests: one cut, then a resume from the original start (grouped) or a delivered row's timestamp. */
function expectResumedRequests(name: string, body: Body, cutRow: number): void {
  const c = CASES[name]!;
  const requests = dataRequests(c.server());
  expect(requests).toHaveLength(2);
  expect(requests.map((r) => r.aborted)).toEqual([true, false]);
  const from = requests[1]!.query.start_datetime?.[0];
  if (name.includes('time order') || body.rows.every((row) => row.site_id === undefined)) {
    // Time order (rows without site_id are one site's): from the last delivered row's timestamp, as cheap
    // as a single site's resume (raw reads hand rows out in large batches: the last one delivered may be
    // some way before the cut).
    const fromSeconds = Date.parse(`${from!.replace(' ', 'T')}Z`) / 1000;
    expect(fromSeconds).toBeGreaterThan(body.rows[0]!.timestamp);
    expect(fromSeconds).toBeLessThanOrEqual(body.rows[cutRow - 1]!.timestamp);
  } else {
    // Grouped by site: from the original start, since sites after the current one start there again.
    expect(from).toBe(c.query.start_datetime);
  }
}

/** Cuts the case's download inside each site's block in turn (one download per block), checking each. */
async function eachCut(name: string, check: (body: Body, cut: { site: unknown; row: number }) => Promise<void>): Promise<void> {
  const { body } = await uncutOf(name);
  const c = CASES[name]!;
  const cuts = cutsInsideEachSite(body);
  expect(cuts.length).toBe(new Set(body.rows.map((r) => r.site_id)).size);
  for (const cut of cuts) {
    c.server().clearRequests();
    c.server().faults.cutStream({ path: PAD_DATA, afterBytes: cut.offset, times: 1 });
    await check(body, cut);
    expectResumedRequests(name, body, cut.row);
  }
}

describe.each(Object.keys(CASES))('%s, cut inside each site\'s block in turn', (name) => {
  const c = CASES[name]!;

  it.each(Object.keys(READS))('%s gives every row once, as uncut', async (read) => {
    await eachCut(name, async (body) => {
      const got = await READS[read]!(client(c.server()).pad(697).getData(c.filters));
      expect(got.rows).toEqual(body.rows);
      if (got.texts) expect(got.texts).toEqual(body.rowTexts);
    });
  });

  it.each(FORMATS)('.%s save is the uncut save', async (format) => {
    const { files } = await uncutOf(name);
    await eachCut(name, async (body) => {
      const file = path.join(dir, `cut.${format}`);
      const result = await client(c.server()).pad(697).getData(c.filters).save(file, { overwrite: true });
      expect(result.rows).toBe(body.rows.length);
      const saved = await readFile(file);
      // A JSON array keeps the API's bytes for each row; the separators of rows kept from a resumed answer's
      // first batch may differ (`, ` for `,\n`), so it is compared as what it parses to.
      if (format === 'json') expect(JSON.parse(saved.toString())).toEqual(JSON.parse(files.get(format)!.toString()));
      else expect(saved.equals(files.get(format)!)).toBe(true);
      expect(await readdir(dir)).toEqual([`cut.${format}`]);
    });
  });
});

describe('several cuts in one download', () => {
  it.each(['routed pad data, grouped by site', 'routed pad data in time order'])('%s: a cut inside every site\'s block, one after the other', async (name) => {
    const { body, files } = await uncutOf(name);
    const c = CASES[name]!;
    const cuts = cutsInsideEachSite(body);
    if (name.includes('time order')) {
      // Each re-request starts at the last delivered timestamp; cut inside the next site's row of the middle
      // timestamp t in each answer: 1111's (the first answer), then 1112's (the answer from t - 1, whose
      // rows at t - 1 were delivered), then 1113's (the answer from t).
      const t = body.rows[cuts[0]!.row]!.timestamp;
      const from = (ts: number) => ({ ...c.query, start_datetime: spaced(new Date(ts * 1000).toISOString().slice(0, 19)) });
      const second = parseBody(await directBody(c.server(), PAD_DATA, from(t - 1)));
      const third = parseBody(await directBody(c.server(), PAD_DATA, from(t)));
      const inside = (b: Body, i: number) => b.starts[i]! + (Buffer.byteLength(b.rowTexts[i]!) >> 1);
      expect([second.rows[4], third.rows[2]].map((r) => [r!.timestamp, r!.site_id])).toEqual([[t, 1112], [t, 1113]]);
      for (const afterBytes of [cuts[0]!.offset, inside(second, 4), inside(third, 2)]) c.server().faults.cutStream({ path: PAD_DATA, afterBytes, times: 1 });
      c.server().clearRequests();
    } else {
      // Each re-request starts over, so the next cut, further into the body, falls in the next site's block.
      for (const cut of cuts) c.server().faults.cutStream({ path: PAD_DATA, afterBytes: cut.offset, times: 1 });
    }
    const file = path.join(dir, 'cut.ndjson');
    await client(c.server()).pad(697).getData(c.filters).save(file);
    expect((await readFile(file)).equals(files.get('ndjson')!)).toBe(true);
    expect(dataRequests(c.server()).map((r) => r.aborted)).toEqual([true, true, true, false]);
  });
});

describe('through rs.export (one download per site)', () => {
  const window = { startDatetime: '2025-10-01T00:00:00Z', endDatetime: '2025-10-01T00:29:59Z' };

  async function exportFiles(root: string): Promise<Map<string, Buffer>> {
    const out = new Map<string, Buffer>();
    for (const site of (await readdir(root)).filter((f) => f.startsWith('site-'))) {
      for (const f of await readdir(path.join(root, site))) out.set(`${site}/${f}`, await readFile(path.join(root, site, f)));
    }
    return out;
  }

  it.each(FORMATS)('.%s: each site cut inside its download, every file as uncut', async (format) => {
    const rs = client(grouped);
    await rs.export({ pads: [697], ...window, format, dir: path.join(dir, 'uncut') });
    const expected = await exportFiles(path.join(dir, 'uncut'));
    expect(expected.size).toBe(3);
    for (const site of [1111, 1112, 1113]) {
      const body = await directBody(grouped, siteData(site), queryOf(window));
      grouped.faults.cutStream({ path: siteData(site), afterBytes: Buffer.byteLength(body) >> 1, times: 1 });
    }
    grouped.clearRequests();
    const summary = await rs.export({ pads: [697], ...window, format, dir: path.join(dir, 'cut') });
    expect(summary.rows).toBe(3 * 1800);
    const got = await exportFiles(path.join(dir, 'cut'));
    expect([...got.keys()].sort()).toEqual([...expected.keys()].sort());
    for (const [file, bytes] of expected) {
      if (format === 'json') expect(JSON.parse(got.get(file)!.toString())).toEqual(JSON.parse(bytes.toString()));
      else expect([file, got.get(file)!.equals(bytes)]).toEqual([file, true]);
    }
    const requests = dataRequests(grouped);
    expect(requests.filter((r) => r.aborted)).toHaveLength(3);
    expect(requests).toHaveLength(6);
  });
});

describe("through data changes (pad.getDataChanges()'s data)", () => {
  it('each site cut inside its first download: every row once, as uncut, read and saved', async () => {
    const rs = client(grouped);
    // A few fields: the changes span hours of several sites.
    const { data } = await rs.pad(697).getDataChanges({ fields: ['tds', 'slurry_ph_flowing', 'upper_master_valve'] });
    const expectedRows = await data.toArray();
    const expectedFile = path.join(dir, 'uncut.csv');
    await data.save(expectedFile);
    const sites = [...new Set(data.requests.map((r) => r.id))];
    expect(sites.length).toBeGreaterThan(1);

    const cutEach = async (): Promise<void> => {
      for (const site of sites) {
        const first = data.requests.find((r) => r.id === site)!;
        const body = await directBody(grouped, siteData(site), first.query as Record<string, string>);
        grouped.faults.cutStream({ path: siteData(site), afterBytes: Buffer.byteLength(body) >> 1, times: 1 });
      }
    };
    await cutEach();
    grouped.clearRequests();
    expect(await data.toArray()).toEqual(expectedRows);
    expect(dataRequests(grouped).filter((r) => r.aborted)).toHaveLength(sites.length);

    await cutEach();
    const file = path.join(dir, 'cut.csv');
    await data.save(file);
    expect((await readFile(file)).equals(await readFile(expectedFile))).toBe(true);
  });
});
