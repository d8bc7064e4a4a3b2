/**
 * Session stores: the memory and file stores' contracts, the file store's cross-process lock (refusal,
 * stale-lock takeover), and a process restart resuming the same key through a FileSessionStore.
 */
import { spawn, spawnSync } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import path from 'node:path';
import { WebSocketError } from '../../src';
import type { MockServer } from '../../src/mock';
import { FileSessionStore, MemorySessionStore, type SessionStore } from '../../src/realtime';
import { FAST, T0S, client, range, startRealtimeMock } from './helpers';

const ROOT = path.resolve(__dirname, '..', '..');
const CONSUMER = path.join(__dirname, 'fixtures', 'consumer.ts');

let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(path.join(tmpdir(), 'rt-store-'));
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.each([
  ['MemorySessionStore', () => new MemorySessionStore()],
  ['FileSessionStore', () => new FileSessionStore(dir)],
] as Array<[string, () => SessionStore]>)('%s', (_name, make) => {
  it('gets, sets, creates atomically and deletes records', async () => {
    const store = make();
    expect(await store.get('s1')).toBeUndefined();
    const created = await Promise.all([store.create('s1', { sessionKey: 'a' }), store.create('s1', { sessionKey: 'b' })]);
    expect(created[0]!.sessionKey).toBe(created[1]!.sessionKey);
    await store.set('s1', { sessionKey: 'c', position: { timestamp: 5, sites: [null] } });
    expect(await store.get('s1')).toMatchObject({ sessionKey: 'c', position: { timestamp: 5, sites: [null] }, updatedAt: expect.any(String) });
    expect((await store.create('s1', { sessionKey: 'd' })).sessionKey).toBe('c');
    await store.delete('s1');
    expect(await store.get('s1')).toBeUndefined();
  });
});

describe('FileSessionStore locks', () => {
  it('refuses a key locked by another holder, releases, and leaves no lock file behind', async () => {
    const a = new FileSessionStore(dir);
    const b = new FileSessionStore(dir);
    const lock = await a.lock!('host key1', 'key1');
    await expect(b.lock!('host key1', 'key1')).rejects.toThrow(WebSocketError);
    await expect(b.lock!('host key1', 'key1')).rejects.toThrow(new RegExp(`in use by process ${process.pid} on `));
    const other = await b.lock!('host key2', 'key2');
    await lock.release();
    const again = await b.lock!('host key1', 'key1');
    await again.release();
    await other.release();
    expect((await readdir(path.join(dir, 'locks'))).filter((f) => f.endsWith('.lock'))).toEqual([]);
  });

  it('takes over a lock whose process is dead', async () => {
    const store = new FileSessionStore(dir);
    const first = await store.lock!('host k', 'k');
    const [file] = (await readdir(path.join(dir, 'locks'))).filter((f) => f.endsWith('.lock'));
    const content = JSON.parse(await readFile(path.join(dir, 'locks', file!), 'utf8')) as Record<string, unknown>;
    await first.release();
    // The same lock, left by a process that has exited.
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!;
    await writeFile(path.join(dir, 'locks', file!), JSON.stringify({ ...content, pid: dead, hostname: hostname(), nonce: 'old' }));
    const lock = await store.lock!('host k', 'k');
    await lock.release();
    // A lock from another host cannot be checked: it stays refused.
    await writeFile(path.join(dir, 'locks', file!), JSON.stringify({ ...content, pid: dead, hostname: 'elsewhere', nonce: 'x' }));
    await expect(store.lock!('host k', 'k')).rejects.toThrow(/in use by process \d+ on elsewhere/);
  });
});

interface ChildEvent {
  event: 'ready' | 'rows' | 'error';
  sessionKey?: string;
  rows?: number[];
  pid?: number;
  message?: string;
  stats?: { duplicates: number };
}

