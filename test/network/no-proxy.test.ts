/**
 * The one proxy decision (src/http/proxy.ts): which variables win, NO_PROXY's rules, bad settings, and
 * agreement with undici's EnvHttpProxyAgent on the cases both handle.
 */
import { EnvHttpProxyAgent, type Dispatcher } from 'undici';
import { Restream, ValidationError } from '../../src';
import { bypasses, describeProxy, parseNoProxy, proxyFor, proxySecrets, resolveProxySettings } from '../../src/http/proxy';
import { redact } from '../../src/http/redact';

const P = 'http://proxy.corp.example:3128';
const target = (url: string) => new URL(url);

describe('which proxy', () => {
  it('https and wss use HTTPS_PROXY, http and ws use HTTP_PROXY; lower case wins; empty means unset', () => {
    const s = resolveProxySettings(undefined, undefined, { HTTPS_PROXY: 'http://secure:1', http_proxy: 'http://plain:2', HTTP_PROXY: 'http://upper:3' });
    expect(proxyFor(s, target('https://api.example/'))?.host).toBe('secure:1');
    expect(proxyFor(s, target('wss://api.example/ws/'))?.host).toBe('secure:1');
    expect(proxyFor(s, target('http://api.example/'))?.host).toBe('plain:2');
    expect(proxyFor(s, target('ws://api.example/'))?.host).toBe('plain:2');
    const lower = resolveProxySettings(undefined, undefined, { https_proxy: 'http://lower:1', HTTPS_PROXY: 'http://upper:1' });
    expect(proxyFor(lower, target('https://a.example/'))?.host).toBe('lower:1');
    const empty = resolveProxySettings(undefined, undefined, { https_proxy: '', HTTPS_PROXY: 'http://upper:1' });
    expect(proxyFor(empty, target('https://a.example/'))?.host).toBe('upper:1');
    expect(proxyFor(resolveProxySettings(undefined, undefined, {}), target('https://a.example/'))).toBeUndefined();
  });

  it('an https target falls back to HTTP_PROXY when HTTPS_PROXY is not set', () => {
    const s = resolveProxySettings(undefined, undefined, { HTTP_PROXY: P });
    expect(proxyFor(s, target('https://app.restreamsolutions.com/'))?.href).toBe(`${P}/`);
    expect(s.names.https).toBe('HTTP_PROXY');
  });

  it('the proxy option replaces every variable, NO_PROXY included; false connects directly', () => {
    const env = { HTTPS_PROXY: 'http://env:1', NO_PROXY: 'api.example' };
    expect(proxyFor(resolveProxySettings(P, undefined, env), target('https://api.example/'))?.href).toBe(`${P}/`);
    expect(proxyFor(resolveProxySettings(P, 'api.example', env), target('https://api.example/'))).toBeUndefined();
    expect(proxyFor(resolveProxySettings(false, undefined, env), target('https://other.example/'))).toBeUndefined();
  });

  it('a bare host:port is an http proxy; other schemes, paths and junk are ValidationErrors naming the setting', () => {
    expect(proxyFor(resolveProxySettings(undefined, undefined, { HTTPS_PROXY: 'proxy.corp:3128' }), target('https://a/'))?.href).toBe('http://proxy.corp:3128/');
    const bad = (f: () => unknown) => {
      try {
        f();
      } catch (e) {
        return e as ValidationError;
      }
      throw new Error('no error');
    };
    expect(bad(() => resolveProxySettings(undefined, undefined, { HTTPS_PROXY: 'socks5://p:1080' }))).toMatchObject({ parameter: 'HTTPS_PROXY', message: expect.stringMatching(/only http:\/\/ and https:\/\/ proxies/) });
    expect(bad(() => resolveProxySettings(undefined, undefined, { https_proxy: 'http://p:1/path' })).parameter).toBe('https_proxy');
    expect(bad(() => resolveProxySettings('http://[bad', undefined, {})).parameter).toBe('proxy');
    expect(bad(() => resolveProxySettings(undefined, undefined, { NO_PROXY: '10.0.0.0/99' })).parameter).toBe('NO_PROXY');
    expect(bad(() => resolveProxySettings(undefined, 'a.example:99999', {})).parameter).toBe('noProxy');
    // Through the client, before any request.
    expect(() => new Restream({ env: { HTTPS_PROXY: 'ftp://p:21' } })).toThrow(ValidationError);
    expect(() => new Restream({ proxy: 42 as never, env: {} })).toThrow(/proxy: must be a proxy URL/);
    expect(() => new Restream({ noProxy: [1] as never, env: {} })).toThrow(/noProxy: /);
  });

  it('credentials never show: the proxy description leaves them out, redaction scrubs URLs and Basic headers', () => {
    const s = resolveProxySettings('http://van%207:s3cr%40t@proxy.corp:3128', undefined, {});
    expect(describeProxy(s.https!)).toBe('http://proxy.corp:3128');
    expect(proxySecrets(s)).toEqual(expect.arrayContaining(['s3cr@t', 'van 7:s3cr@t']));
    expect(redact('via http://van:s3cret@proxy.corp:3128 and https://tok@h/')).toBe('via http://van:[REDACTED]@proxy.corp:3128 and https://[REDACTED]@h/');
    expect(redact('Proxy-Authorization: Basic dmFuOnMzY3JldA==')).toBe('Proxy-Authorization: Basic [REDACTED]');
  });
});

