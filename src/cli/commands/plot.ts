/**
 * `restream plot site <id>`: a quick-look chart of measurement data into a file (`-o stage.svg`, `.png`, or
 * `.html` for a self-contained interactive page), through `data.plot()`: panels per unit on a shared UTC
 * axis, units, plot limits and colours from the fields metadata, stages shaded. Written atomically.
 */
import { Option, type Command } from 'commander';
import type { PlotOptions, PlotResult } from '../../plot/plot';
import { dataFilters, positiveInt, resolveTarget, withDataFlags, withTarget, type DataFlags } from '../args';
import { cliIo, globalsOf, makeClient, wantProgress } from '../context';
import { UsageError } from '../errors';
import { renderJson } from '../output';
import { createProgress, type Progress } from '../progress';
import { Interrupted, onStopSignal } from '../signals';
import { expectedRows, humanBytes, pathError } from './data';

interface PlotFlags extends DataFlags {
  site?: number;
  pad?: number;
  output?: string;
  overwrite?: boolean;
  width?: number;
  height?: number;
  title?: string;
  stages?: boolean;
  autoscale?: boolean;
  maxGap?: number;
}

export function registerPlot(program: Command): void {
  const command = withDataFlags(withTarget(program.command('plot')), { time: true, routed: false, shaping: true });
  // The shared flag says the fields default to all; a chart needs them named.
  const fields = command.options.find((o) => o.long === '--fields');
  if (fields) fields.description = "comma-separated field names to plot (required; 'restream fields site <id>' lists them)";
  command
    .description('a chart of a site\'s measurement data: -o chart.svg, .png, or .html (self-contained, interactive)')
    .option('-o, --output <file>', 'the chart file: .svg, .png or .html')
    .option('--overwrite', 'replace an existing file')
    .addOption(new Option('--width <px>', 'image width in pixels (default 1400)').argParser(positiveInt))
    .addOption(new Option('--height <px>', 'image height in pixels (default: about 210 per panel)').argParser(positiveInt))
    .option('--title <text>', "chart title (default: the site's name and id)")
    .option('--no-stages', 'do not shade frac and wireline stages')
    .option('--autoscale', "y axes from the data instead of the fields' plot limits")
    .addOption(new Option('--max-gap <seconds>', "break a line where its field has no value for longer (default: 10 rows' spacing, at least 300)").argParser(positiveInt))
    .addHelpText(
      'after',
      `
Panels: one per unit (fields that share a unit share a panel). Rows are downsampled while they stream
(at most 4 points per pixel column and field), so a month of one-second rows plots with flat memory.

Examples:
  restream plot site 1112 --start 2025-10-01T00:00:00Z --end 2025-10-01T23:59:59Z \\
      --fields M1_surface_treating_pressure,M1_slurry_rate,M1_proppant_conc -o day.png
  restream plot site 1112 --stage 12 --frac --fields M1_surface_treating_pressure,M1_slurry_rate -o stage-12.html`,
    )
    .action(async (kind: string | undefined, id: string | undefined, opts: PlotFlags, command: Command) => {
      const target = resolveTarget(kind, id, opts);
      if (target.kind === 'pad') {
        throw new UsageError(`plot draws one site, and a pad's data interleaves its sites: give site <id> ('restream sites list --pad ${target.id}' lists them)`);
      }
      if (opts.output === undefined || opts.output === '-') throw new UsageError('plot needs -o <file>: .svg, .png or .html');
      if (opts.fields === undefined) throw new UsageError("plot needs --fields a,b,c ('restream fields site <id>' lists the names)");
      const globals = globalsOf(command);
      const filters = dataFilters(opts);
      const controller = new AbortController();
      // Checks the filters (a ValidationError: exit 2) before any request or file.
      const data = makeClient(globals).site(target.id).getData({ ...filters, signal: controller.signal });

      const { stdout, stderr } = cliIo();
      const showProgress = wantProgress(globals);
      const total = expectedRows(filters);
      let progress: Progress | undefined;
      const options: PlotOptions = {
        overwrite: opts.overwrite === true,
        stages: opts.stages !== false,
        yRange: opts.autoscale ? 'data' : 'limits',
        onProgress: ({ rows }) => {
          progress ??= showProgress ? createProgress({ label: opts.output!, ...(total ? { total } : {}) }) : undefined;
          progress?.update(rows);
        },
      };
      if (opts.width !== undefined) options.width = opts.width;
      if (opts.height !== undefined) options.height = opts.height;
      if (opts.title !== undefined) options.title = opts.title;
      if (opts.maxGap !== undefined) options.maxGapSeconds = opts.maxGap;

      const started = Date.now();
      const removeSignals = onStopSignal((signal) => controller.abort(new Interrupted(signal)));
      let result: PlotResult;
      try {
        result = await data.plot(opts.output, options);
      } catch (error) {
        progress?.stop(false);
        const reason = controller.signal.aborted ? (controller.signal.reason as unknown) : undefined;
        if (reason instanceof Interrupted) {
          stderr.write(`restream: ${reason.message}; ${opts.output} not written\n`);
          process.exitCode = reason.exitCode;
          return;
        }
        throw pathError(error, '-o/--output');
      } finally {
        removeSignals();
      }
      progress?.stop();
      if (globals.json) await stdout.write(renderJson(result));
      if (showProgress || globals.verbose) {
        const points = result.series.reduce((n, s) => n + s.points, 0);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        stderr.write(
          `restream: wrote ${opts.output} (${humanBytes(result.bytes)}): ${result.series.length} field${result.series.length === 1 ? '' : 's'}, ` +
            `${points.toLocaleString('en-US')} points from ${result.rows.toLocaleString('en-US')} rows, ${result.stages} stage${result.stages === 1 ? '' : 's'} shaded, in ${seconds} s\n`,
        );
      }
    });
}