/** Runs the consumer fixture in its own process. */
function runConsumer(mock: MockServer, cfg: { start: number; rows: number; mode: 'graceful' | 'crash' | 'hold' }) {
  const proc = spawn(process.execPath, ['--import', 'tsx', CONSUMER, JSON.stringify({ url: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, dir, ...cfg })], {
    cwd: ROOT,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const events: ChildEvent[] = [];
  const waiters: Array<() => void> = [];
  let buffer = '';
  proc.stdout.on('data', (d: Buffer) => {
    buffer += d.toString();
    let nl: number;
    while ((nl = buffer.indexOf('\n')) >= 0) {
      events.push(JSON.parse(buffer.slice(0, nl)) as ChildEvent);
      buffer = buffer.slice(nl + 1);
    }
    for (const w of waiters.splice(0)) w();
  });
  /** Resolves when the process has exited (not waiting for its pipes: a killed process may leave helpers behind). */
  const died = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => proc.on('exit', (code, signal) => resolve({ code, signal })));
  /** Resolves when the process has exited and its output has been read. */
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null; events: ChildEvent[] }>((resolve) =>
    proc.on('close', (code, signal) => resolve({ code, signal, events })),
  );
  /** The first event of a kind; rejects, with what the process said, if it exits first. */
  const event = (kind: ChildEvent['event']): Promise<ChildEvent> =>
    new Promise((resolve, reject) => {
      const check = (): void => {
        const found = events.find((e) => e.event === kind);
        if (found) resolve(found);
        else waiters.push(check);
      };
      check();
      void died.then(() => setImmediate(() => reject(new Error(`consumer exited before '${kind}': ${JSON.stringify(events)}`))));
    });
  return { proc, exited, died, event };
}

describe('process restart through a FileSessionStore', () => {
  let mock: MockServer;
  beforeEach(async () => {
    mock = await startRealtimeMock({ realtime: { emptyFrameEvery: 9 } });
  });
  afterEach(async () => {
    await mock.close();
  });

  it('a restarted process resumes the same key where the last one stopped: every row once, in order', async () => {
    const start = T0S - 399;
    const first = await runConsumer(mock, { start, rows: 123, mode: 'graceful' }).exited;
    expect(first.code).toBe(0);
    const a = first.events.find((e) => e.event === 'rows')!;
    const second = await runConsumer(mock, { start, rows: 200, mode: 'graceful' }).exited;
    expect(second.code).toBe(0);
    const b = second.events.find((e) => e.event === 'rows')!;
    expect(b.sessionKey).toBe(a.sessionKey);
    expect([...a.rows!, ...b.rows!]).toEqual(range(start, 323));
    // The server resent its unacknowledged tail to the new process, which dropped it by the saved position.
    const session = mock.realtime.session(a.sessionKey!)!;
    expect(session.connections).toBe(2);
    expect(session.concurrentAttempts).toBe(0);
  });

  it('after a crash (no close, no final save), the next process resumes the key: nothing lost, one row repeated', async () => {
    const start = T0S - 399;
    const first = await runConsumer(mock, { start, rows: 150, mode: 'crash' }).exited;
    expect(first.signal).toBe('SIGKILL');
    expect(first.events.map((e) => e.event)).toEqual(['ready', 'rows']);
    const a = first.events.find((e) => e.event === 'rows')!;
    const second = await runConsumer(mock, { start, rows: 200, mode: 'graceful' }).exited;
    expect(second.code).toBe(0);
    const b = second.events.find((e) => e.event === 'rows')!;
    expect(b.sessionKey).toBe(a.sessionKey);
    // The process died while handling its last row: that row's message was never acknowledged nor its
    // position saved, so it comes again (at least once); everything before it was saved and is not repeated.
    expect(b.rows![0]).toBe(a.rows!.at(-1));
    expect(b.rows).toEqual(range(a.rows!.at(-1)!, 200));
  });

  it('refuses the key while another process streams on it, and takes it over once that process is dead', async () => {
    const start = T0S - 99;
    const holder = runConsumer(mock, { start, rows: 0, mode: 'hold' });
    const { sessionKey, pid } = await holder.event('ready');
    const rs = client(mock);
    const open = () => rs.site(1112).getRealtimeMeasurementsData({ startDatetime: new Date(start * 1000), sessionStore: new FileSessionStore(dir), reconnect: FAST });
    const refused = await open().catch((e: unknown) => e);
    expect(refused).toBeInstanceOf(WebSocketError);
    expect((refused as Error).message).toMatch(new RegExp(`session key ${sessionKey!.slice(0, 8)}… is in use by process ${pid} on .*one connection per session key`));
    holder.proc.kill('SIGKILL');
    await holder.died;
    const mine = await open();
    expect(mine.sessionKey).toBe(sessionKey);
    const rows: number[] = [];
    for await (const row of mine.stream) if (rows.push(row.timestamp) === 10) break;
    expect(rows[0]).toBeGreaterThanOrEqual(start);
    expect(mock.realtime.session(sessionKey!)!.concurrentAttempts).toBe(0);
  });
});
