import { readFileSync, readdirSync } from 'node:fs';
import path from 'node:path';

/**
 * Real API responses live in the shared folder beside the repository (../shared/fixtures), never in the
 * repo itself. CI lays a copy of shared/ beside its clone, so the relative path holds there too.
 */
export const fixturesDir = process.env.RESTREAM_FIXTURES_DIR ?? path.resolve(__dirname, '..', '..', '..', 'shared', 'fixtures');

export function fixtureNames(): string[] {
  return readdirSync(fixturesDir).filter((f) => f.endsWith('.json')).sort();
}

export function readFixture<T = unknown>(name: string): T {
  return JSON.parse(readFileSync(path.join(fixturesDir, name), 'utf8')) as T;
}

export function readFixtureText(name: string): string {
  return readFileSync(path.join(fixturesDir, name), 'utf8');
}
