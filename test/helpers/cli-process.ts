/**
 * The `restream` command as a real child process (`node --import tsx src/cli.ts`) pointed at a mock server:
 * its output and its exit.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import type { MockServer } from '../../src/mock';

const ROOT = path.resolve(__dirname, '..', '..');
const CLI = path.join(ROOT, 'src', 'cli.ts');

export interface CliRun {
  child: ChildProcess;
  stdout(): string;
  stderr(): string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

/** Starts `restream <args>` with the mock's host and credentials in its environment (no other RESTREAM_*). */
export function startCli(mock: MockServer, args: string[], env: Record<string, string> = {}): CliRun {
  const childEnv: NodeJS.ProcessEnv = { ...process.env };
  for (const key of Object.keys(childEnv)) if (key.startsWith('RESTREAM_')) delete childEnv[key];
  Object.assign(childEnv, { RESTREAM_HOST: mock.url, RESTREAM_CLIENT_ID: mock.clientId, RESTREAM_CLIENT_SECRET: mock.clientSecret }, env);
  const child = spawn(process.execPath, ['--import', 'tsx', CLI, ...args], { cwd: ROOT, env: childEnv, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.setEncoding('utf8').on('data', (c: string) => (out += c));
  child.stderr!.setEncoding('utf8').on('data', (c: string) => (err += c));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once('close', (code, signal) => resolve({ code, signal })));
  return { child, stdout: () => out, stderr: () => err, exited };
}

/** Runs `restream <args>` to its end. */
export async function runCli(mock: MockServer, args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; stdout: string; stderr: string }> {
  const run = startCli(mock, args, env);
  const { code } = await run.exited;
  return { code, stdout: run.stdout(), stderr: run.stderr() };
}
