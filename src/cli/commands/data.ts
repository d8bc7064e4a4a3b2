/**
 * `restream data <site|pad> <id>`: measurement rows to a file (`-o out.csv|.json|.ndjson`, atomic) or as
 * NDJSON to stdout; `restream changes <site|pad> <id>`: the data-change log, its data (`--save`) and the
 * confirmation (`--confirm`).
 */
import type { Command } from 'commander';
import { ValidationError } from '../../http/errors';
import type { Data } from '../../data/data';
import { RESOLUTION_SECONDS, type DataFilters } from '../../data/filters';
import { rawNdjsonLines } from '../../formats/formats';
import type { DataChange } from '../../models/data-change';
import { dataFilters, resolveTarget, withDataFlags, withTarget, type DataFlags } from '../args';
import { cliIo, globalsOf, makeClient, wantProgress, type GlobalOptions } from '../context';
import { UsageError, usageMessage } from '../errors';
import { field, renderJson, renderTable, type Column } from '../output';
import { createProgress } from '../progress';
import { BrokenPipe, Interrupted, onStopSignal } from '../signals';
import { assetOf } from './assets';

/** Rows a time window holds at a resolution (one row per step, both ends inclusive), when it can be told. */
export function expectedRows(filters: DataFilters, perTimestamp = 1): number | undefined {
  if (filters.startDatetime === undefined || filters.endDatetime === undefined) return undefined;
  const start = Math.floor(new Date(filters.startDatetime).getTime() / 1000);
  const end = Math.floor(new Date(filters.endDatetime).getTime() / 1000);
  if (!Number.isFinite(start) || !Number.isFinite(end) || end < start) return undefined;
  const step = RESOLUTION_SECONDS[filters.resolution ?? 'raw'];
  return (Math.floor((end - start) / step) + 1) * perTimestamp;
}

export function humanBytes(n: number): string {
  if (n < 1024) return `${n} B`;
  const units = ['KB', 'MB', 'GB', 'TB'];
  let v = n;
  let i = -1;
  do {
    v /= 1024;
    i++;
  } while (v >= 1024 && i < units.length - 1);
  return `${v.toFixed(v < 10 ? 1 : 0)} ${units[i]}`;
}

/** A ValidationError about the output path, named after the flag that gave it. */
export function pathError(error: unknown, flag: string): unknown {
  if (error instanceof ValidationError && error.parameter === 'path') return new UsageError(`${flag}: ${usageMessage(error).replace(/^path: /, '')}`);
  return error;
}

/** Where a download's rows go, and how it ends. */
interface Sink {
  /** `-` or absent: stdout. */
  output?: string;
  overwrite?: boolean;
  flag: string;
  /** Expected rows, for the progress bar. */
  total?: number;
}

/**
 * Downloads `data` into a file (atomically) or to stdout as NDJSON, with a progress line on a terminal.
 * SIGINT/SIGTERM abort it (no file is left behind) and exit 130/143; a closed stdout ends it quietly.
 */
async function download(lazy: Data, controller: AbortController, sink: Sink, globals: GlobalOptions): Promise<number> {
  const { stdout, stderr } = cliIo();
  const removeSignals = onStopSignal((signal) => controller.abort(new Interrupted(signal)));
  const toStdout = sink.output === undefined || sink.output === '-';
  const showProgress = wantProgress(globals) && !(toStdout && stdout.isTTY);
  const label = toStdout ? undefined : sink.output;
  const started = Date.now();
  let progress: ReturnType<typeof createProgress> | undefined;
  let rows = 0;
  try {
    if (toStdout) {
      stdout.onClosed(() => controller.abort(new BrokenPipe()));
      progress = showProgress ? createProgress({ ...(sink.total ? { total: sink.total } : {}) }) : undefined;
      for await (const batch of lazy.rawBatches()) {
        await stdout.write(rawNdjsonLines(batch));
        rows += batch.count;
        progress?.update(rows);
        if (stdout.closed) break;
      }
      progress?.stop();
      await stdout.flush();
      return 0;
    }
    let result;
    try {
      // The target is checked (exists? --overwrite?) before any request; the bar starts with the download.
      result = await lazy.save(sink.output!, {
        overwrite: sink.overwrite === true,
        onProgress: ({ rows: n }) => {
          progress ??= showProgress ? createProgress({ ...(sink.total ? { total: sink.total } : {}), ...(label ? { label } : {}) }) : undefined;
          rows = n;
          progress?.update(n);
        },
      });
    } catch (error) {
      throw pathError(error, sink.flag);
    }
    progress?.stop();
    if (showProgress || globals.verbose) {
      const seconds = ((Date.now() - started) / 1000).toFixed(1);
      stderr.write(`restream: wrote ${result.rows.toLocaleString('en-US')} rows (${humanBytes(result.bytes)}) to ${sink.output} in ${seconds} s\n`);
    }
    return 0;
  } catch (error) {
    progress?.stop(false);
    const reason = controller.signal.aborted ? (controller.signal.reason as unknown) : undefined;
    if (reason instanceof BrokenPipe || stdout.closed) return 0;
    if (reason instanceof Interrupted) {
      stderr.write(`restream: ${reason.message}${toStdout ? '' : `; ${sink.output} not written`}\n`);
      return reason.exitCode;
    }
    throw error;
  } finally {
    removeSignals();
  }
}

