/**
 * `restream dashboard --site <id>`: a local web page with live charts of a site's fields, until Ctrl+C /
 * SIGTERM (exit 0). `--mock` runs it against the embedded mock server with live rows, for a demo.
 *
 * `--host` is the address to listen on. `--host` is also every command's API URL option, and commander gives
 * both one value, so the dashboard tells them apart by form: an `http(s)://` URL is the API, anything else
 * (`0.0.0.0`, `::1`, a host name) is where to listen. Both at once: the API URL goes in RESTREAM_HOST.
 */
import { Option, type Command } from 'commander';
import { Restream } from '../../client';
import { startMockServer, type MockServer } from '../../mock';
import { startDashboard, type DashboardOptions } from '../../plot/dashboard';
import { nameList, portNumber, positiveInt } from '../args';
import { cliIo, globalsOf, makeClient } from '../context';
import { UsageError } from '../errors';
import { onStopSignal } from '../signals';

interface DashboardFlags {
  site?: number;
  fields?: string[];
  port?: number;
  agg?: 'min' | 'max' | 'mean';
  siUnits?: boolean;
  mock?: boolean;
}

/** Live rows of the embedded mock: one second of rows every second, like the real feed. */
const MOCK_LIVE_MS = 1000;

export function registerDashboard(program: Command): void {
  program
    .command('dashboard')
    .description('a local web page with live charts of a site: the last hour, then its realtime rows (Ctrl+C stops it)')
    .addOption(new Option('--site <id>', 'the site to chart (with --mock: default the demo site 1112)').argParser(positiveInt))
    .addOption(new Option('--fields <names>', "comma-separated field names (default: six customer-facing fields; 'restream fields site <id>' lists them)").argParser(nameList))
    .addOption(new Option('--port <n>', 'TCP port (default: any free port)').argParser(portNumber))
    .option('--host <address>', 'address to listen on (default 127.0.0.1; any other prints a warning). An http(s):// URL here is the API host, as for every command')
    .addOption(new Option('--agg <a>', "how the history's ten-second buckets aggregate (default mean)").choices(['min', 'max', 'mean']))
    .option('--si-units', 'SI units (default: imperial)')
    .option('--mock', 'run against the embedded mock server with live rows (a demo; needs no credentials)')
    .addHelpText(
      'after',
      `
The page opens with the last hour (ten-second buckets, aggregated by the API), then adds the live rows of
the site's realtime stream. It shows both links (browser ↔ dashboard, dashboard ↔ API) and their
reconnects, and marks the stage boundaries. Its URL holds a random token, new on every run: share it only
with people who may see the data.

Examples:
  restream dashboard --site 1112 --fields M1_slurry_rate,M1_surface_treating_pressure
  restream dashboard --mock
  restream dashboard --site 1112 --host 0.0.0.0 --port 8080   # reachable from other machines (warns)`,
    )
    .action(async (opts: DashboardFlags, command: Command) => {
      const globals = globalsOf(command);
      const { stdout, stderr } = cliIo();
      const givenHost = globals.host;
      const listenHost = givenHost !== undefined && !/^https?:\/\//i.test(givenHost) ? givenHost : undefined;

      let mock: MockServer | undefined;
      let client: Restream;
      let site = opts.site;
      if (opts.mock) {
        if (givenHost !== undefined && listenHost === undefined) throw new UsageError('--mock runs its own API: give no API --host with it');
        mock = await startMockServer({ realtime: { live: { intervalMs: MOCK_LIVE_MS } } });
        client = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {} });
        site ??= mock.ids.demoSites[1] ?? mock.ids.demoSites[0];
        stderr.write(`restream: embedded mock server at ${mock.url}, live rows every second\n`);
      } else {
        if (site === undefined) throw new UsageError('which site? --site <id> (or --mock for a demo)');
        client = makeClient(listenHost === undefined ? globals : { ...globals, host: undefined });
      }

      const chatty = globals.verbose === true || stderr.isTTY === true;
      const options: DashboardOptions = {
        site: site!,
        onWarning: (m) => stderr.write(`restream: warning: ${m}\n`),
        onApiLink: (link) => {
          // A failed link is said always (the page stops updating); the rest on a terminal or with --verbose.
          if (link.state === 'failed') stderr.write(`restream: the live stream failed: ${link.error ?? 'unknown error'}; the page shows the rows it has\n`);
          else if (chatty && link.state === 'reconnecting') {
            stderr.write(`restream: API link lost${link.error ? ` (${link.error})` : ''}; reconnecting in ${link.retryInMs ?? 0} ms (reconnect ${link.reconnects})\n`);
          } else if (chatty && link.state === 'live' && link.connections > 1) stderr.write(`restream: API link live again (connection ${link.connections})\n`);
        },
      };
      if (opts.fields !== undefined) options.fields = opts.fields;
      if (opts.port !== undefined) options.port = opts.port;
      if (listenHost !== undefined) options.host = listenHost;
      if (opts.agg !== undefined) options.aggregation = opts.agg;
      if (opts.siUnits) options.siUnits = true;

      try {
        const dashboard = await startDashboard(client, options);
        // Listen for Ctrl+C before printing: a script that reads the URL may signal at once.
        const stopped = new Promise<void>((resolve) => {
          const remove = onStopSignal(() => {
            remove();
            resolve();
          });
        });
        if (globals.json) {
          await stdout.write(`${JSON.stringify({ url: dashboard.url, site: dashboard.site, fields: dashboard.fields })}\n`);
        } else {
          await stdout.write(`${dashboard.url}\n`);
        }
        await stdout.flush();
        stderr.write(`restream: dashboard of site ${dashboard.site.id} (${dashboard.site.name}): ${dashboard.fields.join(', ')}; open the URL above; Ctrl+C stops it\n`);
        await stopped;
        await dashboard.close();
      } finally {
        await mock?.close();
      }
    });
}
