/**
 * `restream export`: many sites' data over a long range into one file per site and chunk, in parallel,
 * resumable through the manifest (`rs.export`). Running the same command again downloads only what is
 * missing or failed.
 */
import { Option, type Command } from 'commander';
import type { ExportOptions, ExportProgress } from '../../export/export';
import { dataFilters, idList, positiveInt, withDataFlags, type DataFlags } from '../args';
import { cliIo, globalsOf, makeClient, wantProgress } from '../context';
import { UsageError } from '../errors';
import { renderJson } from '../output';
import { createProgress, type Progress } from '../progress';
import { Interrupted, onStopSignal } from '../signals';
import { humanBytes } from './data';

interface ExportFlags extends Omit<DataFlags, 'routed'> {
  sites?: number[];
  pads?: number[];
  dir?: string;
  format?: ExportOptions['format'];
  chunk?: string;
  concurrency?: number;
  manifest?: string;
}

export function registerExport(program: Command): void {
  withDataFlags(
    program
      .command('export')
      .description('export sites (or pads\' sites) over a long range: one file per site and chunk, in parallel, resumable')
      .addOption(new Option('--sites <ids>', 'comma-separated site ids').argParser(idList))
      .addOption(new Option('--pads <ids>', 'comma-separated pad ids (their sites are exported)').argParser(idList))
      .option('--dir <dir>', 'output directory (created when missing)'),
    { time: true, routed: false, shaping: true },
  )
    .addOption(new Option('--format <format>', 'file format (default parquet)').choices(['parquet', 'csv', 'ndjson', 'json']))
    .option('--chunk <length>', "chunk length: '10m', '1h', '1d' (default 1d)")
    .addOption(new Option('--concurrency <n>', 'chunks downloading at once (default 6; at most 3 per site)').argParser(positiveInt))
    .option('--manifest <file>', 'manifest path (default <dir>/manifest.json)')
    .action(async (opts: ExportFlags, command: Command) => {
      const globals = globalsOf(command);
      if (opts.dir === undefined) throw new UsageError('--dir <dir> is required');
      if (opts.sites === undefined && opts.pads === undefined) throw new UsageError('give --sites <ids> and/or --pads <ids>');
      const { stdout, stderr } = cliIo();
      const controller = new AbortController();
      const showProgress = wantProgress(globals);
      let progress: Progress | undefined;
      const options: ExportOptions = {
        ...dataFilters(opts),
        startDatetime: opts.start as string,
        endDatetime: opts.end as string,
        dir: opts.dir,
        signal: controller.signal,
        onProgress: (p: ExportProgress) => {
          if (!showProgress) return;
          progress ??= createProgress({ label: 'export', total: Math.max(p.rowsExpected, 1) });
          progress.update(p.rowsDone, { total: p.rowsExpected, detail: `chunks ${p.chunksDone}/${p.chunksTotal}${p.chunksFailed ? ` (${p.chunksFailed} failed)` : ''}` });
        },
      };
      if (opts.start === undefined) delete (options as Partial<ExportOptions>).startDatetime;
      if (opts.end === undefined) delete (options as Partial<ExportOptions>).endDatetime;
      if (opts.sites) options.sites = opts.sites;
      if (opts.pads) options.pads = opts.pads;
      if (opts.format) options.format = opts.format;
      if (opts.chunk !== undefined) options.chunk = opts.chunk;
      if (opts.concurrency !== undefined) options.concurrency = opts.concurrency;
      if (opts.manifest !== undefined) options.manifest = opts.manifest;

      const removeSignals = onStopSignal((signal) => controller.abort(new Interrupted(signal)));
      try {
        const summary = await makeClient(globals).export(options);
        progress?.stop();
        if (globals.json) {
          await stdout.write(renderJson(summary));
        } else {
          await stdout.write(
            `exported ${summary.sites} site${summary.sites === 1 ? '' : 's'} (${summary.siteIds.join(', ')}), ${summary.chunks} chunks ` +
              `(${summary.downloaded} downloaded, ${summary.skipped} already complete): ${summary.rows.toLocaleString('en-US')} rows, ` +
              `${humanBytes(summary.bytes)} in ${summary.dir} (manifest ${summary.manifestPath}) in ${summary.seconds.toFixed(1)} s\n`,
          );
        }
      } catch (error) {
        progress?.stop(false);
        const reason: unknown = controller.signal.aborted ? controller.signal.reason : undefined;
        if (reason instanceof Interrupted) {
          stderr.write(`restream: ${reason.message}; completed chunks are in the manifest: run the same command again to resume\n`);
          process.exitCode = reason.exitCode;
          return;
        }
        throw error;
      } finally {
        removeSignals();
      }
    });
}