interface DataCommandFlags extends DataFlags {
  site?: number;
  pad?: number;
  output?: string;
  overwrite?: boolean;
}

const CHANGE_COLUMNS: Array<Column<DataChange>> = [
  field('id'),
  field('site'),
  field('modification_type', 'type'),
  field('modification_subtype', 'subtype'),
  field('start_date', 'start'),
  field('end_date', 'end'),
  field('created_at', 'created'),
];

interface ChangesFlags extends DataFlags {
  site?: number;
  pad?: number;
  save?: string;
  overwrite?: boolean;
  confirm?: boolean;
}

export function registerData(program: Command): void {
  withDataFlags(withTarget(program.command('data')))
    .description('measurement rows: to a file with -o (.csv, .json, .ndjson, .parquet), else NDJSON to stdout')
    .option('-o, --output <file>', "write to this file, format by extension: .csv, .json, .ndjson/.jsonl, .parquet ('-': stdout)")
    .option('--overwrite', 'replace an existing file')
    .action(async (kind: string | undefined, id: string | undefined, opts: DataCommandFlags, command: Command) => {
      const target = resolveTarget(kind, id, opts);
      const globals = globalsOf(command);
      const filters = dataFilters(opts);
      if (opts.overwrite && (opts.output === undefined || opts.output === '-')) throw new UsageError('--overwrite needs -o <file>');
      const controller = new AbortController();
      // Checks the filters (a ValidationError: exit 2) before any request or file.
      const data = assetOf(makeClient(globals), target).getData({ ...filters, signal: controller.signal });
      const total = filters.isRouted ? undefined : expectedRows(filters);
      const code = await download(
        data,
        controller,
        { ...(opts.output !== undefined ? { output: opts.output } : {}), overwrite: opts.overwrite === true, flag: '-o/--output', ...(total ? { total } : {}) },
        globals,
      );
      process.exitCode = code;
    });

  withDataFlags(withTarget(program.command('changes')), { time: false, routed: false, shaping: true })
    .description('the data-change log of a site or pad; --save pulls the changed data, --confirm clears the log')
    .option('--save <file>', 'save the changed data (merged ranges per site) to this file (.csv, .json, .ndjson, .parquet)')
    .option('--overwrite', 'replace an existing --save file')
    .option('--confirm', 'confirm receipt (after --save succeeded, when given): the changes leave the log')
    .action(async (kind: string | undefined, id: string | undefined, opts: ChangesFlags, command: Command) => {
      const target = resolveTarget(kind, id, opts);
      const globals = globalsOf(command);
      if (opts.overwrite && opts.save === undefined) throw new UsageError('--overwrite needs --save <file>');
      if (opts.save === '-') throw new UsageError('--save needs a file name (stdout carries the change list)');
      const filters = dataFilters(opts);
      const rs = makeClient(globals);
      const asset = assetOf(rs, target);
      const controller = new AbortController();
      const { changes, data } = await asset.getDataChanges({ ...filters, signal: controller.signal });
      const { stdout, stderr } = cliIo();
      await stdout.write(globals.json ? renderJson(changes) : renderTable(changes, CHANGE_COLUMNS));
      const chatty = globals.verbose === true || stderr.isTTY === true;
      if (opts.save !== undefined) {
        const code = await download(data, controller, { output: opts.save, overwrite: opts.overwrite === true, flag: '--save' }, globals);
        if (code !== 0) {
          process.exitCode = code;
          return;
        }
      }
      if (opts.confirm) {
        await rs.confirmDataReceived(changes);
        if (chatty) stderr.write(`restream: confirmed ${changes.length} change${changes.length === 1 ? '' : 's'}\n`);
      }
    });
}
