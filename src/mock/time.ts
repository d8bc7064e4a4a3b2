/**
 * The date formats of the wire. The mock keeps time as unix seconds internally and renders the exact
 * spellings the real API uses, so clients meet the same strings they will meet in production.
 */
import { HttpError } from './http-util';

const pad2 = (n: number): string => (n < 10 ? '0' : '') + n;

/** `YYYY-MM-DDTHH:MM:SSZ` (whole seconds, as history and data-change dates come). */
export function isoZ(unixSeconds: number): string {
  const d = new Date(unixSeconds * 1000);
  return (
    `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}` +
    `T${pad2(d.getUTCHours())}:${pad2(d.getUTCMinutes())}:${pad2(d.getUTCSeconds())}Z`
  );
}

/** `YYYY-MM-DDTHH:MM:SS.ffffffZ`: the microsecond form Django writes for auto timestamps. */
export function isoMicros(unixSeconds: number, micros: number): string {
  return `${isoZ(Math.floor(unixSeconds)).slice(0, -1)}.${String(Math.floor(micros) % 1_000_000).padStart(6, '0')}Z`;
}

const HISTORY_INSTANT = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})Z$/;
const DATA_INSTANT = /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/;

function toSeconds(m: RegExpExecArray | null, param: string, value: string, format: string): number {
  if (!m) throw HttpError.badRequest(`${param}: '${value}' is not a UTC date-time in the format ${format}.`);
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  const ms = Date.UTC(y, mo - 1, d, h, mi, s);
  // Date.UTC rolls 2025-02-30 over into March; a real server rejects it, so must the mock.
  const back = new Date(ms);
  if (back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d || h > 23 || mi > 59 || s > 59) {
    throw HttpError.badRequest(`${param}: '${value}' is not a valid date-time.`);
  }
  return ms / 1000;
}

/** Parses a history filter (`start`/`end`): strictly `YYYY-MM-DDTHH:MM:SSZ`, else 400. */
export function parseHistoryInstant(param: string, value: string): number {
  return toSeconds(HISTORY_INSTANT.exec(value), param, value, 'YYYY-MM-DDTHH:MM:SSZ');
}

/** Parses a data window bound: strictly `YYYY-MM-DD HH:MM:SS` (UTC), else 400. */
export function parseDataInstant(param: string, value: string): number {
  return toSeconds(DATA_INSTANT.exec(value), param, value, 'YYYY-MM-DD HH:MM:SS');
}
