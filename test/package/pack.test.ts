/**
 * The package as users get it: built, packed with `npm pack`, installed from the tarball into a fresh
 * project (its dependencies come from the npm registry), then used there with `import`, with `require`,
 * through its types (`tsc`, CommonJS and ESM consumers, and the node10 and bundler resolutions), and through
 * its two commands. The tarball itself goes through `attw` (@arethetypeswrong/cli: every entry point resolves,
 * with types, under node10, node16 from CommonJS and from ESM, and bundler) and `publint`; neither needs the
 * network.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/** The script a devDependency's command runs, so it runs under this test's node (`process.execPath`). */
function binOf(pkg: string, name: string): string {
  const manifest = path.join(ROOT, 'node_modules', pkg, 'package.json'); // not every package exports its package.json
  const { bin } = JSON.parse(readFileSync(manifest, 'utf8')) as { bin: string | Record<string, string> };
  return path.join(path.dirname(manifest), typeof bin === 'string' ? bin : bin[name]!);
}
const SETUP_MS = 240_000;

/** The environment for child npm/node runs: without the npm_* variables of a surrounding `npm test`. */
function cleanEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [k, v] of Object.entries(process.env)) {
    if (/^npm_/i.test(k) || k.startsWith('RESTREAM_')) continue;
    env[k] = v;
  }
  return { ...env, NO_UPDATE_NOTIFIER: '1', npm_config_loglevel: 'error', npm_config_fund: 'false', npm_config_audit: 'false', ...extra };
}

interface Result {
  code: number;
  stdout: string;
  stderr: string;
}

async function exec(file: string, args: string[], cwd: string, env: Record<string, string> = {}, timeout = 120_000): Promise<Result> {
  try {
    const { stdout, stderr } = await execFileP(file, args, { cwd, env: cleanEnv(env), timeout, maxBuffer: 64 * 1024 * 1024 });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number | string; stdout?: string; stderr?: string; message: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? e.message };
  }
}

function ok(r: Result, what: string): Result {
  if (r.code !== 0) throw new Error(`${what} failed (${r.code}):\n${r.stdout}\n${r.stderr}`);
  return r;
}

interface PackFile {
  path: string;
}

let base: string;
let project: string;
let tarball: string;
let packed: PackFile[];

beforeAll(async () => {
  base = mkdtempSync(path.join(tmpdir(), 'restream-pack-'));
  ok(await exec('npm', ['run', 'build'], ROOT), 'npm run build');
  // The build just ran: --ignore-scripts skips `prepare` building it a second time.
  const pack = ok(await exec('npm', ['pack', '--json', '--ignore-scripts', '--pack-destination', base], ROOT), 'npm pack');
  const info = (JSON.parse(pack.stdout) as Array<{ filename: string; files: PackFile[] }>)[0]!;
  packed = info.files;
  tarball = path.join(base, path.basename(info.filename));

  project = path.join(base, 'consumer');
  mkdirSync(project);
  writeFileSync(path.join(project, 'package.json'), JSON.stringify({ name: 'consumer', version: '1.0.0', private: true }, null, 2));
  ok(await exec('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', tarball], project, {}, SETUP_MS - 30_000), 'npm install <tarball>');
}, SETUP_MS);

afterAll(() => {
  if (base) rmSync(base, { recursive: true, force: true });
});

