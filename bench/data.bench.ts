/**
 * Measurement-data benchmark: rows/s, MB/s and peak RSS of iteration and of saves to .csv, .json and
 * .ndjson, against the embedded mock server running in its own process (so its CPU is not ours), each
 * case in a fresh child process (so peak RSS is the case's own). The yardstick, in the same run, is
 * `JSON.parse` of the same kind of rows held in memory as one string.
 *
 *   npx tsx bench/data.bench.ts            full sizes (1M and 5M rows of ~40 keys, 1M rows of 12 keys)
 *   npx tsx bench/data.bench.ts --quick    100k rows each, for a fast look
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cpus, totalmem } from 'node:os';
import { Restream } from '../src';

type Shape = 'full' | 'wide12';
type Kind = 'iterate' | 'csv' | 'json' | 'ndjson' | 'jsonparse';
interface CaseConfig {
  url: string;
  clientId: string;
  clientSecret: string;
  kind: Kind;
  rows: number;
  dir: string;
}
interface CaseResult {
  rows: number;
  bytes: number;
  seconds: number;
  maxRssMb: number;
}

const ROOT = path.resolve(__dirname, '..');
const START = Date.UTC(2025, 0, 1) / 1000;
/** The Python SDK on this kind of machine, 1M rows of 12 keys (rows/s). */
const PYTHON: Partial<Record<Kind, number>> = { iterate: 111_000, json: 60_000, csv: 29_000 };

async function child(config: CaseConfig): Promise<CaseResult> {
  const rs = new Restream({ host: config.url, clientId: config.clientId, clientSecret: config.clientSecret, env: {} });
  const startDatetime = new Date(START * 1000);
  const endDatetime = new Date((START + config.rows - 1) * 1000);
  await rs.auth.getAccessToken();

  if (config.kind === 'jsonparse') {
    const token = await rs.auth.getAccessToken();
    const url = new URL('/external/thirdparty/v1/sites/1112/data/', config.url);
    url.searchParams.set('start_datetime', startDatetime.toISOString().slice(0, 19).replace('T', ' '));
    url.searchParams.set('end_datetime', endDatetime.toISOString().slice(0, 19).replace('T', ' '));
    const text = await (await fetch(url, { headers: { Authorization: `Bearer ${token}` } })).text();
    const began = process.hrtime.bigint();
    const parsed = JSON.parse(text) as unknown[];
    const seconds = Number(process.hrtime.bigint() - began) / 1e9;
    return { rows: parsed.length, bytes: Buffer.byteLength(text), seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
  }

  const data = rs.site(1112).getData({ startDatetime, endDatetime });
  const began = process.hrtime.bigint();
  let rows = 0;
  let bytes = 0;
  if (config.kind === 'iterate') {
    const progress = { rows: 0, bytes: 0 };
    let check = 0;
    for await (const batch of data.batches({ progress })) {
      for (const row of batch.rows) check += row.timestamp > 0 ? 1 : 0;
    }
    rows = check;
    bytes = progress.bytes;
  } else {
    const file = path.join(config.dir, `out.${config.kind}`);
    const result = await data.save(file, {
      onProgress: (p) => {
        bytes = p.bytes;
      },
    });
    rows = result.rows;
    await rm(file, { force: true });
  }
  const seconds = Number(process.hrtime.bigint() - began) / 1e9;
  return { rows, bytes, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 };
}

/** Iteration through `for await (const row of data)` (one promise per row) vs batches: reported apart. */
function runChild(config: CaseConfig): Promise<CaseResult> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', __filename, '--child', JSON.stringify(config)], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`case ${config.kind} exited ${code}: ${out}`));
      else resolve(JSON.parse(line) as CaseResult);
    });
  });
}

interface MockProcess {
  url: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

function startMock(shape: Shape): Promise<MockProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/mock/cli.ts', '--port', '0', '--row-shape', shape], {
      cwd: ROOT,
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const id = /client id:\s+(\S+)/.exec(out)?.[1];
      const secret = /client secret:\s+(\S+)/.exec(out)?.[1];
      if (url && id && secret) {
        proc.stdout.removeAllListeners('data');
        proc.stdout.resume();
        resolve({
          url,
          clientId: id,
          clientSecret: secret,
          stop: () =>
            new Promise<void>((done) => {
              proc.once('close', () => done());
              proc.kill('SIGTERM');
            }),
        });
      }
    });
    proc.on('error', reject);
  });
}

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const dir = await mkdtemp(path.join(tmpdir(), 'restream-bench-'));
  const workloads: Array<{ shape: Shape; rows: number[] }> = quick
    ? [
        { shape: 'full', rows: [100_000] },
        { shape: 'wide12', rows: [100_000] },
      ]
    : [
        { shape: 'full', rows: [1_000_000, 5_000_000] },
        { shape: 'wide12', rows: [1_000_000] },
      ];
  console.log(`data bench on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30, 0)} GiB, Node ${process.version}`);
  console.log('mock server in its own process; each case in a fresh child process; ratio = rows/s ÷ JSON.parse rows/s of the same rows in memory\n');
  const header = ['shape', 'case', 'rows', 'MB recv', 'seconds', 'rows/s', 'MB/s', 'peak RSS MB', 'vs JSON.parse', 'vs Python'];
  console.log(header.join('\t'));
  try {
    for (const { shape, rows: sizes } of workloads) {
      const mock = await startMock(shape);
      try {
        const base = { url: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, dir };
        const yardstick = await runChild({ ...base, kind: 'jsonparse', rows: Math.min(200_000, sizes[0]!) });
        const parseRate = yardstick.rows / yardstick.seconds;
        console.log(
          [shape, 'JSON.parse', fmt(yardstick.rows), fmt(yardstick.bytes / 1e6, 1), fmt(yardstick.seconds, 2), fmt(parseRate), fmt(yardstick.bytes / 1e6 / yardstick.seconds, 1), fmt(yardstick.maxRssMb), '1.00', ''].join('\t'),
        );
        for (const rows of sizes) {
          for (const kind of ['iterate', 'json', 'ndjson', 'csv'] as const) {
            const r = await runChild({ ...base, kind, rows });
            const rate = r.rows / r.seconds;
            const python = shape === 'wide12' && PYTHON[kind] ? `${fmt(rate / PYTHON[kind]!, 1)}×` : '';
            console.log(
              [shape, kind, fmt(r.rows), fmt(r.bytes / 1e6, 1), fmt(r.seconds, 2), fmt(rate), fmt(r.bytes / 1e6 / r.seconds, 1), fmt(r.maxRssMb), fmt(rate / parseRate, 2), python].join('\t'),
            );
          }
        }
      } finally {
        await mock.stop();
      }
    }
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

const childIndex = process.argv.indexOf('--child');
if (childIndex >= 0) {
  child(JSON.parse(process.argv[childIndex + 1]!) as CaseConfig).then(
    (result) => {
      process.stdout.write(JSON.stringify(result) + '\n');
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
} else {
  main().catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
