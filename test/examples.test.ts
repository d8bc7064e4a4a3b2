/**
 * The README's examples are the files in examples/ (the README shows them verbatim; a test below keeps
 * the two in step). Each runs here as a user would run it, against the embedded mock server.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, readFile, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { startMockServer, type MockServer } from '../src/mock';

const root = path.resolve(__dirname, '..');
let mock: MockServer;
let dir: string;

beforeAll(async () => {
  mock = await startMockServer({ seed: 3 });
  dir = await mkdtemp(path.join(tmpdir(), 'restream-examples-'));
});
afterAll(async () => {
  await mock.close();
  await rm(dir, { recursive: true, force: true });
});

interface Server {
  url: string;
  clientId: string;
  clientSecret: string;
}

/**
 * Live rows come from a mock in its own process (`restream mock --live`), as a user would run it: the live
 * timer then never competes with this test process's own work.
 */
function startLiveMock(): Promise<Server & { stop(): void }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'src', 'cli.ts'), 'mock', '--port', '0', '--live', '20', '--json'], { cwd: root });
    let out = '';
    child.stdout.on('data', (d: Buffer) => {
      out += d;
      const line = out.split('\n').find((l) => l.startsWith('{'));
      if (line) resolve({ ...(JSON.parse(line) as Server), stop: () => child.kill('SIGTERM') });
    });
    child.on('error', reject);
    child.on('close', (code) => reject(new Error(`mock exited ${code}: ${out}`)));
  });
}

function run(file: string, args: string[] = [], server: Server = mock): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const env = { ...process.env, RESTREAM_HOST: server.url, RESTREAM_CLIENT_ID: server.clientId, RESTREAM_CLIENT_SECRET: server.clientSecret };
    const child = spawn(process.execPath, ['--import', 'tsx', path.join(root, 'examples', file), ...args], { cwd: root, env });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d));
    child.stderr.on('data', (d: Buffer) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

const expectations: Record<string, RegExp> = {
  'quickstart.ts': /pad 697:[\s\S]*state:/,
  'download.ts': /3600 rows[\s\S]*3600 rows, \d+ bytes/,
  'data-changes.ts': /\d+ changes, \d+ merged ranges[\s\S]*changed rows saved/,
  'errors.ts': /bad startDatetime:[\s\S]*404 GET \/external\/thirdparty\/v1\/sites\/999999\//,
  'mock-in-tests.ts': /3 pads after 2 injected 503s/,
  'live.ts': /20 live rows, [1-9]\d* with tds, on session [0-9a-f]{32}/,
  'plot.ts': /stage \d+: \d+ rows → .*\.png\n {2}Treating Pressure - A \(psi\): \d+ values, \d+ points drawn/,
  'network.ts': /restream: GET \/external\/thirdparty\/v1\/sites\/1112\/ 200 \d+ms \d+B retries=0\n[\s\S]*site 1112\n[\s\S]*own transport: site 1112, live update for site 1112/,
  'sync.ts': /\d+ rows committed\n3 sites complete through \d{4}-\d\d-\d\dT[\d:.]+Z; \d+ data changes applied/,
};

/** The output file an example is given: a DuckDB file for sync, a folder for live, a PNG for plot, else a data file. */
function outputOf(file: string): string {
  if (file === 'live.ts') return path.join(dir, 'sessions');
  if (file === 'sync.ts') return path.join(dir, 'sync.duckdb');
  return path.join(dir, `${file}.out.${file === 'download.ts' ? 'csv' : file === 'plot.ts' ? 'png' : 'ndjson'}`);
}

describe('examples', () => {
  it('has an expectation for every example file', async () => {
    const files = (await readdir(path.join(root, 'examples'))).filter((f) => f.endsWith('.ts')).sort();
    expect(files).toEqual(Object.keys(expectations).sort());
  });

  it.each(Object.keys(expectations))('%s runs against the mock server', async (file) => {
    const out = outputOf(file);
    const live = file === 'live.ts' ? await startLiveMock() : undefined;
    const result = await run(file, [out], live ?? mock).finally(() => live?.stop());
    expect(result.stderr.replace(/^retry .*\n/gm, '')).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(expectations[file]!);
  });

  it('the README shows each example verbatim', async () => {
    const readme = await readFile(path.join(root, 'README.md'), 'utf8');
    for (const file of Object.keys(expectations)) {
      const source = (await readFile(path.join(root, 'examples', file), 'utf8')).trimEnd();
      const body = source.slice(source.indexOf('\n') + 1); // the first line is the file's own comment
      expect(readme).toContain(`<!-- examples/${file} -->\n\`\`\`ts\n${body}\n\`\`\``);
    }
  });
});
