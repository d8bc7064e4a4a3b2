/**
 * The REST endpoints of the mock. Each route is declared with a path template of the contract and its
 * handler must return that operation's success body type, so `tsc` fails when the mock drifts from
 * openapi/restream.yaml (a misspelt template, a missing field, a wrong type).
 */
import type { paths } from '../../generated/schema';
import { buildDataPlan } from './data-query';
import { HttpError, q, qBool, qEnum, qInt, type Query } from './http-util';
import { dataChunks, type MeasurementModel } from './measurements';
import { parseHistoryInstant } from './time';
import type { HistoryFilter, Kind, MockWorld } from './world';

type ApiPath = keyof paths;
type Method = 'get' | 'post';

/** The methods a contract path defines. */
type MethodOf<P extends ApiPath> = { [M in Method]: paths[P][M] extends { responses: unknown } ? M : never }[Method];

type JsonOf<R> = R extends { content: { 'application/json': infer B } } ? B : never;

/** The JSON body of a 200 or 201 answer of an operation (distributes over a union of paths). */
export type SuccessBody<P extends ApiPath, M extends Method> = P extends ApiPath
  ? paths[P][M] extends { responses: infer R }
    ? (R extends { 200: infer A } ? JsonOf<A> : never) | (R extends { 201: infer B } ? JsonOf<B> : never)
    : never
  : never;

/** A handler's answer: a JSON body, or a lazily generated body streamed with back-pressure. */
export type Reply<B> = { status: 200 | 201; body: B } | { stream: Iterator<string> };

export interface RouteContext {
  /** The `{id}` of the path, when the template has one. */
  id: number;
  query: Query;
  body: unknown;
  world: MockWorld;
  model: MeasurementModel;
}

export interface Route {
  method: 'GET' | 'POST';
  template: string;
  regex: RegExp;
  handle(ctx: RouteContext): Reply<unknown>;
}

function route<P extends ApiPath, M extends MethodOf<P>>(method: M, template: P, handle: (ctx: RouteContext) => Reply<SuccessBody<P, M>>): Route {
  // Django's <int:id> converter: anything but digits does not match the URL at all (404).
  const pattern = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace('{id}', '(\\d+)');
  return { method: method.toUpperCase() as Route['method'], template, regex: new RegExp(`^${pattern}$`), handle };
}

const ok = <B>(body: B): { status: 200; body: B } => ({ status: 200, body });

const STAGE_NAMES = ['frac', 'wl', 'standby'] as const;

function historyFilter(query: Query): HistoryFilter {
  const f: HistoryFilter = {};
  const start = q(query, 'start');
  const end = q(query, 'end');
  if (start !== undefined) f.start = parseHistoryInstant('start', start);
  if (end !== undefined) f.end = parseHistoryInstant('end', end);
  const stageNumber = qInt(query, 'stage_number');
  if (stageNumber !== undefined) f.stageNumber = stageNumber;
  const state = qEnum(query, 'state', STAGE_NAMES);
  if (state !== undefined) f.state = state;
  return f;
}

/** `histories` is repeated once per stage id; a comma-joined value is an error, as on the real API. */
function historyIds(query: Query): number[] | undefined {
  const raw = query.histories;
  if (!raw) return undefined;
  return raw.map((v) => {
    if (!/^\d+$/.test(v)) throw HttpError.badRequest(`histories: '${v}' is not a whole number; repeat the key once per stage id.`);
    return Number(v);
  });
}

const V1 = '/external/thirdparty/v1';

