/**
 * What a model needs from its client: the typed API, the secrets to keep out of errors, and a way to
 * make sibling models. Models hold it in a private field so it never shows in `JSON.stringify(site)`.
 */
import type { ApiClient } from '../http/client';
import type { TokenProvider } from '../http/auth';
import type { ResolvedRetryPolicy, OnRetry } from '../http/retry';
import type { Pad } from './pad';
import type { Site } from './site';

export interface ClientContext {
  readonly api: ApiClient;
  readonly tokens: TokenProvider;
  readonly host: string;
  readonly retry: ResolvedRetryPolicy;
  readonly onRetry?: OnRetry;
  secrets(): ReadonlyArray<string | undefined>;
  /** A pad handle. Given by the client so that `Site` (which pads import) need not import `Pad` back. */
  pad(id: number): Pad;
  /** A site handle, for code below the models (a plot's metadata) that must not import `Site` itself. */
  site(id: number): Site;
}
