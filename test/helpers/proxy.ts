/**
 * Starts the test proxy (proxy-process.mts) and follows what it reports: which CONNECT targets and
 * forwarded requests passed through it, and how its credential checks went.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { createInterface } from 'node:readline';

const SCRIPT = path.join(__dirname, 'proxy-process.mts');

export interface TestProxy {
  /** `http://127.0.0.1:<port>` (no credentials). */
  readonly url: string;
  readonly port: number;
  /** `host:port` of every CONNECT, in order. */
  readonly connects: string[];
  /** `METHOD absolute-URI` of every forwarded request. */
  readonly requests: string[];
  /** Credential checks: `accepted` or `refused`, in order. */
  readonly auth: string[];
  /** `url` with `user:password@` in it. */
  urlWith(user: string, password: string): string;
  /** Resolves once `test` holds (the proxy reports asynchronously, on its own stdout). */
  until(test: () => boolean, what: string): Promise<void>;
  close(): Promise<void>;
}

export async function startProxy(options: { auth?: string; localAddress?: string } = {}): Promise<TestProxy> {
  const env: NodeJS.ProcessEnv = { ...process.env, PROXY_AUTH: options.auth ?? '', PROXY_LOCAL_ADDRESS: options.localAddress ?? '' };
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', SCRIPT], { env, stdio: ['pipe', 'pipe', 'inherit'] });
  const connects: string[] = [];
  const requests: string[] = [];
  const auth: string[] = [];
  let waiters: Array<() => void> = [];
  const wake = () => {
    const now = waiters;
    waiters = [];
    for (const w of now) w();
  };
  let exited = false;
  child.once('exit', () => {
    exited = true;
    wake();
  });
  const port = await new Promise<number>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`test proxy exited with ${code} before listening`)));
    createInterface({ input: child.stdout! }).on('line', (line) => {
      const event = JSON.parse(line) as { port?: number; connect?: string; request?: string; auth?: string };
      if (event.port !== undefined) resolve(event.port);
      if (event.connect !== undefined) connects.push(event.connect);
      if (event.request !== undefined) requests.push(event.request);
      if (event.auth !== undefined) auth.push(event.auth);
      wake();
    });
  });
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    port,
    connects,
    requests,
    auth,
    urlWith: (user, password) => `http://${encodeURIComponent(user)}:${encodeURIComponent(password)}@127.0.0.1:${port}`,
    until(test, what) {
      return new Promise((resolve, reject) => {
        const check = () => {
          if (test()) return resolve();
          if (exited) return reject(new Error(`test proxy exited before ${what}`));
          waiters.push(check);
        };
        check();
      });
    },
    close() {
      if (exited) return Promise.resolve();
      return new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.stdin!.end();
      });
    },
  };
}
