/**
 * `data.plot()` against the embedded mock server: the files it writes are read back with independent tools
 * (an XML parser for SVG, a PNG decoder, headless Chromium for the HTML page) and checked against the rows
 * and metadata the same mock serves.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DOMParser, type Document, type Element } from '@xmldom/xmldom';
import { PNG } from 'pngjs';
import { Restream, ValidationError, type Field, type PlotResult } from '../../src';
import { startMockServer, type MockServer } from '../../src/mock';

const T0 = new Date('2025-10-09T08:00:00Z');
const WINDOW = { startDatetime: '2025-10-08T04:00:00Z', endDatetime: '2025-10-08T09:59:59Z' };
// Two fields of one physical unit (bbl/min; the metadata spells it bpm on slurry_rate) share a panel;
// slurry_rate is in the metadata but the mock sends no values for it.
const FIELDS = ['M1_surface_treating_pressure', 'M1_slurry_rate', 'slurry_rate', 'tds'];
const CHROMIUM = process.env.CHROMIUM ?? '/usr/bin/chromium';

let mock: MockServer;
let rs: Restream;
let dir: string;
let fields: Field[];

beforeAll(async () => {
  mock = await startMockServer({ seed: 3, now: () => T0 });
  rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {} });
  dir = mkdtempSync(path.join(tmpdir(), 'restream-plot-'));
  fields = await rs.site(1112).getFieldsMetadata();
});

afterAll(async () => {
  await mock.close();
  rmSync(dir, { recursive: true, force: true });
});

const dataRequests = () => mock.requests.filter((r) => r.path.endsWith('/data/')).length;

/** Parses XML strictly: any warning or error of the parser fails the test. */
function parseXml(text: string): Document {
  const problems: string[] = [];
  const doc = new DOMParser({ onError: (level, message) => problems.push(`${level}: ${message}`) }).parseFromString(text, 'image/svg+xml');
  expect(problems).toEqual([]);
  return doc;
}

function elements(doc: Document, tag: string): Element[] {
  return Array.from(doc.getElementsByTagName(tag));
}

