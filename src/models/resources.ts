/**
 * Collections: `rs.sites`, `rs.pads`, `rs.states`. List filters are the API's own query names; which
 * names and value types exist comes from the contract (generated/operations.ts), so a filter the API
 * does not know is refused before any request.
 */
import { queryParameters } from '../../generated/operations';
import { expectArray, expectObject, unwrap } from '../http/call';
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

const ctxOf = (ctx: ClientContext, template: string, id?: number) => ({
  method: 'GET',
  template,
  ...(id !== undefined ? { pathParams: { id } } : {}),
  secrets: ctx.secrets(),
});

/** `rs.sites` */
export class SitesResource {
  constructor(private readonly ctx: ClientContext) {}

  /** Sites visible to the token, filtered by the API's query names (`pad__id`, `fleet_name`, ...). */
  list(filters: SiteListFilters & { asDict: true }): Promise<WireSite[]>;
  list(filters?: SiteListFilters & { asDict?: false }): Promise<Site[]>;
  async list(filters: SiteListFilters & AsDict = {}): Promise<Site[] | WireSite[]> {
    const query = listQuery('listSites', filters);
    const template = LIST_ENDPOINTS.sites;
    const data = await unwrap(this.ctx.api.GET(template, { params: { query } }), ctxOf(this.ctx, template));
    const wires = expectArray<WireSite>(data, { method: 'GET', path: template });
    return filters.asDict ? wires : wires.map((w) => Site.fromWire(this.ctx, w));
  }

  /** One site, loaded. */
  get(id: number, options: { asDict: true }): Promise<WireSite>;
  get(id: number, options?: { asDict?: false }): Promise<Site>;
  async get(id: number, options: AsDict = {}): Promise<Site | WireSite> {
    rejectUnknownOptions(options, ['asDict'], 'sites.get');
    const siteId = toId(id);
    const template = ASSET_ENDPOINTS.site.one;
    const data = await unwrap(this.ctx.api.GET(template, { params: { path: { id: siteId } } }), ctxOf(this.ctx, template, siteId));
    const wire = expectObject<WireSite>(data, { method: 'GET', path: template }, 'id');
    return options.asDict ? wire : Site.fromWire(this.ctx, wire);
  }
}

/** `rs.pads` */
export class PadsResource {
  constructor(private readonly ctx: ClientContext) {}

  /** Pads visible to the token, filtered by the API's query names (`fleet_name`, `site_pk`, ...). */
  list(filters: PadListFilters & { asDict: true }): Promise<WirePad[]>;
  list(filters?: PadListFilters & { asDict?: false }): Promise<Pad[]>;
  async list(filters: PadListFilters & AsDict = {}): Promise<Pad[] | WirePad[]> {
    const query = listQuery('listPads', filters);
    const template = LIST_ENDPOINTS.pads;
    const data = await unwrap(this.ctx.api.GET(template, { params: { query } }), ctxOf(this.ctx, template));
    const wires = expectArray<WirePad>(data, { method: 'GET', path: template });
    return filters.asDict ? wires : wires.map((w) => Pad.fromWire(this.ctx, w));
  }

  /** One pad, loaded. */
  get(id: number, options: { asDict: true }): Promise<WirePad>;
  get(id: number, options?: { asDict?: false }): Promise<Pad>;
  async get(id: number, options: AsDict = {}): Promise<Pad | WirePad> {
    rejectUnknownOptions(options, ['asDict'], 'pads.get');
    const padId = toId(id);
    const template = ASSET_ENDPOINTS.pad.one;
    const data = await unwrap(this.ctx.api.GET(template, { params: { path: { id: padId } } }), ctxOf(this.ctx, template, padId));
    const wire = expectObject<WirePad>(data, { method: 'GET', path: template }, 'id');
    return options.asDict ? wire : Pad.fromWire(this.ctx, wire);
  }
}

/** `rs.states` */
export class StatesResource {
  constructor(private readonly ctx: ClientContext) {}

  /** Site states, filtered by `pad__id`, `site__id` or `current_state_search` (a stage-name filter). */
  list(filters: StateListFilters & { asDict: true }): Promise<WireState[]>;
  list(filters?: StateListFilters & { asDict?: false }): Promise<State[]>;
  async list(filters: StateListFilters & AsDict = {}): Promise<State[] | WireState[]> {
    const query = listQuery('listStates', filters);
    const template = LIST_ENDPOINTS.states;
    const data = await unwrap(this.ctx.api.GET(template, { params: { query } }), ctxOf(this.ctx, template));
    const wires = expectArray<WireState>(data, { method: 'GET', path: template });
    return filters.asDict ? wires : wires.map((w) => State.fromWire(this.ctx, w));
  }

  /** One state. */
  get(id: number, options: { asDict: true }): Promise<WireState>;
  get(id: number, options?: { asDict?: false }): Promise<State>;
  async get(id: number, options: AsDict = {}): Promise<State | WireState> {
    rejectUnknownOptions(options, ['asDict'], 'states.get');
    const stateId = toId(id);
    const template = LIST_ENDPOINTS.state;
    const data = await unwrap(this.ctx.api.GET(template, { params: { path: { id: stateId } } }), ctxOf(this.ctx, template, stateId));
    const wire = expectObject<WireState>(data, { method: 'GET', path: template }, 'id');
    return options.asDict ? wire : State.fromWire(this.ctx, wire);
  }
}
