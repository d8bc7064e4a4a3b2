/**
 * Plot benchmark: a month of one-second rows (2,592,000) of three frac fields, plotted to .svg, .png and
 * .html (downsampled while streaming), against `data.save('x.csv')` of the same rows in the same run. The
 * mock server runs in its own process; each case in a fresh child process, so peak RSS is the case's own.
 * Targets: a plot at least as fast as the CSV save, peak RSS under 200 MB.
 *
 *   npx tsx bench/plot.bench.ts            a month: 2,592,000 rows per case
 *   npx tsx bench/plot.bench.ts --quick    100k rows per case
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { cpus, tmpdir, totalmem } from 'node:os';
import path from 'node:path';
import type { CaseConfig, CaseResult, Kind } from './plot-child';
import { bundleChild, ROOT, runJsonChild, startMockProcess } from './support';

const FIELDS = ['M1_surface_treating_pressure', 'M1_slurry_rate', 'M1_proppant_conc'];
const MONTH = 30 * 86_400;

const fmt = (n: number, digits = 0) => n.toLocaleString('en-US', { maximumFractionDigits: digits, minimumFractionDigits: digits });

async function main(): Promise<void> {
  const rows = process.argv.includes('--quick') ? 100_000 : MONTH;
  const dir = await mkdtemp(path.join(tmpdir(), 'restream-bench-'));
  const childScript = bundleChild('plot-child.ts', dir);
  // The bundled child runs from the temp dir: it finds the packages it loads at run time (resvg's native
  // binary, uPlot's browser build) through NODE_PATH, as an installed SDK finds them beside itself.
  process.env.NODE_PATH = path.join(ROOT, 'node_modules');
  // Dense rows (every field every second), the worst case: the mock's default real-shaped rows carry these
  // frac fields on a tenth of the seconds only.
  const mock = await startMockProcess(['--row-shape', 'full']);
  console.log(`plot bench on ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${fmt(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  console.log(`${fmt(rows)} one-second rows of ${FIELDS.join(', ')}; mock server in its own process; each case in a fresh child process\n`);
  console.log(['case', 'rows', 'MB recv', 'seconds', 'rows/s', 'peak RSS MB', 'vs .csv save', 'points'].join('\t'));
  try {
    const base = { url: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, dir, rows, fields: FIELDS };
    let csvRate = NaN;
    for (const kind of ['csv', 'svg', 'png', 'html'] as Kind[]) {
      const config: CaseConfig = { ...base, kind };
      const r = await runJsonChild<CaseResult>([childScript, JSON.stringify(config)], kind);
      const rate = r.rows / r.seconds;
      if (kind === 'csv') csvRate = rate;
      const label = kind === 'csv' ? "save('x.csv')" : `plot('x.${kind}')`;
      console.log([label, fmt(r.rows), fmt(r.bytes / 1e6, 1), fmt(r.seconds, 2), fmt(rate), fmt(r.maxRssMb), fmt(rate / csvRate, 2), r.points === undefined ? '' : fmt(r.points)].join('\t'));
    }
  } finally {
    await mock.stop();
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
