/**
 * `npm run demo`: a tour of the SDK's main jobs against the embedded mock server, started in-process on
 * 127.0.0.1 (no network beyond loopback). Files go to a fresh folder under the OS temp directory.
 */
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { DuckDBInstance } from '@duckdb/node-api';
import { Restream } from '../src';
import { startMockServer } from '../src/mock';

const say = (text: string) => console.log(`\n\x1b[1m${text}\x1b[0m`);
const note = (text: string) => console.log(`  ${text}`);

async function main(): Promise<void> {
  // Live rows flow on their own every 250 ms (one second of rows per tick), as from a site in operation.
  const mock = await startMockServer({ realtime: { live: { intervalMs: 250 } } });
  const out = await mkdtemp(path.join(tmpdir(), 'restream-demo-'));
  try {
    say(`1. An embedded ReStream server is running at ${mock.url}`);
    note('The SDK talks to it exactly as to the real API: OAuth2 client credentials, then Bearer calls.');
    const rs = new Restream({ host: mock.url, clientId: mock.clientId, clientSecret: mock.clientSecret, env: {} });

    say('2. Pads and sites');
    const pads = await rs.pads.list();
    for (const pad of pads) note(`pad ${pad.id}  ${pad.name}  (lease ${pad.lease_name ?? '-'})`);
    const pad = await rs.pads.get(mock.ids.demoPad);
    const sites = await pad.getSites();
    for (const site of sites) note(`site ${site.id}  ${site.name}  well API ${site.well_api ?? '-'}  created ${site.date_created?.toISOString().slice(0, 10)}`);

    say('3. A site’s state and its last stages, with aggregations');
    const site = sites[1] ?? sites[0]!;
    const state = await site.getState();
    note(state ? `site ${site.id} is in '${state.current_state}', stage ${state.calculated_stage_number ?? '?'}` : `site ${site.id} has no state`);
    const stages = await site.getStagesMetadata({ stageNameFilter: 'frac', addAggregations: true });
    for (const stage of stages.slice(0, 3)) {
      const pressure = stage.aggregations?.max_surface_pressure;
      note(
        `stage ${stage.stage_number} ${stage.state}  ${stage.start.toISOString()} → ${stage.end ? stage.end.toISOString() : 'in progress'}` +
          (typeof pressure === 'number' ? `  max surface pressure ${pressure.toFixed(0)}` : ''),
      );
    }

    say('4. One hour of one-second data to CSV, streamed with flat memory');
    const end = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const start = new Date(end.getTime() - 3_599_000);
    const csv = path.join(out, `site-${site.id}-hour.csv`);
    let lastShown = 0;
    const began = Date.now();
    const saved = await site.getData({ startDatetime: start, endDatetime: end }).save(csv, {
      onProgress: ({ rows }) => {
        if (rows - lastShown >= 1000 && process.stderr.isTTY) {
          lastShown = rows;
          process.stderr.write(`\r  ${rows} rows…`);
        }
      },
    });
    if (process.stderr.isTTY) process.stderr.write('\r');
    note(`${saved.rows} rows, ${(saved.bytes / 1e6).toFixed(1)} MB in ${((Date.now() - began) / 1000).toFixed(1)} s → ${saved.path}`);
    note('A dropped connection mid-download resumes from the last complete timestamp, with no duplicate row:');
    mock.faults.cutStream({ afterBytes: 300_000, times: 2 });
    const resumed = await site.getData({ startDatetime: start, endDatetime: end }).save(path.join(out, 'resumed.ndjson'));
    note(`the link was cut twice; still ${resumed.rows} rows, each once → ${resumed.path}`);

    say('5. Data changes: read the log, re-pull the changed ranges, confirm');
    const { changes, data } = await pad.getDataChanges();
    note(`${changes.length} changes on pad ${pad.id}; their intervals merge into ${data.requests.length} downloads`);
    const changed = await data.save(path.join(out, 'changes.json'));
    note(`${changed.rows} changed rows → ${changed.path}`);
    await rs.confirmDataReceived(changes);
    note(`confirmed in one request; the log now holds ${(await pad.getDataChanges()).changes.length} changes`);

    say('6. Ten seconds of live measurements, with the link dropped and resumed on the same session key');
    const { stream, sessionKey } = await site.getRealtimeMeasurementsData({
      fields: ['slurry_ph_flowing', 'tds'],
      reconnect: { baseDelayMs: 200, maxDelayMs: 1000 },
    });
    note(`session key ${sessionKey}: the server keeps a queue for it, so a reconnect continues where it stood`);
    stream.on('disconnect', (e) => note(`link lost (code ${e.code}); reconnecting…`));
    stream.on('reconnect', (e) => note(`reconnect #${e.attempt} in ${e.delayMs} ms`));
    mock.faults.dropLinkAfter({ messages: 15 });
    const timer = setTimeout(() => stream.close(), 10_000);
    const seen = new Set<number>();
    let rows = 0;
    // Like the real feed, a row carries tds only on the full row of each 10 s; keep the last reading.
    let tds: unknown;
    for await (const row of stream) {
      rows++;
      seen.add(row.timestamp);
      if (row.tds !== undefined) tds = row.tds;
      if (rows % 10 === 0) note(`${rows} live rows, latest ${new Date(row.timestamp * 1000).toISOString()}, last tds reading ${String(tds)}`);
    }
    clearTimeout(timer);
    note(`${rows} live rows in ten seconds, ${seen.size} distinct timestamps: none lost or repeated across the drop`);

    say('7. A quick-look plot of the last twelve hours: treating pressure, slurry rate, proppant concentration');
    const plotEnd = new Date(Math.floor(Date.now() / 1000) * 1000 - 60_000);
    const plotData = site.getData({
      startDatetime: new Date(plotEnd.getTime() - 12 * 3600_000 + 1000),
      endDatetime: plotEnd,
      fields: ['M1_surface_treating_pressure', 'M1_slurry_rate', 'M1_proppant_conc'],
    });
    const png = await plotData.plot(path.join(out, `site-${site.id}-12h.png`));
    note(`${png.rows} rows downsampled to ${png.series.map((s) => s.points).join(' + ')} points, ${png.stages} stages shaded → ${png.path}`);
    const page = await plotData.plot(path.join(out, `site-${site.id}-12h.html`));
    note(`the same as an interactive page (zoom, cursor; no internet needed) → ${page.path}`);

    say('8. A local copy that stays correct: the pad synced into DuckDB, then a correction applied');
    const db = path.join(out, 'restream.duckdb');
    const syncEnd = new Date(end.getTime());
    const syncStart = new Date(syncEnd.getTime() - 1_799_000);
    const window = { pads: [pad.id], startDatetime: syncStart, endDatetime: syncEnd, into: db, chunk: '10m' };
    const first = await rs.sync(window);
    note(`${first.rows} rows of sites ${first.sites.join(', ')} → ${db} (table measurements, one column per field)`);
    note(`run again (from cron), it continues from where the table stands: ${(await rs.sync(window)).rows} new rows this time`);
    // Five minutes of one site, corrected upstream: the data-change log says so, and the API's rows change.
    const fixFrom = new Date(syncStart.getTime() + 600_000);
    const fixTo = new Date(fixFrom.getTime() + 299_000);
    // tds comes on the site's full rows, every ten seconds (as in the real API's responses).
    const probe = `SELECT strftime(ts, '%H:%M:%S') AS time, round(tds, 3) AS tds FROM measurements WHERE site_id = ${site.id} AND ts >= '${fixFrom.toISOString()}' AND tds IS NOT NULL ORDER BY ts LIMIT 3`;
    const before = await duckdb(db, probe);
    const [change] = mock.realtime.pushDataChange(site.id, { start_date: fixFrom.toISOString(), end_date: fixTo.toISOString() });
    const fixed = await rs.sync(window);
    note(`change ${change!.id} (site ${site.id}, ${fixFrom.toISOString().slice(11, 19)}–${fixTo.toISOString().slice(11, 19)}): re-pulled, replaced in one transaction, then confirmed (${fixed.changes.ids.join(', ')})`);
    const after = await duckdb(db, probe);
    note(`${db}: ${probe.replace(/\s+/g, ' ')}`);
    note('time      tds before  tds after');
    before.forEach((row, i) => note(`${String(row.time)}  ${String(row.tds).padEnd(10)}  ${String(after[i]?.tds)}`));
    note('the same query in the duckdb shell, or psql against a postgres:// target: see the README\'s "Sync" section');

    say(`Done. The files are in ${out}`);
  } finally {
    await mock.close();
  }
}

/** Runs one query on a DuckDB file (the sync has closed it) and returns its rows. */
async function duckdb(file: string, sql: string): Promise<Array<Record<string, unknown>>> {
  const instance = await DuckDBInstance.create(file);
  try {
    const connection = await instance.connect();
    const rows = (await connection.runAndReadAll(sql)).getRowObjectsJS() as Array<Record<string, unknown>>;
    connection.closeSync();
    return rows;
  } finally {
    instance.closeSync();
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exitCode = 1;
});
