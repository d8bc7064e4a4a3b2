import { ClientCredentialsProvider } from '../../src/http/auth';

describe('ClientCredentialsProvider', () => {
  it('caches, refreshes a margin before expiry, and shares one refresh among concurrent callers', async () => {
    let clock = 0;
    let issued = 0;
    let resolveToken: (() => void) | undefined;
    const provider = new ClientCredentialsProvider({
      clientSecret: 'secret-value',
      now: () => clock,
      requestToken: () =>
        new Promise((resolve) => {
          issued++;
          resolveToken = () => resolve({ access_token: `token-${issued}`, expires_in: 100 });
        }),
    });
    const waiting = Array.from({ length: 10 }, () => provider.getAccessToken());
    expect(issued).toBe(1);
    resolveToken!();
    expect(new Set(await Promise.all(waiting))).toEqual(new Set(['token-1']));

    clock = 89_000; // 100 s life, 10 s margin: still fresh
    await expect(provider.getAccessToken()).resolves.toBe('token-1');
    clock = 90_000;
    const refreshed = provider.getAccessToken();
    resolveToken!();
    await expect(refreshed).resolves.toBe('token-2');
    expect(issued).toBe(2);
  });

  it('after a rejection, reuses a token another caller already refreshed', async () => {
    let issued = 0;
    const provider = new ClientCredentialsProvider({
      clientSecret: 's',
      requestToken: async () => ({ access_token: `token-${++issued}`, expires_in: 3600 }),
    });
    const first = await provider.getAccessToken();
    const [a, b] = await Promise.all([provider.refreshAfterRejection(first), provider.refreshAfterRejection(first)]);
    expect(a).toBe('token-2');
    expect(b).toBe('token-2');
    await expect(provider.refreshAfterRejection(first)).resolves.toBe('token-2');
    expect(issued).toBe(2);
    await expect(provider.getAccessToken({ force: true })).resolves.toBe('token-3');
  });
});
