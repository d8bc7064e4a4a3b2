/**
 * restream-datastore: a typed client for the ReStream Datastore API.
 * @packageDocumentation
 */
export { Restream, DEFAULT_HOST, type RestreamOptions } from './client';
export { Site } from './models/site';
export { Pad } from './models/pad';
export { State } from './models/state';
export { DataChange, type DataChangeDataFilters, type ChangeParent } from './models/data-change';
export { Data, type DataOptions, type SaveOptions, type SaveResult } from './data/data';
export type { DataFilters } from './data/filters';
export type { PlotOptions, PlotResult, PlottedSeries, PlotFormat } from './plot/plot';
export type { SaveFormat } from './formats/formats';
export { ExportError, type ExportOptions, type ExportProgress, type ExportSummary, type ExportChunkFailure } from './export/export';
export type { Manifest, ManifestChunk, ExportParameters } from './export/manifest';
export { DatabaseError, SyncError, DEFAULT_TARGET, DEFAULT_SYNC_CONCURRENCY, type SyncFailure, type SyncOptions, type SyncProgress, type SyncSummary } from './sync';
export type { Row, RowBatch, DataRequest } from './data/stream';
export type { RawRowBatch } from './json/json-row-splitter';
export type { StagesMetadataOptions } from './models/asset';
export { RealtimeStream, FileSessionStore, MemorySessionStore, newSessionKey } from './realtime';
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
  ReconnectOptions,
  SessionLock,
  SessionRecord,
  SessionStore,
  StreamPosition,
  RealtimeMeasurements,
  RealtimeMeasurementsOptions,
  RealtimeUpdatesOptions,
  WireDataChangeEvent,
} from './realtime';
export type * from './models/types';
export { StageNameFilter, Resolution, Aggregation, FillDataMethod } from './models/enums';
export {
  RestreamError,
  ValidationError,
  AuthError,
  CredentialsError,
  NotFoundError,
  ConcurrencyLimitError,
  ServerError,
  APICompatibilityError,
  ConnectionError,
  ProxyError,
  CertificateError,
  WebSocketError,
  APIError,
  type TimeoutKind,
} from './http/errors';
export type { LogLevel, Logger } from './http/log';
export type { WebSocketFactory, WebSocketOptions } from './http/network';
export type { RetryOptions, RetryEvent, OnRetry } from './http/retry';
export type { FetchLike } from './http/transport';
export type { TimeInput } from './validate';
export { startDashboard, type Dashboard, type DashboardOptions, type ApiLinkStatus, type HistoryStatus, type StageMark, type ChartField, type ChartGroup } from './plot/dashboard';
export { VERSION } from './version';
