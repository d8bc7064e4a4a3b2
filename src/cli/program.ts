/**
 * The `restream` command tree (commander), and `main`, which runs it and turns the outcome into an exit
 * code: 0 done, 1 API or I/O failure, 2 usage error; one line on stderr, the stack only with `--verbose`.
 */
import { Command, CommanderError, Option } from 'commander';
import { VERSION } from '../version';
import { registerAssets } from './commands/assets';
import { registerDashboard } from './commands/dashboard';
import { registerData } from './commands/data';
import { registerExport } from './commands/export';
import { registerMock } from './commands/mock';
import { registerPlot } from './commands/plot';
import { registerResources } from './commands/resources';
import { registerSync } from './commands/sync';
import { registerWatch } from './commands/watch';
import { cliIo } from './context';
import { EXIT_USAGE, exitCodeOf, reportError } from './errors';

const EPILOG = `
Connection: --host, --client-id, --client-secret, --token, or the environment variables
RESTREAM_HOST, RESTREAM_CLIENT_ID, RESTREAM_CLIENT_SECRET, RESTREAM_TOKEN (prefer them for secrets:
command-line flags are visible to other users in the process list). Proxy: HTTPS_PROXY, HTTP_PROXY,
NO_PROXY; a company CA: NODE_EXTRA_CA_CERTS=/path/ca.pem; the SDK's log: RESTREAM_LOG=warn|info|debug.

Examples:
  restream pads list
  restream sites get 1112 --json
  restream stages site 1112 --frac --aggregations --metrics max_surface_pressure
  restream data site 1112 --start 2025-10-01T00:00:00Z --end 2025-10-01T23:59:59Z \\
      --fields M1_slurry_rate,tds --resolution minute --agg mean -o out.csv
  restream data pad 697 --start 2025-10-01T00:00:00Z --end 2025-10-01T00:10:00Z --routed | jq .site_id
  restream changes pad 697 --save changes.csv --confirm
  restream watch site 1112 --session-file ~/.restream-1112.json
  restream plot site 1112 --start 2025-10-01T00:00:00Z --end 2025-10-01T23:59:59Z \\
      --fields M1_surface_treating_pressure,M1_slurry_rate,M1_proppant_conc -o day.png   # .svg .png .html
  restream export --pads 697 --start 2025-10-01T00:00:00Z --end 2025-10-31T23:59:59Z --dir out/ --format parquet
  restream dashboard --site 1112 --fields M1_slurry_rate,tds
  restream sync --pads 697 --start 2025-10-01T00:00:00Z --into restream.duckdb   # again from cron: continues
  restream sync --sites 1112 --start 2025-10-01T00:00:00Z --into postgres://me@db/ops --live
  restream mock

Exit codes: 0 done, 1 API or I/O error, 2 usage error.`;

/** The command tree. Commander's own errors (unknown option, bad value) are thrown, not exited on. */
export function buildProgram(): Command {
  const program = new Command('restream');
  const { stderr } = cliIo();
  program
    .description('The ReStream Datastore API from the command line: pads, sites, stages, measurement data, data changes, live rows.')
    .version(VERSION, '-V, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .option('--host <url>', 'API base URL (env RESTREAM_HOST; default https://app.restreamsolutions.com)')
    .option('--client-id <id>', 'OAuth2 client id (env RESTREAM_CLIENT_ID)')
    .option('--client-secret <secret>', 'OAuth2 client secret (prefer env RESTREAM_CLIENT_SECRET)')
    .option('--token <token>', 'a ready access token instead of client credentials (prefer env RESTREAM_TOKEN)')
    .option('--json', 'JSON output instead of tables')
    .addOption(new Option('--no-progress', 'no progress bar on stderr (it only shows on a terminal anyway)'))
    .option('--verbose', 'the request log on stderr (every request, retry and reconnect; RESTREAM_LOG=debug), stack traces on errors')
    .showSuggestionAfterError(true)
    .exitOverride()
    .configureOutput({
      writeErr: (text) => stderr.write(text),
      outputError: (text, write) => write(`restream: ${text.replace(/^error: /, '').trimEnd().replace(/\s*\n\s*/g, ' ')}\n`),
    })
    .addHelpText('after', EPILOG);

  registerResources(program);
  registerAssets(program);
  registerData(program);
  registerWatch(program);
  registerExport(program);
  registerDashboard(program);
  registerPlot(program);
  registerSync(program);
  registerMock(program);
  return program;
}

/** Runs the CLI on `argv` (process.argv shape); resolves with the exit code. */
export async function main(argv: readonly string[]): Promise<number> {
  const program = buildProgram();
  let command = '';
  const verbose = argv.includes('--verbose');
  try {
    program.hook('preAction', (_root, action) => {
      command = commandPath(action);
    });
    await program.parseAsync([...argv]);
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    // Commander has already printed its message (or the help / version).
    if (error instanceof CommanderError) return exitCodeOf(error);
    return reportError(error, { verbose, command });
  }
}

function commandPath(command: Command): string {
  const names: string[] = [];
  for (let c: Command | null = command; c && c.parent; c = c.parent) names.unshift(c.name());
  return names.join(' ');
}

export { EXIT_USAGE };
