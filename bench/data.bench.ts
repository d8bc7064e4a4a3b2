/**
 * Measurement-data benchmark: rows/s, MB/s and peak RSS of iteration and of saves to .csv, .json and
 * .ndjson, against the embedded mock server running in its own process (so its CPU is not ours), each
 * case in a fresh child process (so peak RSS is the case's own). The yardstick, in the same run, is
 * `JSON.parse` of the same kind of rows held in memory as one string.
 *
 *   npx tsx bench/data.bench.ts            full sizes (1M and 5M rows of ~40 keys, 1M rows of 12 keys)
 *   npx tsx bench/data.bench.ts --quick    100k rows each, for a fast look
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { cpus, totalmem } from 'node:os';
import type { CaseConfig, CaseResult } from './data-child';
import { bundleChild, runJsonChild, startMockProcess } from './support';

type Shape = 'full' | 'wide12';
type Kind = CaseConfig['kind'];
let childScript = '';

/** The Python SDK on this kind of machine, 1M rows of 12 keys (rows/s). */
const PYTHON: Partial<Record<Kind, number>> = { iterate: 111_000, json: 60_000, csv: 29_000 };

/** Runs one case in a fresh Node process (plain JS, no TypeScript loader in the measured process). */
function runChild(config: CaseConfig): Promise<CaseResult> {
  return runJsonChild<CaseResult>([childScript, JSON.stringify(config)], config.kind);
}

const startMock = (shape: Shape) => startMockProcess(['--row-shape', shape]);

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const quick = process.argv.includes('--quick');
  const dir = await mkdtemp(path.join(tmpdir(), 'restream-bench-'));
  // The SDK as users run it: compiled JavaScript, bundled like dist/, in a plain `node` process.
  childScript = bundleChild('data-child.ts', dir);
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

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
