/**
 * Data changes: the API's log of corrections to already-delivered data (rows added, deleted, moved). A
 * consumer re-pulls the changed intervals and confirms receipt so the change leaves the log.
 */
import { Data } from '../data/data';
import { resolveDataFilters, type DataFilters } from '../data/filters';
import type { DataRequest } from '../data/stream';
import { unwrap } from '../http/call';
import { ValidationError } from '../http/errors';
import { formatDataTime, toId } from '../validate';
import type { ClientContext } from './context';
import { ASSET_ENDPOINTS, type AssetKind } from './endpoints';
import type { DataChangeFields } from './types';

/** Filters that shape the re-pulled data of changes (the time ranges come from the changes). */
export type DataChangeDataFilters = Omit<DataFilters, 'startDatetime' | 'endDatetime' | 'isRouted'>;

/** The asset a change was read from: its confirmation goes back there. */
export interface ChangeParent {
  kind: AssetKind;
  id: number;
}

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface DataChange extends Omit<DataChangeFields, 'id'> {}

/** One entry of the data-change log: which site, which interval, what kind of change. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class DataChange {
  readonly #ctx: ClientContext;
  readonly #parent: ChangeParent;
  readonly id: number;

  /** @internal */
  constructor(ctx: ClientContext, parent: ChangeParent, fields: DataChangeFields) {
    this.#ctx = ctx;
    this.#parent = parent;
    this.id = toId(fields.id, 'change.id');
    Object.assign(this, fields);
  }

  /** The asset (pad or site) whose log this change came from. */
  get parent(): ChangeParent {
    return { ...this.#parent };
  }

  /** The rows of this change's site over the change's interval (lazy, like `site.getData()`). */
  getData(filters: DataChangeDataFilters = {}): Data {
    return new Data(this.#ctx, dataRequestsForChanges([this], filters));
  }

  /** Tells the API this change was received; it then leaves the log. */
  async confirmDataReceived(): Promise<void> {
    await confirmChanges(this.#ctx, this.#parent, [this.id]);
  }

  /** @internal For `rs.confirmDataReceived(changes)`: one request per parent. */
  static parentOf(change: DataChange): ChangeParent {
    return change.#parent;
  }

  /** @internal */
  static contextOf(change: DataChange): ClientContext {
    return change.#ctx;
  }
}

/** POSTs the confirmation of `ids` to the parent's data-change log. */
export async function confirmChanges(ctx: ClientContext, parent: ChangeParent, ids: number[]): Promise<void> {
  if (ids.length === 0) return;
  const template = ASSET_ENDPOINTS[parent.kind].dataChanges;
  await unwrap(
    ctx.api.POST(template, {
      params: { path: { id: parent.id } },
      body: { change_log: ids.map((id) => ({ id, update_received: true })) },
    }),
    { method: 'POST', template, pathParams: { id: parent.id }, secrets: ctx.secrets(), allowEmpty: true },
  );
}

/**
 * One `/data/` request per site and merged range: the changes' `[start_date, end_date]` intervals of
 * each site, merged where they overlap or touch (ends are inclusive, so intervals one second apart leave
 * no gap between them either), in site order then time order.
 */
export function dataRequestsForChanges(changes: readonly DataChange[], filters: DataChangeDataFilters = {}): DataRequest[] {
  for (const key of ['startDatetime', 'endDatetime', 'isRouted']) {
    if (key in filters) throw new ValidationError(key, 'is set by the data changes themselves');
  }
  const { query } = resolveDataFilters('site', filters);
  const bySite = new Map<number, Array<{ start: number; end: number }>>();
  for (const change of changes) {
    const interval = changeInterval(change);
    if (!interval) continue;
    const list = bySite.get(change.site) ?? [];
    list.push(interval);
    bySite.set(change.site, list);
  }
  const requests: DataRequest[] = [];
  for (const site of [...bySite.keys()].sort((a, b) => a - b)) {
    for (const range of mergeRanges(bySite.get(site)!)) {
      requests.push({
        kind: 'site',
        id: site,
        query: { ...query, start_datetime: formatDataTime(new Date(range.start * 1000)), end_datetime: formatDataTime(new Date(range.end * 1000)) },
      });
    }
  }
  return requests;
}

/**
 * A change's interval in whole seconds, both ends inclusive and floored (an `end_date` with microseconds
 * still covers its second), or undefined when its dates are not dates.
 */
export function changeInterval(change: { start_date: Date | string; end_date: Date | string }): { start: number; end: number } | undefined {
  const start = Math.floor(new Date(change.start_date).getTime() / 1000);
  const end = Math.floor(new Date(change.end_date).getTime() / 1000);
  if (!Number.isFinite(start) || !Number.isFinite(end)) return undefined;
  return { start: Math.min(start, end), end: Math.max(start, end) };
}

/** Merges inclusive second ranges that overlap or are adjacent. */
export function mergeRanges(ranges: ReadonlyArray<{ start: number; end: number }>): Array<{ start: number; end: number }> {
  const sorted = [...ranges].sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Array<{ start: number; end: number }> = [];
  for (const r of sorted) {
    const last = merged[merged.length - 1];
    if (last && r.start <= last.end + 1) last.end = Math.max(last.end, r.end);
    else merged.push({ ...r });
  }
  return merged;
}
