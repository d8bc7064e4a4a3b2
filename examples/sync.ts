// Keep a DuckDB file (or a PostgreSQL database) complete and corrected: run it again and it continues.
import { Restream } from 'restream-datastore';

async function main(): Promise<void> {
  const rs = new Restream();
  const end = new Date(Math.floor(Date.now() / 60_000) * 60_000 - 60_000); // the last whole minute
  const summary = await rs.sync({
    pads: [697], // pad data is stored per site
    startDatetime: new Date(end.getTime() - 3_600_000),
    endDatetime: end, // leave it out for "up to the latest data"
    into: process.argv[2] ?? 'restream.duckdb', // or 'postgres://user@host/db'
    chunk: '10m',
    onProgress: (p) => {
      if (p.phase === 'done') console.log(`${p.rowsCommitted} rows committed`);
    },
  });
  const through = Object.values(summary.completeThrough)[0];
  console.log(`${summary.sites.length} sites complete through ${through}; ${summary.changes.applied} data changes applied`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
