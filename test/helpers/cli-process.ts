/**
 * The `restream` command as users run it: a real child process (`node --import tsx src/cli.ts`), its output
 * as it comes, waits on that output (never on sleeps), and its exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MockServer } from '../../src/mock';

export const ROOT = path.resolve(__dirname, '..', '..');
export const CLI = path.join(ROOT, 'src', 'cli.ts');
/** tsx's loader by path, so the command runs from any folder (a test's temp folder as its working directory). */
const TSX = pathToFileURL(require.resolve('tsx')).href;

export interface CliOptions {
  /** Point the command at this mock (RESTREAM_HOST and credentials); without it, no RESTREAM_* is set. */
  mock?: MockServer;
  /** More environment; `undefined` removes a variable. */
  env?: Record<string, string | undefined>;
  cwd?: string;
}

/** A running `restream` process: its output so far, waits on it, and its exit. */
export class CliProcess {
  stdout = '';
  stderr = '';
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  private waiters: Array<() => void> = [];

  constructor(readonly child: ChildProcess) {
    child.stdout!.setEncoding('utf8');
    child.stderr!.setEncoding('utf8');
    child.stdout!.on('data', (c: string) => {
      this.stdout += c;
      this.wake();
    });
    child.stderr!.on('data', (c: string) => {
      this.stderr += c;
      this.wake();
    });
    // 'close', not 'exit': the output is complete only once the pipes have closed.
    this.exited = new Promise((resolve) =>
      child.once('close', (code, signal) => {
        this.wake();
        resolve({ code, signal });
      }),
    );
  }

  private wake(): void {
    const waiters = this.waiters;
    this.waiters = [];
    for (const w of waiters) w();
  }

  /** The complete and partial lines of stdout so far. */
  get lines(): string[] {
    return this.stdout.split('\n').filter((l) => l !== '');
  }

  /** The exit code, once the process has ended. */
  async code(): Promise<number | null> {
    return (await this.exited).code;
  }

  /** Resolves once `test` holds, rejects if the process ends first. */
  until(test: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = () => {
        if (test()) return resolve();
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          return reject(new Error(`restream exited (${this.child.exitCode ?? this.child.signalCode}) before ${what}; stdout: ${this.stdout.slice(0, 500)}; stderr: ${this.stderr}`));
        }
        this.waiters.push(check);
      };
      check();
    });
  }

  untilLines(n: number): Promise<void> {
    return this.until(() => this.lines.length >= n && this.stdout.endsWith('\n'), `${n} lines on stdout`);
  }

  /** Resolves once stderr matches `pattern`. */
  untilStderr(pattern: RegExp, what = String(pattern)): Promise<void> {
    return this.until(() => pattern.test(this.stderr), what);
  }

  /** Kills the process with SIGKILL (no cleanup of any kind) and waits for it to be gone. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** The environment of a child: this one's without any RESTREAM_* or PG*, then the mock's, then `env`. */
export function cliEnv(options: CliOptions = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(env)) if (k.startsWith('RESTREAM_') || k.startsWith('PG')) delete env[k];
  if (options.mock) Object.assign(env, { RESTREAM_HOST: options.mock.url, RESTREAM_CLIENT_ID: options.mock.clientId, RESTREAM_CLIENT_SECRET: options.mock.clientSecret });
  for (const [k, v] of Object.entries(options.env ?? {})) {
    if (v === undefined) delete env[k];
    else env[k] = v;
  }
  return env;
}

/** Starts `restream <args>`. */
export function startCli(args: string[], options: CliOptions = {}): CliProcess {
  return new CliProcess(spawn(process.execPath, ['--import', TSX, CLI, ...args], { cwd: options.cwd ?? ROOT, env: cliEnv(options), stdio: ['ignore', 'pipe', 'pipe'] }));
}

/** Runs `restream <args>` to its end. */
export async function runCli(args: string[], options: CliOptions = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(args, options);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}
