#!/usr/bin/env node
/**
 * `restream`: the ReStream Datastore API from the command line, for scripts and cron jobs. The commands
 * live in src/cli/; this file only runs them and exits with their code once stdout has been flushed.
 */
import { cliIo } from './cli/context';
import { reportError } from './cli/errors';
import { main } from './cli/program';

// A failure nothing awaited (a bug, or a library's stray rejection): one line, like any other error.
process.on('unhandledRejection', (error: unknown) => {
  process.exit(reportError(error, { verbose: process.argv.includes('--verbose') }) || 1);
});

main(process.argv).then(
  async (code) => {
    await cliIo().stdout.flush();
    process.exit(code);
  },
  (error: unknown) => {
    process.stderr.write(`restream: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
