/**
 * Access tokens. Two sources: the OAuth2 client-credentials flow (the SDK owns the token and may refresh
 * it) and a caller's ready token (never replaced behind the caller's back).
 */

/** A token as the token endpoint returns it. */
export interface IssuedToken {
  access_token: string;
  /** Lifetime in seconds. */
  expires_in: number;
}

export interface TokenProvider {
  /** True when the SDK obtained the token itself and may fetch a new one after a 401. */
  readonly ownsToken: boolean;
  /** A valid token, from the cache unless it is (nearly) expired or `force` is set. */
  getAccessToken(options?: { force?: boolean }): Promise<string>;
  /**
   * Called after the server rejected `rejected`. Returns the token to retry with: a newer one if another
   * call already refreshed it, otherwise a freshly fetched one. Only meaningful when `ownsToken`.
   */
  refreshAfterRejection(rejected: string): Promise<string>;
  /** Literal secrets this provider holds, for redaction. */
  secrets(): string[];
}

/** A token the caller passed in: used as is, never refreshed. */
export class StaticTokenProvider implements TokenProvider {
  readonly ownsToken = false;
  constructor(private readonly token: string) {}
  async getAccessToken(): Promise<string> {
    return this.token;
  }
  async refreshAfterRejection(): Promise<string> {
    return this.token;
  }
  secrets(): string[] {
    return [this.token];
  }
}

export interface ClientCredentialsOptions {
  clientSecret: string;
  /** Fetches a new token from the token endpoint. */
  requestToken: () => Promise<IssuedToken>;
  /** Clock, for tests. */
  now?: () => number;
}

/**
 * Client-credentials tokens with a cache. A token is treated as expired a margin before `expires_in`
 * (a tenth of its life, at most a minute) so a call never leaves with a token that dies on the way.
 * Concurrent callers share one refresh: whoever finds the cache stale starts it, the rest await it.
 */
export class ClientCredentialsProvider implements TokenProvider {
  readonly ownsToken = true;
  private cached?: { token: string; refreshAt: number };
  private inflight?: Promise<string>;
  private readonly now: () => number;

  constructor(private readonly options: ClientCredentialsOptions) {
    this.now = options.now ?? Date.now;
  }

  getAccessToken(options: { force?: boolean } = {}): Promise<string> {
    if (this.inflight) return this.inflight;
    if (!options.force && this.cached && this.now() < this.cached.refreshAt) return Promise.resolve(this.cached.token);
    return this.refresh();
  }

  refreshAfterRejection(rejected: string): Promise<string> {
    if (this.inflight) return this.inflight;
    if (this.cached && this.cached.token !== rejected && this.now() < this.cached.refreshAt) {
      return Promise.resolve(this.cached.token);
    }
    return this.refresh();
  }

  secrets(): string[] {
    return [this.options.clientSecret, ...(this.cached ? [this.cached.token] : [])];
  }

  private refresh(): Promise<string> {
    const started = this.now();
    this.inflight = this.options
      .requestToken()
      .then((issued) => {
        const lifeMs = Math.max(0, issued.expires_in * 1000);
        const margin = Math.min(60_000, lifeMs / 10);
        this.cached = { token: issued.access_token, refreshAt: started + lifeMs - margin };
        return issued.access_token;
      })
      .finally(() => {
        this.inflight = undefined;
      });
    return this.inflight;
  }
}
