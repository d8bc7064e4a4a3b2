/**
 * The sites a sync covers: the sites given, and the sites of the pads given (one `getSites()` request per
 * pad), each with its pad (whose data-change log counts too) and the latest second the API has data for.
 */
import type { ClientContext } from '../models/context';
import { Pad } from '../models/pad';
import { Site } from '../models/site';

export interface SyncSite {
  id: number;
  padId: number | null;
  /** `metadata.last_timestamp`: the latest second of data the API reports for the site, if it reports one. */
  lastTimestamp: number | undefined;
}

function fromModel(site: Site): SyncSite {
  const last = (site.metadata as { last_timestamp?: unknown } | null | undefined)?.last_timestamp;
  return {
    id: site.id,
    padId: typeof site.pad_id === 'number' ? site.pad_id : null,
    lastTimestamp: typeof last === 'number' && Number.isFinite(last) ? Math.floor(last) : undefined,
  };
}

/** The sites of `siteIds` and of `padIds`, ascending by id (one request per pad and per site not in those pads). */
export async function resolveSites(ctx: ClientContext, siteIds: readonly number[], padIds: readonly number[], signal?: AbortSignal): Promise<SyncSite[]> {
  const found = new Map<number, SyncSite>();
  for (const padId of padIds) {
    signal?.throwIfAborted();
    for (const site of await new Pad(ctx, padId).getSites()) found.set(site.id, fromModel(site));
  }
  for (const id of siteIds) {
    if (found.has(id)) continue;
    signal?.throwIfAborted();
    found.set(id, fromModel(await new Site(ctx, id).update()));
  }
  return [...found.values()].sort((a, b) => a.id - b.id);
}
