/**
 * The two streams without a session: instance updates (the site or pad object, sent on connect and again
 * whenever it changes) and data-change events (a change or a list of changes). No acknowledgements; the
 * API allows one connection per URL, so a second stream on the same URL in this process waits for the
 * first to end (see registry.ts). Data-change events are de-duplicated by id (a reconnect can repeat
 * one); instance updates are whole objects, so a repeated one is harmless and is passed on.
 */
import { APICompatibilityError } from '../http/errors';
import type { ClientContext } from '../models/context';
import { DataChange, confirmChanges } from '../models/data-change';
import { reviveSchema } from '../models/dates';
import type { AssetKind } from '../models/endpoints';
import type { DataChangeFields, WireDataChange, WirePad, WireSite } from '../models/types';
import { rejectUnknownOptions, toBoolean } from '../validate';
import { wsBase } from './connection';
import { acquireUrlSlot } from './registry';
import { RealtimeStream, STREAM_OPTION_NAMES, type RealtimeStreamOptions, type StreamCodec } from './stream';

export interface RealtimeUpdatesOptions extends RealtimeStreamOptions {
  /** Yield the API's objects as they came (dates as strings) instead of models. */
  asDict?: boolean;
}

/** Confirms receipt of this change (`POST …/data_changes/` with `update_received: true`). */
export interface Confirmable {
  confirmDataReceived(): Promise<void>;
}

/** A data-change event: a `DataChange` model (dates as `Date`s; `confirmDataReceived()`, `getData()`). */
export type DataChangeEvent = DataChange;
/**
 * With `asDict: true`: the API's object (date strings) with a non-enumerable `confirmDataReceived()`, so
 * `JSON.stringify(event)` is the change alone.
 */
export type WireDataChangeEvent = WireDataChange & Confirmable;

const OPTION_NAMES = [...STREAM_OPTION_NAMES, 'asDict'] as const;
/** Data-change ids remembered for de-duplication. */
const SEEN_IDS = 10_000;

function excerpt(text: string): string {
  return text.length > 200 ? `${text.slice(0, 200)}…` : text;
}

/** Parses a frame into its objects: unwraps a `message` envelope, flattens a list, skips empty frames. */
function objectsOf(text: string, path: string, what: string): Array<Record<string, unknown>> | undefined {
  if (text.length === 0) return undefined;
  let frame: unknown;
  try {
    frame = JSON.parse(text);
  } catch (error) {
    throw new APICompatibilityError(`WebSocket ${path}: a message is not JSON: ${excerpt(text)}`, { path, cause: error });
  }
  let message = frame;
  if (typeof frame === 'object' && frame !== null && !Array.isArray(frame) && 'message' in frame && !('id' in frame)) {
    message = (frame as { message: unknown }).message;
  }
  if (message === null || message === '' || message === undefined) return undefined;
  const list = Array.isArray(message) ? message.flat() : [message];
  const out: Array<Record<string, unknown>> = [];
  for (const item of list) {
    if (item === null || item === '') continue;
    if (typeof item !== 'object' || Array.isArray(item) || typeof (item as { id?: unknown }).id !== 'number') {
      throw new APICompatibilityError(`WebSocket ${path}: a message is not ${what} (an object with a numeric id): ${excerpt(text)}`, { path });
    }
    out.push(item as Record<string, unknown>);
  }
  return out.length > 0 ? out : undefined;
}

function splitOptions(options: RealtimeUpdatesOptions, context: string): { asDict: boolean; stream: RealtimeStreamOptions } {
  rejectUnknownOptions(options, OPTION_NAMES, context);
  const { asDict, ...stream } = options;
  return { asDict: asDict === undefined ? false : toBoolean(asDict, 'asDict'), stream };
}

function feedStream<T>(ctx: ClientContext, path: string, codec: StreamCodec<T>, options: RealtimeStreamOptions): RealtimeStream<T> {
  const url = `${wsBase(ctx.host)}${path}`;
  let release: (() => void) | undefined;
  return new RealtimeStream<T>({
    ctx,
    path,
    query: '',
    codec,
    options,
    beforeConnect: async (signal) => {
      release = await acquireUrlSlot(url, signal);
    },
    onEnd: () => release?.(),
  });
}

/** The stream of a site's or pad's object; `fromWire` builds the model (the caller's class, so no import cycle). */
export function openInstanceUpdates<M>(
  ctx: ClientContext,
  kind: AssetKind,
  id: number,
  options: RealtimeUpdatesOptions,
  fromWire: (wire: WireSite | WirePad) => M,
): RealtimeStream<M | WireSite | WirePad> {
  const { asDict, stream } = splitOptions(options, 'getRealtimeInstanceUpdates');
  const path = `/external/thirdparty/v2/ws/${kind === 'site' ? 'sites' : 'pads'}/${id}/`;
  const codec: StreamCodec<M | WireSite | WirePad> = {
    acks: false,
    decode(data, _stats, out) {
      const objects = objectsOf(data.toString(), path, kind === 'site' ? 'a site' : 'a pad');
      if (!objects) return undefined;
      for (const o of objects) out.push(asDict ? (o as unknown as WireSite | WirePad) : fromWire(o as unknown as WireSite | WirePad));
      return objects.length;
    },
  };
  return feedStream(ctx, path, codec, stream);
}

/** The stream of data-change events of a site or pad. */
export function openDataChangesUpdates(ctx: ClientContext, kind: AssetKind, id: number, options: RealtimeUpdatesOptions): RealtimeStream<DataChangeEvent | WireDataChangeEvent> {
  const { asDict, stream } = splitOptions(options, 'getRealtimeDataChangesUpdates');
  const path = `/external/thirdparty/v2/ws/${kind === 'site' ? 'sites' : 'pads'}/${id}/data_changes/`;
  const seen = new Set<number>();
  const order: number[] = [];
  const codec: StreamCodec<DataChangeEvent | WireDataChangeEvent> = {
    acks: false,
    decode(data, stats, out) {
      const objects = objectsOf(data.toString(), path, 'a data change');
      if (!objects) return undefined;
      let n = 0;
      for (const o of objects) {
        const changeId = o.id as number;
        if (seen.has(changeId)) {
          stats.duplicates++;
          continue;
        }
        seen.add(changeId);
        order.push(changeId);
        if (order.length > SEEN_IDS) seen.delete(order.shift()!);
        n++;
        if (!asDict) {
          out.push(new DataChange(ctx, { kind, id }, reviveSchema<DataChangeFields>('DataChange', o)));
          continue;
        }
        const event = { ...o } as unknown as WireDataChangeEvent;
        Object.defineProperty(event, 'confirmDataReceived', { value: () => confirmChanges(ctx, { kind, id }, [changeId]), enumerable: false });
        out.push(event);
      }
      return n;
    },
  };
  return feedStream(ctx, path, codec, stream);
}
