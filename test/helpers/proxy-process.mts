/**
 * A real HTTP proxy in a process of its own: the `proxy` package (CONNECT tunnels and absolute-URI
 * forwarding, the proxy the proxy-agents packages are tested with), on 127.0.0.1 with an OS-assigned port.
 * It is ESM-only, which jest's CommonJS runtime cannot load, and a proxy is a separate process for users too.
 *
 * Environment: PROXY_AUTH=`user:password` asks for Basic credentials (407 without them);
 * PROXY_LOCAL_ADDRESS makes its outgoing connections from that loopback address, so a server can tell
 * them from the client's own. Reports one JSON object per line on stdout: `{ port }` once listening,
 * `{ connect: "host:port" }` per CONNECT, `{ request: "GET http://..." }` per forwarded request,
 * `{ auth: "accepted" | "refused" }` per credentials check. Ends when its stdin closes.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createProxy } from 'proxy';

const say = (event: Record<string, unknown>): void => {
  process.stdout.write(`${JSON.stringify(event)}\n`);
};

const proxy = createProxy(createServer());
const localAddress = process.env.PROXY_LOCAL_ADDRESS;
if (localAddress) proxy.localAddress = localAddress;
const auth = process.env.PROXY_AUTH;
if (auth) {
  const expected = `Basic ${Buffer.from(auth).toString('base64')}`;
  proxy.authenticate = (req) => {
    const ok = req.headers['proxy-authorization'] === expected;
    say({ auth: ok ? 'accepted' : 'refused' });
    return ok;
  };
}
proxy.on('connect', (req) => say({ connect: req.url }));
proxy.on('request', (req) => say({ request: `${req.method} ${req.url}` }));
proxy.listen(0, '127.0.0.1', () => say({ port: (proxy.address() as AddressInfo).port }));
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
