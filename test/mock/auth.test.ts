import { assertValidResponse } from '../helpers/contract';
import { requestToken, startTestMock, T0, V1, type TestMock } from './support';

describe('mock server: OAuth2 token flow', () => {
  let t: TestMock;
  beforeAll(async () => {
    t = await startTestMock({ tokenTtlSeconds: 600 });
  });
  afterAll(() => t.mock.close());

  it('issues a bearer token for good credentials', async () => {
    const res = await requestToken(t.mock);
    expect(res.status).toBe(200);
    const body = (await res.json()) as Record<string, unknown>;
    assertValidResponse('POST', '/o/token/', 200, body);
    expect(body).toEqual({ access_token: expect.any(String), expires_in: 600, token_type: 'Bearer', scope: 'read write' });
    expect(body.access_token).not.toBe(t.token);
    const ok = await fetch(`${t.mock.url}${V1}/pads/`, { headers: { authorization: `Bearer ${String(body.access_token)}` } });
    expect(ok.status).toBe(200);
  });

  it('accepts the credentials as HTTP Basic auth too', async () => {
    const basic = Buffer.from(`${t.mock.clientId}:${t.mock.clientSecret}`).toString('base64');
    const res = await fetch(`${t.mock.url}/o/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded', authorization: `Basic ${basic}` },
      body: 'grant_type=client_credentials',
    });
    expect(res.status).toBe(200);
  });

  it('refuses wrong credentials with 401 invalid_client', async () => {
    for (const form of [{ client_secret: 'nope' }, { client_id: 'someone-else' }] as Array<Record<string, string>>) {
      const res = await requestToken(t.mock, form);
      expect(res.status).toBe(401);
      const body = await res.json();
      expect(body).toEqual({ error: 'invalid_client' });
      assertValidResponse('POST', '/o/token/', 401, body);
    }
  });

  it('refuses another grant type with 400 unsupported_grant_type', async () => {
    const res = await requestToken(t.mock, { grant_type: 'password' });
    expect(res.status).toBe(400);
    const body = await res.json();
    expect(body).toEqual({ error: 'unsupported_grant_type' });
    assertValidResponse('POST', '/o/token/', 400, body);
  });

  it('treats a JSON body as no form at all', async () => {
    const res = await fetch(`${t.mock.url}/o/token/`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ client_id: t.mock.clientId, client_secret: t.mock.clientSecret, grant_type: 'client_credentials' }),
    });
    expect(res.status).toBe(400);
  });

  it('redacts the secret and the token in the request log', async () => {
    t.mock.clearRequests();
    await requestToken(t.mock);
    await t.get(`${V1}/pads/`);
    const [tokenReq, padsReq] = t.mock.requests;
    expect(tokenReq?.body).toMatchObject({ client_id: t.mock.clientId, client_secret: '[REDACTED]' });
    expect(padsReq?.headers.authorization).toBe('Bearer [REDACTED]');
    expect(JSON.stringify(t.mock.requests)).not.toContain(t.token);
    expect(JSON.stringify(t.mock.requests)).not.toContain(t.mock.clientSecret);
  });

  it('requires a bearer token on every API endpoint', async () => {
    const none = await fetch(`${t.mock.url}${V1}/pads/`);
    expect(none.status).toBe(401);
    const noneBody = await none.json();
    expect(noneBody).toEqual({ detail: 'Authentication credentials were not provided.' });
    assertValidResponse('GET', `${V1}/pads/`, 401, noneBody);

    const bad = await fetch(`${t.mock.url}${V1}/sites/1112/`, { headers: { authorization: 'Bearer not-a-token' } });
    expect(bad.status).toBe(401);
    expect(await bad.json()).toEqual({ detail: 'Invalid token.' });
  });

  it('expires tokens after tokenTtlSeconds on the mock clock', async () => {
    const res = await requestToken(t.mock);
    const token = ((await res.json()) as { access_token: string }).access_token;
    const call = (): Promise<Response> => fetch(`${t.mock.url}${V1}/pads/697/`, { headers: { authorization: `Bearer ${token}` } });
    try {
      t.clock.now = new Date(T0.getTime() + 599_000);
      expect((await call()).status).toBe(200);
      t.clock.now = new Date(T0.getTime() + 600_000);
      const expired = await call();
      expect(expired.status).toBe(401);
      expect(await expired.json()).toEqual({ detail: 'Invalid token.' });
    } finally {
      t.clock.now = T0;
    }
  });

  it('issueToken() gives a ready token, and expireTokens() invalidates every token', async () => {
    const ready = t.mock.issueToken();
    const call = (token: string): Promise<Response> => fetch(`${t.mock.url}${V1}/pads/`, { headers: { authorization: `Bearer ${token}` } });
    expect((await call(ready)).status).toBe(200);
    t.mock.faults.expireTokens();
    expect((await call(ready)).status).toBe(401);
    expect((await call(t.token)).status).toBe(401);
    const fresh = ((await (await requestToken(t.mock)).json()) as { access_token: string }).access_token;
    expect((await call(fresh)).status).toBe(200);
    t.token = fresh;
  });
});
