/**
 * Exit codes and error reporting of the `restream` command. One line on stderr per failure, no stack unless
 * `--verbose`; the SDK's messages are already free of tokens and secrets.
 *
 * - 0: done
 * - 1: the API or the file system failed (any `RestreamError` but a `ValidationError`, I/O errors)
 * - 2: usage: unknown command or option, a bad value, a `ValidationError` from the SDK
 */
import { CommanderError } from 'commander';
import { RestreamError, ValidationError } from '../http/errors';

export const EXIT_OK = 0;
export const EXIT_FAILURE = 1;
export const EXIT_USAGE = 2;

/** A usage error found by the CLI itself (a missing target, two stage filters at once, ...). */
export class UsageError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'UsageError';
  }
}

/** SDK option names as the CLI spells them, so a ValidationError names the flag the user typed. */
const FLAG_NAMES: ReadonlyArray<[RegExp, string]> = [
  [/\{ ?overwrite: true ?\}/g, '--overwrite'],
  [/\bisRouted: true\b/g, '--routed'],
  [/\bstartDatetime\b/g, '--start'],
  [/\bendDatetime\b/g, '--end'],
  [/\bstageNameFilter\b/g, '--frac/--wl/--standby'],
  [/\bstageNumber\b/g, '--stage'],
  [/\baggregation\b/g, '--agg'],
  [/\bsiUnits\b/g, '--si-units'],
  [/\bmeasurementSources\b/g, '--sources'],
  [/\bisRouted\b/g, '--routed'],
  [/\bfillDataMethod\b/g, '--fill'],
  [/\bfillDataLimit\b/g, '--fill-limit'],
  [/\binsideAreaOnly\b/g, '--inside-area-only'],
  [/\bresolution: '([\w-]+)'/g, '--resolution $1'],
  [/\bsessionKey\b/g, '--session-key'],
  [/\bauthToken\b/g, '--token'],
  [/\bclientSecret\b/g, '--client-secret'],
  [/\bclientId\b/g, '--client-id'],
  [/^host:/, '--host:'],
  [/^(fields|width|height|title)(\[\d+\])?:/, '--$1$2:'],
  [/^into:/, '--into:'],
  [/\bcannot be combined with live\b/, 'cannot be combined with --live'],
];

/** A ValidationError's message with the SDK's option names replaced by the CLI's flags. */
export function usageMessage(error: ValidationError): string {
  let text = error.message;
  for (const [pattern, flag] of FLAG_NAMES) text = text.replace(pattern, flag);
  return text;
}

/** The exit code for an error. */
export function exitCodeOf(error: unknown): number {
  if (error instanceof CommanderError) return error.exitCode === 0 ? EXIT_OK : EXIT_USAGE;
  if (error instanceof UsageError || error instanceof ValidationError) return EXIT_USAGE;
  return EXIT_FAILURE;
}

/** The one line printed for an error (without the `restream: ` prefix). */
export function messageOf(error: unknown): string {
  if (error instanceof ValidationError) return usageMessage(error);
  if (error instanceof RestreamError || error instanceof UsageError) return error.message;
  if (error instanceof Error) {
    const code = (error as NodeJS.ErrnoException).code;
    return code && !error.message.includes(code) ? `${code}: ${error.message}` : error.message;
  }
  return String(error);
}

/** Writes the error to stderr (one line, plus the stack with `verbose`) and returns the exit code. */
export function reportError(error: unknown, options: { verbose: boolean; stderr?: NodeJS.WritableStream; command?: string }): number {
  const stderr = options.stderr ?? process.stderr;
  const code = exitCodeOf(error);
  const line = messageOf(error).replace(/\s*\n\s*/g, ' ');
  const hint = code === EXIT_USAGE && !(error instanceof CommanderError) ? ` (see 'restream ${options.command ? `${options.command} ` : ''}--help')` : '';
  stderr.write(`restream: ${line}${hint}\n`);
  if (options.verbose && error instanceof Error && error.stack) {
    stderr.write(`${error.stack}\n`);
    let cause = (error as { cause?: unknown }).cause;
    while (cause instanceof Error) {
      stderr.write(`caused by: ${cause.stack ?? cause.message}\n`);
      cause = (cause as { cause?: unknown }).cause;
    }
  }
  return code;
}
