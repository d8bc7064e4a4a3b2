/**
 * Session stores: where a measurement stream keeps its session key (and how far delivery got), so that a
 * restarted process given the same store resumes the same server-side queue.
 *
 * A stream is identified by its URL without the session key (host, asset, filters): the same filters
 * against the same host find the same record. The record holds the key and the position of the last row
 * handed to the caller, which lets a resumed stream drop the messages the server sends again (those the
 * previous process received but had not acknowledged yet).
 *
 * `FileSessionStore` also locks each session key across processes with a lock file holding the owner's
 * pid: a second process resuming a key that a live process streams on is refused with a clear error, and
 * a lock left by a process that died is detected (its pid is gone) and taken over.
 */
import { randomBytes, createHash } from 'node:crypto';
import { mkdirSync, readFileSync, unlinkSync } from 'node:fs';
import { link, mkdir, readFile, rename, rm, unlink, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import path from 'node:path';
import { RestreamError, ValidationError, WebSocketError } from '../http/errors';
import { keyHint } from './registry';

/** Where delivery stood: the last timestamp handed to the caller, and the sites whose row at it was (routed pad data). */
export interface StreamPosition {
  /** Unix seconds. */
  timestamp: number;
  /** `site_id`s delivered at `timestamp`; `null` stands for a row without `site_id`. */
  sites: Array<number | null>;
}

export interface SessionRecord {
  sessionKey: string;
  /** The last row handed to the caller; absent before the first. */
  position?: StreamPosition;
  /** ISO time of the last write. */
  updatedAt?: string;
}

/** A held session lock. */
export interface SessionLock {
  release(): Promise<void>;
}

/**
 * Storage for session records. Implement it to keep sessions elsewhere (a database, Redis); `lock` is
 * optional and, when present, must refuse (throw) while another process holds the key.
 */
export interface SessionStore {
  /** The record of a stream, or undefined. */
  get(streamId: string): Promise<SessionRecord | undefined>;
  /** Replaces the record of a stream. */
  set(streamId: string, record: SessionRecord): Promise<void>;
  /** Atomically: the existing record of the stream if there is one, else `record`, stored. */
  create(streamId: string, record: SessionRecord): Promise<SessionRecord>;
  /** Forgets the record of a stream. */
  delete(streamId: string): Promise<void>;
  /** Locks `name` (host + session key) against other processes; throws `WebSocketError` when held elsewhere. */
  lock?(name: string, sessionKey: string): Promise<SessionLock>;
}

function checkRecord(record: SessionRecord): void {
  if (!record || typeof record.sessionKey !== 'string' || record.sessionKey === '') throw new ValidationError('record.sessionKey', 'must be a non-empty string');
}

/** Keeps records in memory: survives stream objects and reconnects, not the process. */
export class MemorySessionStore implements SessionStore {
  private readonly records = new Map<string, SessionRecord>();

  async get(streamId: string): Promise<SessionRecord | undefined> {
    const r = this.records.get(streamId);
    return r ? structuredClone(r) : undefined;
  }

  async set(streamId: string, record: SessionRecord): Promise<void> {
    checkRecord(record);
    this.records.set(streamId, structuredClone({ ...record, updatedAt: new Date().toISOString() }));
  }

  async create(streamId: string, record: SessionRecord): Promise<SessionRecord> {
    const existing = this.records.get(streamId);
    if (existing) return structuredClone(existing);
    await this.set(streamId, record);
    return structuredClone(this.records.get(streamId)!);
  }

  async delete(streamId: string): Promise<void> {
    this.records.delete(streamId);
  }
}

interface LockContent {
  pid: number;
  hostname: string;
  name: string;
  nonce: string;
  acquiredAt: string;
}

/** Lock files this process holds (path → nonce), removed on exit even without `release()`. */
const heldLocks = new Map<string, string>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  process.once('exit', () => {
    for (const [file, nonce] of heldLocks) {
      try {
        const content = JSON.parse(readFileSync(file, 'utf8')) as LockContent;
        if (content.nonce === nonce) unlinkSync(file);
      } catch {
        // gone already, or not ours
      }
    }
  });
}

function pidAlive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    // EPERM: the process exists but belongs to someone else.
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function errnoOf(error: unknown): string | undefined {
  return (error as NodeJS.ErrnoException | null)?.code;
}

/**
 * Records as JSON files under `dir` (one per stream, written atomically), and cross-process locks as lock
 * files under `dir/locks/`. Several processes may share one directory.
 */
export class FileSessionStore implements SessionStore {
  readonly dir: string;
  private readonly sessionsDir: string;
  private readonly locksDir: string;

  constructor(dir: string) {
    if (typeof dir !== 'string' || dir.trim() === '') throw new ValidationError('dir', 'must be a directory path');
    this.dir = path.resolve(dir);
    this.sessionsDir = path.join(this.dir, 'sessions');
    this.locksDir = path.join(this.dir, 'locks');
    mkdirSync(this.sessionsDir, { recursive: true });
    mkdirSync(this.locksDir, { recursive: true });
  }

