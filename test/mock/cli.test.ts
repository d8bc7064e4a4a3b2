import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';

const ROOT = path.resolve(__dirname, '..', '..');

/** Collects a child's stdout and resolves once `pattern` has appeared in it. */
function waitForOutput(child: ChildProcess, pattern: RegExp): Promise<string> {
  return new Promise((resolve, reject) => {
    let out = '';
    const onData = (chunk: Buffer): void => {
      out += chunk.toString('utf8');
      if (pattern.test(out)) {
        child.stdout?.off('data', onData);
        resolve(out);
      }
    };
    child.stdout?.on('data', onData);
    // 'close', not 'exit': npx may exit on the signal before the server's last line has been read from the pipe
    // the three processes share; 'close' comes once every one of them has closed it, all output delivered.
    child.once('close', (code, signal) => reject(new Error(`mock CLI exited early (${code ?? signal}): ${out}`)));
  });
}

describe('restream-mock CLI', () => {
  it('prints its URL and credentials, serves tokens, and closes on SIGTERM', async () => {
    // Its own process group, so the signal reaches npx, tsx and the server alike.
    const child = spawn('npx', ['tsx', 'src/mock/cli.ts', '--port', '0', '--seed', '3', '--pad-row-order', 'time'], { cwd: ROOT, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    try {
      const out = await waitForOutput(child, /RESTREAM_HOST=\S+ RESTREAM_CLIENT_ID=\S+ RESTREAM_CLIENT_SECRET=\S+\n/);
      const url = /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(out)?.[1];
      expect(url).toBeDefined();
      const env = /RESTREAM_HOST=(\S+) RESTREAM_CLIENT_ID=(\S+) RESTREAM_CLIENT_SECRET=(\S+)/.exec(out)!;
      expect(env[1]).toBe(url);
      const res = await fetch(`${url}/o/token/`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ client_id: env[2]!, client_secret: env[3]!, grant_type: 'client_credentials' }),
      });
      expect(res.status).toBe(200);
      const token = ((await res.json()) as { access_token: string }).access_token;
      const pad = await fetch(`${url}/external/thirdparty/v1/pads/697/`, { headers: { authorization: `Bearer ${token}` } });
      expect(pad.status).toBe(200);
      // --pad-row-order time: a pad's rows by timestamp, then site (the default groups them by site).
      const data = await fetch(`${url}/external/thirdparty/v1/pads/697/data/?routed=true&start_datetime=2025-10-01%2000:00:00&end_datetime=2025-10-01%2000:00:01`, {
        headers: { authorization: `Bearer ${token}` },
      });
      const rows = (await data.json()) as Array<{ site_id: number }>;
      expect(rows.map((r) => r.site_id)).toEqual([1111, 1112, 1113, 1111, 1112, 1113]);

      const closing = waitForOutput(child, /SIGTERM: closing/);
      process.kill(-child.pid!, 'SIGTERM');
      await closing;
      await exited;
      await expect(fetch(`${url}/o/token/`, { method: 'POST' })).rejects.toThrow();
    } finally {
      if (child.exitCode === null && child.signalCode === null) process.kill(-child.pid!, 'SIGKILL');
    }
    expect(stderr).not.toMatch(/error/i);
  });

  it('refuses a pad row order it does not know', async () => {
    const child = spawn('npx', ['tsx', 'src/mock/cli.ts', '--pad-row-order', 'random'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('padRowOrder must be site or time');
  });

  it('refuses a non-loopback host', async () => {
    const child = spawn('npx', ['tsx', 'src/mock/cli.ts', '--host', '0.0.0.0'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stderr = '';
    child.stderr?.on('data', (c: Buffer) => (stderr += c.toString('utf8')));
    const code = await new Promise<number | null>((resolve) => child.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(stderr).toContain('loopback');
  });
});
