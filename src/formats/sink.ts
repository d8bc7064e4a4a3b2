/**
 * Files that appear whole or not at all. Output goes to a temp file beside the target and is renamed
 * over it only after the last byte is flushed; on any failure the temp file is removed, so the target
 * name holds either nothing, the old file, or the complete new one.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { access, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { randomBytes } from 'node:crypto';
import { ValidationError } from '../http/errors';

/** Refuses to clobber an existing file unless told to; runs before any request. */
export async function checkTarget(target: string, overwrite: boolean): Promise<string> {
  if (typeof target !== 'string' || target.trim() === '') throw new ValidationError('path', 'must be a non-empty file path');
  const resolved = path.resolve(target);
  let existing;
  try {
    existing = await stat(resolved);
  } catch {
    existing = undefined;
  }
  if (existing?.isDirectory()) throw new ValidationError('path', `${target} is a directory`);
  if (existing && !overwrite) throw new ValidationError('path', `${target} already exists; pass { overwrite: true } to replace it`);
  try {
    await access(path.dirname(resolved));
  } catch {
    throw new ValidationError('path', `the directory of ${target} does not exist`);
  }
  return resolved;
}

/** A path for a temp file next to `target` (same directory, so the final rename is atomic). */
export function tempPathBeside(target: string, purpose = 'partial'): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.${process.pid}-${randomBytes(4).toString('hex')}.${purpose}`);
}

/**
 * Bytes a FileSink buffers before a write waits for the file. Measured: 1 MB saves a tenth of a `.json`
 * save's time against 256 KB; 4 MB saves no more and costs `.csv` saves 30-45 MB of peak RSS.
 */
const SINK_BUFFER_BYTES = 1 << 20;

/** A buffered, back-pressured writer on a file. */
export class FileSink {
  readonly path: string;
  private readonly stream: WriteStream;
  private failure: Error | undefined;
  private closing: Promise<void> | undefined;
  private _bytes = 0;

  constructor(file: string) {
    this.path = file;
    // A megabyte in flight: the file's writes (on the thread pool) keep going while the next batch is cut,
    // instead of the reader stopping at every small buffer's drain.
    this.stream = createWriteStream(file, { flags: 'wx', highWaterMark: SINK_BUFFER_BYTES });
    this.stream.on('error', (error) => {
      this.failure ??= error;
    });
  }

  /** Bytes written so far. */
  get bytes(): number {
    return this._bytes;
  }

  /** Writes `text`, waiting when the OS buffers are full so memory stays flat. */
  async write(text: string | Buffer): Promise<void> {
    if (this.failure) throw this.failure;
    this._bytes += typeof text === 'string' ? Buffer.byteLength(text) : text.length;
    if (!this.stream.write(text)) await this.drained();
  }

  /** Writes `parts` as one write (no copy into one buffer first), waiting like {@link write}. */
  async writeParts(parts: readonly Buffer[]): Promise<void> {
    if (this.failure) throw this.failure;
    const stream = this.stream;
    let room = true;
    stream.cork();
    for (const part of parts) {
      this._bytes += part.length;
      room = stream.write(part);
    }
    stream.uncork();
    if (!room) await this.drained();
  }

  /** Resolves at the stream's next 'drain'; rejects if it fails first. */
  private drained(): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const onDrain = () => {
        this.stream.off('error', onError);
        resolve();
      };
      const onError = (error: Error) => {
        this.stream.off('drain', onDrain);
        reject(error);
      };
      this.stream.once('drain', onDrain);
      this.stream.once('error', onError);
    });
  }

  /** Flushes and closes the file (once; later calls wait for the same close). */
  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.failure) throw this.failure;
      await new Promise<void>((resolve, reject) => {
        this.stream.end((error?: Error | null) => (error ? reject(error) : resolve()));
      });
      if (this.failure) throw this.failure;
    })();
    return this.closing;
  }

  /**
   * Replaces the file's contents with what `produce` writes into a fresh sink beside it, given the path of
   * the current contents (closed and complete). The sink is closed afterwards, holding the new contents.
   */
  async rewrite(produce: (source: string, into: FileSink) => Promise<void>): Promise<void> {
    await this.close();
    const next = new FileSink(tempPathBeside(this.path, 'rewrite'));
    try {
      await produce(this.path, next);
      await next.close();
      await rename(next.path, this.path);
      this._bytes = next.bytes;
    } catch (error) {
      await next.discard();
      throw error;
    }
  }

  /** Closes without caring for errors and deletes the file. */
  async discard(): Promise<void> {
    await new Promise<void>((resolve) => {
      if (this.stream.closed) return resolve();
      this.stream.once('close', () => resolve());
      this.stream.destroy();
    });
    await rm(this.path, { force: true });
  }
}

/**
 * Runs `produce` against a temp file and moves the result to `target` only if it succeeds. Whatever
 * `produce` throws is rethrown after the temp file is gone.
 */
export async function writeAtomically<T>(target: string, produce: (sink: FileSink) => Promise<T>): Promise<{ result: T; bytes: number }> {
  const sink = new FileSink(tempPathBeside(target));
  try {
    const result = await produce(sink);
    await sink.close();
    await rename(sink.path, target);
    return { result, bytes: sink.bytes };
  } catch (error) {
    await sink.discard();
    throw error;
  }
}
