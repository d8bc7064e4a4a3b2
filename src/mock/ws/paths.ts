/**
 * The WebSocket paths of the contract (`x-websockets` in openapi/restream.yaml), matched the way the
 * REST routes are: Django's `<int:id>`, so anything but digits in the id is a 404.
 */
import type { Kind } from '../world';

/** The three kinds of stream the API offers. */
export type StreamKind = 'measurements' | 'instance-updates' | 'data-changes';

export interface WsRoute {
  stream: StreamKind;
  kind: Kind;
  id: number;
}

const ROUTES: ReadonlyArray<{ regex: RegExp; stream: StreamKind; kind?: Kind }> = [
  { regex: /^\/ws\/data\/site\/(\d+)\/$/, stream: 'measurements', kind: 'sites' },
  { regex: /^\/ws\/data\/pad\/(\d+)\/$/, stream: 'measurements', kind: 'pads' },
  { regex: /^\/external\/thirdparty\/v2\/ws\/(sites|pads)\/(\d+)\/$/, stream: 'instance-updates' },
  { regex: /^\/external\/thirdparty\/v2\/ws\/(sites|pads)\/(\d+)\/data_changes\/$/, stream: 'data-changes' },
];

/** The stream a pathname opens, or undefined (404). */
export function matchWsRoute(pathname: string): WsRoute | undefined {
  for (const route of ROUTES) {
    const m = route.regex.exec(pathname);
    if (!m) continue;
    if (route.kind) return { stream: route.stream, kind: route.kind, id: Number(m[1]) };
    return { stream: route.stream, kind: m[1] as Kind, id: Number(m[2]) };
  }
  return undefined;
}

/** The pathname of a stream (for pushing events to the connections of an asset). */
export function wsPath(stream: StreamKind, kind: Kind, id: number): string {
  if (stream === 'measurements') return `/ws/data/${kind === 'sites' ? 'site' : 'pad'}/${id}/`;
  const base = `/external/thirdparty/v2/ws/${kind}/${id}/`;
  return stream === 'data-changes' ? `${base}data_changes/` : base;
}
