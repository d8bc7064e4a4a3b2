// Typed errors: bad input fails before any request; server answers map to classes.
import { NotFoundError, Restream, ValidationError } from 'restream-datastore';

async function main(): Promise<void> {
  const rs = new Restream({ retry: { attempts: 3 }, onRetry: (e) => console.warn(`retry ${e.attempt} in ${e.delayMs} ms`) });
  try {
    rs.site(1112).getData({ startDatetime: '2025-10-01 00:00:00' }); // no offset: refused
  } catch (error) {
    if (error instanceof ValidationError) console.log(`bad ${error.parameter}: ${error.message}`);
  }
  try {
    await rs.sites.get(999999);
  } catch (error) {
    if (error instanceof NotFoundError) console.log(`${error.status} ${error.method} ${error.path}`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
