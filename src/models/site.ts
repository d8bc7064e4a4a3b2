import { expectArray, unwrap } from '../http/call';
import { NotFoundError } from '../http/errors';
import { Asset } from './asset';
import type { ClientContext } from './context';
import { reviveSchema } from './dates';
import { LIST_ENDPOINTS } from './endpoints';
import type { Pad } from './pad';
import { State } from './state';
import type { MeasurementSources, SiteFields, WireSite, WireState } from './types';

// The class and this interface merge: a loaded Site carries every field of the contract's Site schema.
// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Site extends Omit<SiteFields, 'id'> {}

/**
 * A site (a well). `rs.site(id)` makes a handle without a request; `update()` loads its fields;
 * `rs.sites.get(id)` does both. Fields keep the API's names; date-time fields are `Date`s.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Site extends Asset {
  /** Which kind of asset this is. */
  get kind(): 'site' {
    return 'site';
  }

  /** @internal Use `rs.site(id)`, `rs.sites.get(id)` or `rs.sites.list()`. */
  constructor(ctx: ClientContext, id: number, fields?: SiteFields) {
    super(ctx, id);
    if (fields) Object.assign(this, fields);
  }

  /** @internal Builds a Site from a wire object, reviving its dates. */
  static fromWire(ctx: ClientContext, wire: WireSite): Site {
    return new Site(ctx, wire.id, reviveSchema<SiteFields>('Site', wire));
  }

  /** The pad this site belongs to (loads the site first if needed, to learn its `pad_id`). */
  async getPad(): Promise<Pad> {
    if (this.pad_id === undefined) await this.update();
    if (this.pad_id === null || this.pad_id === undefined) {
      throw new NotFoundError(`site ${this.id} belongs to no pad`, { path: this.path(this.endpoints.one) });
    }
    const pad = this.ctx.pad(this.pad_id);
    return pad.update();
  }

  /** The site's current state, or `null` when the site has no state configured. */
  async getState(): Promise<State | null> {
    const template = LIST_ENDPOINTS.states;
    const data = await unwrap(this.ctx.api.GET(template, { params: { query: { site__id: this.id } } }), {
      method: 'GET',
      template,
      secrets: this.ctx.secrets(),
    });
    const states = expectArray<WireState>(data, { method: 'GET', path: template });
    const first = states[0];
    return first ? State.fromWire(this.ctx, first) : null;
  }

  /**
   * The measurement sources (frac, wireline, fluid, pumpdown units) attached to this site: the pad's
   * sources, keeping only those whose `attached_sites` include this site.
   */
  async getMeasurementSourcesMetadata(): Promise<MeasurementSources> {
    const pad = await this.getPad();
    const all = await pad.getMeasurementSourcesMetadata();
    const mine: MeasurementSources = {};
    for (const [category, sources] of Object.entries(all)) {
      mine[category] = (sources ?? []).filter((s) => Array.isArray(s.attached_sites) && s.attached_sites.includes(this.id));
    }
    return mine;
  }

}
