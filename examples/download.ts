// A day of one-second data: iterate it, then save it to CSV (written atomically, resumed if the link drops).
import { Restream } from 'restream-datastore';

async function main(): Promise<void> {
  const rs = new Restream();
  const data = rs.site(1112).getData({
    startDatetime: '2025-10-01T00:00:00Z',
    endDatetime: '2025-10-01T00:59:59Z', // inclusive: 3600 rows
    fields: ['slurry_ph_flowing', 'tds'],
  });

  let rows = 0;
  for await (const row of data) rows += row.timestamp > 0 ? 1 : 0; // nothing is requested before this loop
  console.log(`${rows} rows`);

  const saved = await data.save(process.argv[2] ?? 'hour.csv', { overwrite: true });
  console.log(`${saved.rows} rows, ${saved.bytes} bytes → ${saved.path}`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
