/**
 * Secrets are removed where they could leak: error messages, server messages echoed back, and logged URLs.
 * Everything that builds an error message passes through here, so no caller has to remember.
 */

const REDACTED = '[REDACTED]';

const SECRET_KEYS = ['client_secret', 'access_token', 'refresh_token', 'token', 'authorization', 'password'];

// `key=value` (form/query), `"key": "value"` (JSON), and `Bearer <token>` forms.
const KEY_VALUE = new RegExp(`\\b(${SECRET_KEYS.join('|')})=([^&\\s"']+)`, 'gi');
const JSON_PAIR = new RegExp(`("(?:${SECRET_KEYS.join('|')})"\\s*:\\s*)"(?:[^"\\\\]|\\\\.)*"`, 'gi');
const BEARER = /\b(Bearer)\s+[A-Za-z0-9._~+/=-]+/g;
// Credentials in a URL: `http://user:password@proxy:3128` (the proxy settings' usual form) keeps the user
// name, which tells whose login failed; a user part without a password may itself be a token: all of it goes.
const URL_PASSWORD = /\b([a-z][a-z0-9+.-]*:\/\/[^/@\s:]*):[^/\s]*@/gi; // to the last @: a password may hold one
const URL_USERINFO = /\b([a-z][a-z0-9+.-]*:\/\/)[^/@\s:]+@/gi;
// `Proxy-Authorization: Basic dXNlcjpwYXNz`.
const BASIC = /\b(Basic)\s+[A-Za-z0-9+/=]{8,}/g;

/** Replaces token-like and secret-like substrings with `[REDACTED]`; `extra` are literal secrets to scrub too. */
export function redact(text: string, extra: ReadonlyArray<string | undefined> = []): string {
  let out = text
    .replace(KEY_VALUE, `$1=${REDACTED}`)
    .replace(JSON_PAIR, `$1"${REDACTED}"`)
    .replace(BEARER, `$1 ${REDACTED}`)
    .replace(BASIC, `$1 ${REDACTED}`)
    .replace(URL_PASSWORD, `$1:${REDACTED}@`)
    .replace(URL_USERINFO, `$1${REDACTED}@`);
  for (const secret of extra) {
    // Short strings would redact ordinary words; real secrets and tokens are long.
    if (secret && secret.length >= 6) out = out.split(secret).join(REDACTED);
  }
  return out;
}
