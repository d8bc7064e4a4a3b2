import { expectArray, unwrap } from '../http/call';
import { oneOf, rejectUnknownOptions } from '../validate';
import { Asset } from './asset';
import type { ClientContext } from './context';
import { reviveSchema } from './dates';
import { LIST_ENDPOINTS } from './endpoints';
import { Site } from './site';
import { State } from './state';
import { StageNameFilter } from './enums';
import type { MeasurementSources, PadFields, WirePad, WireSite, WireState } from './types';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface Pad extends Omit<PadFields, 'id'> {}

/**
 * A pad: several sites (wells) worked together. `rs.pad(id)` makes a handle without a request;
 * `update()` loads its fields; `rs.pads.get(id)` does both.
 */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class Pad extends Asset {
  /** Which kind of asset this is. */
  get kind(): 'pad' {
    return 'pad';
  }

  /** @internal Use `rs.pad(id)`, `rs.pads.get(id)` or `rs.pads.list()`. */
  constructor(ctx: ClientContext, id: number, fields?: PadFields) {
    super(ctx, id);
    if (fields) Object.assign(this, fields);
  }

  /** @internal Builds a Pad from a wire object, reviving its dates. */
  static fromWire(ctx: ClientContext, wire: WirePad): Pad {
    return new Pad(ctx, wire.id, reviveSchema<PadFields>('Pad', wire));
  }

  /** The sites of this pad. */
  async getSites(): Promise<Site[]> {
    const template = LIST_ENDPOINTS.sites;
    const data = await unwrap(this.ctx.api.GET(template, { params: { query: { pad__id: this.id } } }), {
      method: 'GET',
      template,
      secrets: this.ctx.secrets(),
    });
    return expectArray<WireSite>(data, { method: 'GET', path: template }).map((w) => Site.fromWire(this.ctx, w));
  }

  /** The current states of this pad's sites, optionally only those in a kind of stage. */
  async getStates(options: { stageNameFilter?: StageNameFilter } = {}): Promise<State[]> {
    rejectUnknownOptions(options, ['stageNameFilter'], 'getStates');
    const query: { pad__id: number; current_state_search?: StageNameFilter } = { pad__id: this.id };
    if (options.stageNameFilter !== undefined) query.current_state_search = oneOf(options.stageNameFilter, Object.values(StageNameFilter), 'stageNameFilter');
    const template = LIST_ENDPOINTS.states;
    const data = await unwrap(this.ctx.api.GET(template, { params: { query } }), { method: 'GET', template, secrets: this.ctx.secrets() });
    return expectArray<WireState>(data, { method: 'GET', path: template }).map((w) => State.fromWire(this.ctx, w));
  }

  /** The pad's measurement sources by category (`frac`, `wl`, `fluid`, `pumpdown`). */
  async getMeasurementSourcesMetadata(): Promise<MeasurementSources> {
    if (!this.isLoaded) await this.update();
    return { ...(this.simops_config?.measurement_sources ?? {}) };
  }

}
