// Pads, sites, a site's state and its last frac stages with their aggregations.
import { Restream } from 'restream-datastore';

async function main(): Promise<void> {
  const rs = new Restream(); // RESTREAM_HOST, RESTREAM_CLIENT_ID, RESTREAM_CLIENT_SECRET

  for (const pad of await rs.pads.list()) console.log(`pad ${pad.id}: ${pad.name}`);

  const site = await rs.sites.get(1112); // date-time fields are Date objects
  console.log(site.name, 'created', site.date_created?.toISOString());

  const state = await site.getState(); // null when the site has no state
  console.log('state:', state?.current_state ?? 'none');

  const stages = await site.getStagesMetadata({ stageNameFilter: 'frac', addAggregations: true });
  for (const stage of stages.slice(0, 3)) {
    console.log(stage.stage_number, stage.start.toISOString(), stage.aggregations?.max_surface_pressure);
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
