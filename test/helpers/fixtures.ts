import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Real API responses, kept in the repository (test/fixtures/, source and licence in its README) so that a
 * bare clone passes its tests. `RESTREAM_FIXTURES_DIR` points the tests at another set of recordings.
 */
export const fixturesDir = process.env.RESTREAM_FIXTURES_DIR ?? path.resolve(__dirname, '..', 'fixtures');

export function fixtureNames(): string[] {
  return readdirSync(fixturesDir).filter((f) => f.endsWith('.json')).sort();
}

export function readFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(fixturesDir, name), 'utf8')) as T;
}

export function readFixtureText(name: string): string {
  return readFileSync(path.join(fixturesDir, name), 'utf8');
}
