/**
 * `restream sync`: keeps a database complete, live and corrected (`rs.sync`). Run it from cron without
 * `--live` and each run continues from where the table stands; with `--live` it follows the live streams
 * until Ctrl+C or SIGTERM, which commits what it holds and exits 0.
 */
import { Option, type Command } from 'commander';
import type { SyncOptions, SyncProgress, SyncSummary } from '../../sync/options';
import { idList, nameList, positiveInt } from '../args';
import { cliIo, globalsOf, makeClient, wantProgress } from '../context';
import { UsageError } from '../errors';
import { renderJson } from '../output';
import { createProgress, type Progress } from '../progress';
import { Interrupted, onStopSignal } from '../signals';

interface SyncFlags {
  sites?: number[];
  pads?: number[];
  start?: string;
  end?: string;
  fields?: string[];
  into?: string;
  live?: boolean;
  chunk?: string;
  concurrency?: number;
}

/** The time part of an ISO instant, for the live line: `08:00:05Z`. */
function clock(iso: string | null): string {
  return iso ? `${iso.slice(11, 19)}Z` : '-';
}

/** The progress line: a bar over the backfill, then a running count of live rows. */
function progressLine(): { update(p: SyncProgress): void; stop(): void } {
  let backfill: Progress | undefined;
  let live: Progress | undefined;
  const stop = (): void => {
    backfill?.stop(false);
    live?.stop(false);
    backfill = live = undefined;
  };
  const update = (p: SyncProgress): void => {
    if (p.phase === 'backfill' || p.phase === 'changes') {
      if (p.chunksTotal === 0 && !backfill) return;
      backfill ??= createProgress({ label: 'sync', total: Math.max(p.rowsExpected, 1) });
      backfill.update(p.rowsCommitted, { total: p.rowsExpected, detail: `chunks ${p.chunksDone}/${p.chunksTotal}, changes ${p.changesApplied}` });
    } else if (p.phase === 'live') {
      backfill?.stop();
      backfill = undefined;
      live ??= createProgress({ label: 'sync live' });
      const through = Object.values(p.completeThrough).filter((t): t is string => t !== null).sort()[0] ?? null;
      live.update(p.liveRows, { detail: `through ${clock(through)}, changes ${p.changesApplied} applied, ${p.changesPending} waiting` });
    } else {
      backfill?.stop();
      live?.stop();
      backfill = live = undefined;
    }
  };
  return { update, stop };
}

function describeSummary(s: SyncSummary): string {
  const through = Object.entries(s.completeThrough)
    .map(([site, t]) => `${site} ${t ?? 'nothing yet'}`)
    .join(', ');
  const live = s.live ? `, ${s.live.rows.toLocaleString('en-US')} live rows in ${s.live.commits} commits` : '';
  return (
    `synced ${s.sites.length} site${s.sites.length === 1 ? '' : 's'} into ${s.target}: ${s.rows.toLocaleString('en-US')} rows committed ` +
    `(${s.backfill.chunks} backfill chunks${live}), ${s.changes.applied} data change${s.changes.applied === 1 ? '' : 's'} applied; ` +
    `complete through: ${through} (${s.seconds.toFixed(1)} s)\n`
  );
}

export function registerSync(program: Command): void {
  program
    .command('sync')
    .description('keep a database (DuckDB file or PostgreSQL) complete, live and corrected: one table measurements, exactly once')
    .addOption(new Option('--sites <ids>', 'comma-separated site ids').argParser(idList))
    .addOption(new Option('--pads <ids>', 'comma-separated pad ids (their sites are synced; pad data is stored per site)').argParser(idList))
    .option('--start <time>', "first second the database holds, ISO 8601 with an offset: '2025-10-01T00:00:00Z'")
    .option('--end <time>', "last second (inclusive); default: the latest data (not with --live)")
    .addOption(new Option('--fields <names>', 'comma-separated field names (default: the API\'s default set); the same on every run').argParser(nameList))
    .option('--into <target>', 'a path ending in .duckdb (default ./restream.duckdb) or a postgres:// URL (PG* variables fill what it leaves out)')
    .option('--live', 'after the backfill, follow the live streams and apply data changes until Ctrl+C/SIGTERM')
    .option('--chunk <length>', "backfill chunk: '10m', '1h', '1d' (default 1d)")
    .addOption(new Option('--concurrency <n>', 'chunks downloading at once (default 6; at most 3 per site)').argParser(positiveInt))
    .action(async (opts: SyncFlags, command: Command) => {
      const globals = globalsOf(command);
      if (opts.sites === undefined && opts.pads === undefined) throw new UsageError('give --sites <ids> and/or --pads <ids>');
      if (opts.start === undefined) throw new UsageError('--start <time> is required: the first second the database holds');
      const { stdout, stderr } = cliIo();
      const controller = new AbortController();
      const options: SyncOptions = { startDatetime: opts.start, signal: controller.signal };
      if (opts.sites) options.sites = opts.sites;
      if (opts.pads) options.pads = opts.pads;
      if (opts.end !== undefined) options.endDatetime = opts.end;
      if (opts.fields) options.fields = opts.fields;
      if (opts.into !== undefined) options.into = opts.into;
      if (opts.live) options.live = true;
      if (opts.chunk !== undefined) options.chunk = opts.chunk;
      if (opts.concurrency !== undefined) options.concurrency = opts.concurrency;
      const progress = wantProgress(globals) ? progressLine() : undefined;
      if (progress) options.onProgress = progress.update;

      const removeSignals = onStopSignal((signal) => {
        if (opts.live) stderr.write(`\nrestream: ${signal}: committing what was received, then exiting\n`);
        controller.abort(new Interrupted(signal));
      });
      try {
        const summary = await makeClient(globals).sync(options);
        await stdout.write(globals.json ? renderJson(summary) : describeSummary(summary));
      } catch (error) {
        progress?.stop();
        const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
        if (reason instanceof Interrupted && !opts.live) {
          stderr.write(`restream: ${reason.message}; what was committed stays: run the same command again to continue\n`);
          process.exitCode = reason.exitCode;
          return;
        }
        throw error;
      } finally {
        removeSignals();
      }
    });
}
