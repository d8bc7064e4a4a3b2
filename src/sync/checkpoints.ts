/**
 * A test hook for the crash tests: named points in a sync (after a commit, mid-stage, between a
 * correction's commit and its confirmation) where a process can be made to announce itself and freeze, so
 * a test kills it there with SIGKILL, deterministically, rather than at a moment chosen by luck.
 *
 *   RESTREAM_SYNC_CHECKPOINTS=1            each point writes `restream-sync checkpoint <name> <n>` to stderr
 *   RESTREAM_SYNC_HALT_AT=<name>:<n>       ... and the process freezes (the whole thread) at the n-th <name>
 *
 * Without the variables a checkpoint costs one property read.
 */
import { writeSync } from 'node:fs';

const counts = new Map<string, number>();

/** Point names, in the order a sync meets them. */
export type CheckpointName =
  /** A batch of rows was staged (not committed) during a backfill. */
  | 'stage'
  /** A batch of a correction's rows was staged (not committed). */
  | 'change-stage'
  /** A batch of live rows was staged (not committed). */
  | 'live-stage'
  /** A backfill commit (rows and the range they complete) is in. */
  | 'commit'
  /** A correction's rows and its record are committed; it is not confirmed to the API yet. */
  | 'change-commit'
  /** A correction is confirmed to the API and recorded as confirmed. */
  | 'change-confirm'
  /** A live commit (rows, the range they complete, the stream's position) is in. */
  | 'live-commit';

/** Announces (and maybe halts at) point `name`; `detail` (e.g. `site=1112 through=...`) ends the line. */
export function checkpoint(name: CheckpointName, detail?: string): void {
  const env = process.env;
  if (!env.RESTREAM_SYNC_CHECKPOINTS && !env.RESTREAM_SYNC_HALT_AT) return;
  const n = (counts.get(name) ?? 0) + 1;
  counts.set(name, n);
  const halt = env.RESTREAM_SYNC_HALT_AT === `${name}:${n}`;
  // Written synchronously: the line must be out before the thread freezes.
  writeSync(2, `restream-sync checkpoint ${name} ${n}${detail ? ` ${detail}` : ''}${halt ? ' (halted)' : ''}\n`);
  if (halt) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0);
}
