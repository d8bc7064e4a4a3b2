/**
 * `restream mock`: starts the embedded mock server on 127.0.0.1 and prints its URL and credentials (the
 * mock's own, made up, as `restream-mock` prints them), then runs until Ctrl+C / SIGTERM.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { startMockServer, type MockServerOptions, type PadRowOrder, type RowShape } from '../../mock';
import { mockServerSummary } from '../../mock/server';
import { portNumber, positiveInt } from '../args';
import { cliIo, globalsOf } from '../context';
import { onStopSignal } from '../signals';

function seed(value: string): number {
  if (!/^-?\d+$/.test(value)) throw new InvalidArgumentError('must be an integer.');
  return Number(value);
}

export function registerMock(program: Command): void {
  program
    .command('mock')
    .description('run the embedded mock ReStream server on 127.0.0.1 and print its URL and credentials')
    .addOption(new Option('--port <n>', 'TCP port (default: any free port)').argParser(portNumber))
    .addOption(new Option('--seed <n>', 'seed of the demo data (default 1)').argParser(seed))
    .addOption(new Option('--row-shape <shape>', 'layout of measurement rows: sparse (default, as the API sends them), full (dense) or wide12').choices(['full', 'sparse', 'wide12']))
    .addOption(new Option('--pad-row-order <order>', "order of a pad's data rows: by site, then time, like the real API (default), or by time").choices(['site', 'time']))
    .addOption(new Option('--live <ms>', 'push a second of live rows every <ms> to the WebSocket sessions (for watch)').argParser(positiveInt))
    .action(async (opts: { port?: number; seed?: number; rowShape?: RowShape; padRowOrder?: PadRowOrder; live?: number }, command: Command) => {
      const options: MockServerOptions = {};
      if (opts.port !== undefined) options.port = opts.port;
      if (opts.seed !== undefined) options.seed = opts.seed;
      if (opts.rowShape !== undefined) options.rowShape = opts.rowShape;
      if (opts.padRowOrder !== undefined) options.padRowOrder = opts.padRowOrder;
      if (opts.live !== undefined) options.realtime = { live: { intervalMs: opts.live } };
      const mock = await startMockServer(options);
      // Listen for Ctrl+C before printing: a script that reads the URL may signal at once.
      const stopped = new Promise<void>((resolve) => {
        const remove = onStopSignal(() => {
          remove();
          resolve();
        });
      });
      const { stdout, stderr } = cliIo();
      if (globalsOf(command).json) {
        const info = { url: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, demoPad: mock.ids.demoPad, demoSites: mock.ids.demoSites };
        await stdout.write(`${JSON.stringify(info)}\n`);
      } else {
        await stdout.write(
          [
            ...mockServerSummary(mock),
            '',
            'Point the CLI or the SDK at it with:',
            `export RESTREAM_HOST=${mock.url}`,
            `export RESTREAM_CLIENT_ID=${mock.clientId}`,
            `export RESTREAM_CLIENT_SECRET=${mock.clientSecret}`,
            '',
          ].join('\n'),
        );
      }
      await stdout.flush();
      stderr.write('restream: mock server running; Ctrl+C stops it\n');
      await stopped;
      await mock.close();
    });
}
