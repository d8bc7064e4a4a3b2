/**
 * Ctrl+C and `kill`: the first SIGINT/SIGTERM asks the running command to stop cleanly (close the stream,
 * abort the download and remove its temp file); a second one exits at once.
 */
import { constants } from 'node:os';

/** The reason an interrupted download is aborted with. */
export class Interrupted extends Error {
  constructor(readonly signal: NodeJS.Signals) {
    super(`interrupted by ${signal}`);
    this.name = 'Interrupted';
  }

  /** The conventional exit code: 128 + the signal number (130 for SIGINT, 143 for SIGTERM). */
  get exitCode(): number {
    return 128 + (constants.signals[this.signal] ?? 2);
  }
}

/** The reason a download is aborted with when stdout's reader went away. */
export class BrokenPipe extends Error {
  constructor() {
    super('stdout closed');
    this.name = 'BrokenPipe';
  }
}

/** Calls `handler` on the first SIGINT or SIGTERM; returns a function that removes the handlers. */
export function onStopSignal(handler: (signal: NodeJS.Signals) => void): () => void {
  let stopping = false;
  const listener = (signal: NodeJS.Signals) => {
    if (stopping) process.exit(128 + (constants.signals[signal] ?? 2));
    stopping = true;
    handler(signal);
  };
  process.on('SIGINT', listener);
  process.on('SIGTERM', listener);
  return () => {
    process.off('SIGINT', listener);
    process.off('SIGTERM', listener);
  };
}
