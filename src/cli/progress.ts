/**
 * The download progress line on stderr: rows, rows/s, elapsed (and a bar with a percentage when the row
 * count can be estimated from the time window). Only on a terminal: piped or redirected stderr (cron,
 * CI, a log file) stays silent.
 */
import { SingleBar } from 'cli-progress';

export interface Progress {
  /** Rows so far; `total` revises the expected rows, `detail` is shown after the numbers (e.g. chunks done). */
  update(rows: number, extra?: { total?: number; detail?: string }): void;
  /** Ends the line (leaves the final state visible); `completed` false after a failure keeps the bar where it was. */
  stop(completed?: boolean): void;
}

const SILENT: Progress = { update() {}, stop() {} };

export interface ProgressOptions {
  /** Where to draw (default stderr). Nothing is drawn unless it is a TTY. */
  stream?: NodeJS.WriteStream;
  /** Expected rows, when known: adds a bar and a percentage. */
  total?: number;
  /** Label before the numbers (e.g. the file name). */
  label?: string;
  /** Clock, for tests. */
  now?: () => number;
}

/** A rate for display: integers, thousands separated. */
function formatCount(n: number): string {
  return Math.round(n).toLocaleString('en-US');
}

/** A progress line on `stream` when it is a terminal, else a no-op. */
export function createProgress(options: ProgressOptions = {}): Progress {
  const stream = options.stream ?? process.stderr;
  if (stream.isTTY !== true) return SILENT;
  const now = options.now ?? Date.now;
  const started = now();
  const total = options.total !== undefined && options.total > 0 ? Math.ceil(options.total) : undefined;
  const label = options.label ? `${options.label} ` : '';
  const format = total
    ? `${label}[{bar}] {percentage}% | {rows}/{expected} rows | {rate} rows/s | {duration_formatted}{detail}`
    : `${label}{rows} rows | {rate} rows/s | {duration_formatted}{detail}`;
  const bar = new SingleBar({
    stream,
    format,
    barsize: 24,
    hideCursor: true,
    clearOnComplete: false,
    stopOnComplete: false,
    fps: 10,
    etaBuffer: 50,
    barCompleteChar: '=',
    barIncompleteChar: ' ',
  });
  let current = 0;
  let limit = total ?? 1;
  let detail = '';
  bar.start(limit, 0, { rows: '0', expected: total ? formatCount(total) : '', rate: '0', detail });
  const payload = (rows: number) => {
    const seconds = Math.max((now() - started) / 1000, 0.001);
    return { rows: formatCount(rows), expected: total ? formatCount(limit) : '', rate: formatCount(rows / seconds), detail };
  };
  return {
    update(rows: number, extra = {}) {
      current = rows;
      if (extra.detail !== undefined) detail = ` | ${extra.detail}`;
      if (total && extra.total !== undefined && extra.total > 0 && extra.total !== limit) {
        limit = Math.ceil(extra.total);
        bar.setTotal(limit);
      }
      // An estimate can be short (a pad's rows per site, extra rows): grow it rather than overflow.
      if (rows > limit) {
        limit = rows;
        bar.setTotal(limit);
      }
      bar.update(total ? rows : 0, payload(rows));
    },
    stop(completed = true) {
      if (total && completed) {
        limit = current;
        bar.setTotal(Math.max(limit, 1));
      }
      bar.update(total ? current : 0, payload(current));
      bar.stop();
    },
  };
}
