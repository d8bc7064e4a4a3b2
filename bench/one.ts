/**
 * One case of the data benchmark by hand, for profiling: `npx tsx bench/one.ts <kind> <rows> [shape] [node args…]`,
 * e.g. `npx tsx bench/one.ts json 1000000 wide12 --cpu-prof --cpu-prof-dir=/tmp/prof`.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { CaseResult } from './data-child';
import { bundleChild, runJsonChild, startMockProcess } from './support';

async function main(): Promise<void> {
  const [kind = 'json', rows = '1000000', shape = 'wide12', ...nodeArgs] = process.argv.slice(2);
  const dir = await mkdtemp(path.join(tmpdir(), 'restream-bench-'));
  const script = bundleChild('data-child.ts', dir);
  const mock = await startMockProcess(['--row-shape', shape]);
  try {
    const config = { url: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, dir, kind, rows: Number(rows) };
    const r = await runJsonChild<CaseResult>([...nodeArgs, script, JSON.stringify(config)], kind);
    console.log(`${kind} ${shape}: ${r.rows} rows, ${(r.bytes / 1e6).toFixed(1)} MB in ${r.seconds.toFixed(2)} s = ${Math.round(r.rows / r.seconds)} rows/s, ${(r.bytes / 1e6 / r.seconds).toFixed(1)} MB/s, peak RSS ${Math.round(r.maxRssMb)} MB, CPU ${r.cpuSeconds?.toFixed(2)} s (sys ${r.sysSeconds?.toFixed(2)})`);
  } finally {
    await mock.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

void main();
