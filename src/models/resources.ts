/**
 * Collections: `rs.sites`, `rs.pads`, `rs.states`. List filters are the API's own query names; which
 * names and value types exist comes from the contract (generated/operations.ts), so a filter the API
 * does not know is refused before any request.
 */
import { queryParameters } from '../../generated/operations';
import { concretePath, expectArray, expectObject, unwrap } from '../http/call';
import { ValidationError } from '../http/errors';
import { describe, rejectUnknownOptions, toId } from '../validate';
import type { ClientContext } from './context';
import { ASSET_ENDPOINTS, LIST_ENDPOINTS } from './endpoints';
import { Pad } from './pad';
import { Site } from './site';
import { State } from './state';
import type { PadListFilters, SiteListFilters, StateListFilters, WirePad, WireSite, WireState } from './types';

type OperationId = keyof typeof queryParameters;
type AsDict = { asDict?: boolean };

/** Checks list filters against the operation's query parameters in the contract. */
function listQuery(operation: OperationId, filters: Record<string, unknown>): Record<string, unknown> {
  const known = queryParameters[operation] as Record<string, { type: string; enum?: readonly string[] }>;
  const { asDict: _asDict, ...query } = filters;
  rejectUnknownOptions(query, [...Object.keys(known), 'asDict'], operation);
  for (const [name, value] of Object.entries(query)) {
    if (value === undefined) {
      delete query[name];
      continue;
    }
    const spec = known[name]!;
    if (spec.type === 'integer') query[name] = toId(value, name);
    else if (spec.type === 'boolean' && typeof value !== 'boolean') throw new ValidationError(name, `must be true or false, got ${describe(value)}`);
    else if (spec.type === 'string') {
      if (typeof value !== 'string' || value === '') throw new ValidationError(name, `must be a non-empty string, got ${describe(value)}`);
      if (spec.enum && !spec.enum.includes(value)) throw new ValidationError(name, `must be one of ${spec.enum.join(', ')}, got ${describe(value)}`);
    }
  }
  return query;
}

/** What distinguishes one collection from another: its operation, its path templates, its model. */
interface CollectionSpec<M, W> {
  operation: OperationId;
  name: string;
  listTemplate: (typeof LIST_ENDPOINTS)['pads' | 'sites' | 'states'];
  oneTemplate: (typeof ASSET_ENDPOINTS)['site' | 'pad']['one'] | (typeof LIST_ENDPOINTS)['state'];
  fromWire: (ctx: ClientContext, wire: W) => M;
}

/** `list(filters)` and `get(id)` over one kind of record, models or wire objects (`asDict: true`). */
abstract class Collection<M, W extends { id: number }, F extends object> {
  protected constructor(
    private readonly ctx: ClientContext,
    private readonly spec: CollectionSpec<M, W>,
  ) {}

  /** Records visible to the token, filtered by the API's own query names. */
  list(filters: F & { asDict: true }): Promise<W[]>;
  list(filters?: F & { asDict?: false }): Promise<M[]>;
  async list(filters: F & AsDict = {} as F & AsDict): Promise<M[] | W[]> {
    const query = listQuery(this.spec.operation, filters as Record<string, unknown>);
    const template = this.spec.listTemplate;
    // The list templates take no path parameters; openapi-fetch types each literal apart.
    const data = await unwrap(this.ctx.api.GET(template as typeof LIST_ENDPOINTS.sites, { params: { query } }), {
      method: 'GET',
      template,
      secrets: this.ctx.secrets(),
    });
    const wires = expectArray<W>(data, { method: 'GET', path: template });
    return filters.asDict ? wires : wires.map((w) => this.spec.fromWire(this.ctx, w));
  }

  /** One record, loaded. */
  get(id: number, options: { asDict: true }): Promise<W>;
  get(id: number, options?: { asDict?: false }): Promise<M>;
  async get(id: number, options: AsDict = {}): Promise<M | W> {
    rejectUnknownOptions(options, ['asDict'], `${this.spec.name}.get`);
    const recordId = toId(id);
    const template = this.spec.oneTemplate;
    const call = { method: 'GET', template, pathParams: { id: recordId }, secrets: this.ctx.secrets() };
    const data = await unwrap(this.ctx.api.GET(template as typeof ASSET_ENDPOINTS.site.one, { params: { path: { id: recordId } } }), call);
    const wire = expectObject<W>(data, { method: 'GET', path: concretePath(template, { id: recordId }) }, 'id');
    return options.asDict ? wire : this.spec.fromWire(this.ctx, wire);
  }
}

/** `rs.sites`: filters `pad__id`, `pad_pk`, `fleet_id`, `fleet_name`, `complete`. */
export class SitesResource extends Collection<Site, WireSite, SiteListFilters> {
  constructor(ctx: ClientContext) {
    super(ctx, { operation: 'listSites', name: 'sites', listTemplate: LIST_ENDPOINTS.sites, oneTemplate: ASSET_ENDPOINTS.site.one, fromWire: Site.fromWire });
  }
}

/** `rs.pads`: filters `fleet_name`, `fleet_id`, `site_pk`, `well_api`, `complete`. */
export class PadsResource extends Collection<Pad, WirePad, PadListFilters> {
  constructor(ctx: ClientContext) {
    super(ctx, { operation: 'listPads', name: 'pads', listTemplate: LIST_ENDPOINTS.pads, oneTemplate: ASSET_ENDPOINTS.pad.one, fromWire: Pad.fromWire });
  }
}

/** `rs.states`: filters `pad__id`, `site__id`, `current_state_search` (a stage-name filter). */
export class StatesResource extends Collection<State, WireState, StateListFilters> {
  constructor(ctx: ClientContext) {
    super(ctx, { operation: 'listStates', name: 'states', listTemplate: LIST_ENDPOINTS.states, oneTemplate: LIST_ENDPOINTS.state, fromWire: State.fromWire });
  }
}
