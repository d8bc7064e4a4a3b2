import { expectObject, unwrap } from '../http/call';
import { toId } from '../validate';
import type { ClientContext } from './context';
import { reviveSchema } from './dates';
import { LIST_ENDPOINTS } from './endpoints';
import type { StateFields, WireState } from './types';

// eslint-disable-next-line @typescript-eslint/no-empty-object-type, @typescript-eslint/no-unsafe-declaration-merging
export interface State extends Omit<StateFields, 'id'> {}

/** A site's current state: the stage it is in, stage numbers, the truth table that decided it. */
// eslint-disable-next-line @typescript-eslint/no-unsafe-declaration-merging
export class State {
  readonly #ctx: ClientContext;
  readonly id: number;

  /** @internal */
  constructor(ctx: ClientContext, id: number, fields?: StateFields) {
    this.#ctx = ctx;
    this.id = toId(id);
    if (fields) Object.assign(this, fields);
  }

  /** @internal */
  static fromWire(ctx: ClientContext, wire: WireState): State {
    return new State(ctx, wire.id, reviveSchema<StateFields>('State', wire));
  }

  /** Reloads the state from the API and returns it. */
  async update(): Promise<this> {
    const template = LIST_ENDPOINTS.state;
    const data = await unwrap(this.#ctx.api.GET(template, { params: { path: { id: this.id } } }), {
      method: 'GET',
      template,
      pathParams: { id: this.id },
      secrets: this.#ctx.secrets(),
    });
    Object.assign(this, reviveSchema<StateFields>('State', expectObject<WireState>(data, { method: 'GET', path: template }, 'id')));
    return this;
  }

}
