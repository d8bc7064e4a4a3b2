/**
 * Export benchmark: 10 sites × 1 day of one-second rows (864,000 rows of ~45 keys, ~1.5 GB of JSON) from the
 * embedded mock server, exported with `rs.export()` (chunks in parallel) and, for the ratio, the same sites
 * saved one after another with `getData().save()`. Prints total seconds, rows/s and peak RSS per case.
 *
 * The mock server runs in its own process (its CPU is not ours); each case runs in a fresh child process
 * (so peak RSS is the case's own), compiled to plain JavaScript first (no TypeScript loader measured).
 * The mock has six sites; the ten exported sites (ids 9001-9010) are mapped onto them by the client's
 * `fetch`, so each has its own endpoint path for the SDK while the server generates a real site's rows.
 *
 * Two links: `local` (as fast as this machine parses; CPU-bound, with the mock on the same cores) and
 * `20 MB/s` per stream (each response body paced in the client, as a remote API's stream would be), where
 * running chunks in parallel pays off.
 *
 *   npx tsx bench/export.bench.ts            10 sites × 1 day, parquet and csv
 *   npx tsx bench/export.bench.ts --quick    10 sites × 1 hour, parquet
 */
import { mkdir, mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { Restream, type SaveFormat } from '../src';
import { ROOT, reportCase, runJsonChild, startMockProcess } from './support';

const SITES = Array.from({ length: 10 }, (_, i) => 9001 + i);
const MOCK_SITES = [1111, 1112, 1113, 1201, 1202, 1301];
const START = Date.UTC(2025, 0, 1) / 1000;

interface CaseConfig {
  url: string;
  clientId: string;
  clientSecret: string;
  kind: 'export' | 'sequential';
  format: SaveFormat;
  seconds: number;
  dir: string;
  /** Chunks at once (export only). */
  concurrency?: number;
  /** Per-stream bandwidth limit in MB/s (0: none), to stand for a remote API. */
  throttle: number;
}

interface CaseResult {
  rows: number;
  bytes: number;
  seconds: number;
  maxRssMb: number;
}

/**
 * The bench's client: sites 9001-9010 are sent to the mock's six sites, round robin; with `throttle`, each
 * response body is paced to that many MB/s, as a remote API's stream would be.
 */
function benchClient(config: CaseConfig): Restream {
  const mapped = (url: string) => url.replace(/\/sites\/(9\d{3})\//, (_m, id: string) => `/sites/${MOCK_SITES[(Number(id) - 9001) % MOCK_SITES.length]}/`);
  return new Restream({
    host: config.url,
    clientId: config.clientId,
    clientSecret: config.clientSecret,
    env: {},
    fetch: async (request, init) => {
      const response = await fetch(new Request(mapped(request.url), request), init);
      return config.throttle > 0 && response.body ? paced(response, config.throttle * 1e6) : response;
    },
  });
}

function paced(response: Response, bytesPerSecond: number): Response {
  const began = performance.now();
  let bytes = 0;
  const body = response.body!.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      async transform(chunk, controller) {
        bytes += chunk.byteLength;
        const due = began + (bytes / bytesPerSecond) * 1000;
        const wait = due - performance.now();
        if (wait > 1) await new Promise((r) => setTimeout(r, wait));
        controller.enqueue(chunk);
      },
    }),
  );
  return new Response(body, { status: response.status, statusText: response.statusText, headers: response.headers });
}

