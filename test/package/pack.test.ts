/**
 * The package as users get it: built, packed with `npm pack`, installed from the tarball into a fresh
 * project (its dependencies come from the npm registry), then used there with `import`, with `require`,
 * through its types (`tsc`, CommonJS and ESM consumers), and through its two commands.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';

const execFileP = promisify(execFile);
const ROOT = path.resolve(__dirname, '..', '..');
const TSC = path.join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
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
    ]) {
      expect(files).toContain(needed);
    }
    const stray = files.filter((f) => /^(test|src|bench|scripts|generated|node_modules|\.ci)\//.test(f) || /\.test\.|\.spec\.|fixtures|tsconfig|jest\.config|\.tgz$/.test(f));
    expect(stray).toEqual([]);
    expect(files.every((f) => ['package.json', 'README.md', 'LICENSE'].includes(f) || /^(dist|openapi)\//.test(f))).toBe(true);
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
    expect(pkg.engines.node).toBe('>=20');
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
    for (const dep of ['commander', 'cli-progress', 'cli-table3']) expect(pkg.dependencies[dep]).toBeDefined();
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
    const rows = await rs.site(mock.ids.demoSites[1]).getData({ startDatetime: new Date(t), endDatetime: new Date(t + 9000), fields: ['tds'] }).toArray();
    let validation = '';
    try { rs.site(0); } catch (e) { validation = (e instanceof ValidationError) + ' ' + e.parameter; }
    console.log(JSON.stringify({ version: VERSION, pads: pads.map((p) => p.id), model: pads[0].constructor.name, rows: rows.length, validation }));
  } finally {
    await mock.close();
  }
})().catch((e) => { console.error(e); process.exit(1); });
`;

  function expectRun(r: Result): void {
    ok(r, 'consumer');
    const out = JSON.parse(r.stdout.trim()) as { version: string; pads: number[]; model: string; rows: number; validation: string };
    const pkg = JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string };
    expect(out.version).toBe(pkg.version);
    expect(out.pads).toContain(697);
    expect(out.model).toBe('Pad');
    expect(out.rows).toBe(10);
    expect(out.validation).toBe('true id');
  }

  it('with import (ESM)', async () => {
    writeFileSync(
      path.join(project, 'esm.mjs'),
      program(`import { Restream, ValidationError, VERSION } from 'restream-datastore';\nimport { startMockServer } from 'restream-datastore/mock';`),
    );
    expectRun(await exec(process.execPath, ['esm.mjs'], project));
  });

  it('with require (CommonJS)', async () => {
    writeFileSync(
      path.join(project, 'cjs.cjs'),
      program(`const { Restream, ValidationError, VERSION } = require('restream-datastore');\nconst { startMockServer } = require('restream-datastore/mock');`),
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

  it('through its types: tsc (module nodenext) accepts a consumer, CommonJS and ESM, and rejects a type error', async () => {
    const consumer = `
import { Restream, NotFoundError, ValidationError, type Site, type Row, type DataFilters } from 'restream-datastore';
import { startMockServer, type MockServer } from 'restream-datastore/mock';

export async function main(): Promise<number> {
  const mock: MockServer = await startMockServer();
  const rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret });
  const site: Site = await rs.sites.get(1112);
  const filters: DataFilters = { startDatetime: new Date(), resolution: 'minute', aggregation: 'max' };
  const rows: Row[] = await site.getData(filters).toArray();
  const stages = await site.getStagesMetadata({ stageNameFilter: 'frac', addAggregations: true });
  const name: string = site.name;
  try {
    await rs.pads.get(1);
  } catch (e) {
    if (e instanceof NotFoundError || e instanceof ValidationError) return e.status ?? 0;
  }
  await mock.close();
  return rows.length + stages.length + name.length;
}
`;
    writeFileSync(path.join(project, 'consumer.ts'), consumer);
    writeFileSync(path.join(project, 'consumer.mts'), consumer);
    writeFileSync(
      path.join(project, 'bad.ts'),
      `import { Restream } from 'restream-datastore';\nnew Restream({ host: 42 });\nconst r: 'minute' = new Restream().site(1).getData({ resolution: 'daily' }) as never;\nvoid r;\n`,
    );
    const tsconfig = (files: string[]) =>
      JSON.stringify({
        compilerOptions: {
          module: 'nodenext',
          moduleResolution: 'nodenext',
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
    writeFileSync(path.join(project, 'tsconfig.bad.json'), tsconfig(['bad.ts']));

    const good = await exec(process.execPath, [TSC, '-p', 'tsconfig.json'], project);
    expect(good.stdout + good.stderr).toBe('');
    expect(good.code).toBe(0);

    const bad = await exec(process.execPath, [TSC, '-p', 'tsconfig.bad.json'], project);
    expect(bad.code).not.toBe(0);
    expect(bad.stdout).toMatch(/bad\.ts\(2,\d+\): error TS2322/);
    expect(bad.stdout).toMatch(/bad\.ts\(3,\d+\): error TS2322: Type '"daily"'/);
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
