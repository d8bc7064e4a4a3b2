/**
 * Realtime WebSocket streams: measurement rows with resumable session keys, instance updates and
 * data-change events. Reached through `site.getRealtime…()` / `pad.getRealtime…()`.
 */
export { RealtimeStream } from './stream';
export type {
  BackpressureEvent,
  DisconnectEvent,
  EndEvent,
  OpenEvent,
  RealtimeEvents,
  RealtimeListeners,
  RealtimeSaveOptions,
  RealtimeSaveResult,
  RealtimeStats,
  RealtimeStreamOptions,
  ReconnectEvent,
  StreamErrorEvent,
} from './stream';
export type { ReconnectOptions } from './reconnect';
export { FileSessionStore, MemorySessionStore } from './session-store';
export type { SessionLock, SessionRecord, SessionStore, StreamPosition } from './session-store';
export { newSessionKey } from './measurements';
export type { RealtimeMeasurements, RealtimeMeasurementsOptions } from './measurements';
export type { Confirmable, DataChangeEvent, RealtimeUpdatesOptions, WireDataChangeEvent } from './updates';
export { getRealtimeDataChangesUpdates, getRealtimeInstanceUpdates, getRealtimeMeasurementsData } from './attach';
