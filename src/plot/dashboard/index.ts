/**
 * `startDashboard`: a local web page with live charts of a site's measurements (what `restream dashboard`
 * runs). The page opens with the last hour, downsampled by the API, then follows the site's realtime stream
 * pushed to it over Server-Sent Events; it shows both links (page ↔ dashboard, dashboard ↔ API), their
 * reconnects, and the stage boundaries. Charts are drawn by uPlot, served from this package.
 */
import { randomBytes } from 'node:crypto';
import type { Restream } from '../../client';
import { ValidationError } from '../../http/errors';
import type { Aggregation } from '../../models/types';
import type { ReconnectOptions } from '../../realtime';
import { oneOf, positiveInteger, rejectUnknownOptions, stringList, toBoolean, toId } from '../../validate';
import { DEFAULT_LISTEN_HOST, allowedHostHeaders, checkListenHost, listenWarning, urlHost } from './address';
import { loadAssets } from './assets';
import { DashboardFeed, type ApiLinkStatus, type HistoryStatus, type StageMark } from './feed';
import { chooseFields, groupByUnit, type ChartGroup } from './fields';
import { DashboardServer } from './server';

export type { ApiLinkStatus, HistoryStatus, StageMark } from './feed';
export type { ChartField, ChartGroup } from './fields';
export { listenWarning } from './address';

export interface DashboardOptions {
  /** The site to chart. */
  site: number;
  /** Field names (default: the first six customer-facing fields). Checked against the site's fields metadata. */
  fields?: string[] | string;
  /** Address to listen on (default `127.0.0.1`). Another address is reachable from other machines: see `onWarning`. */
  host?: string;
  /** TCP port (default 0: a free one). */
  port?: number;
  /** The path segment that guards the URL (default: 22 random characters, new on every start). */
  token?: string;
  /** How far back the charts reach, in seconds (default 3600). The history's resolution follows (ten-second for an hour). */
  windowSeconds?: number;
  /** How the API aggregates the history's buckets: `mean` (default), `min` or `max`. */
  aggregation?: Aggregation;
  /** SI units (default: imperial, like the API). */
  siUnits?: boolean;
  /** How often the stages are asked for again, in ms (default 60 000). */
  stagesRefreshMs?: number;
  /** The live stream's reconnect policy (default: forever, 0.5-30 s backoff). */
  reconnect?: ReconnectOptions;
  /** The live stream's heartbeat (ms; default 30 000). */
  heartbeatMs?: number;
  /** Called with a warning before listening on an address other machines can reach. Default: `console.warn`. */
  onWarning?: (message: string) => void;
  /** Called when the link to the API changes state (live, reconnecting, failed, ...) or schedules a reconnect. */
  onApiLink?: (status: ApiLinkStatus) => void;
}

/** A running dashboard. */
export interface Dashboard {
  /** The page's URL (with its token): open it in a browser. */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  readonly site: { id: number; name: string };
  /** The charted fields, in order. */
  readonly fields: readonly string[];
  /** The charts: fields grouped by unit. */
  readonly groups: readonly ChartGroup[];
  /** The link to the API's live stream (a snapshot). */
  readonly api: ApiLinkStatus;
  /** The history download (a snapshot). */
  readonly history: HistoryStatus;
  /** Pages connected now. */
  readonly connectedPages: number;
  /** Stops the live stream and the server (pages see the link drop). */
  close(): Promise<void>;
}

const OPTION_NAMES = [
  'site',
  'fields',
  'host',
  'port',
  'token',
  'windowSeconds',
  'aggregation',
  'siUnits',
  'stagesRefreshMs',
  'reconnect',
  'heartbeatMs',
  'onWarning',
  'onApiLink',
] as const;

const TOKEN = /^[A-Za-z0-9_-]{16,128}$/;

/**
 * Starts a dashboard for one site. Resolves once it listens and has the history and stages (their
 * failures are shown on the page, not thrown). Rejects, before listening, on bad options (a
 * `ValidationError`: an unknown field names its close matches), an unknown site or refused credentials.
 *
 * ```ts
 * const dashboard = await startDashboard(rs, { site: 1112, fields: ['M1_slurry_rate', 'tds'] });
 * console.log(dashboard.url);   // http://127.0.0.1:43817/4mQ…/
 * // …
 * await dashboard.close();
 * ```
 */
