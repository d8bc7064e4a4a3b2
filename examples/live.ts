// Live rows over a WebSocket; a restarted process given the same session store resumes the same queue.
import { FileSessionStore, Restream } from 'restream-datastore';

async function main(): Promise<void> {
  const rs = new Restream();
  const { stream, sessionKey } = await rs.site(1112).getRealtimeMeasurementsData({
    fields: ['tds'],
    sessionStore: new FileSessionStore(process.argv[2] ?? '.restream-sessions'),
  });
  stream.on('reconnect', (e) => console.warn(`reconnect #${e.attempt} in ${e.delayMs} ms`));
  let rows = 0;
  let readings = 0;
  for await (const row of stream) {
    if (typeof row.tds === 'number') readings++; // a row carries only what was measured that second
    if (++rows === 20) stream.close(); // or pass `signal` to stop from outside
  }
  console.log(`${rows} live rows, ${readings} with tds, on session ${sessionKey}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
