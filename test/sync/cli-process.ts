/**
 * `restream sync` as a child process, as users and cron run it: its output so far, waits on lines it
 * prints (the crash tests' checkpoints), and its exit. Nothing here sleeps: every wait is on output or exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { MockServer } from '../../src/mock';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'src', 'cli.ts');
/** tsx's loader by path, so the command runs from any folder (a test's temp folder as its working directory). */
const TSX = pathToFileURL(require.resolve('tsx')).href;

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

  /** Resolves once `test` holds; rejects, with the output, if the process ends first. */
  until(test: () => boolean, what: string): Promise<void> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        if (test()) return resolve();
        if (this.child.exitCode !== null || this.child.signalCode !== null) {
          return reject(new Error(`restream exited (${this.child.exitCode ?? this.child.signalCode}) before ${what}; stdout: ${this.stdout.slice(-500)}; stderr: ${this.stderr.slice(-2000)}`));
        }
        this.waiters.push(check);
      };
      check();
    });
  }

  /** Resolves once stderr has a line matching `pattern`. */
  untilStderr(pattern: RegExp, what = String(pattern)): Promise<void> {
    return this.until(() => pattern.test(this.stderr), what);
  }

  /** Kills the process with SIGKILL (no cleanup of any kind) and waits for it to be gone. */
  async kill(): Promise<void> {
    this.child.kill('SIGKILL');
    await this.exited;
  }
}

/** Starts `restream <args>` against the mock; `env` adds variables (checkpoints, halts). */
export function startCli(mock: MockServer, args: string[], env: Record<string, string> = {}, cwd = ROOT): CliProcess {
  const base: NodeJS.ProcessEnv = { ...process.env };
  for (const k of Object.keys(base)) if (k.startsWith('RESTREAM_') || k.startsWith('PG')) delete base[k];
  const child = spawn(process.execPath, ['--import', TSX, CLI, ...args], {
    cwd,
    env: { ...base, RESTREAM_HOST: mock.url, RESTREAM_CLIENT_ID: mock.clientId, RESTREAM_CLIENT_SECRET: mock.clientSecret, ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  return new CliProcess(child);
}

/** Runs `restream <args>` to its end. */
export async function runCli(mock: MockServer, args: string[], env: Record<string, string> = {}, cwd = ROOT): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const cli = startCli(mock, args, env, cwd);
  const { code } = await cli.exited;
  return { code, stdout: cli.stdout, stderr: cli.stderr };
}