/** Coordinate pairs in a path's data: one per M or L command (a lone point is "Mx,yZ"). */
function pathPoints(d: string): Array<[number, number]> {
  return [...d.matchAll(/[ML](-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);
}

/** The points the downsampler must keep: per column of the window, min(values, 4). Computed from all rows. */
function expectedPoints(rows: Array<Record<string, unknown>>, field: string, start: number, end: number, columns: number): number {
  const perColumn = new Map<number, number>();
  for (const row of rows) {
    const v = row[field];
    if (typeof v !== 'number') continue;
    const c = Math.floor((((row.timestamp as number) - start) * columns) / (end - start + 1));
    perColumn.set(c, (perColumn.get(c) ?? 0) + 1);
  }
  let total = 0;
  for (const n of perColumn.values()) total += Math.min(n, 4);
  return total;
}

const hex = (c: string | null | undefined) => (c ? c.toUpperCase() : c);

describe('SVG', () => {
  let result: PlotResult;
  let doc: Document;
  const file = () => path.join(dir, 'window.svg');

  beforeAll(async () => {
    result = await rs.site(1112).getData({ ...WINDOW, fields: FIELDS }).plot(file(), { width: 1000 });
    doc = parseXml(readFileSync(file(), 'utf8'));
  });

  test('is a valid SVG document of the requested width', () => {
    const svg = doc.documentElement!;
    expect(svg.tagName).toBe('svg');
    expect(svg.getAttribute('xmlns')).toBe('http://www.w3.org/2000/svg');
    expect(svg.getAttribute('width')).toBe('1000');
    expect(svg.getAttribute('height')).toBe(String(result.height));
    expect(result).toMatchObject({ format: 'svg', path: file(), rows: 6 * 3600, width: 1000, columns: 1000 - 76 - 24 });
    expect(result.bytes).toBe(readFileSync(file()).length);
  });

  test('holds one path per field with the points the downsampling keeps', async () => {
    const rows = await rs.site(1112).getData({ ...WINDOW, fields: FIELDS }).toArray();
    const start = Date.parse(WINDOW.startDatetime) / 1000;
    const end = Date.parse(WINDOW.endDatetime) / 1000;
    const paths = elements(doc, 'path').filter((p) => p.getAttribute('class') === 'series');
    expect(paths.map((p) => p.getAttribute('data-field'))).toEqual(expect.arrayContaining(FIELDS));
    expect(paths).toHaveLength(FIELDS.length);
    for (const field of FIELDS) {
      const p = paths.find((e) => e.getAttribute('data-field') === field)!;
      const expected = expectedPoints(rows, field, start, end, result.columns);
      expect(pathPoints(p.getAttribute('d') ?? '')).toHaveLength(expected);
      expect(result.series.find((s) => s.field === field)!.points).toBe(expected);
    }
    // The mock sends the three fields it knows on its 11-key rows (5 s in 6): some columns of each, none of slurry_rate.
    expect(result.series.map((s) => s.points > result.columns)).toEqual([true, true, false, true]);
    expect(result.series.map((s) => s.values)).toEqual(FIELDS.map((f) => rows.filter((r) => typeof r[f] === 'number').length));
  });

  test('stacks a panel per unit, with the units, plot limits and colours of the fields metadata', () => {
    const meta = (name: string) => fields.find((f) => f.name === name)!;
    const panels = elements(doc, 'g').filter((g) => g.getAttribute('class') === 'panel');
    expect(panels.map((p) => p.getAttribute('data-unit'))).toEqual(['psi', 'bbl/min', 'ppm']);
    expect(result.panels.map((p) => p.fields)).toEqual([['M1_surface_treating_pressure'], ['M1_slurry_rate', 'slurry_rate'], ['tds']]);
    // The y ranges are the plot limits in the units asked for (imperial by default).
    const psi = meta('M1_surface_treating_pressure');
    expect(result.panels[0]).toMatchObject({ yMin: psi.imperial_plot_min, yMax: psi.imperial_plot_max, yFrom: 'limits' });
    const bpm = [meta('M1_slurry_rate'), meta('slurry_rate')];
    expect(result.panels[1]).toMatchObject({
      yMin: Math.min(...bpm.map((f) => f.imperial_plot_min!)),
      yMax: Math.max(...bpm.map((f) => f.imperial_plot_max!)),
    });
    const units = elements(doc, 'text').filter((t) => t.getAttribute('class') === 'unit');
    expect(units.map((t) => t.textContent)).toEqual(['psi', 'bbl/min', 'ppm']);
    // Each line in its field's primary colour (a colour a panel already shows, or one too pale to see, is
    // replaced: test/plot/chart.test.ts).
    const stroke = (field: string) => elements(doc, 'path').find((e) => e.getAttribute('data-field') === field)!.getAttribute('stroke');
    for (const field of FIELDS) {
      expect(stroke(field)).toBe(hex(meta(field).primary_color));
      expect(result.series.find((s) => s.field === field)!.color).toBe(hex(meta(field).primary_color));
    }
    // Labels from the metadata in the legends.
    const legendText = elements(doc, 'g')
      .filter((g) => g.getAttribute('class') === 'legend')
      .map((g) => g.textContent)
      .join(' ');
    expect(legendText).toContain(meta('M1_surface_treating_pressure').label!.trim());
    expect(legendText).toContain(`${meta('slurry_rate').label!.trim()} (no data)`);
  });

  test("titles the chart with the site's name and the window", async () => {
    const site = await rs.sites.get(1112);
    const title = elements(doc, 'text').find((t) => t.getAttribute('class') === 'title')!;
    const subtitle = elements(doc, 'text').find((t) => t.getAttribute('class') === 'subtitle')!;
    expect(title.textContent).toBe(`${site.name} · site 1112`);
    expect(subtitle.textContent).toContain('2025-10-08 04:00:00 – 2025-10-08 09:59:59 UTC');
    expect(subtitle.textContent).toContain('imperial units');
  });

  test('shades the frac and wireline stages of the window, each in every panel', async () => {
    const stages = await rs.site(1112).getStagesMetadata({ start: WINDOW.startDatetime, end: WINDOW.endDatetime });
    const shaded = stages.filter((s) => /^(frac|wl)/.test(s.state));
    expect(shaded.length).toBeGreaterThan(1);
    expect(result.stages).toBe(shaded.length);
    const rects = elements(doc, 'rect').filter((r) => /^stage /.test(r.getAttribute('class') ?? ''));
    expect(rects).toHaveLength(shaded.length * result.panels.length);
    const kinds = new Set(rects.map((r) => r.getAttribute('class')));
    expect(kinds).toEqual(new Set(['stage frac', 'stage wireline']));
    for (const stage of shaded) expect(rects.some((r) => r.getAttribute('data-stage') === String(stage.stage_number))).toBe(true);
  });
});

describe('PNG', () => {
  test('has the requested size and is a picture, not a blank page', async () => {
    const file = path.join(dir, 'window.png');
    const result = await rs.site(1112).getData({ ...WINDOW, fields: FIELDS }).plot(file, { width: 900, height: 700 });
    const png = PNG.sync.read(readFileSync(file));
    expect([png.width, png.height]).toEqual([900, 700]);
    expect(result).toMatchObject({ format: 'png', width: 900, height: 700 });
    const colours = new Set<number>();
    let inked = 0;
    for (let i = 0; i < png.data.length; i += 4) {
      const [r, g, b] = [png.data[i]!, png.data[i + 1]!, png.data[i + 2]!];
      colours.add((r << 16) | (g << 8) | b);
      if (r < 200 || g < 200 || b < 200) inked++;
    }
    expect(colours.size).toBeGreaterThan(50);
    expect(inked / (png.width * png.height)).toBeGreaterThan(0.02);
    // The lines are there in their colours: the pressure line's red is among the pixels.
    const red = hex(fields.find((f) => f.name === 'M1_surface_treating_pressure')!.primary_color)!;
    expect(colours.has(parseInt(red.slice(1), 16))).toBe(true);
  });
});

describe('HTML', () => {
  const file = () => path.join(dir, 'window.html');
  let html: string;

  beforeAll(async () => {
    await rs.site(1112).getData({ ...WINDOW, fields: FIELDS }).plot(file());
    html = readFileSync(file(), 'utf8');
  });

  test('is self-contained: every script and stylesheet inline, nothing fetched', () => {
    const tags = [...html.matchAll(/<(script|link|img|iframe)\b[^>]*>/gi)].map((m) => m[0]);
    expect(tags.filter((t) => /^<script/i.test(t))).toHaveLength(3);
    for (const tag of tags) {
      expect(tag).not.toMatch(/\b(src|href)\s*=/i);
      expect(tag).not.toMatch(/https?:/i);
    }
    expect(html).not.toMatch(/@import|url\(\s*['"]?https?:/i);
    // The data is in the page: one series per field.
    const json = /<script type="application\/json" id="chart-data">(.*?)<\/script>/s.exec(html)![1]!;
    const data = JSON.parse(json) as { panels: Array<{ series: Array<{ field: string; t: number[] }> }> };
    expect(data.panels.flatMap((p) => p.series.map((s) => s.field))).toEqual(['M1_surface_treating_pressure', 'M1_slurry_rate', 'slurry_rate', 'tds']);
  });

  test('draws its panels in a real browser (headless Chromium), offline', async () => {
    expect(existsSync(CHROMIUM)).toBe(true); // .ci/run installs Debian's chromium
    const dom = await new Promise<string>((resolve, reject) => {
      // Every request but the file's goes to a closed port: anything the page fetched would fail to load.
      const offline = ['--proxy-server=http://127.0.0.1:9', '--proxy-bypass-list=<-loopback>'];
      const args = ['--headless', '--no-sandbox', '--disable-gpu', '--no-first-run', ...offline, '--dump-dom', `file://${file()}`];
      const child = spawn(CHROMIUM, args, { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      child.stdout.setEncoding('utf8').on('data', (c: string) => (out += c));
      child.on('error', reject);
      child.on('close', (code) => (code === 0 ? resolve(out) : reject(new Error(`chromium exited ${code}`))));
    });
    expect(dom).toContain('data-ready="true"');
    expect(dom.match(/class="uplot\b/g)).toHaveLength(3);
    expect(dom).toContain('Treating Pressure - A');
  }, 60_000);
});

describe('files and failures', () => {
  test('an existing file is kept unless overwrite is given, checked before any request', async () => {
    const file = path.join(dir, 'existing.svg');
    writeFileSync(file, 'old');
    const before = mock.requests.length;
    await expect(rs.site(1112).getData({ ...WINDOW, fields: ['tds'] }).plot(file)).rejects.toMatchObject({ name: 'ValidationError', parameter: 'path' });
    expect(mock.requests.length).toBe(before);
    expect(readFileSync(file, 'utf8')).toBe('old');
    await rs.site(1112).getData({ ...WINDOW, fields: ['tds'] }).plot(file, { overwrite: true });
    expect(readFileSync(file, 'utf8')).toMatch(/^<svg /);
  });

  test('an unknown field fails with close matches from the fields metadata, before any row is fetched', async () => {
    const file = path.join(dir, 'typo.svg');
    const before = dataRequests();
    const error = await rs
      .site(1112)
      .getData({ ...WINDOW, fields: ['M1_surface_treating_pressure', 'M1_slury_rate'] })
      .plot(file)
      .catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ parameter: 'fields' });
    expect((error as Error).message).toMatch(/no field 'M1_slury_rate' \(close matches: M1_slurry_rate/);
    expect(dataRequests()).toBe(before);
    expect(existsSync(file)).toBe(false);
  });

  test('an aborted download leaves no file and no temp file', async () => {
    const sub = mkdtempSync(path.join(dir, 'abort-'));
    const file = path.join(sub, 'aborted.png');
    const controller = new AbortController();
    const reason = new Error('stop');
    const plotting = rs
      .site(1112)
      .getData({ startDatetime: '2025-10-01T00:00:00Z', endDatetime: '2025-10-07T23:59:59Z', fields: ['tds'] })
      .plot(file, { signal: controller.signal, onProgress: () => controller.abort(reason) });
    await expect(plotting).rejects.toBe(reason);
    expect(readdirSync(sub)).toEqual([]);
  });

  test('a broken download resumes: the plot is the same as from an unbroken one', async () => {
    const clean = await rs.site(1112).getData({ ...WINDOW, fields: ['tds'] }).plot(path.join(dir, 'clean.svg'));
    mock.faults.cutStream({ afterBytes: 200_000, times: 2 });
    const resumed = await rs.site(1112).getData({ ...WINDOW, fields: ['tds'] }).plot(path.join(dir, 'resumed.svg'));
    expect(resumed.rows).toBe(clean.rows);
    expect(readFileSync(path.join(dir, 'resumed.svg'), 'utf8')).toBe(readFileSync(path.join(dir, 'clean.svg'), 'utf8'));
  });

  test('bad options and incomplete data filters are refused before any request', async () => {
    const site = rs.site(1112);
    const before = mock.requests.length;
    const file = path.join(dir, 'never.svg');
    const cases: Array<[() => Promise<unknown>, string]> = [
      [() => site.getData({ ...WINDOW }).plot(file), 'fields'],
      [() => site.getData({ startDatetime: WINDOW.startDatetime, fields: ['tds'] }).plot(file), 'startDatetime'],
      [() => site.getData({ ...WINDOW, fields: ['tds'] }).plot(path.join(dir, 'x.pdf')), 'path'],
      [() => site.getData({ ...WINDOW, fields: ['tds'] }).plot(file, { width: 50 }), 'width'],
      [() => site.getData({ ...WINDOW, fields: ['tds'] }).plot(file, { yRange: 'auto' as 'data' }), 'yRange'],
      [() => site.getData({ ...WINDOW, fields: ['tds'] }).plot(file, { widht: 5 } as object), 'widht'],
      [() => rs.pad(697).getData({ ...WINDOW, fields: ['tds'], isRouted: true }).plot(file), 'site'],
    ];
    for (const [plot, parameter] of cases) await expect(plot()).rejects.toMatchObject({ name: 'ValidationError', parameter });
    // The window check needs no request either when the data has no range at all.
    expect(mock.requests.length).toBe(before);
    expect(existsSync(file)).toBe(false);
  });

  test('a too-small height for the panels is refused before any row is fetched', async () => {
    const before = dataRequests();
    await expect(rs.site(1112).getData({ ...WINDOW, fields: FIELDS }).plot(path.join(dir, 'short.svg'), { height: 200 })).rejects.toMatchObject({ parameter: 'height' });
    expect(dataRequests()).toBe(before);
  });
});

describe('what to plot', () => {
  test("pad data: one site's rows, picked by site_id, plot like the site's own data", async () => {
    const fromSite = await rs.site(1112).getData({ ...WINDOW, fields: ['tds'] }).plot(path.join(dir, 'site.svg'));
    const fromPad = await rs.pad(697).getData({ ...WINDOW, fields: ['tds'], isRouted: true }).plot(path.join(dir, 'pad.svg'), { site: 1112 });
    expect(fromPad.rows).toBe(3 * fromSite.rows); // the pad's three sites came down; one was drawn
    expect(fromPad.series).toEqual(fromSite.series);
    const series = (f: string) => elements(parseXml(readFileSync(path.join(dir, f), 'utf8')), 'path').find((p) => p.getAttribute('data-field') === 'tds')!.getAttribute('d');
    expect(series('pad.svg')).toBe(series('site.svg'));
  });

  test("a stage number with a stage filter plots that stage's window", async () => {
    const [stage] = await rs.site(1112).getStagesMetadata({ stageNumber: 40, stageNameFilter: 'frac' });
    expect(stage).toBeDefined();
    const result = await rs
      .site(1112)
      .getData({ stageNumber: 40, stageNameFilter: 'frac', fields: ['M1_surface_treating_pressure', 'M1_slurry_rate'] })
      .plot(path.join(dir, 'stage.svg'));
    expect(result.start).toEqual(stage!.start);
    expect(result.end).toEqual(stage!.end);
    expect(result.stages).toBeGreaterThanOrEqual(1);
    expect(readFileSync(path.join(dir, 'stage.svg'), 'utf8')).toContain('frac stage 40');
    expect(result.series[0]!.values).toBeGreaterThan(0);
  });

  test('SI units, y axes from the data, no stages, a title of our own', async () => {
    const file = path.join(dir, 'si.svg');
    const result = await rs
      .site(1112)
      .getData({ ...WINDOW, fields: ['M1_surface_treating_pressure'], siUnits: true })
      .plot(file, { yRange: 'data', stages: false, title: 'Pressure <kPa> & more' });
    expect(result.panels).toEqual([expect.objectContaining({ unit: 'kPa', yFrom: 'data' })]);
    const values = (await rs.site(1112).getData({ ...WINDOW, fields: ['M1_surface_treating_pressure'], siUnits: true }).toArray())
      .map((r) => r.M1_surface_treating_pressure)
      .filter((v): v is number => typeof v === 'number');
    const [lo, hi] = [Math.min(...values), Math.max(...values)];
    const p = result.panels[0]!;
    expect(p.yMin).toBeLessThanOrEqual(lo);
    expect(p.yMax).toBeGreaterThanOrEqual(hi);
    expect(p.yMax - p.yMin).toBeLessThan(1.5 * (hi - lo)); // round numbers around the data, not the plot limits
    expect(result.stages).toBe(0);
    const doc = parseXml(readFileSync(file, 'utf8'));
    expect(elements(doc, 'text').find((t) => t.getAttribute('class') === 'title')!.textContent).toBe('Pressure <kPa> & more');
    expect(elements(doc, 'rect').filter((r) => /^stage /.test(r.getAttribute('class') ?? ''))).toHaveLength(0);
  });
});
