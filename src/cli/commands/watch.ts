/**
 * `restream watch <site|pad> <id>`: live measurement rows as NDJSON on stdout, until Ctrl+C / SIGTERM
 * (or `--limit` rows). With `--session-file f` the session key and the delivery position are kept in `f`,
 * so running the same command again resumes the server's queue where the last run stopped.
 */
import { Option, type Command } from 'commander';
import type { RealtimeMeasurementsOptions } from '../../realtime/measurements';
import { dataFilters, positiveInt, resolveTarget, withDataFlags, withTarget, type DataFlags } from '../args';
import { cliIo, globalsOf, makeClient } from '../context';
import { SessionFileStore } from '../session-file';
import { onStopSignal } from '../signals';
import { assetOf } from './assets';

interface WatchFlags extends DataFlags {
  site?: number;
  pad?: number;
  sessionFile?: string;
  sessionKey?: string;
  limit?: number;
}

export function registerWatch(program: Command): void {
  withDataFlags(withTarget(program.command('watch')), { time: true, routed: true, shaping: false })
    .description('live measurement rows as NDJSON on stdout until Ctrl+C (with --start/--end: replay that history first)')
    .option('--session-file <file>', 'keep the session key and position here; the next run resumes from it')
    .option('--session-key <key>', 'resume this session key (printed on stderr when one is made up)')
    .addOption(new Option('--limit <rows>', 'stop after this many rows').argParser(positiveInt))
    .action(async (kind: string | undefined, id: string | undefined, opts: WatchFlags, command: Command) => {
      const target = resolveTarget(kind, id, opts);
      const globals = globalsOf(command);
      const { stdout, stderr } = cliIo();
      const chatty = globals.verbose === true || stderr.isTTY === true;
      const options: RealtimeMeasurementsOptions = { ...dataFilters(opts) };
      if (opts.sessionKey !== undefined) options.sessionKey = opts.sessionKey;
      if (opts.sessionFile !== undefined) options.sessionStore = new SessionFileStore(opts.sessionFile);
      options.on = {
        reconnect: (e) => {
          // With --verbose the SDK's log reports reconnects already.
          if (chatty && !globals.verbose) stderr.write(`restream: ${e.reason}; reconnecting in ${e.delayMs} ms (attempt ${e.attempt})\n`);
        },
        error: (e) => {
          if (globals.verbose && !e.fatal) stderr.write(`restream: ${e.error.message}\n`);
        },
      };

      const rs = makeClient(globals);
      const { stream, sessionKey } = await assetOf(rs, target).getRealtimeMeasurementsData(options);
      let stopped = false;
      const stop = () => {
        stopped = true;
        void stream.close();
      };
      const removeSignals = onStopSignal(stop);
      stdout.onClosed(stop);
      if (opts.sessionKey === undefined && opts.sessionFile === undefined) {
        stderr.write(`restream: session key ${sessionKey} (resume with --session-key ${sessionKey})\n`);
      } else if (chatty) {
        stderr.write(`restream: watching ${target.kind} ${target.id}; Ctrl+C stops\n`);
      }

      let rows = 0;
      const limit = opts.limit;
      try {
        if (limit === undefined) {
          for await (const batch of stream.batches()) {
            let text = '';
            for (const row of batch) text += `${JSON.stringify(row)}\n`;
            await stdout.write(text);
            if (stopped) break;
          }
        } else {
          // One row at a time, so no row beyond the limit is taken from the stream (and counted as delivered).
          for await (const row of stream) {
            await stdout.write(`${JSON.stringify(row)}\n`);
            if (++rows >= limit || stopped) break;
          }
        }
      } finally {
        removeSignals();
        await stream.close();
      }
      await stdout.flush();
    });
}
