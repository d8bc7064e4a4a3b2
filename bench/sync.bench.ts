/**
 * Sync benchmark: rows/s and peak RSS of `rs.sync()` into DuckDB and into PostgreSQL, against
 * `data.save('x.parquet')` of the same rows in the same run (the ratio column). Rows of about 40 fields
 * (the mock's dense 'full' rows) of one site, from the mock server in its own process; each case in a
 * fresh child process, compiled to plain JavaScript (no TypeScript loader measured). PostgreSQL is a
 * throwaway server started here (test/helpers/postgres.ts), a fresh database per case.
 *
 *   npx tsx bench/sync.bench.ts            1M and 5M rows
 *   npx tsx bench/sync.bench.ts --quick    100k rows
 *   npx tsx bench/sync.bench.ts --rows 200000 --only duckdb
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { startPostgres, type TestPostgres } from '../test/helpers/postgres';
import type { SyncCaseConfig, SyncCaseResult } from './sync-child';
import { ROOT, bundleChild, runJsonChild, startMockProcess } from './support';

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const { values } = parseArgs({ options: { quick: { type: 'boolean' }, rows: { type: 'string' }, only: { type: 'string' } }, strict: true });
  const sizes = values.rows ? [Number(values.rows)] : values.quick ? [100_000] : [1_000_000, 5_000_000];
  const kinds = (['duckdb', 'postgres'] as const).filter((k) => !values.only || values.only === k);
  const dir = await mkdtemp(path.join(tmpdir(), 'restream-bench-'));
  // Bundled inside the repository, not in the temp folder: the Parquet writer and the database drivers are
  // resolved from the bundle's own path at run time, as from dist/ in an installed package.
  const build = await mkdtemp(path.join(ROOT, 'node_modules', '.cache-restream-bench-'));
  const script = bundleChild('sync-child.ts', build);
  const mock = await startMockProcess(['--row-shape', 'full']);
  let pg: TestPostgres | undefined;
  console.log(`sync bench on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log('mock server in its own process; each case in a fresh child process; ratio = rows/s ÷ the Parquet save\'s rows/s in the same run\n');
  console.log(['rows', 'case', 'seconds', 'rows/s', 'peak RSS MB', 'CPU s', 'vs .parquet'].join('\t'));
  try {
    if (kinds.includes('postgres')) pg = await startPostgres();
    let n = 0;
    for (const rows of sizes) {
      const base = { url: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, dir, rows };
      const run = (config: SyncCaseConfig) => runJsonChild<SyncCaseResult>([script, JSON.stringify(config)], config.kind);
      const parquet = await run({ ...base, kind: 'parquet' });
      const yardstick = parquet.rows / parquet.seconds;
      const line = (kind: string, r: SyncCaseResult) =>
        console.log([fmt(rows), kind, fmt(r.seconds, 2), fmt(r.rows / r.seconds), fmt(r.maxRssMb), fmt(r.cpuSeconds, 1), fmt(r.rows / r.seconds / yardstick, 2)].join('\t'));
      line('.parquet save', parquet);
      for (const kind of kinds) {
        const postgres = kind === 'postgres' ? await pg!.createDatabase(`bench_${++n}`) : undefined;
        line(`sync ${kind}`, await run({ ...base, kind, ...(postgres ? { postgres } : {}) }));
      }
    }
  } finally {
    await pg?.stop();
    await mock.stop();
    await rm(dir, { recursive: true, force: true });
    await rm(build, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
