/**
 * What the benchmarks share: the mock server in its own process, and cases run in fresh child processes
 * that print their result as the last line of stdout.
 */
import { spawn } from 'node:child_process';
import path from 'node:path';
import { buildSync } from 'esbuild';

export const ROOT = path.resolve(__dirname, '..');

export interface MockProcess {
  url: string;
  clientId: string;
  clientSecret: string;
  stop(): Promise<void>;
}

/** Starts `restream-mock` (src/mock/cli.ts) with `args` in its own process and reads its URL and credentials. */
export function startMockProcess(args: string[]): Promise<MockProcess> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'src/mock/cli.ts', '--port', '0', ...args], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => {
      out += d;
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      const id = /client id:\s+(\S+)/.exec(out)?.[1];
      const secret = /client secret:\s+(\S+)/.exec(out)?.[1];
      if (url && id && secret) {
        proc.stdout.removeAllListeners('data');
        proc.stdout.resume();
        resolve({
          url,
          clientId: id,
          clientSecret: secret,
          stop: () =>
            new Promise<void>((done) => {
              proc.once('close', () => done());
              proc.kill('SIGTERM');
            }),
        });
      }
    });
    proc.on('error', reject);
  });
}

/**
 * Bundles the case script `entry` (a .ts file in bench/) into `dir` and returns the .cjs path: the SDK as
 * users run it, compiled JavaScript bundled like dist/, measured in a plain `node` process. Through a
 * TypeScript loader every imported binding is a getter call, which costs hot loops several times over.
 */
export function bundleChild(entry: string, dir: string): string {
  const outfile = path.join(dir, `${path.basename(entry, '.ts')}.cjs`);
  buildSync({ entryPoints: [path.join(__dirname, entry)], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile, logLevel: 'error' });
  return outfile;
}

/** Runs `node <args>` and resolves with the JSON of the last line it printed. */
export function runJsonChild<T>(args: string[], label: string): Promise<T> {
  return new Promise((resolve, reject) => {
    const proc = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    proc.stdout.on('data', (d: Buffer) => (out += d));
    proc.on('error', reject);
    proc.on('close', (code) => {
      const line = out.trim().split('\n').pop() ?? '';
      if (code !== 0) reject(new Error(`case ${label} exited ${code}: ${out}`));
      else resolve(JSON.parse(line) as T);
    });
  });
}

/** The child side of runJsonChild: prints the case's result as one JSON line and exits (1 on failure). */
export function reportCase<T>(work: Promise<T>): void {
  work.then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (error: unknown) => {
      console.error(error);
      process.exit(1);
    },
  );
}