async function runCase(config: CaseConfig): Promise<CaseResult> {
  const rs = benchClient(config);
  await rs.auth.getAccessToken();
  const startDatetime = new Date(START * 1000);
  const endDatetime = new Date((START + config.seconds - 1) * 1000);
  const began = process.hrtime.bigint();
  let rows = 0;
  let bytes = 0;
  if (config.kind === 'export') {
    const summary = await rs.export({ sites: SITES, startDatetime, endDatetime, dir: config.dir, format: config.format, chunk: '1d', concurrency: config.concurrency ?? 6 });
    rows = summary.rows;
    bytes = summary.bytes;
  } else {
    await mkdir(config.dir, { recursive: true });
    for (const site of SITES) {
      const saved = await rs.site(site).getData({ startDatetime, endDatetime }).save(path.join(config.dir, `site-${site}.${config.format}`));
      rows += saved.rows;
      bytes += saved.bytes;
    }
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return { rows, bytes, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

function runChild(script: string, config: CaseConfig): Promise<CaseResult> {
  return runJsonChild<CaseResult>([script, '--child', JSON.stringify(config)], `${config.kind} ${config.format}`);
}

const startMock = () => startMockProcess(['--row-shape', 'full']);

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const seconds = quick ? 3600 : 86_400;
  const formats: SaveFormat[] = quick ? ['parquet'] : ['parquet', 'csv'];
  // Local: as fast as this machine parses (CPU-bound, the mock competing for the same cores). Paced: each
  // stream limited to 20 MB/s (~11,000 rows/s), as a remote API's would be; parallel chunks then add up.
  const links = [
    { name: 'local', throttle: 0 },
    { name: '20 MB/s', throttle: 20 },
  ];
  const work = await mkdtemp(path.join(tmpdir(), 'restream-export-bench-'));
  // The child is bundled inside the repository, so that it resolves the SDK's dependencies (the Parquet
  // encoder is loaded by path at run time) from node_modules as an installed SDK would.
  const buildDir = path.join(ROOT, 'node_modules', '.cache', 'restream-bench');
  await mkdir(buildDir, { recursive: true });
  const script = path.join(buildDir, 'export-bench.cjs');
  const { buildSync } = await import('esbuild');
  buildSync({ entryPoints: [__filename], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: script, external: ['esbuild'], logLevel: 'error' });

  console.log(`export bench on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`${SITES.length} sites × ${fmt(seconds)} one-second rows (${fmt((SITES.length * seconds) / 1e3)}k rows); mock server in its own process; each case in a fresh child process`);
  console.log('sequential = getData().save() per site, one after another; export ×N = rs.export() with concurrency N (3 per site at most)\n');
  console.log(['link', 'format', 'case', 'rows', 'file MB', 'seconds', 'rows/s', 'peak RSS MB', 'vs sequential'].join('\t'));
  const mock = await startMock();
  let n = 0;
  try {
    const base = { url: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, seconds };
    // Warm the mock up (its generator's tables and JIT) so that the first case does not pay for it.
    await runChild(script, { ...base, seconds: 1800, kind: 'export', format: 'ndjson', throttle: 0, dir: path.join(work, 'warm-up') });
    await rm(path.join(work, 'warm-up'), { recursive: true, force: true });
    for (const link of links) {
      for (const format of formats) {
        const cases: Array<{ name: string; config: Omit<CaseConfig, 'dir'> }> = [
          { name: 'sequential', config: { ...base, kind: 'sequential', format, throttle: link.throttle } },
          { name: 'export ×1', config: { ...base, kind: 'export', format, throttle: link.throttle, concurrency: 1 } },
          { name: 'export ×6', config: { ...base, kind: 'export', format, throttle: link.throttle, concurrency: 6 } },
        ];
        let sequentialSeconds = 0;
        for (const c of cases) {
          const dir = path.join(work, `case-${n++}`);
          const r = await runChild(script, { ...c.config, dir });
          await rm(dir, { recursive: true, force: true });
          if (c.name === 'sequential') sequentialSeconds = r.seconds;
          console.log(
            [link.name, format, c.name, fmt(r.rows), fmt(r.bytes / 1e6, 1), fmt(r.seconds, 2), fmt(r.rows / r.seconds), fmt(r.maxRssMb), `${fmt(sequentialSeconds / r.seconds, 2)}×`].join('\t'),
          );
        }
      }
    }
  } finally {
    await mock.stop();
    await rm(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') {
  reportCase(runCase(JSON.parse(process.argv[3]!) as CaseConfig));
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
