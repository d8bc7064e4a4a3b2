/**
 * Database drivers are optional dependencies, loaded on first use: importing the SDK never loads DuckDB's
 * native binding or `pg`, and a missing driver is a clear error naming the package, not a crash at start.
 * `require` made from this module's path works the same from the CommonJS and the ES module builds.
 */
import { createRequire } from 'node:module';
import { DatabaseError } from './errors';

/** Loads `name` from beside the SDK, else from the current project; throws a `DatabaseError` saying how to install it. */
export function loadDriver<T>(name: string, target: string, purpose: string): T {
  const attempts = [__filename, `${process.cwd()}/`];
  let notFound: unknown;
  for (const from of attempts) {
    try {
      return createRequire(from)(name) as T;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'MODULE_NOT_FOUND' || !String((error as Error).message).includes(name)) {
        throw new DatabaseError(target, `cannot load ${name} (${purpose}): ${(error as Error).message}`, { cause: error });
      }
      notFound = error;
    }
  }
  throw new DatabaseError(target, `${purpose} needs the package ${name}, which is not installed (it is an optional dependency of restream-datastore): npm install ${name}`, {
    cause: notFound,
  });
}
