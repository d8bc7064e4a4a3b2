/**
 * Shared pieces of the mock-server tests: a server on port 0 with a clock the test controls, token
 * fetching through the real token endpoint, and small fetch wrappers.
 */
import { startMockServer, type MockServer, type MockServerOptions } from '../../src/mock';

export const V1 = '/external/thirdparty/v1';

/** A fixed instant for the tests' clock (data and stage progress depend on it, not on the wall clock). */
export const T0 = new Date('2025-10-09T08:00:00Z');

export interface TestMock {
  mock: MockServer;
  /** Moves the mock's clock. */
  clock: { now: Date };
  /** The token `get`/`json`/`post` send (reassign after expiring tokens). */
  token: string;
  get(path: string, init?: RequestInit): Promise<Response>;
  json<T = unknown>(path: string): Promise<{ status: number; body: T }>;
  post(path: string, body: unknown): Promise<Response>;
}

export async function requestToken(mock: MockServer, form: Record<string, string> = {}): Promise<Response> {
  return fetch(`${mock.url}/o/token/`, {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({ client_id: mock.clientId, client_secret: mock.clientSecret, grant_type: 'client_credentials', ...form }),
  });
}

export async function startTestMock(options: MockServerOptions = {}): Promise<TestMock> {
  const clock = { now: T0 };
  const mock = await startMockServer({ seed: 7, now: () => clock.now, ...options });
  const res = await requestToken(mock);
  const token = ((await res.json()) as { access_token: string }).access_token;
  const auth = (): Record<string, string> => ({ authorization: `Bearer ${t.token}` });
  const get = (path: string, init: RequestInit = {}): Promise<Response> =>
    fetch(mock.url + path, { ...init, headers: { ...auth(), ...(init.headers as Record<string, string> | undefined) } });
  const t: TestMock = {
    mock,
    clock,
    token,
    get,
    async json<T>(path: string) {
      const r = await get(path);
      return { status: r.status, body: (await r.json()) as T };
    },
    post: (path, body) => fetch(mock.url + path, { method: 'POST', headers: { ...auth(), 'content-type': 'application/json' }, body: JSON.stringify(body) }),
  };
  return t;
}

/** `YYYY-MM-DD HH:MM:SS` for the data endpoint. */
export function spaced(d: Date | number): string {
  const date = typeof d === 'number' ? new Date(d * 1000) : d;
  return date.toISOString().slice(0, 19).replace('T', ' ');
}

/** Query string of a data request. */
export function dataQuery(params: Record<string, string | number | boolean>): string {
  return '?' + new URLSearchParams(Object.entries(params).map(([k, v]): [string, string] => [k, String(v)])).toString();
}

export type Row = Record<string, number | string | null>;

/** The row texts of a `/data/` body (rows hold no nested objects, so `},\n{` separates them). */
export function rowTexts(body: string): string[] {
  if (body === '[]') return [];
  return body.slice(2, -2).split('},\n{').map((r) => `{${r}}`);
}
