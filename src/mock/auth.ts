/**
 * OAuth2 client-credentials, as django-oauth-toolkit answers it: random bearer tokens that expire on the
 * mock's clock (so a test can move time instead of waiting), and the two 401 texts of the API.
 */
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { HttpError } from './http-util';

export const TOKEN_PATH = '/o/token/';
const NO_CREDENTIALS = 'Authentication credentials were not provided.';
const INVALID_TOKEN = 'Invalid token.';

export interface IssuedToken {
  access_token: string;
  expires_in: number;
  token_type: 'Bearer';
  scope: string;
}

export class TokenStore {
  /** token → expiry (ms on the mock clock). */
  private readonly tokens = new Map<string, number>();

  constructor(
    private readonly clock: () => Date,
    private readonly ttlSeconds: number,
  ) {}

  issue(): IssuedToken {
    // Tokens are secrets even in a mock: crypto randomness, not the seeded generator.
    const token = randomBytes(24).toString('base64url');
    this.tokens.set(token, this.clock().getTime() + this.ttlSeconds * 1000);
    return { access_token: token, expires_in: this.ttlSeconds, token_type: 'Bearer', scope: 'read write' };
  }

  /** The token of a valid `Authorization: Bearer` header; throws the API's 401 otherwise. */
  verify(header: string | undefined): string {
    const m = /^Bearer\s+(\S+)\s*$/i.exec(header ?? '');
    if (!m) throw new HttpError(401, { detail: NO_CREDENTIALS }, { 'WWW-Authenticate': 'Bearer realm="api"' });
    const token = m[1]!;
    const expiry = this.tokens.get(token);
    if (expiry === undefined || this.clock().getTime() >= expiry) {
      throw new HttpError(401, { detail: INVALID_TOKEN }, { 'WWW-Authenticate': 'Bearer realm="api", error="invalid_token"' });
    }
    return token;
  }

  /** Invalidates every token issued so far. */
  expireAll(): void {
    this.tokens.clear();
  }
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

/**
 * Answers `POST /o/token/`. Credentials come from the form body or from HTTP Basic auth (both are valid
 * for client_credentials); a JSON body counts as no body at all, as on the real server.
 */
export function tokenResponse(
  store: TokenStore,
  expected: { clientId: string; clientSecret: string },
  body: unknown,
  authorization: string | undefined,
): IssuedToken {
  const form = typeof body === 'object' && body !== null && !Array.isArray(body) ? (body as Record<string, unknown>) : {};
  const field = (name: string): string | undefined => (typeof form[name] === 'string' ? (form[name] as string) : undefined);
  let clientId = field('client_id');
  let clientSecret = field('client_secret');
  const basic = /^Basic\s+(\S+)$/i.exec(authorization ?? '');
  if (basic) {
    const decoded = Buffer.from(basic[1]!, 'base64').toString('utf8');
    const colon = decoded.indexOf(':');
    if (colon > 0) {
      clientId = decodeURIComponent(decoded.slice(0, colon));
      clientSecret = decodeURIComponent(decoded.slice(colon + 1));
    }
  }
  // oauthlib checks the grant type before it authenticates the client.
  if (field('grant_type') !== 'client_credentials') throw new HttpError(400, { error: 'unsupported_grant_type' });
  if (clientId === undefined || clientSecret === undefined || clientId !== expected.clientId || !sameSecret(clientSecret, expected.clientSecret)) {
    throw new HttpError(401, { error: 'invalid_client' });
  }
  return store.issue();
}
