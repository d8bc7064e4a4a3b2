/**
 * The dashboard's data side: one live measurement stream on the site, the window's history (downsampled
 * by the API), the stages in the window, and the state of the link to the API, each change announced to
 * the listener (the server, which pushes it to the pages).
 *
 * Order matters for continuity: the live stream is opened first and the history asked for once it is up,
 * so the history reaches at least to where the live session's queue starts. Rows the two have in common
 * are taken from the live stream (SeriesWindow keeps history buckets only before the first live row).
 */
import type { Row } from '../../data/stream';
import { RESOLUTION_SECONDS } from '../../data/filters';
import { redact } from '../../http/redact';
import type { Site } from '../../models/site';
import type { Aggregation, Resolution, Stage } from '../../models/types';
import type { RealtimeStream, ReconnectOptions } from '../../realtime';
import { SeriesWindow, type Columns } from './series-window';

/** The state of the dashboard's link to the API's live stream. */
export interface ApiLinkStatus {
  /** `connecting` (first connection), `live`, `reconnecting`, `failed` (the stream ended with an error), `closed`. */
  state: 'connecting' | 'live' | 'reconnecting' | 'failed' | 'closed';
  /** Connections opened so far. */
  connections: number;
  /** Reconnects scheduled so far (every retry counts). */
  reconnects: number;
  /** When the state last changed (ms since the epoch). */
  since: number;
  /** How the last open connection ended. */
  lastDisconnect?: { at: number; code: number; reason: string };
  /** The wait before the next connection attempt, while reconnecting. */
  retryInMs?: number;
  /** The last failure, in words (secrets redacted). */
  error?: string;
  /** Live rows received. */
  rows: number;
  /** Timestamp (unix seconds) of the newest live row. */
  lastRow?: number;
}

/** The state of the history download. */
export interface HistoryStatus {
  state: 'loading' | 'loaded' | 'failed';
  resolution: Resolution;
  aggregation: Aggregation | null;
  rows: number;
  error?: string;
}

/** A stage boundary as the page draws it. */
export interface StageMark {
  /** `frac`, `wl`, `standby`, ...: the part of `state` before the first `_`. */
  kind: string;
  state: string;
  number: number;
  /** Unix seconds. */
  start: number;
  /** Unix seconds; null while the stage is in progress. */
  end: number | null;
}

export interface FeedListener {
  rows(columns: Columns): void;
  status(): void;
  stages(stages: StageMark[]): void;
}

export interface FeedOptions {
  site: Site;
  fields: readonly string[];
  windowSeconds: number;
  aggregation: Aggregation;
  siUnits: boolean;
  stagesRefreshMs: number;
  reconnect?: ReconnectOptions;
  heartbeatMs?: number;
}

/** Points a history chart gets at most: the resolution is the finest that keeps the window under it. */
export const MAX_HISTORY_POINTS = 720;

/** The finest resolution with at most {@link MAX_HISTORY_POINTS} buckets in `windowSeconds`. */
export function historyResolution(windowSeconds: number): Resolution {
  const order: Resolution[] = ['raw', 'ten-second', 'minute', 'ten-minute', 'hour'];
  return order.find((r) => windowSeconds / RESOLUTION_SECONDS[r] <= MAX_HISTORY_POINTS) ?? 'hour';
}

/** How long the history waits for the live stream to open before it loads anyway. */
const OPEN_WAIT_MS = 5000;

export class DashboardFeed {
  readonly window: SeriesWindow;
  readonly api: ApiLinkStatus = { state: 'connecting', connections: 0, reconnects: 0, since: Date.now(), rows: 0 };
  readonly history: HistoryStatus;
  stages: StageMark[] = [];
  stagesError: string | undefined;

  private stream: RealtimeStream<Row> | undefined;
  private reading: Promise<void> | undefined;
  private readonly abort = new AbortController();
  private stagesTimer: NodeJS.Timeout | undefined;
  private listener: FeedListener | undefined;

  constructor(private readonly options: FeedOptions) {
    this.window = new SeriesWindow(options.fields, options.windowSeconds);
    const resolution = historyResolution(options.windowSeconds);
    this.history = { state: 'loading', resolution, aggregation: resolution === 'raw' ? null : options.aggregation, rows: 0 };
  }

  listen(listener: FeedListener): void {
    this.listener = listener;
  }

