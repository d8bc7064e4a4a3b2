/**
 * What a failed connection means, in words a user can act on. undici and `ws` bury the reason in a chain of
 * `cause`s (a `TypeError: fetch failed` around a `DOMException` around the real error); this walks the
 * chain and answers: which timeout fired, whether a proxy refused (and with which status), whether the
 * server's certificate is untrusted, or else the most specific message found.
 */
import type { TimeoutKind } from './errors';

export interface Failure {
  /** One line, for the error message and the log. */
  message: string;
  timeout?: TimeoutKind;
  /** The proxy's answer to CONNECT, when it refused. */
  proxyStatus?: number;
  /** The TLS verification error code, when the certificate was not trusted. */
  certificate?: string;
}

/** OpenSSL's and Node's codes for a certificate that failed verification. */
const CERTIFICATE_CODES = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'CERT_UNTRUSTED',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'CERT_SIGNATURE_FAILURE',
  'CERT_REVOKED',
  'ERR_TLS_CERT_ALTNAME_INVALID',
]);

/** Statuses a proxy answers CONNECT with that no retry will change: it wants credentials, or forbids the host. */
export const FATAL_PROXY_STATUSES = new Set([403, 407]);

const PROXY_STATUS_TEXT: Record<number, string> = {
  403: 'Forbidden',
  407: 'Proxy Authentication Required',
  502: 'Bad Gateway',
  503: 'Service Unavailable',
  504: 'Gateway Timeout',
};

/**
 * Describes `error`, thrown by a `fetch` (or a socket) that was given `timeouts`; `requestTimedOut` when the
 * transport's own request timer aborted it.
 */
export function describeFailure(error: unknown, context: { requestTimedOut?: boolean; connectMs: number; requestMs: number }): Failure {
  if (context.requestTimedOut) {
    return { message: `request timeout: no complete response within ${context.requestMs} ms (requestTimeoutMs)`, timeout: 'request' };
  }
  const chain = causes(error);
  for (const e of chain) {
    if (e.code === 'UND_ERR_CONNECT_TIMEOUT' || e.code === 'ETIMEDOUT' || e.code === 'ERR_SOCKET_CONNECTION_TIMEOUT') {
      return { message: `connect timeout: no connection within ${context.connectMs} ms (connectTimeoutMs)`, timeout: 'connect' };
    }
    const status = proxyStatusOf(e.message);
    if (status !== undefined) return { message: proxyRefusal(status), proxyStatus: status };
    if (typeof e.code === 'string' && CERTIFICATE_CODES.has(e.code)) return { message: certificateProblem(e.code, e.message), certificate: e.code };
  }
  return { message: mostSpecificMessage(chain) };
}

/** "the proxy answered 407 Proxy Authentication Required", with what to check. */
export function proxyRefusal(status: number): string {
  const text = PROXY_STATUS_TEXT[status] ? ` ${PROXY_STATUS_TEXT[status]}` : '';
  const hint =
    status === 407
      ? ': it wants credentials, or refused the ones given; put them in the proxy URL as user:password@ before the host'
      : status === 403
        ? ': it does not allow connections to this host'
        : '';
  return `the proxy answered ${status}${text}${hint}`;
}

/** The certificate problem, with what to do about it. */
export function certificateProblem(code: string, detail?: string): string {
  const what = detail && !detail.includes(code) ? `${detail} (${code})` : (detail ?? code);
  return `TLS certificate not trusted: ${what}; if a company proxy or CA signs it, trust that CA with NODE_EXTRA_CA_CERTS=/path/ca.pem or the ca option`;
}

/** A TLS verification code found anywhere in the error's cause chain. */
export function certificateCode(error: unknown): string | undefined {
  for (const e of causes(error)) if (typeof e.code === 'string' && CERTIFICATE_CODES.has(e.code)) return e.code;
  return undefined;
}

/** undici reports a refused CONNECT only in its messages: "Proxy response (407) !== 200 when HTTP Tunneling". */
function proxyStatusOf(message: string | undefined): number | undefined {
  if (!message) return undefined;
  const m = /^Proxy response \((\d{3})\)|^Proxy Authentication Required \((407)\)/.exec(message);
  return m ? Number(m[1] ?? m[2]) : undefined;
}

interface Link {
  message?: string;
  code?: unknown;
  name?: string;
}

function causes(error: unknown): Link[] {
  const out: Link[] = [];
  let e: unknown = error;
  for (let depth = 0; e !== null && typeof e === 'object' && depth < 8; depth++) {
    // Duck-typed: undici's errors come from Node's own realm, where `instanceof Error` can fail.
    const link = e as Link & { cause?: unknown; errors?: unknown[] };
    out.push(link);
    // A connection refused on every address of a host is an AggregateError; its first error says why.
    e = link.cause ?? (Array.isArray(link.errors) ? link.errors[0] : undefined);
  }
  if (out.length === 0) out.push({ message: String(error) });
  return out;
}

/** "fetch failed (connect ECONNREFUSED 127.0.0.1:1)": the outer message and the innermost useful one. */
function mostSpecificMessage(chain: Link[]): string {
  const outer = chain[0]?.message ?? 'connection failed';
  const inner = [...chain].reverse().find((l) => typeof l.message === 'string' && l.message !== '' && l.message !== outer)?.message;
  const code = chain.map((l) => l.code).find((c): c is string => typeof c === 'string' && !c.startsWith('UND_ERR'));
  const detail = inner ?? code;
  return detail && !outer.includes(detail) ? `${outer} (${detail})` : outer;
}
