import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseString } from 'fast-csv';
import { startMockServer, type MockServer } from '../../src/mock';
import { APICompatibilityError, ConnectionError, Restream, ValidationError } from '../../src';
import type { Row } from '../../src/data/stream';
import { prng, randomString } from '../helpers/random-json';

let mock: MockServer;
let dir: string;

const START = '2025-10-01T00:00:00Z';
const END = '2025-10-01T00:59:59Z'; // inclusive: 3600 one-second rows
const SITE_DATA = '/external/thirdparty/v1/sites/1112/data/';
const PAD_DATA = '/external/thirdparty/v1/pads/697/data/';

beforeAll(async () => {
  mock = await startMockServer({ seed: 11 });
});
afterAll(async () => {
  await mock.close();
});
beforeEach(async () => {
  mock.faults.reset();
  mock.clearRequests();
  dir = await mkdtemp(path.join(tmpdir(), 'restream-data-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

function client(retry: { attempts?: number } = {}, server: MockServer = mock): Restream {
  return new Restream({
    host: server.url,
    clientId: server.clientId,
    clientSecret: server.clientSecret,
    retry: { baseDelayMs: 1, maxDelayMs: 5, ...retry },
    env: {},
  });
}

/** The body the API sends for a query, fetched directly (no SDK), as text. */
async function directBody(pathname: string, query: Record<string, string>, server: MockServer = mock): Promise<string> {
  const url = new URL(pathname, server.url);
  for (const [k, v] of Object.entries(query)) url.searchParams.set(k, v);
  const res = await fetch(url, { headers: { Authorization: `Bearer ${server.issueToken()}` } });
  expect(res.status).toBe(200);
  return res.text();
}

const dataRequests = (server: MockServer = mock) => server.requests.filter((r) => r.path.endsWith('/data/'));

describe('getData filters', () => {
  it('is lazy: no request until read', async () => {
    const rs = client();
    const data = rs.site(1112).getData({ startDatetime: START, endDatetime: END });
    expect(mock.requests).toHaveLength(0);
    expect(data.requests).toHaveLength(1);
  });

  it('sends every filter in the API format', async () => {
    const rs = client();
    await rs
      .site(1112)
      .getData({
        startDatetime: '2025-09-30T19:00:00-05:00',
        endDatetime: new Date('2025-10-01T00:09:59Z'),
        fields: ['slurry_ph_flowing', 'tds'],
        resolution: 'minute',
        aggregation: 'max',
        siUnits: true,
        stageNumber: 2,
        stageNameFilter: 'frac',
        measurementSources: ['M1', 'M2'],
      })
      .toArray();
    expect(dataRequests()[0]!.query).toEqual({
      start_datetime: ['2025-10-01 00:00:00'],
      end_datetime: ['2025-10-01 00:09:59'],
      fields: ['slurry_ph_flowing,tds'],
      resolution: ['minute'],
      agg: ['max'],
      si_units: ['true'],
      stage_number: ['2'],
      state_imatch: ['frac'],
      measurement_source: ['M1,M2'],
    });
    expect(dataRequests()[0]!.headers['prefer']).toBe('streaming');

    mock.clearRequests();
    await rs
      .pad(697)
      .getData({ startDatetime: START, endDatetime: '2025-10-01T00:00:09Z', isRouted: true, fillDataMethod: 'ffill', fillDataLimit: 30, insideAreaOnly: true, fields: 'tds' })
      .toArray();
    expect(dataRequests()[0]!.query).toMatchObject({
      routed: ['true'],
      fill_data_method: ['ffill'],
      fill_data_limit: ['30'],
      inside_area_only: ['true'],
      fields: ['tds'],
    });
  });

  const invalid: Array<[string, object, string, 'site' | 'pad']> = [
    ['a time without offset', { startDatetime: '2025-10-01 00:00:00' }, 'startDatetime', 'site'],
    ['end before start', { startDatetime: END, endDatetime: START }, 'endDatetime', 'site'],
    ['an unknown resolution', { resolution: 'second' }, 'resolution', 'site'],
    ['aggregation at raw resolution', { aggregation: 'mean' }, 'aggregation', 'site'],
    ['a stage number alone', { stageNumber: 3 }, 'stageNumber', 'site'],
    ['isRouted on a site', { isRouted: true }, 'isRouted', 'site'],
    ['a pad stage number without routing', { stageNumber: 3, stageNameFilter: 'frac' }, 'stageNumber', 'pad'],
    ['fill at a coarse resolution', { resolution: 'minute', fillDataMethod: 'ffill' }, 'fillDataMethod', 'site'],
    ['a fill limit without a method', { fillDataLimit: 10 }, 'fillDataLimit', 'site'],
    ['a fill method without a limit', { fillDataMethod: 'ffill' }, 'fillDataLimit', 'site'],
    ['a routed pad fill method without a limit', { isRouted: true, fillDataMethod: 'bfill', insideAreaOnly: true }, 'fillDataLimit', 'pad'],
    ['a zero fill limit', { fillDataMethod: 'bfill', fillDataLimit: 0 }, 'fillDataLimit', 'site'],
    ['insideAreaOnly without a method', { insideAreaOnly: true }, 'insideAreaOnly', 'site'],
    ['an empty field list', { fields: [] }, 'fields', 'site'],
    ['an unknown option', { start: START }, 'start', 'site'],
  ];
  it.each(invalid)('rejects %s before any request', (_name, filters, parameter, kind) => {
    const rs = client();
    const asset = kind === 'site' ? rs.site(1112) : rs.pad(697);
    let error: unknown;
    try {
      asset.getData(filters as never);
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).parameter).toBe(parameter);
    expect(mock.requests).toHaveLength(0);
  });
});

describe('reading rows', () => {
  it('iterates every row of an hour in order, equal to what the API sent', async () => {
    const rs = client();
    const rows: Row[] = [];
    for await (const row of rs.site(1112).getData({ startDatetime: START, endDatetime: END })) rows.push(row);
    expect(rows).toHaveLength(3600);
    const sent = JSON.parse(await directBody(SITE_DATA, { start_datetime: '2025-10-01 00:00:00', end_datetime: '2025-10-01 00:59:59' }));
    expect(rows).toEqual(sent);
    expect(rows.every((r, i) => i === 0 || r.timestamp > rows[i - 1]!.timestamp)).toBe(true);
  });

  it('offers toArray, toReadable and batches', async () => {
    const rs = client();
    const data = rs.site(1111).getData({ startDatetime: START, endDatetime: '2025-10-01T00:09:59Z', fields: ['tds'] });
    const all = await data.toArray();
    expect(all).toHaveLength(600);
    const viaStream: Row[] = [];
    for await (const row of data.toReadable()) viaStream.push(row as Row);
    expect(viaStream).toEqual(all);
    let batched = 0;
    for await (const batch of data.batches()) batched += batch.rows.length;
    expect(batched).toBe(600);
  });

  it('stops the download when aborted', async () => {
    const rs = client();
    const controller = new AbortController();
    const data = rs.site(1112).getData({ startDatetime: START, endDatetime: '2025-10-30T00:00:00Z', signal: controller.signal });
    let seen = 0;
    const run = (async () => {
      for await (const _row of data) {
        if (++seen === 1000) controller.abort(new Error('enough'));
      }
    })();
    await expect(run).rejects.toThrow('enough');
    await mock.whenIdle();
    expect(mock.inFlight()).toBe(0);
  });
});

describe('resuming broken streams', () => {
  const query = { start_datetime: '2025-10-01 00:00:00', end_datetime: '2025-10-01 00:59:59' };

  /** Byte offsets of interesting places in the body: inside a string, between rows, inside a number. */
  function cutPoints(body: string): Record<string, number> {
    const bytes = Buffer.from(body);
    const at = (s: string, from: number) => Buffer.from(body.slice(0, body.indexOf(s, from))).length;
    const mid = Math.floor(body.length / 2);
    const betweenRows = at('},\n{', mid) + 2;
    const insideString = at('"', mid) + 3;
    const digit = body.slice(mid).search(/\d\.\d{5}/) + mid;
    const insideNumber = Buffer.from(body.slice(0, digit + 3)).length;
    return { early: 7, insideString, betweenRows, insideNumber, beforeClosingBracket: bytes.length - 1 };
  }

  it.each(['early', 'insideString', 'betweenRows', 'insideNumber', 'beforeClosingBracket'])(
    'saves every row exactly once when the stream is cut %s',
    async (where) => {
      const body = await directBody(SITE_DATA, query);
      mock.clearRequests();
      const offset = cutPoints(body)[where]!;
      mock.faults.cutStream({ path: SITE_DATA, afterBytes: offset, times: 1, mode: where === 'beforeClosingBracket' ? 'end' : 'destroy' });
      const file = path.join(dir, 'out.json');
      const result = await client().site(1112).getData({ startDatetime: START, endDatetime: END }).save(file);
      const saved = JSON.parse(await readFile(file, 'utf8'));
      expect(saved).toEqual(JSON.parse(body));
      expect(result.rows).toBe(3600);
      expect(dataRequests().length).toBe(2);
      // A cut before the first complete row re-requests from the start; a later one from the last timestamp.
      const resumedFrom = dataRequests()[1]!.query.start_datetime![0]!;
      if (where === 'early') expect(resumedFrom).toBe('2025-10-01 00:00:00');
      else expect(resumedFrom > '2025-10-01 00:00:00').toBe(true);
    },
  );

  describe("routed pad data in time order (the mock's padRowOrder 'time')", () => {
    let timeOrdered: MockServer;
    beforeAll(async () => {
      timeOrdered = await startMockServer({ seed: 11, padRowOrder: 'time' });
    });
    afterAll(async () => {
      await timeOrdered.close();
    });
    beforeEach(() => {
      timeOrdered.faults.reset();
      timeOrdered.clearRequests();
    });

    it('resumes cut inside a shared timestamp without duplicates, from that timestamp', async () => {
      const body = await directBody(PAD_DATA, { ...query, routed: 'true' }, timeOrdered);
      const sent = JSON.parse(body) as Row[];
      expect(sent.length).toBe(3 * 3600);
      timeOrdered.clearRequests();
      // Cut just after the second row of the timestamp at row 3000 (three rows share each timestamp).
      const rowsText = body.split('},\n{');
      const index = 3000 + 1;
      const offset = Buffer.byteLength(rowsText.slice(0, index + 1).join('},\n{')) + 1;
      expect(sent[index]!.timestamp).toBe(sent[index - 1]!.timestamp);
      timeOrdered.faults.cutStream({ path: PAD_DATA, afterBytes: offset, times: 1 });
      const rows = await client({}, timeOrdered).pad(697).getData({ startDatetime: START, endDatetime: END, isRouted: true }).toArray();
      expect(rows).toEqual(sent);
      expect(dataRequests(timeOrdered)).toHaveLength(2);
      expect(dataRequests(timeOrdered)[1]!.query.start_datetime).toEqual([new Date(sent[index]!.timestamp * 1000).toISOString().slice(0, 19).replace('T', ' ')]);
    });

    it.each(['json', 'ndjson'])('saves, cut inside a shared timestamp, to .%s without duplicates', async (ext) => {
      const body = await directBody(PAD_DATA, { ...query, routed: 'true' }, timeOrdered);
      const sent = JSON.parse(body) as Row[];
      timeOrdered.clearRequests();
      // Cut inside the third row of a timestamp, then again a third of the way into the resumed body.
      const rowsText = body.split('},\n{');
      const offset = Buffer.byteLength(rowsText.slice(0, 6001).join('},\n{')) + 20;
      timeOrdered.faults.cutStream({ path: PAD_DATA, afterBytes: offset, times: 1 });
      timeOrdered.faults.cutStream({ path: PAD_DATA, afterBytes: Math.floor(body.length / 3), times: 1 });
      const file = path.join(dir, `routed.${ext}`);
      const result = await client({}, timeOrdered).pad(697).getData({ startDatetime: START, endDatetime: END, isRouted: true }).save(file);
      const text = await readFile(file, 'utf8');
      const saved = ext === 'json' ? (JSON.parse(text) as Row[]) : text.trimEnd().split('\n').map((l) => JSON.parse(l) as Row);
      expect(saved).toEqual(sent);
      expect(result.rows).toBe(sent.length);
      expect(dataRequests(timeOrdered)).toHaveLength(3);
    });
  });

  it('resumes routed pad data grouped by site (the API\'s order) from the start, without duplicates or losses', async () => {
    const body = await directBody(PAD_DATA, { ...query, routed: 'true' });
    const sent = JSON.parse(body) as Row[];
    expect(sent.slice(0, 3600).every((r) => r.site_id === 1111)).toBe(true);
    mock.clearRequests();
    // Cut in the middle of site 1112's block: 1111's later rows must not come twice, 1113's earlier ones must come.
    const offset = Buffer.byteLength(body.split('},\n{').slice(0, 5401).join('},\n{')) + 20;
    mock.faults.cutStream({ path: PAD_DATA, afterBytes: offset, times: 1 });
    const rows = await client().pad(697).getData({ startDatetime: START, endDatetime: END, isRouted: true }).toArray();
    expect(rows).toEqual(sent);
    expect(dataRequests().map((r) => r.query.start_datetime)).toEqual([[query.start_datetime], [query.start_datetime]]);
  });

  it('survives several breaks in one download', async () => {
    const body = await directBody(SITE_DATA, query);
    mock.clearRequests();
    // Each resumed request is cut again after a third of the body: three breaks, then a short tail.
    mock.faults.cutStream({ path: SITE_DATA, afterBytes: Math.floor(body.length / 3), times: 3 });
    const rows = await client().site(1112).getData({ startDatetime: START, endDatetime: END }).toArray();
    expect(rows).toEqual(JSON.parse(body));
    expect(dataRequests().map((r) => r.aborted)).toEqual([true, true, true, false]);
  });

  it('gives up after the retry attempts, saying how many rows were delivered, leaving no file', async () => {
    mock.faults.cutStream({ path: SITE_DATA, afterBytes: 0, times: 100 });
    const file = path.join(dir, 'out.csv');
    const error = (await client({ attempts: 3 })
      .site(1112)
      .getData({ startDatetime: START, endDatetime: END })
      .save(file)
      .catch((e: unknown) => e)) as ConnectionError;
    expect(error).toBeInstanceOf(ConnectionError);
    expect(error.rowsDelivered).toBe(0);
    expect(error.message).toMatch(/0 row\(s\) were delivered/);
    expect(await readdir(dir)).toEqual([]);
  });
});

describe('save', () => {
  const filters = { startDatetime: START, endDatetime: '2025-10-01T00:19:59Z' };

  it('writes NDJSON, one row per line', async () => {
    const file = path.join(dir, 'out.ndjson');
    const result = await client().site(1112).getData(filters).save(file);
    const lines = (await readFile(file, 'utf8')).trimEnd().split('\n');
    expect(lines).toHaveLength(1200);
    expect(result).toMatchObject({ path: file, rows: 1200 });
    expect(result.bytes).toBe((await readFile(file)).length);
    const direct = await client().site(1112).getData(filters).toArray();
    expect(lines.map((l) => JSON.parse(l))).toEqual(direct);
  });

  it('writes CSV with the union of columns, timestamp first, exact values', async () => {
    const file = path.join(dir, 'out.csv');
    const data = client().pad(697).getData({ startDatetime: START, endDatetime: '2025-10-01T00:04:59Z', isRouted: true });
    const rows = await data.toArray();
    await data.save(file);
    const parsed = await parseCsv(await readFile(file, 'utf8'));
    const header = parsed[0]!;
    expect(header[0]).toBe('timestamp');
    const union = new Set(rows.flatMap((r) => Object.keys(r)));
    expect(new Set(header)).toEqual(union);
    expect(parsed).toHaveLength(rows.length + 1);
    rows.forEach((row, i) => {
      const cells = parsed[i + 1]!;
      header.forEach((column, c) => {
        const value = row[column];
        // Numbers are the text the API sent (1.0 stays 1.0): the very same double, never re-rounded.
        if (typeof value === 'number') expect(Object.is(Number(cells[c]), value)).toBe(true);
        else expect(cells[c]).toBe(value === null || value === undefined ? '' : String(value));
      });
    });
  });

  it('pads early rows when a column first appears late, and quotes awkward strings', async () => {
    const body =
      '[{"timestamp": 1, "a": 1.5}, {"timestamp": 2, "a": 2.0, "b": "x,y"}, ' +
      '{"timestamp": 3, "c": "say \\"hi\\"\\nthere"}, {"timestamp": 4, "a": null, "b": "O"}]';
    mock.faults.malformNext({ path: SITE_DATA, body });
    const file = path.join(dir, 'late.csv');
    await client().site(1112).getData(filters).save(file);
    const text = await readFile(file, 'utf8');
    expect(await parseCsv(text)).toEqual([
      ['timestamp', 'a', 'b', 'c'],
      ['1', '1.5', '', ''],
      ['2', '2.0', 'x,y', ''], // numbers exactly as sent
      ['3', '', '', 'say "hi"\nthere'],
      ['4', '', 'O', ''],
    ]);
  });

  it('refuses to overwrite by default, before any request', async () => {
    const file = path.join(dir, 'exists.json');
    await writeFile(file, 'old');
    const error = await client().site(1112).getData(filters).save(file).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect((error as ValidationError).parameter).toBe('path');
    expect(mock.requests).toHaveLength(0);
    await client().site(1112).getData(filters).save(file, { overwrite: true });
    expect(JSON.parse(await readFile(file, 'utf8'))).toHaveLength(1200);
  });

  it.each(['csv', 'json', 'ndjson', 'parquet'])('keeps the old .%s file and leaves no temp file when a row is malformed', async (ext) => {
    const file = path.join(dir, `keep.${ext}`);
    await writeFile(file, 'old contents');
    mock.faults.malformNext({ path: SITE_DATA, body: '[{"timestamp": 1, "a": 1}, {"timestamp": 2, "a": nope}]' });
    const error = await client().site(1112).getData(filters).save(file, { overwrite: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(APICompatibilityError);
    expect((error as APICompatibilityError).message).toMatch(/not a JSON array of rows/);
    expect(await readFile(file, 'utf8')).toBe('old contents');
    expect(await readdir(dir)).toEqual([`keep.${ext}`]);
  });

  it.each([
    ['json', '[]'],
    ['ndjson', ''],
    ['csv', 'timestamp\n'],
  ])('saves an empty download as a valid empty .%s', async (ext, expected) => {
    mock.faults.malformNext({ path: SITE_DATA, body: ' [ ]\n' });
    const file = path.join(dir, `empty.${ext}`);
    const result = await client().site(1112).getData(filters).save(file);
    expect(await readFile(file, 'utf8')).toBe(expected);
    expect(result).toMatchObject({ rows: 0, bytes: Buffer.byteLength(expected) });
  });

  it('passes the API bytes through to .json and .ndjson (a row with unusual spacing keeps it)', async () => {
    const body = '[{"timestamp": 1,"a":1.50, "s": "x}, {y"},\n {"timestamp": 2, "a": 1e-7, "u": "\\u00e9"}]';
    for (const ext of ['json', 'ndjson']) {
      mock.faults.malformNext({ path: SITE_DATA, body });
      const file = path.join(dir, `raw.${ext}`);
      const result = await client().site(1112).getData(filters).save(file);
      const text = await readFile(file, 'utf8');
      if (ext === 'json') expect(text).toBe(body);
      else expect(text).toBe('{"timestamp": 1,"a":1.50, "s": "x}, {y"}\n{"timestamp": 2, "a": 1e-7, "u": "\\u00e9"}\n');
      expect(result.rows).toBe(2);
    }
  });

  it('rejects an unknown extension and a missing directory before any request', async () => {
    const data = client().site(1112).getData(filters);
    await expect(data.save(path.join(dir, 'out.xlsx'))).rejects.toThrow(ValidationError);
    await expect(data.save(path.join(dir, 'missing', 'out.csv'))).rejects.toThrow(/directory/);
    expect(mock.requests).toHaveLength(0);
  });
});

function parseCsv(text: string): Promise<string[][]> {
  return new Promise((resolve, reject) => {
    const rows: string[][] = [];
    parseString(text, { headers: false })
      .on('data', (row: string[]) => rows.push(row))
      .on('error', reject)
      .on('end', () => resolve(rows));
  });
}

describe('CsvTableWriter', () => {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { CsvTableWriter } = require('../../src/formats/csv') as typeof import('../../src/formats/csv');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { FileSink } = require('../../src/formats/sink') as typeof import('../../src/formats/sink');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { JsonRowSplitter } = require('../../src/json/json-row-splitter') as typeof import('../../src/json/json-row-splitter');

  const batches = [
    [{ timestamp: 1, a: 'line\none' }, { timestamp: 2, a: 2 }],
    [{ timestamp: 3, a: 3, b: 'x' }],
    [{ timestamp: 4, c: '"q"' }, { timestamp: 5, a: 5, b: 'y', c: 'z' }, { timestamp: 6, d: ' pad ' }],
  ];
  const expected = [
    ['timestamp', 'a', 'b', 'c', 'd'],
    ['1', 'line\none', '', '', ''],
    ['2', '2', '', '', ''],
    ['3', '3', 'x', '', ''],
    ['4', '', '', '"q"', ''],
    ['5', '5', 'y', 'z', ''],
    ['6', '', '', '', ' pad '],
  ];

  async function written(feed: (writer: InstanceType<typeof CsvTableWriter>) => Promise<void>): Promise<string[][]> {
    await rm(path.join(dir, 'multi.csv'), { force: true });
    const target = path.join(dir, 'multi.csv');
    const sink = new FileSink(target);
    const writer = new CsvTableWriter(sink);
    await feed(writer);
    await writer.finish();
    await sink.close();
    expect(await readdir(dir)).toEqual(['multi.csv']); // no side file left
    return parseCsv(await readFile(target, 'utf8'));
  }

  async function writtenText(feed: (writer: InstanceType<typeof CsvTableWriter>) => Promise<void>): Promise<string> {
    const target = path.join(dir, 'fuzz.csv');
    await rm(target, { force: true });
    const sink = new FileSink(target);
    const writer = new CsvTableWriter(sink);
    await feed(writer);
    await writer.finish();
    await sink.close();
    return readFile(target, 'utf8');
  }

  it('pads lines written before a column appeared (parsed rows), respecting quoted newlines', async () => {
    expect(await written(async (w) => { for (const rows of batches) await w.write({ rows: rows as never }); })).toEqual(expected);
  });

  it('does the same from raw rows, without parsing them', async () => {
    const raw = (rows: object[]) => new JsonRowSplitter().push(Buffer.from(JSON.stringify(rows)))!;
    expect(await written(async (w) => { for (const rows of batches) await w.writeRaw(raw(rows)); })).toEqual(expected);
  });

  it('gives the first batch every column found in it (no rewrite needed)', async () => {
    const rows = [{ timestamp: 1 }, { timestamp: 2, late: 1.5 }];
    const raw = new JsonRowSplitter().push(Buffer.from(JSON.stringify(rows)))!;
    expect(await written((w) => w.writeRaw(raw))).toEqual([['timestamp', 'late'], ['1', ''], ['2', '1.5']]);
    expect(await written((w) => w.write({ rows: rows as never }))).toEqual([['timestamp', 'late'], ['1', ''], ['2', '1.5']]);
  });

  it('writes the same bytes from raw rows as from parsed rows (seeded fuzz: keys in any order, nasty strings)', async () => {
    const rnd = prng(23);
    const keys = ['timestamp', 'a', 'b', 'site_id', 'c,d', 'é', 'q"uote', 'x'];
    const values = (): unknown => {
      const r = rnd();
      if (r < 0.4) return (rnd() - 0.5) * 10 ** Math.floor(rnd() * 30 - 10);
      if (r < 0.5) return null;
      if (r < 0.55) return rnd() < 0.5;
      if (r < 0.6) return [1, { k: 'v,"' }];
      return randomString(rnd);
    };
    for (let round = 0; round < 30; round++) {
      const batchesOfRows: Array<Array<Record<string, unknown>>> = [];
      for (let b = 0; b < 1 + Math.floor(rnd() * 4); b++) {
        const rows: Array<Record<string, unknown>> = [];
        for (let r = 0; r < Math.floor(rnd() * 6) + 1; r++) {
          const row: Record<string, unknown> = {};
          for (const key of keys) if (rnd() < 0.6) row[key] = values();
          // Shuffle the key order now and then.
          rows.push(rnd() < 0.3 ? Object.fromEntries(Object.entries(row).reverse()) : row);
        }
        batchesOfRows.push(rows);
      }
      const parsed = await writtenText((w) => batchesOfRows.reduce((p, rows) => p.then(() => w.write({ rows: rows as never })), Promise.resolve()));
      const raw = await writtenText((w) =>
        batchesOfRows.reduce((p, rows) => p.then(() => w.writeRaw(new JsonRowSplitter().push(Buffer.from(JSON.stringify(rows, null, rnd() < 0.5 ? 1 : 0)))!)), Promise.resolve()),
      );
      expect(raw).toBe(parsed);
    }
  });

  it('writes numbers as sent, and decodes strings that need it', async () => {
    const body = '[{"timestamp": 1, "a": 1.0, "b": -0.0, "c": 1e-05, "d": 12345678901234567890, "e": "x,y", "f": "\\u00e9", "g": [1, {"h": "]"}], "i": true, "j": null, "k": "\\u00a0nbsp", "l": "caf\u00e9"}]';
    const raw = new JsonRowSplitter().push(Buffer.from(body))!;
    const [header, row] = await written((w) => w.writeRaw(raw));
    expect(header).toEqual(['timestamp', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l'].filter((c) => c !== 'h'));
    expect(row).toEqual(['1', '1.0', '-0.0', '1e-05', '12345678901234567890', 'x,y', 'é', '[1,{"h":"]"}]', 'true', '', '\u00a0nbsp', 'café']);
  });
});