/** The sub-resources shared by pads and sites, for one kind. */
function subResources(kind: Kind): Route[] {
  const base = `${V1}/${kind}/{id}` as const;
  return [
    route('get', `${base}/fields/`, ({ world, id }) => {
      world.sitesOf(kind, id);
      return ok(world.fieldsList());
    }),
    route('get', `${base}/history/`, ({ world, id, query }) => ok(world.history(world.sitesOf(kind, id), historyFilter(query)))),
    route('get', `${base}/aggregations/`, ({ world, id, query }) => ok(world.aggregations(world.sitesOf(kind, id), historyFilter(query), historyIds(query)))),
    route('get', `${base}/parameters/`, ({ world, id }) => {
      world.sitesOf(kind, id);
      return ok(world.parameters(kind, id));
    }),
    route('post', `${base}/parameters/`, ({ world, id, body }) => {
      world.sitesOf(kind, id);
      return { status: 201, body: world.createParameters(kind, id, body) };
    }),
    route('get', `${base}/data/`, ({ world, model, id, query }) => ({ stream: dataChunks(model, buildDataPlan(world, kind, id, query)) })),
    route('get', `${base}/data_changes/`, ({ world, id }) => ok({ change_log: world.dataChanges(world.sitesOf(kind, id)) })),
    // The answer lists the changes still unconfirmed, as GET would now: the official client reads a change
    // it confirmed as confirmed when it is absent from this list.
    route('post', `${base}/data_changes/`, ({ world, id, body }) => {
      const sites = world.sitesOf(kind, id);
      world.confirmDataChanges(sites, body);
      return ok({ change_log: world.dataChanges(sites) });
    }),
  ];
}

const ROUTES: readonly Route[] = [
  route('get', `${V1}/pads/`, ({ world, query }) => {
    const f: Parameters<MockWorld['listPads']>[0] = {};
    const complete = qBool(query, 'complete');
    if (complete !== undefined) f.complete = complete;
    const wellApi = q(query, 'well_api');
    if (wellApi !== undefined) f.wellApi = wellApi;
    const sitePk = qInt(query, 'site_pk');
    if (sitePk !== undefined) f.sitePk = sitePk;
    const fleetId = qInt(query, 'fleet_id');
    if (fleetId !== undefined) f.fleetId = fleetId;
    const fleetName = q(query, 'fleet_name');
    if (fleetName !== undefined) f.fleetName = fleetName;
    return ok(world.listPads(f));
  }),
  route('get', `${V1}/pads/{id}/`, ({ world, id }) => ok(world.padJson(world.padDef(id)))),
  route('get', `${V1}/sites/`, ({ world, query }) => {
    const f: Parameters<MockWorld['listSites']>[0] = {};
    const complete = qBool(query, 'complete');
    if (complete !== undefined) f.complete = complete;
    const padPk = qInt(query, 'pad_pk');
    const padId = qInt(query, 'pad__id');
    if (padPk !== undefined && padId !== undefined && padPk !== padId) return ok([]);
    const pad = padId ?? padPk;
    if (pad !== undefined) f.padId = pad;
    const fleetId = qInt(query, 'fleet_id');
    if (fleetId !== undefined) f.fleetId = fleetId;
    const fleetName = q(query, 'fleet_name');
    if (fleetName !== undefined) f.fleetName = fleetName;
    return ok(world.listSites(f));
  }),
  route('get', `${V1}/sites/{id}/`, ({ world, id }) => ok(world.siteJson(world.siteDef(id)))),
  route('get', `${V1}/states/`, ({ world, query }) => {
    const f: Parameters<MockWorld['listStates']>[0] = {};
    const padId = qInt(query, 'pad__id');
    if (padId !== undefined) f.padId = padId;
    const siteId = qInt(query, 'site__id');
    if (siteId !== undefined) f.siteId = siteId;
    const current = qEnum(query, 'current_state_search', STAGE_NAMES);
    if (current !== undefined) f.currentState = current;
    return ok(world.listStates(f));
  }),
  route('get', `${V1}/states/{id}/`, ({ world, id }) => ok(world.getState(id))),
  ...subResources('pads'),
  ...subResources('sites'),
];

/** The route for a method and pathname; 404 for an unknown path, 405 for a known path and another method. */
export function findRoute(method: string, path: string): { route: Route; id: number } {
  let known = false;
  for (const r of ROUTES) {
    const m = r.regex.exec(path);
    if (!m) continue;
    known = true;
    if (r.method === method) return { route: r, id: m[1] === undefined ? 0 : Number(m[1]) };
  }
  if (known) throw new HttpError(405, { detail: `Method "${method}" not allowed.` });
  throw HttpError.notFound();
}