  /**
   * Opens the live stream, then loads the history and the stages. Resolves when both have loaded or failed
   * (their failures are kept in the status, not thrown: the live part works without them). Rejects only
   * when the live stream cannot be opened at all (bad options).
   */
  async start(): Promise<void> {
    const { site, fields, siUnits } = this.options;
    const { stream } = await site.getRealtimeMeasurementsData({
      fields: [...fields],
      ...(siUnits ? { siUnits: true } : {}),
      ...(this.options.reconnect ? { reconnect: this.options.reconnect } : {}),
      ...(this.options.heartbeatMs !== undefined ? { heartbeatMs: this.options.heartbeatMs } : {}),
    });
    this.stream = stream;
    const opened = new Promise<void>((resolve) => {
      stream.on('open', () => resolve());
      stream.on('end', () => resolve());
    });
    this.watch(stream);
    this.reading = this.read(stream);

    let waited: NodeJS.Timeout | undefined;
    await Promise.race([opened, new Promise<void>((resolve) => (waited = setTimeout(resolve, OPEN_WAIT_MS)))]);
    clearTimeout(waited);
    await Promise.all([this.loadHistory(), this.loadStages()]);
    this.stagesTimer = setInterval(() => void this.loadStages(), this.options.stagesRefreshMs);
    this.stagesTimer.unref();
  }

  /** Closes the live stream and stops the refreshes. */
  async close(): Promise<void> {
    this.abort.abort();
    clearInterval(this.stagesTimer);
    await this.stream?.close();
    await this.reading;
    if (this.api.state !== 'failed') this.setApi({ state: 'closed' });
  }

  private setApi(patch: Partial<ApiLinkStatus>): void {
    const before = this.api.state;
    Object.assign(this.api, patch);
    if (patch.state !== undefined && patch.state !== before) this.api.since = Date.now();
    this.listener?.status();
  }

  private message(error: unknown): string {
    const text = error instanceof Error ? error.message : String(error);
    return redact(text);
  }

  /** The stream's events as the API link's state. */
  private watch(stream: RealtimeStream<Row>): void {
    stream.on('open', (e) => this.setApi({ state: 'live', connections: e.connection, retryInMs: undefined }));
    stream.on('disconnect', (e) =>
      this.setApi({ state: 'reconnecting', lastDisconnect: { at: Date.now(), code: e.code, reason: redact(e.error ?? e.reason) } }),
    );
    stream.on('reconnect', (e) =>
      this.setApi({ state: 'reconnecting', reconnects: stream.stats.reconnects, retryInMs: e.delayMs, error: redact(e.reason) }),
    );
    stream.on('error', (e) => {
      if (!e.fatal) this.setApi({ error: this.message(e.error) });
    });
    stream.on('end', (e) => {
      if (e.reason === 'failed') this.setApi({ state: 'failed', error: this.message(e.error), retryInMs: undefined });
    });
  }

  private async read(stream: RealtimeStream<Row>): Promise<void> {
    try {
      for await (const batch of stream.batches()) {
        const added = this.window.append(batch);
        if (!added) continue;
        this.api.rows += added.t.length;
        this.api.lastRow = added.t[added.t.length - 1];
        this.listener?.rows(added);
      }
    } catch (error) {
      // The 'end' event has set the state; this keeps the rejection from going unhandled.
      if (this.api.state !== 'failed') this.setApi({ state: 'failed', error: this.message(error) });
    }
  }

  private async loadHistory(): Promise<void> {
    const { site, fields, windowSeconds, siUnits } = this.options;
    const end = new Date();
    const start = new Date(end.getTime() - windowSeconds * 1000);
    const { resolution, aggregation } = this.history;
    try {
      const rows = await site
        .getData({
          startDatetime: start,
          endDatetime: end,
          fields: [...fields],
          resolution,
          ...(aggregation ? { aggregation } : {}),
          ...(siUnits ? { siUnits: true } : {}),
          signal: this.abort.signal,
        })
        .toArray();
      this.window.setHistory(rows);
      Object.assign(this.history, { state: 'loaded', rows: rows.length });
    } catch (error) {
      if (this.abort.signal.aborted) return;
      Object.assign(this.history, { state: 'failed', error: this.message(error) });
    }
    this.listener?.status();
  }

  private async loadStages(): Promise<void> {
    const end = new Date();
    const start = new Date(end.getTime() - this.options.windowSeconds * 1000);
    try {
      const stages = await this.options.site.getStagesMetadata({ start, end });
      this.stages = stages.map(stageMark).sort((a, b) => a.start - b.start);
      this.stagesError = undefined;
      this.listener?.stages(this.stages);
    } catch (error) {
      if (this.abort.signal.aborted) return;
      // Keep the stages drawn before; say why they are not fresh.
      this.stagesError = this.message(error);
      this.listener?.status();
    }
  }
}

function stageMark(stage: Stage): StageMark {
  const seconds = (d: Date | string) => Math.floor(new Date(d).getTime() / 1000);
  return {
    kind: stage.state.split('_')[0] ?? stage.state,
    state: stage.state,
    number: stage.stage_number,
    start: seconds(stage.start),
    end: stage.end ? seconds(stage.end) : null,
  };
}
