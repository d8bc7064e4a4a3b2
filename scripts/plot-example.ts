/**
 * `npm run plot-example`: makes docs/plot-example.png, the README's picture, with the `restream plot`
 * command against the embedded mock server's demo data. The mock's clock is fixed, so the picture is the
 * same on every run.
 */
import path from 'node:path';
import { main } from '../src/cli/program';
import { startMockServer } from '../src/mock';

const OUT = path.resolve(__dirname, '..', 'docs', 'plot-example.png');

async function run(): Promise<void> {
  const mock = await startMockServer({ now: () => new Date('2025-10-09T08:00:00Z') });
  try {
    Object.assign(process.env, { RESTREAM_HOST: mock.url, RESTREAM_CLIENT_ID: mock.clientId, RESTREAM_CLIENT_SECRET: mock.clientSecret });
    const args = [
      'plot', 'site', '1112',
      '--start', '2025-10-08T00:00:00Z', '--end', '2025-10-08T23:59:59Z',
      '--fields', 'M1_surface_treating_pressure,M1_slurry_rate,M1_proppant_conc',
      '--width', '1200', '-o', OUT, '--overwrite', '--verbose',
    ];
    console.log(`restream ${args.join(' ').replace(OUT, path.relative(process.cwd(), OUT))}`);
    const code = await main(['node', 'restream', ...args]);
    if (code !== 0) throw new Error(`restream plot exited ${code}`);
  } finally {
    await mock.close();
  }
}

run().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