describe('the tarball', () => {
  it('ships dist, README and the contract, and nothing from test/ or src/', () => {
    const files = packed.map((f) => f.path).sort();
    for (const needed of [
      'package.json',
      'README.md',
      'openapi/restream.yaml',
      'dist/index.js',
      'dist/index.mjs',
      'dist/index.d.ts',
      'dist/index.d.mts',
      'dist/mock.js',
      'dist/mock.mjs',
      'dist/mock.d.ts',
      'dist/mock.d.mts',
      'dist/cli.js',
      'dist/mock-cli.js',
      'dist/dashboard/index.html',
      'dist/dashboard/dashboard.js',
      'dist/dashboard/dashboard.css',
    ]) {
      expect(files).toContain(needed);
    }
    const stray = files.filter((f) => /^(test|src|bench|scripts|generated|node_modules|\.ci)\//.test(f) || /\.test\.|\.spec\.|fixtures|tsconfig|jest\.config|\.tgz$/.test(f));
    expect(stray).toEqual([]);
    expect(files.every((f) => ['package.json', 'README.md', 'LICENSE', 'mock/package.json'].includes(f) || /^(dist|openapi)\//.test(f))).toBe(true);
  });

  it('attw: every entry point resolves, with types, under node10, node16 (CJS and ESM) and bundler', async () => {
    const r = await exec(process.execPath, [binOf('@arethetypeswrong/cli', 'attw'), tarball, '--format', 'json'], base);
    let report: { analysis?: { problems: unknown[]; entrypoints: Record<string, { resolutions: Record<string, unknown> }> } } = {};
    try {
      report = JSON.parse(r.stdout) as typeof report;
    } catch {
      throw new Error(`attw printed no JSON (${r.code}):\n${r.stdout}\n${r.stderr}`);
    }
    const analysis = report.analysis!;
    expect(analysis.problems).toEqual([]);
    expect(Object.keys(analysis.entrypoints).sort()).toEqual(['.', './mock', './package.json']);
    for (const entry of Object.values(analysis.entrypoints)) {
      expect(Object.keys(entry.resolutions).sort()).toEqual(['bundler', 'node10', 'node16-cjs', 'node16-esm']);
    }
    expect(r.code).toBe(0);
  });

  it('publint: no error, warning or suggestion', async () => {
    const r = ok(await exec(process.execPath, [binOf('publint', 'publint'), 'run', tarball, '--strict'], base), 'publint');
    expect(r.stdout).toMatch(/All good!/);
  });

  it('package.json: every entry point exists, bins, types and engines', () => {
    const dir = path.join(project, 'node_modules', 'restream-datastore');
    const pkg = JSON.parse(readFileSync(path.join(dir, 'package.json'), 'utf8')) as {
      main: string;
      module: string;
      types: string;
      type?: string;
      engines: { node: string };
      bin: Record<string, string>;
      exports: Record<string, string | Record<string, Record<string, string>>>;
      dependencies: Record<string, string>;
    };
    expect(pkg.engines.node).toBe('>=20.18.1'); // undici 7
    expect(pkg.bin).toEqual({ restream: './dist/cli.js', 'restream-mock': './dist/mock-cli.js' });
    const targets = [pkg.main, pkg.module, pkg.types, ...Object.values(pkg.bin)];
    for (const [key, entry] of Object.entries(pkg.exports)) {
      if (typeof entry === 'string') {
        targets.push(entry);
        continue;
      }
      // `types` first in each condition, so TypeScript picks the declaration of the same module kind.
      expect(Object.keys(entry)).toEqual(['import', 'require']);
      expect(Object.keys(entry.import!)[0]).toBe('types');
      expect(Object.keys(entry.require!)[0]).toBe('types');
      expect(entry.import!.types).toMatch(/\.d\.mts$/);
      expect(entry.require!.types).toMatch(/\.d\.ts$/);
      targets.push(...Object.values(entry.import!), ...Object.values(entry.require!));
      expect(key === '.' || key === './mock').toBe(true);
    }
    for (const target of targets) expect(existsSync(path.join(dir, target))).toBe(true);
    for (const bin of Object.values(pkg.bin)) expect(readFileSync(path.join(dir, bin), 'utf8').startsWith('#!/usr/bin/env node\n')).toBe(true);
    // What the CLI needs at run time is a dependency, not a devDependency.
    for (const dep of ['commander', 'cli-progress', 'cli-table3', 'uplot']) expect(pkg.dependencies[dep]).toBeDefined();
  });
});

describe('used from the installed package', () => {
  const program = (load: string) => `
${load}
(async () => {
  const mock = await startMockServer();
  try {
    const rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {} });
    const pads = await rs.pads.list();
    const t = (Math.floor(Date.now() / 1000) - 3600) * 1000;
    const rows = await rs.site(mock.ids.demoSites[1]).getData({ startDatetime: new Date(t), endDatetime: new Date(t + 9000), fields: ['tds'], resolution: Resolution.RAW }).toArray();
    let validation = '';
    try { rs.site(0); } catch (e) { validation = (e instanceof ValidationError) + ' ' + e.parameter; }
    let fill = '';
    try { rs.site(1112).getData({ fillDataMethod: FillDataMethod.FORWARD_FILL }); } catch (e) { fill = e.parameter; }
    const enums = [StageNameFilter.FRAC, StageNameFilter.WIRELINE, StageNameFilter.STANDBY, Resolution.TEN_SECOND, Aggregation.MEAN, FillDataMethod.BACKWARD_FILL];
    const frozen = [StageNameFilter, Resolution, Aggregation, FillDataMethod].every((o) => Object.isFrozen(o));
    console.log(JSON.stringify({ version: VERSION, pads: pads.map((p) => p.id), model: pads[0].constructor.name, rows: rows.length, validation, fill, enums, frozen }));
  } finally {
    await mock.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;

  function expectRun(r: Result): void {
    ok(r, 'consumer');
    const out = JSON.parse(r.stdout.trim()) as { version: string; pads: number[]; model: string; rows: number; validation: string; fill: string; enums: string[]; frozen: boolean };
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(out.version).toBe(pkg.version);
    expect(out.pads).toContain(697);
    expect(out.model).toBe('Pad');
    expect(out.rows).toBe(10);
    expect(out.validation).toBe('true id');
    expect(out.fill).toBe('fillDataLimit');
    expect(out.enums).toEqual(['frac', 'wl', 'standby', 'ten-second', 'mean', 'bfill']);
    expect(out.frozen).toBe(true);
  }

  it('with import (ESM)', async () => {
    writeFileSync(
      path.join(project, 'esm.mjs'),
      program(
        `import { Restream, ValidationError, VERSION, StageNameFilter, Resolution, Aggregation, FillDataMethod } from 'restream-datastore';\nimport { startMockServer } from 'restream-datastore/mock';`,
      ),
    );
    expectRun(await exec(process.execPath, ['esm.mjs'], project));
  });

  it('with require (CommonJS)', async () => {
    writeFileSync(
      path.join(project, 'cjs.cjs'),
      program(
        `const { Restream, ValidationError, VERSION, StageNameFilter, Resolution, Aggregation, FillDataMethod } = require('restream-datastore');\nconst { startMockServer } = require('restream-datastore/mock');`,
      ),
    );
    expectRun(await exec(process.execPath, ['cjs.cjs'], project));
  });

  it('loads no database driver until a sync opens a database', async () => {
    writeFileSync(
      path.join(project, 'drivers.cjs'),
      `require('restream-datastore');\nconsole.log(JSON.stringify(Object.keys(require.cache).filter((f) => /node_modules[\\/](@duckdb|pg|pg-copy-streams)[\\/]/.test(f))));\n`,
    );
    expect(JSON.parse(ok(await exec(process.execPath, ['drivers.cjs'], project), 'drivers.cjs').stdout)).toEqual([]);
  });

  it('through its types: tsc accepts a consumer (nodenext CommonJS and ESM, node10, bundler), and rejects type errors', async () => {
    const consumer = `
import { Restream, NotFoundError, ValidationError, StageNameFilter, Resolution, Aggregation, FillDataMethod, type Site, type Row, type DataFilters } from 'restream-datastore';
import { startMockServer, type MockServer } from 'restream-datastore/mock';

export async function main(): Promise<number> {
  const mock: MockServer = await startMockServer();
  const rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret });
  const site: Site = await rs.sites.get(1112);
  const filters: DataFilters = { startDatetime: new Date(), resolution: Resolution.MINUTE, aggregation: Aggregation.MAX };
  const literals: DataFilters = { resolution: 'minute', aggregation: 'max', fillDataMethod: 'ffill', fillDataLimit: 5 };
  const fill: FillDataMethod = FillDataMethod.FORWARD_FILL;
  const resolutions: Resolution[] = Object.values(Resolution);
  const rows: Row[] = await site.getData(filters).toArray();
  const stages = await site.getStagesMetadata({ stageNameFilter: StageNameFilter.FRAC, addAggregations: true });
  const wireline: 'wl' = StageNameFilter.WIRELINE;
  const name: string = site.name;
  try {
    await rs.pads.get(1);
  } catch (e) {
    if (e instanceof NotFoundError || e instanceof ValidationError) return e.status ?? 0;
  }
  await mock.close();
  return rows.length + stages.length + name.length + resolutions.length + fill.length + wireline.length + Object.keys(literals).length;
}
`;
    writeFileSync(path.join(project, 'consumer.ts'), consumer);
    writeFileSync(path.join(project, 'consumer.mts'), consumer);
    writeFileSync(
      path.join(project, 'bad.ts'),
      [
        `import { Restream, StageNameFilter, Resolution } from 'restream-datastore';`,
        `new Restream({ host: 42 });`,
        `const r: 'minute' = new Restream().site(1).getData({ resolution: 'daily' }) as never;`,
        `void r, StageNameFilter.FRACK;`,
        `Resolution.RAW = 'hour';`,
        `const kind: 'frac' = StageNameFilter.STANDBY;`,
        `void kind;`,
        ``,
      ].join('\n'),
    );
    const tsconfig = (files: string[], resolution: { module: string; moduleResolution: string } = { module: 'nodenext', moduleResolution: 'nodenext' }) =>
      JSON.stringify({
        compilerOptions: {
          ...resolution,
          target: 'es2022',
          lib: ['es2023'],
          strict: true,
          noEmit: true,
          types: ['node'],
          typeRoots: [path.join(ROOT, 'node_modules', '@types')],
        },
        files,
      });
    writeFileSync(path.join(project, 'tsconfig.json'), tsconfig(['consumer.ts', 'consumer.mts']));
    // Older projects: `moduleResolution: node` (node10) reads no `exports`, so `restream-datastore/mock` resolves
    // through mock/package.json; bundlers read `exports` with the `import` condition.
    writeFileSync(path.join(project, 'tsconfig.node10.json'), tsconfig(['consumer.ts'], { module: 'commonjs', moduleResolution: 'node10' }));
    writeFileSync(path.join(project, 'tsconfig.bundler.json'), tsconfig(['consumer.ts'], { module: 'preserve', moduleResolution: 'bundler' }));
    writeFileSync(path.join(project, 'tsconfig.bad.json'), tsconfig(['bad.ts']));

    for (const config of ['tsconfig.json', 'tsconfig.node10.json', 'tsconfig.bundler.json']) {
      const good = await exec(process.execPath, [TSC, '-p', config], project);
      expect({ config, output: good.stdout + good.stderr, code: good.code }).toEqual({ config, output: '', code: 0 });
    }

    const bad = await exec(process.execPath, [TSC, '-p', 'tsconfig.bad.json'], project);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/bad\.ts\(2,\d+\): error TS2322/);
    expect(bad.stdout).toMatch(/bad\.ts\(3,\d+\): error TS2322: Type '"daily"'/);
    expect(bad.stdout).toMatch(/bad\.ts\(4,\d+\): error TS2551: Property 'FRACK' does not exist.*Did you mean 'FRAC'/);
    expect(bad.stdout).toMatch(/bad\.ts\(5,\d+\): error TS2540: Cannot assign to 'RAW' because it is a read-only property/);
    expect(bad.stdout).toMatch(/bad\.ts\(6,\d+\): error TS2322: Type '"standby"' is not assignable to type '"frac"'/);
  }, 120_000);

  // The dashboard reads its page from dist/dashboard/ and uPlot from the installed `uplot`: both must be found
  // from the bundles of either module format, in a project that is not this repository.
  const dashboardProgram = (load: string) => `
${load}
(async () => {
  const mock = await startMockServer({ realtime: { live: { intervalMs: 20 } } });
  const rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {} });
  const dashboard = await startDashboard(rs, { site: 1112, fields: ['tds'] });
  try {
    const text = async (file) => {
      const res = await fetch(dashboard.url + file);
      return res.status + ' ' + (await res.text()).slice(0, 60).replace(/\\s+/g, ' ');
    };
    const files = {};
    for (const file of ['', 'dashboard.js', 'dashboard.css', 'vendor/uPlot.iife.min.js', 'vendor/uPlot.min.css']) files[file] = await text(file);
    console.log(JSON.stringify({ history: dashboard.history.state, files }));
  } finally {
    await dashboard.close();
    await mock.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;

  function expectDashboard(r: Result): void {
    ok(r, 'dashboard consumer');
    const out = JSON.parse(r.stdout.trim()) as { history: string; files: Record<string, string> };
    expect(out.history).toBe('loaded');
    expect(out.files['']).toMatch(/^200 <!doctype html>/);
    expect(out.files['dashboard.js']).toMatch(/^200 \/\/ The dashboard page/);
    expect(out.files['dashboard.css']).toMatch(/^200 :root/);
    expect(out.files['vendor/uPlot.iife.min.js']).toMatch(/^200 \/\*! https:\/\/github\.com\/leeoniya\/uPlot/);
    expect(out.files['vendor/uPlot.min.css']).toMatch(/^200 \.uplot/);
  }

  it('its dashboard serves the page and uPlot from the installed package (ESM and CommonJS)', async () => {
    writeFileSync(
      path.join(project, 'dash.mjs'),
      dashboardProgram(`import { Restream, startDashboard } from 'restream-datastore';\nimport { startMockServer } from 'restream-datastore/mock';`),
    );
    writeFileSync(
      path.join(project, 'dash.cjs'),
      dashboardProgram(`const { Restream, startDashboard } = require('restream-datastore');\nconst { startMockServer } = require('restream-datastore/mock');`),
    );
    expectDashboard(await exec(process.execPath, ['dash.mjs'], project));
    expectDashboard(await exec(process.execPath, ['dash.cjs'], project));
  }, 60_000);

  it('plots from the installed package: SVG, PNG (resvg binary) and HTML (uPlot), from import and require', async () => {
    const plotting = (load: string, tag: string) => `
${load}
(async () => {
  const mock = await startMockServer();
  try {
    const rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {} });
    const t = (Math.floor(Date.now() / 1000) - 7200) * 1000;
    const data = rs.site(1112).getData({ startDatetime: new Date(t), endDatetime: new Date(t + 3599000), fields: ['tds', 'M1_slurry_rate'] });
    const out = {};
    for (const ext of ['svg', 'png', 'html']) {
      const r = await data.plot('${tag}.' + ext, { width: 640 });
      out[ext] = { bytes: r.bytes, points: r.series.map((s) => s.points) };
    }
    console.log(JSON.stringify(out));
  } finally {
    await mock.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;
    writeFileSync(path.join(project, 'plot.mjs'), plotting(`import { Restream } from 'restream-datastore';\nimport { startMockServer } from 'restream-datastore/mock';`, 'esm'));
    writeFileSync(path.join(project, 'plot.cjs'), plotting(`const { Restream } = require('restream-datastore');\nconst { startMockServer } = require('restream-datastore/mock');`, 'cjs'));
    for (const [script, tag] of [
      ['plot.mjs', 'esm'],
      ['plot.cjs', 'cjs'],
    ] as const) {
      const out = JSON.parse(ok(await exec(process.execPath, [script], project), script).stdout.trim()) as Record<string, { bytes: number; points: number[] }>;
      for (const ext of ['svg', 'png', 'html']) {
        expect(out[ext]!.bytes).toBe(readFileSync(path.join(project, `${tag}.${ext}`)).length);
        expect(out[ext]!.points.every((n) => n > 0)).toBe(true);
      }
      expect(readFileSync(path.join(project, `${tag}.png`)).subarray(1, 4).toString()).toBe('PNG');
    }
    // Loaded at run time from beside the SDK, so they are dependencies; d3 is bundled into dist.
    const pkg = JSON.parse(readFileSync(path.join(project, 'node_modules', 'restream-datastore', 'package.json'), 'utf8')) as { dependencies: Record<string, string> };
    for (const dep of ['@resvg/resvg-js', 'uplot']) expect(pkg.dependencies[dep]).toBeDefined();
    expect(Object.keys(pkg.dependencies).some((d) => d.startsWith('d3-'))).toBe(false);
  }, 120_000);

  it('its commands: restream and restream-mock', async () => {
    const help = ok(await exec('npx', ['--no', '--', 'restream', '--help'], project), 'npx restream --help');
    expect(help.stdout).toMatch(/^Usage: restream \[options\] \[command\]/);
    expect(help.stdout).toMatch(/watch/);
    const mockHelp = ok(await exec('npx', ['--no', '--', 'restream-mock', '--help'], project), 'npx restream-mock --help');
    expect(mockHelp.stdout).toMatch(/^Usage: restream-mock/);

    // The installed CLI against the installed mock, both through node_modules/.bin.
    const bin = path.join(project, 'node_modules', '.bin', 'restream');
    const server: ChildProcess = spawn(bin, ['mock', '--json'], { cwd: project, env: cleanEnv(), stdio: ['ignore', 'pipe', 'pipe'] });
    try {
      const line = await new Promise<string>((resolve, reject) => {
        let out = '';
        server.stdout!.on('data', (c: Buffer) => {
          out += c.toString();
          if (out.includes('\n')) resolve(out.split('\n')[0]!);
        });
        server.once('exit', (code) => reject(new Error(`restream mock exited (${code})`)));
      });
      const info = JSON.parse(line) as { url: string; clientId: string; clientSecret: string };
      const env = { RESTREAM_HOST: info.url, RESTREAM_CLIENT_ID: info.clientId, RESTREAM_CLIENT_SECRET: info.clientSecret };
      const pads = ok(await exec(bin, ['pads', 'list', '--json'], project, env), 'restream pads list');
      expect((JSON.parse(pads.stdout) as Array<{ id: number }>).map((p) => p.id)).toContain(697);
      const t = (Math.floor(Date.now() / 1000) - 3600) * 1000;
      const window = ['--start', new Date(t).toISOString(), '--end', new Date(t + 4000).toISOString()];
      const data = ok(
        await exec(bin, ['data', 'site', '1112', ...window, '--fields', 'tds'], project, env),
        'restream data',
      );
      expect(data.stdout.trimEnd().split('\n')).toHaveLength(5);
      const usage = await exec(bin, ['data', 'site', 'x'], project, env);
      expect(usage.code).toBe(2);
      const dashboardHelp = ok(await exec(bin, ['dashboard', '--help'], project), 'restream dashboard --help');
      expect(dashboardHelp.stdout).toMatch(/^Usage: restream dashboard \[options\]/);
      // sync with the DuckDB default: a plain install brings the driver (an optional dependency), nothing else to do.
      const sync = ok(await exec(bin, ['sync', '--sites', '1112', ...window], project, env), 'restream sync');
      expect(sync.stdout).toMatch(/^synced 1 site into .*restream\.duckdb: 5 rows committed/);
      expect(existsSync(path.join(project, 'restream.duckdb'))).toBe(true);
    } finally {
      const exited = new Promise((resolve) => server.once('close', resolve));
      server.kill('SIGTERM');
      await exited;
    }
  }, 90_000);
});
