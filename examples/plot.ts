// A quick-look chart of the last frac stage: pressure, rate and proppant on one time axis, the stage shaded.
import { Restream } from 'restream-datastore';

async function main(): Promise<void> {
  const rs = new Restream();
  const site = rs.site(1112);
  const [stage] = await site.getStagesMetadata({ stageNameFilter: 'frac' }); // newest first
  if (!stage) throw new Error('no frac stage yet');
  const data = site.getData({
    stageNumber: stage.stage_number, // the window is the stage's own
    stageNameFilter: 'frac',
    fields: ['M1_surface_treating_pressure', 'M1_slurry_rate', 'M1_proppant_conc'],
  });
  // .svg, .png or .html (a self-contained interactive page); written atomically, like save()
  const plot = await data.plot(process.argv[2] ?? `stage-${stage.stage_number}.png`, { overwrite: true, width: 1200 });
  console.log(`stage ${stage.stage_number}: ${plot.rows} rows → ${plot.path}`);
  for (const s of plot.series) console.log(`  ${s.label} (${s.unit}): ${s.values} values, ${s.points} points drawn`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
