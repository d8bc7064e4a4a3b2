// Proxies, company CAs, timeouts and the request log; and bringing your own fetch and WebSocket factory.
import { fetch as undiciFetch, Agent } from 'undici';
import WebSocket from 'ws';
import { ConnectionError, Restream, type FetchLike } from 'restream-datastore';

async function main(): Promise<void> {
  // HTTPS_PROXY / HTTP_PROXY / NO_PROXY and NODE_EXTRA_CA_CERTS apply as they are; options override them.
  const rs = new Restream({
    // proxy: 'http://user:password@proxy.corp.example:3128',
    // ca: readFileSync('/etc/ssl/certs/company-ca.pem', 'utf8'),
    connectTimeoutMs: 10_000, // TCP + TLS
    requestTimeoutMs: 30_000, // a REST call, first byte to last
    idleTimeoutMs: 120_000, // a /data/ download silent this long is resumed
    logLevel: 'debug', // or RESTREAM_LOG=debug; 'info' shows retries and reconnects only
    logger: console, // pino and winston loggers fit too
  });
  try {
    const site = await rs.sites.get(1112); // logs "restream: GET /external/thirdparty/v1/sites/1112/ 200 ..."
    console.log(`site ${site.id}`);
  } catch (error) {
    if (error instanceof ConnectionError && error.timeout) console.error(`the ${error.timeout} timeout fired`);
    throw error;
  }

  // Your own transport: a fetch with its own undici dispatcher, and a WebSocket factory.
  const dispatcher = new Agent({ connect: { timeout: 5_000 }, keepAliveTimeout: 30_000 });
  const ownFetch: FetchLike = async (request, init) =>
    (await undiciFetch(request.url, {
      method: request.method,
      headers: [...request.headers],
      body: request.body ? await request.arrayBuffer() : undefined,
      signal: init?.signal ?? request.signal, // carries the request timeout
      dispatcher,
    })) as unknown as Response;
  const own = new Restream({
    fetch: ownFetch,
    createWebSocket: (url, protocols, options) => new WebSocket(url, protocols, { ...options, handshakeTimeout: 5_000 }),
  });
  const site = await own.sites.get(1112);
  for await (const update of own.site(1112).getRealtimeInstanceUpdates()) {
    console.log(`own transport: site ${site.id}, live update for site ${update.id}`);
    break;
  }
  await dispatcher.close();
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