describe('NO_PROXY rules', () => {
  const cases: Array<[string, string, boolean]> = [
    // [NO_PROXY, target, goes direct]
    ['example.com', 'https://example.com/', true],
    ['example.com', 'https://api.example.com/', true],
    ['example.com', 'https://deep.api.example.com/', true],
    ['example.com', 'https://badexample.com/', false],
    ['.example.com', 'https://api.example.com/', true],
    ['.example.com', 'https://example.com/', true],
    ['*.example.com', 'https://api.example.com/', true],
    ['EXAMPLE.com', 'https://Api.Example.COM/', true],
    ['example.com.', 'https://example.com/', true],
    ['example.com:8443', 'https://example.com:8443/', true],
    ['example.com:8443', 'https://example.com/', false],
    ['example.com:443', 'https://example.com/', true],
    ['example.com:443', 'wss://example.com/ws/', true],
    ['example.com:80', 'ws://example.com/ws/', true],
    ['*', 'https://anything.example/', true],
    ['a.example, *', 'https://anything.example/', true],
    ['localhost,127.0.0.1', 'http://127.0.0.1:8080/', true],
    ['localhost', 'http://127.0.0.1:8080/', false],
    ['127.0.0.1', 'http://localhost:8080/', false],
    ['10.0.0.0/8', 'https://10.20.30.40/', true],
    ['10.0.0.0/8', 'https://11.0.0.1/', false],
    ['10.0.0.0/8:443', 'https://10.1.1.1/', true],
    ['10.0.0.0/8:443', 'https://10.1.1.1:8443/', false],
    ['::1', 'http://[::1]:8080/', true],
    ['[::1]:8080', 'http://[::1]:8080/', true],
    ['[::1]:8080', 'http://[::1]:9090/', false],
    ['fd00::/8', 'https://[fd12::1]/', true],
    ['1.2.3.4', 'https://11.2.3.4/', false],
    ['', 'https://example.com/', false],
    [' , ,', 'https://example.com/', false],
    ['other.example\texample.com', 'https://example.com/', true],
  ];

  it.each(cases)('NO_PROXY=%j, %s: direct %s', (noProxy, url, direct) => {
    expect(bypasses(parseNoProxy(noProxy), target(url))).toBe(direct);
    expect(proxyFor(resolveProxySettings(undefined, undefined, { HTTPS_PROXY: P, HTTP_PROXY: P, NO_PROXY: noProxy }), target(url)) === undefined).toBe(direct);
  });

  /**
   * undici's EnvHttpProxyAgent cannot be asked for its decision (it is private), so each case is dispatched
   * to an agent whose two inner dispatchers only record which of them got the request.
   */
  it('agrees with undici EnvHttpProxyAgent but where undici lacks a rule (CIDR, bare IPv6, trailing dot, * among others)', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const symbols = require('undici/lib/core/symbols') as Record<string, symbol>;
    const undiciSays = (noProxy: string, url: string): boolean => {
      const agent = new EnvHttpProxyAgent({ httpProxy: P, httpsProxy: P, noProxy }) as unknown as Record<symbol, Dispatcher>;
      let direct: boolean | undefined;
      const recorder = (isDirect: boolean) => ({ dispatch: () => ((direct = isDirect), true) }) as unknown as Dispatcher;
      agent[symbols.kNoProxyAgent!] = recorder(true);
      agent[symbols.kHttpProxyAgent!] = recorder(false);
      agent[symbols.kHttpsProxyAgent!] = recorder(false);
      const u = target(url.replace(/^ws/, 'http'));
      (agent as unknown as Dispatcher).dispatch({ origin: u.origin, path: '/', method: 'GET' }, {} as Dispatcher.DispatchHandler);
      return direct!;
    };
    // undici has no CIDR blocks, reads `::1` as host ':' port 1, keeps a trailing dot, and honours `*` only as
    // the whole value (like curl; Go takes it as any entry, and so do we).
    const undiciLacks = (noProxy: string) => noProxy.includes('/') || /(^|[\s,])::/.test(noProxy) || noProxy.endsWith('.') || /\*(?!\.)/.test(noProxy.replace(/^\s*\*\s*$/, ''));
    const shared = cases.filter(([noProxy]) => !undiciLacks(noProxy));
    expect(shared.length).toBeGreaterThan(20);
    for (const [noProxy, url, direct] of shared) expect([noProxy, url, undiciSays(noProxy, url)]).toEqual([noProxy, url, direct]);
  });
});