  private fileOf(streamId: string): string {
    return path.join(this.sessionsDir, `${createHash('sha256').update(streamId).digest('hex').slice(0, 40)}.json`);
  }

  async get(streamId: string): Promise<SessionRecord | undefined> {
    const file = this.fileOf(streamId);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const parsed = JSON.parse(text) as SessionRecord & { streamId?: string };
      const { streamId: _id, ...record } = parsed;
      checkRecord(record);
      return record;
    } catch (error) {
      throw new RestreamError(`session store file ${file} is not a valid session record; delete it to start a new session`, { cause: error });
    }
  }

  async set(streamId: string, record: SessionRecord): Promise<void> {
    checkRecord(record);
    const file = this.fileOf(streamId);
    const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, this.serialise(streamId, record));
    try {
      await rename(temp, file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async create(streamId: string, record: SessionRecord): Promise<SessionRecord> {
    checkRecord(record);
    const file = this.fileOf(streamId);
    const temp = `${file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, this.serialise(streamId, record));
    try {
      // link() creates the name only if it does not exist: two processes creating at once cannot both win.
      await link(temp, file);
      return { ...record };
    } catch (error) {
      if (errnoOf(error) !== 'EEXIST') throw error;
      const existing = await this.get(streamId);
      if (existing) return existing;
      await this.set(streamId, record);
      return { ...record };
    } finally {
      await rm(temp, { force: true });
    }
  }

  async delete(streamId: string): Promise<void> {
    await rm(this.fileOf(streamId), { force: true });
  }

  async lock(name: string, sessionKey: string): Promise<SessionLock> {
    await mkdir(this.locksDir, { recursive: true });
    const file = path.join(this.locksDir, `${createHash('sha256').update(name).digest('hex').slice(0, 40)}.lock`);
    const content: LockContent = { pid: process.pid, hostname: hostname(), name, nonce: randomBytes(8).toString('hex'), acquiredAt: new Date().toISOString() };
    const temp = `${file}.${content.nonce}.tmp`;
    await writeFile(temp, JSON.stringify(content));
    try {
      for (let tries = 0; tries < 3; tries++) {
        try {
          await link(temp, file);
          heldLocks.set(file, content.nonce);
          installExitHook();
          return { release: () => this.unlock(file, content.nonce) };
        } catch (error) {
          if (errnoOf(error) !== 'EEXIST') throw error;
        }
        const holder = await readLock(file);
        if (holder === undefined) continue; // removed meanwhile: try again
        if (!isStale(holder)) {
          throw new WebSocketError(
            `session key ${keyHint(sessionKey)} is in use by process ${holder.pid} on ${holder.hostname} (since ${holder.acquiredAt}); ` +
              `the API allows one connection per session key. Stop that process first, or use another key (lock file: ${file}).`,
          );
        }
        await takeOver(file, holder);
      }
      throw new WebSocketError(`session key ${keyHint(sessionKey)}: could not take the lock ${file} (it keeps changing hands)`);
    } finally {
      await rm(temp, { force: true });
    }
  }

  private async unlock(file: string, nonce: string): Promise<void> {
    heldLocks.delete(file);
    const holder = await readLock(file);
    if (holder?.nonce === nonce) await rm(file, { force: true });
  }

  private serialise(streamId: string, record: SessionRecord): string {
    return JSON.stringify({ streamId, ...record, updatedAt: new Date().toISOString() }, null, 2);
  }
}

async function readLock(file: string): Promise<LockContent | undefined> {
  try {
    return JSON.parse(await readFile(file, 'utf8')) as LockContent;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return undefined;
    // Unreadable lock content: treat as held by an unknown live process, never as free.
    return { pid: -1, hostname: '(unreadable lock file)', name: '', nonce: '', acquiredAt: '?' };
  }
}

/** A lock is stale when it was taken on this host by a process that no longer runs. */
function isStale(holder: LockContent): boolean {
  if (holder.hostname !== hostname() || holder.pid < 0) return false;
  // Our own pid on a lock we do not hold: left by an earlier process that had the same pid.
  if (holder.pid === process.pid) return ![...heldLocks.values()].includes(holder.nonce);
  return !pidAlive(holder.pid);
}

/** Removes a stale lock, unless someone replaced it meanwhile (then it is put back). */
async function takeOver(file: string, stale: LockContent): Promise<void> {
  const aside = `${file}.${stale.nonce || 'x'}-${randomBytes(4).toString('hex')}.stale`;
  try {
    await rename(file, aside);
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return;
    throw error;
  }
  const moved = await readLock(aside);
  if (moved?.nonce !== stale.nonce) {
    // Another process took the stale lock over first and this rename moved its fresh lock: put it back.
    try {
      await link(aside, file);
    } catch {
      // a third holder exists now; the next attempt will see it
    }
  }
  await unlink(aside).catch(() => undefined);
}
