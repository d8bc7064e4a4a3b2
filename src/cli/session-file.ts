/**
 * `restream watch --session-file f`: a session store in one JSON file, so a restarted `watch` resumes the
 * server's queue for its session key where the last one stopped (without rows repeated).
 *
 * The file holds the record of one stream (host, asset and filters): pointing it at another stream is
 * refused rather than silently starting over. Writes go to a temp file renamed over the target. Two
 * processes on one key are kept apart by the SDK's cross-process lock files (FileSessionStore's locks,
 * under the OS temp directory), so a second `watch` on the same session file fails with a clear error.
 */
import { randomBytes } from 'node:crypto';
import { readFile, rename, rm, writeFile } from 'node:fs/promises';
import { tmpdir, userInfo } from 'node:os';
import path from 'node:path';
import { RestreamError } from '../http/errors';
import { FileSessionStore, type SessionLock, type SessionRecord, type SessionStore } from '../realtime/session-store';
import { UsageError } from './errors';

interface FileContent extends SessionRecord {
  streamId: string;
}

function uidName(): string {
  try {
    return String(userInfo().uid);
  } catch {
    return 'user';
  }
}

export class SessionFileStore implements SessionStore {
  readonly file: string;
  #locks: FileSessionStore | undefined;

  constructor(file: string) {
    this.file = path.resolve(file);
  }

  async #read(): Promise<FileContent | undefined> {
    let text: string;
    try {
      text = await readFile(this.file, 'utf8');
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw error;
    }
    try {
      const content = JSON.parse(text) as FileContent;
      if (typeof content.streamId !== 'string' || typeof content.sessionKey !== 'string' || content.sessionKey === '') throw new Error('missing streamId or sessionKey');
      return content;
    } catch (error) {
      throw new RestreamError(`session file ${this.file} is not a session record (${(error as Error).message}); delete it to start a new session`, { cause: error });
    }
  }

  #check(content: FileContent | undefined, streamId: string): void {
    if (content && content.streamId !== streamId) {
      throw new UsageError(
        `session file ${this.file} belongs to another stream (${content.streamId}); use another file for ${streamId}, or delete it to start over`,
      );
    }
  }

  async get(streamId: string): Promise<SessionRecord | undefined> {
    const content = await this.#read();
    this.#check(content, streamId);
    if (!content) return undefined;
    const { streamId: _id, ...record } = content;
    return record;
  }

  async set(streamId: string, record: SessionRecord): Promise<void> {
    const content: FileContent = { streamId, ...record, updatedAt: new Date().toISOString() };
    const temp = `${this.file}.${process.pid}-${randomBytes(4).toString('hex')}.tmp`;
    await writeFile(temp, `${JSON.stringify(content, null, 2)}\n`, { mode: 0o600 });
    try {
      await rename(temp, this.file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }

  async create(streamId: string, record: SessionRecord): Promise<SessionRecord> {
    const existing = await this.get(streamId);
    if (existing) return existing;
    await this.set(streamId, record);
    return { ...record };
  }

  async delete(streamId: string): Promise<void> {
    const content = await this.#read();
    if (content?.streamId === streamId) await rm(this.file, { force: true });
  }

  /** Cross-process lock on the session key, through the SDK's lock files in the OS temp directory. */
  lock(name: string, sessionKey: string): Promise<SessionLock> {
    this.#locks ??= new FileSessionStore(path.join(tmpdir(), `restream-sessions-${uidName()}`));
    return this.#locks.lock(name, sessionKey);
  }
}
