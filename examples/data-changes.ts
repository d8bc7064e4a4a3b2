// Re-pull the data that changed on a pad, then confirm the changes so they leave the log.
import { Restream } from 'restream-datastore';

async function main(): Promise<void> {
  const rs = new Restream();
  const { changes, data } = await rs.pad(697).getDataChanges();
  console.log(`${changes.length} changes, ${data.requests.length} merged ranges to download`);
  const saved = await data.save(process.argv[2] ?? 'changed.ndjson', { overwrite: true });
  console.log(`${saved.rows} changed rows saved`);
  await rs.confirmDataReceived(changes); // one request per pad/site log
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