export async function startDashboard(client: Restream, options: DashboardOptions): Promise<Dashboard> {
  rejectUnknownOptions(options, OPTION_NAMES, 'startDashboard');
  const siteId = toId(options.site, 'site');
  const requested = options.fields === undefined ? undefined : stringList(options.fields, 'fields');
  const host = checkListenHost(options.host ?? DEFAULT_LISTEN_HOST);
  const port = options.port ?? 0;
  if (!(Number.isInteger(port) && port >= 0 && port <= 65535)) throw new ValidationError('port', `must be an integer in [0, 65535], got ${String(port)}`);
  const token = options.token ?? randomBytes(16).toString('base64url');
  if (typeof token !== 'string' || !TOKEN.test(token)) throw new ValidationError('token', 'must be 16-128 letters, digits, - or _');
  const windowSeconds = options.windowSeconds === undefined ? 3600 : positiveInteger(options.windowSeconds, 'windowSeconds');
  const aggregation = options.aggregation === undefined ? 'mean' : oneOf(options.aggregation, ['min', 'max', 'mean'] as const, 'aggregation');
  const siUnits = options.siUnits === undefined ? false : toBoolean(options.siUnits, 'siUnits');
  const stagesRefreshMs = options.stagesRefreshMs === undefined ? 60_000 : positiveInteger(options.stagesRefreshMs, 'stagesRefreshMs');

  // The site and its fields first: an unknown site or field fails here, before anything listens.
  const site = await client.sites.get(siteId);
  const metadata = await site.getFieldsMetadata();
  const fields = chooseFields(metadata, requested, siteId);
  const groups = groupByUnit(fields, siUnits);
  const names = fields.map((f) => f.name);
  const assets = loadAssets();

  const warning = listenWarning(host);
  if (warning) (options.onWarning ?? ((m: string) => console.warn(`restream: warning: ${m}`)))(warning);

  const feed = new DashboardFeed({
    site,
    fields: names,
    windowSeconds,
    aggregation,
    siUnits,
    stagesRefreshMs,
    ...(options.reconnect ? { reconnect: options.reconnect } : {}),
    ...(options.heartbeatMs !== undefined ? { heartbeatMs: options.heartbeatMs } : {}),
  });
  const info = { id: siteId, name: site.name };
  const statusOf = () => ({ api: feed.api, history: feed.history, stagesError: feed.stagesError ?? null });
  const server = new DashboardServer({
    host,
    port,
    token,
    assets,
    allowedHosts: (p) => allowedHostHeaders(host, p),
    snapshot: () => ({
      site: info,
      windowSeconds,
      siUnits,
      fields: names,
      groups,
      data: feed.window.snapshot(),
      stages: feed.stages,
      ...statusOf(),
    }),
  });
  // onApiLink hears of a reconnect once it is scheduled (with its delay), and of every other change of state.
  let lastState = feed.api.state;
  let lastReconnects = 0;
  feed.listen({
    rows: (columns) => server.broadcast('rows', columns),
    status: () => {
      server.broadcast('status', statusOf());
      const { state, reconnects } = feed.api;
      const changed = reconnects !== lastReconnects || (state !== lastState && state !== 'reconnecting');
      lastState = state;
      lastReconnects = reconnects;
      if (changed) options.onApiLink?.({ ...feed.api });
    },
    stages: (stages: StageMark[]) => server.broadcast('stages', stages),
  });

  const boundPort = await server.listen();
  try {
    await feed.start();
  } catch (error) {
    await server.close();
    throw error;
  }
  let closing: Promise<void> | undefined;
  return {
    url: `http://${urlHost(host)}:${boundPort}/${token}/`,
    host,
    port: boundPort,
    site: info,
    fields: names,
    groups,
    get api() {
      return { ...feed.api };
    },
    get history() {
      return { ...feed.history };
    },
    get connectedPages() {
      return server.connectedPages;
    },
    close() {
      closing ??= (async () => {
        await feed.close();
        await server.close();
      })();
      return closing;
    },
  };
}
