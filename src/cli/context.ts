/**
 * What every command gets: the global options, a client built from them (flags over `RESTREAM_*`
 * environment variables), and the output streams.
 */
import type { Command } from 'commander';
import { Restream, type RestreamOptions } from '../client';
import { StdoutWriter } from './output';

/** Options of `restream` itself, accepted before or after the command. */
export interface GlobalOptions {
  host?: string;
  clientId?: string;
  clientSecret?: string;
  token?: string;
  json?: boolean;
  verbose?: boolean;
  progress?: boolean;
}

export interface CliIo {
  stdout: StdoutWriter;
  stderr: NodeJS.WriteStream;
  env: NodeJS.ProcessEnv;
}

let io: CliIo | undefined;

/** The process's streams (one StdoutWriter per process, so EPIPE is handled once). */
export function cliIo(): CliIo {
  io ??= { stdout: new StdoutWriter(process.stdout), stderr: process.stderr, env: process.env };
  return io;
}

/** The global options as seen from a (sub)command. */
export function globalsOf(command: Command): GlobalOptions {
  return command.optsWithGlobals<GlobalOptions>();
}

/**
 * A client from the flags, falling back to `RESTREAM_HOST`, `RESTREAM_CLIENT_ID`,
 * `RESTREAM_CLIENT_SECRET`, `HTTPS_PROXY`/`HTTP_PROXY`/`NO_PROXY` and `RESTREAM_LOG` (read by `Restream`
 * itself) and `RESTREAM_TOKEN` (read here). `--verbose` turns the SDK's log (stderr) up to `debug`: every
 * request, retry and reconnect.
 */
export function makeClient(globals: GlobalOptions, env: NodeJS.ProcessEnv = process.env): Restream {
  const options: RestreamOptions = { env };
  if (globals.host !== undefined) options.host = globals.host;
  if (globals.clientId !== undefined) options.clientId = globals.clientId;
  if (globals.clientSecret !== undefined) options.clientSecret = globals.clientSecret;
  const token = globals.token ?? (env.RESTREAM_TOKEN || undefined);
  if (token !== undefined) options.authToken = token;
  if (globals.verbose) options.logLevel = 'debug';
  return new Restream(options);
}

/** Whether to draw a progress bar: stderr is a terminal and `--no-progress` was not given. */
export function wantProgress(globals: GlobalOptions): boolean {
  return globals.progress !== false && process.stderr.isTTY === true;
}
