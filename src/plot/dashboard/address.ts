/**
 * Where the dashboard listens, and who may talk to it. It listens on 127.0.0.1 unless told otherwise; any
 * address that other machines can reach gets a warning, since whoever has the URL then sees the site's data.
 */
import { isIP } from 'node:net';
import { ValidationError } from '../../http/errors';

/** The default address: this machine only. */
export const DEFAULT_LISTEN_HOST = '127.0.0.1';

const HOST_NAME = /^(?=.{1,253}$)[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?(?:\.[A-Za-z0-9](?:[A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;

/** Checks a listen address: an IP address or a host name, never a URL. */
export function checkListenHost(host: unknown): string {
  if (typeof host !== 'string' || host.trim() === '') throw new ValidationError('host', 'must be an address to listen on, such as 127.0.0.1');
  const h = host.trim().replace(/^\[(.*)\]$/, '$1');
  if (/^[a-z][a-z0-9+.-]*:\/\//i.test(h)) {
    throw new ValidationError('host', `must be an address to listen on (such as 127.0.0.1 or 0.0.0.0), not a URL: got ${JSON.stringify(host)}`);
  }
  if (isIP(h) === 0 && !HOST_NAME.test(h)) throw new ValidationError('host', `must be an IP address or a host name, got ${JSON.stringify(host)}`);
  return h;
}

/** Whether `host` is this machine only (127.0.0.0/8, ::1, localhost). */
export function isLoopback(host: string): boolean {
  const h = host.toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h) || /^::ffff:127\.\d+\.\d+\.\d+$/.test(h);
}

/** Whether `host` means every interface. */
export function isWildcard(host: string): boolean {
  return host === '0.0.0.0' || host === '::' || host === '::0';
}

/** The warning to print for a listen address other machines can reach, or undefined for a loopback one. */
export function listenWarning(host: string): string | undefined {
  if (isLoopback(host)) return undefined;
  const where = isWildcard(host) ? 'on every network interface' : `on ${host}`;
  return (
    `the dashboard listens ${where}: other machines can reach it, and anyone with its URL (which holds its ` +
    `access token) sees site data. Use the default 127.0.0.1 unless you mean to share it.`
  );
}

/** The host part of a URL for `host` (IPv6 in brackets; a wildcard address shown as this machine's loopback). */
export function urlHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::' || host === '::0') return '[::1]';
  return isIP(host) === 6 ? `[${host}]` : host;
}

/**
 * The `Host` headers a loopback dashboard accepts: its own address and port under the usual loopback names.
 * A page on another site that rebinds its DNS name to 127.0.0.1 sends its own name, and is refused.
 * Undefined (any) for a dashboard that listens beyond loopback, which may be reached under names it
 * cannot know; the URL's token still guards it.
 */
export function allowedHostHeaders(host: string, port: number): Set<string> | undefined {
  if (!isLoopback(host)) return undefined;
  return new Set([`127.0.0.1:${port}`, `localhost:${port}`, `[::1]:${port}`, `${urlHost(host)}:${port}`.toLowerCase()]);
}
