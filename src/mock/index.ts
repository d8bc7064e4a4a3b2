/**
 * `restream-datastore/mock`: an embedded ReStream Datastore server for tests, demos and benchmarks.
 *
 * ```ts
 * import { startMockServer } from 'restream-datastore/mock';
 * const mock = await startMockServer({ seed: 7 });
 * // RESTREAM_HOST=mock.url RESTREAM_CLIENT_ID=mock.clientId RESTREAM_CLIENT_SECRET=mock.clientSecret
 * mock.faults.failNext({ path: `/external/thirdparty/v1/pads/${mock.ids.demoPad}/`, status: 503, times: 2 });
 * // WebSockets on the same port: measurement sessions with queues, instance updates, data changes.
 * mock.realtime.pushMeasurements(1112, 60);          // the next 60 live seconds of site 1112
 * mock.faults.dropLinkAfter({ messages: 100 });       // cut the next connection after 100 frames
 * await mock.restart();                               // same port, session queues kept
 * await mock.close();
 * ```
 */
export { startMockServer } from './server';
export type { DemoIds, MockServer, MockServerOptions, UpgradeHandler } from './server';
export type {
  CutStreamOptions,
  DelayHandle,
  DelayOptions,
  FailNextOptions,
  FaultStatus,
  MalformNextOptions,
  MockFaults,
  PathMatcher,
} from './faults';
export type { RecordedRequest } from './recorder';
export type { PadRowOrder, RowShape } from './measurements';
export type { DropLinkOptions, RefuseUpgradesOptions, UpgradeRefusalStatus } from './faults';
export type { LiveOptions, MockRealtime, MockRealtimeEvents, MockRealtimeOptions, PushedRow, RecordedConnection } from './ws/realtime';
export type { MockSessionInfo } from './ws/session';
export type { StreamKind } from './ws/paths';
