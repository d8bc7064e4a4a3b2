/**
 * The realtime methods of sites and pads, as functions of (client context, kind, id, options), so the
 * models only delegate: `site.getRealtimeMeasurementsData(o)` is
 * `getRealtimeMeasurementsData(ctx, 'site', site.id, o)`.
 */
import type { ClientContext } from '../models/context';
import type { AssetKind } from '../models/endpoints';
import type { WirePad, WireSite } from '../models/types';
import { openMeasurementStream, type RealtimeMeasurements, type RealtimeMeasurementsOptions } from './measurements';
import type { RealtimeStream } from './stream';
import { openDataChangesUpdates, openInstanceUpdates, type DataChangeEvent, type RealtimeUpdatesOptions, type WireDataChangeEvent } from './updates';

/**
 * Live measurement rows of an asset over a WebSocket, with a session key the server keeps a queue for.
 * Resolves once the key is known and claimed (a key already streaming, here or, with a FileSessionStore,
 * in another process, is refused with a WebSocketError); the stream connects on its first read.
 */
export function getRealtimeMeasurementsData(ctx: ClientContext, kind: AssetKind, id: number, options: RealtimeMeasurementsOptions = {}): Promise<RealtimeMeasurements> {
  return openMeasurementStream(ctx, kind, id, options);
}

/** The asset's object, on connect and whenever it changes: models (via `fromWire`), or wire objects with `asDict`. */
export function getRealtimeInstanceUpdates<M>(
  ctx: ClientContext,
  kind: AssetKind,
  id: number,
  options: RealtimeUpdatesOptions,
  fromWire: (wire: WireSite | WirePad) => M,
): RealtimeStream<M | WireSite | WirePad> {
  return openInstanceUpdates(ctx, kind, id, options, fromWire);
}

/** Data-change events of the asset, each with `confirmDataReceived()`. */
export function getRealtimeDataChangesUpdates(
  ctx: ClientContext,
  kind: AssetKind,
  id: number,
  options: RealtimeUpdatesOptions = {},
): RealtimeStream<DataChangeEvent | WireDataChangeEvent> {
  return openDataChangesUpdates(ctx, kind, id, options);
}
