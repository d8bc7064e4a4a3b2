#!/usr/bin/env node
/**
 * `restream-mock`: runs the embedded ReStream server until SIGINT/SIGTERM, so the SDK, the demo or any
 * other client can be pointed at it with three environment variables.
 */
import { parseArgs } from 'node:util';
import type { PadRowOrder, RowShape } from './measurements';
import { mockServerSummary, startMockServer, type MockServerOptions } from './server';

const USAGE = `Usage: restream-mock [--port N] [--host 127.0.0.1|::1] [--seed N] [--row-shape full|sparse|wide12]
                     [--pad-row-order site|time]

Runs a mock ReStream Datastore API on the loopback interface until interrupted.
  --port       TCP port (default 0: any free port)
  --host       loopback address to listen on (default 127.0.0.1)
  --seed       seed of the demo data (default 1)
  --row-shape  layout of measurement rows: sparse (default) as the real API sends them,
               full (every series on every row, the dense worst case) or wide12
  --pad-row-order  order of a pad's data rows: grouped by site, then time, like the real API
               (site, the default), or by timestamp, then site (time)
`;

function integer(name: string, value: string | undefined): number | undefined {
  if (value === undefined) return undefined;
  if (!/^-?\d+$/.test(value)) throw new Error(`--${name} must be an integer, got '${value}'`);
  return Number(value);
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      seed: { type: 'string' },
      'row-shape': { type: 'string' },
      'pad-row-order': { type: 'string' },
      help: { type: 'boolean', short: 'h' },
    },
    strict: true,
  });
  if (values.help) {
    process.stdout.write(USAGE);
    return;
  }
  const options: MockServerOptions = {};
  const port = integer('port', values.port);
  if (port !== undefined) options.port = port;
  const seed = integer('seed', values.seed);
  if (seed !== undefined) options.seed = seed;
  if (values.host !== undefined) {
    if (values.host !== '127.0.0.1' && values.host !== '::1') throw new Error(`--host must be a loopback address (127.0.0.1 or ::1), got '${values.host}'`);
    options.host = values.host;
  }
  if (values['row-shape'] !== undefined) options.rowShape = values['row-shape'] as RowShape;
  if (values['pad-row-order'] !== undefined) options.padRowOrder = values['pad-row-order'] as PadRowOrder;

  const mock = await startMockServer(options);
  // Listen for signals before printing the URL: a script that reads it may stop the server at once.
  let stopping = false;
  const stop = (signal: NodeJS.Signals): void => {
    if (stopping) return;
    stopping = true;
    process.stdout.write(`\n${signal}: closing\n`);
    mock.close().then(
      () => process.exit(0),
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
  process.stdout.write(
    [
      ...mockServerSummary(mock),
      '',
      'Point a client at it with:',
      `RESTREAM_HOST=${mock.url} RESTREAM_CLIENT_ID=${mock.clientId} RESTREAM_CLIENT_SECRET=${mock.clientSecret}`,
      '',
      'Ctrl+C stops it.',
      '',
    ].join('\n'),
  );

}

main().catch((err: unknown) => {
  process.stderr.write(`restream-mock: ${err instanceof Error ? err.message : String(err)}\n\n${USAGE}`);
  process.exit(2);
});
