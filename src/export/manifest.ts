/**
 * The export manifest: a JSON file that records what an export has completed, so a re-run skips it.
 *
 * It holds the export's parameters (a re-run with other parameters against the same manifest is refused,
 * never mixed) and, per completed chunk, the site, the chunk's first and last second, the file (relative to
 * the export directory), its row count, size and SHA-256, and when it completed. It is rewritten after every
 * completed chunk, atomically (temp file, fsync, rename), one write at a time: a crash leaves the previous
 * or the new manifest, never a torn one.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { open, readFile, rename, rm, stat } from 'node:fs/promises';
import path from 'node:path';
import { ValidationError } from '../http/errors';
import { tempPathBeside } from '../formats/sink';

export const MANIFEST_VERSION = 1;

/** What defines an export: a re-run must match these exactly. */
export interface ExportParameters {
  /** Site ids asked for (sorted, unique). */
  sites: number[];
  /** Pad ids asked for (sorted, unique); their sites are exported. */
  pads: number[];
  /** First second, UTC ISO (`2025-01-01T00:00:00Z`). */
  startDatetime: string;
  /** Last second (inclusive), UTC ISO. */
  endDatetime: string;
  chunkSeconds: number;
  format: string;
  layout: string;
  /** The `/data/` query besides the time range (fields, resolution, units, ...), as sent to the API. */
  query: Record<string, unknown>;
}

/** One completed chunk. */
export interface ManifestChunk {
  site: number;
  /** First second, UTC ISO. */
  start: string;
  /** Last second (inclusive), UTC ISO. */
  end: string;
  /** Path of the file, relative to the export directory, with `/` separators. */
  file: string;
  rows: number;
  bytes: number;
  sha256: string;
  completedAt: string;
}

export interface Manifest {
  version: number;
  parameters: ExportParameters;
  createdAt: string;
  updatedAt: string;
  /** Completed chunks, by site then start. */
  chunks: ManifestChunk[];
}

export function chunkKey(site: number, start: string): string {
  return `${site}@${start}`;
}

/** JSON with object keys sorted, so equal parameters compare equal whatever their key order. */
function canonical(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : v,
  );
}

/** The names of the parameters that differ (empty when they match). */
export function parameterDifferences(a: ExportParameters, b: ExportParameters): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]) as Set<keyof ExportParameters>;
  const out: string[] = [];
  for (const key of keys) {
    if (key === 'query') {
      const qa = a.query ?? {};
      const qb = b.query ?? {};
      for (const q of new Set([...Object.keys(qa), ...Object.keys(qb)])) if (canonical(qa[q]) !== canonical(qb[q])) out.push(q);
    } else if (canonical(a[key]) !== canonical(b[key])) {
      out.push(key);
    }
  }
  return out;
}

/** Reads a manifest; undefined when there is none. A file that is not a manifest is a ValidationError. */
export async function readManifest(file: string): Promise<Manifest | undefined> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw new ValidationError('manifest', `cannot read ${file}: ${(error as Error).message}`);
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    throw new ValidationError('manifest', `${file} is not valid JSON; move it away to start the export afresh`);
  }
  const m = parsed as Partial<Manifest> | null;
  if (!m || typeof m !== 'object' || typeof m.version !== 'number' || !m.parameters || !Array.isArray(m.chunks)) {
    throw new ValidationError('manifest', `${file} is not an export manifest`);
  }
  if (m.version !== MANIFEST_VERSION) {
    throw new ValidationError('manifest', `${file} has version ${m.version}; this SDK reads version ${MANIFEST_VERSION}`);
  }
  return m as Manifest;
}

/** SHA-256 of a file, hex. */
export async function sha256File(file: string): Promise<string> {
  const hash = createHash('sha256');
  for await (const chunk of createReadStream(file, { highWaterMark: 1 << 20 }) as AsyncIterable<Buffer>) hash.update(chunk);
  return hash.digest('hex');
}

/** Whether `entry`'s file exists with its recorded size and checksum. */
export async function chunkIsIntact(dir: string, entry: ManifestChunk): Promise<boolean> {
  const file = path.join(dir, ...entry.file.split('/'));
  try {
    const s = await stat(file);
    if (!s.isFile() || s.size !== entry.bytes) return false;
    return (await sha256File(file)) === entry.sha256;
  } catch {
    return false;
  }
}

/** The manifest of a running export: records completed chunks and writes itself after each, one write at a time. */
export class ManifestStore {
  private readonly chunks = new Map<string, ManifestChunk>();
  private readonly createdAt: string;
  private writing: Promise<void> = Promise.resolve();
  /** A write queued behind the one in progress: later records join it instead of queueing one write each. */
  private queued: Promise<void> | undefined;

  constructor(
    readonly file: string,
    readonly parameters: ExportParameters,
    previous?: Manifest,
  ) {
    this.createdAt = previous?.createdAt ?? new Date().toISOString();
    for (const c of previous?.chunks ?? []) this.chunks.set(chunkKey(c.site, c.start), c);
  }

  get(site: number, start: string): ManifestChunk | undefined {
    return this.chunks.get(chunkKey(site, start));
  }

  /** Forgets a chunk (its file is missing or damaged); written with the next save. */
  forget(site: number, start: string): void {
    this.chunks.delete(chunkKey(site, start));
  }

  /** Records a completed chunk and saves the manifest. */
  record(entry: ManifestChunk): Promise<void> {
    this.chunks.set(chunkKey(entry.site, entry.start), entry);
    return this.save();
  }

  /**
   * Writes the manifest (after any write in progress), atomically; resolves once a write that includes every
   * record made so far is on disk. Records arriving while a write runs share the next write.
   */
  save(): Promise<void> {
    if (this.queued) return this.queued;
    const next = this.writing.then(() => {
      this.queued = undefined;
      return this.writeNow();
    });
    this.queued = next;
    this.writing = next.catch(() => undefined);
    return next;
  }

  snapshot(): Manifest {
    const chunks = [...this.chunks.values()].sort((a, b) => a.site - b.site || (a.start < b.start ? -1 : a.start > b.start ? 1 : 0));
    return { version: MANIFEST_VERSION, parameters: this.parameters, createdAt: this.createdAt, updatedAt: new Date().toISOString(), chunks };
  }

  private async writeNow(): Promise<void> {
    const text = JSON.stringify(this.snapshot(), null, 2) + '\n';
    const temp = tempPathBeside(this.file, 'tmp');
    try {
      const handle = await open(temp, 'wx');
      try {
        await handle.writeFile(text, 'utf8');
        await handle.sync();
      } finally {
        await handle.close();
      }
      await rename(temp, this.file);
    } catch (error) {
      await rm(temp, { force: true });
      throw error;
    }
  }
}
