/**
 * Where `sync` writes: `into` is a path ending in `.duckdb` (an embedded DuckDB file, the default
 * `./restream.duckdb`) or a `postgres://` / `postgresql://` URL (a PostgreSQL server; what the URL leaves
 * out comes from the usual `PG*` variables). Nothing else is accepted: a typo must not create a file
 * nobody meant, and another database's URL must not be half-understood.
 */
import path from 'node:path';
import { ValidationError } from '../http/errors';
import { redact } from '../http/redact';
import { describe } from '../validate';

/** The DuckDB file used when `into` is left out. */
export const DEFAULT_TARGET = './restream.duckdb';

export type SyncTarget =
  | {
      kind: 'duckdb';
      /** Absolute path of the database file. */
      path: string;
      /** How to name the target in messages. */
      display: string;
    }
  | {
      kind: 'postgres';
      /** The connection URL as given (it may hold a password: never print it, use `display`). */
      url: string;
      /** The URL with any password redacted (`postgres://me:[REDACTED]@db/ops`). */
      display: string;
      /** The URL's password, to scrub from driver messages. */
      password?: string;
    };

const ACCEPTED = "a path ending in .duckdb (DuckDB, e.g. ./restream.duckdb) or a postgres:// or postgresql:// URL (PostgreSQL)";
const SCHEME = /^([a-z][a-z0-9+.-]*):\/\//i;
/** `md:`, `s3:`... but not a Windows drive letter (`C:`): DuckDB would read such a prefix as a remote database. */
const PREFIX = /^[a-z][a-z0-9+.-]+:/i;

/** Parses `into`; throws a `ValidationError` naming the accepted forms for anything else. */
export function parseTarget(into: unknown): SyncTarget {
  if (into === undefined) return duckdb(DEFAULT_TARGET);
  if (typeof into !== 'string' || into.trim() === '') throw new ValidationError('into', `must be ${ACCEPTED}, got ${describe(into)}`);
  const value = into.trim();
  const scheme = SCHEME.exec(value)?.[1]?.toLowerCase();
  if (scheme === 'postgres' || scheme === 'postgresql') {
    let parsed: URL;
    try {
      parsed = new URL(value);
    } catch {
      throw new ValidationError('into', `is not a valid PostgreSQL URL: ${redact(value)}`);
    }
    const password = parsed.password ? decodeURIComponent(parsed.password) : undefined;
    return { kind: 'postgres', url: value, display: redact(value), ...(password ? { password } : {}) };
  }
  if (scheme === undefined && !PREFIX.test(value) && /\.duckdb$/i.test(value)) return duckdb(value);
  throw new ValidationError('into', `must be ${ACCEPTED}, got '${redact(value)}'`);
}

function duckdb(file: string): SyncTarget {
  const absolute = path.resolve(file);
  return { kind: 'duckdb', path: absolute, display: absolute };
}
