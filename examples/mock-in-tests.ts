// The embedded mock server in your own tests: real HTTP on 127.0.0.1, fault injection, a request log.
import { Restream } from 'restream-datastore';
import { startMockServer } from 'restream-datastore/mock';

async function main(): Promise<void> {
  const mock = await startMockServer({ seed: 42 });
  try {
    const rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret });
    mock.faults.failNext({ path: '/external/thirdparty/v1/pads/', times: 2, status: 503 });
    const pads = await rs.pads.list(); // retried past the two 503s
    console.log(`${pads.length} pads after ${mock.requests.filter((r) => r.status === 503).length} injected 503s`);
  } finally {
    await mock.close();
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
